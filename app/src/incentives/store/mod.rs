//! The ledger in the database. [`append`] is the one writer of entries (inside the transaction
//! of whatever caused them); approvals, quarters and payout runs are only ever added to, except a
//! run's payment, recorded once.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

use super::StatementLine;
use super::coop::WinBooking;
use super::ledger::{self, Booked, EntryKind, EntryStatus, NewEntry};
use super::rebates::{Band, Forecast, Method, RebateRules, Revenue, Schedule};
use crate::audit::{self, AuditAction};
use crate::auth::reach::Reach;
use crate::db::{Conditions, Db, Tx};
use crate::money::Currency;
use crate::tiers::program::Benefits;
use crate::{bind_all, execute_in, on_db, on_tx};

/// Where an entry stands, from its approval and its run's payment. Its approval is looked up by
/// the entry's id in a subquery rather than joined: SQLite's planner, given statistics taken when
/// approvals were few, scans the whole approvals table for each entry of a join, but always looks
/// a subquery's row up by its key.
macro_rules! status {
    () => {
        "CASE WHEN r.paid_at IS NOT NULL THEN 'paid' \
         WHEN EXISTS (SELECT 1 FROM incentive_approvals a WHERE a.entry_id = e.id) THEN 'approved' ELSE 'accrued' END"
    };
}
macro_rules! standing {
    () => {
        " FROM incentive_entries e LEFT JOIN payout_run_entries pe ON pe.entry_id = e.id \
         LEFT JOIN payout_runs r ON r.id = pe.run_id"
    };
}
macro_rules! line_columns {
    () => {
        concat!(
            "SELECT e.id, e.booked_at, e.period_start, e.kind, e.description, e.deal_id, e.mdf_request_id, e.amount_minor, \
             e.currency, \
             e.basis_minor, e.rate_bp, ",
            status!(),
            " AS status, e.reverses, (SELECT v.id FROM incentive_entries v WHERE v.reverses = e.id) AS reversed_by, \
             pe.run_id",
            standing!()
        )
    };
}

/// Won revenue per partner, tier and currency in quarter `$1`, as the ledger has it: what its
/// margins were booked on in the quarter, less what reversals took back. So a deal counts in the
/// quarter its margin does, and a deal reopened as lost stops counting from its reversal's.
macro_rules! revenue {
    () => {
        "SELECT e.organisation_id, o.tier_id, e.currency, CAST(COALESCE(SUM(e.basis_minor), 0) AS BIGINT) AS amount_minor \
         FROM incentive_entries e JOIN organisations o ON o.id = e.organisation_id \
         WHERE e.kind = 'margin' AND e.period_start = $1"
    };
}

pub mod coop;
pub mod payouts;
pub mod spiffs;
pub use self::payouts::{RunRefused, approve_run, pay_run, payable, run_lines, runs};

