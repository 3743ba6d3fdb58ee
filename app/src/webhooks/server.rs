//! The server functions of the webhook pages: admins only, for the whole program.

use leptos::prelude::*;

use super::{EndpointInput, EndpointView, WebhooksView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::signature::SECRET_PREFIX,
    super::store,
    crate::auth::access::ADMINISTRATION_ROLES,
    crate::auth::{guard, secrets},
    crate::state,
    chrono::Utc,
};

/// How many deliveries an endpoint's page lists.
#[cfg(feature = "ssr")]
const LOG_LENGTH: i64 = 100;

/// Every endpoint.
#[server(endpoint = "webhooks")]
pub async fn webhooks() -> Result<WebhooksView, AppError> {
    guard::require_role(ADMINISTRATION_ROLES)?;
    Ok(WebhooksView { endpoints: store::endpoints(&state::db()?).await? })
}

/// Registers an endpoint for the events ticked, with a new signing secret; its id. A plain form
/// post goes on to the endpoint's page, which shows the secret.
#[server(endpoint = "create_webhook")]
pub async fn create_webhook(#[server(flatten)] input: EndpointInput) -> Result<i64, AppError> {
    let user = guard::require_role(ADMINISTRATION_ROLES)?;
    let endpoint = input.check().map_err(|fields| {
        AppError::invalid_keeping(fields, [("url", input.url.clone()), ("description", input.description.clone())])
    })?;
    let secret = format!("{SECRET_PREFIX}{}", secrets::new_token()?);
    let id = store::create(&state::db()?, user.user_id, &endpoint, &secret, Utc::now()).await?;
    guard::redirect_form_post(&format!("/admin/webhooks/{id}"));
    Ok(id)
}

/// One endpoint: its settings, signing secret and newest deliveries.
#[server(endpoint = "webhook")]
pub async fn webhook(id: i64) -> Result<EndpointView, AppError> {
    guard::require_role(ADMINISTRATION_ROLES)?;
    let db = state::db()?;
    let endpoint = store::endpoints(&db).await?.into_iter().find(|endpoint| endpoint.id == id);
    let (Some(endpoint), Some(secret)) = (endpoint, store::secret(&db, id).await?) else {
        return Err(AppError::NotFound);
    };
    Ok(EndpointView { endpoint, secret, deliveries: store::deliveries(&db, id, LOG_LENGTH).await? })
}

/// Turns an endpoint on or off.
#[server(endpoint = "set_webhook_enabled")]
pub async fn set_webhook_enabled(id: i64, enabled: bool) -> Result<(), AppError> {
    let user = guard::require_role(ADMINISTRATION_ROLES)?;
    if !store::set_enabled(&state::db()?, user.user_id, id, enabled, Utc::now()).await? {
        return Err(AppError::NotFound);
    }
    guard::redirect_form_post(&format!("/admin/webhooks/{id}"));
    Ok(())
}

/// Sends a test event to an endpoint that is on.
#[server(endpoint = "send_test_webhook")]
pub async fn send_test_webhook(id: i64) -> Result<(), AppError> {
    let user = guard::require_role(ADMINISTRATION_ROLES)?;
    if !store::ping(&state::db()?, user.user_id, id, Utc::now()).await? {
        return Err(AppError::field("form", "Turn the endpoint on to send it a test event."));
    }
    guard::redirect_form_post(&format!("/admin/webhooks/{id}"));
    Ok(())
}

/// Sends a delivery's event again, as a new delivery.
#[server(endpoint = "send_webhook_again")]
pub async fn send_webhook_again(id: i64) -> Result<(), AppError> {
    let user = guard::require_role(ADMINISTRATION_ROLES)?;
    let Some(endpoint) = store::send_again(&state::db()?, user.user_id, id, Utc::now()).await? else {
        return Err(AppError::field("form", "That delivery's endpoint is off, or the delivery is gone."));
    };
    guard::redirect_form_post(&format!("/admin/webhooks/{endpoint}"));
    Ok(())
}
