//! MDF's server functions: the page's view within the reader's reach, budgets (admins),
//! allocations (admins and channel managers), requests and claims with their proof (a partner's
//! people) and the moves of a request and its claim. Each is guard → reach → check → store;
//! another partner's request, claim or proof file is "not found".

use leptos::prelude::*;

use super::{AllocationInput, MdfView, RequestDetail, RequestInput};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::rules::{self, ClaimState, MdfCommand, Move, RequestState, Side},
    super::store::{self, AllocationRefused, RequestRefused, claims},
    super::{BudgetInput, ClaimInput, MAX_PROOF_BYTES, PROOF_KINDS, RequestRecord},
    crate::auth::access::{MDF_BUDGET_ROLES, MDF_MANAGER_ROLES, MDF_ROLES},
    crate::auth::{SessionUser, guard, reach::Reach},
    crate::db::Db,
    crate::files::FileField,
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
    let partner = side_of(&user) == Side::Partner;
    let admin = MDF_BUDGET_ROLES.contains(&user.role);
    Ok(MdfView {
        budgets: if admin { store::budgets(&db).await? } else { Vec::new() },
        allocations: store::allocations(&db, reach).await?,
        requests: store::requests(&db, reach, false).await?,
        partner,
        admin,
        partners: if partner { Vec::new() } else { store::partners(&db, reach).await? },
        campaigns: match reach {
            Reach::Own { organisation_id } => store::campaigns(&db, organisation_id).await?,
            _ => Vec::new(),
        },
        currency: currency(&db).await?,
        today: Utc::now().date_naive(),
        coop: crate::incentives::store::coop::balances(&db, reach).await?,
        coop_lines: match reach {
            Reach::Own { organisation_id } => crate::incentives::store::coop::lines_of(&db, organisation_id).await?,
            _ => Vec::new(),
        },
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
    let coop = crate::incentives::store::coop::balances(&db, Reach::Own { organisation_id }).await?;
    let campaigns = store::campaigns(&db, organisation_id).await?;
    let now = Utc::now();
    let new = input
        .check(currency, (&allocations, coop.first()), &campaigns, now.date_naive())
        .map_err(|fields| AppError::invalid_keeping(fields, input.typed()))?;
    let notify = Some(state.settings.public_url.as_str());
    match store::request(&db, organisation_id, &new, (currency.code(), user.user_id), notify, now).await? {
        Ok(id) => {
            guard::redirect_form_post(&format!("/mdf/{id}"));
            Ok(id)
        }
        Err(RequestRefused::Left(left)) => {
            let message = super::left_message(new.draw.fund(), Money { minor: left, currency });
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
    // The one rule: a partner's people reach their own organisation; vendor staff reach partners.
    match Reach::of(user) {
        Reach::Own { .. } => Side::Partner,
        Reach::Assigned { .. } | Reach::Program => Side::Manager,
    }
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
        MdfCommand::Claim,
        MdfCommand::ApproveClaim,
        MdfCommand::RejectClaim { reason: "a reason".into() },
    ]
    .into_iter()
    .filter(|command| rules::step(request.stage(), side, command, request.starts_on, today).is_ok())
    .collect();
    Ok(RequestDetail {
        claims: claims::claims(&db, id).await?,
        events: store::events(&db, id).await?,
        request,
        actions,
        partner: side == Side::Partner,
    })
}

/// The proof file field of the claim forms.
#[cfg(feature = "ssr")]
const PROOF: FileField = FileField { name: "proof", called: "a proof file", max_bytes: MAX_PROOF_BYTES };

/// A sent proof file, checked: its type read from its content (PDF, PNG or JPEG) and agreeing
/// with its name; the problem, said beside the field, otherwise.
#[cfg(feature = "ssr")]
fn checked_proof(form: &crate::files::PostedForm) -> Result<(crate::files::Checked, &[u8]), String> {
    let sent = form.file.as_ref().ok_or_else(|| format!("Choose {} to upload.", PROOF.called))?;
    let accepts = format!("proof of performance may be a {} file", crate::files::kinds_text(PROOF_KINDS));
    let checked = crate::files::check(&sent.name, &sent.bytes, PROOF_KINDS, &accepts)?;
    Ok((checked, &sent.bytes))
}

/// A checked proof file as it is recorded, kept under `hash`.
#[cfg(feature = "ssr")]
fn new_proof<'a>(checked: &'a crate::files::Checked, bytes: &[u8], hash: &'a str) -> claims::NewProof<'a> {
    claims::NewProof { hash, name: &checked.name, media_type: checked.kind.media_type, size_bytes: bytes.len() as i64 }
}

/// Keeps a checked proof file under the data directory.
#[cfg(feature = "ssr")]
async fn keep_proof(files: &crate::files::FileStore, bytes: &[u8]) -> Result<String, AppError> {
    files.put(bytes).await.map_err(|error| {
        tracing::error!(%error, "a proof file was not kept");
        AppError::Internal
    })
}

/// A partner's person claims what an executed activity cost (`id`, `amount`, `results`), with a
/// proof file (`proof`: PDF, PNG or JPEG of at most 10 MB, its type read from its content). Never
/// more than was pre-approved; anything refused is said beside its field, and nothing is kept.
#[server(endpoint = "claim_mdf", input = server_fn::codec::MultipartFormData)]
pub async fn claim_mdf(data: server_fn::codec::MultipartData) -> Result<(), AppError> {
    let user = guard::require_role(MDF_ROLES)?;
    let state = state::server_state()?;
    let form = crate::files::read_form(data, PROOF).await?;
    let id = form.text("id").trim().parse::<i64>().map_err(|_| AppError::NotFound)?;
    let request = reachable_request(&state.db, &user, id).await?;
    let now = Utc::now();
    rules::step(request.stage(), side_of(&user), &MdfCommand::Claim, request.starts_on, now.date_naive())
        .map_err(refused)?;
    let currency = Currency::parse(&request.currency).ok_or(AppError::Internal)?;
    let input = ClaimInput { amount: form.text("amount"), results: form.text("results") };
    let (new, (checked, bytes)) = match (input.check(currency, request.amount_minor), checked_proof(&form)) {
        (Ok(new), Ok(proof)) => (new, proof),
        (checked, proof) => {
            let mut fields = checked.err().unwrap_or_default();
            if let Err(problem) = proof {
                fields.insert(PROOF.name.to_owned(), problem);
            }
            return Err(AppError::invalid_keeping(fields, input.typed()));
        }
    };
    let hash = keep_proof(&state.files, bytes).await?;
    let kept = new_proof(&checked, bytes, &hash);
    let notify = Some(state.settings.public_url.as_str());
    if claims::claim(&state.db, &request, &new, kept, (user.user_id, notify), now).await?.is_none() {
        return Err(changed());
    }
    guard::redirect_form_post(&format!("/mdf/{id}"));
    Ok(())
}

/// A partner's person adds a proof file (`proof`) to request `id`'s claim while it waits.
#[server(endpoint = "add_mdf_proof", input = server_fn::codec::MultipartFormData)]
pub async fn add_mdf_proof(data: server_fn::codec::MultipartData) -> Result<(), AppError> {
    let user = guard::require_role(MDF_ROLES)?;
    let state = state::server_state()?;
    let form = crate::files::read_form(data, PROOF).await?;
    let id = form.text("id").trim().parse::<i64>().map_err(|_| AppError::NotFound)?;
    let request = reachable_request(&state.db, &user, id).await?;
    if side_of(&user) != Side::Partner {
        return Err(AppError::Forbidden);
    }
    if request.claim != Some(ClaimState::Claimed) {
        return Err(changed());
    }
    let (checked, bytes) = checked_proof(&form).map_err(|problem| AppError::field(PROOF.name, problem))?;
    let hash = keep_proof(&state.files, bytes).await?;
    match claims::add_proof(&state.db, id, new_proof(&checked, bytes, &hash), user.user_id, Utc::now()).await? {
        Ok(()) => {}
        Err(claims::ProofRefused::NoWaitingClaim) => return Err(changed()),
        Err(claims::ProofRefused::Full) => {
            let message = format!("A claim holds at most {} proof files.", claims::MAX_PROOFS);
            return Err(AppError::field(PROOF.name, message));
        }
    }
    guard::redirect_form_post(&format!("/mdf/{id}"));
    Ok(())
}

/// Proof file `id` for `user`: its hash, name and type when the claim is their partner's or a
/// partner within their reach; "not found" otherwise, as for an id that was never given.
#[cfg(feature = "ssr")]
pub async fn proof_file(db: &Db, user: &SessionUser, id: i64) -> Result<(String, String, String), AppError> {
    if !MDF_ROLES.contains(&user.role) {
        return Err(AppError::NotFound);
    }
    let (organisation_id, hash, name, media_type) = claims::proof(db, id).await?.ok_or(AppError::NotFound)?;
    guard::reachable_partner(db, user, organisation_id).await?;
    Ok((hash, name, media_type))
}

#[cfg(feature = "ssr")]
fn changed() -> AppError {
    AppError::field("command", "The request changed meanwhile. Reload the page to see where it stands.")
}

/// A refused move as its error: someone on the wrong side is forbidden; a missing reason is said
/// beside its field; anything else beside the command.
#[cfg(feature = "ssr")]
fn refused(refusal: rules::MdfRefusal) -> AppError {
    match refusal {
        rules::MdfRefusal::ManagersDecide | rules::MdfRefusal::PartnersAct => AppError::Forbidden,
        rules::MdfRefusal::ReasonRequired => AppError::field("reason", refusal.to_string()),
        refusal => AppError::field("command", refusal.to_string()),
    }
}

/// Moves request `id`: `command` is `pre_approve`, `reject` (with `reason`), `withdraw`,
/// `mark_executed`, `approve_claim` or `reject_claim` (with `reason`). Managers decide; the
/// partner's people withdraw and mark it executed.
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
        "approve_claim" => MdfCommand::ApproveClaim,
        "reject_claim" => MdfCommand::RejectClaim { reason: reason.clone() },
        _ => return Err(AppError::field("command", "Choose what to do with the request.")),
    };
    let now = Utc::now();
    let side = side_of(&user);
    let next = rules::step(request.stage(), side, &command, request.starts_on, now.date_naive()).map_err(refused)?;
    let notify = Some(state.settings.public_url.as_str());
    let moved = match next {
        Move::Request(next) => {
            let note = if next == RequestState::Rejected { reason.as_str() } else { "" };
            let by = (user.user_id, side == Side::Manager);
            store::move_request(&db, id, (request.state, next), note, by, notify, now).await?
        }
        Move::Claim(next) => {
            let note = if next == ClaimState::Rejected { reason.as_str() } else { "" };
            claims::decide(&db, &request, next, note, (user.user_id, notify), now).await?
        }
    };
    if !moved {
        return Err(changed());
    }
    guard::redirect_form_post(&format!("/mdf/{id}"));
    Ok(())
}
