//! The locator in the database: who prospects may see. Whether a partner is listed is its
//! company profile's ([`crate::partners::store::locator`]); the leads the locator sends go
//! through the leads' own writer ([`crate::campaigns::store::launches::add_lead`]).

use super::Listing;
use crate::db::Db;
use crate::on_db;

/// Who prospects may see: listed partners with a complete profile that accepted the agreement.
macro_rules! listed_partners {
    () => {
        "SELECT o.id, o.name, COALESCE(o.region, '') AS region, COALESCE(pt.name, '') AS partner_type, \
         COALESCE(t.name, '') AS tier, CAST(COALESCE(t.rank, 0) AS BIGINT) AS tier_rank, o.city, o.country, \
         o.website, o.contact_email, o.phone, o.about FROM organisations o \
         LEFT JOIN partner_types pt ON pt.id = o.partner_type_id LEFT JOIN tiers t ON t.id = o.tier_id \
         WHERE o.kind = 'partner' AND o.listed_at IS NOT NULL AND o.profile_completed_at IS NOT NULL \
         AND EXISTS (SELECT 1 FROM agreement_acceptances a WHERE a.organisation_id = o.id)"
    };
}

crate::statements! {
    const LISTED = concat!(listed_partners!(), " ORDER BY o.id");
    const ONE = concat!(listed_partners!(), " AND o.id = $1");
}

/// Every partner prospects may see.
pub async fn listed(db: &Db) -> Result<Vec<Listing>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(LISTED).fetch_all(pool).await)
}

/// Partner `id`, if prospects may see it.
pub async fn listing(db: &Db, id: i64) -> Result<Option<Listing>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(ONE).bind(id).fetch_optional(pool).await)
}
