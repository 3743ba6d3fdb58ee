//! `/api/v1/deals`: list, read, register, and move through the workflow, each by the deals
//! feature's own functions ([`crate::deals::server`], [`crate::deals::commands`]).

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problem::{ListProblems, Problem, ReadProblems, WriteProblems};
use super::{ApiCaller, ApiState, answer, as_caller, cursor, path_id, read_one};
use crate::api::tokens::Scope;
use crate::db::keyset::KeyOrder;
use crate::deals::form::{Attribution, DealInput};
use crate::deals::server::DealQuery;
use crate::deals::status::{DealStatus, ExtensionState, TimelineKind};
use crate::deals::{DealDrill, DealView, commands, server};
use crate::error::AppError;
use crate::money::Currency;

/// A deal as lists show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Deal {
    pub id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub customer_company: String,
    pub customer_domain: String,
    /// The amount registered, in minor units of `currency`.
    pub amount_minor: i64,
    pub currency: String,
    pub status: DealStatus,
    pub expected_close_date: NaiveDate,
    pub updated_at: DateTime<Utc>,
    /// Another partner or the vendor's pipeline may already have this customer.
    pub possible_conflict: bool,
    pub protected_until: Option<DateTime<Utc>>,
    /// What a won deal finally brought in, in minor units.
    pub final_amount_minor: Option<i64>,
    pub closed_on: Option<NaiveDate>,
}

/// A page of deals, and the cursor of the next one (none after the last).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DealPage {
    pub data: Vec<Deal>,
    pub next_cursor: Option<String>,
}

/// One line of a deal's timeline.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TimelineEvent {
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub kind: TimelineKind,
    pub from_status: Option<DealStatus>,
    pub to_status: Option<DealStatus>,
    pub note: String,
}

/// A deal whole, with its timeline.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DealDetail {
    pub id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub registered_by: String,
    pub status: DealStatus,
    pub customer_company: String,
    pub customer_domain: String,
    pub contact_name: String,
    pub contact_email: String,
    pub amount_minor: i64,
    pub currency: String,
    pub expected_close_date: NaiveDate,
    pub products: Vec<String>,
    pub attribution: Attribution,
    pub notes: String,
    pub possible_conflict: bool,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    pub protected_until: Option<DateTime<Utc>>,
    pub extension: ExtensionState,
    pub final_amount_minor: Option<i64>,
    pub closed_on: Option<NaiveDate>,
    pub timeline: Vec<TimelineEvent>,
}

impl From<DealView> for DealDetail {
    fn from(view: DealView) -> DealDetail {
        let deal = view.deal;
        DealDetail {
            id: deal.id,
            partner_id: deal.organisation_id,
            partner_name: deal.partner_name,
            registered_by: deal.created_by_name,
            status: deal.status,
            customer_company: deal.customer_company,
            customer_domain: deal.customer_domain,
            contact_name: deal.contact_name,
            contact_email: deal.contact_email,
            amount_minor: deal.amount_minor,
            currency: deal.currency,
            expected_close_date: deal.expected_close_date,
            products: deal.products.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect(),
            attribution: deal.attribution,
            notes: deal.notes,
            possible_conflict: deal.possible_conflict,
            created_at: deal.created_at,
            submitted_at: deal.submitted_at,
            decided_at: deal.decided_at,
            rejection_reason: deal.rejection_reason,
            protected_until: deal.protected_until,
            extension: deal.extension,
            final_amount_minor: deal.final_amount_minor,
            closed_on: deal.closed_on,
            timeline: view
                .timeline
                .into_iter()
                .map(|entry| TimelineEvent {
                    at: entry.at,
                    actor: entry.actor,
                    kind: entry.kind,
                    from_status: entry.from_status,
                    to_status: entry.to_status,
                    note: entry.note,
                })
                .collect(),
        }
    }
}

/// The most deals one page holds.
pub const MOST_PER_PAGE: i64 = 100;

/// What a list of deals is narrowed to, how it is ordered, and where it goes on.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DealListQuery {
    /// Only deals in this status: draft, submitted, approved, rejected, won, lost or expired.
    pub status: Option<String>,
    /// Text in the customer's name or domain.
    pub q: Option<String>,
    /// One partner's deals, by its id.
    pub partner: Option<String>,
    /// Deals closed on or after this day (YYYY-MM-DD).
    pub closed_from: Option<String>,
    /// Deals closed on or before this day (YYYY-MM-DD).
    pub closed_to: Option<String>,
    /// `-updated_at` (the default: most recently changed first), `updated_at` (oldest change
    /// first: for keeping a copy in step), `-id` or `id`.
    pub sort: Option<String>,
    /// The `next_cursor` of the page before.
    pub cursor: Option<String>,
    /// How many deals a page holds: 1 to 100, 25 unless said.
    pub limit: Option<String>,
}

