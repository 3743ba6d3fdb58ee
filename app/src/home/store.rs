use crate::db::Db;
use crate::on_db;

/// Partner organisations, their people and their spread over tiers, within a channel manager's
/// partners when `channel_manager` is given.
pub async fn vendor_overview(
    db: &Db,
    channel_manager: Option<i64>,
) -> Result<(i64, i64, Vec<(String, i64)>), sqlx::Error> {
    on_db!(db, pool => {
        let by_tier: Vec<(String, i64)> = sqlx::query_as(
            "SELECT t.name, COUNT(o.id) FROM tiers t \
             LEFT JOIN organisations o ON o.tier_id = t.id AND o.kind = 'partner' \
                 AND ($1 IS NULL OR o.channel_manager_id = $1) \
             GROUP BY t.name, t.rank ORDER BY t.rank")
            .bind(channel_manager).fetch_all(pool).await?;
        let people: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM users u JOIN organisations o ON o.id = u.organisation_id \
             WHERE o.kind = 'partner' AND ($1 IS NULL OR o.channel_manager_id = $1)")
            .bind(channel_manager).fetch_one(pool).await?;
        let partners = by_tier.iter().map(|(_, count)| count).sum();
        Ok((partners, people, by_tier))
    })
}
