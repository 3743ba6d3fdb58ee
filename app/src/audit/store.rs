//! The audit log in the database: its one writer, and the lists the administration pages read.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

use super::{AuditAction, AuditEntry, Change, ViaToken};
use crate::db::{Conditions, Db, Param, Tx, contains_pattern};
use crate::{bind_all, execute_in, on_db};

macro_rules! entry_select {
    () => {
        "SELECT a.id, a.at, u.name AS actor, a.action, a.subject, a.client, t.name AS token, a.changes \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id LEFT JOIN api_tokens t ON t.id = a.token_id"
    };
}

crate::statements! {
    const INSERT = "INSERT INTO audit_log (actor_id, action, subject, at, client, token_id, changes) \
        VALUES ($1, $2, $3, $4, $5, $6, $7)";
    const RECENT = concat!(entry_select!(), " ORDER BY a.at DESC, a.id DESC LIMIT $1");
}

/// Where the request being served came from: the client's address as the trusted proxies tell
/// it, and the API token it came with. Nothing outside a request (jobs, the command line).
fn origin() -> (Option<String>, Option<i64>) {
    use leptos::prelude::use_context;
    let Some(parts) = use_context::<http::request::Parts>() else { return (None, None) };
    let token = parts.extensions.get::<ViaToken>().map(|via| via.0);
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|info| info.0.ip());
    let forwarded = parts.headers.get("x-forwarded-for").and_then(|value| value.to_str().ok());
    let client = match (peer, use_context::<crate::state::ServerState>()) {
        (Some(peer), Some(state)) => Some(state.settings.client_ip(peer, forwarded).to_string()),
        (Some(peer), None) => Some(peer.to_string()),
        (None, _) => None,
    };
    (client, token)
}

/// Records that `actor` did `action` to `subject`, in the transaction of the change.
pub async fn record(
    tx: &mut Tx,
    actor: i64,
    action: AuditAction,
    subject: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    record_changes(tx, actor, action, subject, &[], at).await
}

/// [`record`], with each field the change changed, before and after.
pub async fn record_changes(
    tx: &mut Tx,
    actor: i64,
    action: AuditAction,
    subject: &str,
    changes: &[Change],
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (client, token) = origin();
    let changes = match changes.is_empty() {
        true => None,
        false => serde_json::to_string(changes).ok(),
    };
    execute_in!(
        tx,
        sqlx::query(INSERT)
            .bind(actor)
            .bind(action.as_str())
            .bind(subject)
            .bind(at)
            .bind(client)
            .bind(token)
            .bind(changes)
    )?;
    Ok(())
}

/// The newest `limit` entries, newest first.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<AuditEntry>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(RECENT).bind(limit).fetch_all(pool).await)
}

/// What a list of entries is narrowed to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    /// Text in the person's name or the entry's subject.
    pub search: Option<String>,
    pub days: (Option<NaiveDate>, Option<NaiveDate>),
    /// Entries older than this one (the page before ended there).
    pub before: Option<i64>,
}

fn entries_sql(filter: &AuditFilter, limit: i64) -> Conditions {
    let mut conditions = Conditions::new(concat!(entry_select!(), " WHERE 1 = 1"));
    if let Some(action) = filter.action {
        conditions.push(" AND a.action = $n", Param::Text(action.as_str().to_owned()));
    }
    if let Some(search) = &filter.search {
        let pattern = contains_pattern(search);
        conditions.push(" AND (lower(a.subject) LIKE $n ESCAPE '\\'", Param::Text(pattern.clone()));
        conditions.push(" OR lower(COALESCE(u.name, '')) LIKE $n ESCAPE '\\')", Param::Text(pattern));
    }
    conditions.push_times("a.at", filter.days);
    if let Some(before) = filter.before {
        conditions.push(" AND a.id < $n", Param::Int(before));
    }
    conditions.sql.push_str(&format!(" ORDER BY a.id DESC LIMIT {limit}"));
    conditions
}

/// At most `limit` entries matching `filter`, newest first.
pub async fn entries(db: &Db, filter: &AuditFilter, limit: i64) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let Conditions { sql, params } = entries_sql(filter, limit);
    on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql)), &params).fetch_all(pool).await)
}

/// The list's SQL in its fullest form, for the test that prepares every statement.
pub fn assembled_statements() -> Vec<String> {
    let day = Some(NaiveDate::MIN);
    let filter = AuditFilter {
        action: Some(AuditAction::SignedIn),
        search: Some("x".into()),
        days: (day, day),
        before: Some(1),
    };
    vec![entries_sql(&filter, 2).sql]
}
