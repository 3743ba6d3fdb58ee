use leptos::prelude::*;

use super::{PartnerDetail, PartnerDrill, PartnerList};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::store,
    crate::auth::access::PARTNER_DIRECTORY_ROLES,
    crate::auth::reach::Reach,
    crate::auth::{Role, guard},
    crate::state,
    crate::team,
};

/// The partners within the caller's reach (all of them for admins and marketing, a channel
/// manager's own), narrowed as a dashboard link asks, 50 to a page.
#[server(endpoint = "list_partners")]
pub async fn list_partners(page: Option<i64>, #[server(flatten)] drill: PartnerDrill) -> Result<PartnerList, AppError> {
    let user = guard::require_role(PARTNER_DIRECTORY_ROLES)?;
    let db = state::db()?;
    let narrowing = store::PartnerNarrowing::parse(&drill).map_err(AppError::invalid)?;
    let page = page.unwrap_or(1).clamp(1, 100_000);
    let per_page = 50;
    let (mut rows, total) = store::list_partners(&db, Reach::of(&user), &narrowing, page, per_page).await?;
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let health = crate::kpi::health_of(&db, &ids).await?;
    for (row, health) in rows.iter_mut().zip(health) {
        row.health = health;
    }
    Ok(PartnerList { rows, total, page, per_page })
}

/// One partner's profile. Anyone who may not see it is told it does not exist.
#[server(endpoint = "partner_profile")]
pub async fn partner_profile(id: i64) -> Result<PartnerDetail, AppError> {
    let user = guard::signed_in()?;
    let db = state::db()?;
    // The vendor is an organisation too, but not a partner: no profile here.
    guard::reachable_partner(&db, &user, id).await?;
    let partner = store::partner(&db, id).await?.ok_or(AppError::NotFound)?;
    let members = team::store::members(&db, id).await?;
    Ok(PartnerDetail { partner, members, can_invite: user.role == Role::Admin })
}
