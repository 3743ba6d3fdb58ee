//! `/api/v1/partners`: partner organisations within the token's reach (a partner token: its own),
//! their people and their tiers.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::deals::keyset;
use super::problem::{ListProblems, Problem, ReadProblems};
use super::{ApiCaller, ApiState, answer, as_caller, cursor, read_one};
use crate::api::tokens::Scope;
use crate::db::keyset::KeyOrder;
use crate::error::AppError;
use crate::partners::server::{partner_listing, partners_after};
use crate::partners::store::listing::{ListingFilter, PartnerListing};
use crate::team::TeamMember;
use crate::team::server::team;
use crate::tiers::server::tier_standing;
use crate::tiers::{HistoryEntry, StandingView};

/// A page of partners, and the cursor of the next one (none after the last).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PartnerPage {
    pub data: Vec<PartnerListing>,
    pub next_cursor: Option<String>,
}

/// What a list of partners is narrowed to, and where it goes on.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PartnerListQuery {
    /// Text in the partner's name.
    pub q: Option<String>,
    /// A tier's name, such as Gold.
    pub tier: Option<String>,
    /// A region's name, such as EMEA.
    pub region: Option<String>,
    /// A partner type's name, such as MSP.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub partner_type: Option<String>,
    /// `id` (the default) or `-id`.
    pub sort: Option<String>,
    /// The `next_cursor` of the page before.
    pub cursor: Option<String>,
    /// How many partners a page holds: 1 to 100, 25 unless said.
    pub limit: Option<String>,
}

fn given(value: Option<String>) -> Option<String> {
    value.map(|value| value.trim().chars().take(100).collect::<String>()).filter(|value| !value.is_empty())
}

/// The partners within the token's reach, in order of id.
#[utoipa::path(get, path = "/partners", tag = "Partners", params(PartnerListQuery), security(("token" = ["partners:read"])),
    responses((status = 200, body = PartnerPage), ListProblems))]
pub async fn list(
    State(state): State<ApiState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    parts: Parts,
    query: Result<Query<PartnerListQuery>, QueryRejection>,
) -> Response {
    answer(
        async {
            caller.needs(Scope::PartnersRead)?;
            let Query(query) =
                query.map_err(|rejection| Problem::from(AppError::field("query", rejection.body_text())))?;
            let (order, after, limit) =
                keyset(query.sort.as_deref(), query.cursor.as_deref(), query.limit.as_deref(), KeyOrder::IdAscending)?;
            if matches!(order, KeyOrder::UpdatedAscending | KeyOrder::UpdatedDescending) {
                return Err(AppError::field("sort", "Sort partners by id or -id.").into());
            }
            let filter = ListingFilter {
                search: given(query.q),
                tier: given(query.tier),
                region: given(query.region),
                partner_type: given(query.partner_type),
            };
            let mut rows = as_caller(&state, parts, || partners_after(&filter, (order, after), limit + 1)).await?;
            let next_cursor = match rows.len() as i64 > limit {
                true => {
                    rows.truncate(limit as usize);
                    rows.last().map(|last| cursor::encode(order, order.key(last.id, last.created_at)))
                }
                false => None,
            };
            Ok(PartnerPage { data: rows, next_cursor })
        }
        .await,
    )
}

/// One partner; "not found" for one outside the token's reach.
#[utoipa::path(get, path = "/partners/{id}", tag = "Partners", params(("id" = i64, Path, description = "The partner's id")),
    security(("token" = ["partners:read"])),
    responses((status = 200, body = PartnerListing), ReadProblems))]
pub async fn detail(
    State(state): State<ApiState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path(id): Path<String>,
    parts: Parts,
) -> Response {
    read_one(&state, &caller, Scope::PartnersRead, parts, &id, partner_listing).await
}

/// A partner's people.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PeopleList {
    pub data: Vec<TeamMember>,
}

/// The people of a partner within the token's reach (a partner token: its own); "not found" for
/// one outside it.
#[utoipa::path(get, path = "/partners/{id}/people", tag = "Partners",
    params(("id" = i64, Path, description = "The partner's id")), security(("token" = ["people:read"])),
    responses((status = 200, body = PeopleList), ReadProblems))]
pub async fn people(
    State(state): State<ApiState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path(id): Path<String>,
    parts: Parts,
) -> Response {
    // A partner's, never the vendor's own staff (whom the team page shows to vendor staff).
    let read = |id| async move {
        partner_listing(id).await?;
        team(Some(id)).await.map(|team| PeopleList { data: team.members })
    };
    read_one(&state, &caller, Scope::PeopleRead, parts, &id, read).await
}

/// A partner's tier, where it is heading, and how it got there.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TierRecord {
    pub organisation_id: i64,
    /// The tier it holds (none before its first evaluation places it).
    pub tier: Option<String>,
    /// The next tier up, if any.
    pub next: Option<String>,
    /// What it still needs for the next tier.
    pub distance: Option<String>,
    /// It keeps its tier until then unless it catches up.
    pub grace_until: Option<DateTime<Utc>>,
    /// A change waiting for its channel manager's decision.
    pub pending: Option<String>,
    /// Newest first.
    pub history: Vec<HistoryEntry>,
    pub evaluated_at: DateTime<Utc>,
}

/// The tier of a partner within the token's reach (a partner token: its own); "not found" for one
/// outside it.
#[utoipa::path(get, path = "/partners/{id}/tier", tag = "Partners",
    params(("id" = i64, Path, description = "The partner's id")), security(("token" = ["tiers:read"])),
    responses((status = 200, body = TierRecord), ReadProblems))]
pub async fn tier(
    State(state): State<ApiState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path(id): Path<String>,
    parts: Parts,
) -> Response {
    let read = |id| async move { tier_standing(Some(id)).await.map(TierRecord::from) };
    read_one(&state, &caller, Scope::TiersRead, parts, &id, read).await
}

impl From<StandingView> for TierRecord {
    fn from(standing: StandingView) -> TierRecord {
        TierRecord {
            organisation_id: standing.organisation_id,
            tier: standing.tier,
            next: standing.next,
            distance: standing.distance,
            grace_until: standing.grace_until,
            pending: standing.pending,
            history: standing.history,
            evaluated_at: standing.evaluated_at,
        }
    }
}
