//! MDF in the database: budgets, allocations and requests, each changed under one lock so that
//! allocations never pass their budget and requests never pass their allocation, and every move
//! of a request with its timeline line (and, for vendor staff, its audit entry). Claims and their
//! proof are in [`claims`].

pub mod claims;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

use super::rules::{self, Draw, Fund, Move, RequestState};
use super::{AllocationRow, BudgetRow, MdfEvent, NewAllocation, NewRequest, RequestRecord, RequestRow};
use crate::audit::{self, AuditAction};
use crate::auth::reach::Reach;
use crate::db::{Conditions, Db, Tx};
use crate::mail;
use crate::notifications::{self, Notice};
use crate::tiers::audience::Audience;
use crate::{bind_all, execute_in, on_db, on_tx};

/// The state of request `r`'s latest claim.
macro_rules! latest_claim {
    () => {
        "(SELECT c.state FROM mdf_claims c WHERE c.request_id = r.id ORDER BY c.id DESC LIMIT 1) AS claim"
    };
}

/// What the requests `r` matching `$which` hold of their fund: each its approved claim's amount
/// once one is approved (the rest goes back), else its own amount; a rejected or withdrawn request
/// holds nothing. The one rule for allocations and co-op funds alike.
macro_rules! held {
    ($which:expr) => {
        concat!(
            "CAST(COALESCE((SELECT SUM(COALESCE((SELECT c.amount_minor FROM mdf_claims c WHERE c.request_id = r.id \
             AND c.state = 'approved'), r.amount_minor)) FROM mdf_requests r WHERE ",
            $which,
            " AND r.state NOT IN ('rejected', 'withdrawn')), 0) AS BIGINT)"
        )
    };
}
pub(crate) use held;

/// What requests hold of allocation `$allocation`.
macro_rules! committed {
    ($allocation:literal) => {
        held!(concat!("r.allocation_id = ", $allocation))
    };
}

crate::statements! {
    const BUDGETS = "SELECT b.period_start, b.amount_minor, CAST(COALESCE((SELECT SUM(a.amount_minor) FROM mdf_allocations a \
        WHERE a.period_start = b.period_start), 0) AS BIGINT) AS allocated_minor FROM mdf_budgets b ORDER BY b.period_start DESC";
    const BUDGET_OF = "SELECT amount_minor FROM mdf_budgets WHERE period_start = $1";
    const ALLOCATED_IN = "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM mdf_allocations \
        WHERE period_start = $1 AND organisation_id <> $2";
    const SET_BUDGET = "INSERT INTO mdf_budgets (period_start, amount_minor, currency, set_by, set_at) VALUES ($1, $2, $3, $4, $5) \
        ON CONFLICT (period_start) DO UPDATE SET amount_minor = excluded.amount_minor, set_by = excluded.set_by, set_at = excluded.set_at";
    const ALLOCATION = concat!("SELECT a.id, a.organisation_id, a.amount_minor, ", committed!("a.id"), ", a.expires_on \
        FROM mdf_allocations a WHERE a.period_start = $1 AND a.organisation_id = $2");
    const ALLOCATION_BY_ID = concat!("SELECT a.id, a.organisation_id, a.amount_minor, ", committed!("a.id"), ", a.expires_on \
        FROM mdf_allocations a WHERE a.id = $1");
    const ALLOCATE = "INSERT INTO mdf_allocations (period_start, organisation_id, amount_minor, currency, expires_on, allocated_by, allocated_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (period_start, organisation_id) DO UPDATE SET \
        amount_minor = excluded.amount_minor, expires_on = excluded.expires_on, allocated_by = excluded.allocated_by, \
        allocated_at = excluded.allocated_at";
    const INSERT_REQUEST = "INSERT INTO mdf_requests (fund, allocation_id, organisation_id, requested_by, kind, title, starts_on, \
        ends_on, amount_minor, currency, expected_outcome, campaign_id, state, created_at, updated_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'requested', $13, $13) RETURNING id";
    const INSERT_EVENT = "INSERT INTO mdf_events (request_id, state, actor_id, note, at) VALUES ($1, $2, $3, $4, $5)";
    const MOVE = "UPDATE mdf_requests SET state = $2, reason = COALESCE($3, reason), updated_at = $4 WHERE id = $1 AND state = $5";
    const RECORD = concat!("SELECT r.id, r.organisation_id, o.name AS partner, u.name AS requested_by, r.fund, r.allocation_id, \
        a.period_start, r.kind, r.title, r.starts_on, r.ends_on, r.amount_minor, r.currency, r.expected_outcome, \
        k.name AS campaign, r.state, r.reason, ", latest_claim!(), " FROM mdf_requests r JOIN organisations o ON o.id = r.organisation_id JOIN users u ON u.id = r.requested_by \
        LEFT JOIN mdf_allocations a ON a.id = r.allocation_id LEFT JOIN campaigns k ON k.id = r.campaign_id WHERE r.id = $1");
    const EVENTS = "SELECT e.state, u.name AS actor, e.note, e.at FROM mdf_events e JOIN users u ON u.id = e.actor_id \
        WHERE e.request_id = $1 ORDER BY e.at, e.id";
    const CAMPAIGNS = "SELECT id, name FROM campaigns WHERE state = 'published' ORDER BY name";
    const CAMPAIGN_TIERS = "SELECT campaign_id, tier_id FROM campaign_tiers";
    const CAMPAIGN_TYPES = "SELECT campaign_id, partner_type_id FROM campaign_types";
    const TIER_AND_TYPE = "SELECT tier_id, partner_type_id FROM organisations WHERE id = $1";
    const PARTNER_NAME = "SELECT name FROM organisations WHERE id = $1";
    const ABOUT = "SELECT organisation_id, title, fund FROM mdf_requests WHERE id = $1";
}

