use super::PartnerRow;
use crate::auth::access::OrganisationFacts;
use crate::db::Db;
use crate::on_db;

macro_rules! partner_row_select {
    () => {
        "SELECT o.id, o.name, COALESCE(pt.name, '') AS partner_type, COALESCE(t.name, '') AS tier, \
    COALESCE(o.region, '') AS region, cm.name AS channel_manager, cm.email AS channel_manager_email, \
    (SELECT COUNT(*) FROM users u WHERE u.organisation_id = o.id) AS people \
    FROM organisations o \
    LEFT JOIN partner_types pt ON pt.id = o.partner_type_id \
    LEFT JOIN tiers t ON t.id = o.tier_id \
    LEFT JOIN users cm ON cm.id = o.channel_manager_id"
    };
}

/// Partner organisations by name; only those assigned to `channel_manager` when given.
pub async fn list_partners(db: &Db, channel_manager: Option<i64>) -> Result<Vec<PartnerRow>, sqlx::Error> {
    const SQL: &str = concat!(
        partner_row_select!(),
        " WHERE o.kind = 'partner' AND ($1 IS NULL OR o.channel_manager_id = $1) ORDER BY o.name"
    );
    on_db!(db, pool => sqlx::query_as(SQL).bind(channel_manager).fetch_all(pool).await)
}

pub async fn partner(db: &Db, id: i64) -> Result<Option<PartnerRow>, sqlx::Error> {
    const SQL: &str = concat!(partner_row_select!(), " WHERE o.kind = 'partner' AND o.id = $1");
    on_db!(db, pool => sqlx::query_as(SQL).bind(id).fetch_optional(pool).await)
}

/// What access decisions about an organisation need; `None` if there is no such organisation.
pub async fn organisation_facts(db: &Db, id: i64) -> Result<Option<OrganisationFacts>, sqlx::Error> {
    let row: Option<(i64, String, Option<i64>)> = on_db!(db, pool => sqlx::query_as(
        "SELECT id, kind, channel_manager_id FROM organisations WHERE id = $1")
        .bind(id).fetch_optional(pool).await)?;
    Ok(row.map(|(id, kind, channel_manager_id)| OrganisationFacts {
        id,
        is_vendor: kind == "vendor",
        channel_manager_id,
    }))
}
