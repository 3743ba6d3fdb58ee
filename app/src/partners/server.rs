use leptos::prelude::*;

use super::profile::CompanyProfile;
#[cfg(feature = "ssr")]
use super::{DirectorySort, PartnerRow};
use super::{LogoFacts, PartnerDetail, PartnerDrill, PartnerList};
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
    pub organisation_id: i64,
    pub profile: CompanyProfile,
    pub logo: Option<LogoFacts>,
    /// The regions it may choose (empty for those who may not edit).
    pub regions: Vec<String>,
    pub can_edit: bool,
    /// Whether it is listed in the public partner locator.
    pub listing: Option<super::profile::ListingStanding>,
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
    let logo = store::logo_facts(&db, id).await?;
    let can_assign = user.role == Role::Admin;
    let managers = if can_assign { store::channel_managers(&db).await? } else { Vec::new() };
    Ok(PartnerDetail {
        partner,
        members,
        can_invite: user.role == Role::Admin,
        acceptances,
        profile,
        certificates,
        logo,
        managers,
        can_assign,
    })
}

/// The caller's organisation's company profile, and whether they may change it (its partner admin).
#[server(endpoint = "own_company_profile")]
pub async fn own_company_profile() -> Result<CompanyProfileView, AppError> {
    let user = guard::require_role(OWN_ONBOARDING_ROLES)?;
    let db = state::db()?;
    let id = user.organisation_id;
    let profile = store::profile(&db, id).await?.ok_or(AppError::NotFound)?;
    let can_edit = user.role == Role::PartnerAdmin;
    let regions = if can_edit { store::region_choices(&db, id).await? } else { Vec::new() };
    let logo = store::logo_facts(&db, id).await?;
    let listing = store::locator::standing(&db, id, Utc::now()).await?;
    Ok(CompanyProfileView { organisation_id: id, profile, logo, regions, can_edit, listing })
}

/// Lists the caller's organisation in the public partner locator, or takes it off: its partner
/// admin only.
#[server(endpoint = "set_locator_listing")]
pub async fn set_locator_listing(listed: bool) -> Result<(), AppError> {
    let user = guard::require_role(&[Role::PartnerAdmin])?;
    store::locator::set_listed(&state::db()?, user.organisation_id, listed, user.user_id, Utc::now()).await?;
    guard::redirect_form_post("/profile");
    Ok(())
}

/// Saves the caller's organisation's company profile: its partner admin only, every field checked
/// first. Filling the last field ticks the onboarding milestone.
#[server(endpoint = "save_company_profile")]
pub async fn save_company_profile(#[server(flatten)] input: CompanyProfile) -> Result<(), AppError> {
    let user = guard::require_role(&[Role::PartnerAdmin])?;
    let state = state::server_state()?;
    let id = user.organisation_id;
    let typed = [
        ("name", input.name.clone()),
        ("region", input.region.clone()),
        ("website", input.website.clone()),
        ("contact_email", input.contact_email.clone()),
        ("phone", input.phone.clone()),
        ("city", input.city.clone()),
        ("country", input.country.clone()),
        ("about", input.about.clone()),
    ];
    let regions = store::region_choices(&state.db, id).await?;
    let profile = input.check(&regions).map_err(|fields| AppError::invalid_keeping(fields, typed.clone()))?;
    let now = Utc::now();
    match store::save_profile(&state.db, id, &profile, user.user_id, now).await? {
        store::ProfileSaved::Saved => {}
        store::ProfileSaved::NotFound => return Err(AppError::NotFound),
        store::ProfileSaved::RegionGone => {
            let message = "That region was retired a moment ago: choose another from the list.".to_owned();
            return Err(AppError::invalid_keeping([("region".to_owned(), message)].into(), typed));
        }
        store::ProfileSaved::NameTaken(taken) => {
            let message = format!("{taken} is the name of another organisation in the program: use your own.");
            return Err(AppError::invalid_keeping([("name".to_owned(), message)].into(), typed));
        }
    }
    state.events.publish(crate::events::Event::Onboarding { organisation_id: id, at: now });
    state.events.publish(crate::events::Event::Partner { organisation_id: id, at: now });
    guard::redirect_form_post("/profile");
    Ok(())
}

