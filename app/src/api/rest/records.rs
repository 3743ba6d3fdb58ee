//! `/api/v1/certifications`, `/api/v1/leads`, `/api/v1/campaigns`, `/api/v1/mdf/requests` and
//! `/api/v1/partners/{id}/ledger`:
//! what the token's maker sees on the certifications, leads, campaigns and MDF pages, through the
//! same server functions (a partner token: its own people's, leads, requests and the campaigns
//! open to it; a program token: every partner's).

use axum::extract::State;
use axum::http::request::Parts;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::problem::{ReadProblems, SnapshotProblems};
use super::{ApiCaller, ApiState, read_all, read_one};
use crate::api::tokens::Scope;
use crate::campaigns::CampaignRow;
use crate::campaigns::launch::LeadRow;
use crate::campaigns::server::{campaigns as campaign_list, leads as lead_list};
use crate::incentives::StatementLine;
use crate::incentives::mdf::RequestRow;
use crate::incentives::mdf::server::mdf_overview;
use crate::incentives::server::earnings;
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

/// Co-branded campaigns the token may see.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CampaignList {
    pub data: Vec<CampaignRow>,
}

/// The campaigns the token's maker sees: every one for a program token; for a partner token, the
/// published ones aimed at its organisation.
#[utoipa::path(get, path = "/campaigns", tag = "Campaigns", security(("token" = ["campaigns:read"])),
    responses((status = 200, body = CampaignList), SnapshotProblems))]
pub async fn campaigns(
    State(state): State<ApiState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    parts: Parts,
) -> Response {
    let read = || async { campaign_list().await.map(|list| CampaignList { data: list.rows }) };
    read_all(&state, &caller, Scope::CampaignsRead, parts, read).await
}

/// Requests for market development and co-op funds within reach.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MdfRequestList {
    /// Amounts in minor units of the program's reporting currency.
    pub data: Vec<RequestRow>,
}

/// Every request for funds within the token's reach, newest change first, with where it and its
/// latest claim stand.
#[utoipa::path(get, path = "/mdf/requests", tag = "Incentives", security(("token" = ["mdf:read"])),
    responses((status = 200, body = MdfRequestList), SnapshotProblems))]
pub async fn mdf_requests(
    State(state): State<ApiState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    parts: Parts,
) -> Response {
    let read = || async { mdf_overview().await.map(|view| MdfRequestList { data: view.requests }) };
    read_all(&state, &caller, Scope::MdfRead, parts, read).await
}

/// A partner's incentive ledger.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LedgerList {
    /// Newest first, the newest 5,000 at most (as the statement shows them); amounts in minor
    /// units of each entry's currency.
    pub data: Vec<StatementLine>,
}

/// The ledger entries of a partner within the token's reach (a partner token: its own), as its
/// earnings statement lists them: margins, rebates, SPIFFs and funds paid, with their reversals;
/// "not found" for a partner outside it.
#[utoipa::path(get, path = "/partners/{id}/ledger", tag = "Incentives",
    params(("id" = i64, Path, description = "The partner's id")), security(("token" = ["ledger:read"])),
    responses((status = 200, body = LedgerList), ReadProblems))]
pub async fn ledger(
    State(state): State<ApiState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    axum::extract::Path(id): axum::extract::Path<String>,
    parts: Parts,
) -> Response {
    let read = |id| async move { earnings(Some(id), None).await.map(|statement| LedgerList { data: statement.lines }) };
    read_one(&state, &caller, Scope::LedgerRead, parts, &id, read).await
}
