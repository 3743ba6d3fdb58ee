//! Webhooks: an admin registers endpoints (`/admin/webhooks`) for kinds of events; each event is
//! written in the transaction of the change it reports, with a delivery for every endpoint that
//! wants it, and a background sender posts it as signed JSON, trying again with a growing wait for
//! a day. Every delivery is kept with its last answer, and can be sent again.

mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod signature;
#[cfg(feature = "ssr")]
pub mod store;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;
use crate::events::DealOutcome;

pub use pages::{WebhookPage, WebhooksPage};

/// What an endpoint may be told about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EventKind {
    DealSubmitted,
    DealApproved,
    DealRejected,
    DealWon,
    DealLost,
    DealExpired,
    TierChanged,
    CertificationEarned,
    LeadCaptured,
    ClaimDecided,
    PayoutPaid,
    /// Sent only by an admin's "Send a test event", to check an endpoint.
    Ping,
}

impl EventKind {
    /// The kinds an endpoint subscribes to (a test event goes to the one endpoint it is sent to).
    pub const SUBSCRIBABLE: [EventKind; 11] = [
        EventKind::DealSubmitted,
        EventKind::DealApproved,
        EventKind::DealRejected,
        EventKind::DealWon,
        EventKind::DealLost,
        EventKind::DealExpired,
        EventKind::TierChanged,
        EventKind::CertificationEarned,
        EventKind::LeadCaptured,
        EventKind::ClaimDecided,
        EventKind::PayoutPaid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::DealSubmitted => "deal.submitted",
            EventKind::DealApproved => "deal.approved",
            EventKind::DealRejected => "deal.rejected",
            EventKind::DealWon => "deal.won",
            EventKind::DealLost => "deal.lost",
            EventKind::DealExpired => "deal.expired",
            EventKind::TierChanged => "tier.changed",
            EventKind::CertificationEarned => "certification.earned",
            EventKind::LeadCaptured => "lead.captured",
            EventKind::ClaimDecided => "claim.decided",
            EventKind::PayoutPaid => "payout.paid",
            EventKind::Ping => "ping",
        }
    }

    pub fn parse(value: &str) -> Option<EventKind> {
        EventKind::SUBSCRIBABLE.into_iter().chain([EventKind::Ping]).find(|kind| kind.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            EventKind::DealSubmitted => "A deal is submitted for approval",
            EventKind::DealApproved => "A deal is approved",
            EventKind::DealRejected => "A deal is rejected",
            EventKind::DealWon => "A deal is won",
            EventKind::DealLost => "A deal is lost",
            EventKind::DealExpired => "A deal's protection expires",
            EventKind::TierChanged => "A partner's tier changes",
            EventKind::CertificationEarned => "Someone earns a certification",
            EventKind::LeadCaptured => "A landing page or the partner locator captures a lead",
            EventKind::ClaimDecided => "An MDF claim is decided",
            EventKind::PayoutPaid => "A payout run is paid",
            EventKind::Ping => "Test event",
        }
    }

    /// The kind a deal's move is reported as (a won deal reopened as lost is lost).
    pub fn of_deal(outcome: DealOutcome) -> EventKind {
        match outcome {
            DealOutcome::Submitted => EventKind::DealSubmitted,
            DealOutcome::Approved => EventKind::DealApproved,
            DealOutcome::Rejected => EventKind::DealRejected,
            DealOutcome::Won => EventKind::DealWon,
            DealOutcome::Lost | DealOutcome::Reopened => EventKind::DealLost,
            DealOutcome::Expired => EventKind::DealExpired,
        }
    }
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(EventKind);

/// The public id of event `id` (what receivers use to notice a delivery they already had).
pub fn event_id(id: i64) -> String {
    format!("evt_{id}")
}

/// The body every delivery of an event carries: its id, kind and time, and its own fields.
pub fn body(id: i64, kind: EventKind, occurred_at: DateTime<Utc>, data: &str) -> String {
    let data: serde_json::Value = serde_json::from_str(data).unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "id": event_id(id),
        "type": kind.as_str(),
        "created_at": occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": data,
    })
    .to_string()
}

/// How a receiver checks a signature, in Python: shown on the API reference, and run by the
/// webhook tests against real deliveries.
pub const VERIFY_EXAMPLE: &str = r#"import hashlib, hmac, time

def verify(secret: str, header: str, body: bytes, tolerance=300) -> bool:
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    timestamp, signature = parts.get("t", ""), parts.get("v1", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False  # too old: a replay
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)

