//! Tiers in the database: the program's versions (one writer, [`publish`]), the figures the
//! engine reads, and every tier change, grace period and proposal (one writer, [`evaluate`];
//! a channel manager's decision, [`decide`]).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};

use super::engine::{self, Direction, Evaluation, Grace, Metrics, Standing};
use super::program::Program;
use super::{HistoryEntry, HistoryKind, VersionSummary};
use crate::audit::{self, AuditAction};
use crate::db::{Db, Tx};
use crate::money::store::conversion;
use crate::{execute_in, on_db, on_tx};

crate::stored_as_text!(HistoryKind, Direction);

macro_rules! won {
    () => {
        "SELECT organisation_id, currency, CAST(SUM(COALESCE(final_amount_minor, amount_minor)) AS BIGINT), COUNT(*) \
         FROM deals WHERE status = 'won' AND closed_on > $1 AND closed_on <= $2"
    };
}
macro_rules! registered {
    () => {
        "SELECT organisation_id, COUNT(*) FROM deals WHERE submitted_at > $1 AND submitted_at <= $2"
    };
}
macro_rules! certified {
    () => {
        "SELECT c.organisation_id, COUNT(DISTINCT c.user_id), COUNT(DISTINCT CASE WHEN c.expires_at > $1 \
         THEN c.user_id END) FROM certifications c JOIN users u ON u.id = c.user_id \
         WHERE u.deactivated_at IS NULL AND c.term_started_at <= $2 AND c.expires_at > $2"
    };
}
macro_rules! standings {
    () => {
        "SELECT id, tier_id, tier_grace_since FROM organisations WHERE kind = 'partner'"
    };
}

