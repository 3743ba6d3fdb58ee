//! The API's OpenAPI 3.1 document, generated from the handlers and their types.

use axum::Json;
use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{deals, partners, problem, records};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tessera REST API",
        version = "1",
        description = "Partners (their people and tiers), deals and their workflow, certifications, campaigns and leads, incentive ledgers and requests for funds, for the vendor's CRM and other systems. Every request \
            carries a token (`Authorization: Bearer tsr_…`) made on the API tokens page by a program admin (the \
            whole program) or a partner admin (their own organisation). A token acts with its creator's rights, \
            narrowed to its scopes; anything outside its reach is \"not found\". Errors are RFC 9457 problem \
            details; lists are paged with `cursor` and `limit`."
    ),
    servers((url = "/api/v1")),
    paths(super::me, deals::list, deals::detail, deals::create, deals::submit, deals::decide, deals::close,
        partners::list, partners::detail, partners::people, partners::tier, records::certifications, records::leads,
        records::campaigns, records::mdf_requests, records::ledger),
    components(schemas(problem::Problem, problem::FieldProblem)),
    modifiers(&BearerToken),
    tags((name = "Deals", description = "Deal registration and its workflow"),
        (name = "Partners", description = "Partner organisations, their people and their tiers"),
        (name = "Training", description = "Certifications partners' people hold"),
        (name = "Campaigns", description = "Co-branded campaigns, and the leads from partners' landing pages and the public partner locator"),
        (name = "Incentives", description = "Partners' incentive ledgers, and requests for market development and co-op funds"),
        (name = "Tokens", description = "The calling token"))
)]
pub struct ApiDoc;

/// The bearer token every operation names as its security.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            let scheme = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("tsr_…").build();
            components.add_security_scheme("token", SecurityScheme::Http(scheme));
        }
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}
