//! The queries performance measurement runs: program settings, the deal and
//! partner facts the KPI cache holds, and rep names.

use chrono::{DateTime, NaiveDate, Utc};

use std::collections::HashMap;

use super::compute::{Day, PartnerFact, PersonFact, day_of_time};
use super::{ActivationEvent, ProgramSettings};
use crate::audit::{self, AuditAction, Change};
use sqlx::AssertSqlSafe;

use super::period::Period;
use crate::auth::reach::Reach;
use crate::db::{Conditions, Db};
use crate::deals::Attribution;
use crate::deals::status::DealStatus;
use crate::incentives::ledger::EntryKind;
use crate::money::Conversion;
use crate::{bind_all, execute_in, on_db};

macro_rules! fact_columns {
    () => {
        "SELECT id, change_seq, organisation_id, created_by, status, attribution, currency, amount_minor, \
         final_amount_minor, submitted_at, decided_at, closed_on FROM deals"
    };
}

/// The day a partner's clock starts, over `organisations o`: its first acceptance of the partner
/// agreement, or when it joined for a partner in the program before onboarding (or one that has
/// accepted nothing yet). The KPIs and the partner list's "joined" filter read it alike.
macro_rules! partner_start {
    () => {
        "(CASE WHEN o.onboarded_at IS NULL THEN COALESCE((SELECT MIN(a.accepted_at) FROM agreement_acceptances a \
         WHERE a.organisation_id = o.id), o.created_at) ELSE o.created_at END)"
    };
}
pub(crate) use partner_start;

crate::statements! {
    const SETTINGS = "SELECT reporting_currency, leaderboard_names, activation_days, activation_event, gross_margin_bp \
        FROM program_settings WHERE id = 1";
    const SAVE_SETTINGS = "UPDATE program_settings SET leaderboard_names = $1, activation_days = $2, \
        activation_event = $3, gross_margin_bp = $4 WHERE id = 1";
    const DEALS_AFTER = concat!(fact_columns!(), " WHERE id > $1 ORDER BY id LIMIT $2");
    const DEALS_CHANGED_AFTER = concat!(fact_columns!(), " WHERE change_seq > $1 ORDER BY change_seq");
    const LAST_CHANGE = "SELECT COALESCE(MAX(change_seq), 0) FROM deals";
    const PARTNERS_VERSION = "SELECT value FROM change_counters WHERE name = 'partners'";
    const PARTNER_FACTS = concat!("SELECT o.id, o.name, COALESCE(t.name, '') AS tier, COALESCE(t.rank, 0) AS tier_rank, \
        COALESCE(o.region, '') AS region, o.channel_manager_id, ", partner_start!(), " AS started \
        FROM organisations o LEFT JOIN tiers t ON t.id = o.tier_id WHERE o.kind = 'partner' ORDER BY o.id");
    const PEOPLE_FACTS = "SELECT u.id, u.organisation_id, u.created_at, u.deactivated_at FROM users u \
        JOIN organisations o ON o.id = u.organisation_id WHERE o.kind = 'partner' ORDER BY u.id";
    const CERTIFICATE_FACTS = "SELECT user_id, term_started_at, expires_at FROM certifications \
        ORDER BY user_id, term_started_at";
    const TIERS = "SELECT name FROM tiers WHERE rank > 0 ORDER BY rank";
    const REGIONS = "SELECT DISTINCT region FROM organisations \
        WHERE kind = 'partner' AND region IS NOT NULL AND region <> '' ORDER BY region";
    const PEOPLE_NAMES = "SELECT id, name FROM users WHERE organisation_id = $1 ORDER BY id";
    const SIGN_INS = "SELECT u.organisation_id, a.at FROM audit_log a JOIN users u ON u.id = a.actor_id \
        WHERE a.action = $1 AND a.at >= $2";
    const SIGN_INS_OF = "SELECT a.at FROM audit_log a JOIN users u ON u.id = a.actor_id \
        WHERE a.action = $1 AND a.at >= $2 AND u.organisation_id = $3";
    const AUDIT_POSITION = "SELECT MAX(id) FROM audit_log";
}