crate::statements! {
    const LATEST = "SELECT v.id, v.body, v.published_at, u.name FROM program_versions v \
        LEFT JOIN users u ON u.id = v.published_by ORDER BY v.id DESC LIMIT 1";
    const VERSIONS = "SELECT v.id, v.body, v.published_at, u.name FROM program_versions v \
        LEFT JOIN users u ON u.id = v.published_by ORDER BY v.id DESC LIMIT 50";
    const PLACED_TIERS = "SELECT id, name FROM tiers WHERE rank > 0 ORDER BY rank";
    const DRAFT = "SELECT d.body, d.saved_at, u.name FROM program_drafts d LEFT JOIN users u ON u.id = d.saved_by \
        WHERE d.id = 1";
    const SAVE_DRAFT = "INSERT INTO program_drafts (id, body, saved_by, saved_at) VALUES (1, $1, $2, $3) \
        ON CONFLICT (id) DO UPDATE SET body = excluded.body, saved_by = excluded.saved_by, saved_at = excluded.saved_at";
    const DISCARD_DRAFT = "DELETE FROM program_drafts";
    const PARTNER_NAMES = "SELECT id, name, tier_id FROM organisations WHERE kind = 'partner' ORDER BY id";
    const TIER_IDS = "SELECT id FROM tiers";
    const PARTNERS_IN = "SELECT tier_id, COUNT(*) FROM organisations WHERE kind = 'partner' AND tier_id IS NOT NULL \
        GROUP BY tier_id";
    const PUT_ASIDE = "UPDATE tiers SET rank = -id, name = '~' || CAST(id AS TEXT) || ' ' || name WHERE rank > 0";
    const RENAME = "UPDATE tiers SET name = $1, rank = $2 WHERE id = $3";
    const INSERT_TIER = "INSERT INTO tiers (name, rank) VALUES ($1, $2) RETURNING id";
    const INSERT_VERSION = "INSERT INTO program_versions (body, published_by, published_at) VALUES ($1, $2, $3) RETURNING id";
    const WON_ALL = concat!(won!(), " GROUP BY organisation_id, currency");
    const WON_ONE = concat!(won!(), " AND organisation_id = $3 GROUP BY organisation_id, currency");
    const REGISTERED_ALL = concat!(registered!(), " GROUP BY organisation_id");
    const REGISTERED_ONE = concat!(registered!(), " AND organisation_id = $3 GROUP BY organisation_id");
    const CERTIFIED_ALL = concat!(certified!(), " GROUP BY c.organisation_id");
    const CERTIFIED_ONE = concat!(certified!(), " AND c.organisation_id = $3 GROUP BY c.organisation_id");
    const STANDINGS_ALL = concat!(standings!(), " ORDER BY id");
    const STANDINGS_ONE = concat!(standings!(), " AND id = $1");
    const DECLINES = "SELECT organisation_id, to_tier_id, at FROM tier_history WHERE kind = 'declined' AND at > $1 \
        ORDER BY at";
    const PENDING_OF_ALL = "SELECT organisation_id, id, to_tier_id FROM tier_proposals WHERE state = 'pending'";
    const SET_TIER = "UPDATE organisations SET tier_id = $1, tier_grace_since = NULL WHERE id = $2";
    const SET_GRACE = "UPDATE organisations SET tier_grace_since = $1 WHERE id = $2";
    const CLOSE_PENDING = "UPDATE tier_proposals SET state = $1, decided_by = $2, decided_at = $3, reason = $4 \
        WHERE organisation_id = $5 AND state = 'pending'";
    const INSERT_PROPOSAL = "INSERT INTO tier_proposals (organisation_id, from_tier_id, to_tier_id, direction, explanation, \
        program_version, proposed_at, state) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')";
    const INSERT_HISTORY = "INSERT INTO tier_history (organisation_id, kind, from_tier_id, to_tier_id, from_tier, to_tier, \
        why, decided_by, reason, program_version, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    const MARK_EVALUATED = "UPDATE program_settings SET tiers_evaluated_at = $1 WHERE id = 1";
    const EVALUATED_AT = "SELECT tiers_evaluated_at FROM program_settings WHERE id = 1";
    const HISTORY = "SELECT h.at, h.kind, h.from_tier, h.to_tier, h.why, u.name AS decided_by, h.reason FROM tier_history h \
        LEFT JOIN users u ON u.id = h.decided_by WHERE h.organisation_id = $1 ORDER BY h.at DESC, h.id DESC LIMIT 50";
    const PENDING_OF = "SELECT to_tier_id, explanation FROM tier_proposals WHERE organisation_id = $1 AND state = 'pending'";
    const PENDING = "SELECT p.id, p.organisation_id, o.name AS organisation_name, p.from_tier_id, p.to_tier_id, p.direction, p.explanation, \
        p.proposed_at, o.channel_manager_id FROM tier_proposals p JOIN organisations o ON o.id = p.organisation_id \
        WHERE p.state = 'pending' ORDER BY p.proposed_at, p.id";
    const PROPOSAL = "SELECT p.organisation_id, p.from_tier_id, p.to_tier_id, p.direction, p.explanation, \
        p.program_version FROM tier_proposals p WHERE p.id = $1 AND p.state = 'pending'";
}

/// The program in force and its version (0: the starter configuration, never published).
pub async fn current(db: &Db) -> Result<(i64, Program), sqlx::Error> {
    let latest: Option<(i64, String, DateTime<Utc>, Option<String>)> =
        on_db!(db, pool => sqlx::query_as(LATEST).fetch_optional(pool).await)?;
    if let Some((version, body, _, _)) = latest {
        let program = serde_json::from_str(&body).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
        return Ok((version, program));
    }
    let tiers: Vec<(i64, String)> = on_db!(db, pool => sqlx::query_as(PLACED_TIERS).fetch_all(pool).await)?;
    Ok((0, Program::starter(&tiers)))
}

/// Every published version, newest first.
pub async fn versions(db: &Db) -> Result<Vec<VersionSummary>, sqlx::Error> {
    let rows: Vec<(i64, String, DateTime<Utc>, Option<String>)> =
        on_db!(db, pool => sqlx::query_as(VERSIONS).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(version, body, published_at, published_by)| {
            let tiers = serde_json::from_str::<Program>(&body)
                .map(|program| program.tiers.iter().map(|tier| tier.name.as_str()).collect::<Vec<_>>().join(", "))
                .unwrap_or_default();
            VersionSummary { version, published_by, published_at, tiers }
        })
        .collect())
}

/// How many partners each tier holds.
pub async fn partners_in(db: &Db) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(PARTNERS_IN).fetch_all(pool).await)
}

