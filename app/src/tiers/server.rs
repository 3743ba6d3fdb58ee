//! Tiers' server functions: the configuration (admins), where a partner stands (its people, its
//! channel manager, admins), "Evaluate now", and the channel managers' approvals; and the jobs
//! that run the engine when a metric changes and every night.

use leptos::prelude::*;

use super::economics::EconomicsView;
use super::form::{CourseUnlockForm, TierForm};
use super::{ProgramView, ProposalView, StandingView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::engine::{Grace, Standing, expiry_drop},
    super::form::ProgramForm,
    super::store::{self, Decided, PendingProposal},
    super::{DraftView, ProgressView, TierBenefits},
    crate::auth::Role,
    crate::auth::access::{ADMINISTRATION_ROLES, TIER_DECISION_ROLES},
    crate::auth::guard,
    crate::auth::reach::{Reach, Reachable},
    crate::db::Db,
    crate::events::Event,
    crate::money::store::conversion,
    crate::state::{self, ServerState},
    chrono::{DateTime, Duration, Utc},
};

/// The most tier notices one run publishes one by one.
#[cfg(feature = "ssr")]
const MAX_NOTICES: usize = 64;

/// What the configuration form's two buttons send as `intent`, and the queue's two as `decision`.
pub const PREVIEW: &str = "preview";
pub const PUBLISH: &str = "publish";
pub const APPROVE: &str = "approve";
pub const DECLINE: &str = "decline";

/// The most characters of a decision's reason.
pub const MAX_REASON: usize = 500;

#[cfg(feature = "ssr")]
impl Reachable for PendingProposal {
    fn organisation_id(&self) -> i64 {
        self.organisation_id
    }
    fn channel_manager_id(&self) -> Option<i64> {
        self.channel_manager_id
    }
}

/// The program in force, its form (the draft's, when there is one) with the draft's simulation,
/// its versions and how many partners each tier holds.
#[server(endpoint = "program_configuration")]
pub async fn program_configuration() -> Result<ProgramView, AppError> {
    guard::require_role(ADMINISTRATION_ROLES)?;
    let db = state::db()?;
    let (_, program) = store::current(&db).await?;
    let currency = conversion(&db).await?.currency();
    let courses = crate::training::store::published_titles(&db).await?;
    let (form, draft) = match store::draft(&db).await? {
        Some((draft, saved_at, saved_by)) => {
            let simulation = simulation(&db, &program, &draft, currency).await?;
            (ProgramForm::of(&draft, currency, &courses), Some(DraftView { saved_by, saved_at, simulation }))
        }
        None => (ProgramForm::of(&program, currency, &courses), None),
    };
    Ok(ProgramView {
        currency,
        courses,
        form,
        draft,
        program,
        versions: store::versions(&db).await?,
        partners_in: store::partners_in(&db).await?,
    })
}

/// What a draft would do, against the published configuration, today and at the ends of the
/// last four quarters.
#[cfg(feature = "ssr")]
async fn simulation(
    db: &Db,
    published: &super::program::Program,
    draft: &super::program::Program,
    currency: crate::money::Currency,
) -> Result<super::simulate::Simulation, AppError> {
    let points = super::simulate::points(Utc::now());
    let moments = points.each_ref().map(|(_, at)| *at);
    let labels: Vec<String> = points.into_iter().map(|(label, _)| label).collect();
    let figures = store::simulation_figures(db, &moments).await?;
    Ok(super::simulate::simulate(published, draft, &figures, &labels, currency))
}

