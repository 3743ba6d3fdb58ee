use sqlx::AssertSqlSafe;

use crate::auth::reach::Reach;
use crate::db::{Conditions, Db};
use crate::{bind_all, on_db};

/// Partner organisations within `reach`, their people, and their spread over tiers.
pub async fn vendor_overview(db: &Db, reach: Reach) -> Result<(i64, i64, Vec<(String, i64)>), sqlx::Error> {
    let [by_tier_sql, people_sql] = overview_statements(reach);
    on_db!(db, pool => {
        let by_tier: Vec<(String, i64)> =
            bind_all!(sqlx::query_as(AssertSqlSafe(by_tier_sql.sql)), &by_tier_sql.params).fetch_all(pool).await?;
        let people: i64 =
            bind_all!(sqlx::query_scalar(AssertSqlSafe(people_sql.sql)), &people_sql.params).fetch_one(pool).await?;
        let partners = by_tier.iter().map(|(_, count)| count).sum();
        Ok((partners, people, by_tier))
    })
}

fn overview_statements(reach: Reach) -> [Conditions; 2] {
    let mut by_tier = Conditions::new(
        "SELECT t.name, COUNT(o.id) FROM tiers t LEFT JOIN organisations o ON o.tier_id = t.id AND o.kind = 'partner'",
    );
    reach.narrow(&mut by_tier, "o");
    by_tier.sql.push_str(" GROUP BY t.name, t.rank ORDER BY t.rank");
    let mut people = Conditions::new(
        "SELECT COUNT(*) FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE o.kind = 'partner'",
    );
    reach.narrow(&mut people, "o");
    [by_tier, people]
}

/// SQL this module assembles at run time, for the test that prepares every statement.
pub fn assembled_statements() -> Vec<String> {
    overview_statements(Reach::Assigned { channel_manager_id: 1 }).into_iter().map(|c| c.sql).collect()
}