/// Whether every tier `program` names by id exists.
pub async fn tiers_exist(db: &Db, program: &Program) -> Result<bool, sqlx::Error> {
    let ids: Vec<i64> = on_db!(db, pool => sqlx::query_scalar(TIER_IDS).fetch_all(pool).await)?;
    Ok(program.tiers.iter().all(|tier| tier.id == 0 || ids.contains(&tier.id)))
}

/// Publishes `program` as a new version, by `by` at `now`: the tiers take its names and order
/// (new ones are created; ones it leaves out are retired, and the engine re-places their
/// partners), with the audit entry. The version's number.
pub async fn publish(db: &Db, program: &Program, by: i64, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("tiers").await?;
    execute_in!(tx, sqlx::query(PUT_ASIDE))?;
    let mut published = program.clone();
    for (at, tier) in published.tiers.iter_mut().enumerate() {
        let rank = at as i64 + 1;
        if tier.id == 0 {
            tier.id =
                on_tx!(tx, conn => sqlx::query_scalar(INSERT_TIER).bind(&tier.name).bind(rank).fetch_one(conn).await)?;
        } else {
            execute_in!(tx, sqlx::query(RENAME).bind(&tier.name).bind(rank).bind(tier.id))?;
        }
    }
    let body = body_of(&published)?;
    let version: i64 =
        on_tx!(tx, conn => sqlx::query_scalar(INSERT_VERSION).bind(body).bind(by).bind(now).fetch_one(conn).await)?;
    let names: Vec<&str> = published.tiers.iter().map(|tier| tier.name.as_str()).collect();
    audit::record(&mut tx, by, AuditAction::PublishedProgram, &format!("version {version}: {}", names.join(", ")), now)
        .await?;
    execute_in!(tx, sqlx::query(DISCARD_DRAFT))?;
    tx.commit().await?;
    Ok(version)
}

fn body_of(program: &Program) -> Result<String, sqlx::Error> {
    serde_json::to_string(program).map_err(|error| sqlx::Error::Encode(Box::new(error)))
}

/// The draft, if an admin saved one: the program, when, and by whom.
pub async fn draft(db: &Db) -> Result<Option<(Program, DateTime<Utc>, Option<String>)>, sqlx::Error> {
    let row: Option<(String, DateTime<Utc>, Option<String>)> =
        on_db!(db, pool => sqlx::query_as(DRAFT).fetch_optional(pool).await)?;
    row.map(|(body, at, by)| {
        let program = serde_json::from_str(&body).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
        Ok((program, at, by))
    })
    .transpose()
}

/// Keeps `program` as the draft (replacing any), by `by` at `now`.
pub async fn save_draft(db: &Db, program: &Program, by: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let body = body_of(program)?;
    on_db!(db, pool => sqlx::query(SAVE_DRAFT).bind(body).bind(by).bind(now).execute(pool).await.map(|_| ()))
}

pub async fn discard_draft(db: &Db) -> Result<(), sqlx::Error> {
    on_db!(db, pool => sqlx::query(DISCARD_DRAFT).execute(pool).await.map(|_| ()))
}

/// Every partner's name, tier and figures at each of `points`, for the simulator.
pub async fn simulation_figures(
    db: &Db,
    points: &[DateTime<Utc>],
) -> Result<Vec<super::simulate::PartnerFigures>, sqlx::Error> {
    let partners: Vec<(i64, String, Option<i64>)> =
        on_db!(db, pool => sqlx::query_as(PARTNER_NAMES).fetch_all(pool).await)?;
    let mut at_points = Vec::with_capacity(points.len());
    for at in points {
        at_points.push(metrics(db, 0, *at).await?);
    }
    Ok(partners
        .into_iter()
        .map(|(id, name, current)| super::simulate::PartnerFigures {
            name,
            current,
            metrics: at_points.iter().map(|figures| figures.get(&id).map(|(m, _)| *m).unwrap_or_default()).collect(),
        })
        .collect())
}

/// The first day of the 12 months that end on `as_of`'s day.
fn window_start(as_of: DateTime<Utc>) -> NaiveDate {
    let day = as_of.date_naive();
    day.checked_sub_months(Months::new(12)).unwrap_or(day)
}