/// Saves a configuration (admins), checked whole and refused whole: `intent` "preview" keeps it
/// as the draft, whose simulation the page then shows; "publish" makes it a new version, and
/// every partner is evaluated against it at once.
#[server(endpoint = "save_program")]
pub async fn save_program(
    intent: String,
    approval: String,
    grace_days: String,
    public: Option<String>,
    #[server(default)] tiers: Vec<TierForm>,
    #[server(default)] courses: Vec<CourseUnlockForm>,
) -> Result<(), AppError> {
    let user = guard::require_role(ADMINISTRATION_ROLES)?;
    let state = state::server_state()?;
    let currency = conversion(&state.db).await?.currency();
    let form = ProgramForm { approval, grace_days, public, tiers, courses };
    let program = form.check(currency).map_err(AppError::invalid)?;
    if !store::tiers_exist(&state.db, &program).await? {
        return Err(AppError::field("tiers", "A tier on this form no longer exists: open the page again."));
    }
    let published = crate::training::store::published_titles(&state.db).await?;
    let unlocked = program.tiers.iter().flat_map(|tier| &tier.benefits.courses);
    if unlocked.into_iter().any(|course| !published.iter().any(|(id, _)| id == course)) {
        return Err(AppError::field("courses", "A course on this form is no longer published: open the page again."));
    }
    let now = Utc::now();
    match intent.as_str() {
        PREVIEW => store::save_draft(&state.db, &program, user.user_id, now).await?,
        PUBLISH => {
            store::publish(&state.db, &program, user.user_id, now).await?;
            if let Err(error) = evaluate_and_tell(&state, None, now).await {
                // Published but not yet applied: the clock evaluates every partner within a minute.
                if let Err(also) = store::mark_due(&state.db).await {
                    tracing::error!(%also, "could not mark the tier evaluation due");
                }
                return Err(error);
            }
        }
        _ => return Err(AppError::field("intent", "Choose to preview the draft or to publish it.")),
    }
    guard::redirect_form_post("/admin/program");
    Ok(())
}

/// Throws the draft away (admins): the form shows the published configuration again.
#[server(endpoint = "discard_program_draft")]
pub async fn discard_program_draft() -> Result<(), AppError> {
    guard::require_role(ADMINISTRATION_ROLES)?;
    store::discard_draft(&state::db()?).await?;
    guard::redirect_form_post("/admin/program");
    Ok(())
}

/// Runs the engine (over every partner, or `only` one) and tells live pages of each change.
#[cfg(feature = "ssr")]
pub async fn evaluate_and_tell(
    state: &ServerState,
    only: Option<i64>,
    now: DateTime<Utc>,
) -> Result<store::Report, AppError> {
    let (report, touched) = store::evaluate(&state.db, only, now).await?;
    match touched.len() {
        0 => {}
        // A run that touched many partners is one notice: every live page reads afresh anyway.
        many if many > MAX_NOTICES => state.events.publish(Event::Tier { organisation_id: None, at: now }),
        _ => touched.into_iter().for_each(|organisation_id| {
            state.events.publish(Event::Tier { organisation_id: Some(organisation_id), at: now })
        }),
    }
    Ok(report)
}

/// "Evaluate now": an admin for every partner (`organisation_id` absent) or one; a channel
/// manager for one of theirs.
#[server(endpoint = "evaluate_tiers")]
pub async fn evaluate_tiers(organisation_id: Option<i64>) -> Result<(), AppError> {
    let user = guard::require_role(TIER_DECISION_ROLES)?;
    let state = state::server_state()?;
    let only = match (organisation_id, user.role) {
        (Some(id), _) => Some(guard::reachable_partner(&state.db, &user, id).await?.id),
        (None, Role::Admin) => None,
        (None, _) => return Err(AppError::Forbidden),
    };
    evaluate_and_tell(&state, only, Utc::now()).await?;
    match organisation_id {
        Some(id) => guard::redirect_form_post(&format!("/partners/{id}/tier")),
        None => guard::redirect_form_post("/admin/program"),
    }
    Ok(())
}

/// Where a partner stands: the caller's own organisation (its people), or one within reach
/// (vendor staff). Another partner's is "not found".
#[server(endpoint = "tier_standing")]
pub async fn tier_standing(organisation_id: Option<i64>) -> Result<StandingView, AppError> {
    let user = guard::signed_in()?;
    let db = state::db()?;
    let id = match (organisation_id, user.role.is_vendor_staff()) {
        (Some(id), _) => guard::reachable_partner(&db, &user, id).await?.id,
        (None, false) => user.organisation_id,
        (None, true) => return Err(AppError::NotFound),
    };
    standing_of(&db, id, TIER_DECISION_ROLES.contains(&user.role)).await
}

