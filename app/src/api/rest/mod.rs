//! The REST API under `/api/v1`: a bearer token says who calls (its creator, as they are now,
//! narrowed to its scopes); each endpoint then runs the feature's own server-side function under
//! that person, with the same role checks, reach rule and validation as the pages. Errors are
//! problem details.

pub mod cursor;
pub mod deals;
pub mod limit;
pub mod openapi;
pub mod partners;
pub mod problem;
pub mod records;

use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::provide_context;
use leptos::reactive::computed::ScopedFuture;
use leptos::reactive::owner::Owner;
use serde::Serialize;
use utoipa::ToSchema;

use self::limit::RateLimiter;
use self::problem::{Problem, TokenProblems};
use super::store;
use super::tokens::{Scope, Scopes, TokenState};
use crate::auth::guard::CurrentSession;
use crate::auth::{AgreementStanding, SessionUser, secrets};
use crate::db::held::Held;
use crate::error::AppError;
use crate::state::ServerState;

/// Provides the server's context (its state and each feature's) to a function about to run.
pub type Provide = std::sync::Arc<dyn Fn() + Send + Sync>;

/// What every API handler shares.
#[derive(Clone)]
pub struct ApiState {
    pub state: ServerState,
    pub provide: Provide,
    pub limiter: RateLimiter,
    /// Who each token read lately acts for, while nothing was written (a revocation is a write).
    callers: Held<store::TokenCaller>,
    /// When this process last wrote down each token's use.
    marked: Arc<Mutex<HashMap<i64, DateTime<Utc>>>>,
}

impl ApiState {
    /// Who the token whose secret hashes to `hash` acts for, read afresh on a shared database.
    async fn caller(&self, hash: &str, now: DateTime<Utc>) -> Result<Option<store::TokenCaller>, sqlx::Error> {
        let db = &self.state.db;
        if db.shared() {
            return store::caller(db, hash).await;
        }
        // Counted before reading: a write landing during the read moves it, and the answer is dead.
        let writes = crate::db::writes();
        if let Some(caller) = self.callers.get(hash, writes, now) {
            return Ok(Some(caller));
        }
        let caller = store::caller(db, hash).await?;
        if let Some(caller) = &caller {
            self.callers.put(hash, caller.clone(), writes, now, caller.expires_at);
        }
        Ok(caller)
    }

    /// Whether the token's use at `now` is to be written down: at most once a minute each.
    fn to_mark(&self, caller: &store::TokenCaller, now: DateTime<Utc>) -> bool {
        let every = Duration::seconds(USE_RECORDED_EVERY_SECONDS);
        let Ok(mut marked) = self.marked.lock() else { return false };
        let last = marked.get(&caller.token_id).copied().into_iter().chain(caller.last_used_at).max();
        if last.is_some_and(|at| now - at < every) {
            return false;
        }
        if marked.len() >= 100_000 {
            marked.clear();
        }
        marked.insert(caller.token_id, now);
        true
    }
}

/// The token a request came with, once checked.
#[derive(Clone, Debug)]
pub struct ApiCaller {
    pub token_id: i64,
    pub token_name: String,
    pub scopes: Scopes,
}

impl ApiCaller {
    /// `Ok` if the token has `scope`; the problem to answer otherwise.
    pub fn needs(&self, scope: Scope) -> Result<(), Problem> {
        match self.scopes.allows(scope) {
            true => Ok(()),
            false => Err(Problem::insufficient_scope(scope.as_str())),
        }
    }
}