/// Every partner's figures (or `only` one's) at `as_of`, and how many of its certified people
/// will still be certified 30 days later.
pub async fn metrics(db: &Db, only: i64, as_of: DateTime<Utc>) -> Result<HashMap<i64, (Metrics, i64)>, sqlx::Error> {
    let (start, end) = (window_start(as_of), as_of.date_naive());
    let (since, later) = (as_of - Duration::days(365), as_of + Duration::days(30));
    // `$3`, the one partner, only where the statement names it.
    let (won_sql, registered_sql, certified_sql) = match only {
        0 => (WON_ALL, REGISTERED_ALL, CERTIFIED_ALL),
        _ => (WON_ONE, REGISTERED_ONE, CERTIFIED_ONE),
    };
    let (won, registered, certified) = on_db!(db, pool => {
        let mut won = sqlx::query_as(won_sql).bind(start).bind(end);
        let mut registered = sqlx::query_as(registered_sql).bind(since).bind(as_of);
        let mut certified = sqlx::query_as(certified_sql).bind(later).bind(as_of);
        if only != 0 {
            (won, registered, certified) = (won.bind(only), registered.bind(only), certified.bind(only));
        }
        let won: Vec<(i64, String, i64, i64)> = won.fetch_all(pool).await?;
        let registered: Vec<(i64, i64)> = registered.fetch_all(pool).await?;
        let certified: Vec<(i64, i64, i64)> = certified.fetch_all(pool).await?;
        (won, registered, certified)
    });
    let conversion = conversion(db).await?;
    let mut figures: HashMap<i64, (Metrics, i64)> = HashMap::new();
    for (organisation, currency, amount, count) in won {
        let entry = figures.entry(organisation).or_default();
        entry.0.revenue_minor += conversion.convert(amount, &currency);
        entry.0.won_deals += count;
    }
    for (organisation, count) in registered {
        figures.entry(organisation).or_default().0.registered_deals = count;
    }
    for (organisation, now, later) in certified {
        let entry = figures.entry(organisation).or_default();
        entry.0.certified_people = now;
        entry.1 = later;
    }
    Ok(figures)
}

type StandingRow = (i64, Option<i64>, Option<DateTime<Utc>>);
type DeclineRow = (i64, Option<i64>, DateTime<Utc>);

/// Each partner's evaluation from its standing and its figures.
fn evaluate_all(
    program: &Program,
    figures: &HashMap<i64, (Metrics, i64)>,
    standings: Vec<StandingRow>,
    declines: Vec<DeclineRow>,
    now: DateTime<Utc>,
) -> Vec<Evaluated> {
    let declined: HashMap<i64, (i64, DateTime<Utc>)> =
        declines.into_iter().filter_map(|(organisation, to, at)| Some((organisation, (to?, at)))).collect();
    standings
        .into_iter()
        .map(|(organisation_id, tier_id, grace_since)| {
            let (metrics, certified_in_30_days) = figures.get(&organisation_id).copied().unwrap_or_default();
            let standing = Standing { tier_id, grace_since, declined: declined.get(&organisation_id).copied() };
            let evaluation = engine::evaluate(program, &metrics, &standing, now);
            Evaluated { organisation_id, metrics, certified_in_30_days, evaluation }
        })
        .collect()
}

/// What one evaluation run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub evaluated: usize,
    /// Tier changes applied.
    pub changed: usize,
    /// Changes sent to channel managers.
    pub proposed: usize,
    pub graces_started: usize,
}

/// One partner's evaluation with the figures behind it.
pub struct Evaluated {
    pub organisation_id: i64,
    pub metrics: Metrics,
    pub certified_in_30_days: i64,
    pub evaluation: Evaluation,
}

