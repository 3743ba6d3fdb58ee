//! The server functions of the bell and the notifications page: each person their own.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Inbox;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{EmailSetting, Kind, store},
    crate::auth::guard,
    crate::state,
    chrono::Utc,
};

/// How many notifications the page lists.
#[cfg(feature = "ssr")]
const LISTED: i64 = 50;

/// How many of the caller's notifications are unread, for the bell.
#[server(endpoint = "unread_notifications")]
pub async fn unread_notifications() -> Result<i64, AppError> {
    let user = guard::signed_in()?;
    Ok(store::unread(&state::db()?, user.user_id).await?)
}

/// The caller's newest notifications and their email settings.
#[server(endpoint = "notifications")]
pub async fn notifications() -> Result<Inbox, AppError> {
    let user = guard::signed_in()?;
    let db = state::db()?;
    Ok(Inbox {
        notifications: store::newest(&db, user.user_id, LISTED).await?,
        unread: store::unread(&db, user.user_id).await?,
        settings: store::settings(&db, user.user_id, &Kind::for_role(user.role)).await?,
    })
}

/// Marks one of the caller's notifications read; the page it leads to (where a plain form post
/// goes on to). Another person's is "not found".
#[server(endpoint = "open_notification")]
pub async fn open_notification(id: i64) -> Result<String, AppError> {
    let user = guard::signed_in()?;
    let path = store::open(&state::db()?, user.user_id, id, Utc::now()).await?.ok_or(AppError::NotFound)?;
    let path = super::safe_path(&path).to_owned();
    guard::redirect_form_post(&path);
    Ok(path)
}

/// Marks every notification of the caller read.
#[server(endpoint = "read_all_notifications")]
pub async fn read_all_notifications() -> Result<(), AppError> {
    let user = guard::signed_in()?;
    store::read_all(&state::db()?, user.user_id, Utc::now()).await?;
    guard::redirect_form_post("/notifications");
    Ok(())
}

/// The email settings form: the kinds ticked come by email too; every other kind offered does not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailChoice {
    pub email: Vec<String>,
}

/// Saves which kinds of notification come to the caller by email too.
#[server(endpoint = "save_notification_settings")]
pub async fn save_notification_settings(#[server(flatten)] choice: EmailChoice) -> Result<(), AppError> {
    let user = guard::signed_in()?;
    let offered = Kind::for_role(user.role);
    let mut ticked = Vec::new();
    for name in &choice.email {
        match Kind::parse(name).filter(|kind| offered.contains(kind)) {
            Some(kind) => ticked.push(kind),
            None => return Err(AppError::field("email", "Choose among the kinds of notification listed.")),
        }
    }
    let settings: Vec<EmailSetting> =
        offered.into_iter().map(|kind| EmailSetting { kind, email: ticked.contains(&kind) }).collect();
    store::save_settings(&state::db()?, user.user_id, &settings).await?;
    guard::redirect_form_post("/notifications");
    Ok(())
}