fn allocations_sql(reach: Reach) -> Conditions {
    let mut sql = Conditions::new(concat!(
        "SELECT a.id, a.period_start, o.id AS partner_id, o.name AS partner, a.amount_minor, ",
        committed!("a.id"),
        " AS committed_minor, a.expires_on FROM mdf_allocations a JOIN organisations o ON o.id = a.organisation_id WHERE 1 = 1"
    ));
    reach.narrow(&mut sql, "o");
    sql.sql.push_str(" ORDER BY a.period_start DESC, o.name");
    sql
}

fn requests_sql(reach: Reach, waiting_only: bool) -> Conditions {
    let mut sql = Conditions::new(concat!(
        "SELECT r.id, r.fund, o.name AS partner, r.title, r.kind, r.amount_minor, r.state, ",
        latest_claim!(),
        ", r.starts_on, r.ends_on, r.updated_at FROM mdf_requests r JOIN organisations o ON o.id = r.organisation_id WHERE 1 = 1"
    ));
    reach.narrow(&mut sql, "o");
    if waiting_only {
        sql.sql.push_str(
            " AND (r.state = 'requested' OR EXISTS (SELECT 1 FROM mdf_claims w WHERE w.request_id = r.id AND w.state = 'claimed'))",
        );
    }
    sql.sql.push_str(" ORDER BY r.updated_at DESC, r.id DESC LIMIT 500");
    sql
}

fn partners_sql(reach: Reach) -> Conditions {
    let mut sql = Conditions::new("SELECT o.id, o.name FROM organisations o WHERE 1 = 1");
    reach.narrow(&mut sql, "o");
    sql.sql.push_str(" ORDER BY o.name");
    sql
}

/// The SQL assembled at run time, for the test that prepares every statement.
pub fn assembled_statements() -> Vec<String> {
    let reach = Reach::Assigned { channel_manager_id: 1 };
    vec![allocations_sql(reach).sql, requests_sql(reach, true).sql, partners_sql(reach).sql]
}

pub async fn budgets(db: &Db) -> Result<Vec<BudgetRow>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(BUDGETS).fetch_all(pool).await)
}

pub async fn allocations(db: &Db, reach: Reach) -> Result<Vec<AllocationRow>, sqlx::Error> {
    let sql = allocations_sql(reach);
    on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql.sql)), &sql.params).fetch_all(pool).await)
}

/// The latest 500 requests within `reach` (with `waiting_only`, those waiting for their channel
/// manager: a request to decide, or a claim to approve).
pub async fn requests(db: &Db, reach: Reach, waiting_only: bool) -> Result<Vec<RequestRow>, sqlx::Error> {
    let sql = requests_sql(reach, waiting_only);
    on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql.sql)), &sql.params).fetch_all(pool).await)
}

/// The partners within `reach`, (id, name).
pub async fn partners(db: &Db, reach: Reach) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let sql = partners_sql(reach);
    on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql.sql)), &sql.params).fetch_all(pool).await)
}

/// The published campaigns partner `organisation_id` is in the audience of: those its activities
/// may be linked to.
pub async fn campaigns(db: &Db, organisation_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let (published, tiers, types, partner): (
        Vec<(i64, String)>,
        Vec<(i64, i64)>,
        Vec<(i64, i64)>,
        Option<(Option<i64>, Option<i64>)>,
    ) = on_db!(db, pool => {
        let published = sqlx::query_as(CAMPAIGNS).fetch_all(pool).await?;
        let tiers = sqlx::query_as(CAMPAIGN_TIERS).fetch_all(pool).await?;
        let types = sqlx::query_as(CAMPAIGN_TYPES).fetch_all(pool).await?;
        let partner = sqlx::query_as(TIER_AND_TYPE).bind(organisation_id).fetch_optional(pool).await?;
        Ok::<_, sqlx::Error>((published, tiers, types, partner))
    })?;
    let (tier, partner_type) = partner.unwrap_or((None, None));
    Ok(published.into_iter().filter(|(id, _)| Audience::of(*id, &tiers, &types).includes(tier, partner_type)).collect())
}