pub async fn program_settings(db: &Db) -> Result<ProgramSettings, sqlx::Error> {
    let row: Option<(String, String, i64, String, i64)> =
        on_db!(db, pool => sqlx::query_as(SETTINGS).fetch_optional(pool).await)?;
    let (reporting_currency, names, activation_days, event, gross_margin_bp) =
        row.unwrap_or_else(|| ("USD".into(), "anonymous".into(), 90, "won".into(), 4_000));
    Ok(ProgramSettings {
        reporting_currency,
        leaderboard_names: names == "named",
        activation_days,
        activation_event: ActivationEvent::parse(&event).unwrap_or(ActivationEvent::Won),
        gross_margin_bp,
    })
}

/// Saves the settings and the audit entry saying who changed them, together.
pub async fn save_program_settings(db: &Db, actor_id: i64, settings: &ProgramSettings) -> Result<(), sqlx::Error> {
    let names = if settings.leaderboard_names { "named" } else { "anonymous" };
    let subject = format!(
        "leaderboard names {names}, activation by {} within {} days, gross margin {}",
        settings.activation_event.as_str(),
        settings.activation_days,
        crate::tiers::form::percent_text(settings.gross_margin_bp)
    );
    let before = program_settings(db).await?;
    let named = |settings: &ProgramSettings| if settings.leaderboard_names { "named" } else { "anonymous" };
    let percent = crate::tiers::form::percent_text;
    let changes = Change::only_changed(vec![
        Change::of("leaderboard names", named(&before), names),
        Change::of("activation event", before.activation_event.as_str(), settings.activation_event.as_str()),
        Change::of("activation days", before.activation_days, settings.activation_days),
        Change::of("gross margin", percent(before.gross_margin_bp), percent(settings.gross_margin_bp)),
    ]);
    let mut tx = db.begin().await?;
    execute_in!(
        tx,
        sqlx::query(SAVE_SETTINGS)
            .bind(names)
            .bind(settings.activation_days)
            .bind(settings.activation_event.as_str())
            .bind(settings.gross_margin_bp)
    )?;
    audit::record_changes(&mut tx, actor_id, AuditAction::ChangedProgramSettings, &subject, &changes, Utc::now())
        .await?;
    tx.commit().await
}

/// A deal as the KPI cache reads it.
#[derive(Debug, sqlx::FromRow)]
pub struct FactRow {
    pub id: i64,
    /// Where this row's last write stands in the order writes to deals committed.
    pub change_seq: i64,
    pub organisation_id: i64,
    pub created_by: i64,
    pub status: DealStatus,
    pub attribution: Attribution,
    pub currency: String,
    pub amount_minor: i64,
    pub final_amount_minor: Option<i64>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub closed_on: Option<NaiveDate>,
}

/// Deals with ids above `after`, in id order, at most `limit`: how the cache loads everything.
pub async fn deals_after(db: &Db, after: i64, limit: i64) -> Result<Vec<FactRow>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(DEALS_AFTER).bind(after).bind(limit).fetch_all(pool).await)
}

/// Deals written after the write numbered `after`, in commit order: how the cache catches up.
pub async fn deals_changed_after(db: &Db, after: i64) -> Result<Vec<FactRow>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(DEALS_CHANGED_AFTER).bind(after).fetch_all(pool).await)
}

/// The number of the last committed write to deals (0 before any).
pub async fn last_change(db: &Db) -> Result<i64, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(LAST_CHANGE).fetch_one(pool).await)
}

/// A number that goes up whenever an organisation or a tier changes (migration 0005).
pub async fn partners_version(db: &Db) -> Result<i64, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(PARTNERS_VERSION).fetch_one(pool).await)
}

