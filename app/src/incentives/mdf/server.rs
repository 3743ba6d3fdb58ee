//! MDF's server functions: the page's view within the reader's reach, budgets (admins),
//! allocations (admins and channel managers), requests (a partner's people) and the moves of a
//! request. Each is guard → reach → check → store; another partner's request is "not found".

use leptos::prelude::*;

use super::{AllocationInput, MdfView, RequestDetail, RequestInput};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::rules::{self, MdfCommand, RequestState, Side},
    super::store::{self, AllocationRefused, RequestRefused},
    super::{BudgetInput, RequestRecord},
    crate::auth::access::{MDF_BUDGET_ROLES, MDF_MANAGER_ROLES, MDF_ROLES},
    crate::auth::{SessionUser, guard, reach::Reach},
    crate::db::Db,
    crate::money::{Currency, Money},
    crate::state,
    chrono::Utc,
};

#[cfg(feature = "ssr")]
async fn currency(db: &Db) -> Result<Currency, AppError> {
    Ok(crate::money::store::conversion(db).await?.currency())
}

/// Budgets (for admins), the allocations and requests within the reader's reach, and their forms' choices.
#[server(endpoint = "mdf_overview")]
pub async fn mdf_overview() -> Result<MdfView, AppError> {
    let user = guard::require_role(MDF_ROLES)?;
    let db = state::db()?;
    let reach = Reach::of(&user);
    let partner = matches!(reach, Reach::Own { .. });
    let admin = MDF_BUDGET_ROLES.contains(&user.role);
    Ok(MdfView {
        budgets: if admin { store::budgets(&db).await? } else { Vec::new() },
        allocations: store::allocations(&db, reach).await?,
        requests: store::requests(&db, reach, None).await?,
        partner,
        admin,
        partners: if partner { Vec::new() } else { store::partners(&db, reach).await? },
        campaigns: match reach {
            Reach::Own { organisation_id } => store::campaigns(&db, organisation_id).await?,
            _ => Vec::new(),
        },
        currency: currency(&db).await?,
        today: Utc::now().date_naive(),
    })
}

/// An admin sets a quarter's MDF budget (in the reporting currency); never below what is allocated of it.
#[server(endpoint = "set_mdf_budget")]
pub async fn set_mdf_budget(period: String, amount: String) -> Result<(), AppError> {
    let user = guard::require_role(MDF_BUDGET_ROLES)?;
    let db = state::db()?;
    let currency = currency(&db).await?;
    let input = BudgetInput { period, amount };
    let typed = [("period", input.period.clone()), ("amount", input.amount.clone())];
    let (period, amount) = input.check(currency).map_err(|fields| AppError::invalid_keeping(fields, typed.clone()))?;
    if let Err(allocated) = store::set_budget(&db, (period, amount, currency.code()), user.user_id, Utc::now()).await? {
        let message = format!(
            "Partners hold {} of this quarter's budget already: set it at least that high.",
            Money { minor: allocated, currency }.display()
        );
        return Err(AppError::invalid_keeping([("amount".to_owned(), message)].into(), typed));
    }
    guard::redirect_form_post("/mdf");
    Ok(())
}

/// An admin or a partner's channel manager gives the partner (or changes) its allocation of a
/// quarter's budget, never beyond the budget nor below what its requests hold.
#[server(endpoint = "allocate_mdf")]
pub async fn allocate_mdf(#[server(flatten)] input: AllocationInput) -> Result<(), AppError> {
    let user = guard::require_role(MDF_MANAGER_ROLES)?;
    let db = state::db()?;
    let currency = currency(&db).await?;
    let partners = store::partners(&db, Reach::of(&user)).await?;
    let typed = [
        ("partner", input.partner.clone()),
        ("period", input.period.clone()),
        ("amount", input.amount.clone()),
        ("expires_on", input.expires_on.clone()),
    ];
    let allocation =
        input.check(currency, &partners).map_err(|fields| AppError::invalid_keeping(fields, typed.clone()))?;
    let money = |minor: i64| Money { minor, currency }.display();
    let refusal = match store::allocate(&db, &allocation, currency.code(), user.user_id, Utc::now()).await? {
        Ok(()) => {
            guard::redirect_form_post("/mdf");
            return Ok(());
        }
        Err(AllocationRefused::NoBudget) => {
            ("period", "This quarter has no MDF budget yet: an admin sets it first.".to_owned())
        }
        Err(AllocationRefused::OverBudget(left)) => {
            ("amount", format!("Only {} of the quarter's budget is left to allocate.", money(left)))
        }
        Err(AllocationRefused::BelowRequested(held)) => {
            ("amount", format!("The partner's requests hold {} of it already: allocate at least that.", money(held)))
        }
    };
    Err(AppError::invalid_keeping([(refusal.0.to_owned(), refusal.1)].into(), typed))
}

