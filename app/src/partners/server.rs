use leptos::prelude::*;

use super::profile::CompanyProfile;
#[cfg(feature = "ssr")]
use super::{DirectorySort, PartnerRow};
use super::{PartnerDetail, PartnerDrill, PartnerList};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::store,
    crate::auth::access::{OWN_ONBOARDING_ROLES, PARTNER_DIRECTORY_ROLES},
    crate::auth::reach::Reach,
    crate::auth::{Role, guard},
    crate::state,
    crate::team,
    chrono::Utc,
};

/// A partner's company profile as its own people see it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CompanyProfileView {
    pub profile: CompanyProfile,
    pub can_edit: bool,
}

/// The partners within the caller's reach (all of them for admins and marketing, a channel
/// manager's own), searched, filtered and sorted as the directory's form or a dashboard link
/// asks, 50 to a page.
#[server(endpoint = "list_partners")]
pub async fn list_partners(page: Option<i64>, #[server(flatten)] drill: PartnerDrill) -> Result<PartnerList, AppError> {
    let user = guard::require_role(PARTNER_DIRECTORY_ROLES)?;
    let db = state::db()?;
    let narrowing = store::PartnerNarrowing::parse(&drill).map_err(AppError::invalid)?;
    let page = page.unwrap_or(1).clamp(1, 100_000);
    let per_page = 50;
    let reach = Reach::of(&user);
    let (rows, total) = directory(&db, &crate::kpi::cache::fact_cache()?, reach, &narrowing, page, per_page).await?;
    Ok(PartnerList {
        rows,
        total,
        page,
        per_page,
        choices: store::choices(&db, reach).await?,
        can_export: user.role.is_vendor_staff(),
    })
}

/// The most partners a directory filters by health at once (health is worked out in memory).
#[cfg(feature = "ssr")]
pub const MAX_DIRECTORY: i64 = 100_000;

/// One page of the directory with each partner's health. Filtering or sorting by health reads
/// every matching partner's score first; otherwise only the page's.
#[cfg(feature = "ssr")]
pub async fn directory(
    db: &crate::db::Db,
    facts: &crate::kpi::cache::FactCache,
    reach: Reach,
    narrowing: &store::PartnerNarrowing,
    page: i64,
    per_page: i64,
) -> Result<(Vec<PartnerRow>, i64), AppError> {
    let by_health = narrowing.health.is_some() || narrowing.sort == DirectorySort::HealthLowest;
    let (mut rows, total) = match by_health {
        true => store::list_partners(db, reach, narrowing, 1, MAX_DIRECTORY).await?,
        false => store::list_partners(db, reach, narrowing, page, per_page).await?,
    };
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    for (row, health) in rows.iter_mut().zip(crate::kpi::health_of(db, facts, &ids).await?) {
        row.health = health;
    }
    if !by_health {
        return Ok((rows, total));
    }
    if let Some(band) = narrowing.health {
        rows.retain(|row| row.health.is_some_and(|health| health.listed_under(band)));
    }
    if narrowing.sort == DirectorySort::HealthLowest {
        // Unscored partners last; the order by name holds among equal scores.
        rows.sort_by_key(|row| row.health.map_or(u16::MAX, |health| u16::from(health.score)));
    }
    let total = rows.len() as i64;
    let start = ((page - 1) * per_page).min(total) as usize;
    let end = (start + per_page as usize).min(rows.len());
    Ok((rows.drain(start..end).collect(), total))
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
    let acceptances = crate::agreement::server::acceptances_for(&db, &user, id).await?;
    let profile = store::profile(&db, id).await?.unwrap_or_default();
    let certificates = match user.role.is_vendor_staff() {
        true => {
            crate::training::store::certificates_within(&db, Reach::Own { organisation_id: id }, Utc::now()).await?
        }
        false => Vec::new(),
    };
    Ok(PartnerDetail { partner, members, can_invite: user.role == Role::Admin, acceptances, profile, certificates })
}

/// The caller's organisation's company profile, and whether they may change it (its partner admin).
#[server(endpoint = "own_company_profile")]
pub async fn own_company_profile() -> Result<CompanyProfileView, AppError> {
    let user = guard::require_role(OWN_ONBOARDING_ROLES)?;
    let db = state::db()?;
    let profile = store::profile(&db, user.organisation_id).await?.ok_or(AppError::NotFound)?;
    Ok(CompanyProfileView { profile, can_edit: user.role == Role::PartnerAdmin })
}

/// Saves the caller's organisation's company profile: its partner admin only, every field checked
/// first. Filling the last field ticks the onboarding milestone.
#[server(endpoint = "save_company_profile")]
pub async fn save_company_profile(#[server(flatten)] input: CompanyProfile) -> Result<(), AppError> {
    let user = guard::require_role(&[Role::PartnerAdmin])?;
    let state = state::server_state()?;
    let typed = [
        ("website", input.website.clone()),
        ("contact_email", input.contact_email.clone()),
        ("phone", input.phone.clone()),
        ("city", input.city.clone()),
        ("country", input.country.clone()),
        ("about", input.about.clone()),
    ];
    let profile = input.check().map_err(|fields| AppError::invalid_keeping(fields, typed))?;
    let partner = store::partner(&state.db, user.organisation_id).await?.ok_or(AppError::NotFound)?;
    let now = Utc::now();
    if !store::save_profile(&state.db, (partner.id, &partner.name), &profile, user.user_id, now).await? {
        return Err(AppError::NotFound);
    }
    state.events.publish(crate::events::Event::Onboarding { organisation_id: partner.id, at: now });
    guard::redirect_form_post("/profile");
    Ok(())
}
