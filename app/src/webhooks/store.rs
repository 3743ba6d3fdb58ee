//! Webhooks in the database: the one writer of endpoints, events and deliveries. Events are
//! recorded in the transaction of the change they report ([`record`]); the sender takes due
//! deliveries ([`take`], one server at a time) and writes down how each try went ([`finish`]).

use chrono::{DateTime, Utc};

use super::{DeliveryRow, DeliveryState, EndpointRow, EventKind, NewEndpoint};
use crate::audit::{self, AuditAction};
use crate::db::{Db, Tx};
use crate::{execute_in, on_db, on_tx};

crate::statements! {
    const INSERT_ENDPOINT = "INSERT INTO webhook_endpoints (url, description, secret, created_by, created_at) \
        VALUES ($1, $2, $3, $4, $5) RETURNING id";
    const INSERT_SUBSCRIPTION = "INSERT INTO webhook_subscriptions (endpoint_id, kind) VALUES ($1, $2)";
    const SET_DISABLED = "UPDATE webhook_endpoints SET disabled_at = $1 WHERE id = $2 RETURNING url";
    const ENDPOINTS = "SELECT e.id, e.url, e.description, e.disabled_at, e.created_at, \
        (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.delivered_at IS NOT NULL) AS delivered, \
        (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.delivered_at IS NULL \
            AND d.gave_up_at IS NULL) AS waiting, \
        (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.gave_up_at IS NOT NULL) AS gave_up \
        FROM webhook_endpoints e ORDER BY e.id";
    const SUBSCRIPTIONS = "SELECT endpoint_id, kind FROM webhook_subscriptions ORDER BY endpoint_id, kind";
    const SECRET = "SELECT secret FROM webhook_endpoints WHERE id = $1";
    const ACTIVE_URL = "SELECT url FROM webhook_endpoints WHERE id = $1 AND disabled_at IS NULL";
    const DELIVERIES = "SELECT d.id, d.event_id, v.kind, d.created_at, d.attempts, d.delivered_at, d.gave_up_at, \
        d.response_status, d.duration_ms, d.last_error, d.last_attempt_at, d.next_attempt_at \
        FROM webhook_deliveries d JOIN webhook_events v ON v.id = d.event_id \
        WHERE d.endpoint_id = $1 ORDER BY d.id DESC LIMIT $2";
    const WANTED = "SELECT s.endpoint_id FROM webhook_subscriptions s JOIN webhook_endpoints e ON e.id = s.endpoint_id \
        WHERE s.kind = $1 AND e.disabled_at IS NULL LIMIT 1";
    const INSERT_EVENT = "INSERT INTO webhook_events (kind, data, occurred_at) VALUES ($1, $2, $3) RETURNING id";
    const FAN_OUT = "INSERT INTO webhook_deliveries (endpoint_id, event_id, created_at, next_attempt_at) \
        SELECT s.endpoint_id, $1, $2, $2 FROM webhook_subscriptions s JOIN webhook_endpoints e ON e.id = s.endpoint_id \
        WHERE s.kind = $3 AND e.disabled_at IS NULL";
    const INSERT_DELIVERY = "INSERT INTO webhook_deliveries (endpoint_id, event_id, created_at, next_attempt_at) \
        VALUES ($1, $2, $3, $3)";
    const DELIVERY_OF = "SELECT d.endpoint_id, d.event_id FROM webhook_deliveries d \
        JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1 AND e.disabled_at IS NULL";
    const ANY_DUE = "SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
        WHERE d.delivered_at IS NULL AND d.gave_up_at IS NULL AND d.next_attempt_at <= $1 \
        AND (d.claimed_until IS NULL OR d.claimed_until < $1) AND e.disabled_at IS NULL LIMIT 1";
    // The conditions are said again outside the subquery: on PostgreSQL a second server waiting
    // on the same rows re-checks only these once the first commits, and takes none of them (nor
    // one the first tried, failed and put back to wait).
    const TAKE = "UPDATE webhook_deliveries SET claimed_until = $2, attempts = attempts + 1 WHERE id IN ( \
        SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
        WHERE d.delivered_at IS NULL AND d.gave_up_at IS NULL AND d.next_attempt_at <= $1 \
        AND (d.claimed_until IS NULL OR d.claimed_until < $1) AND e.disabled_at IS NULL ORDER BY d.id LIMIT $3) \
        AND delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= $1 \
        AND (claimed_until IS NULL OR claimed_until < $1) RETURNING id, attempts";
    const TAKEN = "SELECT d.id, e.url, e.secret, d.event_id, v.kind, v.data, v.occurred_at, d.created_at \
        FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
        JOIN webhook_events v ON v.id = d.event_id WHERE d.id BETWEEN $1 AND $2";
    const DELIVERED = "UPDATE webhook_deliveries SET delivered_at = $1, last_attempt_at = $1, claimed_until = NULL, \
        response_status = $2, duration_ms = $3, last_error = NULL WHERE id = $4 AND delivered_at IS NULL AND gave_up_at IS NULL";
    const RETRY = "UPDATE webhook_deliveries SET next_attempt_at = $1, last_attempt_at = $2, claimed_until = NULL, \
        response_status = $3, duration_ms = $4, last_error = $5 WHERE id = $6 AND delivered_at IS NULL AND gave_up_at IS NULL";
    const GIVE_UP = "UPDATE webhook_deliveries SET gave_up_at = $1, last_attempt_at = $1, claimed_until = NULL, \
        response_status = $2, duration_ms = $3, last_error = $4 WHERE id = $5 AND delivered_at IS NULL AND gave_up_at IS NULL";
}