crate::statements! {
    const INSERT = "INSERT INTO incentive_entries (organisation_id, kind, deal_id, amount_minor, currency, basis_minor, \
        rate_bp, period_start, description, reverses, booked_by, booked_at, spiff_id, rep_id, mdf_request_id) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id";
    const UNREVERSED_OF_DEAL = "SELECT e.id, e.organisation_id, e.kind, e.deal_id, e.amount_minor, e.currency, \
        e.basis_minor, e.rate_bp, e.spiff_id, e.rep_id, e.mdf_request_id FROM incentive_entries e WHERE e.deal_id = $1 AND e.reverses IS NULL \
        AND NOT EXISTS (SELECT 1 FROM incentive_entries v WHERE v.reverses = e.id) ORDER BY e.id";
    const REP_HAS_EARNED = "SELECT COUNT(*) FROM incentive_entries e WHERE e.spiff_id = $1 AND e.rep_id = $2 \
        AND e.reverses IS NULL AND NOT EXISTS (SELECT 1 FROM incentive_entries v WHERE v.reverses = e.id)";
    const TIER_OF = "SELECT tier_id FROM organisations WHERE id = $1";
    const OF_DEAL = concat!(line_columns!(), " WHERE e.deal_id = $1 ORDER BY e.booked_at, e.id");
    const OF_PARTNER = concat!(line_columns!(), " WHERE e.organisation_id = $1 ORDER BY e.booked_at DESC, e.id DESC LIMIT 5000");
    const OF_PARTNER_IN = concat!(line_columns!(),
        " WHERE e.organisation_id = $1 AND e.period_start = $2 ORDER BY e.booked_at DESC, e.id DESC LIMIT 5000");
    const PERIODS_OF = "SELECT DISTINCT period_start FROM incentive_entries WHERE organisation_id = $1 \
        ORDER BY period_start DESC";
    const PERIODS = "SELECT s.period_start, p.closed_at, u.name FROM (SELECT DISTINCT period_start FROM incentive_entries) s \
        LEFT JOIN incentive_periods p ON p.period_start = s.period_start LEFT JOIN users u ON u.id = p.closed_by \
        ORDER BY s.period_start DESC";
    const ACCRUED_IN = concat!("SELECT e.currency, CAST(SUM(e.amount_minor) AS BIGINT), COUNT(*)", standing!(),
        " WHERE e.period_start = $1 AND NOT EXISTS (SELECT 1 FROM incentive_approvals a WHERE a.entry_id = e.id) \
        GROUP BY e.currency ORDER BY e.currency");
    const APPROVE_ENTRY = "INSERT INTO incentive_approvals (entry_id, approved_by, approved_at) VALUES ($1, $2, $3)";
    const IS_CLOSED = "SELECT COUNT(*) FROM incentive_periods WHERE period_start = $1";
    const CLOSE = "INSERT INTO incentive_periods (period_start, closed_by, closed_at) VALUES ($1, $2, $3) \
        ON CONFLICT (period_start) DO NOTHING";
    const APPROVE_PERIOD = "INSERT INTO incentive_approvals (entry_id, approved_by, approved_at) \
        SELECT e.id, $2, $3 FROM incentive_entries e WHERE e.period_start = $1 \
        AND NOT EXISTS (SELECT 1 FROM incentive_approvals a WHERE a.entry_id = e.id)";
    const SCHEDULES = "SELECT name, method, bands FROM rebate_schedules ORDER BY name";
    const SAVE_SCHEDULE = "INSERT INTO rebate_schedules (name, method, bands, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
        ON CONFLICT (name) DO UPDATE SET method = excluded.method, bands = excluded.bands, \
        updated_by = excluded.updated_by, updated_at = excluded.updated_at";
    const REVENUE_IN = concat!(revenue!(), " GROUP BY e.organisation_id, o.tier_id, e.currency ORDER BY e.organisation_id, e.currency");
    const REVENUE_OF = concat!(revenue!(), " AND e.organisation_id = $2 GROUP BY e.organisation_id, o.tier_id, e.currency \
        ORDER BY e.organisation_id, e.currency");
}

/// Entries summed per key and status, within a reach: `$keys` are the grouping columns.
macro_rules! tally_sql {
    ($keys:literal) => {
        concat!(
            "SELECT ",
            $keys,
            ", ",
            status!(),
            " AS status, CAST(SUM(e.amount_minor) AS BIGINT)",
            standing!(),
            " JOIN organisations o ON o.id = e.organisation_id WHERE 1 = 1"
        )
    };
}

fn by_period_sql(reach: Reach) -> Conditions {
    let mut sql = Conditions::new(tally_sql!("e.period_start, e.kind, e.currency"));
    reach.narrow(&mut sql, "o");
    sql.sql.push_str(" GROUP BY e.period_start, e.kind, e.currency, 4");
    sql
}

fn by_partner_sql(reach: Reach) -> Conditions {
    let mut sql = Conditions::new(tally_sql!("o.name, o.id, e.currency"));
    reach.narrow(&mut sql, "o");
    sql.sql.push_str(" GROUP BY o.name, o.id, e.currency, 4");
    sql
}

