//! Email over SMTP (`TESSERA_SMTP_URL`): the background sender that drains the outbox, retrying
//! with a growing wait while the mail server cannot be reached, and `tessera mail test`. Without
//! SMTP configured nothing here runs and messages wait in the outbox, as before.

use std::time::Duration;

use app::db::Db;
use app::mail::{self, Message, Queued};
use chrono::Utc;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// How Tessera reaches its mail server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the SMTP address cannot be used: {0}")]
    Url(#[from] lettre::transport::smtp::Error),
    #[error("the sender's address cannot be used: {0}")]
    From(#[from] lettre::address::AddressError),
}

/// One message's fate at the mail server.
#[derive(Debug)]
pub enum Sent {
    Accepted,
    /// Worth trying again later: the server could not be reached, or said "not now" (4xx).
    Later(String),
    /// The server refused it for good (5xx), or it cannot be written (a bad address).
    Refused(String),
}

impl Mailer {
    /// `url`: `smtp://host:port` (plain, for a relay on the same machine), `smtp://…?tls=required`
    /// (STARTTLS) or `smtps://host` (TLS), with `user:password@` to sign in. `from`: the address
    /// messages come from; their name is the vendor's.
    pub fn new(url: &str, from: &str) -> Result<Mailer, MailError> {
        let transport =
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.timeout(Some(Duration::from_secs(20))).build();
        Ok(Mailer { transport, from: from.parse()? })
    }

    /// Sends `message` to `to` as text and HTML, from `vendor`'s partner program.
    pub async fn send(&self, vendor: &str, to: &str, message: &Message) -> Sent {
        let to: Mailbox = match to.parse() {
            Ok(to) => to,
            Err(error) => return Sent::Refused(format!("{to} is not an address: {error}")),
        };
        let html = match mail::html_part(vendor, message) {
            Ok(html) => html,
            Err(error) => return Sent::Refused(format!("the message could not be written: {error}")),
        };
        let from = Mailbox::new(Some(format!("{vendor} partner program")), self.from.email.clone());
        let parts = MultiPart::alternative()
            .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(message.body.clone()))
            .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html));
        let email = match lettre::Message::builder().from(from).to(to).subject(&message.subject).multipart(parts) {
            Ok(email) => email,
            Err(error) => return Sent::Refused(format!("the message could not be written: {error}")),
        };
        match self.transport.send(email).await {
            Ok(_) => Sent::Accepted,
            Err(error) if error.is_permanent() => Sent::Refused(error.to_string()),
            Err(error) => Sent::Later(error.to_string()),
        }
    }
}

/// How many messages one round sends at most.
const BATCH: i64 = 20;
/// How long a server holds the messages it took before another may take them (it stopped).
const HELD_SECONDS: i64 = 300;

/// Sends what the outbox holds, round after round, for as long as the server runs. Each message
/// is taken by one server at a time; a failure waits `retry` the first time, twice as long each
/// time after (at most an hour), and is never dropped; a refusal is kept with the server's reason.
pub async fn drain(db: Db, mailer: Mailer, retry: Duration) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(error) = round(&db, &mailer, retry).await {
            tracing::warn!(%error, "the outbox could not be read");
        }
    }
}

async fn round(db: &Db, mailer: &Mailer, retry: Duration) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    if !mail::store::any_due(db, now).await? {
        return Ok(());
    }
    let taken: Vec<Queued> = mail::store::take(db, now, chrono::Duration::seconds(HELD_SECONDS), BATCH).await?;
    let vendor = mail::store::vendor_name(db).await?;
    for queued in taken {
        let message = Message { subject: queued.subject.clone(), body: queued.body.clone() };
        match mailer.send(&vendor, &queued.recipient, &message).await {
            Sent::Accepted => {
                mail::store::mark_sent(db, queued.id, Utc::now()).await?;
                tracing::info!(recipient = queued.recipient.as_str(), subject = queued.subject.as_str(), "email sent");
            }
            Sent::Later(error) => {
                let wait = mail::retry_after(retry, queued.attempts);
                let next = Utc::now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1));
                tracing::warn!(recipient = queued.recipient.as_str(), %error, attempts = queued.attempts, "email not sent; trying again later");
                mail::store::mark_failed(db, queued.id, next, &error).await?;
            }
            Sent::Refused(error) => {
                tracing::warn!(recipient = queued.recipient.as_str(), %error, "email refused by the mail server");
                mail::store::mark_refused(db, queued.id, Utc::now(), &error).await?;
            }
        }
    }
    Ok(())
}