/// Reads a list's order, cursor and page size, each bad one named.
pub fn keyset(
    sort: Option<&str>,
    raw_cursor: Option<&str>,
    limit: Option<&str>,
    default: KeyOrder,
) -> Result<(KeyOrder, Option<crate::db::keyset::After>, i64), AppError> {
    let mut errors = crate::error::FieldErrors::new();
    let order = match sort.map(str::trim).filter(|sort| !sort.is_empty()) {
        None => Some(default),
        Some(sort) => KeyOrder::parse(sort).or_else(|| {
            errors.insert("sort".into(), "Sort by -updated_at, updated_at, -id or id.".into());
            None
        }),
    };
    let after = match (order, raw_cursor.filter(|raw| !raw.trim().is_empty())) {
        (Some(order), Some(raw)) => cursor::decode(raw, order).map(Some).unwrap_or_else(|message| {
            errors.insert("cursor".into(), message);
            None
        }),
        _ => None,
    };
    let limit = match limit.map(str::trim).filter(|limit| !limit.is_empty()) {
        None => 25,
        Some(raw) => raw.parse::<i64>().ok().filter(|limit| (1..=MOST_PER_PAGE).contains(limit)).unwrap_or_else(|| {
            errors.insert("limit".into(), format!("Ask for 1 to {MOST_PER_PAGE} at a time."));
            0
        }),
    };
    match (errors.is_empty(), order) {
        (true, Some(order)) => Ok((order, after, limit)),
        _ => Err(AppError::invalid(errors)),
    }
}

fn query_problem(rejection: QueryRejection) -> Problem {
    Problem::from(AppError::field("query", rejection.body_text()))
}

/// The deals within the token's reach: a partner's own, or every partner's for a program token.
#[utoipa::path(get, path = "/deals", tag = "Deals", params(DealListQuery), security(("token" = ["deals:read"])),
    responses((status = 200, body = DealPage), ListProblems))]
pub async fn list(
    State(state): State<ApiState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    parts: Parts,
    query: Result<Query<DealListQuery>, QueryRejection>,
) -> Response {
    answer(
        async {
            caller.needs(Scope::DealsRead)?;
            let Query(query) = query.map_err(query_problem)?;
            let (order, after, limit) = keyset(
                query.sort.as_deref(),
                query.cursor.as_deref(),
                query.limit.as_deref(),
                KeyOrder::UpdatedDescending,
            )?;
            let deals = DealQuery {
                status: query.status.filter(|status| !status.trim().is_empty()),
                q: query.q,
                sort: None,
                page: None,
                drill: DealDrill {
                    partner: query.partner,
                    closed_from: query.closed_from,
                    closed_to: query.closed_to,
                    ..DealDrill::default()
                },
            };
            // One more than the page, to know whether another follows.
            let mut rows = as_caller(&state, parts, || server::deals_after(&deals, (order, after), limit + 1)).await?;
            let next_cursor = match rows.len() as i64 > limit {
                true => {
                    rows.truncate(limit as usize);
                    rows.last().map(|last| cursor::encode(order, order.key(last.row.id, last.row.updated_at)))
                }
                false => None,
            };
            let data = rows
                .into_iter()
                .map(|keyed| {
                    let row = keyed.row;
                    Deal {
                        id: row.id,
                        partner_id: keyed.organisation_id,
                        partner_name: row.partner_name,
                        customer_company: row.customer_company,
                        customer_domain: row.customer_domain,
                        amount_minor: row.amount_minor,
                        currency: row.currency,
                        status: row.status,
                        expected_close_date: row.expected_close_date,
                        updated_at: row.updated_at,
                        possible_conflict: row.possible_conflict,
                        protected_until: row.protected_until,
                        final_amount_minor: row.final_amount_minor,
                        closed_on: row.closed_on,
                    }
                })
                .collect();
            Ok(DealPage { data, next_cursor })
        }
        .await,
    )
}

/// The deal, as its page reads it.
async fn read(state: &ApiState, parts: Parts, id: i64) -> Result<DealDetail, Problem> {
    Ok(as_caller(state, parts, || server::deal_detail(id)).await?.into())
}

/// One deal with its timeline; "not found" for a deal outside the token's reach.
#[utoipa::path(get, path = "/deals/{id}", tag = "Deals", params(("id" = i64, Path, description = "The deal's id")),
    security(("token" = ["deals:read"])),
    responses((status = 200, body = DealDetail), ReadProblems))]
