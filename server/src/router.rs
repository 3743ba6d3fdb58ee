//! The HTTP surface: pages, server functions, static files, health.

use app::auth::guard::CurrentSession;
use app::{App, ServerContext, shell};
use axum::Router;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tower_http::CompressionLevel;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::layers;
use crate::sessions::Sessions;

#[derive(Clone, axum::extract::FromRef)]
struct RouterState {
    leptos_options: LeptosOptions,
    server: ServerContext,
    /// Turns true when the server begins to shut down, which ends live event streams.
    stopping: tokio::sync::watch::Receiver<bool>,
}

pub fn router(
    server: ServerContext,
    leptos_options: LeptosOptions,
    stopping: tokio::sync::watch::Receiver<bool>,
) -> Router {
    let routes = route_list();
    let context = {
        let server = server.clone();
        move || server.provide()
    };
    let page_shell = {
        let options = leptos_options.clone();
        move || shell(options.clone())
    };
    let pkg_dir = std::path::Path::new(leptos_options.site_root.as_ref()).join(leptos_options.site_pkg_dir.as_ref());
    let pkg = crate::assets::pkg_routes(pkg_dir, leptos_options.hash_files);
    let state = RouterState { leptos_options, server: server.clone(), stopping };

    let https = server.state.settings.secure_cookies;
    let public_url = server.state.settings.public_url.clone();
    Router::new()
        .merge(pkg)
        .route("/deals/export.csv", get(export_deals))
        .route("/partners/export.csv", get(export_partners))
        .route("/admin/audit.csv", get(export_audit))
        .route("/earnings.csv", get(export_statement))
        .route("/incentives/runs/{run}", get(export_run))
        .route("/agreement/receipts/{id}", get(agreement_receipt))
        .route("/logos/{id}", get(partner_logo))
        .route("/content/{id}/file", get(content_file))
        .route("/content/{id}/link", get(content_link))
        .route("/mdf/proofs/{id}", get(mdf_proof))
        .route("/campaigns/{id}/preview/{partner}", get(campaign_landing))
        .route("/campaigns/{id}/email/{partner}", get(campaign_email))
        .route("/p/{slug}", get(landing_page).post(landing_form))
        .route("/p/{slug}/go", get(landing_go))
        .route("/p/{slug}/logo", get(landing_logo))
        .route("/locator", get(locator_search))
        .route("/locator/{id}", get(locator_partner).post(locator_form))
        .route("/live", get(live_events))
        .route(app::sso::CALLBACK_PATH, get(single_sign_on_callback))
        .route(app::sso::ONWARD_PATH, get(single_sign_on_onward))
        .nest_service("/api/v1", {
            let context = server.clone();
            app::api::rest::router(server.state.clone(), std::sync::Arc::new(move || context.provide()))
        })
        .leptos_routes_with_context(&state, routes, context.clone(), page_shell)
        .route("/healthz", get(healthz))
        .fallback(file_and_error_handler_with_context::<RouterState, _>(context, shell))
        .layer(axum::middleware::from_fn(layers::status_from_server_fn_error))
        // The most a server function reads; more is answered 413 (`AppError::TooLarge`).
        .layer(axum::extract::DefaultBodyLimit::max(app::error::MAX_REQUEST_BYTES))
        .layer(axum::middleware::from_fn(layers::guard_server_fns))
        .layer(axum::middleware::from_fn_with_state(Sessions::new(server.state.db.clone()), layers::attach_session))
        .layer(axum::middleware::from_fn_with_state(public_url, layers::refuse_cross_site))
        .layer(axum::middleware::from_fn_with_state(https, layers::cache_and_transport_headers))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        // Nothing is framed, but a campaign's preview within Tessera's own page (which says so itself).
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        // Pages set their own policy with a nonce; everything else may not run or frame anything.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        // Live event streams go out uncompressed, so each notice is flushed as it happens. What
        // is compressed here is made per request (pages, server function answers: a few KB), at
        // the quickest brotli level: a page's 4.9 KB become 2.2 KB instead of 1.9 KB, for a third
        // of the CPU. Static files come precompressed at the highest level (`assets`).
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Precise(1))
                .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("text/event-stream"))),
        )
        .layer(axum::middleware::from_fn(layers::trace_request))
        .with_state(state)
}

/// The app's routes, generated once per process. Generating them sets a process-wide flag in
/// leptos_server that leaves every resource created meanwhile pending for ever, so a second
/// server started in the same process while another serves (as the tests do) must not generate
/// them again: a page it was rendering would never answer.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

