//! The one guard every server function goes through: who is calling, and may they?

use chrono::Duration;
use http::header::{ACCEPT, SET_COOKIE};
use http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use super::access::{OrganisationFacts, can_see_organisation};
use super::{Role, SessionUser};
use crate::db::Db;
use crate::error::AppError;

pub const SESSION_COOKIE: &str = "tessera_session";

/// What server functions need from the running server, provided as Leptos context.
#[derive(Clone, Debug)]
pub struct ServerState {
    pub db: Db,
    pub settings: AuthSettings,
    pub events: crate::events::EventBus,
    /// Deal facts in memory for the KPIs, kept caught up with the database.
    pub facts: crate::kpi::cache::FactCache,
}

#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// How long a session lasts after signing in.
    pub session_ttl: Duration,
    /// Add `Secure` to the session cookie (when served over https).
    pub secure_cookies: bool,
    /// Where links in emails point, e.g. `http://127.0.0.1:3000`.
    pub public_url: String,
}

/// Put in the request's extensions by the server's session layer when a live session cookie came with it.
#[derive(Clone, Debug)]
pub struct CurrentSession {
    pub user: SessionUser,
    pub token_hash: String,
}

pub fn server_state() -> Result<ServerState, AppError> {
    use_context::<ServerState>().ok_or_else(|| {
        tracing::error!("server state missing from context");
        AppError::Internal
    })
}

pub fn db() -> Result<Db, AppError> {
    server_state().map(|state| state.db)
}

pub fn current_session() -> Option<CurrentSession> {
    use_context::<Parts>().and_then(|parts| parts.extensions.get::<CurrentSession>().cloned())
}

/// The signed-in caller, or `Unauthenticated`.
pub fn signed_in() -> Result<SessionUser, AppError> {
    current_session().map(|session| session.user).ok_or(AppError::Unauthenticated)
}

/// The signed-in caller if their role is one of `allowed`; otherwise `Unauthenticated` or `Forbidden`.
pub fn require_role(allowed: &[Role]) -> Result<SessionUser, AppError> {
    let user = signed_in()?;
    if allowed.contains(&user.role) { Ok(user) } else { Err(AppError::Forbidden) }
}

/// The organisation `id` if `user` may see it. One that does not exist and one the caller may
/// not see get the same answer, "not found", so ids reveal nothing about other partners.
pub async fn visible_organisation(db: &Db, user: &SessionUser, id: i64) -> Result<OrganisationFacts, AppError> {
    let facts = crate::partners::store::organisation_facts(db, id).await?.ok_or(AppError::NotFound)?;
    if can_see_organisation(user, &facts) { Ok(facts) } else { Err(AppError::NotFound) }
}

pub fn session_cookie(token: &str, settings: &AuthSettings) -> String {
    let secure = if settings.secure_cookies { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        settings.session_ttl.num_seconds()
    )
}

pub fn expired_session_cookie(settings: &AuthSettings) -> String {
    let secure = if settings.secure_cookies { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

pub fn set_cookie(cookie: &str) {
    if let (Some(response), Ok(value)) = (use_context::<ResponseOptions>(), http::HeaderValue::from_str(cookie)) {
        response.append_header(SET_COOKIE, value);
    }
}

/// A plain HTML form post (no JavaScript) is answered with a redirect; a hydrated page
/// gets the value and navigates itself.
pub fn redirect_form_post(path: &str) {
    let plain_form = use_context::<Parts>()
        .and_then(|parts| parts.headers.get(ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html")))
        .unwrap_or(false);
    if plain_form {
        leptos_axum::redirect(path);
    }
}

/// Sets the HTTP status of the page being rendered (403, 404, …).
pub fn set_page_status(status: u16) {
    if let (Some(response), Ok(code)) = (use_context::<ResponseOptions>(), http::StatusCode::from_u16(status)) {
        response.set_status(code);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(secure: bool) -> AuthSettings {
        AuthSettings { session_ttl: Duration::days(14), secure_cookies: secure, public_url: String::new() }
    }

    #[test]
    fn session_cookie_is_http_only_and_same_site() {
        let cookie = session_cookie("abc", &settings(false));
        assert_eq!(cookie, "tessera_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=1209600");
        assert!(session_cookie("abc", &settings(true)).ends_with("; Secure"));
        assert!(expired_session_cookie(&settings(false)).contains("Max-Age=0"));
    }
}