#[derive(sqlx::FromRow)]
struct EndpointFields {
    id: i64,
    url: String,
    description: String,
    disabled_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    delivered: i64,
    waiting: i64,
    gave_up: i64,
}

#[derive(sqlx::FromRow)]
struct DeliveryFields {
    id: i64,
    event_id: i64,
    kind: EventKind,
    created_at: DateTime<Utc>,
    attempts: i64,
    delivered_at: Option<DateTime<Utc>>,
    gave_up_at: Option<DateTime<Utc>>,
    response_status: Option<i64>,
    duration_ms: Option<i64>,
    last_error: Option<String>,
    last_attempt_at: Option<DateTime<Utc>>,
    next_attempt_at: DateTime<Utc>,
}

impl From<DeliveryFields> for DeliveryRow {
    fn from(row: DeliveryFields) -> DeliveryRow {
        let state = DeliveryState::of(row.attempts, row.delivered_at.is_some(), row.gave_up_at.is_some());
        let waiting = matches!(state, DeliveryState::Waiting | DeliveryState::Retrying);
        DeliveryRow {
            id: row.id,
            event_id: super::event_id(row.event_id),
            kind: row.kind,
            created_at: row.created_at,
            state,
            attempts: row.attempts,
            response_status: row.response_status,
            duration_ms: row.duration_ms,
            last_error: row.last_error,
            last_attempt_at: row.last_attempt_at,
            next_attempt_at: waiting.then_some(row.next_attempt_at),
        }
    }
}

