//! Tiers in the database: the program's versions (one writer, [`publish`]) and its draft, the
//! figures the engine reads and what it writes (every tier change, grace period and proposal:
//! [`evaluate`]), and a channel manager's decision ([`decide`]).

mod evaluate;

use self::evaluate::{Change, Decision, close_pending};
pub use self::evaluate::{
    EXPIRY_WARNING_DAYS, Evaluated, ProposalState, Report, evaluate, evaluated_at, evaluation_of, metrics,
    metrics_at_moments,
};

use chrono::{DateTime, Utc};

use super::engine::Direction;
use super::program::Program;
use super::simulate::MOMENTS;
use super::{HistoryEntry, HistoryKind, VersionSummary};
use crate::audit::{self, AuditAction};
use crate::db::Db;
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
/// The simulator's five moments (today and the last four quarters' ends) in one pass over the
/// deals from the oldest moment's window to today, instead of one pass of 12 months per moment:
/// each moment's window is `$1`–`$2`, `$3`–`$4`, …; `$11`–`$12` spans them all.
macro_rules! won_at_moments {
    () => {
        concat!(
            "SELECT organisation_id, currency, ",
            won_between!(1, 2),
            won_between!(3, 4),
            won_between!(5, 6),
            won_between!(7, 8),
            won_between!(9, 10),
            "COUNT(*) FROM deals WHERE status = 'won' AND closed_on > $11 AND closed_on <= $12 \
             GROUP BY organisation_id, currency"
        )
    };
}
/// The won revenue and won deals of one moment's window (`$lo`–`$hi`), as two columns.
macro_rules! won_between {
    ($lo:literal, $hi:literal) => {
        concat!(
            "CAST(SUM(CASE WHEN closed_on > $",
            $lo,
            " AND closed_on <= $",
            $hi,
            " THEN COALESCE(final_amount_minor, amount_minor) END) AS BIGINT), ",
            "COUNT(CASE WHEN closed_on > $",
            $lo,
            " AND closed_on <= $",
            $hi,
            " THEN 1 END), "
        )
    };
}
macro_rules! registered_at_moments {
    () => {
        concat!(
            "SELECT organisation_id, ",
            registered_between!(1, 2),
            registered_between!(3, 4),
            registered_between!(5, 6),
            registered_between!(7, 8),
            registered_between!(9, 10),
            "COUNT(*) FROM deals WHERE submitted_at > $11 AND submitted_at <= $12 GROUP BY organisation_id"
        )
    };
}
macro_rules! registered_between {
    ($lo:literal, $hi:literal) => {
        concat!("COUNT(CASE WHEN submitted_at > $", $lo, " AND submitted_at <= $", $hi, " THEN 1 END), ")
    };
}
macro_rules! standings {
    () => {
        "SELECT id, tier_id, tier_grace_since FROM organisations WHERE kind = 'partner'"
    };
}

