//! The OpenID Connect authorization code flow with PKCE, by the `openidconnect` crate: [`start`]
//! sends the browser to the provider with a state, a nonce and a PKCE challenge kept server-side
//! (bound to the browser by a cookie); [`finish`] takes them back once, exchanges the code with
//! the verifier, verifies the ID token (signature by the provider's keys, issuer, audience, nonce,
//! expiry) and signs in whom [`super::plan`] lets in.

use chrono::{DateTime, Duration, Utc};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, LoginHint, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, reqwest,
};

use super::store::{self, Attempt, Connection};
use super::{ATTEMPT_COOKIE, ATTEMPT_MINUTES, Asserted, CALLBACK_PATH, Plan, Refusal, Standing, plan};
use crate::auth::{secrets, store as auth_store};
use crate::error::AppError;
use crate::state::{ServerState, Settings};

/// The cookie that ties the sign-in begun with `token` to this browser, for as long as it may take.
pub fn attempt_cookie(token: &str, settings: &Settings) -> String {
    cookie(token, ATTEMPT_MINUTES * 60, settings)
}

/// [`attempt_cookie`] spent: the browser forgets it.
pub fn spent_attempt_cookie(settings: &Settings) -> String {
    cookie("", 0, settings)
}

fn cookie(value: &str, seconds: i64, settings: &Settings) -> String {
    let secure = if settings.secure_cookies { "; Secure" } else { "" };
    format!("{ATTEMPT_COOKIE}={value}; Path=/sso; HttpOnly; SameSite=Lax; Max-Age={seconds}{secure}")
}

/// The most a provider may take to answer one request.
const PROVIDER_SECONDS: u64 = 10;

fn http_client() -> Result<reqwest::Client, AppError> {
    reqwest::Client::builder()
        // Following redirects would let a provider's answer send Tessera anywhere.
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(PROVIDER_SECONDS))
        .build()
        .map_err(|error| {
            tracing::error!(%error, "no HTTP client for single sign-on");
            AppError::Internal
        })
}

/// The provider's metadata (its endpoints and keys), read from `issuer`'s discovery document;
/// a message for the person setting the connection up when it cannot be.
pub async fn discover(issuer: &str) -> Result<CoreProviderMetadata, String> {
    let http = http_client().map_err(|error| error.to_string())?;
    let issuer_url = IssuerUrl::new(issuer.to_owned()).map_err(|_| "Enter the issuer's address.".to_owned())?;
    CoreProviderMetadata::discover_async(issuer_url, &http).await.map_err(|error| {
        tracing::warn!(%error, issuer, "the provider's discovery document could not be read");
        format!("Tessera could not read {issuer}/.well-known/openid-configuration ({error}).")
    })
}

/// A sign-in begun: where to send the browser, and the value of the cookie that binds it.
#[derive(Debug)]
pub struct Started {
    pub url: String,
    pub browser_token: String,
}

/// Begins signing in `email` through `connection`: `Err` when its provider cannot be reached.
pub async fn start(
    state: &ServerState,
    connection: &Connection,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Result<Started, String>, AppError> {
    let metadata = match discover(&connection.issuer).await {
        Ok(metadata) => metadata,
        Err(message) => return Ok(Err(message)),
    };
    let redirect = RedirectUrl::new(format!("{}{CALLBACK_PATH}", state.settings.public_url)).map_err(|error| {
        tracing::error!(%error, "the public address is no URL");
        AppError::Internal
    })?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(connection.client_id.clone()),
        Some(ClientSecret::new(connection.client_secret.clone())),
    )
    .set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("email".to_owned()))
        .add_scope(Scope::new("profile".to_owned()))
        .set_pkce_challenge(challenge)
        .set_login_hint(LoginHint::new(email.to_owned()))
        .url();
    let browser_token = secrets::new_token()?;
    let attempt = Attempt {
        browser_hash: secrets::token_hash(&browser_token),
        connection_id: connection.id,
        nonce: nonce.secret().clone(),
        verifier: verifier.secret().clone(),
        url: url.to_string(),
        created_at: now,
    };
    store::begin_attempt(&state.db, &secrets::token_hash(csrf.secret()), &attempt).await?;
    Ok(Ok(Started { url: url.to_string(), browser_token }))
}

