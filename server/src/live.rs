//! `GET /live`: a server-sent event stream for signed-in people. Each event on the bus becomes
//! a notice that says only what kind of thing changed and when; the page then re-reads its
//! figures through its own access-checked server function, so a notice can never carry one
//! partner's data to another. A stream ends after an hour and the browser reconnects, which
//! checks the session again. What a person was told reaches only their own streams.

use std::convert::Infallible;
use std::time::Duration;

use app::auth::guard::CurrentSession;
use app::events::EventBus;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

const STREAM_LIFETIME: Duration = Duration::from_secs(60 * 60);

pub async fn live(events: EventBus, mut stopping: tokio::sync::watch::Receiver<bool>, request: Request) -> Response {
    let Some(user_id) = request.extensions().get::<CurrentSession>().map(|session| session.user.user_id) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    if *stopping.borrow_and_update() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let deadline = Instant::now() + STREAM_LIFETIME;
    let receiver = events.subscribe();
    let stream = futures_util::stream::unfold(receiver, move |mut receiver| {
        let mut stopping = stopping.clone();
        async move {
            loop {
                let received = tokio::select! {
                    received = tokio::time::timeout_at(deadline, receiver.recv()) => received,
                    // The server is shutting down: end the stream so the shutdown need not wait for it.
                    _ = stopping.wait_for(|stopping| *stopping) => return None,
                };
                let notice = match received {
                    Ok(Ok(envelope)) if envelope.event.heard_by(user_id) => envelope.event.notice(),
                    Ok(Ok(_)) => continue,
                    // Too slow to keep up: the page re-reads everything, which covers whatever was skipped.
                    Ok(Err(RecvError::Lagged(_))) => r#"{"kind":"resync"}"#.to_string(),
                    Ok(Err(RecvError::Closed)) | Err(_) => return None,
                };
                return Some((Ok::<_, Infallible>(SseEvent::default().data(notice)), receiver));
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))).into_response()
}

/// The most people one live notice names: the relay's `NOTIFY` carries at most 8,000 bytes.
const TOLD_PER_NOTICE: usize = 500;

/// Publishes, as they commit, who was told something by this process's transactions on
/// `database` (`told`, from [`app::db::notified`], subscribed before the server serves): their
/// live streams here hear of it, and through the relay those on the other servers. Runs until
/// the server stops.
pub async fn publish_notified(
    events: EventBus,
    mut told: tokio::sync::broadcast::Receiver<app::db::Told>,
    database: String,
) {
    loop {
        match told.recv().await {
            Ok(told) if told.database == database => {
                for user_ids in told.user_ids.chunks(TOLD_PER_NOTICE) {
                    events
                        .publish(app::events::Event::Notified { user_ids: user_ids.to_vec(), at: chrono::Utc::now() });
                }
            }
            Ok(_) => {}
            // Too many at once: a bell re-reads on its next notice or reconnection.
            Err(RecvError::Lagged(missed)) => tracing::warn!(missed, "some notifications were not announced live"),
            Err(RecvError::Closed) => return,
        }
    }
}
