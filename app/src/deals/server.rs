//! The deal registration server functions. Each checks the caller's role and, through the
//! deal's organisation, that the caller may see the deal at all (otherwise: not found).

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{
    ApprovalQueue, ConflictCheck, DealDrill, DealList, DealSaved, DealView, PipelineImported, PipelineSummary,
};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::form::{DealInput, validate_deal},
    super::status::{DealAction, DealStatus, role_may, transition},
    super::store::{self, Change, DealFilter, Event as StoreEvent, Narrowing, Scope},
    super::{ConflictMatch, DealControls, DealRecord, DealSort, amount_text, domain, matching, schedule},
    crate::auth::access::{DEAL_MANAGER_ROLES, DEAL_PARTNER_ROLES, DEAL_ROLES},
    crate::auth::{Role, SessionUser, guard},
    crate::db::Db,
    crate::events::{DealOutcome, Event},
    crate::mail,
    crate::money::Money,
    chrono::{Duration, Utc},
};

/// What the deal form needs from the server: a token that makes saving it idempotent, and today's date (UTC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealFormSetup {
    pub form_token: String,
    pub today: NaiveDate,
}

#[server(endpoint = "deal_form")]
pub async fn deal_form() -> Result<DealFormSetup, AppError> {
    guard::require_role(DEAL_PARTNER_ROLES)?;
    Ok(DealFormSetup { form_token: crate::auth::secrets::new_token()?, today: Utc::now().date_naive() })
}

#[cfg(feature = "ssr")]
const PER_PAGE: i64 = 25;

#[cfg(feature = "ssr")]
fn scope_for(user: &SessionUser) -> Scope {
    match user.role {
        Role::Admin => Scope::Everything,
        Role::ChannelManager => Scope::ChannelManager(user.user_id),
        _ => Scope::Organisation(user.organisation_id),
    }
}

/// The deals the caller may see (a partner's own, a channel manager's partners', or all for an admin),
/// filtered, searched, sorted and paged on the server.
#[server(endpoint = "list_deals")]
pub async fn list_deals(
    status: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    page: Option<i64>,
    #[server(flatten)] drill: DealDrill,
) -> Result<DealList, AppError> {
    let user = guard::require_role(DEAL_ROLES)?;
    let db = guard::db()?;
    let narrowing = Narrowing::parse(&drill).map_err(|fields| AppError::Invalid { fields })?;
    let filter = DealFilter {
        narrowing,
        status: status.as_deref().and_then(DealStatus::parse),
        search: q.map(|q| q.chars().take(100).collect()),
        sort: DealSort::parse(sort.as_deref().unwrap_or_default()),
        page: page.unwrap_or(1).clamp(1, 100_000),
        per_page: PER_PAGE,
    };
    let (rows, total) = store::list(&db, scope_for(&user), &filter).await?;
    Ok(DealList {
        rows,
        total,
        page: filter.page,
        per_page: filter.per_page,
        can_export: DEAL_MANAGER_ROLES.contains(&user.role),
        can_register: DEAL_PARTNER_ROLES.contains(&user.role),
    })
}

