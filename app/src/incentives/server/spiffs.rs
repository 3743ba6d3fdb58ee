//! SPIFFs' server functions: the page's list (what each reader may see), and marketing's
//! create, launch and end. Each is guard → check → store.

use leptos::prelude::*;

use crate::error::AppError;
use crate::incentives::SpiffsView;
use crate::incentives::spiffs::SpiffInput;

#[cfg(feature = "ssr")]
use {
    crate::auth::access::SPIFF_MANAGER_ROLES,
    crate::auth::{guard, reach::Reach},
    crate::incentives::SpiffRow,
    crate::incentives::spiffs::{Phase, Spiff},
    crate::incentives::store::spiffs::{self as store, Created},
    crate::state,
    chrono::Utc,
};

/// The SPIFFs the caller may see, with what each paid within their reach. A partner's people see
/// the launched SPIFFs open or about to open to their partner, and any it earned from.
#[server(endpoint = "spiffs")]
pub async fn spiffs() -> Result<SpiffsView, AppError> {
    let user = guard::signed_in()?;
    let db = state::db()?;
    let reach = Reach::of(&user);
    let today = Utc::now().date_naive();
    let choices = crate::tiers::store::audience_choices(&db).await?;
    let paid = store::paid(&db, reach).await?;
    let partner = match reach {
        Reach::Own { organisation_id } => Some(store::tier_and_type(&db, organisation_id).await?),
        _ => None,
    };
    let manage = SPIFF_MANAGER_ROLES.contains(&user.role);
    let rows = store::list(&db)
        .await?
        .into_iter()
        .filter_map(|spiff: Spiff| {
            let phase = spiff.phase(today);
            let (paid_minor, deals) = paid.get(&spiff.id).copied().unwrap_or_default();
            let shown = match partner {
                Some((tier, kind)) => deals > 0 || spiff.offered_to(tier, kind, today),
                None => manage || phase != Phase::Draft,
            };
            shown.then(|| SpiffRow {
                phase,
                rule: spiff.describe(),
                // Whom it is aimed at is the vendor's to read.
                audience: if partner.is_none() { choices.describe(&spiff.rule.audience) } else { String::new() },
                can_end: manage && spiff.end_early(today).is_some(),
                paid_minor,
                deals,
                spiff,
            })
        })
        .collect();
    Ok(SpiffsView {
        rows,
        manage,
        partner: partner.is_some(),
        choices: if manage { choices } else { Default::default() },
        currency: crate::money::store::conversion(&db).await?.currency(),
    })
}

/// Marketing (or an admin) writes a SPIFF as a draft, paying in the reporting currency. Its id.
#[server(endpoint = "create_spiff")]
pub async fn create_spiff(#[server(flatten)] input: SpiffInput) -> Result<i64, AppError> {
    let user = guard::require_role(SPIFF_MANAGER_ROLES)?;
    let db = state::db()?;
    let choices = crate::tiers::store::audience_choices(&db).await?;
    let currency = crate::money::store::conversion(&db).await?.currency();
    let now = Utc::now();
    let spiff = input
        .check(&choices, currency, now.date_naive())
        .map_err(|fields| AppError::invalid_keeping(fields, input.typed()))?;
    match store::create(&db, &spiff, user.user_id, now).await? {
        Created::Created(id) => {
            guard::redirect_form_post("/spiffs");
            Ok(id)
        }
        Created::NameTaken => Err(AppError::invalid_keeping(
            [("name".to_owned(), "Another SPIFF has this name: give this one its own.".to_owned())].into(),
            input.typed(),
        )),
    }
}

/// Launches a draft: partners in its audience see it, and its qualifying wins pay from its first
/// day, or from today when that has passed. A SPIFF whose window has passed is not launched.
#[server(endpoint = "launch_spiff")]
pub async fn launch_spiff(id: i64) -> Result<(), AppError> {
    let user = guard::require_role(SPIFF_MANAGER_ROLES)?;
    let db = state::db()?;
    let now = Utc::now();
    let today = now.date_naive();
    let spiff = store::spiff(&db, id).await?.ok_or(AppError::NotFound)?;
    if spiff.ends_on < today {
        return Err(AppError::field("spiff", "Its window has passed: create a SPIFF with new dates instead."));
    }
    if !store::launch(&db, id, spiff.launch_from(today), user.user_id, now).await? {
        return Err(AppError::field("spiff", "It is launched already."));
    }
    guard::redirect_form_post("/spiffs");
    Ok(())
}

/// Ends a launched SPIFF early: deals won through today still earn it; one that has not started
/// ends before its first day.
#[server(endpoint = "end_spiff")]
pub async fn end_spiff(id: i64) -> Result<(), AppError> {
    let user = guard::require_role(SPIFF_MANAGER_ROLES)?;
    let db = state::db()?;
    let now = Utc::now();
    let today = now.date_naive();
    let spiff = store::spiff(&db, id).await?.ok_or(AppError::NotFound)?;
    let Some(last_day) = spiff.end_early(today) else {
        return Err(AppError::field("spiff", "It has ended already, or was never launched."));
    };
    if !store::end_early(&db, id, last_day, user.user_id, now).await? {
        return Err(AppError::field("spiff", "It has ended already, or was never launched."));
    }
    guard::redirect_form_post("/spiffs");
    Ok(())
}
