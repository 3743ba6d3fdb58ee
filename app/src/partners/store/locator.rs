//! Whether a partner is listed in the public partner locator ([`crate::locator`]): what its
//! company profile page shows, and the listing's one writer (with its audit entry).

use chrono::{DateTime, Utc};

use crate::audit::{self, AuditAction, Change};
use crate::db::Db;
use crate::partners::profile::ListingStanding;
use crate::{execute_in, on_db};

crate::statements! {
    const STANDING = "SELECT o.listed_at IS NOT NULL, o.profile_completed_at IS NOT NULL, \
        EXISTS (SELECT 1 FROM agreement_acceptances a WHERE a.organisation_id = o.id) \
        FROM organisations o WHERE o.id = $1 AND o.kind = 'partner'";
    const LIST = "UPDATE organisations SET listed_at = $2 WHERE id = $1 AND kind = 'partner' AND listed_at IS NULL";
    const UNLIST = "UPDATE organisations SET listed_at = NULL WHERE id = $1 AND kind = 'partner' AND listed_at IS NOT NULL";
}

/// Whether partner `organisation_id` is listed, and what holds it back; none for no partner.
pub async fn standing(db: &Db, organisation_id: i64) -> Result<Option<ListingStanding>, sqlx::Error> {
    let found: Option<(bool, bool, bool)> =
        on_db!(db, pool => sqlx::query_as(STANDING).bind(organisation_id).fetch_optional(pool).await)?;
    Ok(found.map(|(listed, profile, agreement)| {
        let held_back = match (profile, agreement) {
            (false, _) => Some("Complete your company profile first: prospects see all of it.".to_owned()),
            (true, false) => Some("Accept the partner agreement first.".to_owned()),
            (true, true) => None,
        };
        ListingStanding { listed, held_back }
    }))
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