async fn live_events(State(state): State<RouterState>, request: Request) -> Response {
    crate::live::live(state.server.state.events.clone(), state.stopping.clone(), request).await
}

/// The deals list as a CSV download, for channel managers (their partners) and admins (all).
async fn export_deals(
    State(state): State<RouterState>,
    Query(query): Query<app::deals::server::DealQuery>,
    request: Request,
) -> Response {
    let user = match admitted(&request) {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    csv_download("deals.csv", app::deals::export::deals_csv(&state.server.state.db, user, &query).await)
}

/// The audit log as a CSV download, narrowed as its page is: admins only.
async fn export_audit(
    State(state): State<RouterState>,
    Query(query): Query<app::admin::audit::AuditQuery>,
    request: Request,
) -> Response {
    let user = match admitted(&request) {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    csv_download("audit.csv", app::admin::audit::audit_csv(&state.server.state.db, user, &query).await)
}

/// The partner directory as a CSV download, for vendor staff (within their reach).
async fn export_partners(
    State(state): State<RouterState>,
    Query(drill): Query<app::partners::PartnerDrill>,
    request: Request,
) -> Response {
    let user = match admitted(&request) {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    let csv = app::partners::export::partners_csv(&state.server.state.db, &state.server.facts, user, &drill).await;
    csv_download("partners.csv", csv)
}

/// Which statement to download: a partner (for vendor staff) and a quarter (else all time).
#[derive(Debug, Default, serde::Deserialize)]
struct StatementQuery {
    partner: Option<String>,
    period: Option<String>,
}

/// An earnings statement as a CSV download: a partner's people their own, vendor staff a
/// partner's within reach.
async fn export_statement(
    State(state): State<RouterState>,
    Query(query): Query<StatementQuery>,
    request: Request,
) -> Response {
    let user = match admitted(&request) {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    let partner = match query.partner.as_deref().map(str::trim).filter(|raw| !raw.is_empty()) {
        None => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => return csv_download("", Err(app::error::AppError::NotFound)),
        },
    };
    let csv =
        app::incentives::export::statement_csv(&state.server.state.db, user, partner, query.period.as_deref()).await;
    csv_download("earnings.csv", csv)
}

/// A payout run as CSV for accounts payable (`/incentives/runs/12.csv`), for admins.
async fn export_run(
    State(state): State<RouterState>,
    axum::extract::Path(run): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let user = match admitted(&request) {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    let Some(run) = run.strip_suffix(".csv").and_then(|id| id.parse::<i64>().ok()) else {
        return csv_download("", Err(app::error::AppError::NotFound));
    };
    let csv = app::incentives::export::run_csv(&state.server.state.db, user, run).await;
    csv_download(&format!("payout-run-{run}.csv"), csv)
}

/// The signed-in person behind a download, if their organisation's standing with the partner
/// agreement lets them use the portal; otherwise where to go instead (sign in, the agreement).
fn admitted(request: &Request) -> Result<&app::auth::SessionUser, Response> {
    let Some(session) = request.extensions().get::<CurrentSession>() else {
        return Err(Redirect::to("/sign-in").into_response());
    };
    match session.user.admitted() {
        Ok(()) => Ok(&session.user),
        Err(_) => Err(Redirect::to(app::auth::access::AGREEMENT_PATH).into_response()),
    }
}

/// [`admitted`], with the id in the address (`None` when it is not a number: "not found").
fn admitted_for<'a>(request: &'a Request, id: &str) -> Result<(&'a app::auth::SessionUser, Option<i64>), Response> {
    admitted(request).map(|user| (user, id.parse::<i64>().ok()))
}

/// The receipt of a partner agreement acceptance, as a text file to keep. Open whatever the
/// organisation's standing (an earlier receipt is still its own); "not found" outside reach.
async fn agreement_receipt(
    State(state): State<RouterState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let Some(session) = request.extensions().get::<CurrentSession>() else {
        return Redirect::to("/sign-in").into_response();
    };
    let Ok(id) = id.parse::<i64>() else {
        return download("", "text/plain", Err(app::error::AppError::NotFound));
    };
    match app::agreement::server::receipt(&state.server.state.db, &session.user, id).await {
        Ok((name, text)) => download(&name, "text/plain; charset=utf-8", Ok(text)),
        Err(error) => download("", "text/plain", Err(error)),
    }
}

/// A partner's logo, for those whose reach takes in the partner. Served with its own type, never
/// sniffed, under a policy that runs and loads nothing (an SVG opened on its own included), and
/// never kept by the browser: whoever loses the partner from their reach loses its logo too.
async fn partner_logo(
    State(state): State<RouterState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let file = match admitted_for(&request, &id) {
        Ok((user, Some(id))) => app::partners::server::logo_file(&state.server.state.db, user, id).await,
        Ok((_, None)) => Err(app::error::AppError::NotFound),
        Err(refused) => return refused,
    };
    match file {
        Ok((kind, body)) => (
            [
                (header::CONTENT_TYPE, kind.media_type().to_owned()),
                (header::CONTENT_DISPOSITION, format!("inline; filename=\"logo.{}\"", kind.extension())),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; sandbox".to_owned()),
            ],
            body,
        )
            .into_response(),
        Err(error) => download("", "text/plain", Err(error)),
    }
}

/// A file of the content library, for those the gating rule lets open it (a partner's download
/// counted): streamed from the data directory as an attachment, never sniffed, run or kept.
async fn content_file(
    State(state): State<RouterState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    use app::content::ContentKind;
    use app::content::server::Opened;
    let server = &state.server.state;
    let opened = match admitted_for(&request, &id) {
        Ok((user, Some(id))) => app::content::server::open(server, user, id, ContentKind::File).await,
        Ok((_, None)) => Err(app::error::AppError::NotFound),
        Err(refused) => return refused,
    };
    match opened {
        Ok(Opened::File { hash, name, media_type }) => kept_file(&server.files, &hash, &name, media_type).await,
        Ok(Opened::Link(_)) => download("", "text/plain", Err(app::error::AppError::NotFound)),
        Err(error) => download("", "text/plain", Err(error)),
    }
}

/// A proof file of an MDF claim, for the partner's people and the managers whose reach takes in
/// the partner ("not found" for anyone else, as for an id never given): streamed as an
/// attachment, never sniffed, run or kept.
async fn mdf_proof(
    State(state): State<RouterState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let server = &state.server.state;
    let found = match admitted_for(&request, &id) {
        Ok((user, Some(id))) => app::incentives::mdf::server::proof_file(&server.db, user, id).await,
        Ok((_, None)) => Err(app::error::AppError::NotFound),
        Err(refused) => return refused,
    };
    match found {
        Ok((hash, name, media_type)) => kept_file(&server.files, &hash, &name, media_type).await,
        Err(error) => download("", "text/plain", Err(error)),
    }
}

/// A file kept under the data directory, as a download named `name` of type `media_type`:
/// streamed, never sniffed, run or kept by the browser.
async fn kept_file(files: &app::files::FileStore, hash: &str, name: &str, media_type: String) -> Response {
    let file = match files.open(hash).await {
        Ok(Some(file)) => file,
        Ok(None) | Err(_) => {
            tracing::error!(%hash, "a kept file is missing from the data directory");
            return download("", "text/plain", Err(app::error::AppError::NotFound));
        }
    };
    let length = file.metadata().await.map(|facts| facts.len()).unwrap_or(0);
    (
        [
            (header::CONTENT_TYPE, media_type),
            (header::CONTENT_LENGTH, length.to_string()),
            (header::CONTENT_DISPOSITION, app::files::attachment(name)),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox".to_owned()),
        ],
        axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file)),
    )
        .into_response()
}

/// A link of the content library: counted for a partner, then the browser is sent on to it.
async fn content_link(
    State(state): State<RouterState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    request: Request,
) -> Response {
    use app::content::ContentKind;
    use app::content::server::Opened;
    let opened = match admitted_for(&request, &id) {
        Ok((user, Some(id))) => app::content::server::open(&state.server.state, user, id, ContentKind::Link).await,
        Ok((_, None)) => Err(app::error::AppError::NotFound),
        Err(refused) => return refused,
    };
    match opened {
        Ok(Opened::Link(url)) => Redirect::to(&url).into_response(),
        Ok(Opened::File { .. }) => download("", "text/plain", Err(app::error::AppError::NotFound)),
        Err(error) => download("", "text/plain", Err(error)),
    }
}

/// A campaign's landing page as one partner's prospects will see it: framed by Tessera's own
/// campaign page, running nothing, loading only Tessera's own images.
async fn campaign_landing(
    State(state): State<RouterState>,
    axum::extract::Path((id, partner)): axum::extract::Path<(String, String)>,
    request: Request,
) -> Response {
    match admitted(&request) {
        Ok(user) => {
            let document = app::campaigns::server::Document::Landing;
            campaign_document(&state, (&id, &partner), &user.clone(), document, false).await
        }
        Err(refused) => refused,
    }
}

/// A campaign's email as one partner sends it: a document mail clients render; with `download`
/// in the query, as a file to keep.
async fn campaign_email(
    State(state): State<RouterState>,
    axum::extract::Path((id, partner)): axum::extract::Path<(String, String)>,
    Query(query): Query<std::collections::HashMap<String, String>>,
    request: Request,
) -> Response {
    match admitted(&request) {
        Ok(user) => {
            let document = app::campaigns::server::Document::Email;
            campaign_document(&state, (&id, &partner), &user.clone(), document, query.contains_key("download")).await
        }
        Err(refused) => refused,
    }
}

async fn campaign_document(
    state: &RouterState,
    (id, partner): (&str, &str),
    user: &app::auth::SessionUser,
    document: app::campaigns::server::Document,
    as_file: bool,
) -> Response {
    let rendered = match (id.parse::<i64>(), partner.parse::<i64>()) {
        (Ok(id), Ok(partner)) => {
            app::campaigns::server::preview(&state.server.state, user, (id, partner), document).await
        }
        _ => Err(app::error::AppError::NotFound),
    };
    match rendered {
        Ok(html) => {
            let disposition = match as_file {
                true => "attachment; filename=\"campaign-email.html\"",
                false => "inline",
            };
            (
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'self'; form-action 'none'"),
                    (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                html,
            )
                .into_response()
        }
        Err(error) => download("", "text/plain", Err(error)),
    }
}

/// What a public landing page may do: show its own styles and Tessera's images, and post its
/// form to Tessera; nothing runs.
const LANDING_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'";

/// What the public partner locator may do: the landing pages' policy, but any site may frame it
/// (vendors embed it in their own; the policy's `frame-ancestors` overrides `X-Frame-Options`).
const LOCATOR_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors *; base-uri 'none'";

/// A page of the partner locator, as an HTML answer of `status`.
fn locator_answer(status: StatusCode, html: String) -> Response {
    public_answer(status, html, LOCATOR_POLICY)
}

/// A public page (a landing page, the locator), as an HTML answer of `status` under `policy`.
fn public_answer(status: StatusCode, html: String, policy: &'static str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, policy),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        html,
    )
        .into_response()
}

/// The answer for a partner prospects may not see (not listed, or no such partner): the same for each.
fn locator_gone() -> Response {
    let html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Partner not found</title></head>\
        <body><h1>Partner not found</h1><p><a href=\"/locator\">Find a partner</a></p></body></html>";
    locator_answer(StatusCode::NOT_FOUND, html.to_owned())
}

/// The public partner locator: anyone may search it; a search that is no query reads as none.
async fn locator_search(
    State(state): State<RouterState>,
    search: Result<Query<app::locator::Search>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let search = search.map(|Query(search)| search).unwrap_or_default();
    match app::locator::public::search(&state.server.state, &search).await {
        Ok(html) => locator_answer(StatusCode::OK, html),
        Err(error) => framable(download("", "text/plain", Err(error))),
    }
}

/// Another answer of the locator's (an error, "too many"), under its policy: a vendor's page
/// framing the locator shows it rather than a blank frame.
fn framable(mut answer: Response) -> Response {
    answer.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(LOCATOR_POLICY));
    answer
}