# verify("whsec_…", request.headers["Tessera-Signature"], request.body)"#;

/// How long deliveries are tried before they are given up.
pub const TRYING_FOR: Duration = Duration::days(1);

/// When a delivery made at `created_at` whose try number `attempts` just failed at `now` is tried
/// next: `first` after the first, twice as long after each further one (at most an hour), for a
/// day; none once the day is over.
pub fn next_try(
    created_at: DateTime<Utc>,
    attempts: i64,
    first: std::time::Duration,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let end = created_at + TRYING_FOR;
    if now >= end {
        return None;
    }
    let wait = Duration::from_std(crate::mail::retry_after(first, attempts)).unwrap_or(Duration::hours(1));
    Some((now + wait).min(end))
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryState {
    Waiting,
    Retrying,
    Delivered,
    GaveUp,
}

impl DeliveryState {
    pub fn of(attempts: i64, delivered: bool, gave_up: bool) -> DeliveryState {
        match (delivered, gave_up, attempts) {
            (true, _, _) => DeliveryState::Delivered,
            (false, true, _) => DeliveryState::GaveUp,
            (false, false, 0) => DeliveryState::Waiting,
            (false, false, _) => DeliveryState::Retrying,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeliveryState::Waiting => "Waiting",
            DeliveryState::Retrying => "Retrying",
            DeliveryState::Delivered => "Delivered",
            DeliveryState::GaveUp => "Gave up",
        }
    }

    pub fn tone(self) -> &'static str {
        match self {
            DeliveryState::Waiting | DeliveryState::Retrying => "warning",
            DeliveryState::Delivered => "success",
            DeliveryState::GaveUp => "danger",
        }
    }
}

/// The new endpoint form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EndpointInput {
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
}

/// A checked endpoint, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEndpoint {
    pub url: String,
    pub description: String,
    pub kinds: Vec<EventKind>,
}

pub const URL_CHARS: usize = 500;
pub const DESCRIPTION_CHARS: usize = 200;

impl EndpointInput {
    pub fn check(&self) -> Result<NewEndpoint, FieldErrors> {
        let mut errors = FieldErrors::new();
        let url = self.url.trim();
        if let Some(problem) = url_problem(url) {
            errors.insert("url".into(), problem.into());
        }
        let description = self.description.trim();
        if description.chars().count() > DESCRIPTION_CHARS {
            errors.insert("description".into(), format!("Keep the description to {DESCRIPTION_CHARS} characters."));
        }
        let mut kinds = Vec::new();
        for raw in &self.events {
            match EventKind::parse(raw.trim()).filter(|kind| EventKind::SUBSCRIBABLE.contains(kind)) {
                Some(kind) => kinds.push(kind),
                None => {
                    errors.insert("events".into(), format!("\u{201c}{raw}\u{201d} is not an event Tessera sends."));
                }
            }
        }
        kinds.sort();
        kinds.dedup();
        if kinds.is_empty() && !errors.contains_key("events") {
            errors.insert("events".into(), "Tick at least one event to send.".into());
        }
        match errors.is_empty() {
            true => Ok(NewEndpoint { url: url.to_owned(), description: description.to_owned(), kinds }),
            false => Err(errors),
        }
    }
}

/// What is wrong with an endpoint's address, if anything: it must be an `http` or `https` URL
/// with a host, no password in it, and no fragment.
pub fn url_problem(url: &str) -> Option<&'static str> {
    if url.is_empty() {
        return Some("Give the address Tessera posts events to, such as https://crm.example.com/tessera.");
    }
    if url.chars().count() > URL_CHARS {
        return Some("Keep the address to 500 characters.");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("An address has no spaces.");
    }
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else {
        return Some("The address starts with https:// (or http:// on a private network).");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Some("Leave the password out of the address: check the signature instead.");
    }
    let host = authority.rsplit_once(':').map_or(authority, |(host, port)| match port.parse::<u16>() {
        Ok(_) => host,
        Err(_) => "",
    });
    if host.is_empty() || host.starts_with('.') {
        return Some("The address names no host, such as crm.example.com.");
    }
    if url.contains('#') {
        return Some("An address for webhooks has no #fragment.");
    }
    None
}

/// The host an endpoint's address names (for logs: its path and query may carry a secret).
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority.rsplit_once('@').map_or(authority, |(_, host)| host)
}

