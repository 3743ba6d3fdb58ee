//! Payout runs: a quarter's approved entries approved together (once per quarter at a time),
//! exported for accounts payable, and marked paid once, telling each partner's admins.

use chrono::{DateTime, NaiveDate, Utc};

use crate::audit::{self, AuditAction};
use crate::db::Db;
use crate::incentives::ledger;
use crate::incentives::{Payable, PayoutRun, RunLine};
use crate::mail::{self, Message};
use crate::notifications::{self, Notice};
use crate::{execute_in, on_db, on_tx};

crate::statements! {
    const PAYABLE = "SELECT e.period_start, e.currency, CAST(SUM(e.amount_minor) AS BIGINT) AS amount_minor, \
        COUNT(*) AS entries FROM incentive_entries e JOIN incentive_approvals a ON a.entry_id = e.id \
        WHERE NOT EXISTS (SELECT 1 FROM payout_run_entries pe WHERE pe.entry_id = e.id) \
        GROUP BY e.period_start, e.currency ORDER BY e.period_start DESC, e.currency";
    const WAITING_RUN = "SELECT id FROM payout_runs WHERE period_start = $1 AND paid_at IS NULL";
    const INSERT_RUN = "INSERT INTO payout_runs (period_start, approved_by, approved_at) VALUES ($1, $2, $3) RETURNING id";
    const FILL_RUN = "INSERT INTO payout_run_entries (entry_id, run_id) \
        SELECT e.id, $2 FROM incentive_entries e JOIN incentive_approvals a ON a.entry_id = e.id \
        WHERE e.period_start = $1 AND NOT EXISTS (SELECT 1 FROM payout_run_entries pe WHERE pe.entry_id = e.id)";
    const RUNS = "SELECT r.id, r.period_start, ua.name, r.approved_at, up.name, r.paid_at, \
        (SELECT COUNT(*) FROM payout_run_entries pe WHERE pe.run_id = r.id), \
        (SELECT COUNT(DISTINCT e.organisation_id) FROM payout_run_entries pe JOIN incentive_entries e ON e.id = pe.entry_id \
            WHERE pe.run_id = r.id) \
        FROM payout_runs r JOIN users ua ON ua.id = r.approved_by LEFT JOIN users up ON up.id = r.paid_by \
        ORDER BY r.id DESC LIMIT 40";
    const RUN_TOTALS = "SELECT pe.run_id, e.currency, CAST(SUM(e.amount_minor) AS BIGINT) FROM payout_run_entries pe \
        JOIN incentive_entries e ON e.id = pe.entry_id WHERE pe.run_id IN (SELECT id FROM payout_runs ORDER BY id DESC LIMIT 40) \
        GROUP BY pe.run_id, e.currency ORDER BY e.currency";
    const RUN_LINES = "SELECT e.organisation_id, o.name AS partner, e.currency, CAST(SUM(e.amount_minor) AS BIGINT) AS amount_minor, \
        COUNT(*) AS entries FROM payout_run_entries pe JOIN incentive_entries e ON e.id = pe.entry_id \
        JOIN organisations o ON o.id = e.organisation_id WHERE pe.run_id = $1 \
        GROUP BY e.organisation_id, o.name, e.currency ORDER BY o.name, e.organisation_id, e.currency";
    const RUN_PERIOD = "SELECT period_start FROM payout_runs WHERE id = $1";
    const PAY_RUN = "UPDATE payout_runs SET paid_by = $2, paid_at = $3 WHERE id = $1 AND paid_at IS NULL";
}

/// Approved entries no run holds yet, per quarter and currency.
pub async fn payable(db: &Db) -> Result<Vec<Payable>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(PAYABLE).fetch_all(pool).await)
}

/// Why a payout run was not made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunRefused {
    /// A run of that quarter still waits to be paid.
    Waiting(i64),
    /// No approved entry of that quarter is left to pay.
    Nothing,
}