/// The cookie that ties a single sign-on under way to this browser, if it came.
fn single_sign_on_cookie(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(app::sso::ATTEMPT_COOKIE).and_then(|rest| rest.strip_prefix('=')))
}

/// A browser without JavaScript goes on to its identity provider from here.
async fn single_sign_on_onward(State(state): State<RouterState>, headers: axum::http::HeaderMap) -> Response {
    let expired = || Redirect::to(&format!("/sign-in?sso={}", app::sso::Refusal::Expired.as_str())).into_response();
    let Some(browser) = single_sign_on_cookie(&headers) else { return expired() };
    match app::sso::flow::onward_page(&state.server.state, browser, chrono::Utc::now()).await {
        Ok(Some(page)) => {
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], page)
                .into_response()
        }
        Ok(None) => expired(),
        Err(error) => download("", "text/plain", Err(error)),
    }
}

/// Where an identity provider sends the browser back: signed in (the session's cookie) to the home
/// page, or back to the sign-in page saying why not. The sign-in's cookie is spent either way.
async fn single_sign_on_callback(
    State(state): State<RouterState>,
    headers: axum::http::HeaderMap,
    callback: Result<Query<app::sso::flow::Callback>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let callback = callback.map(|Query(callback)| callback).unwrap_or_default();
    let browser = single_sign_on_cookie(&headers);
    let settings = &state.server.state.settings;
    let outcome = app::sso::flow::finish(&state.server.state, &callback, browser, chrono::Utc::now()).await;
    let spent = app::sso::flow::spent_attempt_cookie(settings);
    let (location, session) = match outcome {
        Ok(Ok(token)) => ("/".to_owned(), Some(app::auth::guard::session_cookie(&token, settings))),
        Ok(Err(refusal)) => (format!("/sign-in?sso={}", refusal.as_str()), None),
        Err(error) => {
            tracing::error!(%error, "single sign-on could not finish");
            (format!("/sign-in?sso={}", app::sso::Refusal::ProviderFailed.as_str()), None)
        }
    };
    let mut response = Redirect::to(&location).into_response();
    for cookie in std::iter::once(spent).chain(session) {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// A listed partner's page in the locator, thanking the sender after its form (`?sent`).
async fn locator_partner(
    State(state): State<RouterState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Response {
    use app::campaigns::public::FormState;
    let Ok(id) = id.parse::<i64>() else { return locator_gone() };
    let form = query.contains_key("sent").then_some(FormState::Sent);
    match app::locator::public::partner(&state.server.state, id, form).await {
        Ok(Some(html)) => locator_answer(StatusCode::OK, html),
        Ok(None) => locator_gone(),
        Err(error) => framable(download("", "text/plain", Err(error))),
    }
}

/// A listed partner's contact form: held to the landing pages' few a minute per address (429 with
/// `Retry-After` beyond), checked field by field, kept once per person and day as the partner's lead.
async fn locator_form(
    State(state): State<RouterState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
    form: Result<axum::Form<app::campaigns::launch::LeadInput>, axum::extract::rejection::FormRejection>,
) -> Response {
    use app::locator::public::{self, Sent};
    let Ok(id) = id.parse::<i64>() else { return locator_gone() };
    if let Err(refused) = admit_public_form(&state, peer, &headers) {
        return framable(refused);
    }
    // A body that is no form reads as an empty one: every required field is then named.
    let input = form.map(|axum::Form(input)| input).unwrap_or_default();
    match public::send(&state.server.state, id, &input).await {
        Ok(Some(Sent::Thanked)) => Redirect::to(&format!("/locator/{id}?sent=1#lead-form")).into_response(),
        Ok(Some(Sent::Refused(html))) => locator_answer(StatusCode::UNPROCESSABLE_ENTITY, html),
        Ok(None) => locator_gone(),
        Err(error) => framable(download("", "text/plain", Err(error))),
    }
}

/// Whether the client behind `peer` (and the trusted proxies' `X-Forwarded-For`) may send a public
/// form (a landing page's, the locator's) now: their few a minute are shared by every such form.
fn admit_public_form(
    state: &RouterState,
    peer: std::net::SocketAddr,
    headers: &axum::http::HeaderMap,
) -> Result<(), Response> {
    let forwarded = headers.get("x-forwarded-for").and_then(|value| value.to_str().ok());
    let client = state.server.state.settings.client_ip(peer.ip(), forwarded);
    state.server.landing_pages.admit(client).map_err(too_many_messages)
}

/// A public form sent too often from one address: 429, with when to try again.
fn too_many_messages(wait: std::time::Duration) -> Response {
    let seconds = wait.as_secs().max(1);
    let minutes = seconds.div_ceil(60);
    let said = format!(
        "Too many messages from your address. Please try again in {minutes} minute{}.",
        if minutes == 1 { "" } else { "s" }
    );
    (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, seconds.to_string())], said).into_response()
}

/// A landing page (or the page that says it is not available), as an HTML answer of `status`:
/// framed only by Tessera's own pages (a campaign's preview).
fn landing_answer(status: StatusCode, html: String) -> Response {
    let mut answer = public_answer(status, html, LANDING_POLICY);
    answer.headers_mut().insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    answer
}

/// The answer for an address that is no live landing page (never launched, paused, or ended):
/// the same for each, so it says nothing of which.
fn landing_gone() -> Response {
    landing_answer(StatusCode::NOT_FOUND, app::campaigns::render::unavailable_page())
}

/// The live landing page at `slug`; otherwise what to answer (the page that says it is not available, or the error's).
async fn live_page(
    state: &RouterState,
    slug: &str,
) -> Result<std::sync::Arc<app::campaigns::public::LivePage>, Response> {
    match state.server.landing_pages.live(&state.server.state, slug).await {
        Ok(Some(page)) => Ok(page),
        Ok(None) => Err(landing_gone()),
        Err(error) => Err(download("", "text/plain", Err(error))),
    }
}

/// A partner's public landing page: anyone may open it; each opening is counted (in memory,
/// written in batches), but the one that follows a sent form or the call to action.
async fn landing_page(
    State(state): State<RouterState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let pages = &state.server.landing_pages;
    let page = match live_page(&state, &slug).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    if query.contains_key("sent") {
        return match app::campaigns::public::thanked(&page) {
            Ok(html) => landing_answer(StatusCode::OK, html),
            Err(error) => download("", "text/plain", Err(error)),
        };
    }
    if !query.contains_key("from") {
        pages.count_view(page.launch.id);
    }
    landing_answer(StatusCode::OK, page.html.clone())
}

/// A landing page's form: at most a few a minute from one address (429 with `Retry-After`
/// beyond), checked field by field, kept once per person and day; then the page thanks them.
async fn landing_form(
    State(state): State<RouterState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
    form: Result<axum::Form<app::campaigns::launch::LeadInput>, axum::extract::rejection::FormRejection>,
) -> Response {
    use app::campaigns::public::{self, Sent};
    if let Err(refused) = admit_public_form(&state, peer, &headers) {
        return refused;
    }
    let page = match live_page(&state, &slug).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    // A body that is no form reads as an empty one: every required field is then named.
    let input = form.map(|axum::Form(input)| input).unwrap_or_default();
    match public::send(&state.server.state, &page, &input).await {
        Ok(Sent::Thanked) => Redirect::to(&format!("/p/{slug}?sent=1#lead-form")).into_response(),
        Ok(Sent::Refused(html)) => landing_answer(StatusCode::UNPROCESSABLE_ENTITY, html),
        Err(error) => download("", "text/plain", Err(error)),
    }
}

/// A landing page's call to action: counted, then the visitor is sent on.
async fn landing_go(
    State(state): State<RouterState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
) -> Response {
    match live_page(&state, &slug).await {
        Ok(page) => {
            state.server.landing_pages.count_click(page.launch.id);
            Redirect::to(&page.cta_target).into_response()
        }
        Err(answer) => answer,
    }
}

/// The logo a live landing page (and its email) shows: to anyone, while the page is live.
async fn landing_logo(
    State(state): State<RouterState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
) -> Response {
    let page = match live_page(&state, &slug).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    match app::partners::server::public_logo(&state.server.state.db, page.launch.organisation_id).await {
        Ok((kind, body)) => (
            [
                (header::CONTENT_TYPE, kind.media_type().to_owned()),
                (header::CONTENT_DISPOSITION, format!("inline; filename=\"logo.{}\"", kind.extension())),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; sandbox".to_owned()),
                (header::CACHE_CONTROL, "public, max-age=300".to_owned()),
            ],
            body,
        )
            .into_response(),
        Err(error) => download("", "text/plain", Err(error)),
    }
}

/// A CSV file to download, never stored by a cache, or the error's status and message.
fn csv_download(name: &str, csv: Result<String, app::error::AppError>) -> Response {
    download(name, "text/csv; charset=utf-8", csv)
}

/// A file to download, never stored by a cache, or the error's status and message.
fn download(name: &str, kind: &str, file: Result<String, app::error::AppError>) -> Response {
    match file {
        Ok(file) => (
            [
                (header::CONTENT_TYPE, kind.to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            file,
        )
            .into_response(),
        Err(error) => {
            let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, error.to_string()).into_response()
        }
    }
}

/// 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<RouterState>) -> Response {
    let db = &state.server.state.db;
    match db.ping().await {
        Ok(()) => (StatusCode::OK, axum::Json(serde_json::json!({ "status": "ok", "database": db.backend_name() })))
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(serde_json::json!({ "status": "unavailable" })))
                .into_response()
        }
    }
}
