//! Notifications in the database: their one writer ([`tell`] and the helpers that find whom to
//! tell), what the bell and the notifications page read, and each person's email settings.

use chrono::{DateTime, Utc};

use super::{EmailSetting, Kind, Notice, Notification};
use crate::db::{Db, Tx};
use crate::{execute_in, mail, on_db, on_tx};

crate::statements! {
    const INSERT = "INSERT INTO notifications (user_id, kind, title, path, created_at) VALUES ($1, $2, $3, $4, $5)";
    // An active person, and whether they want this kind by email (their choice, or none made).
    const RECIPIENT = "SELECT u.email, s.email AS by_email FROM users u \
        LEFT JOIN notification_settings s ON s.user_id = u.id AND s.kind = $2 \
        WHERE u.id = $1 AND u.deactivated_at IS NULL";
    const MANAGER_OF = "SELECT channel_manager_id FROM organisations WHERE id = $1 AND channel_manager_id IS NOT NULL";
    const NEWEST = "SELECT id, kind, title, path, created_at, read_at FROM notifications WHERE user_id = $1 \
        ORDER BY id DESC LIMIT $2";
    const UNREAD = "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL";
    const OPEN = "UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND user_id = $2 RETURNING path";
    const READ_ALL = "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL";
    const SETTINGS = "SELECT kind, email FROM notification_settings WHERE user_id = $1";
    const SAVE_SETTING = "INSERT INTO notification_settings (user_id, kind, email) VALUES ($1, $2, $3) \
        ON CONFLICT (user_id, kind) DO UPDATE SET email = excluded.email";
}

/// Tells person `user_id` of `notice` in the transaction of the change it is about: the
/// notification, and the email when they want this kind by email. Nobody is told when they are
/// deactivated (or gone); whether they were.
pub async fn tell(tx: &mut Tx, user_id: i64, notice: &Notice, at: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let recipient: Option<(String, Option<bool>)> = on_tx!(tx, conn => sqlx::query_as(RECIPIENT)
        .bind(user_id).bind(notice.kind).fetch_optional(conn).await)?;
    let Some((email, by_email)) = recipient else { return Ok(false) };
    execute_in!(
        tx,
        sqlx::query(INSERT)
            .bind(user_id)
            .bind(notice.kind)
            .bind(&notice.message.subject)
            .bind(super::safe_path(&notice.path))
            .bind(at)
    )?;
    if by_email.unwrap_or(notice.kind.email_by_default()) {
        mail::queue(tx, &email, &notice.message, at).await?;
    }
    tx.tell(user_id);
    Ok(true)
}

/// Tells every active partner admin of `organisation_id`; how many were told.
pub async fn tell_partner_admins(
    tx: &mut Tx,
    organisation_id: i64,
    notice: &Notice,
    at: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let mut told = 0;
    for (admin, _) in mail::store::partner_admins(tx, organisation_id).await? {
        told += usize::from(tell(tx, admin, notice, at).await?);
    }
    Ok(told)
}

/// Tells partner `organisation_id`'s channel manager, when it has one still active.
pub async fn tell_manager(
    tx: &mut Tx,
    organisation_id: i64,
    notice: &Notice,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let manager: Option<i64> =
        on_tx!(tx, conn => sqlx::query_scalar(MANAGER_OF).bind(organisation_id).fetch_optional(conn).await)?;
    if let Some(manager) = manager {
        tell(tx, manager, notice, at).await?;
    }
    Ok(())
}

/// Person `user_id`'s newest `limit` notifications, newest first.
pub async fn newest(db: &Db, user_id: i64, limit: i64) -> Result<Vec<Notification>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(NEWEST).bind(user_id).bind(limit).fetch_all(pool).await)
}

/// How many of person `user_id`'s notifications are unread.
pub async fn unread(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(UNREAD).bind(user_id).fetch_one(pool).await)
}

/// Marks notification `id` of person `user_id` read; the page it leads to, or none when it is
/// not theirs.
pub async fn open(db: &Db, user_id: i64, id: i64, at: DateTime<Utc>) -> Result<Option<String>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let path: Option<String> =
        on_tx!(tx, conn => sqlx::query_scalar(OPEN).bind(id).bind(user_id).bind(at).fetch_optional(conn).await)?;
    tx.tell(user_id);
    tx.commit().await?;
    Ok(path)
}

/// Marks every notification of person `user_id` read.
pub async fn read_all(db: &Db, user_id: i64, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    execute_in!(tx, sqlx::query(READ_ALL).bind(user_id).bind(at))?;
    tx.tell(user_id);
    tx.commit().await
}

/// Person `user_id`'s email setting for each of `kinds`.
pub async fn settings(db: &Db, user_id: i64, kinds: &[Kind]) -> Result<Vec<EmailSetting>, sqlx::Error> {
    let chosen: Vec<(Kind, bool)> = on_db!(db, pool => sqlx::query_as(SETTINGS).bind(user_id).fetch_all(pool).await)?;
    Ok(kinds
        .iter()
        .map(|&kind| {
            let email = chosen.iter().find(|(chosen, _)| *chosen == kind).map(|(_, email)| *email);
            EmailSetting { kind, email: email.unwrap_or(kind.email_by_default()) }
        })
        .collect())
}

/// Saves person `user_id`'s email settings, all together.
pub async fn save_settings(db: &Db, user_id: i64, settings: &[EmailSetting]) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    for setting in settings {
        execute_in!(tx, sqlx::query(SAVE_SETTING).bind(user_id).bind(setting.kind).bind(setting.email))?;
    }
    tx.commit().await
}
