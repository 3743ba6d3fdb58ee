//! SPIFFs in the database: marketing's drafts, launches and early ends (with their audit
//! entries), what each paid within a reach, and the entries a won deal earns.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

use crate::audit::{self, AuditAction};
use crate::auth::reach::Reach;
use crate::db::{Conditions, Db};
use crate::incentives::ledger::{NewEntry, WonDeal};
use crate::incentives::spiffs::{self, Basis, Rule, Spiff, SpiffState, WinFacts};
use crate::money::{Conversion, Currency};
use crate::tiers::audience::Audience;
use crate::{bind_all, execute_in, on_db, on_tx};

crate::statements! {
    const LIST = "SELECT id, name, description, starts_on, ends_on, products, min_amount_minor, new_logo_only, basis, \
        payout_minor, currency, state FROM spiffs ORDER BY starts_on DESC, id DESC";
    const LIVE_ON = "SELECT id, name, description, starts_on, ends_on, products, min_amount_minor, new_logo_only, basis, \
        payout_minor, currency, state FROM spiffs WHERE state = 'launched' AND starts_on <= $1 AND ends_on >= $1 ORDER BY id";
    const TIERS = "SELECT spiff_id, tier_id FROM spiff_tiers";
    const TYPES = "SELECT spiff_id, partner_type_id FROM spiff_types";
    const NAME_TAKEN = "SELECT COUNT(*) FROM spiffs WHERE lower(name) = lower($1)";
    const INSERT = "INSERT INTO spiffs (name, description, starts_on, ends_on, products, min_amount_minor, new_logo_only, \
        basis, payout_minor, currency, state, created_by, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $12) RETURNING id";
    const INSERT_TIER = "INSERT INTO spiff_tiers (spiff_id, tier_id) VALUES ($1, $2)";
    const INSERT_TYPE = "INSERT INTO spiff_types (spiff_id, partner_type_id) VALUES ($1, $2)";
    const LAUNCH = "UPDATE spiffs SET state = 'launched', launched_by = $2, launched_at = $3, starts_on = $4 \
        WHERE id = $1 AND state = 'draft' RETURNING name";
    const ONE = "SELECT id, name, description, starts_on, ends_on, products, min_amount_minor, new_logo_only, basis, \
        payout_minor, currency, state FROM spiffs WHERE id = $1";
    const END_EARLY = "UPDATE spiffs SET ends_on = $2 WHERE id = $1 AND state = 'launched' AND ends_on > $2 RETURNING name";
    const TIER_AND_TYPE = "SELECT tier_id, partner_type_id FROM organisations WHERE id = $1";
    const WIN_FACTS = "SELECT d.created_by, u.name, o.tier_id, o.partner_type_id, d.products, \
        (SELECT COUNT(*) FROM deals w WHERE w.customer_domain = d.customer_domain AND w.status = 'won' AND w.id <> d.id) \
        FROM deals d JOIN users u ON u.id = d.created_by JOIN organisations o ON o.id = d.organisation_id WHERE d.id = $1";
}

/// Per SPIFF: what its entries within a reach come to (reversals netted), and how many deals
/// earned it and were not reversed.
fn paid_sql(reach: Reach) -> Conditions {
    let mut sql = Conditions::new(
        "SELECT e.spiff_id, CAST(SUM(e.amount_minor) AS BIGINT), COUNT(DISTINCT CASE WHEN e.reverses IS NULL \
         AND NOT EXISTS (SELECT 1 FROM incentive_entries v WHERE v.reverses = e.id) THEN e.deal_id END) \
         FROM incentive_entries e JOIN organisations o ON o.id = e.organisation_id WHERE e.spiff_id IS NOT NULL",
    );
    reach.narrow(&mut sql, "o");
    sql.sql.push_str(" GROUP BY e.spiff_id");
    sql
}

