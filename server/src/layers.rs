//! Request layers: who is calling, and the status a server function error deserves.

use app::auth::guard::{CurrentSession, SESSION_COOKIE};
use app::auth::{secrets, store};
use app::db::Db;
use app::error::AppError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// The value of cookie `name`, from any of the request's Cookie headers.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.ico" || path == "/healthz"
}

/// Looks the session cookie up once per request and leaves the person in the request's
/// extensions, where pages and server functions find them.
pub async fn attach_session(State(db): State<Db>, mut request: Request, next: Next) -> Response {
    if !is_static_asset(request.uri().path())
        && let Some(token) = cookie_value(request.headers(), SESSION_COOKIE)
    {
        let token_hash = secrets::token_hash(token);
        match store::session_user(&db, &token_hash, chrono::Utc::now()).await {
            Ok(Some(user)) => {
                request.extensions_mut().insert(CurrentSession { user, token_hash });
            }
            Ok(None) => {}
            Err(error) => tracing::error!(%error, "session lookup failed"),
        }
    }
    next.run(request).await
}

const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Server functions answer every error with 500; this gives each its own status (401, 403,
/// 404, 422, 429…), so clients and logs see the caller's mistakes for what they are.
pub async fn status_from_server_fn_error(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_ERROR_BODY).await.unwrap_or_default();
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("theme=dark; tessera_session=abc123; x=1"));
        assert_eq!(cookie_value(&headers, "tessera_session"), Some("abc123"));
        assert_eq!(cookie_value(&headers, "missing"), None);
    }

    #[test]
    fn reads_every_cookie_header_and_ignores_empty_values() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1"));
        headers.append(header::COOKIE, HeaderValue::from_static("tessera_session=zz"));
        assert_eq!(cookie_value(&headers, "tessera_session"), Some("zz"));
        let mut empty = HeaderMap::new();
        empty.append(header::COOKIE, HeaderValue::from_static("tessera_session="));
        assert_eq!(cookie_value(&empty, "tessera_session"), None);
    }

    #[test]
    fn static_assets_skip_the_session_lookup() {
        assert!(is_static_asset("/pkg/tessera.wasm"));
        assert!(is_static_asset("/healthz"));
        assert!(!is_static_asset("/"));
        assert!(!is_static_asset("/api/sign_in"));
    }
}
