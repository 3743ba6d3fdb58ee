use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::template::{StepInput, Template};
use super::{BoardRow, Checklist};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::template::{Move, REMOVE, neighbour},
    super::{ChecklistItem, StepCommand, plan_step, store},
    crate::auth::access::{ADMINISTRATION_ROLES, ONBOARDING_BOARD_ROLES},
    crate::auth::reach::Reach,
    crate::auth::{SessionUser, guard},
    crate::db::Db,
    crate::events::Event,
    crate::mail,
    crate::state,
    crate::ui::agenda::{AgendaItem, AgendaSection, Urgency},
    chrono::Utc,
};

/// An organisation's checklist as a page shows it, with what the viewer may do to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistView {
    pub organisation_id: i64,
    pub organisation_name: String,
    pub checklist: Checklist,
    /// Still onboarding (a partner in the program before onboarding existed is not).
    pub onboarding: bool,
    /// The day of the 90-day clock today, once the agreement is accepted.
    pub day: Option<i64>,
    /// The viewer is one of the partner's people (ticks steps) or its manager (confirms, skips).
    pub partner: bool,
    pub can_manage: bool,
}

/// The partners still onboarding within the viewer's reach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub rows: Vec<BoardRow>,
}

/// The checklists one server read lately, by organisation, each with the count of writes when it
/// was read ([`crate::db::writes`]): a partner's home asks on every visit, and a checklist changes
/// only with a write. At most [`MOST_HELD`] are kept; past it the memory starts again empty.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, Default)]
pub struct ChecklistCache(
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<i64, (u64, Checklist, store::Onboardee)>>>,
);

#[cfg(feature = "ssr")]
const MOST_HELD: usize = 10_000;

/// The server's checklist cache.
#[cfg(feature = "ssr")]
pub fn checklist_cache() -> Result<ChecklistCache, AppError> {
    state::provided::<ChecklistCache>()
}

/// An organisation's checklist as of now, with the organisation. Kept in `cache` until this
/// process writes anything; read afresh every time from a database other servers share. (Server
/// functions take the cache from the context before their first `.await`: a request its client
/// dropped may lose its context while it runs.)
#[cfg(feature = "ssr")]
pub async fn checklist_of(
    db: &Db,
    cache: &ChecklistCache,
    organisation_id: i64,
) -> Result<(Checklist, store::Onboardee), AppError> {
    if db.shared() {
        return read_checklist(db, organisation_id).await;
    }
    // Counted before reading: a write landing during the read moves it, and the entry is dead.
    let writes = crate::db::writes();
    if let Ok(held) = cache.0.lock()
        && let Some((_, checklist, onboardee)) = held.get(&organisation_id).filter(|(at, ..)| *at == writes)
    {
        return Ok((checklist.clone(), onboardee.clone()));
    }
    let read = read_checklist(db, organisation_id).await?;
    if let Ok(mut held) = cache.0.lock() {
        if held.len() >= MOST_HELD {
            held.clear();
        }
        held.insert(organisation_id, (writes, read.0.clone(), read.1.clone()));
    }
    Ok(read)
}

#[cfg(feature = "ssr")]
async fn read_checklist(db: &Db, organisation_id: i64) -> Result<(Checklist, store::Onboardee), AppError> {
    let onboardee = store::onboardee(db, organisation_id).await?.ok_or(AppError::NotFound)?;
    let templates = store::templates(db).await?;
    let milestones = store::milestones(db, organisation_id).await?;
    let marks = store::marks(db, organisation_id).await?;
    let steps = store::steps_of(&templates, onboardee.partner_type_id);
    Ok((Checklist::of(steps, &milestones, &marks), onboardee))
}

