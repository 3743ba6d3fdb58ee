//! Request layers: a span and an id per request, who is calling, cross-site requests refused,
//! strangers kept from server functions, cache headers, and the status a server function error
//! deserves.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use app::auth::access::{AGREEMENT_PATH, BEFORE_AGREEMENT_SERVER_FNS, FILE_SERVER_FNS, PUBLIC_SERVER_FNS};
use app::auth::guard::{CurrentSession, SESSION_COOKIE};
use app::auth::secrets;
use app::error::AppError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tracing::Instrument;

use crate::sessions::Sessions;

/// A request id unique within this process's life: the start time and a counter.
fn next_request_id() -> String {
    static STARTED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let started = STARTED.get_or_init(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
    });
    format!("{started:x}-{}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// One span per request, with its id (also answered in `X-Request-Id`), method, path (never the
/// query, which may carry a link's token), status, duration, and the caller's user and
/// organisation ids once known; one log line when it is answered.
pub async fn trace_request(mut request: Request, next: Next) -> Response {
    let id = next_request_id();
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path(),
        status = tracing::field::Empty,
        ms = tracing::field::Empty,
        server_fn = tracing::field::Empty,
        user_id = tracing::field::Empty,
        organisation_id = tracing::field::Empty,
    );
    let header_value = HeaderValue::from_str(&id).ok();
    if let Some(value) = header_value.clone() {
        request.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    let started = Instant::now();
    span.in_scope(|| tracing::debug!("started"));
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    span.record("status", status);
    span.record("ms", started.elapsed().as_secs_f64() * 1000.0);
    span.in_scope(|| match status {
        500.. => tracing::error!("answered"),
        _ => tracing::info!("answered"),
    });
    if let Some(value) = header_value {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// Whether a request may change something (and so must come from Tessera's own pages).
fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a browser says this request came from another site: `Sec-Fetch-Site` other than
/// same-origin (or none: typed by the person), or an `Origin` other than this server's.
fn cross_site(headers: &HeaderMap, public_url: &str) -> bool {
    let value = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    if let Some(site) = value("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = value(header::ORIGIN.as_str()) else { return false };
    let host = value(header::HOST.as_str()).unwrap_or_default();
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin);
    let own = origin_host == host && !host.is_empty();
    !(own || origin.trim_end_matches('/') == public_url.trim_end_matches('/'))
}

/// Refuses a state-changing request another site made a browser send (login CSRF, and any other
/// forged form post): the session cookie is `SameSite=Lax`, but a sign-in needs no cookie.
pub async fn refuse_cross_site(State(public_url): State<String>, request: Request, next: Next) -> Response {
    if changes_state(request.method()) && cross_site(request.headers(), &public_url) {
        tracing::warn!("cross-site request refused");
        return (StatusCode::FORBIDDEN, "Tessera does not accept requests sent from other sites.").into_response();
    }
    next.run(request).await
}

/// The gate in front of every server function. A stranger (no session) reaches only the
/// public ones (signing in, invitations, password resets); the rest answer 401 before their
/// arguments are even read, so one added later cannot forget it. Bodies must be the form
/// encoding server functions use.
pub async fn guard_server_fns(request: Request, next: Next) -> Response {
    let Some(name) = request.uri().path().strip_prefix("/api/").map(str::to_owned) else {
        return next.run(request).await;
    };
    // The REST API checks its own tokens (`app::api::rest`).
    if name.starts_with("v1/") || name == "v1" {
        return next.run(request).await;
    }
    let signed_in = request.extensions().get::<CurrentSession>().is_some();
    let wants_page = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if !signed_in && !PUBLIC_SERVER_FNS.contains(&name.as_str()) {
        if wants_page {
            return Redirect::to("/sign-in").into_response();
        }
        return error_response(&AppError::Unauthenticated);
    }
    // Until their organisation accepts the partner agreement, its people reach only the
    // agreement's own functions (and the public ones).
    if let Some(session) = request.extensions().get::<CurrentSession>()
        && !PUBLIC_SERVER_FNS.contains(&name.as_str())
        && !BEFORE_AGREEMENT_SERVER_FNS.contains(&name.as_str())
        && let Err(error) = session.user.admitted()
    {
        if wants_page {
            return Redirect::to(AGREEMENT_PATH).into_response();
        }
        return error_response(&error);
    }
    // No body type at all (an empty call) is fine; any other type than a form's is refused (a
    // form with a file, for the functions that take one).
    let expected = match FILE_SERVER_FNS.contains(&name.as_str()) {
        true => MULTIPART,
        false => "application/x-www-form-urlencoded",
    };
    // A form with a file names the boundary between its parts, or it cannot be read at all.
    let readable =
        |kind: &str| kind.starts_with(expected) && (expected != MULTIPART || multer::parse_boundary(kind).is_ok());
    let foreign = request.headers().get(header::CONTENT_TYPE).is_some_and(|kind| !kind.to_str().is_ok_and(readable));
    if request.method() == Method::POST && foreign {
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, format!("Send the form as {expected}.")).into_response();
    }
    tracing::Span::current().record("server_fn", name.as_str());
    let span = tracing::info_span!("server_fn", name = %name);
    next.run(request).instrument(span).await
}

const MULTIPART: &str = "multipart/form-data";

fn error_response(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(error).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Nothing Tessera answers may be kept by a browser or proxy unless it says so itself (static
/// files do); over https, browsers are told to use nothing else.
pub async fn cache_and_transport_headers(State(https): State<bool>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    response
}

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
pub async fn attach_session(State(sessions): State<Sessions>, mut request: Request, next: Next) -> Response {
    if !is_static_asset(request.uri().path())
        && let Some(token) = cookie_value(request.headers(), SESSION_COOKIE)
    {
        let token_hash = secrets::token_hash(token);
        match sessions.person(&token_hash).await {
            Ok(Some(user)) => {
                let span = tracing::Span::current();
                span.record("user_id", user.user_id);
                span.record("organisation_id", user.organisation_id);
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
    fn another_sites_requests_are_told_apart_from_our_own() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, HeaderValue::from_static(value));
            }
            map
        };
        let public = "https://partners.acme.test";
        let cases = [
            (headers(&[("sec-fetch-site", "same-origin"), ("origin", "https://evil.test")]), false),
            (headers(&[("sec-fetch-site", "cross-site")]), true),
            (headers(&[("sec-fetch-site", "same-site")]), true),
            (headers(&[("sec-fetch-site", "none")]), false),
            (headers(&[("origin", "https://evil.test"), ("host", "partners.acme.test")]), true),
            (headers(&[("origin", "null"), ("host", "partners.acme.test")]), true),
            (headers(&[("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")]), false),
            (headers(&[("origin", "https://partners.acme.test"), ("host", "10.0.0.5:3000")]), false),
            (headers(&[("host", "127.0.0.1:3000")]), false),
        ];
        for (headers, expected) in cases {
            assert_eq!(cross_site(&headers, public), expected, "{headers:?}");
        }
    }

    #[test]
    fn request_ids_differ() {
        assert_ne!(next_request_id(), next_request_id());
    }

    #[test]
    fn static_assets_skip_the_session_lookup() {
        assert!(is_static_asset("/pkg/tessera.wasm"));
        assert!(is_static_asset("/healthz"));
        assert!(!is_static_asset("/"));
        assert!(!is_static_asset("/api/sign_in"));
    }
}
