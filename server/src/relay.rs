//! Carries events between Tessera servers that share one PostgreSQL database. Each event
//! published on this server goes out with `NOTIFY`; every server `LISTEN`s and re-publishes
//! the events of the others on its own bus, so a deal approved through one server reaches the
//! live pages connected to every other. (Embedded SQLite means one server: nothing to relay.)

use app::db::Db;
use app::events::{Envelope, EventBus};
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::task::JoinHandle;

const CHANNEL: &str = "tessera_events";

/// Starts the relay's two tasks on PostgreSQL; none on SQLite.
pub fn spawn(db: &Db, events: &EventBus) -> Vec<JoinHandle<()>> {
    match db {
        Db::Postgres(pool) => vec![
            tokio::spawn(send_ours(pool.clone(), events.clone())),
            tokio::spawn(receive_theirs(pool.clone(), events.clone())),
        ],
        Db::Sqlite(_) => Vec::new(),
    }
}

async fn send_ours(pool: PgPool, events: EventBus) {
    let mut receiver = events.subscribe();
    loop {
        let envelope = match receiver.recv().await {
            Ok(envelope) => envelope,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "event relay fell behind; some events did not reach the other servers");
                continue;
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        };
        if envelope.origin != events.origin() {
            continue;
        }
        let payload = match serde_json::to_string(&*envelope) {
            Ok(payload) => payload,
            Err(error) => {
                tracing::error!(%error, "event could not be serialised for the relay");
                continue;
            }
        };
        if let Err(error) = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(payload).execute(&pool).await {
            tracing::error!(%error, "event could not be sent to the other servers");
        }
    }
}

async fn receive_theirs(pool: PgPool, events: EventBus) {
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::error!(%error, "cannot listen for other servers' events; retrying in a second");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                continue;
            }
        };
        if let Err(error) = listener.listen(CHANNEL).await {
            tracing::error!(%error, "cannot listen for other servers' events; retrying in a second");
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            continue;
        }
        loop {
            match listener.recv().await {
                Ok(notification) => match serde_json::from_str::<Envelope>(notification.payload()) {
                    Ok(envelope) if envelope.origin != events.origin() => events.deliver(envelope),
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "an event from another server could not be read"),
                },
                Err(error) => {
                    tracing::warn!(%error, "lost the event listener; reconnecting");
                    break;
                }
            }
        }
    }
}