pub async fn detail(
    State(state): State<ApiState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path(id): Path<String>,
    parts: Parts,
) -> Response {
    let read = |id| async move { server::deal_detail(id).await.map(DealDetail::from) };
    read_one(&state, &caller, Scope::DealsRead, parts, &id, read).await
}

/// A deal registration, as a partner's system sends it.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDeal {
    pub customer_company: String,
    /// The customer's web domain, such as `northwind.example`.
    pub customer_domain: String,
    pub contact_name: String,
    pub contact_email: String,
    /// In minor units of `currency` (cents for USD).
    pub amount_minor: i64,
    /// USD, EUR, GBP, …
    pub currency: String,
    /// YYYY-MM-DD, not in the past.
    pub expected_close_date: String,
    #[serde(default)]
    pub products: Vec<String>,
    /// `sourced` (the default) or `influenced`.
    #[serde(default)]
    pub attribution: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// Submit it for approval (the default), or keep it as a draft.
    #[serde(default)]
    pub submit: Option<bool>,
}

/// The form's fields the API names otherwise.
const RENAMED: &[(&str, &str)] =
    &[("amount", "amount_minor"), ("final_amount", "final_amount_minor"), ("form", "idempotency-key")];

/// An amount in minor units as the form takes it: major units with the currency's decimals.
fn amount_text(minor: i64, currency: &str) -> String {
    let digits = Currency::parse(currency.trim()).map_or(2, Currency::minor_digits);
    let scale = 10_i64.pow(digits);
    let sign = if minor < 0 { "-" } else { "" };
    let (major, rest) = (minor.unsigned_abs() / scale as u64, minor.unsigned_abs() % scale as u64);
    match digits {
        0 => format!("{sign}{major}"),
        _ => format!("{sign}{major}.{rest:0width$}", width = digits as usize),
    }
}

fn json_problem(rejection: JsonRejection) -> Problem {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge.into(),
        _ => Problem::unreadable(rejection.body_text()),
    }
}

/// Registers a deal for the token's partner (a partner admin's token): checked like the form,
/// conflict check included. The same `Idempotency-Key` twice registers one deal.
#[utoipa::path(post, path = "/deals", tag = "Deals", request_body = NewDeal, security(("token" = ["deals:write"])),
    params(("Idempotency-Key" = Option<String>, Header, description = "16 to 128 characters; the same key twice registers one deal")),
    responses((status = 201, body = DealDetail), WriteProblems))]
pub async fn create(
    State(state): State<ApiState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    parts: Parts,
    body: Result<Json<NewDeal>, JsonRejection>,
) -> Response {
    let saved = async {
        caller.needs(Scope::DealsWrite)?;
        let Json(deal) = body.map_err(json_problem)?;
        let key = match parts.headers.get("idempotency-key") {
            Some(key) => {
                key.to_str().map(str::to_owned).map_err(|_| AppError::field("form", "Send the key as plain text."))?
            }
            None => crate::auth::secrets::new_token()?,
        };
        let intent = if deal.submit.unwrap_or(true) { "submit" } else { "draft" };
        let input = DealInput {
            amount: amount_text(deal.amount_minor, &deal.currency),
            customer_company: deal.customer_company,
            customer_domain: deal.customer_domain,
            contact_name: deal.contact_name,
            contact_email: deal.contact_email,
            currency: deal.currency,
            expected_close_date: deal.expected_close_date,
            products: deal.products.join(", "),
            attribution: deal.attribution.unwrap_or_else(|| "sourced".into()),
            notes: deal.notes.unwrap_or_default(),
            lead: String::new(),
        };
        let saved = as_caller(&state, parts.clone(), || server::save_deal(key, intent.into(), input))
            .await
            .map_err(|error| Problem::from_error(&error, RENAMED))?;
        read(&state, parts, saved.id).await
    }
    .await;
    match saved {
        Ok(deal) => {
            let location = format!("/api/v1/deals/{}", deal.id);
            (StatusCode::CREATED, [(header::LOCATION, location)], Json(deal)).into_response()
        }
        Err(problem) => problem.into_response(),
    }
}

/// Carries out a command on deal `id` and answers the deal as it then is.
async fn command<Fut>(
    state: ApiState,
    caller: ApiCaller,
    parts: Parts,
    id: &str,
    run: impl FnOnce(i64) -> Fut,
) -> Response
where
    Fut: Future<Output = Result<(), AppError>>,
{
    answer(
        async {
            caller.needs(Scope::DealsWrite)?;
            let id = path_id(id)?;
            as_caller(&state, parts.clone(), || run(id)).await.map_err(|error| Problem::from_error(&error, RENAMED))?;
            read(&state, parts, id).await
        }
        .await,
    )
}

