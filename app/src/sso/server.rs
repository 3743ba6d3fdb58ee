//! Single sign-on's server functions: beginning a sign-in (anyone), and the connections (admins).

use leptos::prelude::*;

use super::SingleSignOnView;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{CALLBACK_PATH, domains_of, flow, store},
    crate::auth::forms::EmailAddress,
    crate::auth::{Role, guard},
    crate::error::FieldErrors,
    crate::state,
    chrono::Utc,
};

/// Begins signing in through the identity provider of the address's domain: answers where to
/// send the browser (a plain form post is sent there), with a cookie that ties the sign-in to
/// this browser.
#[server(endpoint = "start_single_sign_on")]
pub async fn start_single_sign_on(email: String) -> Result<String, AppError> {
    let state = state::server_state()?;
    let email = EmailAddress::parse(&email).map_err(|message| AppError::field("email", message))?;
    let domain = email.domain();
    let Some(connection) = store::for_domain(&state.db, domain).await? else {
        return Err(AppError::field(
            "email",
            format!("{domain} does not sign in with single sign-on: use your password."),
        ));
    };
    let started = flow::start(&state, &connection, email.as_str(), Utc::now())
        .await?
        .map_err(|_| AppError::field("email", super::Refusal::ProviderFailed.message()))?;
    guard::set_cookie(&flow::attempt_cookie(&started.browser_token, &state.settings));
    // Without JavaScript, on through a page of Tessera's own (see `flow::onward_page`).
    guard::redirect_form_post(super::ONWARD_PATH);
    Ok(started.url)
}

/// The connections, for the administration.
#[server(endpoint = "single_sign_on")]
pub async fn single_sign_on() -> Result<SingleSignOnView, AppError> {
    guard::require_role(&[Role::Admin])?;
    let state = state::server_state()?;
    Ok(SingleSignOnView {
        connections: store::connections(&state.db).await?,
        organisations: store::organisations(&state.db).await?,
        callback_url: format!("{}{CALLBACK_PATH}", state.settings.public_url),
    })
}

/// Sets up or changes an organisation's connection: the provider is asked for its discovery
/// document before anything is saved.
#[server(endpoint = "save_single_sign_on")]
pub async fn save_single_sign_on(
    organisation_id: i64,
    issuer: String,
    client_id: String,
    client_secret: String,
    domains: String,
    staff_passwords_off: Option<String>,
) -> Result<(), AppError> {
    let user = guard::require_role(&[Role::Admin])?;
    let state = state::server_state()?;
    // Given back with any message, so a form posted without JavaScript keeps them (never the secret).
    let typed = [
        ("organisation_id", organisation_id.to_string()),
        ("issuer", issuer.clone()),
        ("client_id", client_id.clone()),
        ("domains", domains.clone()),
    ];
    let refused = |fields: FieldErrors| AppError::invalid_keeping(fields, typed.clone());
    let mut fields = FieldErrors::new();
    let is_vendor = store::is_vendor(&state.db, organisation_id).await?;
    if is_vendor.is_none() {
        fields.insert("organisation_id".into(), "Choose an organisation from the list.".into());
    }
    // Kept as given: the provider's discovery document must name exactly this issuer.
    let issuer = issuer.trim().to_owned();
    if !issuer_allowed(&issuer) {
        fields.insert(
            "issuer".into(),
            "Enter the provider's issuer, like https://login.example.com (https, or http on this machine).".into(),
        );
    }
    let client_id = client_id.trim().to_owned();
    if client_id.is_empty() || client_id.len() > 200 || crate::text::has_control_characters(&client_id) {
        fields.insert("client_id".into(), "Enter the client ID the provider gave Tessera.".into());
    }
    let client_secret = client_secret.trim().to_owned();
    let has_one = store::connections(&state.db).await?.iter().any(|c| c.organisation_id == organisation_id);
    if (client_secret.is_empty() && !has_one) || client_secret.len() > 500 {
        fields.insert("client_secret".into(), "Enter the client secret the provider gave Tessera.".into());
    }
    let domains = domains_of(&domains);
    let bad: Vec<&String> = domains
        .iter()
        .filter(|domain| !crate::text::looks_like_domain(domain) || crate::deals::domain::is_webmail(domain))
        .collect();
    if domains.is_empty() {
        fields.insert("domains".into(), "Enter the email domains it signs in, like example.com.".into());
    } else if let Some(domain) = bad.first() {
        fields.insert(
            "domains".into(),
            format!("{domain} is not a company's email domain (a mail provider anyone may use is not either)."),
        );
    }
    if !fields.is_empty() {
        return Err(refused(fields));
    }
    if let Err(message) = flow::discover(&issuer).await {
        return Err(refused(FieldErrors::from([("issuer".to_owned(), message)])));
    }
    let saved = store::Saved {
        organisation_id,
        issuer: &issuer,
        client_id: &client_id,
        client_secret: &client_secret,
        domains: &domains,
        staff_passwords_off: is_vendor == Some(true) && staff_passwords_off.is_some(),
    };
    store::save(&state.db, &saved, user.user_id, Utc::now())
        .await?
        .map_err(|message| refused(FieldErrors::from([("domains".to_owned(), message)])))?;
    guard::redirect_form_post("/admin/sso");
    Ok(())
}

/// Removes a connection: its people sign in with passwords again.
#[server(endpoint = "remove_single_sign_on")]
pub async fn remove_single_sign_on(id: i64) -> Result<(), AppError> {
    let user = guard::require_role(&[Role::Admin])?;
    let state = state::server_state()?;
    if !store::remove(&state.db, id, user.user_id, Utc::now()).await? {
        return Err(AppError::NotFound);
    }
    guard::redirect_form_post("/admin/sso");
    Ok(())
}

/// An issuer Tessera talks to: over https, or over http to this machine (a provider run locally).
#[cfg(feature = "ssr")]
fn issuer_allowed(issuer: &str) -> bool {
    let Some(rest) = issuer.strip_prefix("https://").or_else(|| issuer.strip_prefix("http://")) else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once(':').filter(|(_, port)| port.parse::<u16>().is_ok()).map_or(host, |(host, _)| host);
    let local = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    let valid =
        !host.is_empty() && !issuer.contains(char::is_whitespace) && !crate::text::has_control_characters(issuer);
    valid && (issuer.starts_with("https://") || local)
}