/// An endpoint on the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointRow {
    pub id: i64,
    pub url: String,
    pub description: String,
    pub kinds: Vec<EventKind>,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub delivered: i64,
    pub waiting: i64,
    pub gave_up: i64,
}

/// One delivery in an endpoint's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub id: i64,
    pub event_id: String,
    pub kind: EventKind,
    pub created_at: DateTime<Utc>,
    pub state: DeliveryState,
    pub attempts: i64,
    pub response_status: Option<i64>,
    pub duration_ms: Option<i64>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// The webhooks page: every endpoint, and the kinds one may subscribe to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhooksView {
    pub endpoints: Vec<EndpointRow>,
}

/// One endpoint's page: its settings and secret, and its newest deliveries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointView {
    pub endpoint: EndpointRow,
    pub secret: String,
    pub deliveries: Vec<DeliveryRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::seconds(seconds)
    }

    #[test]
    fn failed_deliveries_wait_twice_as_long_each_time_and_stop_after_a_day() {
        let first = std::time::Duration::from_secs(30);
        assert_eq!(next_try(at(0), 1, first, at(5)), Some(at(35)));
        assert_eq!(next_try(at(0), 2, first, at(40)), Some(at(100)));
        assert_eq!(next_try(at(0), 12, first, at(10_000)), Some(at(13_600)), "never more than an hour");
        let day = TRYING_FOR.num_seconds();
        assert_eq!(next_try(at(0), 30, first, at(day - 60)), Some(at(day)), "the last try is at the day's end");
        assert_eq!(next_try(at(0), 31, first, at(day)), None);
    }

    #[test]
    fn every_kind_reads_back_and_a_test_event_is_not_subscribable() {
        for kind in EventKind::SUBSCRIBABLE.into_iter().chain([EventKind::Ping]) {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
        }
        let input = EndpointInput {
            url: "https://crm.example.com/hook".into(),
            events: vec!["ping".into()],
            ..Default::default()
        };
        assert!(input.check().expect_err("refused").contains_key("events"));
    }

    #[test]
    fn an_endpoint_needs_a_web_address_and_an_event() {
        assert_eq!(host_of("https://user@crm.example.com:8443/hook?key=s3cret"), "crm.example.com:8443");
        assert_eq!(host_of("http://10.0.0.5/x"), "10.0.0.5");
        let good = EndpointInput {
            url: " https://crm.example.com:8443/tessera?x=1 ".into(),
            description: "CRM".into(),
            events: vec!["deal.won".into(), "deal.approved".into(), "deal.won".into()],
        };
        let checked = good.check().expect("accepted");
        assert_eq!(checked.url, "https://crm.example.com:8443/tessera?x=1");
        assert_eq!(checked.kinds, vec![EventKind::DealApproved, EventKind::DealWon]);
        let long = EndpointInput { url: format!("https://x.example/{}", "a".repeat(URL_CHARS)), ..good.clone() };
        assert_eq!(long.check().expect_err("too long")["url"], "Keep the address to 500 characters.");
        for bad in [
            "",
            "ftp://x.example",
            "crm.example.com",
            "https://",
            "https://user:pw@x.example/",
            "https://x.example/a b",
            "https://:80/",
        ] {
            let input = EndpointInput { url: bad.into(), ..good.clone() };
            assert!(input.check().expect_err(bad).contains_key("url"), "{bad}");
        }
        let none = EndpointInput { events: vec![], ..good.clone() };
        assert!(none.check().expect_err("no event").contains_key("events"));
        let unknown = EndpointInput { events: vec!["deal.eaten".into()], ..good };
        assert!(unknown.check().expect_err("unknown").contains_key("events"));
    }

    #[test]
    fn a_body_carries_the_event_id_kind_time_and_fields() {
        let body = body(42, EventKind::DealApproved, at(0), r#"{"deal_id":7}"#);
        let json: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(json["id"], "evt_42");
        assert_eq!(json["type"], "deal.approved");
        assert_eq!(json["created_at"], "1970-01-01T00:00:00.000Z");
        assert_eq!(json["data"]["deal_id"], 7);
    }

    #[test]
    fn a_delivery_is_waiting_retrying_delivered_or_given_up() {
        assert_eq!(DeliveryState::of(0, false, false), DeliveryState::Waiting);
        assert_eq!(DeliveryState::of(2, false, false), DeliveryState::Retrying);
        assert_eq!(DeliveryState::of(2, true, false), DeliveryState::Delivered);
        assert_eq!(DeliveryState::of(9, false, true), DeliveryState::GaveUp);
    }
}