/// Keeps the logo the caller's partner admin uploads (the form's `logo` file), once checked: its
/// type read from its content, at most 1 MB, an SVG only without anything that could run or load.
/// Anything else is refused, with why, and nothing is kept.
#[server(endpoint = "upload_logo", input = server_fn::codec::MultipartFormData)]
pub async fn upload_logo(data: server_fn::codec::MultipartData) -> Result<(), AppError> {
    let user = guard::require_role(&[Role::PartnerAdmin])?;
    let state = state::server_state()?;
    let form = crate::files::read_form(data, super::logo::LOGO_FIELD).await?;
    let sent = form.file.map(|file| file.bytes).ok_or(AppError::Internal)?;
    // Reading an SVG is work for a thread of its own, not the server's request threads.
    let checked = tokio::task::spawn_blocking(move || super::logo::check(&sent)).await.map_err(|error| {
        tracing::error!(%error, "the logo check stopped");
        AppError::Internal
    })?;
    let logo = checked.map_err(|message| AppError::field("logo", message))?;
    let partner = store::partner(&state.db, user.organisation_id).await?.ok_or(AppError::NotFound)?;
    let now = Utc::now();
    store::save_logo(&state.db, (partner.id, &partner.name), Some(&logo), user.user_id, now).await?;
    state.events.publish(crate::events::Event::Partner { organisation_id: partner.id, at: now });
    guard::redirect_form_post("/profile");
    Ok(())
}

/// Removes the caller's organisation's logo: its partner admin only.
#[server(endpoint = "remove_logo")]
pub async fn remove_logo() -> Result<(), AppError> {
    let user = guard::require_role(&[Role::PartnerAdmin])?;
    let state = state::server_state()?;
    let partner = store::partner(&state.db, user.organisation_id).await?.ok_or(AppError::NotFound)?;
    let now = Utc::now();
    if store::save_logo(&state.db, (partner.id, &partner.name), None, user.user_id, now).await? {
        state.events.publish(crate::events::Event::Partner { organisation_id: partner.id, at: now });
    }
    guard::redirect_form_post("/profile");
    Ok(())
}

/// A partner's logo file (its media type and bytes), for anyone whose reach takes in the partner;
/// "not found" for anyone else, and for a partner without a logo.
#[cfg(feature = "ssr")]
pub async fn logo_file(
    db: &crate::db::Db,
    user: &crate::auth::SessionUser,
    id: i64,
) -> Result<(super::logo::LogoKind, Vec<u8>), AppError> {
    guard::reachable_partner(db, user, id).await?;
    public_logo(db, id).await
}

/// Partner `id`'s logo with no question of who asks: for what the partner itself made public
/// (a live landing page, its email).
#[cfg(feature = "ssr")]
pub async fn public_logo(db: &crate::db::Db, id: i64) -> Result<(super::logo::LogoKind, Vec<u8>), AppError> {
    let (media_type, body) = store::logo(db, id).await?.ok_or(AppError::NotFound)?;
    let kind = super::logo::LogoKind::parse(&media_type).ok_or(AppError::Internal)?;
    Ok((kind, body))
}

/// Gives a partner a channel manager (`manager`, a user id; empty for none): admins only. The
/// manager's reach takes in the partner at once, and the one before loses it.
#[server(endpoint = "assign_channel_manager")]
pub async fn assign_channel_manager(organisation_id: i64, manager: Option<String>) -> Result<(), AppError> {
    let user = guard::require_role(&[Role::Admin])?;
    let state = state::server_state()?;
    let partner = store::partner(&state.db, organisation_id).await?.ok_or(AppError::NotFound)?;
    let managers = store::channel_managers(&state.db).await?;
    let chosen = match manager.as_deref().map(str::trim).filter(|raw| !raw.is_empty()) {
        None => None,
        Some(raw) => Some(
            raw.parse::<i64>()
                .ok()
                .and_then(|id| managers.iter().find(|(manager, _)| *manager == id))
                .ok_or_else(|| AppError::field("manager", "Choose a channel manager from the list."))?,
        ),
    };
    let now = Utc::now();
    let manager = chosen.map(|(id, name)| (*id, name.as_str()));
    store::assign_manager(&state.db, (partner.id, &partner.name), manager, user.user_id, now).await?;
    state.events.publish(crate::events::Event::Partner { organisation_id: partner.id, at: now });
    guard::redirect_form_post(&format!("/partners/{}", partner.id));
    Ok(())
}

/// At most `limit` partners within the caller's reach, narrowed by `filter`, after `after` in
/// `order`: the REST API's list.
#[cfg(feature = "ssr")]
pub async fn partners_after(
    filter: &store::listing::ListingFilter,
    keyset: (crate::db::keyset::KeyOrder, Option<crate::db::keyset::After>),
    limit: i64,
) -> Result<Vec<store::listing::PartnerListing>, AppError> {
    let user = guard::signed_in()?;
    Ok(store::listing::after(&state::db()?, Reach::of(&user), filter, keyset, limit).await?)
}

/// Partner `id` if it is within the caller's reach; "not found" otherwise, whether or not it exists.
#[cfg(feature = "ssr")]
pub async fn partner_listing(id: i64) -> Result<store::listing::PartnerListing, AppError> {
    let user = guard::signed_in()?;
    store::listing::one(&state::db()?, Reach::of(&user), id).await?.ok_or(AppError::NotFound)
}
