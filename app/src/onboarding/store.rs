//! Onboarding in the database: the checklist steps of each partner type, each partner's marks
//! (one writer, [`mark`]), milestones read from where they are recorded, and nudges ([`nudge`]).

use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use super::template::NewStep;
use super::{Mark, Milestone, Milestones, Step, StepKind, StepState};
use crate::audit::{self, AuditAction};
use crate::auth::reach::Reach;
use crate::db::{Conditions, Db};
use crate::mail::{self, Message};
use crate::{bind_all, execute_in, on_db, on_tx};

/// When each milestone first happened, per organisation: the first acceptance of the agreement,
/// the company profile first complete, the first invitation one of its own people sent, its first certification, its first submitted
/// deal, its first won deal, its first campaign launched.
macro_rules! milestone_columns {
    () => {
        "o.id AS organisation_id, o.created_at AS joined, \
         (SELECT MIN(a.accepted_at) FROM agreement_acceptances a WHERE a.organisation_id = o.id) AS agreement_accepted, \
         o.profile_completed_at AS profile_completed, \
         (SELECT MIN(i.created_at) FROM invitations i JOIN users u ON u.id = i.invited_by \
          WHERE i.organisation_id = o.id AND u.organisation_id = o.id) AS colleague_invited, \
         (SELECT MIN(c.earned_at) FROM certifications c WHERE c.organisation_id = o.id) AS certification_earned, \
         (SELECT MIN(d.submitted_at) FROM deals d WHERE d.organisation_id = o.id AND d.submitted_at IS NOT NULL) \
          AS first_deal_registered, \
         (SELECT MIN(d.closed_on) FROM deals d WHERE d.organisation_id = o.id AND d.status = 'won') AS first_deal_won, \
         (SELECT MIN(l.launched_at) FROM campaign_launches l WHERE l.organisation_id = o.id) AS first_campaign_launched"
    };
}

crate::statements! {
    const STEPS = "SELECT id, partner_type_id, title, description, href, milestone, needs_confirmation \
        FROM onboarding_steps WHERE retired_at IS NULL ORDER BY partner_type_id, position, id";
    const MILESTONES = concat!("SELECT ", milestone_columns!(), " FROM organisations o WHERE o.id = $1");
    const MARKS = "SELECT step_id, state, marked_at FROM onboarding_marks WHERE organisation_id = $1";
    const ONBOARDING = "SELECT o.name, o.partner_type_id, o.onboarded_at IS NULL AS onboarding FROM organisations o WHERE o.id = $1";
    const SAVE_MARK = "INSERT INTO onboarding_marks (organisation_id, step_id, state, marked_by, marked_at) \
        VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organisation_id, step_id) \
        DO UPDATE SET state = excluded.state, marked_by = excluded.marked_by, marked_at = excluded.marked_at \
        WHERE onboarding_marks.state = $6";
    const TYPES = "SELECT id, name FROM partner_types ORDER BY name";
    const NEXT_POSITION = "SELECT COALESCE(MAX(position), 0) + 1 FROM onboarding_steps WHERE partner_type_id = $1";
    const INSERT_STEP = "INSERT INTO onboarding_steps \
        (partner_type_id, position, title, description, href, milestone, needs_confirmation, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    const STEP_PLACE = "SELECT partner_type_id, position, title FROM onboarding_steps WHERE id = $1 AND retired_at IS NULL";
    const SET_POSITION = "UPDATE onboarding_steps SET position = $1 WHERE id = $2";
    const RETIRE_STEP = "UPDATE onboarding_steps SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL";
    const INSERT_NUDGE = "INSERT INTO onboarding_nudges (organisation_id, nudged_by, nudged_at) VALUES ($1, $2, $3)";
}

#[derive(sqlx::FromRow)]
struct StepRow {
    id: i64,
    partner_type_id: Option<i64>,
    title: String,
    description: String,
    href: Option<String>,
    milestone: Option<String>,
    needs_confirmation: bool,
}

impl StepRow {
    fn step(self) -> (Option<i64>, Step) {
        let kind = match self.milestone.as_deref().and_then(Milestone::parse) {
            Some(milestone) => StepKind::Automatic { milestone },
            None => StepKind::Manual { confirm: self.needs_confirmation },
        };
        let href = self.href.or_else(|| match kind {
            StepKind::Automatic { milestone } => Some(milestone.href().to_owned()),
            StepKind::Manual { .. } => None,
        });
        (self.partner_type_id, Step { id: self.id, title: self.title, description: self.description, href, kind })
    }
}