/// Where partner `id` stands now (the caller checked it may be seen).
#[cfg(feature = "ssr")]
pub(super) async fn standing_of(db: &Db, id: i64, can_evaluate: bool) -> Result<StandingView, AppError> {
    let partner_name = crate::auth::store::organisation_name(db, id).await?.ok_or(AppError::NotFound)?;
    let (_, program) = store::current(db).await?;
    let currency = conversion(db).await?.currency();
    let now = Utc::now();
    let evaluated = store::evaluation_of(db, &program, id, now).await?.ok_or(AppError::NotFound)?;
    let evaluation = &evaluated.evaluation;
    let name = |id: i64| program.name_of(id).to_owned();
    let grace_until = match evaluation.grace {
        Grace::Starts { until } | Grace::Runs { until, .. } => Some(until),
        Grace::None | Grace::Ends | Grace::Over => None,
    };
    let expiry_alert = expiry_drop(&program, &evaluated.metrics, evaluated.still_certified_later, evaluation.current)
        .map(|to| {
            expiry_text(
                &program,
                evaluation.current,
                to,
                evaluated.metrics.certified_people - evaluated.still_certified_later,
            )
        });
    let pending = store::pending_of(db, id)
        .await?
        .map(|(to, _)| format!("A change to {} awaits its channel manager's approval.", name(to)));
    Ok(StandingView {
        organisation_id: id,
        organisation_name: partner_name,
        tier: evaluation.current.map(name),
        tier_id: evaluation.current,
        next: evaluation.next.map(name),
        progress: evaluation.progress.iter().map(|progress| ProgressView::of(progress, currency)).collect(),
        distance: evaluation.distance_text(&program, currency),
        explanation: evaluation.explain(&program, currency),
        grace_until,
        to_keep: super::engine::shortfall_text(&evaluation.progress, super::engine::Progress::to_keep, currency),
        expiry_alert,
        pending,
        tiers: TierBenefits::all(&program, currency, &crate::training::store::published_titles(db).await?),
        history: store::history(db, id).await?,
        evaluated_at: now,
        can_evaluate,
    })
}

/// The tiers, their benefits and what a deal of `amount` (major units of the reporting currency;
/// 100,000 when absent) earns at each. Anyone may read it when the admin makes the program
/// public; otherwise only signed-in people ("not found" to others).
#[server(endpoint = "program_economics")]
pub async fn program_economics(amount: Option<String>) -> Result<EconomicsView, AppError> {
    use super::economics::{DEFAULT_AMOUNT, earnings};
    let db = state::db()?;
    let (_, program) = store::current(&db).await?;
    if !program.public && guard::signed_in_before_agreement().is_err() {
        return Err(AppError::NotFound);
    }
    let currency = conversion(&db).await?.currency();
    let amount_minor = match amount.as_deref().map(str::trim).filter(|amount| !amount.is_empty()) {
        None => DEFAULT_AMOUNT * 10_i64.pow(currency.minor_digits()),
        Some(typed) => {
            crate::money::Money::parse_positive(typed, currency)
                .map_err(|problem| {
                    AppError::invalid_keeping([("amount".to_owned(), problem)].into(), [("amount", typed.to_owned())])
                })?
                .minor
        }
    };
    Ok(EconomicsView {
        currency,
        amount_minor,
        earnings: earnings(&program, amount_minor),
        tiers: TierBenefits::all(&program, currency, &crate::training::store::published_titles(&db).await?),
    })
}

/// The proposed tier changes for the caller's partners (a channel manager's) or all (admins),
/// oldest first, each with its evaluation.
#[server(endpoint = "tier_approvals")]
pub async fn tier_approvals() -> Result<Vec<ProposalView>, AppError> {
    let user = guard::require_role(TIER_DECISION_ROLES)?;
    let db = state::db()?;
    let (_, program) = store::current(&db).await?;
    let currency = conversion(&db).await?.currency();
    let reach = Reach::of(&user);
    let now = Utc::now();
    let pending: Vec<PendingProposal> =
        store::pending(&db).await?.into_iter().filter(|proposal| reach.includes_partner(proposal)).collect();
    // Every partner's figures in one read, however long the queue.
    let figures = match pending.is_empty() {
        true => Default::default(),
        false => store::metrics(&db, None, now).await?,
    };
    let mut views = Vec::new();
    for proposal in pending {
        let metrics = figures.get(&proposal.organisation_id).map(|(metrics, _)| *metrics).unwrap_or_default();
        let standing = Standing { tier_id: proposal.from_tier_id, ..Standing::default() };
        let evaluation = super::engine::evaluate(&program, &metrics, &standing, now);
        let progress = evaluation.progress.iter().map(|p| ProgressView::of(p, currency)).collect();
        views.push(ProposalView {
            id: proposal.id,
            organisation_id: proposal.organisation_id,
            organisation_name: proposal.organisation_name,
            from_tier: proposal.from_tier_id.map(|id| program.name_of(id).to_owned()).unwrap_or_default(),
            to_tier: program.name_of(proposal.to_tier_id).to_owned(),
            direction: proposal.direction,
            explanation: proposal.explanation,
            proposed_at: proposal.proposed_at,
            progress,
        });
    }
    Ok(views)
}