/// A partner's person requests funds for an activity from one of the partner's open allocations.
/// The request's id.
#[server(endpoint = "request_mdf")]
pub async fn request_mdf(#[server(flatten)] input: RequestInput) -> Result<i64, AppError> {
    let user = guard::require_role(MDF_ROLES)?;
    let Reach::Own { organisation_id } = Reach::of(&user) else {
        return Err(AppError::Forbidden);
    };
    let state = state::server_state()?;
    let db = state.db.clone();
    let currency = currency(&db).await?;
    let allocations = store::allocations(&db, Reach::Own { organisation_id }).await?;
    let campaigns = store::campaigns(&db, organisation_id).await?;
    let now = Utc::now();
    let new = input
        .check(currency, &allocations, &campaigns, now.date_naive())
        .map_err(|fields| AppError::invalid_keeping(fields, input.typed()))?;
    let notify = Some(state.settings.public_url.as_str());
    match store::request(&db, organisation_id, &new, (currency.code(), user.user_id), notify, now).await? {
        Ok(id) => {
            guard::redirect_form_post(&format!("/mdf/{id}"));
            Ok(id)
        }
        Err(RequestRefused::Left(left)) => {
            let message = format!("Only {} of this allocation is left.", Money { minor: left, currency }.display());
            Err(AppError::invalid_keeping([("amount".to_owned(), message)].into(), input.typed()))
        }
        Err(RequestRefused::Closed) => {
            let message = "This allocation has closed: choose another.".to_owned();
            Err(AppError::invalid_keeping([("allocation".to_owned(), message)].into(), input.typed()))
        }
    }
}

/// Request `id` when the reader may see it: their partner's, or a partner within their reach.
#[cfg(feature = "ssr")]
async fn reachable_request(db: &Db, user: &SessionUser, id: i64) -> Result<RequestRecord, AppError> {
    let request = store::record(db, id).await?.ok_or(AppError::NotFound)?;
    guard::reachable_partner(db, user, request.organisation_id).await?;
    Ok(request)
}

#[cfg(feature = "ssr")]
fn side_of(user: &SessionUser) -> Side {
    if MDF_MANAGER_ROLES.contains(&user.role) { Side::Manager } else { Side::Partner }
}

/// A request with its timeline and what the reader may do to it now.
#[server(endpoint = "mdf_request")]
pub async fn mdf_request(id: i64) -> Result<RequestDetail, AppError> {
    let user = guard::require_role(MDF_ROLES)?;
    let db = state::db()?;
    let request = reachable_request(&db, &user, id).await?;
    let today = Utc::now().date_naive();
    let side = side_of(&user);
    let actions = [
        MdfCommand::PreApprove,
        MdfCommand::Reject { reason: "a reason".into() },
        MdfCommand::Withdraw,
        MdfCommand::MarkExecuted,
    ]
    .into_iter()
    .filter(|command| rules::step(request.state, side, command, request.starts_on, today).is_ok())
    .collect();
    Ok(RequestDetail { events: store::events(&db, id).await?, request, actions })
}

/// Moves request `id`: `command` is `pre_approve`, `reject` (with `reason`), `withdraw` or
/// `mark_executed`. Managers decide; the partner's people withdraw and mark it executed.
#[server(endpoint = "act_on_mdf")]
pub async fn act_on_mdf(id: i64, command: String, reason: Option<String>) -> Result<(), AppError> {
    let user = guard::require_role(MDF_ROLES)?;
    let state = state::server_state()?;
    let db = state.db.clone();
    let request = reachable_request(&db, &user, id).await?;
    let reason: String = reason.unwrap_or_default().trim().chars().take(1_000).collect();
    let command = match command.as_str() {
        "pre_approve" => MdfCommand::PreApprove,
        "reject" => MdfCommand::Reject { reason: reason.clone() },
        "withdraw" => MdfCommand::Withdraw,
        "mark_executed" => MdfCommand::MarkExecuted,
        _ => return Err(AppError::field("command", "Choose what to do with the request.")),
    };
    let now = Utc::now();
    let side = side_of(&user);
    let next = rules::step(request.state, side, &command, request.starts_on, now.date_naive()).map_err(|refusal| {
        let field = if matches!(refusal, rules::MdfRefusal::ReasonRequired) { "reason" } else { "command" };
        match refusal {
            rules::MdfRefusal::ManagersDecide | rules::MdfRefusal::PartnersAct => AppError::Forbidden,
            refusal => AppError::field(field, refusal.to_string()),
        }
    })?;
    let note = if next == RequestState::Rejected { reason.as_str() } else { "" };
    let (by, notify) = ((user.user_id, side == Side::Manager), Some(state.settings.public_url.as_str()));
    if !store::move_request(&db, id, (request.state, next), note, by, notify, now).await? {
        return Err(AppError::field(
            "command",
            "The request changed meanwhile. Reload the page to see where it stands.",
        ));
    }
    guard::redirect_form_post(&format!("/mdf/{id}"));
    Ok(())
}
