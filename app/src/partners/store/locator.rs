//! The public partner locator's partners ([`crate::locator`]): the one rule of who prospects see
//! (listed, its profile complete, and allowed into the portal by the agreement, as a session is),
//! what a company profile page shows of it, and the listing's one writer (with its audit entry).

use chrono::{DateTime, Utc};

use crate::audit::{self, AuditAction, Change};
use crate::db::Db;
use crate::partners::profile::{Listing, ListingStanding};
use crate::{execute_in, on_db};

/// Every partner with what the locator shows of it, whether it is listed, whether its profile is
/// complete, and by when it must accept the current agreement (`agreement_due`, as a session reads it).
macro_rules! partners_as_listed {
    () => {
        concat!(
            "SELECT * FROM (SELECT o.id, o.name, COALESCE(o.region, '') AS region, ",
            "COALESCE(pt.name, '') AS partner_type, COALESCE(t.name, '') AS tier, ",
            "CAST(COALESCE(t.rank, 0) AS BIGINT) AS tier_rank, o.city, o.country, o.website, o.contact_email, ",
            "o.phone, o.about, o.listed_at IS NOT NULL AS listed, o.profile_completed_at IS NOT NULL AS complete, ",
            crate::agreement_due_column!(),
            " FROM organisations o LEFT JOIN partner_types pt ON pt.id = o.partner_type_id ",
            "LEFT JOIN tiers t ON t.id = o.tier_id WHERE o.kind = 'partner') p"
        )
    };
}

crate::statements! {
    // Who prospects see at $1 (the rule of [`ListingStanding::of`], in SQL).
    const SHOWN = concat!(partners_as_listed!(), " WHERE listed AND complete AND (agreement_due IS NULL OR agreement_due > $1) ORDER BY id");
    const SHOWN_ONE = concat!(partners_as_listed!(), " WHERE listed AND complete AND (agreement_due IS NULL OR agreement_due > $1) AND id = $2");
    const STANDING = concat!("SELECT listed, complete, agreement_due FROM (", partners_as_listed!(), ") s WHERE id = $1");
    const LIST = "UPDATE organisations SET listed_at = $2 WHERE id = $1 AND kind = 'partner' AND listed_at IS NULL";
    const UNLIST = "UPDATE organisations SET listed_at = NULL WHERE id = $1 AND kind = 'partner' AND listed_at IS NOT NULL";
}

/// Every partner prospects see at `now`.
pub async fn shown(db: &Db, now: DateTime<Utc>) -> Result<Vec<Listing>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(SHOWN).bind(now).fetch_all(pool).await)
}

/// Partner `id`, if prospects see it at `now`.
pub async fn shown_one(db: &Db, id: i64, now: DateTime<Utc>) -> Result<Option<Listing>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(SHOWN_ONE).bind(now).bind(id).fetch_optional(pool).await)
}

/// Whether partner `organisation_id` is listed, and what holds it back at `now`; none for no partner.
pub async fn standing(
    db: &Db,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<ListingStanding>, sqlx::Error> {
    let found: Option<(bool, bool, Option<DateTime<Utc>>)> =
        on_db!(db, pool => sqlx::query_as(STANDING).bind(organisation_id).fetch_optional(pool).await)?;
    Ok(found.map(|(listed, complete, due)| ListingStanding::of(listed, complete, due, now)))
}

/// Lists partner `organisation_id` in the locator, or takes it off, as person `by` chose.
pub async fn set_listed(
    db: &Db,
    organisation_id: i64,
    listed: bool,
    by: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let changed = if listed {
        execute_in!(tx, sqlx::query(LIST).bind(organisation_id).bind(at))?
    } else {
        execute_in!(tx, sqlx::query(UNLIST).bind(organisation_id))?
    };
    if changed > 0 {
        let change = [Change::of("listed in the locator", !listed, listed)];
        let subject = format!("organisation {organisation_id}");
        audit::record_changes(&mut tx, by, AuditAction::ChangedLocatorListing, &subject, &change, at).await?;
    }
    tx.commit().await
}
