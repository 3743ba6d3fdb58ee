//! The audit log in the database.

use chrono::{DateTime, Utc};

use super::{AuditAction, AuditEntry};
use crate::db::{Db, Tx};
use crate::{execute_in, on_db};

crate::statements! {
    const INSERT = "INSERT INTO audit_log (actor_id, action, subject, at) VALUES ($1, $2, $3, $4)";
    const RECENT = "SELECT a.at, u.name AS actor, a.action, a.subject FROM audit_log a \
        LEFT JOIN users u ON u.id = a.actor_id ORDER BY a.at DESC, a.id DESC LIMIT $1";
}

/// Records that `actor` did `action` to `subject`, in the transaction of the change.
pub async fn record(
    tx: &mut Tx,
    actor: i64,
    action: AuditAction,
    subject: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    execute_in!(tx, sqlx::query(INSERT).bind(actor).bind(action.as_str()).bind(subject).bind(at))?;
    Ok(())
}

/// The newest `limit` entries, newest first.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<AuditEntry>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(RECENT).bind(limit).fetch_all(pool).await)
}
