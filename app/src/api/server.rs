//! The server functions of the API token page: an admin's tokens act for the whole program, a
//! partner admin's for their own organisation.

use leptos::prelude::*;

use super::tokens::{FreshToken, TokenInput, TokenPage};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::store,
    super::tokens::{SECRET_PREFIX, Scope, visible_prefix},
    crate::auth::access::API_TOKEN_ROLES,
    crate::auth::{guard, secrets},
    crate::state,
    chrono::Utc,
    std::collections::HashMap,
    std::sync::{Mutex, OnceLock},
};

/// A secret just made by a plain form post (no JavaScript), kept in this process's memory for the
/// page that follows, by the session that made it, and given once. With JavaScript the form
/// shows the secret from the answer itself.
#[cfg(feature = "ssr")]
fn fresh_secrets() -> &'static Mutex<HashMap<String, FreshToken>> {
    static FRESH: OnceLock<Mutex<HashMap<String, FreshToken>>> = OnceLock::new();
    FRESH.get_or_init(Default::default)
}

/// The caller's organisation's tokens, and a secret just made (once).
#[server(endpoint = "api_tokens")]
pub async fn api_tokens() -> Result<TokenPage, AppError> {
    let user = guard::require_role(API_TOKEN_ROLES)?;
    let db = state::db()?;
    let fresh = guard::current_session()
        .and_then(|session| fresh_secrets().lock().ok().and_then(|mut fresh| fresh.remove(&session.token_hash)));
    Ok(TokenPage {
        organisation: user.organisation_name.clone(),
        tokens: store::of_organisation(&db, user.organisation_id).await?,
        offered: Scope::offered_to(user.role).to_vec(),
        fresh,
        now: Utc::now(),
    })
}

/// Makes a token with the scopes ticked, lasting the days chosen; its secret is answered once.
#[server(endpoint = "create_api_token")]
pub async fn create_api_token(#[server(flatten)] input: TokenInput) -> Result<FreshToken, AppError> {
    let user = guard::require_role(API_TOKEN_ROLES)?;
    let fresh = issue(&state::db()?, &user, &input).await?;
    if guard::plain_form_post()
        && let Some(session) = guard::current_session()
        && let Ok(mut kept) = fresh_secrets().lock()
    {
        kept.insert(session.token_hash, fresh.clone());
    }
    guard::redirect_form_post("/api-tokens");
    Ok(fresh)
}

/// Makes a token for `user`'s organisation (the page's form, and `tessera token` for whoever
/// runs the server): checked, kept as a hash, its secret given this once.
#[cfg(feature = "ssr")]
pub async fn issue(
    db: &crate::db::Db,
    user: &crate::auth::SessionUser,
    input: &TokenInput,
) -> Result<FreshToken, AppError> {
    let now = Utc::now();
    let token = input
        .check(user.role, now)
        .map_err(|fields| AppError::invalid_keeping(fields, [("name", input.name.clone())]))?;
    let secret = format!("{SECRET_PREFIX}{}", secrets::new_token()?);
    let hash = secrets::token_hash(&secret);
    let id = store::create(db, user, &token, (&visible_prefix(&secret), &hash), now).await?;
    Ok(FreshToken { id, name: token.name, secret })
}

/// Revokes one of the caller's organisation's tokens: from the next request it is refused.
#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    let user = guard::require_role(API_TOKEN_ROLES)?;
    if !store::revoke(&state::db()?, &user, id, Utc::now()).await? {
        return Err(AppError::NotFound);
    }
    guard::redirect_form_post("/api-tokens");
    Ok(())
}