/// The API's routes, to be nested at `/api/v1`: `provide` gives a call the server's context. A
/// token may make as many requests a minute as the settings say.
pub fn router(state: ServerState, provide: Provide) -> Router {
    let limiter = RateLimiter::new(state.settings.api_requests_per_minute);
    let state = ApiState { state, provide, limiter, callers: Held::default(), marked: Arc::default() };
    let guarded = Router::new()
        .route("/me", get(me))
        .route("/deals", get(deals::list).post(deals::create))
        .route("/deals/{id}", get(deals::detail))
        .route("/deals/{id}/submit", post(deals::submit))
        .route("/deals/{id}/decision", post(deals::decide))
        .route("/deals/{id}/outcome", post(deals::close))
        .route("/partners", get(partners::list))
        .route("/partners/{id}", get(partners::detail))
        .route("/partners/{id}/people", get(partners::people))
        .route("/partners/{id}/tier", get(partners::tier))
        .route("/certifications", get(records::certifications))
        .route("/leads", get(records::leads))
        .route("/campaigns", get(records::campaigns))
        .route("/mdf/requests", get(records::mdf_requests))
        .route("/partners/{id}/ledger", get(records::ledger))
        .fallback(nothing_here)
        .layer(axum::middleware::from_fn_with_state(state.clone(), authenticate))
        .with_state(state);
    Router::new().route("/openapi.json", get(openapi::document)).merge(guarded)
}

async fn nothing_here() -> Problem {
    AppError::NotFound.into()
}

/// The secret of an `Authorization: Bearer …` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, secret) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(secret.trim()).filter(|secret| !secret.is_empty())
}

/// How often a token's last use is written down at most.
const USE_RECORDED_EVERY_SECONDS: i64 = 60;

/// Checks the request's token and its rate, and leaves the person it acts for where server
/// functions find a signed-in person. A session cookie never speaks for the API.
async fn authenticate(State(state): State<ApiState>, mut request: Request, next: Next) -> Response {
    request.extensions_mut().remove::<CurrentSession>();
    let Some(secret) = bearer(request.headers()) else {
        return Problem::unauthorised("Send a token in the Authorization header: \u{201c}Bearer tsr_…\u{201d}.")
            .into_response();
    };
    let token_hash = secrets::token_hash(secret);
    let now = Utc::now();
    let caller = match state.caller(&token_hash, now).await {
        Ok(Some(caller)) => caller,
        Ok(None) => {
            return Problem::unauthorised("Tessera knows no such token, or its owner was deactivated.").into_response();
        }
        Err(error) => {
            tracing::error!(%error, "token lookup failed");
            return Problem::from(AppError::Internal).into_response();
        }
    };
    match TokenState::at(caller.expires_at, caller.revoked_at, now) {
        TokenState::Active => {}
        TokenState::Revoked => return Problem::unauthorised("This token was revoked.").into_response(),
        TokenState::Expired => {
            let detail = format!("This token expired on {}.", caller.expires_at.format("%Y-%m-%d"));
            return Problem::unauthorised(&detail).into_response();
        }
    }
    let left = match state.limiter.take(caller.token_id, Instant::now()) {
        Ok(left) => left,
        Err(wait) => {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return Problem::rate_limited(seconds.max(1), state.limiter.per_minute()).into_response();
        }
    };
    if state.to_mark(&caller, now) {
        let from = client(&state, &request);
        let (db, id) = (state.state.db.clone(), caller.token_id);
        tokio::spawn(async move {
            if let Err(error) = store::mark_used(&db, id, &from, now).await {
                tracing::warn!(%error, "a token's last use was not recorded");
            }
        });
    }
    let span = tracing::Span::current();
    span.record("user_id", caller.user.user_id);
    span.record("organisation_id", caller.user.organisation_id);
    let user = SessionUser { agreement: AgreementStanding::at(caller.agreement_due, now), ..caller.user };
    request.extensions_mut().insert(CurrentSession { user, token_hash });
    request.extensions_mut().insert(crate::audit::ViaToken(caller.token_id));
    request.extensions_mut().insert(ApiCaller {
        token_id: caller.token_id,
        token_name: caller.token_name,
        scopes: caller.scopes,
    });
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", HeaderValue::from(state.limiter.per_minute()));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(left));
    response
}

