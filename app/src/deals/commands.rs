//! The deal workflow's server functions. Each is guard → load → plan → store → publish: the
//! decision is [`super::plan::plan`]'s, the writing [`super::store::apply`]'s.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::conflicts,
    super::form::validate_outcome,
    super::plan::{Actor, DealCommand, LedgerEffect, Plan, PlanError, plan},
    super::server::reachable_deal,
    super::store,
    super::{ConflictMatch, DealRecord},
    crate::auth::access::{DEAL_MANAGER_ROLES, DEAL_PARTNER_ROLES, DEAL_ROLES},
    crate::auth::{SessionUser, guard, reach::Reach},
    crate::events::{Event, EventBus},
    crate::incentives::{
        self,
        coop::WinBooking,
        ledger::{self, WonDeal},
    },
    crate::money::Currency,
    crate::state::{self, ServerState},
    chrono::{DateTime, Utc},
};

#[cfg(feature = "ssr")]
impl From<PlanError> for AppError {
    fn from(error: PlanError) -> AppError {
        match error.field() {
            None => AppError::Forbidden,
            Some(field) => AppError::field(field, error.to_string()),
        }
    }
}

/// Free text from a form, trimmed and cut to a length the database keeps.
#[cfg(feature = "ssr")]
fn text(raw: Option<String>) -> String {
    raw.unwrap_or_default().trim().chars().take(1000).collect()
}

/// Publishes what a stored plan did, for live pages and later features.
#[cfg(feature = "ssr")]
pub fn publish(events: &EventBus, deal: &DealRecord, plan: &Plan, at: DateTime<Utc>) {
    if let Some((outcome, amount_minor)) = plan.event {
        events.publish(Event::Deal {
            deal_id: deal.id,
            organisation_id: deal.organisation_id,
            outcome,
            amount_minor,
            currency: deal.currency.clone(),
            at,
        });
    }
}

/// Plans `command` on `deal` as `actor`, stores it with its timeline line and email, and publishes it.
#[cfg(feature = "ssr")]
pub async fn carry_out(
    state: &ServerState,
    deal: &DealRecord,
    actor: Actor,
    command: &DealCommand,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let plan = plan(&deal.state(), actor, command, now)?;
    let link = format!("{}/deals/{}", state.settings.public_url, deal.id);
    let message = plan.notify.as_ref().map(|notify| notify.message(&deal.customer_company, &link));
    let booking = match (plan.ledger, plan.change.final_amount_minor) {
        (LedgerEffect::Accrue, Some(final_amount_minor)) => {
            let won = WonDeal {
                deal_id: deal.id,
                organisation_id: deal.organisation_id,
                customer_company: &deal.customer_company,
                final_amount_minor,
                currency: &deal.currency,
            };
            let tier = incentives::store::tier_of(&state.db, deal.organisation_id).await?;
            let tier = tier.as_ref().map(|(name, benefits)| (name.as_str(), benefits));
            let mut entries = ledger::deal_won(&won, tier, now);
            let won_on = plan.change.closed_on.unwrap_or(now.date_naive());
            entries.extend(incentives::store::spiffs::earned_by(&state.db, &won, won_on, now).await?);
            let conversion = crate::money::store::conversion(&state.db).await?;
            WinBooking { entries, coop: incentives::coop::accrual(&won, tier, &conversion, now) }
        }
        _ => WinBooking::default(),
    };
    let telling = store::Telling { creator: message.as_ref(), public_url: Some(&state.settings.public_url) };
    if !store::apply(&state.db, deal.id, actor, &plan, telling, &booking, now).await? {
        return Err(AppError::field("form", "This deal changed meanwhile. Reload the page to see its status."));
    }
    publish(&state.events, deal, &plan, now);
    Ok(())
}

/// The caller's command on deal `id`, which must be within their reach; `command` builds it
/// from the deal. A form posted without JavaScript is sent on to `after`.
#[cfg(feature = "ssr")]
async fn command_deal<F, Fut>(user: SessionUser, id: i64, after: &str, command: F) -> Result<(), AppError>
where
    F: FnOnce(ServerState, DealRecord) -> Fut,
    Fut: std::future::Future<Output = Result<DealCommand, AppError>>,
{
    let state = state::server_state()?;
    let deal = reachable_deal(&state.db, &user, id).await?;
    let actor = Actor::Person { user_id: user.user_id, role: user.role };
    let command = command(state.clone(), deal.clone()).await?;
    carry_out(&state, &deal, actor, &command, Utc::now()).await?;
    guard::redirect_form_post(after);
    Ok(())
}

