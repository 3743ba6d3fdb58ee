//! The one guard every server function goes through: who is calling, and may they?

use http::header::{ACCEPT, SET_COOKIE};
use http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use super::reach::{OrganisationFacts, Reach};
use super::{Role, SessionUser, store};
use crate::db::Db;
use crate::error::AppError;
use crate::state::Settings;

pub const SESSION_COOKIE: &str = "tessera_session";

/// Put in the request's extensions by the server's session layer when a live session cookie came with it.
#[derive(Clone, Debug)]
pub struct CurrentSession {
    pub user: SessionUser,
    pub token_hash: String,
}

pub fn current_session() -> Option<CurrentSession> {
    use_context::<Parts>().and_then(|parts| parts.extensions.get::<CurrentSession>().cloned())
}

/// The signed-in caller, or `Unauthenticated`; `AgreementRequired` while their organisation must
/// accept the partner agreement first.
pub fn signed_in() -> Result<SessionUser, AppError> {
    let user = signed_in_before_agreement()?;
    user.admitted()?;
    Ok(user)
}

/// The signed-in caller whatever their organisation's standing with the partner agreement: only
/// for reading and accepting it ([`super::access::BEFORE_AGREEMENT_SERVER_FNS`]).
pub fn signed_in_before_agreement() -> Result<SessionUser, AppError> {
    current_session().map(|session| session.user).ok_or(AppError::Unauthenticated)
}

/// Where the request came from, as a signature records it: the connecting address, and the
/// client a proxy says it forwarded for (its word only, so marked as such).
pub fn client_address() -> String {
    let parts = use_context::<Parts>();
    let peer = parts
        .as_ref()
        .and_then(|parts| parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>())
        .map(|info| info.0.ip().to_string());
    let forwarded = parts
        .as_ref()
        .and_then(|parts| parts.headers.get("x-forwarded-for"))
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(',').next())
        .map(str::trim)
        .filter(|client| !client.is_empty() && client.len() <= 64 && client.parse::<std::net::IpAddr>().is_ok())
        .map(str::to_owned);
    match (forwarded, peer) {
        (Some(client), Some(peer)) => format!("{client} (forwarded by {peer})"),
        (None, Some(peer)) => peer,
        (Some(client), None) => format!("{client} (forwarded)"),
        (None, None) => "unknown".to_owned(),
    }
}

/// The signed-in caller if their role is one of `allowed`; otherwise `Unauthenticated` or `Forbidden`.
pub fn require_role(allowed: &[Role]) -> Result<SessionUser, AppError> {
    let user = signed_in()?;
    if allowed.contains(&user.role) { Ok(user) } else { Err(AppError::Forbidden) }
}

/// The organisation `id` if it is within `user`'s reach. One that does not exist and one out of
/// reach get the same answer, "not found", so ids reveal nothing about other partners.
pub async fn reachable_organisation(db: &Db, user: &SessionUser, id: i64) -> Result<OrganisationFacts, AppError> {
    let facts = store::organisation_facts(db, id).await?.ok_or(AppError::NotFound)?;
    if Reach::of(user).includes(&facts) { Ok(facts) } else { Err(AppError::NotFound) }
}

/// The partner organisation `id` (not the vendor) if it is within `user`'s reach; "not found" otherwise.
pub async fn reachable_partner(db: &Db, user: &SessionUser, id: i64) -> Result<OrganisationFacts, AppError> {
    let facts = reachable_organisation(db, user, id).await?;
    if facts.is_vendor { Err(AppError::NotFound) } else { Ok(facts) }
}

pub fn session_cookie(token: &str, settings: &Settings) -> String {
    let secure = if settings.secure_cookies { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        settings.session_ttl.num_seconds()
    )
}

pub fn expired_session_cookie(settings: &Settings) -> String {
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
    if plain_form_post() {
        leptos_axum::redirect(path);
    }
}

/// Whether this call is a plain HTML form post (no JavaScript): the answer is a new page, not a value.
pub fn plain_form_post() -> bool {
    use_context::<Parts>()
        .and_then(|parts| parts.headers.get(ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html")))
        .unwrap_or(false)
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
    use chrono::Duration;

    fn settings(secure: bool) -> Settings {
        Settings {
            session_ttl: Duration::days(14),
            secure_cookies: secure,
            public_url: String::new(),
            data_dir: std::path::PathBuf::from("data"),
            trusted_proxies: Vec::new(),
            api_requests_per_minute: 600,
        }
    }

    #[test]
    fn session_cookie_is_http_only_and_same_site() {
        let cookie = session_cookie("abc", &settings(false));
        assert_eq!(cookie, "tessera_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=1209600");
        assert!(session_cookie("abc", &settings(true)).ends_with("; Secure"));
        assert!(expired_session_cookie(&settings(false)).contains("Max-Age=0"));
    }
}
