//! The deals a person's home lists, within their reach: drafts, decisions just made, protection
//! ending, extension requests and recent wins. Each query returns [`DealMoment`]s.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

use crate::auth::reach::Reach;
use crate::db::{Conditions, Db, Param};
use crate::deals::agenda::DealMoment;
use crate::{bind_all, on_db};

/// The columns every query here selects, `moment` being when the thing it lists happened.
macro_rules! moment_columns {
    ($moment:literal, $kind:literal) => {
        concat!(
            "SELECT d.id, o.name AS partner_name, d.customer_company, d.status, ",
            $moment,
            " AS moment, ",
            $kind,
            " AS kind, d.protected_until, d.extension_status, d.rejection_reason, \
             COALESCE(d.final_amount_minor, d.amount_minor) AS amount_minor, d.currency, d.closed_on \
             FROM deals d JOIN organisations o ON o.id = d.organisation_id"
        )
    };
}

/// At most this many of each kind are read; a home shows fewer.
const LIMIT: i64 = 50;

fn drafts_sql(reach: Reach) -> Conditions {
    let mut conditions = Conditions::new(concat!(moment_columns!("d.updated_at", "NULL"), " WHERE d.status = 'draft'"));
    reach.narrow(&mut conditions, "o");
    conditions.sql.push_str(" ORDER BY d.updated_at DESC, d.id DESC");
    conditions
}

fn answers_sql(reach: Reach, since: DateTime<Utc>) -> Conditions {
    let mut conditions = Conditions::new(concat!(
        moment_columns!("e.at", "e.kind"),
        " JOIN deal_events e ON e.deal_id = d.id \
         WHERE e.kind IN ('approved', 'rejected', 'extension_approved', 'extension_declined')"
    ));
    conditions.push(" AND e.at >= $n", Param::Time(since));
    reach.narrow(&mut conditions, "o");
    conditions.sql.push_str(" ORDER BY e.at DESC, e.id DESC");
    conditions
}

fn protection_ending_sql(reach: Reach, until: DateTime<Utc>) -> Conditions {
    let mut conditions =
        Conditions::new(concat!(moment_columns!("d.protected_until", "NULL"), " WHERE d.status = 'approved'"));
    conditions.push(" AND d.protected_until <= $n", Param::Time(until));
    reach.narrow(&mut conditions, "o");
    conditions.sql.push_str(" ORDER BY d.protected_until, d.id");
    conditions
}

fn extension_requests_sql(reach: Reach) -> Conditions {
    let mut conditions = Conditions::new(concat!(
        moment_columns!("d.updated_at", "NULL"),
        " WHERE d.status = 'approved' AND d.extension_status = 'requested'"
    ));
    reach.narrow(&mut conditions, "o");
    conditions.sql.push_str(" ORDER BY d.protected_until, d.id");
    conditions
}

fn wins_sql(reach: Reach, since: NaiveDate) -> Conditions {
    let mut conditions = Conditions::new(concat!(moment_columns!("d.updated_at", "NULL"), " WHERE d.status = 'won'"));
    conditions.push(" AND d.closed_on >= $n", Param::Date(since));
    reach.narrow(&mut conditions, "o");
    conditions.sql.push_str(" ORDER BY d.closed_on DESC, d.id DESC");
    conditions
}

async fn moments(db: &Db, conditions: Conditions) -> Result<Vec<DealMoment>, sqlx::Error> {
    let Conditions { sql, params } = conditions;
    let sql = format!("{sql} LIMIT {LIMIT}");
    on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql)), &params).fetch_all(pool).await)
}

/// Drafts not yet submitted, the latest first.
pub async fn drafts(db: &Db, reach: Reach) -> Result<Vec<DealMoment>, sqlx::Error> {
    moments(db, drafts_sql(reach)).await
}

/// Approvals, rejections and extension answers since `since`, the latest first.
pub async fn answers(db: &Db, reach: Reach, since: DateTime<Utc>) -> Result<Vec<DealMoment>, sqlx::Error> {
    moments(db, answers_sql(reach, since)).await
}

/// Approved deals whose protection ends by `until`, the soonest first.
pub async fn protection_ending(db: &Db, reach: Reach, until: DateTime<Utc>) -> Result<Vec<DealMoment>, sqlx::Error> {
    moments(db, protection_ending_sql(reach, until)).await
}

/// Extension requests waiting for an answer, the soonest protection end first.
pub async fn extension_requests(db: &Db, reach: Reach) -> Result<Vec<DealMoment>, sqlx::Error> {
    moments(db, extension_requests_sql(reach)).await
}

/// Deals won on or after `since`, the latest close first.
pub async fn wins(db: &Db, reach: Reach, since: NaiveDate) -> Result<Vec<DealMoment>, sqlx::Error> {
    moments(db, wins_sql(reach, since)).await
}

/// SQL this module assembles at run time, for the test that prepares every statement.
pub fn assembled_statements() -> Vec<String> {
    let reach = Reach::Assigned { channel_manager_id: 1 };
    let now = DateTime::<Utc>::MIN_UTC;
    [
        drafts_sql(reach),
        answers_sql(reach, now),
        protection_ending_sql(reach, now),
        extension_requests_sql(reach),
        wins_sql(reach, NaiveDate::MIN),
    ]
    .into_iter()
    .map(|conditions| format!("{} LIMIT {LIMIT}", conditions.sql))
    .collect()
}