/// Matches for a customer among other partners' open registrations and the vendor pipeline.
#[cfg(feature = "ssr")]
async fn find_conflicts(
    db: &Db,
    company: &str,
    registrable_domain: Option<&str>,
    exclude_organisation: i64,
) -> Result<Vec<ConflictMatch>, AppError> {
    let mut found = Vec::new();
    if let Some(domain) = registrable_domain {
        for candidate in store::same_domain(db, domain, exclude_organisation).await? {
            found.push((candidate, "Same domain"));
        }
    }
    let key = matching::normalise_company_name(company);
    let prefix = matching::name_prefix(&key);
    if !prefix.is_empty() {
        let names = store::names_with_prefix(db, &prefix, exclude_organisation).await?;
        for name in names.iter().filter(|name| matching::keys_match(&key, name)).take(10) {
            for candidate in store::same_name(db, &prefix, name, exclude_organisation).await? {
                found.push((candidate, "Similar company name"));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    Ok(found
        .into_iter()
        .filter(|(c, _)| seen.insert((c.deal_id, c.customer_company.clone(), c.customer_domain.clone())))
        .map(|(c, reason)| ConflictMatch {
            deal_id: c.deal_id,
            holder: c.holder,
            amount: amount_text(c.amount_minor, &c.currency),
            customer_company: c.customer_company,
            customer_domain: c.customer_domain,
            status: c.status,
            reason: reason.into(),
        })
        .collect())
}

/// The conflict check as the partner types: is this customer already registered by another
/// partner or in the vendor's pipeline? Partners learn only that there may be a conflict.
#[server(endpoint = "deal_check")]
pub async fn deal_check(customer_company: String, customer_domain: String) -> Result<ConflictCheck, AppError> {
    let user = guard::require_role(DEAL_ROLES)?;
    let db = guard::db()?;
    let domain = domain::normalise_domain(&customer_domain).ok();
    let company: String = customer_company.chars().take(200).collect();
    let matches = find_conflicts(&db, &company, domain.as_deref(), user.organisation_id).await?;
    let possible_conflict = !matches.is_empty();
    let matches = if user.role.is_vendor_staff() { matches } else { Vec::new() };
    Ok(ConflictCheck { domain, possible_conflict, matches })
}

/// Saves the deal form, as a draft (`intent` "draft") or submitted for approval (`intent` "submit").
/// The same `form_token` twice creates one deal.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "save_deal")]
pub async fn save_deal(
    form_token: String,
    intent: String,
    customer_company: String,
    customer_domain: String,
    contact_name: String,
    contact_email: String,
    amount: String,
    currency: String,
    expected_close_date: String,
    products: String,
    attribution: String,
    notes: String,
) -> Result<DealSaved, AppError> {
    let user = guard::require_role(DEAL_PARTNER_ROLES)?;
    let state = guard::server_state()?;
    let input = DealInput {
        customer_company,
        customer_domain,
        contact_name,
        contact_email,
        amount,
        currency,
        expected_close_date,
        products,
        attribution,
        notes,
    };
    let now = Utc::now();
    let valid = validate_deal(&input, now.date_naive());
    let registrable = domain::normalise_domain(&input.customer_domain);
    let token = form_token.trim();
    if token.len() < 16 || token.len() > 128 {
        return Err(AppError::field("form", "This form has expired. Reload the page and try again."));
    }
    let (valid, registrable) = match (valid, registrable) {
        (Ok(valid), Ok(registrable)) => (valid, registrable),
        (Err(fields), _) => return Err(AppError::Invalid { fields }),
        (Ok(_), Err(error)) => return Err(AppError::field("customer_domain", error.to_string())),
    };
    let status = if intent == "draft" { DealStatus::Draft } else { DealStatus::Submitted };
    let conflicts =
        find_conflicts(&state.db, &valid.customer_company, Some(&registrable), user.organisation_id).await?;
    let company_key = matching::normalise_company_name(&valid.customer_company);
    let products = valid.products.join(", ");
    let deal = store::NewDeal {
        organisation_id: user.organisation_id,
        created_by: user.user_id,
        form_token: token,
        status,
        customer_company: &valid.customer_company,
        name_prefix: &matching::name_prefix(&company_key),
        company_key: &company_key,
        customer_domain: &registrable,
        contact_name: &valid.contact_name,
        contact_email: valid.contact_email.as_str(),
        amount_minor: valid.amount.minor,
        currency: valid.amount.currency.code(),
        expected_close_date: valid.expected_close_date,
        products: &products,
        attribution: match valid.attribution {
            super::form::Attribution::Sourced => "sourced",
            super::form::Attribution::Influenced => "influenced",
        },
        notes: &valid.notes,
        possible_conflict: !conflicts.is_empty(),
        now,
        sla_due_at: (status == DealStatus::Submitted).then(|| schedule::sla_due(now)),
    };
    let saved = store::insert(&state.db, &deal).await?.ok_or_else(|| {
        AppError::field("form", "This form was already used by someone else. Reload the page and try again.")
    })?;
    if saved.status == DealStatus::Submitted {
        state.events.publish(Event::Deal {
            deal_id: saved.id,
            organisation_id: user.organisation_id,
            outcome: DealOutcome::Submitted,
            amount_minor: valid.amount.minor,
            currency: valid.amount.currency.code().into(),
            at: now,
        });
    }
    guard::redirect_form_post(&format!("/deals/{}", saved.id));
    Ok(DealSaved { id: saved.id, status: saved.status, possible_conflict: saved.possible_conflict })
}

/// The deal `id` if the caller may see it; "not found" otherwise, whether or not it exists.
#[cfg(feature = "ssr")]
async fn visible_deal(db: &Db, user: &SessionUser, id: i64) -> Result<DealRecord, AppError> {
    let deal = store::record(db, id).await?.ok_or(AppError::NotFound)?;
    guard::visible_organisation(db, user, deal.organisation_id).await?;
    Ok(deal)
}

#[cfg(feature = "ssr")]
fn controls(user: &SessionUser, deal: &DealRecord) -> DealControls {
    let partner = DEAL_PARTNER_ROLES.contains(&user.role);
    let manager = DEAL_MANAGER_ROLES.contains(&user.role);
    let extension = deal.extension_status.as_deref();
    DealControls {
        submit: partner && deal.status == DealStatus::Draft,
        decide: manager && deal.status == DealStatus::Submitted,
        close: role_may(user.role, &DealAction::MarkWon) && deal.status == DealStatus::Approved,
        request_extension: partner && deal.status == DealStatus::Approved && extension.is_none(),
        decide_extension: manager && deal.status == DealStatus::Approved && extension == Some("requested"),
    }
}

/// One deal with its timeline; vendor staff also see what it may conflict with.
#[server(endpoint = "deal_detail")]
pub async fn deal_detail(id: i64) -> Result<DealView, AppError> {
    let user = guard::require_role(DEAL_ROLES)?;
    let db = guard::db()?;
    let deal = visible_deal(&db, &user, id).await?;
    let conflicts = if user.role.is_vendor_staff() && deal.status.is_open() {
        find_conflicts(&db, &deal.customer_company, Some(&deal.customer_domain), deal.organisation_id).await?
    } else {
        Vec::new()
    };
    Ok(DealView {
        timeline: store::timeline(&db, id).await?,
        controls: controls(&user, &deal),
        conflicts,
        deal,
        now: Utc::now(),
    })
}

/// Applies a workflow move to a deal the caller may see, or says why it cannot be made.
#[cfg(feature = "ssr")]
async fn move_deal(
    user: &SessionUser,
    deal: &DealRecord,
    action: DealAction,
    change: Change,
    note: &str,
    extension_was: Option<&str>,
) -> Result<DealStatus, AppError> {
    let state = guard::server_state()?;
    if !role_may(user.role, &action) {
        return Err(AppError::Forbidden);
    }
    let to = transition(deal.status, &action).map_err(|error| AppError::field("form", error.to_string()))?;
    let now = Utc::now();
    let kind = match &action {
        DealAction::Submit => "submitted",
        DealAction::Approve => "approved",
        DealAction::Reject { .. } => "rejected",
        DealAction::MarkWon => "won",
        DealAction::MarkLost => "lost",
        DealAction::Expire => "expired",
    };
    let link = format!("{}/deals/{}", state.settings.public_url, deal.id);
    let reason = match &action {
        DealAction::Reject { reason } => Some(reason.as_str()),
        _ => None,
    };
    let outcome = match &action {
        DealAction::Submit => Some(DealOutcome::Submitted),
        DealAction::Approve => Some(DealOutcome::Approved),
        DealAction::Reject { .. } => Some(DealOutcome::Rejected),
        DealAction::MarkWon => Some(DealOutcome::Won),
        DealAction::MarkLost => Some(DealOutcome::Lost),
        _ => None,
    };
    let message = matches!(action, DealAction::Approve | DealAction::Reject { .. })
        .then(|| mail::deal_decided(&deal.customer_company, to.as_str(), reason, &link));
    let recipient = match &message {
        Some(_) => store::creator_email(&state.db, deal.id).await?.unwrap_or_default(),
        None => String::new(),
    };
    let event = StoreEvent {
        deal_id: deal.id,
        actor_id: Some(user.user_id),
        at: now,
        kind,
        from: deal.status,
        to,
        note,
        extension_was,
    };
    let mail = message.as_ref().map(|message| (recipient.as_str(), message));
    if !store::apply(&state.db, &event, &change, mail).await? {
        return Err(AppError::field("form", "This deal changed meanwhile. Reload the page to see its status."));
    }
    if let Some(message) = &message {
        mail::log_queued(&recipient, message);
    }
    if let Some(outcome) = outcome {
        state.events.publish(Event::Deal {
            deal_id: deal.id,
            organisation_id: deal.organisation_id,
            outcome,
            amount_minor: change.final_amount_minor.unwrap_or(deal.amount_minor),
            currency: deal.currency.clone(),
            at: now,
        });
    }
    Ok(to)
}

/// Submits a draft for approval (checking for conflicts again).
#[server(endpoint = "submit_deal")]
pub async fn submit_deal(id: i64) -> Result<(), AppError> {
    let user = guard::require_role(DEAL_PARTNER_ROLES)?;
    let db = guard::db()?;
    let deal = visible_deal(&db, &user, id).await?;
    let now = Utc::now();
    let conflicts =
        find_conflicts(&db, &deal.customer_company, Some(&deal.customer_domain), deal.organisation_id).await?;
    let change = Change {
        submitted_at: Some(now),
        sla_due_at: Some(schedule::sla_due(now)),
        possible_conflict: Some(!conflicts.is_empty()),
        ..Change::default()
    };
    move_deal(&user, &deal, DealAction::Submit, change, "Submitted for approval", None).await?;
    guard::redirect_form_post(&format!("/deals/{id}"));
    Ok(())
}

/// A manager approves (protection starts) or rejects (with a reason the partner sees) a submitted deal.
#[server(endpoint = "decide_deal")]
pub async fn decide_deal(id: i64, decision: String, reason: Option<String>) -> Result<(), AppError> {
    let user = guard::require_role(DEAL_MANAGER_ROLES)?;
    let db = guard::db()?;
    let deal = visible_deal(&db, &user, id).await?;
    let now = Utc::now();
    let reason = reason.unwrap_or_default().trim().chars().take(1000).collect::<String>();
    let (action, change, note) = match decision.as_str() {
        "approve" => (
            DealAction::Approve,
            Change {
                decided_at: Some(now),
                protected_until: Some(now + Duration::days(schedule::PROTECTION_DAYS)),
                ..Change::default()
            },
            if reason.is_empty() { "Approved".to_owned() } else { reason.clone() },
        ),
        "reject" => {
            if reason.is_empty() {
                return Err(AppError::field("reason", "Say why the deal is rejected: the partner sees the reason."));
            }
            (
                DealAction::Reject { reason: reason.clone() },
                Change { decided_at: Some(now), rejection_reason: Some(reason.clone()), ..Change::default() },
                reason.clone(),
            )
        }
        _ => return Err(AppError::field("decision", "Choose approve or reject.")),
    };
    move_deal(&user, &deal, action, change, &note, None).await?;
    guard::redirect_form_post(&format!("/deals/{id}"));
    Ok(())
}

/// Records the outcome of an approved deal: won or lost, with the final amount and the close date.
#[server(endpoint = "close_deal")]
pub async fn close_deal(id: i64, outcome: String, final_amount: String, closed_on: String) -> Result<(), AppError> {
    let user = guard::require_role(DEAL_ROLES)?;
    let db = guard::db()?;
    let deal = visible_deal(&db, &user, id).await?;
    let today = Utc::now().date_naive();
    let mut fields = crate::error::FieldErrors::new();
    let action = match outcome.as_str() {
        "won" => Some(DealAction::MarkWon),
        "lost" => Some(DealAction::MarkLost),
        _ => {
            fields.insert("outcome".into(), "Choose won or lost.".into());
            None
        }
    };
    let currency = crate::money::Currency::parse(&deal.currency).ok_or(AppError::Internal)?;
    let amount = Money::parse_positive(&final_amount, currency)
        .map_err(|message| fields.insert("final_amount".into(), message))
        .ok();
    let date = match NaiveDate::parse_from_str(closed_on.trim(), "%Y-%m-%d") {
        Ok(date) if date > today => {
            fields.insert("closed_on".into(), "The close date cannot be in the future.".into());
            None
        }
        Ok(date) => Some(date),
        Err(_) => {
            fields.insert("closed_on".into(), "Enter the date the deal closed.".into());
            None
        }
    };
    let (Some(action), Some(amount), Some(date), true) = (action, amount, date, fields.is_empty()) else {
        return Err(AppError::Invalid { fields });
    };
    let note = format!("Final amount {} on {date}", amount.display());
    let change = Change { final_amount_minor: Some(amount.minor), closed_on: Some(date), ..Change::default() };
    move_deal(&user, &deal, action, change, &note, None).await?;
    guard::redirect_form_post(&format!("/deals/{id}"));
    Ok(())
}

/// A partner asks once for more protection time on an approved deal.
#[server(endpoint = "request_extension")]
pub async fn request_extension(id: i64, reason: String) -> Result<(), AppError> {
    let user = guard::require_role(DEAL_PARTNER_ROLES)?;
    let db = guard::db()?;
    let deal = visible_deal(&db, &user, id).await?;
    let reason: String = reason.trim().chars().take(1000).collect();
    if reason.is_empty() {
        return Err(AppError::field("reason", "Say why the deal needs more time."));
    }
    if deal.status != DealStatus::Approved {
        return Err(AppError::field("form", "Only an approved deal's protection can be extended."));
    }
    if deal.extension_status.is_some() {
        return Err(AppError::field("form", "An extension was already requested for this deal."));
    }
    let change = Change {
        extension_status: Some("requested".into()),
        extension_reason: Some(reason.clone()),
        ..Change::default()
    };
    extension_event(&user, &deal, change, "extension_requested", &reason, "none", None).await?;
    guard::redirect_form_post(&format!("/deals/{id}"));
    Ok(())
}

/// A manager grants or declines a requested extension.
#[server(endpoint = "decide_extension")]
pub async fn decide_extension(id: i64, decision: String) -> Result<(), AppError> {
    let user = guard::require_role(DEAL_MANAGER_ROLES)?;
    let db = guard::db()?;
    let deal = visible_deal(&db, &user, id).await?;
    if deal.status != DealStatus::Approved || deal.extension_status.as_deref() != Some("requested") {
        return Err(AppError::field("form", "There is no extension request waiting on this deal."));
    }
    let (change, kind, note) = match decision.as_str() {
        "approve" => {
            let until = deal.protected_until.unwrap_or_else(Utc::now) + Duration::days(schedule::EXTENSION_DAYS);
            let change =
                Change { extension_status: Some("approved".into()), protected_until: Some(until), ..Change::default() };
            (change, "extension_approved", format!("Protection extended to {}", until.format("%Y-%m-%d")))
        }
        "decline" => (
            Change { extension_status: Some("declined".into()), ..Change::default() },
            "extension_declined",
            "Extension declined".to_owned(),
        ),
        _ => return Err(AppError::field("decision", "Choose approve or decline.")),
    };
    let reset = kind == "extension_approved";
    extension_event(&user, &deal, change, kind, &note, "requested", Some(reset)).await?;
    guard::redirect_form_post(&format!("/deals/{id}"));
    Ok(())
}

#[cfg(feature = "ssr")]
async fn extension_event(
    user: &SessionUser,
    deal: &DealRecord,
    change: Change,
    kind: &str,
    note: &str,
    extension_was: &str,
    reset_reminders: Option<bool>,
) -> Result<(), AppError> {
    let db = guard::db()?;
    let event = StoreEvent {
        deal_id: deal.id,
        actor_id: Some(user.user_id),
        at: Utc::now(),
        kind,
        from: deal.status,
        to: deal.status,
        note,
        extension_was: Some(extension_was),
    };
    let change = Change { reset_reminders: reset_reminders.unwrap_or(false), ..change };
    if !store::apply(&db, &event, &change, None).await? {
        return Err(AppError::field("form", "This deal changed meanwhile. Reload the page to see its status."));
    }
    Ok(())
}

/// Submitted deals waiting for a decision, the earliest due first: a channel manager's partners', or all for an admin.
#[server(endpoint = "deal_queue")]
pub async fn deal_queue() -> Result<ApprovalQueue, AppError> {
    let user = guard::require_role(DEAL_MANAGER_ROLES)?;
    let db = guard::db()?;
    let only = (user.role == Role::ChannelManager).then_some(user.user_id);
    Ok(ApprovalQueue { rows: store::queue(&db, only).await?, now: Utc::now() })
}

/// Replaces or adds vendor pipeline opportunities from CSV; a file with any bad row imports nothing.
#[server(endpoint = "import_pipeline")]
pub async fn import_pipeline(csv: String) -> Result<PipelineImported, AppError> {
    let user = guard::require_role(&[Role::Admin])?;
    let db = guard::db()?;
    let rows = super::pipeline::parse(&csv).map_err(|errors| AppError::field("csv", errors.join("\n")))?;
    let count = rows.len();
    super::pipeline::store(&db, &rows, user.user_id, Utc::now()).await?;
    Ok(PipelineImported { rows: count })
}

#[server(endpoint = "pipeline_status")]
pub async fn pipeline_status() -> Result<PipelineSummary, AppError> {
    guard::require_role(&[Role::Admin])?;
    let db = guard::db()?;
    Ok(super::pipeline::summary(&db).await?)
}