/// The SQL assembled at run time, for the test that prepares every statement.
pub fn assembled_statements() -> Vec<String> {
    vec![paid_sql(Reach::Assigned { channel_manager_id: 1 }).sql]
}

#[derive(sqlx::FromRow)]
struct Stored {
    id: i64,
    name: String,
    description: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    products: String,
    min_amount_minor: i64,
    new_logo_only: bool,
    basis: Basis,
    payout_minor: i64,
    currency: String,
    state: SpiffState,
}

async fn with_audiences(db: &Db, stored: Vec<Stored>) -> Result<Vec<Spiff>, sqlx::Error> {
    let (tiers, types): (Vec<(i64, i64)>, Vec<(i64, i64)>) = on_db!(db, pool => {
        let tiers = sqlx::query_as(TIERS).fetch_all(pool).await?;
        let types = sqlx::query_as(TYPES).fetch_all(pool).await?;
        Ok::<_, sqlx::Error>((tiers, types))
    })?;
    Ok(stored
        .into_iter()
        .map(|row| Spiff {
            id: row.id,
            rule: Rule {
                products: row.products.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect(),
                min_amount_minor: row.min_amount_minor,
                new_logo_only: row.new_logo_only,
                audience: Audience::of(row.id, &tiers, &types),
            },
            name: row.name,
            description: row.description,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            basis: row.basis,
            payout_minor: row.payout_minor,
            currency: Currency::parse(&row.currency).unwrap_or(Currency::USD),
            state: row.state,
        })
        .collect())
}

/// Every SPIFF, the latest first.
pub async fn list(db: &Db) -> Result<Vec<Spiff>, sqlx::Error> {
    let stored = on_db!(db, pool => sqlx::query_as(LIST).fetch_all(pool).await)?;
    with_audiences(db, stored).await
}

/// Per SPIFF id: what it paid the partners within `reach` (net of reversals), and the deals that earned it.
pub async fn paid(db: &Db, reach: Reach) -> Result<HashMap<i64, (i64, i64)>, sqlx::Error> {
    let sql = paid_sql(reach);
    let rows: Vec<(i64, i64, i64)> =
        on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql.sql)), &sql.params).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(id, amount, deals)| (id, (amount, deals))).collect())
}

/// Partner `organisation_id`'s tier and type, as an audience judges it.
pub async fn tier_and_type(db: &Db, organisation_id: i64) -> Result<(Option<i64>, Option<i64>), sqlx::Error> {
    let row = on_db!(db, pool => sqlx::query_as(TIER_AND_TYPE).bind(organisation_id).fetch_optional(pool).await)?;
    Ok(row.unwrap_or((None, None)))
}

/// Why a SPIFF was not created.
#[derive(Debug, PartialEq, Eq)]
pub enum Created {
    Created(i64),
    NameTaken,
}

/// Stores `spiff` as a draft, by `by` at `at`.
pub async fn create(db: &Db, spiff: &Spiff, by: i64, at: DateTime<Utc>) -> Result<Created, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("spiffs").await?;
    let taken: i64 = on_tx!(tx, conn => sqlx::query_scalar(NAME_TAKEN).bind(&spiff.name).fetch_one(conn).await)?;
    if taken > 0 {
        tx.rollback().await?;
        return Ok(Created::NameTaken);
    }
    let products = spiff.rule.products.join(", ");
    let id: i64 = on_tx!(tx, conn => sqlx::query_scalar(INSERT)
        .bind(&spiff.name).bind(&spiff.description).bind(spiff.starts_on).bind(spiff.ends_on).bind(&products)
        .bind(spiff.rule.min_amount_minor).bind(spiff.rule.new_logo_only).bind(spiff.basis)
        .bind(spiff.payout_minor).bind(spiff.currency.code()).bind(by).bind(at)
        .fetch_one(conn).await)?;
    for tier in &spiff.rule.audience.tiers {
        execute_in!(tx, sqlx::query(INSERT_TIER).bind(id).bind(tier))?;
    }
    for kind in &spiff.rule.audience.types {
        execute_in!(tx, sqlx::query(INSERT_TYPE).bind(id).bind(kind))?;
    }
    audit::record(&mut tx, by, AuditAction::ChangedSpiff, &format!("Created SPIFF {}", spiff.name), at).await?;
    tx.commit().await?;
    Ok(Created::Created(id))
}