/// The SQL assembled at run time, in its fullest form, for the test that prepares every statement.
pub fn assembled_statements() -> Vec<String> {
    let reach = Reach::Assigned { channel_manager_id: 1 };
    vec![by_period_sql(reach).sql, by_partner_sql(reach).sql]
}

/// The one writer of ledger entries, in the transaction of what caused them. An entry goes into
/// its quarter unless that quarter closed meanwhile (a deal won in a quarter's last moments,
/// whose close committed first): then into the first quarter still open, so that nothing waits
/// for the approval of a quarter that will not close again. A SPIFF paid per rep is left out when
/// the rep already holds it (decided under the ledger's lock, so two wins at once pay it once).
/// The ids of the entries written.
pub async fn append(tx: &mut Tx, entries: &[NewEntry]) -> Result<Vec<i64>, sqlx::Error> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    tx.exclude_others("incentive_periods").await?;
    let mut booked = Vec::with_capacity(entries.len());
    for entry in entries {
        if let (Some(spiff), Some(rep), None) = (entry.spiff_id, entry.rep_id, entry.reverses)
            && rep_has_earned(tx, spiff, rep).await?
        {
            continue;
        }
        let mut period = entry.period_start;
        while on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(IS_CLOSED).bind(period).fetch_one(conn).await)? > 0 {
            period = ledger::next_quarter(period);
        }
        booked.push(NewEntry { period_start: period, ..entry.clone() });
    }
    insert(tx, &booked).await
}

/// Writes `entries` as they are: [`append`]'s, and a close's rebates in the quarter it closes.
async fn insert(tx: &mut Tx, entries: &[NewEntry]) -> Result<Vec<i64>, sqlx::Error> {
    let mut ids = Vec::with_capacity(entries.len());
    for entry in entries {
        let id: i64 = on_tx!(tx, conn => sqlx::query_scalar(INSERT)
                .bind(entry.organisation_id)
                .bind(entry.kind)
                .bind(entry.deal_id)
                .bind(entry.amount_minor)
                .bind(&entry.currency)
                .bind(entry.basis_minor)
                .bind(entry.rate_bp)
                .bind(entry.period_start)
                .bind(&entry.description)
                .bind(entry.reverses)
                .bind(entry.booked_by)
                .bind(entry.booked_at)
                .bind(entry.spiff_id)
                .bind(entry.rep_id)
                .bind(entry.mdf_request_id)
                .fetch_one(conn).await)?;
        ids.push(id);
    }
    Ok(ids)
}

/// Whether rep `rep` holds SPIFF `spiff`: an entry of it not reversed.
async fn rep_has_earned(tx: &mut Tx, spiff: i64, rep: i64) -> Result<bool, sqlx::Error> {
    let held: i64 = on_tx!(tx, conn => sqlx::query_scalar(REP_HAS_EARNED).bind(spiff).bind(rep).fetch_one(conn).await)?;
    Ok(held > 0)
}

/// Approves entries `ids` for payment as `by`, in the transaction that wrote them: an approved MDF
/// claim is payable at once, before its quarter closes.
pub async fn approve(tx: &mut Tx, ids: &[i64], by: i64, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    for id in ids {
        execute_in!(tx, sqlx::query(APPROVE_ENTRY).bind(id).bind(by).bind(at))?;
    }
    Ok(())
}

/// Reverses every entry deal `deal_id` accrued and nothing has reversed yet (a clawback of what
/// was paid), and its co-op accrual, in the transaction that reopens it.
pub async fn reverse_deal(
    tx: &mut Tx,
    deal_id: i64,
    why: &str,
    by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let booked: Vec<Booked> =
        on_tx!(tx, conn => sqlx::query_as(UNREVERSED_OF_DEAL).bind(deal_id).fetch_all(conn).await)?;
    let reversals: Vec<NewEntry> = booked.iter().map(|entry| ledger::reversal(entry, why, by, at)).collect();
    append(tx, &reversals).await?;
    coop::reverse_deal(tx, deal_id, why, at).await
}