pub async fn record(db: &Db, id: i64) -> Result<Option<RequestRecord>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(RECORD).bind(id).fetch_optional(pool).await)
}

pub async fn events(db: &Db, id: i64) -> Result<Vec<MdfEvent>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(EVENTS).bind(id).fetch_all(pool).await)
}

/// Sets quarter `period`'s budget; `Err(allocated)` when partners hold more of it than `amount`.
pub async fn set_budget(
    db: &Db,
    (period, amount, currency): (NaiveDate, i64, &str),
    by: i64,
    at: DateTime<Utc>,
) -> Result<Result<(), i64>, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("mdf").await?;
    let allocated: i64 =
        on_tx!(tx, conn => sqlx::query_scalar(ALLOCATED_IN).bind(period).bind(0_i64).fetch_one(conn).await)?;
    if allocated > amount {
        tx.rollback().await?;
        return Ok(Err(allocated));
    }
    execute_in!(tx, sqlx::query(SET_BUDGET).bind(period).bind(amount).bind(currency).bind(by).bind(at))?;
    let said = format!(
        "MDF budget of {} set to {}",
        crate::incentives::ledger::quarter_label(period),
        crate::money::amount_text(amount, currency)
    );
    audit::record(&mut tx, by, AuditAction::ChangedMdfBudget, &said, at).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Why an allocation was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum AllocationRefused {
    /// The quarter has no budget yet.
    NoBudget,
    /// Only this much of the budget is left.
    OverBudget(i64),
    /// The partner's requests already hold this much of it.
    BelowRequested(i64),
}

type AllocationFacts = (i64, i64, i64, i64, NaiveDate);