/// One partner's evaluation at `now`, without writing anything (`None`: not a partner).
pub async fn evaluation_of(
    db: &Db,
    program: &Program,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Evaluated>, sqlx::Error> {
    let figures = metrics(db, organisation_id, now).await?;
    let quiet = now - Duration::days(engine::DECLINE_QUIET_DAYS);
    let (standings, declines) = on_db!(db, pool => {
        let standings: Vec<StandingRow> = sqlx::query_as(STANDINGS_ONE).bind(organisation_id).fetch_all(pool).await?;
        let declines: Vec<DeclineRow> = sqlx::query_as(DECLINES).bind(quiet).fetch_all(pool).await?;
        (standings, declines)
    });
    Ok(evaluate_all(program, &figures, standings, declines, now).pop())
}

/// Evaluates every partner (`only` 0) or one, and writes what the engine decides: a change
/// applied with its history line, a proposal for the channel manager (replacing a different
/// pending one), a grace period started or ended. The organisations it wrote anything about.
pub async fn evaluate(db: &Db, only: i64, now: DateTime<Utc>) -> Result<(Report, Vec<i64>), sqlx::Error> {
    let (version, program) = current(db).await?;
    let currency = conversion(db).await?.currency();
    let figures = metrics(db, only, now).await?;
    let mut tx = db.begin().await?;
    tx.exclude_others("tiers").await?;
    // What a partner stands on is read inside the transaction, so two runs never apply one change twice.
    let standings: Vec<StandingRow> = on_tx!(tx, conn => match only {
        0 => sqlx::query_as(STANDINGS_ALL).fetch_all(conn).await,
        one => sqlx::query_as(STANDINGS_ONE).bind(one).fetch_all(conn).await,
    })?;
    let quiet = now - Duration::days(engine::DECLINE_QUIET_DAYS);
    let declines: Vec<DeclineRow> = on_tx!(tx, conn => sqlx::query_as(DECLINES).bind(quiet).fetch_all(conn).await)?;
    let evaluated = evaluate_all(&program, &figures, standings, declines, now);
    let pending: Vec<(i64, i64, i64)> = on_tx!(tx, conn => sqlx::query_as(PENDING_OF_ALL).fetch_all(conn).await)?;
    let pending: HashMap<i64, i64> = pending.into_iter().map(|(organisation, _, to)| (organisation, to)).collect();
    let mut report = Report { evaluated: evaluated.len(), ..Report::default() };
    let mut touched = Vec::new();
    for Evaluated { organisation_id, evaluation, .. } in &evaluated {
        let organisation_id = *organisation_id;
        let why = || evaluation.explain(&program, currency);
        match (&evaluation.proposal, pending.get(&organisation_id)) {
            (Some(proposal), _) if !proposal.needs_approval => {
                close_pending(&mut tx, organisation_id, "withdrawn", None, "", now).await?;
                let entry =
                    Change { organisation_id, from: proposal.from, to: proposal.to, direction: proposal.direction };
                entry.apply(&mut tx, &program, &why(), None, "", version, now).await?;
                report.changed += 1;
                touched.push(organisation_id);
            }
            (Some(proposal), Some(&to)) if to == proposal.to => {}
            (Some(proposal), _) => {
                close_pending(&mut tx, organisation_id, "withdrawn", None, "", now).await?;
                execute_in!(
                    tx,
                    sqlx::query(INSERT_PROPOSAL)
                        .bind(organisation_id)
                        .bind(proposal.from)
                        .bind(proposal.to)
                        .bind(proposal.direction)
                        .bind(why())
                        .bind(version)
                        .bind(now)
                )?;
                report.proposed += 1;
                touched.push(organisation_id);
            }
            (None, Some(_)) => {
                close_pending(&mut tx, organisation_id, "withdrawn", None, "", now).await?;
                touched.push(organisation_id);
            }
            (None, None) => {}
        }
        match evaluation.grace {
            Grace::Starts { .. } => {
                execute_in!(tx, sqlx::query(SET_GRACE).bind(now).bind(organisation_id))?;
                report.graces_started += 1;
                touched.push(organisation_id);
            }
            Grace::Ends => {
                execute_in!(tx, sqlx::query(SET_GRACE).bind(None::<DateTime<Utc>>).bind(organisation_id))?;
                touched.push(organisation_id);
            }
            Grace::None | Grace::Runs { .. } | Grace::Over => {}
        }
    }
    if only == 0 {
        execute_in!(tx, sqlx::query(MARK_EVALUATED).bind(now))?;
    }
    tx.commit().await?;
    touched.dedup();
    Ok((report, touched))
}

async fn close_pending(
    tx: &mut Tx,
    organisation_id: i64,
    state: &str,
    by: Option<i64>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    execute_in!(tx, sqlx::query(CLOSE_PENDING).bind(state).bind(by).bind(now).bind(reason).bind(organisation_id))?;
    Ok(())
}

/// A change of tier, with everything written about it.
struct Change {
    organisation_id: i64,
    from: Option<i64>,
    to: i64,
    direction: Direction,
}

impl Change {
    #[allow(clippy::too_many_arguments)]
    async fn apply(
        &self,
        tx: &mut Tx,
        program: &Program,
        why: &str,
        by: Option<i64>,
        reason: &str,
        version: i64,
        now: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        execute_in!(tx, sqlx::query(SET_TIER).bind(self.to).bind(self.organisation_id))?;
        self.record(tx, program, HistoryKind::of(self.direction, self.from), why, by, reason, version, now).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn record(
        &self,
        tx: &mut Tx,
        program: &Program,
        kind: HistoryKind,
        why: &str,
        by: Option<i64>,
        reason: &str,
        version: i64,
        now: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        let from_name = self.from.map(|id| program.name_of(id).to_owned()).unwrap_or_default();
        execute_in!(
            tx,
            sqlx::query(INSERT_HISTORY)
                .bind(self.organisation_id)
                .bind(kind)
                .bind(self.from)
                .bind(self.to)
                .bind(from_name)
                .bind(program.name_of(self.to))
                .bind(why)
                .bind(by)
                .bind(reason)
                .bind(version)
                .bind(now)
        )?;
        Ok(())
    }
}

/// When every partner was last evaluated.
pub async fn evaluated_at(db: &Db) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(EVALUATED_AT).fetch_one(pool).await)
}