/// Submits a draft for approval (checking for conflicts again).
#[server(endpoint = "submit_deal")]
pub async fn submit_deal(id: i64) -> Result<(), AppError> {
    let user = guard::require_role(DEAL_PARTNER_ROLES)?;
    command_deal(user, id, &format!("/deals/{id}"), |state, deal| async move {
        let found =
            conflicts::find(&state.db, &deal.customer_company, Some(&deal.customer_domain), deal.organisation_id)
                .await?;
        Ok(DealCommand::Submit { possible_conflict: !found.is_empty() })
    })
    .await
}

/// A manager approves (protection starts) or rejects (with a reason the partner sees) a submitted
/// deal, from its page or from a row of the queue (`then` = "queue" leads back there). Approving a
/// customer whose domain another partner already holds approved needs `confirm` = "yes".
#[server(endpoint = "decide_deal")]
pub async fn decide_deal(
    id: i64,
    decision: String,
    reason: Option<String>,
    confirm: Option<String>,
    then: Option<String>,
) -> Result<(), AppError> {
    let user = guard::require_role(DEAL_MANAGER_ROLES)?;
    let reason = text(reason);
    let reach = Reach::of(&user);
    let after = match then.as_deref() {
        Some("queue") => "/deals/queue".to_owned(),
        _ => format!("/deals/{id}"),
    };
    command_deal(user, id, &after, |state, deal| async move {
        match decision.as_str() {
            "approve" => {
                if confirm.as_deref() != Some("yes") {
                    let found = conflicts::find(&state.db, &deal.customer_company, Some(&deal.customer_domain), deal.organisation_id)
                        .await?;
                    let holders: Vec<String> = conflicts::as_seen_with(reach, found)
                        .into_iter()
                        .filter(ConflictMatch::holds_domain_approved)
                        .map(|found| found.holder)
                        .collect();
                    if !holders.is_empty() {
                        return Err(AppError::field(
                            "confirm",
                            format!(
                                "{}: {} already holds an approved registration for {}. Confirm to approve this one as well.",
                                deal.customer_company,
                                holders.join(", "),
                                deal.customer_domain
                            ),
                        ));
                    }
                }
                Ok(DealCommand::Approve { note: reason })
            }
            "reject" => Ok(DealCommand::Reject { reason }),
            _ => Err(AppError::field("decision", "Choose approve or reject.")),
        }
    })
    .await
}

/// Records the outcome of an approved deal: won or lost, with the final amount and the close date.
#[server(endpoint = "close_deal")]
pub async fn close_deal(id: i64, outcome: String, final_amount: String, closed_on: String) -> Result<(), AppError> {
    let user = guard::require_role(DEAL_ROLES)?;
    command_deal(user, id, &format!("/deals/{id}"), |_, deal| async move {
        let currency = Currency::parse(&deal.currency).ok_or(AppError::Internal)?;
        let (outcome, final_amount, closed_on) =
            validate_outcome(&outcome, &final_amount, &closed_on, currency, Utc::now().date_naive())
                .map_err(AppError::invalid)?;
        Ok(DealCommand::Close { outcome, final_amount, closed_on })
    })
    .await
}

/// A manager reopens a won deal as lost, with a reason the partner sees: what it earned the
/// partner is reversed on the ledger (a clawback of what was already paid).
#[server(endpoint = "reopen_deal")]
pub async fn reopen_deal(id: i64, reason: String) -> Result<(), AppError> {
    let user = guard::require_role(DEAL_MANAGER_ROLES)?;
    let reason = text(Some(reason));
    command_deal(user, id, &format!("/deals/{id}"), |_, _| async move { Ok(DealCommand::Reopen { reason }) }).await
}

/// A partner asks once for more protection time on an approved deal.
#[server(endpoint = "request_extension")]
pub async fn request_extension(id: i64, reason: String) -> Result<(), AppError> {
    let user = guard::require_role(DEAL_PARTNER_ROLES)?;
    let reason = text(Some(reason));
    command_deal(user, id, &format!("/deals/{id}"), |_, _| async move { Ok(DealCommand::RequestExtension { reason }) })
        .await
}

/// A manager grants or declines a requested extension.
#[server(endpoint = "decide_extension")]
pub async fn decide_extension(id: i64, decision: String) -> Result<(), AppError> {
    let user = guard::require_role(DEAL_MANAGER_ROLES)?;
    command_deal(user, id, &format!("/deals/{id}"), |_, _| async move {
        match decision.as_str() {
            "approve" => Ok(DealCommand::DecideExtension { grant: true }),
            "decline" => Ok(DealCommand::DecideExtension { grant: false }),
            _ => Err(AppError::field("decision", "Choose approve or decline.")),
        }
    })
    .await
}
