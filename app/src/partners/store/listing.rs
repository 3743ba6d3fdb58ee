//! Partners as other systems read them (the REST API): a list within a reach, in order of id,
//! continued after the last one seen, and one partner by id.

use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use crate::auth::reach::Reach;
use crate::db::keyset::{After, KeyOrder};
use crate::db::{Conditions, Db, Param, contains_pattern};
use crate::{bind_all, on_db};

/// A partner organisation, as the REST API shows it.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = Partner)]
pub struct PartnerListing {
    pub id: i64,
    pub name: String,
    pub partner_type: String,
    pub tier: String,
    pub region: String,
    pub channel_manager: Option<String>,
    pub website: String,
    pub contact_email: String,
    pub city: String,
    pub country: String,
    /// When it joined the program.
    #[serde(rename = "joined_at")]
    pub created_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT o.id, o.name, COALESCE(pt.name, '') AS partner_type, COALESCE(t.name, '') AS tier, \
    COALESCE(o.region, '') AS region, cm.name AS channel_manager, o.website, o.contact_email, o.city, o.country, \
    o.created_at FROM organisations o LEFT JOIN partner_types pt ON pt.id = o.partner_type_id \
    LEFT JOIN tiers t ON t.id = o.tier_id LEFT JOIN users cm ON cm.id = o.channel_manager_id WHERE 1 = 1";

/// What a list of partners is narrowed to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListingFilter {
    pub search: Option<String>,
    pub tier: Option<String>,
    pub region: Option<String>,
    pub partner_type: Option<String>,
}

fn listing_sql(reach: Reach, filter: &ListingFilter, keyset: (KeyOrder, Option<After>), limit: i64) -> Conditions {
    let mut conditions = Conditions::new(SELECT);
    reach.narrow(&mut conditions, "o");
    if let Some(search) = &filter.search {
        conditions.push(" AND lower(o.name) LIKE $n ESCAPE '\\'", Param::Text(contains_pattern(search)));
    }
    for (column, value) in [("t.name", &filter.tier), ("o.region", &filter.region), ("pt.name", &filter.partner_type)] {
        if let Some(value) = value {
            conditions.push(&format!(" AND lower({column}) = lower($n)"), Param::Text(value.clone()));
        }
    }
    let (order, after) = keyset;
    if let Some(after) = after {
        order.continue_after(after, &mut conditions, "o");
    }
    conditions.sql.push_str(&format!(" ORDER BY {} LIMIT {limit}", order.order_by("o")));
    conditions
}

/// At most `limit` partners within `reach`, narrowed by `filter`, after `after` in `order`.
pub async fn after(
    db: &Db,
    reach: Reach,
    filter: &ListingFilter,
    keyset: (KeyOrder, Option<After>),
    limit: i64,
) -> Result<Vec<PartnerListing>, sqlx::Error> {
    let Conditions { sql, params } = listing_sql(reach, filter, keyset, limit);
    on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql)), &params).fetch_all(pool).await)
}

/// Partner `id` if it is within `reach`.
pub async fn one(db: &Db, reach: Reach, id: i64) -> Result<Option<PartnerListing>, sqlx::Error> {
    let mut conditions = Conditions::new(SELECT);
    reach.narrow(&mut conditions, "o");
    conditions.push(" AND o.id = $n", Param::Int(id));
    let Conditions { sql, params } = conditions;
    on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql)), &params).fetch_optional(pool).await)
}

/// The list's SQL in its fullest form, for the test that prepares every statement.
pub fn assembled_statements() -> Vec<String> {
    let filter = ListingFilter {
        search: Some("blue".into()),
        tier: Some("Gold".into()),
        region: Some("EMEA".into()),
        partner_type: Some("MSP".into()),
    };
    vec![
        listing_sql(Reach::Assigned { channel_manager_id: 1 }, &filter, (KeyOrder::IdAscending, Some(After::Id(1))), 2)
            .sql,
    ]
}
