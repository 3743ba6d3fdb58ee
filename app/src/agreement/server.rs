use leptos::prelude::*;

use super::{AcceptanceInput, AgreementHistory, AgreementView, PublishInput};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{Acceptance, PublishedVersion, store},
    crate::auth::access::{ADMINISTRATION_ROLES, AGREEMENT_RECORD_ROLES},
    crate::auth::{Role, SessionUser, guard},
    crate::db::Db,
    crate::state,
    chrono::Utc,
};

/// The agreement in force and where the caller's organisation stands with it. Open to everyone
/// signed in, whatever that standing: it is the page partners are sent to until they accept.
#[server(endpoint = "agreement")]
pub async fn agreement() -> Result<AgreementView, AppError> {
    let user = guard::signed_in_before_agreement()?;
    let db = state::db()?;
    let current = store::current(&db).await?;
    let partner = !user.role.is_vendor_staff();
    let accepted = match (&current, partner) {
        (Some(version), true) => store::has_accepted(&db, user.organisation_id, version.id).await?,
        _ => false,
    };
    let acceptances = if partner { store::acceptances_of(&db, user.organisation_id).await? } else { Vec::new() };
    Ok(AgreementView {
        can_accept: partner && user.role == Role::PartnerAdmin && current.is_some() && !accepted,
        current: current.map(published),
        organisation_name: user.organisation_name,
        standing: user.agreement,
        accepted,
        acceptances,
    })
}

#[cfg(feature = "ssr")]
fn published(version: store::StoredVersion) -> PublishedVersion {
    PublishedVersion {
        id: version.id,
        number: version.number,
        title: version.title,
        html: crate::markdown::to_html(&version.body),
        published_at: version.published_at,
        required_from: version.required_from,
    }
}

/// A partner admin accepts the current version for their organisation, signing with their typed
/// name; the acceptance records them, the name, the time and the client's address. Accepting a
/// version already accepted changes nothing.
#[server(endpoint = "accept_agreement")]
pub async fn accept_agreement(#[server(flatten)] input: AcceptanceInput) -> Result<(), AppError> {
    let user = guard::signed_in_before_agreement()?;
    if user.role != Role::PartnerAdmin {
        return Err(AppError::Forbidden);
    }
    let db = state::db()?;
    let current = store::current(&db).await?.ok_or(AppError::NotFound)?;
    let typed_name = input
        .check(current.id, &user.organisation_name)
        .map_err(|fields| AppError::invalid_keeping(fields, [("full_name", input.full_name.clone())]))?;
    let signature = store::Signature {
        organisation_id: user.organisation_id,
        organisation_name: &user.organisation_name,
        version_id: current.id,
        version_number: current.number,
        user_id: user.user_id,
        typed_name: &typed_name,
        client_address: &guard::client_address(),
    };
    store::accept(&db, signature, Utc::now()).await?;
    guard::redirect_form_post("/");
    Ok(())
}

/// Every version with how many partners accepted it, and the current text to start a new one from.
#[server(endpoint = "agreement_admin")]
pub async fn agreement_admin() -> Result<AgreementHistory, AppError> {
    guard::require_role(ADMINISTRATION_ROLES)?;
    let db = state::db()?;
    let current = store::current(&db).await?;
    Ok(AgreementHistory {
        versions: store::versions(&db).await?,
        partners: store::partner_count(&db).await?,
        current_title: current.as_ref().map(|version| version.title.clone()).unwrap_or_default(),
        current_body: current.map(|version| version.body).unwrap_or_default(),
    })
}

/// Publishes a new version: it is current at once, every partner admin is told by email, and
/// partners that accepted an earlier one must accept it at once or within the days given.
#[server(endpoint = "publish_agreement")]
pub async fn publish_agreement(#[server(flatten)] input: PublishInput) -> Result<(), AppError> {
    let user = guard::require_role(ADMINISTRATION_ROLES)?;
    let state = state::server_state()?;
    let version = input.check().map_err(|fields| {
        let mut typed = vec![("title", input.title.clone()), ("days", input.days.clone())];
        // A form posted without JavaScript gets what was typed back cut to `KEPT_CHARS`; a longer
        // text would come back shortened and be published so. It comes back whole or not at all.
        if input.body.chars().count() <= crate::error::KEPT_CHARS {
            typed.push(("body", input.body.clone()));
        }
        AppError::invalid_keeping(fields, typed)
    })?;
    let link = format!("{}/agreement", state.settings.public_url);
    store::publish(&state.db, user.user_id, &version, Some(&link), Utc::now()).await?;
    guard::redirect_form_post("/admin/agreement");
    Ok(())
}

/// An organisation's acceptances, for those who may see its agreement records: its own people,
/// its channel manager, admins. Anyone else gets none.
#[cfg(feature = "ssr")]
pub async fn acceptances_for(db: &Db, user: &SessionUser, organisation_id: i64) -> Result<Vec<Acceptance>, AppError> {
    if !AGREEMENT_RECORD_ROLES.contains(&user.role) {
        return Ok(Vec::new());
    }
    guard::reachable_partner(db, user, organisation_id).await?;
    Ok(store::acceptances_of(db, organisation_id).await?)
}

/// The receipt of acceptance `id` (file name, text), for those who may see its organisation's
/// agreement records; "not found" for anyone else.
#[cfg(feature = "ssr")]
pub async fn receipt(db: &Db, user: &SessionUser, id: i64) -> Result<(String, String), AppError> {
    let acceptance = store::acceptance(db, id).await?.ok_or(AppError::NotFound)?;
    if !AGREEMENT_RECORD_ROLES.contains(&user.role) {
        return Err(AppError::NotFound);
    }
    guard::reachable_partner(db, user, acceptance.organisation_id).await?;
    Ok((super::receipt_file_name(&acceptance), super::receipt_text(&acceptance)))
}