/// Books what a won deal earned, in the transaction of the win: its ledger entries and its
/// partner's co-op accrual.
pub async fn book_win(tx: &mut Tx, booking: &WinBooking) -> Result<(), sqlx::Error> {
    append(tx, &booking.entries).await?;
    if let Some(accrual) = &booking.coop {
        coop::book(tx, accrual).await?;
    }
    Ok(())
}

/// Partner `organisation_id`'s tier now, by name, and its benefits in the program in force.
pub async fn tier_of(db: &Db, organisation_id: i64) -> Result<Option<(String, Benefits)>, sqlx::Error> {
    let Some(tier_id) = tier_id_of(db, organisation_id).await? else {
        return Ok(None);
    };
    let (_, program) = crate::tiers::store::current(db).await?;
    Ok(program.tiers.into_iter().find(|tier| tier.id == tier_id).map(|tier| (tier.name, tier.benefits)))
}

/// Partner `organisation_id`'s tier now (by id), if it has one.
pub async fn tier_id_of(db: &Db, organisation_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let tier_id: Option<Option<i64>> =
        on_db!(db, pool => sqlx::query_scalar(TIER_OF).bind(organisation_id).fetch_optional(pool).await)?;
    Ok(tier_id.flatten())
}

/// What deal `deal_id` earned its partner, oldest first.
pub async fn of_deal(db: &Db, deal_id: i64) -> Result<Vec<StatementLine>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(OF_DEAL).bind(deal_id).fetch_all(pool).await)
}

/// Partner `organisation_id`'s entries, newest first: of one quarter, or of all.
pub async fn of_partner(
    db: &Db,
    organisation_id: i64,
    period: Option<NaiveDate>,
) -> Result<Vec<StatementLine>, sqlx::Error> {
    match period {
        Some(period) => {
            on_db!(db, pool => sqlx::query_as(OF_PARTNER_IN).bind(organisation_id).bind(period).fetch_all(pool).await)
        }
        None => on_db!(db, pool => sqlx::query_as(OF_PARTNER).bind(organisation_id).fetch_all(pool).await),
    }
}

/// The quarters partner `organisation_id` has entries in, newest first.
pub async fn periods_of(db: &Db, organisation_id: i64) -> Result<Vec<NaiveDate>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(PERIODS_OF).bind(organisation_id).fetch_all(pool).await)
}

/// Every quarter with entries, newest first, with when (and by whom) it was closed.
pub async fn periods(db: &Db) -> Result<Vec<(NaiveDate, Option<DateTime<Utc>>, Option<String>)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(PERIODS).fetch_all(pool).await)
}

type TallyRow<K> = (K, EntryStatus, i64);

/// Sums within `reach` per quarter, kind, currency and status.
pub async fn by_period(db: &Db, reach: Reach) -> Result<Vec<TallyRow<(NaiveDate, EntryKind, String)>>, sqlx::Error> {
    let sql = by_period_sql(reach);
    let rows: Vec<(NaiveDate, EntryKind, String, EntryStatus, i64)> =
        on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql.sql)), &sql.params).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(period, kind, currency, status, sum)| ((period, kind, currency), status, sum)).collect())
}

/// Sums within `reach` per partner (name, id), currency and status.
pub async fn by_partner(db: &Db, reach: Reach) -> Result<Vec<TallyRow<(String, i64, String)>>, sqlx::Error> {
    let sql = by_partner_sql(reach);
    let rows: Vec<(String, i64, String, EntryStatus, i64)> =
        on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql.sql)), &sql.params).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(name, id, currency, status, sum)| ((name, id, currency), status, sum)).collect())
}

/// What closing quarter `period` would approve: per currency, the sum and count of its accrued entries.
pub async fn accrued_in(db: &Db, period: NaiveDate) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(ACCRUED_IN).bind(period).fetch_all(pool).await)
}

