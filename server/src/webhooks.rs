//! The webhook sender: drains the deliveries the database queues in the transaction of each
//! change, posting each event as signed JSON. Each delivery is held by one server at a time, so
//! with several servers it is sent once; a try that gets no 2xx answer is tried again with a
//! growing wait for a day. Runs on every server, whether or not any endpoint is registered (a
//! quiet queue costs one read a second).

use std::time::{Duration, Instant};

use app::db::Db;
use app::webhooks::signature::{EVENT_ID_HEADER, EVENT_KIND_HEADER, SIGNATURE_HEADER, sign};
use app::webhooks::store::{self, Due, Next, Tried};
use app::webhooks::{self, next_try};
use chrono::Utc;

/// How many deliveries one round takes, and sends at once.
const BATCH: i64 = 64;
/// How long a server holds the deliveries it took before another may take them (it stopped).
const HELD_SECONDS: i64 = 120;
/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How much of an answer is read (so the connection can be used again); the rest is not wanted.
const ANSWER_BYTES: usize = 64 * 1024;

/// Posts webhook deliveries.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    /// The wait after a first failed try; twice as long after each further one.
    first_retry: Duration,
}

impl Sender {
    pub fn new(first_retry: Duration) -> Result<Sender, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            // An endpoint answers itself: a redirect is a failed try, never followed.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Tessera-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Sender { client, first_retry })
    }

    /// Tries `due` once, and says what follows.
    async fn send(&self, due: Due) -> Tried {
        let body = webhooks::body(due.event_id, due.kind, due.occurred_at, &due.data);
        let signature = sign(&due.secret, Utc::now().timestamp(), &body);
        let started = Instant::now();
        let answer = self
            .client
            .post(&due.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature)
            .header(EVENT_ID_HEADER, webhooks::event_id(due.event_id))
            .header(EVENT_KIND_HEADER, due.kind.as_str())
            .body(body)
            .send()
            .await;
        let (status, failure) = match answer {
            Ok(mut response) => {
                let status = response.status();
                let mut read = 0;
                while read < ANSWER_BYTES {
                    match response.chunk().await {
                        Ok(Some(chunk)) => read += chunk.len(),
                        Ok(None) | Err(_) => break,
                    }
                }
                let failure = (!status.is_success()).then(|| format!("answered HTTP {}", status.as_u16()));
                (Some(i64::from(status.as_u16())), failure)
            }
            Err(error) => (None, Some(reason(&error.without_url()))),
        };
        let at = Utc::now();
        let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let next = match failure {
            None => Next::Delivered,
            Some(why) => match next_try(due.created_at, due.attempts, self.first_retry, at) {
                Some(next) => Next::Retry(next, why),
                None => Next::GiveUp(why),
            },
        };
        if let Next::Retry(_, why) | Next::GiveUp(why) = &next {
            // The host only: an address's path or query may carry the receiver's secret.
            tracing::warn!(
                host = webhooks::host_of(&due.url),
                event = due.event_id,
                attempts = due.attempts,
                why = why.as_str(),
                "webhook not delivered"
            );
        }
        Tried { id: due.id, at, status, duration_ms, next }
    }
}

/// What went wrong reaching a receiver, with the causes reqwest wraps.
fn reason(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() { "no answer in time".to_owned() } else { error.to_string() };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Sends what the queue holds, round after round, for as long as the server runs.
pub async fn drain(db: Db, sender: Sender) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        // A full round means more may be waiting: go on without waiting for the next second.
        loop {
            match round(&db, &sender).await {
                Ok(taken) if taken == BATCH as usize => continue,
                Ok(_) => break,
                Err(error) => {
                    tracing::warn!(%error, "the webhook queue could not be read");
                    break;
                }
            }
        }
    }
}

/// One round: takes what is due, sends it all at once, writes down how each try went; how many
/// were taken.
async fn round(db: &Db, sender: &Sender) -> Result<usize, sqlx::Error> {
    let now = Utc::now();
    if !store::any_due(db, now).await? {
        return Ok(0);
    }
    let taken = store::take(db, now, chrono::Duration::seconds(HELD_SECONDS), BATCH).await?;
    let count = taken.len();
    let mut sending = tokio::task::JoinSet::new();
    for due in taken {
        let sender = sender.clone();
        sending.spawn(async move { sender.send(due).await });
    }
    let mut tries = Vec::with_capacity(count);
    while let Some(tried) = sending.join_next().await {
        match tried {
            Ok(tried) => tries.push(tried),
            // A try that did not finish is taken again once its hold ends.
            Err(error) => tracing::error!(%error, "a webhook try stopped"),
        }
    }
    store::finish(db, &tries).await?;
    Ok(count)
}