/// Approves (`decision` "approve") or declines ("decline", with a reason) a proposed change for a
/// partner within the caller's reach; both enter the partner's tier history.
#[server(endpoint = "decide_tier_change")]
pub async fn decide_tier_change(id: i64, decision: String, reason: String) -> Result<(), AppError> {
    let user = guard::require_role(TIER_DECISION_ROLES)?;
    let state = state::server_state()?;
    let proposal = store::pending(&state.db)
        .await?
        .into_iter()
        .find(|proposal| proposal.id == id)
        .filter(|proposal| Reach::of(&user).includes_partner(proposal))
        .ok_or(AppError::NotFound)?;
    let approve = match decision.as_str() {
        APPROVE => true,
        DECLINE => false,
        _ => return Err(AppError::field("decision", "Choose to approve or to decline the change.")),
    };
    let reason = reason.trim();
    if !approve && reason.is_empty() {
        return Err(AppError::field("reason", "Say why you decline: the partner's history keeps it."));
    }
    if reason.chars().count() > MAX_REASON || crate::text::has_control_characters(reason) {
        return Err(AppError::field("reason", format!("Use one line of at most {MAX_REASON} characters.")));
    }
    let now = Utc::now();
    match store::decide(&state.db, proposal.id, approve, reason, user.user_id, now).await? {
        Decided::Approved { organisation_id } | Decided::Declined { organisation_id } => {
            state.events.publish(Event::Tier { organisation_id: Some(organisation_id), at: now });
        }
        Decided::Gone => return Err(AppError::NotFound),
    }
    guard::redirect_form_post("/tiers/approvals");
    Ok(())
}

/// The nightly run: every partner once the last full run is a day old (certifications that
/// expired since are counted then). Called by the server's minute clock.
#[cfg(feature = "ssr")]
pub async fn nightly(state: &ServerState, now: DateTime<Utc>) -> Result<Option<store::Report>, AppError> {
    match store::evaluated_at(&state.db).await? {
        Some(last) if now - last < Duration::hours(24) => Ok(None),
        _ => Ok(Some(evaluate_and_tell(state, None, now).await?)),
    }
}

/// Re-evaluates a partner when a metric of its changes on this server: a deal won, a
/// certification earned. Runs until the bus closes.
#[cfg(feature = "ssr")]
pub async fn follow_events(state: ServerState) {
    use tokio::sync::broadcast::error::RecvError;
    let mut receiver = state.events.subscribe();
    loop {
        let organisation_id = match receiver.recv().await {
            Ok(envelope) if envelope.origin == state.events.origin() => match envelope.event {
                Event::Deal {
                    organisation_id,
                    outcome: crate::events::DealOutcome::Won | crate::events::DealOutcome::Reopened,
                    ..
                }
                | Event::Certification { organisation_id, .. } => organisation_id,
                _ => continue,
            },
            Ok(_) => continue,
            // Missed events are caught up by the nightly run.
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return,
        };
        if let Err(error) = evaluate_and_tell(&state, Some(organisation_id), Utc::now()).await {
            tracing::error!(%error, organisation_id, "tier evaluation after an event failed; the nightly run will catch up");
        }
    }
}

#[cfg(feature = "ssr")]
fn expiry_text(program: &super::program::Program, current: Option<i64>, to: i64, ending: i64) -> String {
    let current = current.map(|id| program.name_of(id)).unwrap_or_default();
    let people = if ending == 1 { "1 certification ends" } else { "certifications end" };
    format!(
        "{people} within 30 days: without a renewal, {current}'s certified-people requirement is no longer met and the partner would move to {} after the grace period.",
        program.name_of(to)
    )
}