/// The checklists of every partner type: (partner type, its steps in order).
pub async fn templates(db: &Db) -> Result<Vec<(i64, Vec<Step>)>, sqlx::Error> {
    let rows: Vec<StepRow> = on_db!(db, pool => sqlx::query_as(STEPS).fetch_all(pool).await)?;
    let mut templates: Vec<(i64, Vec<Step>)> = Vec::new();
    for (partner_type, step) in rows.into_iter().map(StepRow::step) {
        let partner_type = partner_type.unwrap_or_default();
        match templates.last_mut() {
            Some((current, steps)) if *current == partner_type => steps.push(step),
            _ => templates.push((partner_type, vec![step])),
        }
    }
    Ok(templates)
}

/// The steps of `partner_type`'s checklist (none for a partner without a type).
pub fn steps_of(templates: &[(i64, Vec<Step>)], partner_type: Option<i64>) -> Vec<Step> {
    templates.iter().find(|(id, _)| Some(*id) == partner_type).map(|(_, steps)| steps.clone()).unwrap_or_default()
}

/// An organisation as onboarding sees it: its name, partner type, and whether it is onboarding.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Onboardee {
    pub name: String,
    pub partner_type_id: Option<i64>,
    pub onboarding: bool,
}

pub async fn onboardee(db: &Db, organisation_id: i64) -> Result<Option<Onboardee>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(ONBOARDING).bind(organisation_id).fetch_optional(pool).await)
}

pub async fn milestones(db: &Db, organisation_id: i64) -> Result<Milestones, sqlx::Error> {
    let found: Option<Milestones> =
        on_db!(db, pool => sqlx::query_as(MILESTONES).bind(organisation_id).fetch_optional(pool).await)?;
    Ok(found.unwrap_or(Milestones { organisation_id, ..Milestones::default() }))
}

#[derive(sqlx::FromRow)]
struct MarkRow {
    step_id: i64,
    state: String,
    marked_at: DateTime<Utc>,
}

fn marks_of(rows: Vec<MarkRow>) -> Vec<Mark> {
    rows.into_iter()
        .filter_map(|row| {
            StepState::parse(&row.state).map(|state| Mark { step_id: row.step_id, state, at: row.marked_at })
        })
        .collect()
}

pub async fn marks(db: &Db, organisation_id: i64) -> Result<Vec<Mark>, sqlx::Error> {
    let rows: Vec<MarkRow> = on_db!(db, pool => sqlx::query_as(MARKS).bind(organisation_id).fetch_all(pool).await)?;
    Ok(marks_of(rows))
}

/// A partner still onboarding, within someone's reach, with what the board needs of it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Onboarding {
    pub id: i64,
    pub name: String,
    pub partner_type_id: Option<i64>,
    pub last_nudged: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    pub milestones: Milestones,
}

fn board_sql(reach: Reach) -> Conditions {
    let mut sql = Conditions::new(concat!(
        "SELECT ",
        milestone_columns!(),
        ", o.id, o.name, o.partner_type_id, ",
        "(SELECT MAX(n.nudged_at) FROM onboarding_nudges n WHERE n.organisation_id = o.id) AS last_nudged ",
        "FROM organisations o WHERE o.onboarded_at IS NULL"
    ));
    reach.narrow(&mut sql, "o");
    sql.sql.push_str(" ORDER BY o.name");
    sql
}

/// Every partner within `reach` still onboarding, by name.
pub async fn onboarding_within(db: &Db, reach: Reach) -> Result<Vec<(Onboarding, Vec<Mark>)>, sqlx::Error> {
    let sql = board_sql(reach);
    let partners: Vec<Onboarding> =
        on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql.sql)), &sql.params).fetch_all(pool).await)?;
    let mut board = Vec::with_capacity(partners.len());
    for partner in partners {
        let marks = marks(db, partner.id).await?;
        board.push((partner, marks));
    }
    Ok(board)
}

/// SQL this module assembles at run time, for the test that prepares every statement.
pub fn assembled_statements() -> Vec<String> {
    vec![board_sql(Reach::Assigned { channel_manager_id: 1 }).sql]
}