/// Every partner organisation, with its tier, region, channel manager, the day its clock
/// started, and its people with their certifications.
pub async fn partner_facts(db: &Db) -> Result<Vec<PartnerFact>, sqlx::Error> {
    #[allow(clippy::type_complexity)]
    let (rows, people, certificates): (
        Vec<(i64, String, String, i64, String, Option<i64>, DateTime<Utc>)>,
        Vec<(i64, i64, DateTime<Utc>, Option<DateTime<Utc>>)>,
        Vec<(i64, DateTime<Utc>, DateTime<Utc>)>,
    ) = on_db!(db, pool => {
        let rows = sqlx::query_as(PARTNER_FACTS).fetch_all(pool).await?;
        let people = sqlx::query_as(PEOPLE_FACTS).fetch_all(pool).await?;
        let certificates = sqlx::query_as(CERTIFICATE_FACTS).fetch_all(pool).await?;
        (rows, people, certificates)
    });
    let mut held: HashMap<i64, Vec<(Day, Day)>> = HashMap::new();
    for (user_id, earned_at, expires_at) in certificates {
        held.entry(user_id).or_default().push((day_of_time(earned_at), day_of_time(expires_at)));
    }
    let mut people_of: HashMap<i64, Vec<PersonFact>> = HashMap::new();
    for (user_id, organisation_id, created_at, deactivated_at) in people {
        people_of.entry(organisation_id).or_default().push(PersonFact {
            joined: day_of_time(created_at),
            left: deactivated_at.map(day_of_time),
            certified: held.remove(&user_id).unwrap_or_default(),
        });
    }
    Ok(rows
        .into_iter()
        .map(|(id, name, tier, tier_rank, region, channel_manager_id, started)| PartnerFact {
            id,
            name,
            tier,
            tier_rank,
            region,
            channel_manager_id,
            joined: day_of_time(started),
            people: people_of.remove(&id).unwrap_or_default(),
        })
        .collect())
}

/// The tiers in order and the regions partners are in, for the group pickers.
pub async fn tiers_and_regions(db: &Db) -> Result<(Vec<String>, Vec<String>), sqlx::Error> {
    on_db!(db, pool => {
        let tiers = sqlx::query_scalar(TIERS).fetch_all(pool).await?;
        let regions = sqlx::query_scalar(REGIONS).fetch_all(pool).await?;
        Ok((tiers, regions))
    })
}

/// The names of a partner's people, by user id.
pub async fn people_names(db: &Db, organisation_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(PEOPLE_NAMES).bind(organisation_id).fetch_all(pool).await)
}

/// For each organisation with a sign-in since `since` (from the audit log's sign-ins), the days
/// (UTC) on which someone of theirs signed in.
pub async fn sign_in_dates(
    db: &Db,
    since: DateTime<Utc>,
) -> Result<std::collections::HashMap<i64, std::collections::BTreeSet<NaiveDate>>, sqlx::Error> {
    let rows: Vec<(i64, DateTime<Utc>)> = on_db!(db, pool => sqlx::query_as(SIGN_INS)
        .bind(AuditAction::SignedIn.as_str()).bind(since).fetch_all(pool).await)?;
    let mut days: std::collections::HashMap<i64, std::collections::BTreeSet<NaiveDate>> = Default::default();
    for (organisation, at) in rows {
        days.entry(organisation).or_default().insert(at.date_naive());
    }
    Ok(days)
}

/// The days (UTC) since `since` on which someone of one organisation signed in.
pub async fn sign_in_dates_of(
    db: &Db,
    organisation_id: i64,
    since: DateTime<Utc>,
) -> Result<std::collections::BTreeSet<NaiveDate>, sqlx::Error> {
    let times: Vec<DateTime<Utc>> = on_db!(db, pool => sqlx::query_scalar(SIGN_INS_OF)
        .bind(AuditAction::SignedIn.as_str()).bind(since).bind(organisation_id).fetch_all(pool).await)?;
    Ok(times.into_iter().map(|at| at.date_naive()).collect())
}

/// The audit log's newest entry (0 when empty): health counted as of it has seen every sign-in.
pub async fn audit_position(db: &Db) -> Result<i64, sqlx::Error> {
    let newest: Option<i64> = on_db!(db, pool => sqlx::query_scalar(AUDIT_POSITION).fetch_one(pool).await)?;
    Ok(newest.unwrap_or(0))
}