/// A pending proposal as its queue and decision read it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PendingProposal {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub from_tier_id: Option<i64>,
    pub to_tier_id: i64,
    pub direction: Direction,
    pub explanation: String,
    pub proposed_at: DateTime<Utc>,
    pub channel_manager_id: Option<i64>,
}

/// Every pending proposal, oldest first (the caller keeps those within the viewer's reach).
pub async fn pending(db: &Db) -> Result<Vec<PendingProposal>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(PENDING).fetch_all(pool).await)
}

/// The pending proposal for one partner: (to tier, explanation).
pub async fn pending_of(db: &Db, organisation_id: i64) -> Result<Option<(i64, String)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(PENDING_OF).bind(organisation_id).fetch_optional(pool).await)
}

/// A partner's tier history, newest first.
pub async fn history(db: &Db, organisation_id: i64) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(HISTORY).bind(organisation_id).fetch_all(pool).await)
}

/// The outcome of a decision on a proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decided {
    Approved {
        organisation_id: i64,
    },
    Declined {
        organisation_id: i64,
    },
    /// No pending proposal has that id (decided already, or withdrawn).
    Gone,
}

/// Approves (the change applies) or declines the pending proposal `id`, by `by` with `reason`;
/// both enter the tier history, with the audit entry.
pub async fn decide(
    db: &Db,
    id: i64,
    approve: bool,
    reason: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Decided, sqlx::Error> {
    let (_, program) = current(db).await?;
    let mut tx = db.begin().await?;
    tx.exclude_others("tiers").await?;
    let row: Option<(i64, Option<i64>, i64, Direction, String, i64)> =
        on_tx!(tx, conn => sqlx::query_as(PROPOSAL).bind(id).fetch_optional(conn).await)?;
    let Some((organisation_id, from, to, direction, why, version)) = row else {
        tx.rollback().await?;
        return Ok(Decided::Gone);
    };
    let change = Change { organisation_id, from, to, direction };
    let (state, decided, action) = match approve {
        true => {
            change.apply(&mut tx, &program, &why, Some(by), reason, version, now).await?;
            ("approved", Decided::Approved { organisation_id }, "approved")
        }
        false => {
            change.record(&mut tx, &program, HistoryKind::Declined, &why, Some(by), reason, version, now).await?;
            ("declined", Decided::Declined { organisation_id }, "declined")
        }
    };
    close_pending(&mut tx, organisation_id, state, Some(by), reason, now).await?;
    let subject = format!(
        "{action} {} → {} (organisation {organisation_id})",
        program.name_of(from.unwrap_or(0)),
        program.name_of(to)
    );
    audit::record(&mut tx, by, AuditAction::DecidedTierChange, &subject, now).await?;
    tx.commit().await?;
    Ok(decided)
}