/// Approves a payout run of quarter `period`'s approved entries no run holds yet.
pub async fn approve_run(
    db: &Db,
    period: NaiveDate,
    by: i64,
    at: DateTime<Utc>,
) -> Result<Result<i64, RunRefused>, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("payout_runs").await?;
    let waiting: Option<i64> =
        on_tx!(tx, conn => sqlx::query_scalar(WAITING_RUN).bind(period).fetch_optional(conn).await)?;
    if let Some(waiting) = waiting {
        tx.rollback().await?;
        return Ok(Err(RunRefused::Waiting(waiting)));
    }
    let run: i64 =
        on_tx!(tx, conn => sqlx::query_scalar(INSERT_RUN).bind(period).bind(by).bind(at).fetch_one(conn).await)?;
    if execute_in!(tx, sqlx::query(FILL_RUN).bind(period).bind(run))? == 0 {
        tx.rollback().await?;
        return Ok(Err(RunRefused::Nothing));
    }
    audit::record(&mut tx, by, AuditAction::ApprovedPayoutRun, &format!("run #{run}"), at).await?;
    tx.commit().await?;
    Ok(Ok(run))
}

/// The newest runs with their sums.
pub async fn runs(db: &Db) -> Result<Vec<PayoutRun>, sqlx::Error> {
    type Row = (i64, NaiveDate, String, DateTime<Utc>, Option<String>, Option<DateTime<Utc>>, i64, i64);
    let rows: Vec<Row> = on_db!(db, pool => sqlx::query_as(RUNS).fetch_all(pool).await)?;
    let totals: Vec<(i64, String, i64)> = on_db!(db, pool => sqlx::query_as(RUN_TOTALS).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, period_start, approved_by, approved_at, paid_by, paid_at, entries, partners)| PayoutRun {
            id,
            period_start,
            approved_by,
            approved_at,
            paid_by,
            paid_at,
            entries,
            partners,
            totals: totals
                .iter()
                .filter(|(run, _, _)| *run == id)
                .map(|(_, currency, sum)| (currency.clone(), *sum))
                .collect(),
        })
        .collect())
}

/// What run `run` pays each partner, per currency; `None` for a run that does not exist.
pub async fn run_lines(db: &Db, run: i64) -> Result<Option<(NaiveDate, Vec<RunLine>)>, sqlx::Error> {
    let period: Option<NaiveDate> =
        on_db!(db, pool => sqlx::query_scalar(RUN_PERIOD).bind(run).fetch_optional(pool).await)?;
    let Some(period) = period else {
        return Ok(None);
    };
    let lines = on_db!(db, pool => sqlx::query_as(RUN_LINES).bind(run).fetch_all(pool).await)?;
    Ok(Some((period, lines)))
}

/// Records run `run` as paid, once: tells each partner's admins what it was paid. False when it
/// was already paid (or does not exist).
pub async fn pay_run(db: &Db, run: i64, by: i64, at: DateTime<Utc>, link: &str) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    if execute_in!(tx, sqlx::query(PAY_RUN).bind(run).bind(by).bind(at))? == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let period: NaiveDate = on_tx!(tx, conn => sqlx::query_scalar(RUN_PERIOD).bind(run).fetch_one(conn).await)?;
    let lines: Vec<RunLine> = on_tx!(tx, conn => sqlx::query_as(RUN_LINES).bind(run).fetch_all(conn).await)?;
    let mut partners: Vec<(i64, Vec<(String, i64)>)> = Vec::new();
    for line in lines {
        match partners.last_mut() {
            Some((id, amounts)) if *id == line.organisation_id => amounts.push((line.currency, line.amount_minor)),
            _ => partners.push((line.organisation_id, vec![(line.currency, line.amount_minor)])),
        }
    }
    let quarter = ledger::quarter_label(period);
    for (organisation_id, amounts) in &partners {
        let message: Message = mail::payout_paid(&quarter, amounts, link);
        let notice = Notice { kind: notifications::Kind::Payout, message, path: "/earnings".to_owned() };
        notifications::store::tell_partner_admins(&mut tx, *organisation_id, &notice, at).await?;
    }
    audit::record(&mut tx, by, AuditAction::PaidPayoutRun, &format!("run #{run}"), at).await?;
    let paid: Vec<serde_json::Value> = partners
        .iter()
        .flat_map(|(organisation_id, amounts)| {
            amounts.iter().map(move |(currency, amount_minor)| {
                serde_json::json!({ "organisation_id": organisation_id, "currency": currency, "amount_minor": amount_minor })
            })
        })
        .collect();
    let data = serde_json::json!({ "run_id": run, "quarter": quarter, "period_start": period, "paid": paid });
    crate::webhooks::store::record(&mut tx, crate::webhooks::EventKind::PayoutPaid, &data, at).await?;
    tx.commit().await?;
    Ok(true)
}