/// The client's address, as the trusted proxies tell it.
fn client(state: &ApiState, request: &Request) -> String {
    let peer = request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|info| info.0.ip());
    let forwarded = request.headers().get("x-forwarded-for").and_then(|value| value.to_str().ok());
    match peer {
        Some(peer) => state.state.settings.client_ip(peer, forwarded).to_string(),
        None => "unknown".to_owned(),
    }
}

/// Runs `call` as the token's person, with the server's context, exactly as a server function
/// runs: the features' own functions check the role and reach.
pub async fn as_caller<T, Fut>(state: &ApiState, parts: Parts, call: impl FnOnce() -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    let owner = Owner::new();
    let provide = state.provide.clone();
    let run = owner.with(|| {
        ScopedFuture::new(async move {
            provide_context(parts);
            provide_context(leptos_axum::ResponseOptions::default());
            provide();
            call().await
        })
    });
    run.await
}

/// A JSON answer, or the problem.
pub fn answer<T: Serialize>(result: Result<T, Problem>) -> Response {
    match result {
        Ok(value) => axum::Json(value).into_response(),
        Err(problem) => problem.into_response(),
    }
}

/// The id in a path: anything but a positive number is "not found", as an id out of reach is.
pub fn path_id(raw: &str) -> Result<i64, AppError> {
    raw.trim().parse::<i64>().ok().filter(|id| *id > 0).ok_or(AppError::NotFound)
}

/// Answers a whole list, read as the caller, for a token with `scope`.
pub async fn read_all<T, Fut>(
    state: &ApiState,
    caller: &ApiCaller,
    scope: Scope,
    parts: Parts,
    read: impl FnOnce() -> Fut,
) -> Response
where
    T: Serialize,
    Fut: Future<Output = Result<T, AppError>>,
{
    answer(
        async {
            caller.needs(scope)?;
            Ok(as_caller(state, parts, read).await?)
        }
        .await,
    )
}

/// Answers one thing, read as the caller by the id in the path, for a token with `scope`.
pub async fn read_one<T, Fut>(
    state: &ApiState,
    caller: &ApiCaller,
    scope: Scope,
    parts: Parts,
    id: &str,
    read: impl FnOnce(i64) -> Fut,
) -> Response
where
    T: Serialize,
    Fut: Future<Output = Result<T, AppError>>,
{
    let id = path_id(id);
    read_all(state, caller, scope, parts, move || async move { read(id?).await }).await
}

/// The token a request came with and whom it acts for.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Me {
    pub token: String,
    pub scopes: Vec<String>,
    pub user_id: i64,
    pub name: String,
    pub role: String,
    pub organisation_id: i64,
    pub organisation: String,
}

/// Who the token acts for, and what it may do.
#[utoipa::path(get, path = "/me", tag = "Tokens", security(("token" = [])),
    responses((status = 200, body = Me), TokenProblems))]
pub async fn me(axum::Extension(caller): axum::Extension<ApiCaller>, parts: Parts) -> Response {
    let user = parts.extensions.get::<CurrentSession>().map(|session| session.user.clone());
    answer(user.ok_or_else(|| Problem::from(AppError::Unauthenticated)).map(|user| Me {
        token: caller.token_name,
        scopes: caller.scopes.0.iter().map(|scope| scope.as_str().to_owned()).collect(),
        user_id: user.user_id,
        name: user.name,
        role: user.role.as_str().to_owned(),
        organisation_id: user.organisation_id,
        organisation: user.organisation_name,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_bearer_header_with_a_secret_is_read() {
        let headers = |value: &'static str| {
            let mut map = HeaderMap::new();
            map.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
            map
        };
        assert_eq!(bearer(&headers("Bearer tsr_abc")), Some("tsr_abc"));
        assert_eq!(bearer(&headers("bearer  tsr_abc ")), Some("tsr_abc"));
        assert_eq!(bearer(&headers("Basic dXNlcjpwYXNz")), None);
        assert_eq!(bearer(&headers("Bearer ")), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
    }
}