/// Registers `endpoint` with its signing `secret`, with its audit entry; its id.
pub async fn create(
    db: &Db,
    by: i64,
    endpoint: &NewEndpoint,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(tx, conn => sqlx::query_scalar(INSERT_ENDPOINT)
        .bind(&endpoint.url)
        .bind(&endpoint.description)
        .bind(secret)
        .bind(by)
        .bind(now)
        .fetch_one(conn)
        .await)?;
    for kind in &endpoint.kinds {
        execute_in!(tx, sqlx::query(INSERT_SUBSCRIPTION).bind(id).bind(kind))?;
    }
    let kinds: Vec<&str> = endpoint.kinds.iter().map(|kind| kind.as_str()).collect();
    let subject = format!("endpoint {id}: {} for {}", endpoint.url, kinds.join(", "));
    audit::record(&mut tx, by, AuditAction::ChangedWebhook, &subject, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Turns endpoint `id` on or off, with its audit entry; `false` when there is no such endpoint.
/// While it is off nothing is queued for it, and what waits for it is held.
pub async fn set_enabled(db: &Db, by: i64, id: i64, enabled: bool, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let disabled_at = (!enabled).then_some(now);
    let url: Option<String> =
        on_tx!(tx, conn => sqlx::query_scalar(SET_DISABLED).bind(disabled_at).bind(id).fetch_optional(conn).await)?;
    let Some(url) = url else {
        tx.rollback().await?;
        return Ok(false);
    };
    let (before, after) = if enabled { ("off", "on") } else { ("on", "off") };
    let changes = [audit::Change::of("enabled", before, after)];
    let subject = format!("endpoint {id}: {url}");
    audit::record_changes(&mut tx, by, AuditAction::ChangedWebhook, &subject, &changes, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Every endpoint with what it subscribes to and how its deliveries stand.
pub async fn endpoints(db: &Db) -> Result<Vec<EndpointRow>, sqlx::Error> {
    let (rows, subscriptions): (Vec<EndpointFields>, Vec<(i64, EventKind)>) = on_db!(db, pool => {
        let rows = sqlx::query_as(ENDPOINTS).fetch_all(pool).await?;
        (rows, sqlx::query_as(SUBSCRIPTIONS).fetch_all(pool).await?)
    });
    Ok(rows
        .into_iter()
        .map(|row| EndpointRow {
            kinds: subscriptions.iter().filter(|(endpoint, _)| *endpoint == row.id).map(|(_, kind)| *kind).collect(),
            id: row.id,
            url: row.url,
            description: row.description,
            enabled: row.disabled_at.is_none(),
            created_at: row.created_at,
            delivered: row.delivered,
            waiting: row.waiting,
            gave_up: row.gave_up,
        })
        .collect())
}

/// Endpoint `id`'s signing secret, if there is such an endpoint.
pub async fn secret(db: &Db, id: i64) -> Result<Option<String>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(SECRET).bind(id).fetch_optional(pool).await)
}

/// Endpoint `id`'s newest `limit` deliveries, newest first.
pub async fn deliveries(db: &Db, id: i64, limit: i64) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    let rows: Vec<DeliveryFields> =
        on_db!(db, pool => sqlx::query_as(DELIVERIES).bind(id).bind(limit).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(DeliveryRow::from).collect())
}

/// Whether an active endpoint wants events of `kind` (most changes have none waiting: a writer
/// whose event needs reading first asks this before [`record`]).
pub async fn wanted(tx: &mut Tx, kind: EventKind) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = on_tx!(tx, conn => sqlx::query_scalar(WANTED).bind(kind).fetch_optional(conn).await)?;
    Ok(found.is_some())
}

/// Records an event of `kind` with its fields `data` for every active endpoint that wants it, in
/// the transaction of the change it reports; nothing when none does.
pub async fn record(
    tx: &mut Tx,
    kind: EventKind,
    data: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if !wanted(tx, kind).await? {
        return Ok(());
    }
    let event = insert_event(tx, kind, data, at).await?;
    execute_in!(tx, sqlx::query(FAN_OUT).bind(event).bind(at).bind(kind))?;
    Ok(())
}

async fn insert_event(
    tx: &mut Tx,
    kind: EventKind,
    data: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let data = data.to_string();
    on_tx!(tx, conn => sqlx::query_scalar(INSERT_EVENT).bind(kind).bind(&data).bind(at).fetch_one(conn).await)
}

/// Queues a test event for endpoint `id` alone, with its audit entry; `false` when there is no
/// such endpoint turned on.
pub async fn ping(db: &Db, by: i64, id: i64, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let found: Option<String> = on_tx!(tx, conn => sqlx::query_scalar(ACTIVE_URL).bind(id).fetch_optional(conn).await)?;
    let Some(url) = found else {
        tx.rollback().await?;
        return Ok(false);
    };
    let data =
        serde_json::json!({ "message": "A test event from Tessera: this endpoint receives and verifies deliveries." });
    let event = insert_event(&mut tx, EventKind::Ping, &data, now).await?;
    execute_in!(tx, sqlx::query(INSERT_DELIVERY).bind(id).bind(event).bind(now))?;
    let subject = format!("endpoint {id}: {url}, a test event");
    audit::record(&mut tx, by, AuditAction::SentWebhookAgain, &subject, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Sends delivery `id`'s event to its endpoint again, as a new delivery (the old one stays in the
/// log), with its audit entry; the endpoint's id, or none when there is no such delivery to an
/// endpoint turned on.
pub async fn send_again(db: &Db, by: i64, id: i64, now: DateTime<Utc>) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let found: Option<(i64, i64)> =
        on_tx!(tx, conn => sqlx::query_as(DELIVERY_OF).bind(id).fetch_optional(conn).await)?;
    let Some((endpoint, event)) = found else {
        tx.rollback().await?;
        return Ok(None);
    };
    execute_in!(tx, sqlx::query(INSERT_DELIVERY).bind(endpoint).bind(event).bind(now))?;
    let subject = format!("endpoint {endpoint}: {} again (delivery {id})", super::event_id(event));
    audit::record(&mut tx, by, AuditAction::SentWebhookAgain, &subject, now).await?;
    tx.commit().await?;
    Ok(Some(endpoint))
}

/// A delivery taken to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub event_id: i64,
    pub kind: EventKind,
    pub data: String,
    pub occurred_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// Tries so far, this one included.
    pub attempts: i64,
}