crate::statements! {
    const TIER_CHOICES = "SELECT id, name FROM tiers WHERE rank > 0 ORDER BY rank";
    const TYPE_CHOICES = "SELECT id, name FROM partner_types WHERE retired_at IS NULL ORDER BY name";
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
    const CLEAR_UNLOCKS = "DELETE FROM course_unlocks";
    const INSERT_UNLOCK = "INSERT INTO course_unlocks (course_id, tier_id) VALUES ($1, $2)";
    const INSERT_VERSION = "INSERT INTO program_versions (body, published_by, published_at) VALUES ($1, $2, $3) RETURNING id";
    const WON_ALL = concat!(won!(), " GROUP BY organisation_id, currency");
    const WON_ONE = concat!(won!(), " AND organisation_id = $3 GROUP BY organisation_id, currency");
    const REGISTERED_ALL = concat!(registered!(), " GROUP BY organisation_id");
    const REGISTERED_ONE = concat!(registered!(), " AND organisation_id = $3 GROUP BY organisation_id");
    const CERTIFIED_ALL = concat!(certified!(), " GROUP BY c.organisation_id");
    const CERTIFIED_ONE = concat!(certified!(), " AND c.organisation_id = $3 GROUP BY c.organisation_id");
    const WON_AT_MOMENTS = won_at_moments!();
    const REGISTERED_AT_MOMENTS = registered_at_moments!();
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
        program_version, proposed_at, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
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
        p.program_version, o.tier_id FROM tier_proposals p JOIN organisations o ON o.id = p.organisation_id \
        WHERE p.id = $1 AND p.state = 'pending'";
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
/// partners) and the courses they unlock, with the audit entry. The version's number.
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
    execute_in!(tx, sqlx::query(CLEAR_UNLOCKS))?;
    for tier in &published.tiers {
        for course in &tier.benefits.courses {
            execute_in!(tx, sqlx::query(INSERT_UNLOCK).bind(course).bind(tier.id))?;
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

/// Makes every partner's evaluation due: the server's clock runs it within a minute.
pub async fn mark_due(db: &Db) -> Result<(), sqlx::Error> {
    on_db!(db, pool => sqlx::query(MARK_EVALUATED).bind(None::<DateTime<Utc>>).execute(pool).await.map(|_| ()))
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
    points: &[DateTime<Utc>; MOMENTS],
) -> Result<Vec<super::simulate::PartnerFigures>, sqlx::Error> {
    let partners: Vec<(i64, String, Option<i64>)> =
        on_db!(db, pool => sqlx::query_as(PARTNER_NAMES).fetch_all(pool).await)?;
    let at_points = metrics_at_moments(db, points).await?;
    Ok(partners
        .into_iter()
        .map(|(id, name, current)| super::simulate::PartnerFigures {
            name,
            current,
            metrics: at_points.iter().map(|figures| figures.get(&id).map(|(m, _)| *m).unwrap_or_default()).collect(),
        })
        .collect())
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
/// both enter the tier history, with the audit entry. A proposal overtaken (the partner no longer
/// in the tier it would leave, or the tier it would reach gone from the program) is withdrawn.
pub async fn decide(
    db: &Db,
    id: i64,
    approve: bool,
    reason: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Decided, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("tiers").await?;
    let (_, program) = current(db).await?;
    type Row = (i64, Option<i64>, i64, Direction, String, i64, Option<i64>);
    let row: Option<Row> = on_tx!(tx, conn => sqlx::query_as(PROPOSAL).bind(id).fetch_optional(conn).await)?;
    let Some((organisation_id, from, to, direction, why, version, held)) = row else {
        tx.rollback().await?;
        return Ok(Decided::Gone);
    };
    let decision = Decision { by: Some(by), reason };
    if held != from || program.index_of(to).is_none() {
        close_pending(&mut tx, organisation_id, ProposalState::Withdrawn, Decision { by: None, reason: "" }, now)
            .await?;
        tx.commit().await?;
        return Ok(Decided::Gone);
    }
    let change = Change { organisation_id, from, to, direction };
    let (state, decided) = match approve {
        true => {
            change.apply(&mut tx, &program, &why, decision, version, now).await?;
            (ProposalState::Approved, Decided::Approved { organisation_id })
        }
        false => {
            change.record(&mut tx, &program, HistoryKind::Declined, &why, decision, version, now).await?;
            (ProposalState::Declined, Decided::Declined { organisation_id })
        }
    };
    close_pending(&mut tx, organisation_id, state, decision, now).await?;
    let subject = format!(
        "{} {} → {} (organisation {organisation_id})",
        state.as_str(),
        from.map_or("no tier", |from| program.name_of(from)),
        program.name_of(to)
    );
    audit::record(&mut tx, by, AuditAction::DecidedTierChange, &subject, now).await?;
    tx.commit().await?;
    Ok(decided)
}

/// The tiers and active partner types an audience may name.
pub async fn audience_choices(db: &Db) -> Result<super::audience::AudienceChoices, sqlx::Error> {
    on_db!(db, pool => {
        let tiers = sqlx::query_as(TIER_CHOICES).fetch_all(pool).await?;
        let types = sqlx::query_as(TYPE_CHOICES).fetch_all(pool).await?;
        Ok(super::audience::AudienceChoices { tiers, types })
    })
}