/// The partner home's first section while its checklist is not done: the next step with its
/// link, progress and the clock; steps waiting for the channel manager. `None` for a partner not
/// onboarding (or done).
#[cfg(feature = "ssr")]
pub async fn home_section(
    db: &Db,
    cache: &ChecklistCache,
    organisation_id: i64,
) -> Result<Option<AgendaSection>, AppError> {
    let (checklist, onboardee) = checklist_of(db, cache, organisation_id).await?;
    if !onboardee.onboarding || checklist.complete() {
        return Ok(None);
    }
    let progress = format!(
        "{} of {} steps done · {}",
        checklist.resolved(),
        checklist.items.len(),
        super::clock_text(checklist.day(Utc::now().date_naive()))
    );
    let mut items: Vec<AgendaItem> = checklist
        .next()
        .map(|next| AgendaItem {
            title: next.step.title.clone(),
            badge: "Next step".into(),
            detail: progress.clone(),
            href: next.step.href.clone().unwrap_or_else(|| "/onboarding".into()),
            urgency: Urgency::Soon,
        })
        .into_iter()
        .collect();
    items.extend(checklist.items.iter().filter(|item| item.state == super::StepState::Waiting).map(|item| {
        AgendaItem {
            title: item.step.title.clone(),
            badge: "Waiting for confirmation".into(),
            detail: "Your channel manager confirms it.".into(),
            href: "/onboarding".into(),
            urgency: Urgency::Waiting,
        }
    }));
    let section = AgendaSection::new("onboarding", "What to do next", items, &progress);
    Ok(Some(section.with_more("Your onboarding checklist", "/onboarding")))
}

/// The checklist of a partner (the caller's own by default) within reach.
#[server(endpoint = "onboarding_checklist")]
pub async fn onboarding_checklist(organisation_id: Option<i64>) -> Result<ChecklistView, AppError> {
    let user = guard::signed_in()?;
    let (db, cache) = (state::db()?, checklist_cache()?);
    let facts = guard::reachable_partner(&db, &user, organisation_id.unwrap_or(user.organisation_id)).await?;
    view_of(&db, &cache, &user, facts.id).await
}

#[cfg(feature = "ssr")]
async fn view_of(
    db: &Db,
    cache: &ChecklistCache,
    user: &SessionUser,
    organisation_id: i64,
) -> Result<ChecklistView, AppError> {
    let (checklist, onboardee) = checklist_of(db, cache, organisation_id).await?;
    Ok(ChecklistView {
        organisation_id,
        organisation_name: onboardee.name,
        day: checklist.day(Utc::now().date_naive()),
        checklist,
        onboarding: onboardee.onboarding,
        partner: !user.role.is_vendor_staff(),
        can_manage: ONBOARDING_BOARD_ROLES.contains(&user.role),
    })
}

/// Ticks, confirms or skips (`command`) one step of a partner's checklist: the partner's people
/// tick their manual steps; its channel manager (or an admin) confirms and skips.
#[server(endpoint = "mark_step")]
pub async fn mark_step(organisation_id: i64, step_id: i64, command: String) -> Result<(), AppError> {
    let user = guard::signed_in()?;
    let (state, cache) = (state::server_state()?, checklist_cache()?);
    let facts = guard::reachable_partner(&state.db, &user, organisation_id).await?;
    let partner = !user.role.is_vendor_staff();
    if !partner && !ONBOARDING_BOARD_ROLES.contains(&user.role) {
        return Err(AppError::Forbidden);
    }
    let command =
        StepCommand::parse(&command).ok_or_else(|| AppError::field("command", "Choose tick, confirm or skip."))?;
    let (checklist, onboardee) = checklist_of(&state.db, &cache, facts.id).await?;
    let item: &ChecklistItem = checklist.items.iter().find(|item| item.step.id == step_id).ok_or(AppError::NotFound)?;
    let next = plan_step(item, command, partner).map_err(|refusal| AppError::field("command", refusal.message()))?;
    let now = Utc::now();
    let (organisation, step) = ((facts.id, onboardee.name.as_str()), (item.step.id, item.step.title.as_str()));
    if !store::mark(&state.db, organisation, step, (item.state, next), user.user_id, now).await? {
        return Err(AppError::field("command", "Someone changed this step meanwhile. Reload the checklist."));
    }
    state.events.publish(Event::Onboarding { organisation_id: facts.id, at: now });
    guard::redirect_form_post(&if partner { "/onboarding".to_owned() } else { format!("/partners/{}", facts.id) });
    Ok(())
}

/// Every partner still onboarding within reach (a channel manager's, or all for admins), with
/// its progress, days since the agreement, next step and whether it is stuck.
#[server(endpoint = "onboarding_board")]
pub async fn onboarding_board() -> Result<Board, AppError> {
    let user = guard::require_role(ONBOARDING_BOARD_ROLES)?;
    let db = state::db()?;
    let templates = store::templates(&db).await?;
    let now = Utc::now();
    let rows = store::onboarding_within(&db, Reach::of(&user))
        .await?
        .into_iter()
        .filter_map(|(partner, marks)| {
            let steps = store::steps_of(&templates, partner.partner_type_id);
            let checklist = Checklist::of(steps, &partner.milestones, &marks);
            (!checklist.complete()).then(|| BoardRow {
                organisation_id: partner.id,
                name: partner.name,
                percent: checklist.percent(),
                day: checklist.day(now.date_naive()),
                next: checklist.next().map(|item| item.step.title.clone()),
                stuck: checklist.stuck(now),
                last_nudged: partner.last_nudged,
            })
        })
        .collect();
    Ok(Board { rows })
}

