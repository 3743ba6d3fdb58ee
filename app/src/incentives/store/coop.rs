//! Co-op funds in the database: the one writer of accruals ([`book`], in the transaction of the
//! win) and of their reversals ([`reverse_deal`], in the transaction of the reopening), and each
//! partner's balance: accrued, less what its co-op requests hold.

use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use crate::auth::reach::Reach;
use crate::db::{Conditions, Db, Tx};
use crate::incentives::coop::{self, CoopAccrual, CoopBalance, CoopLine};
use crate::incentives::mdf::store::held;
use crate::{bind_all, execute_in, on_db, on_tx};

/// Partner `o`'s co-op balance columns: accrued, and held by its co-op requests (by MDF's one rule
/// of what a request holds).
macro_rules! balance_columns {
    () => {
        concat!(
            "SELECT o.id AS partner_id, o.name AS partner, \
             CAST(COALESCE((SELECT SUM(a.amount_minor) FROM coop_accruals a WHERE a.organisation_id = o.id), 0) AS BIGINT) \
             AS accrued_minor, ",
            held!("r.organisation_id = o.id AND r.fund = 'coop'"),
            " AS committed_minor FROM organisations o"
        )
    };
}

crate::statements! {
    const INSERT = "INSERT INTO coop_accruals (organisation_id, deal_id, amount_minor, currency, basis_minor, basis_currency, \
        rate_bp, description, reverses, accrued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    const UNREVERSED_OF_DEAL = "SELECT a.id, a.organisation_id, a.deal_id, a.amount_minor, a.currency, a.basis_minor, \
        a.basis_currency, a.rate_bp, a.description FROM coop_accruals a WHERE a.deal_id = $1 AND a.reverses IS NULL \
        AND NOT EXISTS (SELECT 1 FROM coop_accruals v WHERE v.reverses = a.id)";
    const BALANCE_OF = concat!(balance_columns!(), " WHERE o.id = $1");
    const LINES_OF = "SELECT id, deal_id, amount_minor, currency, description, accrued_at FROM coop_accruals \
        WHERE organisation_id = $1 ORDER BY accrued_at DESC, id DESC LIMIT 50";
}

fn balances_sql(reach: Reach) -> Conditions {
    let mut sql = Conditions::new(concat!(
        balance_columns!(),
        " WHERE EXISTS (SELECT 1 FROM coop_accruals x WHERE x.organisation_id = o.id)"
    ));
    reach.narrow(&mut sql, "o");
    sql.sql.push_str(" ORDER BY o.name");
    sql
}

/// The SQL assembled at run time, for the test that prepares every statement.
pub fn assembled_statements() -> Vec<String> {
    vec![balances_sql(Reach::Assigned { channel_manager_id: 1 }).sql]
}

/// Writes `accrual` (a win's, or a reversal), in the transaction of what caused it.
pub async fn book(tx: &mut Tx, accrual: &CoopAccrual) -> Result<(), sqlx::Error> {
    execute_in!(
        tx,
        sqlx::query(INSERT)
            .bind(accrual.organisation_id)
            .bind(accrual.deal_id)
            .bind(accrual.amount_minor)
            .bind(&accrual.currency)
            .bind(accrual.basis_minor)
            .bind(&accrual.basis_currency)
            .bind(accrual.rate_bp)
            .bind(&accrual.description)
            .bind(accrual.reverses)
            .bind(accrual.accrued_at)
    )?;
    Ok(())
}

type Accrued = (i64, i64, i64, i64, String, i64, String, i64, String);

/// Reverses what deal `deal_id` accrued to its partner's co-op fund and nothing reversed yet.
pub async fn reverse_deal(tx: &mut Tx, deal_id: i64, why: &str, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let accrued: Vec<Accrued> =
        on_tx!(tx, conn => sqlx::query_as(UNREVERSED_OF_DEAL).bind(deal_id).fetch_all(conn).await)?;
    for (id, organisation_id, deal_id, amount_minor, currency, basis_minor, basis_currency, rate_bp, description) in
        accrued
    {
        let original = CoopAccrual {
            organisation_id,
            deal_id,
            amount_minor,
            currency,
            basis_minor,
            basis_currency,
            rate_bp,
            description,
            reverses: None,
            accrued_at: at,
        };
        book(tx, &coop::reversal(id, &original, why, at)).await?;
    }
    Ok(())
}

/// The co-op funds of the partners within `reach` that accrued any.
pub async fn balances(db: &Db, reach: Reach) -> Result<Vec<CoopBalance>, sqlx::Error> {
    let sql = balances_sql(reach);
    on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql.sql)), &sql.params).fetch_all(pool).await)
}

/// Partner `organisation_id`'s co-op fund, read inside `tx` (under MDF's lock, to decide whether
/// a request fits).
pub async fn balance_in(tx: &mut Tx, organisation_id: i64) -> Result<Option<CoopBalance>, sqlx::Error> {
    on_tx!(tx, conn => sqlx::query_as(BALANCE_OF).bind(organisation_id).fetch_optional(conn).await)
}

/// The newest 50 rows of partner `organisation_id`'s co-op fund.
pub async fn lines_of(db: &Db, organisation_id: i64) -> Result<Vec<CoopLine>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(LINES_OF).bind(organisation_id).fetch_all(pool).await)
}
