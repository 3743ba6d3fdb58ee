//! `/api/v1/certifications` and `/api/v1/leads`: what the token's maker sees on the
//! certifications and leads pages, through the same server functions (a partner token: its own
//! people's and leads; a program token: every partner's, or a channel manager's partners').

use axum::extract::State;
use axum::http::request::Parts;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::problem::SnapshotProblems;
use super::{ApiCaller, ApiState, read_all};
use crate::api::tokens::Scope;
use crate::campaigns::launch::LeadRow;
use crate::campaigns::server::leads as lead_list;
use crate::training::Certificate;
use crate::training::server::certifications as certification_list;

/// Certifications held by people within reach.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CertificationList {
    pub data: Vec<Certificate>,
}

/// Every certification held by people within the token's reach, with how it stands.
#[utoipa::path(get, path = "/certifications", tag = "Training", security(("token" = ["certifications:read"])),
    responses((status = 200, body = CertificationList), SnapshotProblems))]
pub async fn certifications(
    State(state): State<ApiState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    parts: Parts,
) -> Response {
    let read = || async { certification_list().await.map(|list| CertificationList { data: list.certificates }) };
    read_all(&state, &caller, Scope::CertificationsRead, parts, read).await
}

/// Leads from partners' campaign landing pages and the public partner locator within reach, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LeadList {
    /// The newest 500 at most.
    pub data: Vec<LeadRow>,
}

/// The newest leads within the token's reach, with the deal registered from each, if any.
#[utoipa::path(get, path = "/leads", tag = "Campaigns", security(("token" = ["leads:read"])),
    responses((status = 200, body = LeadList), SnapshotProblems))]
pub async fn leads(
    State(state): State<ApiState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    parts: Parts,
) -> Response {
    let read = || async { lead_list().await.map(|list| LeadList { data: list.rows }) };
    read_all(&state, &caller, Scope::LeadsRead, parts, read).await
}