/// Submits a draft for approval (the conflict check runs again).
#[utoipa::path(post, path = "/deals/{id}/submit", tag = "Deals", params(("id" = i64, Path, description = "The deal's id")),
    security(("token" = ["deals:write"])),
    responses((status = 200, body = DealDetail), WriteProblems))]
pub async fn submit(
    State(state): State<ApiState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path(id): Path<String>,
    parts: Parts,
) -> Response {
    command(state, caller, parts, &id, commands::submit_deal).await
}

/// A decision on a submitted deal.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `approve` or `reject`.
    pub decision: String,
    /// Why (required to reject; the partner reads it).
    #[serde(default)]
    pub reason: Option<String>,
    /// Approve although another partner holds an approved registration for the customer's domain.
    #[serde(default)]
    pub confirm: Option<bool>,
}

/// A channel manager's or admin's decision on a submitted deal (a program token).
#[utoipa::path(post, path = "/deals/{id}/decision", tag = "Deals", request_body = Decision,
    params(("id" = i64, Path, description = "The deal's id")), security(("token" = ["deals:write"])),
    responses((status = 200, body = DealDetail), WriteProblems))]
pub async fn decide(
    State(state): State<ApiState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path(id): Path<String>,
    parts: Parts,
    body: Result<Json<Decision>, JsonRejection>,
) -> Response {
    let decision = match body {
        Ok(Json(decision)) => decision,
        Err(rejection) => return json_problem(rejection).into_response(),
    };
    let confirm = decision.confirm.unwrap_or(false).then(|| "yes".to_owned());
    command(state, caller, parts, &id, move |id| {
        commands::decide_deal(id, decision.decision, decision.reason, confirm, None)
    })
    .await
}

/// How an approved deal ended.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// `won` or `lost`.
    pub outcome: String,
    /// What a won deal finally brought in, in minor units of the deal's currency.
    #[serde(default)]
    pub final_amount_minor: Option<i64>,
    /// The day it closed (YYYY-MM-DD), not in the future.
    pub closed_on: String,
}

/// Records an approved deal won or lost; a win accrues the partner's margin and discount.
#[utoipa::path(post, path = "/deals/{id}/outcome", tag = "Deals", request_body = Outcome,
    params(("id" = i64, Path, description = "The deal's id")), security(("token" = ["deals:write"])),
    responses((status = 200, body = DealDetail), WriteProblems))]
pub async fn close(
    State(state): State<ApiState>,
    axum::Extension(caller): axum::Extension<ApiCaller>,
    Path(id): Path<String>,
    parts: Parts,
    body: Result<Json<Outcome>, JsonRejection>,
) -> Response {
    let outcome = match body {
        Ok(Json(outcome)) => outcome,
        Err(rejection) => return json_problem(rejection).into_response(),
    };
    command(state, caller, parts, &id, move |id| async move {
        // The form takes the final amount in major units of the deal's currency.
        let currency = server::deal_detail(id).await?.deal.currency;
        let final_amount = outcome.final_amount_minor.map(|minor| amount_text(minor, &currency)).unwrap_or_default();
        commands::close_deal(id, outcome.outcome, final_amount, outcome.closed_on).await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_amount_in_minor_units_reads_as_the_form_takes_it() {
        assert_eq!(amount_text(1_250_000, "USD"), "12500.00");
        assert_eq!(amount_text(5, "EUR"), "0.05");
        assert_eq!(amount_text(-150, "GBP"), "-1.50");
        assert_eq!(amount_text(1_000_000, "JPY"), "1000000");
        assert_eq!(amount_text(12, "XYZ"), "0.12");
    }

    #[test]
    fn a_list_names_each_bad_paging_value() {
        let error = keyset(Some("newest"), Some("zz"), Some("500"), KeyOrder::IdAscending).expect_err("bad");
        for field in ["sort", "limit"] {
            assert!(error.field_message(field).is_some(), "{field}");
        }
        let error = keyset(None, Some("zz"), Some("0"), KeyOrder::IdAscending).expect_err("bad");
        assert!(error.field_message("cursor").is_some() && error.field_message("limit").is_some());
        assert_eq!(keyset(None, None, None, KeyOrder::IdAscending), Ok((KeyOrder::IdAscending, None, 25)));
    }
}
