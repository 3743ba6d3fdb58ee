//! The deals a person's home lists, within their reach: drafts, decisions just made, protection
//! ending, extension requests and recent wins. Each query returns [`DealMoment`]s.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

use crate::auth::reach::Reach;
use crate::db::{Conditions, Db, Param};
use crate::deals::agenda::DealMoment;
use crate::{bind_all, on_db};

/// The columns every query here selects (after its `SELECT`), `moment` being when the thing it
/// lists happened.
macro_rules! moment_columns {
    ($moment:literal, $kind:literal) => {
        concat!(
            "d.id, o.name AS partner_name, d.customer_company, d.status, ",
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

// Each builder appends its query after `SELECT` to `conditions`, so several can share one
// statement (their parameters numbered on from the ones before), and answers the `ORDER BY` its
// moments are listed in.

fn drafts_sql(conditions: &mut Conditions, reach: Reach) -> &'static str {
    conditions.sql.push_str(concat!(moment_columns!("d.updated_at", "NULL"), " WHERE d.status = 'draft'"));
    reach.narrow(conditions, "o");
    "d.updated_at DESC, d.id DESC"
}

fn answers_sql(conditions: &mut Conditions, reach: Reach, since: DateTime<Utc>) -> &'static str {
    conditions.sql.push_str(concat!(
        moment_columns!("e.at", "e.kind"),
        " JOIN deal_events e ON e.deal_id = d.id \
         WHERE e.kind IN ('approved', 'rejected', 'extension_approved', 'extension_declined')"
    ));
    conditions.push(" AND e.at >= $n", Param::Time(since));
    reach.narrow(conditions, "o");
    "e.at DESC, e.id DESC"
}

fn protection_ending_sql(conditions: &mut Conditions, reach: Reach, until: DateTime<Utc>) -> &'static str {
    conditions.sql.push_str(concat!(moment_columns!("d.protected_until", "NULL"), " WHERE d.status = 'approved'"));
    conditions.push(" AND d.protected_until <= $n", Param::Time(until));
    reach.narrow(conditions, "o");
    "d.protected_until, d.id"
}

fn extension_requests_sql(conditions: &mut Conditions, reach: Reach) -> &'static str {
    conditions.sql.push_str(concat!(
        moment_columns!("d.updated_at", "NULL"),
        " WHERE d.status = 'approved' AND d.extension_status = 'requested'"
    ));
    reach.narrow(conditions, "o");
    "d.protected_until, d.id"
}

fn wins_sql(conditions: &mut Conditions, reach: Reach, since: NaiveDate) -> &'static str {
    conditions.sql.push_str(concat!(moment_columns!("d.updated_at", "NULL"), " WHERE d.status = 'won'"));
    conditions.push(" AND d.closed_on >= $n", Param::Date(since));
    reach.narrow(conditions, "o");
    "d.closed_on DESC, d.id DESC"
}

/// One kind of moment on its own, in its order.
fn alone(build: impl FnOnce(&mut Conditions) -> &'static str) -> Conditions {
    let mut conditions = Conditions::new("SELECT ");
    let order = build(&mut conditions);
    conditions.sql.push_str(&format!(" ORDER BY {order} LIMIT {LIMIT}"));
    conditions
}

async fn moments(db: &Db, conditions: Conditions) -> Result<Vec<DealMoment>, sqlx::Error> {
    let Conditions { sql, params } = conditions;
    on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql)), &params).fetch_all(pool).await)
}

/// Approved deals whose protection ends by `until`, the soonest first.
pub async fn protection_ending(db: &Db, reach: Reach, until: DateTime<Utc>) -> Result<Vec<DealMoment>, sqlx::Error> {
    moments(db, alone(|c| protection_ending_sql(c, reach, until))).await
}

/// Extension requests waiting for an answer, the soonest protection end first.
pub async fn extension_requests(db: &Db, reach: Reach) -> Result<Vec<DealMoment>, sqlx::Error> {
    moments(db, alone(|c| extension_requests_sql(c, reach))).await
}

/// What a partner's home lists, each kind in its order: drafts, answers since `answered_since`,
/// protection ending by `ending_by`, wins since `won_since`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PartnerMoments {
    pub drafts: Vec<DealMoment>,
    pub answers: Vec<DealMoment>,
    pub ending: Vec<DealMoment>,
    pub wins: Vec<DealMoment>,
}

/// The four lists of [`PartnerMoments`] as one statement, each row numbered `list` (0–3, in the
/// order of the struct's fields) and `position` within its list.
fn partner_moments_sql(
    reach: Reach,
    answered_since: DateTime<Utc>,
    ending_by: DateTime<Utc>,
    won_since: NaiveDate,
) -> Conditions {
    let mut conditions = Conditions::default();
    let lists: [&dyn Fn(&mut Conditions) -> &'static str; 4] = [
        &|c| drafts_sql(c, reach),
        &|c| answers_sql(c, reach, answered_since),
        &|c| protection_ending_sql(c, reach, ending_by),
        &|c| wins_sql(c, reach, won_since),
    ];
    for (list, build) in lists.into_iter().enumerate() {
        let mut query = Conditions { sql: String::new(), params: std::mem::take(&mut conditions.params) };
        let order = build(&mut query);
        if list > 0 {
            conditions.sql.push_str(" UNION ALL ");
        }
        // Each list numbered in its own order, so its rows come back in it from the union.
        conditions.sql.push_str(&format!(
            "SELECT {list} AS list, * FROM (SELECT ROW_NUMBER() OVER (ORDER BY {order}) AS position, {} \
             ORDER BY {order} LIMIT {LIMIT}) k{list}",
            query.sql
        ));
        conditions.params = query.params;
    }
    conditions.sql.push_str(" ORDER BY list, position");
    conditions
}

#[derive(sqlx::FromRow)]
struct ListedMoment {
    list: i32,
    #[sqlx(flatten)]
    moment: DealMoment,
}

/// What a partner's home lists, read in one statement: each query is a round trip to the
/// database's worker, and the home page is the most visited page.
pub async fn partner_moments(
    db: &Db,
    reach: Reach,
    answered_since: DateTime<Utc>,
    ending_by: DateTime<Utc>,
    won_since: NaiveDate,
) -> Result<PartnerMoments, sqlx::Error> {
    let Conditions { sql, params } = partner_moments_sql(reach, answered_since, ending_by, won_since);
    let rows: Vec<ListedMoment> =
        on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql)), &params).fetch_all(pool).await)?;
    let mut lists: [Vec<DealMoment>; 4] = Default::default();
    for ListedMoment { list, moment } in rows {
        if let Some(listed) = usize::try_from(list).ok().and_then(|list| lists.get_mut(list)) {
            listed.push(moment);
        }
    }
    let [drafts, answers, ending, wins] = lists;
    Ok(PartnerMoments { drafts, answers, ending, wins })
}

/// SQL this module assembles at run time, for the test that prepares every statement.
pub fn assembled_statements() -> Vec<String> {
    let reach = Reach::Assigned { channel_manager_id: 1 };
    let now = DateTime::<Utc>::MIN_UTC;
    [
        alone(|c| protection_ending_sql(c, reach, now)),
        alone(|c| extension_requests_sql(c, reach)),
        partner_moments_sql(reach, now, now, NaiveDate::MIN),
    ]
    .into_iter()
    .map(|conditions| conditions.sql)
    .collect()
}
