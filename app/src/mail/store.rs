//! The outbox in the database: its one writer, what the administration page and `tessera outbox`
//! read, and the queue the SMTP sender drains (taken by one server at a time, marked sent,
//! failed or refused).

use chrono::{DateTime, Utc};

use super::{Message, OutboxMessage, Queued};
use crate::db::{Db, Tx};
use crate::{execute_in, on_db, on_tx};

crate::statements! {
    const INSERT = "INSERT INTO outbox (recipient, subject, body, created_at) VALUES ($1, $2, $3, $4)";
    const RECENT = "SELECT id, recipient, subject, body, created_at, sent_at, attempts, last_error, refused_at \
        FROM outbox ORDER BY created_at DESC, id DESC LIMIT $1";
    const FOR_RECIPIENT = "SELECT id, recipient, subject, body, created_at, sent_at, attempts, last_error, refused_at \
        FROM outbox WHERE recipient = $1 ORDER BY created_at DESC, id DESC LIMIT $2";
    const ANY_DUE = "SELECT id FROM outbox WHERE sent_at IS NULL AND refused_at IS NULL \
        AND COALESCE(next_attempt_at, created_at) <= $1 AND (claimed_until IS NULL OR claimed_until < $1) LIMIT 1";
    // The conditions are said again outside the subquery: on PostgreSQL a second server waiting
    // on the same rows re-checks only these once the first commits, and takes none of them (nor
    // one the first tried, failed and put back to wait).
    const TAKE = "UPDATE outbox SET claimed_until = $2, attempts = attempts + 1 WHERE id IN (SELECT id FROM outbox \
        WHERE sent_at IS NULL AND refused_at IS NULL AND COALESCE(next_attempt_at, created_at) <= $1 \
        AND (claimed_until IS NULL OR claimed_until < $1) ORDER BY id LIMIT $3) \
        AND sent_at IS NULL AND refused_at IS NULL AND COALESCE(next_attempt_at, created_at) <= $1 \
        AND (claimed_until IS NULL OR claimed_until < $1) RETURNING id, recipient, subject, body, attempts";
    const MARK_SENT = "UPDATE outbox SET sent_at = $1, claimed_until = NULL, last_error = NULL WHERE id = $2";
    const MARK_FAILED = "UPDATE outbox SET next_attempt_at = $1, last_error = $2, claimed_until = NULL WHERE id = $3";
    const MARK_REFUSED = "UPDATE outbox SET refused_at = $1, last_error = $2, claimed_until = NULL WHERE id = $3";
    const VENDOR_NAME = "SELECT name FROM organisations WHERE kind = 'vendor' ORDER BY id LIMIT 1";
    const PARTNER_ADMINS = "SELECT id, email FROM users WHERE organisation_id = $1 AND role = 'partner_admin' \
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
    let admins = partner_admins(tx, organisation_id).await?;
    for (_, email) in &admins {
        queue(tx, email, message, at).await?;
    }
    Ok(admins.len())
}

/// The active partner admins of `organisation_id` (id and email), as the transaction `tx` sees them.
pub async fn partner_admins(tx: &mut Tx, organisation_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_tx!(tx, conn => sqlx::query_as(PARTNER_ADMINS).bind(organisation_id).fetch_all(conn).await)
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

/// Whether any message waits to be sent at `now` (a read, so a quiet outbox writes nothing).
pub async fn any_due(db: &Db, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = on_db!(db, pool => sqlx::query_scalar(ANY_DUE).bind(now).fetch_optional(pool).await)?;
    Ok(found.is_some())
}

/// Takes at most `limit` messages due at `now` for this server to send, holding them for `hold`
/// (another server takes them only after that, if this one stopped); each counts a try.
pub async fn take(db: &Db, now: DateTime<Utc>, hold: chrono::Duration, limit: i64) -> Result<Vec<Queued>, sqlx::Error> {
    let mut taken: Vec<Queued> = on_db!(db, pool => sqlx::query_as(TAKE).bind(now).bind(now + hold).bind(limit)
        .fetch_all(pool).await)?;
    taken.sort_by_key(|queued| queued.id);
    Ok(taken)
}

pub async fn mark_sent(db: &Db, id: i64, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_db!(db, pool => sqlx::query(MARK_SENT).bind(at).bind(id).execute(pool).await.map(|_| ()))
}

/// A try failed with `error`: the message is tried again from `next`.
pub async fn mark_failed(db: &Db, id: i64, next: DateTime<Utc>, error: &str) -> Result<(), sqlx::Error> {
    let error: String = error.chars().take(500).collect();
    on_db!(db, pool => sqlx::query(MARK_FAILED).bind(next).bind(error).bind(id).execute(pool).await.map(|_| ()))
}

/// The mail server refused the message for good: it is kept with why, and not tried again.
pub async fn mark_refused(db: &Db, id: i64, at: DateTime<Utc>, error: &str) -> Result<(), sqlx::Error> {
    let error: String = error.chars().take(500).collect();
    on_db!(db, pool => sqlx::query(MARK_REFUSED).bind(at).bind(error).bind(id).execute(pool).await.map(|_| ()))
}

/// The vendor's name, which messages come from.
pub async fn vendor_name(db: &Db) -> Result<String, sqlx::Error> {
    let name: Option<String> = on_db!(db, pool => sqlx::query_scalar(VENDOR_NAME).fetch_optional(pool).await)?;
    Ok(name.unwrap_or_else(|| "Tessera".to_owned()))
}
