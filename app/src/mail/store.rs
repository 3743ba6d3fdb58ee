//! The outbox in the database: its one writer, and what the administration page and `tessera outbox` read.

use chrono::{DateTime, Utc};

use super::{Message, OutboxMessage};
use crate::db::{Db, Tx};
use crate::{execute_in, on_db};

crate::statements! {
    const INSERT = "INSERT INTO outbox (recipient, subject, body, created_at) VALUES ($1, $2, $3, $4)";
    const RECENT = "SELECT id, recipient, subject, body, created_at FROM outbox ORDER BY created_at DESC, id DESC LIMIT $1";
    const FOR_RECIPIENT = "SELECT id, recipient, subject, body, created_at FROM outbox \
        WHERE recipient = $1 ORDER BY created_at DESC, id DESC LIMIT $2";
}

/// Queues `message` for `recipient` in the transaction of the change it is about. The log
/// says only that a message was queued, never its text (which may carry a link's token).
pub async fn queue(tx: &mut Tx, recipient: &str, message: &Message, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    execute_in!(tx, sqlx::query(INSERT).bind(recipient).bind(&message.subject).bind(&message.body).bind(at))?;
    tracing::info!(recipient, subject = message.subject.as_str(), "email queued in the outbox");
    Ok(())
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