/// SPIFF `id`, if there is one.
pub async fn spiff(db: &Db, id: i64) -> Result<Option<Spiff>, sqlx::Error> {
    let stored: Vec<Stored> = on_db!(db, pool => sqlx::query_as(ONE).bind(id).fetch_all(pool).await)?;
    Ok(with_audiences(db, stored).await?.into_iter().next())
}

/// Launches draft `id`, its first day now `starts_on` ([`Spiff::launch_from`]): `false` when it is
/// no draft (launched already, or no such SPIFF).
pub async fn launch(db: &Db, id: i64, starts_on: NaiveDate, by: i64, at: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let name: Option<String> = on_tx!(tx, conn => sqlx::query_scalar(LAUNCH)
        .bind(id).bind(by).bind(at).bind(starts_on).fetch_optional(conn).await)?;
    let Some(name) = name else {
        tx.rollback().await?;
        return Ok(false);
    };
    audit::record(&mut tx, by, AuditAction::LaunchedSpiff, &name, at).await?;
    tx.commit().await?;
    Ok(true)
}

/// Ends launched SPIFF `id` on `last_day` (sooner than planned): `false` when it is not launched
/// or ends by then already.
pub async fn end_early(db: &Db, id: i64, last_day: NaiveDate, by: i64, at: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let name: Option<String> =
        on_tx!(tx, conn => sqlx::query_scalar(END_EARLY).bind(id).bind(last_day).fetch_optional(conn).await)?;
    let Some(name) = name else {
        tx.rollback().await?;
        return Ok(false);
    };
    let said = format!("Ended SPIFF {name} on {last_day}");
    audit::record(&mut tx, by, AuditAction::ChangedSpiff, &said, at).await?;
    tx.commit().await?;
    Ok(true)
}

/// The SPIFF entries won deal `deal`, closed on `won_on` and recorded at `at`, earns: each
/// launched SPIFF whose window holds the day it closed judges the deal's facts, its final amount
/// converted into the SPIFF's currency.
pub async fn earned_by(
    db: &Db,
    deal: &WonDeal<'_>,
    won_on: NaiveDate,
    at: DateTime<Utc>,
) -> Result<Vec<NewEntry>, sqlx::Error> {
    let day = won_on;
    let stored = on_db!(db, pool => sqlx::query_as(LIVE_ON).bind(day).fetch_all(pool).await)?;
    let open = with_audiences(db, stored).await?;
    if open.is_empty() {
        return Ok(Vec::new());
    }
    let facts: Option<(i64, String, Option<i64>, Option<i64>, String, i64)> =
        on_db!(db, pool => sqlx::query_as(WIN_FACTS).bind(deal.deal_id).fetch_optional(pool).await)?;
    let Some((rep_id, rep_name, tier, partner_type, products, known)) = facts else {
        return Ok(Vec::new());
    };
    let rates = crate::money::store::usd_rates(db).await?;
    let judged: Vec<(Spiff, WinFacts<'_>)> = open
        .into_iter()
        .map(|spiff| {
            let amount_minor =
                Conversion::new(spiff.currency.code(), &rates).convert(deal.final_amount_minor, deal.currency);
            let win = WinFacts {
                won_on: day,
                tier,
                partner_type,
                products: &products,
                amount_minor,
                new_logo: known == 0,
                rep_id,
                rep_name: &rep_name,
            };
            (spiff, win)
        })
        .collect();
    Ok(spiffs::earned(&judged, deal, at))
}
