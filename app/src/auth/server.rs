//! Signing in and out, invitations and password resets, as server functions.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Role, SessionUser};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::forms::{self, EmailAddress},
    super::guard,
    super::{secrets, store},
    crate::mail,
    crate::state::server_state,
    chrono::{Duration, Utc},
};

/// The signed-in person, if any. Answered from the session the request came with.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    Ok(guard::current_session().map(|session| session.user))
}

/// Why a password opened no session for staff who sign in only through the vendor's provider.
#[cfg(feature = "ssr")]
const SINGLE_SIGN_ON_ONLY: &str = "Your organisation's staff sign in with single sign-on: use \u{201c}Sign in with single sign-on\u{201d} on the sign-in page.";

#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    let state = server_state()?;
    let email = forms::check_sign_in(&email, &password)?;
    if store::password_sign_in_off(&state.db, &email).await? {
        return Err(AppError::field("password", SINGLE_SIGN_ON_ONLY));
    }
    let now = Utc::now();
    // The attempt is claimed (and counted as failed) before the password is compared, so parallel
    // guesses cannot all slip under the limit.
    if let Err(wait) = store::claim_sign_in_attempt(&state.db, email.as_str(), now).await? {
        return Err(AppError::Throttled { message: forms::throttle_message(wait) });
    }
    let account = store::credentials(&state.db, email.as_str()).await?;
    let (user_id, hash) = match account {
        Some((id, hash)) => (Some(id), Some(hash)),
        None => (None, None),
    };
    let password_matches = secrets::verify_password(password, hash).await;
    let Some(user_id) = user_id.filter(|_| password_matches) else {
        tracing::info!(email = email.as_str(), "failed sign-in");
        return Err(AppError::InvalidCredentials);
    };
    let token = secrets::new_token()?;
    let expires_at = now + state.settings.session_ttl;
    store::open_session(&state.db, user_id, email.as_str(), &secrets::token_hash(&token), now, expires_at).await?;
    guard::set_cookie(&guard::session_cookie(&token, &state.settings));
    guard::redirect_form_post("/");
    Ok(())
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    let state = server_state()?;
    if let Some(session) = guard::current_session() {
        store::close_session(&state.db, &session.token_hash).await?;
    }
    guard::set_cookie(&guard::expired_session_cookie(&state.settings));
    guard::redirect_form_post("/sign-in");
    Ok(())
}

/// Always answers the same, whether or not the email has an account.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let state = server_state()?;
    let email = EmailAddress::parse(&email).map_err(|message| AppError::field("email", message))?;
    if let Some((user_id, _)) = store::credentials(&state.db, email.as_str()).await? {
        let token = secrets::new_token()?;
        let now = Utc::now();
        let link = format!("{}/reset-password?token={token}", state.settings.public_url);
        let message = mail::password_reset(&link);
        store::create_password_reset(
            &state.db,
            user_id,
            email.as_str(),
            &secrets::token_hash(&token),
            now,
            now + Duration::hours(mail::RESET_LINK_HOURS),
            &message,
        )
        .await?;
    }
    guard::redirect_form_post("/forgot-password?sent=1");
    Ok(())
}

#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String, password_confirmation: String) -> Result<(), AppError> {
    let state = server_state()?;
    let errors = forms::check_new_password(&password, &password_confirmation);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let hash = secrets::hash_password(password).await?;
    let done = store::complete_password_reset(&state.db, &secrets::token_hash(&token), &hash, Utc::now()).await?;
    if !done {
        return Err(AppError::Gone {
            message: "This reset link has expired or was already used. Ask for a new one.".into(),
        });
    }
    guard::redirect_form_post("/sign-in?reset=1");
    Ok(())
}

/// What the invitation page shows before the invitee sets a password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub email: String,
    pub organisation_name: String,
    pub role: Role,
}

#[cfg(feature = "ssr")]
fn invitation_gone() -> AppError {
    AppError::Gone {
        message: "This invitation has expired or was already used. Ask the person who invited you for a new one."
            .into(),
    }
}

#[server(endpoint = "invitation")]
pub async fn invitation(token: String) -> Result<InvitationView, AppError> {
    let state = server_state()?;
    let open = store::open_invitation(&state.db, &secrets::token_hash(&token), Utc::now()).await?;
    let open = open.ok_or_else(invitation_gone)?;
    Ok(InvitationView { email: open.email, organisation_name: open.organisation_name, role: open.role })
}

#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    name: String,
    password: String,
    password_confirmation: String,
) -> Result<(), AppError> {
    let state = server_state()?;
    let mut errors = forms::check_new_password(&password, &password_confirmation);
    let name = forms::check_name(&name).map_err(|message| errors.insert("name".into(), message)).ok();
    let (Some(name), true) = (name, errors.is_empty()) else {
        return Err(AppError::invalid(errors));
    };
    let now = Utc::now();
    let open = store::open_invitation(&state.db, &secrets::token_hash(&token), now).await?;
    let open = open.ok_or_else(invitation_gone)?;
    // Staff who sign in only through the vendor's provider accept there (their first sign-in).
    if let Ok(email) = EmailAddress::parse(&open.email)
        && store::password_sign_in_off(&state.db, &email).await?
    {
        return Err(AppError::field("password", SINGLE_SIGN_ON_ONLY));
    }
    let hash = secrets::hash_password(password).await?;
    let session_token = secrets::new_token()?;
    let expires_at = now + state.settings.session_ttl;
    let created =
        store::accept_invitation(&state.db, &open, &name, &hash, &secrets::token_hash(&session_token), now, expires_at)
            .await?;
    if created.is_none() {
        return Err(invitation_gone());
    }
    guard::set_cookie(&guard::session_cookie(&session_token, &state.settings));
    guard::redirect_form_post("/");
    Ok(())
}