/// Reminds a partner still onboarding of its next step: an email to its partner admins (outbox),
/// recorded with who sent it.
#[server(endpoint = "nudge_partner")]
pub async fn nudge_partner(organisation_id: i64) -> Result<(), AppError> {
    let user = guard::require_role(ONBOARDING_BOARD_ROLES)?;
    let (state, cache) = (state::server_state()?, checklist_cache()?);
    let facts = guard::reachable_partner(&state.db, &user, organisation_id).await?;
    let (checklist, onboardee) = checklist_of(&state.db, &cache, facts.id).await?;
    let Some(next) = checklist.next().filter(|_| onboardee.onboarding) else {
        return Err(AppError::field("nudge", "This partner has no step left to do."));
    };
    let name = onboardee.name.clone();
    let link = format!("{}/onboarding", state.settings.public_url);
    let message =
        mail::onboarding_nudge(&user.name, &next.step.title, checklist.resolved(), checklist.items.len(), &link);
    if store::nudge(&state.db, (facts.id, &name), &message, user.user_id, Utc::now()).await? == 0 {
        return Err(AppError::field("nudge", format!("{name} has no active partner admin to remind.")));
    }
    guard::redirect_form_post("/onboarding/board");
    Ok(())
}

/// Every partner type's checklist, for the administration.
#[server(endpoint = "onboarding_templates")]
pub async fn onboarding_templates() -> Result<Vec<Template>, AppError> {
    guard::require_role(ADMINISTRATION_ROLES)?;
    let db = state::db()?;
    let templates = store::templates(&db).await?;
    let types = store::partner_types(&db).await?;
    Ok(types
        .into_iter()
        .map(|(id, name)| Template {
            partner_type_id: id,
            partner_type: name,
            steps: store::steps_of(&templates, Some(id)),
        })
        .collect())
}

/// Adds a step at the end of a partner type's checklist. Partners whose milestone already
/// happened find an automatic step done at once.
#[server(endpoint = "add_onboarding_step")]
pub async fn add_onboarding_step(#[server(flatten)] input: StepInput) -> Result<(), AppError> {
    let user = guard::require_role(ADMINISTRATION_ROLES)?;
    let db = state::db()?;
    let typed =
        [("title", input.title.clone()), ("description", input.description.clone()), ("href", input.href.clone())];
    let step = input.check().map_err(|fields| AppError::invalid_keeping(fields, typed))?;
    if !store::partner_types(&db).await?.iter().any(|(id, _)| *id == step.partner_type_id) {
        return Err(AppError::field("partner_type_id", "Choose the partner type whose checklist this is."));
    }
    store::add_step(&db, &step, user.user_id, Utc::now()).await?;
    guard::redirect_form_post("/admin/onboarding");
    Ok(())
}

/// Moves a step up or down its checklist, or removes it (`change`). What partners did of a
/// removed step is kept; it no longer counts.
#[server(endpoint = "change_onboarding_step")]
pub async fn change_onboarding_step(step_id: i64, change: String) -> Result<(), AppError> {
    let user = guard::require_role(ADMINISTRATION_ROLES)?;
    let db = state::db()?;
    let (partner_type, _, title) = store::step_place(&db, step_id).await?.ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let changed = if change == REMOVE {
        store::retire_step(&db, (step_id, &title), user.user_id, now).await?
    } else {
        let direction = Move::parse(&change).ok_or_else(|| AppError::field("change", "Choose up, down or remove."))?;
        let steps = store::steps_of(&store::templates(&db).await?, Some(partner_type));
        let Some(other) = neighbour(&steps, step_id, direction) else {
            let end = if direction == Move::Up { "first" } else { "last" };
            return Err(AppError::field("change", format!("\u{201c}{title}\u{201d} is the {end} step already.")));
        };
        store::swap_steps(&db, (step_id, other), user.user_id, now).await?
    };
    if !changed {
        return Err(AppError::field("change", "The checklist changed meanwhile. Reload the page."));
    }
    guard::redirect_form_post("/admin/onboarding");
    Ok(())
}