/// Records that `by` took an organisation's step from `from` to `to`, with its audit entry; `false`
/// (nothing written) when the step is no longer in `from`: someone else moved it meanwhile.
pub async fn mark(
    db: &Db,
    organisation: (i64, &str),
    step: (i64, &str),
    (from, to): (StepState, StepState),
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let saved = execute_in!(
        tx,
        sqlx::query(SAVE_MARK)
            .bind(organisation.0)
            .bind(step.0)
            .bind(to.as_str())
            .bind(by)
            .bind(now)
            .bind(from.as_str())
    )?;
    if saved == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let state = to;
    let subject = format!("{}: {} ({})", organisation.1, step.1, state.label().to_lowercase());
    audit::record(&mut tx, by, AuditAction::MarkedOnboardingStep, &subject, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Every partner type (id, name), by name.
pub async fn partner_types(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(TYPES).fetch_all(pool).await)
}

/// Adds `step` at the end of its partner type's checklist, by `by`.
pub async fn add_step(db: &Db, step: &NewStep, by: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let (milestone, confirm) = match step.kind {
        StepKind::Automatic { milestone } => (Some(milestone.as_str()), false),
        StepKind::Manual { confirm } => (None, confirm),
    };
    let mut tx = db.begin().await?;
    tx.exclude_others("onboarding.template").await?;
    let position: i64 =
        on_tx!(tx, conn => sqlx::query_scalar(NEXT_POSITION).bind(step.partner_type_id).fetch_one(conn).await)?;
    execute_in!(
        tx,
        sqlx::query(INSERT_STEP)
            .bind(step.partner_type_id)
            .bind(position)
            .bind(&step.title)
            .bind(&step.description)
            .bind(step.href.as_deref())
            .bind(milestone)
            .bind(confirm)
            .bind(now)
    )?;
    audit::record(&mut tx, by, AuditAction::ChangedOnboardingTemplate, &format!("added {}", step.title), now).await?;
    tx.commit().await
}

/// A step in force: its partner type, place and title.
pub async fn step_place(db: &Db, step_id: i64) -> Result<Option<(i64, i64, String)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(STEP_PLACE).bind(step_id).fetch_optional(pool).await)
}

/// Trades the places of two steps of one checklist, by `by`.
pub async fn swap_steps(
    db: &Db,
    (first, second): (i64, i64),
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("onboarding.template").await?;
    let mut places = Vec::new();
    for id in [first, second] {
        let place: Option<(i64, i64, String)> =
            on_tx!(tx, conn => sqlx::query_as(STEP_PLACE).bind(id).fetch_optional(conn).await)?;
        places.extend(place);
    }
    let [(first_type, first_position, title), (second_type, second_position, _)] = places.as_slice() else {
        tx.rollback().await?;
        return Ok(false);
    };
    if first_type != second_type {
        tx.rollback().await?;
        return Ok(false);
    }
    execute_in!(tx, sqlx::query(SET_POSITION).bind(*second_position).bind(first))?;
    execute_in!(tx, sqlx::query(SET_POSITION).bind(*first_position).bind(second))?;
    audit::record(&mut tx, by, AuditAction::ChangedOnboardingTemplate, &format!("moved {title}"), now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Takes a step out of its checklist (kept, with what partners did of it), by `by`.
pub async fn retire_step(
    db: &Db,
    (step_id, title): (i64, &str),
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    if execute_in!(tx, sqlx::query(RETIRE_STEP).bind(now).bind(step_id))? == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    audit::record(&mut tx, by, AuditAction::ChangedOnboardingTemplate, &format!("removed {title}"), now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Sends an organisation's partner admins `message` (outbox) and records the nudge; how many
/// were told (none: nothing is written).
pub async fn nudge(
    db: &Db,
    organisation: (i64, &str),
    message: &Message,
    by: i64,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let mut tx = db.begin().await?;
    let told = mail::queue_to_partner_admins(&mut tx, organisation.0, message, now).await?;
    if told == 0 {
        tx.rollback().await?;
        return Ok(0);
    }
    execute_in!(tx, sqlx::query(INSERT_NUDGE).bind(organisation.0).bind(by).bind(now))?;
    audit::record(&mut tx, by, AuditAction::NudgedPartner, organisation.1, now).await?;
    tx.commit().await?;
    Ok(told)
}