/// The page a browser without JavaScript goes on from: a form's answer may not lead to another
/// site (the pages' `form-action 'self'`), so this page sends it to the provider itself (a refresh,
/// and a link). Where its sign-in sends it, from the cookie that binds it; `None` if there is none.
pub async fn onward_page(
    state: &ServerState,
    browser_token: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    const PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
        <meta http-equiv=\"refresh\" content=\"0; url={{ url }}\"><title>Single sign-on</title></head>\
        <body><p><a href=\"{{ url }}\">Continue to your identity provider</a></p></body></html>";
    let Some(url) = store::url_for_browser(&state.db, &secrets::token_hash(browser_token), now).await? else {
        return Ok(None);
    };
    let mut templates = minijinja::Environment::new();
    let rendered = templates
        .add_template("onward.html", PAGE)
        .and_then(|()| templates.get_template("onward.html"))
        .and_then(|page| page.render(minijinja::context! { url }));
    rendered.map(Some).map_err(|error| {
        tracing::error!(%error, "the single sign-on page did not render");
        AppError::Internal
    })
}

/// What the provider sent the browser back with.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

/// Finishes a sign-in: the new session's token, or why nobody was signed in.
pub async fn finish(
    state: &ServerState,
    callback: &Callback,
    browser_token: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Result<String, Refusal>, AppError> {
    let Some(csrf) = &callback.state else { return Ok(Err(Refusal::Expired)) };
    // Taken whatever happens next: a state is good for one answer.
    let Some(attempt) = store::take_attempt(&state.db, &secrets::token_hash(csrf)).await? else {
        return Ok(Err(Refusal::Expired));
    };
    let same_browser = browser_token.is_some_and(|token| secrets::token_hash(token) == attempt.browser_hash);
    if !same_browser || attempt.created_at + Duration::minutes(ATTEMPT_MINUTES) < now {
        return Ok(Err(Refusal::Expired));
    }
    if callback.error.is_some() {
        return Ok(Err(Refusal::Denied));
    }
    let (Some(code), Some((connection, domains))) =
        (&callback.code, store::connection(&state.db, attempt.connection_id).await?)
    else {
        return Ok(Err(Refusal::Expired));
    };
    let asserted = match verified(state, &connection, code, &attempt).await {
        Ok(asserted) => asserted,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let email = asserted.email.clone().unwrap_or_default();
    let (account, subject_owner) = store::standing_of(&state.db, &email, &asserted.subject).await?;
    let invitation = auth_store::waiting_invitation(&state.db, &email, connection.organisation_id, now).await?;
    let standing =
        Standing { organisation_id: connection.organisation_id, domains: &domains, account, subject_owner, invitation };
    let plan = match plan(&asserted, &standing) {
        Ok(plan) => plan,
        Err(refusal) => {
            tracing::info!(email, refusal = refusal.as_str(), "single sign-on refused");
            return Ok(Err(refusal));
        }
    };
    let token = secrets::new_token()?;
    let expires_at = now + state.settings.session_ttl;
    match plan {
        Plan::SignIn { user_id, link } => {
            if link && !store::link(&state.db, user_id, &asserted.subject).await? {
                return Ok(Err(Refusal::LinkedElsewhere));
            }
            auth_store::open_session(&state.db, user_id, &email, &secrets::token_hash(&token), now, expires_at).await?;
        }
        Plan::Accept { invitation_id } => {
            let Some(invitation) = auth_store::pending_invitation(&state.db, invitation_id, now).await? else {
                return Ok(Err(Refusal::NoAccount));
            };
            // The account's password is one nobody knows: its person signs in through the provider
            // (or chooses one by resetting it, where passwords are allowed).
            let password = secrets::hash_password(secrets::new_token()?).await?;
            let name = asserted.name.clone().unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_owned());
            let accepted = auth_store::accept_invitation(
                &state.db,
                &invitation,
                &name,
                &password,
                &secrets::token_hash(&token),
                now,
                expires_at,
            )
            .await?;
            let Some(user_id) = accepted else { return Ok(Err(Refusal::NoAccount)) };
            // A new account has no identity yet: linking it cannot lose to another.
            store::link(&state.db, user_id, &asserted.subject).await?;
        }
    }
    Ok(Ok(token))
}

/// Exchanges the code (with the PKCE verifier) and verifies the ID token; who it says signed in,
/// its address from the user info endpoint when the token carries none.
async fn verified(
    state: &ServerState,
    connection: &Connection,
    code: &str,
    attempt: &Attempt,
) -> Result<Asserted, Refusal> {
    let failed = |step: &str, error: &dyn std::fmt::Display| {
        tracing::warn!(%error, issuer = connection.issuer, step, "single sign-on failed at the provider");
        Refusal::ProviderFailed
    };
    let http = http_client().map_err(|error| failed("client", &error))?;
    let metadata = discover(&connection.issuer).await.map_err(|error| failed("discovery", &error))?;
    let redirect = RedirectUrl::new(format!("{}{CALLBACK_PATH}", state.settings.public_url))
        .map_err(|error| failed("redirect", &error))?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(connection.client_id.clone()),
        Some(ClientSecret::new(connection.client_secret.clone())),
    )
    .set_redirect_uri(redirect);
    let response = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|error| failed("token endpoint", &error))?
        .set_pkce_verifier(PkceCodeVerifier::new(attempt.verifier.clone()))
        .request_async(&http)
        .await
        .map_err(|error| failed("token", &error))?;
    let id_token = response.id_token().ok_or_else(|| failed("id token", &"the answer has no ID token"))?;
    let verifier = client.id_token_verifier();
    let claims = id_token
        .claims(&verifier, &Nonce::new(attempt.nonce.clone()))
        .map_err(|error| failed("id token claims", &error))?;
    if let Some(expected) = claims.access_token_hash() {
        let algorithm = id_token.signing_alg().map_err(|error| failed("algorithm", &error))?;
        let key = id_token.signing_key(&verifier).map_err(|error| failed("key", &error))?;
        let actual = AccessTokenHash::from_token(response.access_token(), algorithm, key)
            .map_err(|error| failed("access token hash", &error))?;
        if actual != *expected {
            return Err(failed("access token hash", &"the access token is not the one the ID token names"));
        }
    }
    let subject = format!("{} {}", connection.issuer, claims.subject().as_str());
    let name = claims.name().and_then(|name| name.get(None)).map(|name| name.as_str().trim().to_owned());
    let (email, email_verified, name) = match claims.email() {
        Some(email) => (Some(email.as_str().to_lowercase()), claims.email_verified(), name),
        None => {
            let info: CoreUserInfoClaims = client
                .user_info(response.access_token().clone(), Some(claims.subject().clone()))
                .map_err(|error| failed("user info endpoint", &error))?
                .request_async(&http)
                .await
                .map_err(|error| failed("user info", &error))?;
            let name = name
                .or_else(|| info.name().and_then(|name| name.get(None)).map(|name| name.as_str().trim().to_owned()));
            (info.email().map(|email| email.as_str().to_lowercase()), info.email_verified(), name)
        }
    };
    // A name the account can show: one line, not too long.
    let name = name
        .filter(|name| !name.is_empty() && name.chars().count() <= 120 && !crate::text::has_control_characters(name));
    Ok(Asserted { email, email_verified, subject, name })
}
