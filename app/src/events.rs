//! The in-process event bus: features publish what happened (a deal approved, won, …) and later
//! features (tiers, onboarding, live leaderboards) subscribe.
//!
//! Events are plain serialisable values, published after the change is committed. That is what
//! lets a PostgreSQL deployment with several servers carry them between servers later: a relay
//! subscribes here, sends each event as JSON with `NOTIFY`, and on every other server `LISTEN`s
//! and re-publishes it locally (the `origin` field keeps a server from re-publishing its own).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub use bus::EventBus;

/// What happened to a deal that other features care about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealOutcome {
    Submitted,
    Approved,
    Rejected,
    Won,
    Lost,
    /// A won deal reopened as lost.
    Reopened,
    Expired,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Deal {
        deal_id: i64,
        organisation_id: i64,
        outcome: DealOutcome,
        amount_minor: i64,
        currency: String,
        at: DateTime<Utc>,
    },
    /// A step of a partner's onboarding checklist was ticked, confirmed or skipped.
    Onboarding { organisation_id: i64, at: DateTime<Utc> },
    /// One of a partner's people passed a course and holds a certification.
    Certification { organisation_id: i64, at: DateTime<Utc> },
    /// A partner's tier changed, or a change was proposed, decided or a grace period began or
    /// ended (`organisation_id` none: a run that touched many partners).
    Tier { organisation_id: Option<i64>, at: DateTime<Utc> },
    /// A partner's profile, logo or channel manager changed.
    Partner { organisation_id: i64, at: DateTime<Utc> },
    /// These people were told something (or read what they were told): their bells re-read.
    Notified { user_ids: Vec<i64>, at: DateTime<Utc> },
}

impl Event {
    /// What a live page is told: the kind of change and when it happened, nothing about whose.
    pub fn notice(&self) -> String {
        let (kind, at) = match self {
            Event::Deal { at, .. } => ("deal", at),
            Event::Onboarding { at, .. } => ("onboarding", at),
            Event::Certification { at, .. } => ("certification", at),
            Event::Tier { at, .. } => ("tier", at),
            Event::Partner { at, .. } => ("partner", at),
            Event::Notified { at, .. } => ("notification", at),
        };
        serde_json::json!({ "kind": kind, "at": at }).to_string()
    }

    /// Whether person `user_id`'s live pages hear of it: what they were told is theirs alone.
    pub fn heard_by(&self, user_id: i64) -> bool {
        match self {
            Event::Notified { user_ids, .. } => user_ids.contains(&user_id),
            _ => true,
        }
    }
}

/// An event with the server that published it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub origin: String,
    pub event: Event,
}

#[cfg(feature = "ssr")]
mod bus {
    use std::sync::Arc;

    use tokio::sync::broadcast;

    use super::{Envelope, Event};

    /// Many publishers, many subscribers; a slow subscriber misses events rather than slowing publishers.
    #[derive(Clone, Debug)]
    pub struct EventBus {
        origin: Arc<str>,
        sender: broadcast::Sender<Arc<Envelope>>,
    }

    impl EventBus {
        pub fn new(origin: impl Into<String>) -> EventBus {
            let (sender, _) = broadcast::channel(1024);
            EventBus { origin: Arc::from(origin.into()), sender }
        }

        /// Publishes an event that happened on this server.
        pub fn publish(&self, event: Event) {
            self.deliver(Envelope { origin: self.origin.to_string(), event });
        }

        /// Hands an event to every subscriber here (also how a relay re-publishes events from other servers).
        pub fn deliver(&self, envelope: Envelope) {
            // No subscriber is fine: nobody needed to know.
            let _ = self.sender.send(Arc::new(envelope));
        }

        pub fn subscribe(&self) -> broadcast::Receiver<Arc<Envelope>> {
            self.sender.subscribe()
        }

        pub fn origin(&self) -> &str {
            &self.origin
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn approved(deal_id: i64) -> Event {
        Event::Deal {
            deal_id,
            organisation_id: 7,
            outcome: DealOutcome::Approved,
            amount_minor: 100,
            currency: "USD".into(),
            at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    #[tokio::test]
    async fn every_subscriber_gets_each_event_in_order() {
        let bus = EventBus::new("server-a");
        let (mut first, mut second) = (bus.subscribe(), bus.subscribe());
        bus.publish(approved(1));
        bus.publish(approved(2));
        for receiver in [&mut first, &mut second] {
            for id in [1, 2] {
                let envelope = receiver.recv().await.expect("event");
                assert_eq!(envelope.event, approved(id));
                assert_eq!(envelope.origin, "server-a");
            }
        }
    }

    #[test]
    fn only_the_people_told_hear_of_a_notification() {
        let told = Event::Notified { user_ids: vec![4, 9], at: DateTime::<Utc>::UNIX_EPOCH };
        assert!(told.heard_by(4) && told.heard_by(9) && !told.heard_by(5));
        assert!(approved(1).heard_by(5));
        assert!(
            told.notice().contains(r#""kind":"notification""#) && !told.notice().contains('4'),
            "{}",
            told.notice()
        );
    }

    #[test]
    fn events_travel_as_json_between_servers() {
        let envelope = Envelope { origin: "server-a".into(), event: approved(3) };
        let json = serde_json::to_string(&envelope).expect("serialise");
        assert!(json.contains(r#""type":"deal""#) && json.contains(r#""outcome":"approved""#), "{json}");
        let back: Envelope = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, envelope);
    }
}