#[derive(sqlx::FromRow)]
struct TakenFields {
    id: i64,
    url: String,
    secret: String,
    event_id: i64,
    kind: EventKind,
    data: String,
    occurred_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
}

/// Whether any delivery waits to be sent at `now` (a read, so a quiet queue writes nothing).
pub async fn any_due(db: &Db, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = on_db!(db, pool => sqlx::query_scalar(ANY_DUE).bind(now).fetch_optional(pool).await)?;
    Ok(found.is_some())
}

/// Takes at most `limit` deliveries due at `now` for this server to send, holding them for `hold`
/// (another server takes them only after that, if this one stopped); each counts a try.
pub async fn take(db: &Db, now: DateTime<Utc>, hold: chrono::Duration, limit: i64) -> Result<Vec<Due>, sqlx::Error> {
    let taken: Vec<(i64, i64)> =
        on_db!(db, pool => sqlx::query_as(TAKE).bind(now).bind(now + hold).bind(limit).fetch_all(pool).await)?;
    let (Some(first), Some(last)) = (taken.iter().map(|t| t.0).min(), taken.iter().map(|t| t.0).max()) else {
        return Ok(Vec::new());
    };
    let rows: Vec<TakenFields> =
        on_db!(db, pool => sqlx::query_as(TAKEN).bind(first).bind(last).fetch_all(pool).await)?;
    let attempts: std::collections::HashMap<i64, i64> = taken.into_iter().collect();
    let mut due: Vec<Due> = rows
        .into_iter()
        .filter_map(|row| {
            attempts.get(&row.id).map(|&attempts| Due {
                id: row.id,
                url: row.url,
                secret: row.secret,
                event_id: row.event_id,
                kind: row.kind,
                data: row.data,
                occurred_at: row.occurred_at,
                created_at: row.created_at,
                attempts,
            })
        })
        .collect();
    due.sort_by_key(|due| due.id);
    Ok(due)
}

/// How one try went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tried {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status; none when it could not be reached.
    pub status: Option<i64>,
    pub duration_ms: i64,
    pub next: Next,
}

/// What follows a try.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    Delivered,
    /// Tried again from then; why this try failed.
    Retry(DateTime<Utc>, String),
    /// Tried for a day: given up, with why the last try failed.
    GiveUp(String),
}

/// Writes down a round's tries, in one transaction.
pub async fn finish(db: &Db, tries: &[Tried]) -> Result<(), sqlx::Error> {
    if tries.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    for tried in tries {
        let error = |error: &str| -> String { error.chars().take(500).collect() };
        match &tried.next {
            Next::Delivered => execute_in!(
                tx,
                sqlx::query(DELIVERED).bind(tried.at).bind(tried.status).bind(tried.duration_ms).bind(tried.id)
            )?,
            Next::Retry(next, why) => execute_in!(
                tx,
                sqlx::query(RETRY)
                    .bind(next)
                    .bind(tried.at)
                    .bind(tried.status)
                    .bind(tried.duration_ms)
                    .bind(error(why))
                    .bind(tried.id)
            )?,
            Next::GiveUp(why) => execute_in!(
                tx,
                sqlx::query(GIVE_UP)
                    .bind(tried.at)
                    .bind(tried.status)
                    .bind(tried.duration_ms)
                    .bind(error(why))
                    .bind(tried.id)
            )?,
        };
    }
    tx.commit().await
}