/// Gives (or changes) a partner's allocation of a quarter, within its budget and not below what
/// the partner's requests hold; with its audit entry.
pub async fn allocate(
    db: &Db,
    allocation: &NewAllocation,
    currency: &str,
    by: i64,
    at: DateTime<Utc>,
) -> Result<Result<(), AllocationRefused>, sqlx::Error> {
    let NewAllocation { partner_id, period_start, amount_minor, expires_on } = *allocation;
    let mut tx = db.begin().await?;
    tx.exclude_others("mdf").await?;
    let budget: Option<i64> =
        on_tx!(tx, conn => sqlx::query_scalar(BUDGET_OF).bind(period_start).fetch_optional(conn).await)?;
    let Some(budget) = budget else {
        tx.rollback().await?;
        return Ok(Err(AllocationRefused::NoBudget));
    };
    let others: i64 =
        on_tx!(tx, conn => sqlx::query_scalar(ALLOCATED_IN).bind(period_start).bind(partner_id).fetch_one(conn).await)?;
    if let Err(left) = rules::allocation_fits(budget, others, amount_minor) {
        tx.rollback().await?;
        return Ok(Err(AllocationRefused::OverBudget(left)));
    }
    let existing: Option<AllocationFacts> = on_tx!(tx, conn => sqlx::query_as(ALLOCATION)
        .bind(period_start).bind(partner_id).fetch_optional(conn).await)?;
    if let Some((_, _, _, committed, _)) = existing
        && committed > amount_minor
    {
        tx.rollback().await?;
        return Ok(Err(AllocationRefused::BelowRequested(committed)));
    }
    execute_in!(
        tx,
        sqlx::query(ALLOCATE)
            .bind(period_start)
            .bind(partner_id)
            .bind(amount_minor)
            .bind(currency)
            .bind(expires_on)
            .bind(by)
            .bind(at)
    )?;
    let said = format!(
        "MDF of {} for partner #{partner_id}: {} until {expires_on}",
        crate::incentives::ledger::quarter_label(period_start),
        crate::money::amount_text(amount_minor, currency)
    );
    audit::record(&mut tx, by, AuditAction::AllocatedMdf, &said, at).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Why a request was not stored.
#[derive(Debug, PartialEq, Eq)]
pub enum RequestRefused {
    /// Only this much of the allocation is left.
    Left(i64),
    /// The allocation expired meanwhile (or is not the partner's).
    Closed,
}

/// Stores partner `organisation_id`'s request, by `by`, when it still fits what it draws on: its
/// allocation (which must be the partner's and open on `at`'s day) or its co-op funds, decided
/// under MDF's lock. With `notify` (the portal's public address), its channel manager is sent the
/// request.
pub async fn request(
    db: &Db,
    organisation_id: i64,
    new: &NewRequest,
    (currency, by): (&str, i64),
    notify: Option<&str>,
    at: DateTime<Utc>,
) -> Result<Result<i64, RequestRefused>, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("mdf").await?;
    let fits = match new.draw {
        Draw::Allocation(allocation) => {
            let allocation: Option<AllocationFacts> = on_tx!(tx, conn => sqlx::query_as(ALLOCATION_BY_ID)
                .bind(allocation).fetch_optional(conn).await)?;
            allocation
                .filter(|(_, owner, _, _, expires_on)| {
                    *owner == organisation_id && rules::allocation_open(*expires_on, at.date_naive())
                })
                .map(|(_, _, amount, committed, _)| rules::request_fits(amount, committed, new.amount_minor))
        }
        Draw::Coop => crate::incentives::store::coop::balance_in(&mut tx, organisation_id)
            .await?
            .map(|fund| rules::request_fits(fund.accrued_minor, fund.committed_minor, new.amount_minor))
            .or(Some(Err(0))),
    };
    let refused = match fits {
        Some(Ok(())) => None,
        Some(Err(left)) => Some(RequestRefused::Left(left)),
        None => Some(RequestRefused::Closed),
    };
    if let Some(refused) = refused {
        tx.rollback().await?;
        return Ok(Err(refused));
    }
    let id: i64 = on_tx!(tx, conn => sqlx::query_scalar(INSERT_REQUEST)
        .bind(new.draw.fund()).bind(new.draw.allocation_id()).bind(organisation_id).bind(by).bind(new.kind).bind(&new.title)
        .bind(new.starts_on).bind(new.ends_on).bind(new.amount_minor).bind(currency).bind(&new.expected_outcome)
        .bind(new.campaign_id).bind(at)
        .fetch_one(conn).await)?;
    event(&mut tx, id, Move::Request(RequestState::Requested), by, "", at).await?;
    if let Some(public_url) = notify {
        let amount = crate::money::amount_text(new.amount_minor, currency);
        let link = format!("{public_url}/mdf/{id}");
        let names = new.draw.fund().names();
        tell_funds_waiting(
            &mut tx,
            organisation_id,
            |partner| mail::mdf_requested(names, partner, &new.title, &amount, &link),
            format!("/mdf/{id}"),
            at,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(id))
}

/// Tells partner `organisation_id`'s channel manager (when it has one still active) that a
/// request or claim waits for their decision: `message` given the partner's name, about `path`.
async fn tell_funds_waiting(
    tx: &mut Tx,
    organisation_id: i64,
    message: impl FnOnce(&str) -> mail::Message,
    path: String,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let partner: String =
        on_tx!(tx, conn => sqlx::query_scalar(PARTNER_NAME).bind(organisation_id).fetch_one(conn).await)?;
    let notice = Notice { kind: notifications::Kind::FundsWaiting, message: message(&partner), path };
    notifications::store::tell_manager(tx, organisation_id, &notice, at).await
}

async fn event(tx: &mut Tx, id: i64, state: Move, by: i64, note: &str, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    execute_in!(tx, sqlx::query(INSERT_EVENT).bind(id).bind(state).bind(by).bind(note).bind(at))?;
    Ok(())
}

/// Moves request `id` from `from` to `to` with its timeline line (`note`: a rejection's reason),
/// and for vendor staff (`audited`) its audit entry; `false` when it was no longer in `from`. With
/// `notify` (the portal's public address), a decision is sent to the partner's admins.
pub async fn move_request(
    db: &Db,
    id: i64,
    (from, to): (RequestState, RequestState),
    note: &str,
    (by, audited): (i64, bool),
    notify: Option<&str>,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let reason = (!note.is_empty()).then_some(note);
    let moved = execute_in!(tx, sqlx::query(MOVE).bind(id).bind(to).bind(reason).bind(at).bind(from))?;
    if moved == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    event(&mut tx, id, Move::Request(to), by, note, at).await?;
    if audited {
        let said = format!("MDF request #{id}: {}", to.label());
        audit::record(&mut tx, by, AuditAction::DecidedMdfRequest, &said, at).await?;
    }
    let outcome = match to {
        RequestState::PreApproved => Some("pre-approved"),
        RequestState::Rejected => Some("rejected"),
        _ => None,
    };
    if let (Some(public_url), Some(outcome)) = (notify, outcome) {
        let (organisation_id, title, fund): (i64, String, Fund) =
            on_tx!(tx, conn => sqlx::query_as(ABOUT).bind(id).fetch_one(conn).await)?;
        let reason = (!note.is_empty()).then_some(note);
        let link = format!("{public_url}/mdf/{id}");
        let message = mail::mdf_decided(fund.names(), (&title, "request"), outcome, reason, &link);
        let notice = Notice { kind: notifications::Kind::Funds, message, path: format!("/mdf/{id}") };
        notifications::store::tell_partner_admins(&mut tx, organisation_id, &notice, at).await?;
    }
    tx.commit().await?;
    Ok(true)
}
