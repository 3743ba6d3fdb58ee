//! The outbox in the database: its one writer, and what the administration page and `tessera outbox` read.

use chrono::{DateTime, Utc};

use super::{Message, OutboxMessage};
use crate::db::{Db, Tx};
use crate::{execute_in, on_db, on_tx};

crate::statements! {
    const INSERT = "INSERT INTO outbox (recipient, subject, body, created_at) VALUES ($1, $2, $3, $4)";
    const RECENT = "SELECT id, recipient, subject, body, created_at FROM outbox ORDER BY created_at DESC, id DESC LIMIT $1";
    const FOR_RECIPIENT = "SELECT id, recipient, subject, body, created_at FROM outbox \
        WHERE recipient = $1 ORDER BY created_at DESC, id DESC LIMIT $2";
    const PARTNER_ADMINS = "SELECT email FROM users WHERE organisation_id = $1 AND role = 'partner_admin' \
        AND deactivated_at IS NULL ORDER BY id";
}

/// Queues `message` for `recipient` in the transaction of the change it is about. The log
/// says only that a message was queued, never its text (which may carry a link's token).
pub async fn queue(tx: &mut Tx, recipient: &str, message: &Message, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    execute_in!(tx, sqlx::query(INSERT).bind(recipient).bind(&message.subject).bind(&message.body).bind(at))?;
    tracing::info!(recipient, subject = message.subject.as_str(), "email queued in the outbox");
    Ok(())
}

/// Queues `message` for every active partner admin of `organisation_id`, in the transaction of the
/// change it is about; how many there are.
pub async fn queue_to_partner_admins(
    tx: &mut Tx,
    organisation_id: i64,
    message: &Message,
    at: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let admins: Vec<String> =
        on_tx!(tx, conn => sqlx::query_scalar(PARTNER_ADMINS).bind(organisation_id).fetch_all(conn).await)?;
    for admin in &admins {
        queue(tx, admin, message, at).await?;
    }
    Ok(admins.len())
}

/// The newest `limit` messages, newest first, with their links' tokens hidden.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<OutboxMessage>, sqlx::Error> {
    let messages: Vec<OutboxMessage> = on_db!(db, pool => sqlx::query_as(RECENT).bind(limit).fetch_all(pool).await)?;
    Ok(messages
        .into_iter()
        .map(|message| OutboxMessage { body: super::without_tokens(&message.body), ..message })
        .collect())
}

/// The newest `limit` messages whole, to one recipient or to anyone: for `tessera outbox`,
/// run by whoever runs the server, until email is sent by SMTP.
pub async fn newest(db: &Db, recipient: Option<&str>, limit: i64) -> Result<Vec<OutboxMessage>, sqlx::Error> {
    on_db!(db, pool => match recipient {
        Some(recipient) => sqlx::query_as(FOR_RECIPIENT).bind(recipient).bind(limit).fetch_all(pool).await,
        None => sqlx::query_as(RECENT).bind(limit).fetch_all(pool).await,
    })
}