/// What Program ROI and MDF ROI need of a period within a reach, in the reporting currency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IncentiveFigures {
    /// Every ledger entry booked in the period, net of reversals: the program's cost.
    pub cost_minor: i64,
    /// Of that, the MDF and co-op claims approved.
    pub funds_minor: i64,
    /// Won in the period from leads that came in on or after the start of a funded (MDF or co-op)
    /// activity, with an approved claim, promoting the campaign the lead came from.
    pub funded_revenue_minor: i64,
}

impl IncentiveFigures {
    /// Gives the period's aggregates what Program ROI (weighing revenue by `gross_margin_bp`)
    /// and MDF ROI compute from.
    pub fn apply(self, aggregates: &mut super::formulas::PeriodAggregates, gross_margin_bp: i64) {
        aggregates.program_cost_minor = Some(self.cost_minor);
        aggregates.gross_margin_basis_points = Some(gross_margin_bp);
        aggregates.mdf = Some((self.funds_minor, self.funded_revenue_minor));
    }
}

fn costs_sql(reach: Reach, period: Period) -> Conditions {
    let mut sql = Conditions::new(
        "SELECT e.kind, e.currency, CAST(SUM(e.amount_minor) AS BIGINT) FROM incentive_entries e \
         JOIN organisations o ON o.id = e.organisation_id WHERE 1 = 1",
    );
    sql.push_times("e.booked_at", (Some(period.start), Some(period.end)));
    reach.narrow(&mut sql, "o");
    sql.sql.push_str(" GROUP BY e.kind, e.currency");
    sql
}

fn funded_revenue_sql(reach: Reach, period: Period) -> Conditions {
    let mut sql = Conditions::new(
        "SELECT d.currency, CAST(SUM(COALESCE(d.final_amount_minor, d.amount_minor)) AS BIGINT) FROM deals d \
         JOIN organisations o ON o.id = d.organisation_id JOIN campaign_leads l ON l.id = d.lead_id \
         JOIN campaign_launches cl ON cl.id = l.launch_id WHERE d.status = 'won' AND EXISTS (SELECT 1 FROM mdf_requests r \
         JOIN mdf_claims c ON c.request_id = r.id AND c.state = 'approved' WHERE r.organisation_id = d.organisation_id \
         AND r.campaign_id = cl.campaign_id AND l.created_at >= r.starts_on)",
    );
    sql.push_days("d.closed_on", (Some(period.start), Some(period.end)));
    reach.narrow(&mut sql, "o");
    sql.sql.push_str(" GROUP BY d.currency");
    sql
}

/// The SQL assembled at run time, for the test that prepares every statement.
pub fn assembled_statements() -> Vec<String> {
    let reach = Reach::Assigned { channel_manager_id: 1 };
    let period = Period::containing(super::period::PeriodKind::Month, NaiveDate::default());
    vec![costs_sql(reach, period).sql, funded_revenue_sql(reach, period).sql]
}

/// Program cost, funds paid and funded revenue of `period` within `reach`, converted by `conversion`.
pub async fn incentive_figures(
    db: &Db,
    reach: Reach,
    conversion: &Conversion,
    period: Period,
) -> Result<IncentiveFigures, sqlx::Error> {
    let (costs, funded): (Vec<(EntryKind, String, i64)>, Vec<(String, i64)>) = {
        let (costs_sql, funded_sql) = (costs_sql(reach, period), funded_revenue_sql(reach, period));
        on_db!(db, pool => {
            let costs = bind_all!(sqlx::query_as(AssertSqlSafe(costs_sql.sql)), &costs_sql.params).fetch_all(pool).await?;
            let funded = bind_all!(sqlx::query_as(AssertSqlSafe(funded_sql.sql)), &funded_sql.params).fetch_all(pool).await?;
            Ok::<_, sqlx::Error>((costs, funded))
        })?
    };
    let mut figures = IncentiveFigures::default();
    for (kind, currency, amount) in costs {
        let converted = conversion.convert(amount, &currency);
        figures.cost_minor += converted;
        if matches!(kind, EntryKind::Mdf | EntryKind::Coop) {
            figures.funds_minor += converted;
        }
    }
    figures.funded_revenue_minor = funded.iter().map(|(currency, amount)| conversion.convert(*amount, currency)).sum();
    Ok(figures)
}