pub async fn is_closed(db: &Db, period: NaiveDate) -> Result<bool, sqlx::Error> {
    let count: i64 = on_db!(db, pool => sqlx::query_scalar(IS_CLOSED).bind(period).fetch_one(pool).await)?;
    Ok(count > 0)
}

/// The rebate schedules, by name.
pub async fn schedules(db: &Db) -> Result<Vec<Schedule>, sqlx::Error> {
    let rows: Vec<(String, Method, String)> = on_db!(db, pool => sqlx::query_as(SCHEDULES).fetch_all(pool).await)?;
    rows.into_iter()
        .map(|(name, method, bands)| {
            let bands: Vec<Band> =
                serde_json::from_str(&bands).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
            Ok(Schedule { name, method, bands })
        })
        .collect()
}

/// The one writer of rebate schedules: saves `schedule`, replacing the one of the same name.
pub async fn save_schedule(db: &Db, schedule: &Schedule, by: i64, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let bands = serde_json::to_string(&schedule.bands).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    let mut tx = db.begin().await?;
    execute_in!(
        tx,
        sqlx::query(SAVE_SCHEDULE).bind(&schedule.name).bind(schedule.method).bind(bands).bind(by).bind(at)
    )?;
    audit::record(&mut tx, by, AuditAction::ChangedRebateSchedule, &schedule.name, at).await?;
    tx.commit().await
}

/// What rebates are computed from now: the program in force, the schedules and the conversion.
pub async fn rebate_rules(db: &Db) -> Result<RebateRules, sqlx::Error> {
    let (_, program) = crate::tiers::store::current(db).await?;
    Ok(RebateRules { program, schedules: schedules(db).await?, conversion: crate::money::store::conversion(db).await? })
}

/// Won revenue per partner in quarter `period`, ordered by partner.
pub async fn revenue_in(db: &Db, period: NaiveDate) -> Result<Vec<Revenue>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(REVENUE_IN).bind(period).fetch_all(pool).await)
}

/// Partner `organisation_id`'s won revenue in quarter `period`, per currency.
pub async fn revenue_of(db: &Db, organisation_id: i64, period: NaiveDate) -> Result<Vec<Revenue>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(REVENUE_OF).bind(period).bind(organisation_id).fetch_all(pool).await)
}

/// Where partner `organisation_id` stands on its volume rebate in the quarter of `now` (`None`
/// when its tier earns none), and the currency rebates are reckoned in.
pub async fn forecast_of(
    db: &Db,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<(Option<Forecast>, Currency), sqlx::Error> {
    let rules = rebate_rules(db).await?;
    let tier = tier_id_of(db, organisation_id).await?;
    let revenue = revenue_of(db, organisation_id, ledger::quarter_of(now.date_naive())).await?;
    Ok((rules.forecast(tier, &revenue), rules.conversion.currency()))
}

/// Closes quarter `period`: books each partner's volume rebate on the quarter's won revenue and
/// approves every entry of the quarter, in one transaction, as admin `by`. Closing a closed
/// quarter changes nothing (false).
pub async fn close(db: &Db, period: NaiveDate, by: i64, at: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let rules = rebate_rules(db).await?;
    let mut tx = db.begin().await?;
    tx.exclude_others("incentive_periods").await?;
    if execute_in!(tx, sqlx::query(CLOSE).bind(period).bind(by).bind(at))? == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let revenue: Vec<Revenue> = on_tx!(tx, conn => sqlx::query_as(REVENUE_IN).bind(period).fetch_all(conn).await)?;
    insert(&mut tx, &rules.at_close(period, &revenue, Some(by), at)).await?;
    execute_in!(tx, sqlx::query(APPROVE_PERIOD).bind(period).bind(by).bind(at))?;
    audit::record(&mut tx, by, AuditAction::ClosedIncentivePeriod, &ledger::quarter_label(period), at).await?;
    tx.commit().await?;
    Ok(true)
}
