//! In-app notifications: the bell beside a person's name counts what concerns them (their deal
//! decided, a claim decided, a certification ending, a lead captured, an approval waiting, their
//! incentives paid) and `/notifications` ([`crate::account`]) lists it, each linking to its page. One writer,
//! [`store::tell`], takes the transaction of the change it is about: it writes the notification
//! and, when the person wants that kind by email too, queues the message in the outbox. Once the
//! change commits, the person's open pages hear of it over the live channel and the bell
//! re-reads its count.

mod bell;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use bell::Bell;

/// What a notification is about; each kind may also come by email, as its person chooses.
/// Stored, sent and posted by [`Kind::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A deal they registered was approved or rejected, or its protection ends.
    Deal,
    /// A deal of a partner they manage waits for their decision.
    DealWaiting,
    /// A request for funds, or its claim, of their organisation was decided.
    Funds,
    /// A request for funds, or a claim, of a partner they manage waits for their decision.
    FundsWaiting,
    /// One of their certifications ends soon.
    Certification,
    /// A prospect sent one of their organisation's landing pages' forms.
    Lead,
    /// Their organisation's incentives were paid.
    Payout,
}

impl Kind {
    pub const ALL: [Kind; 7] =
        [Kind::Deal, Kind::DealWaiting, Kind::Funds, Kind::FundsWaiting, Kind::Certification, Kind::Lead, Kind::Payout];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Deal => "deal",
            Kind::DealWaiting => "deal_waiting",
            Kind::Funds => "funds",
            Kind::FundsWaiting => "funds_waiting",
            Kind::Certification => "certification",
            Kind::Lead => "lead",
            Kind::Payout => "payout",
        }
    }

    pub fn parse(value: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    /// What a person reads beside the kind's email setting.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Deal => "My deals are decided, or their protection ends",
            Kind::DealWaiting => "A deal waits for my approval",
            Kind::Funds => "Our requests for funds and claims are decided",
            Kind::FundsWaiting => "A request for funds or a claim waits for my decision",
            Kind::Certification => "A certification of mine ends soon",
            Kind::Lead => "A prospect sends one of our landing pages' forms",
            Kind::Payout => "Our incentives are paid",
        }
    }

    /// Whether it comes by email until the person says otherwise: every kind that was emailed
    /// before the bell existed does; a deal waiting, which the approvals count already shows, does not.
    pub fn email_by_default(self) -> bool {
        !matches!(self, Kind::DealWaiting)
    }

    /// The kinds that can concern a person of `role` (the rest are not offered in their settings):
    /// managers hear what waits for them; a partner's people of their deals and certifications;
    /// its admins also of its funds, leads and payouts.
    pub fn for_role(role: crate::auth::Role) -> Vec<Kind> {
        use crate::auth::Role;
        Kind::ALL
            .into_iter()
            .filter(|kind| match kind {
                Kind::DealWaiting | Kind::FundsWaiting => matches!(role, Role::Admin | Role::ChannelManager),
                Kind::Deal | Kind::Certification => matches!(role, Role::PartnerAdmin | Role::PartnerUser),
                Kind::Funds | Kind::Lead | Kind::Payout => role == Role::PartnerAdmin,
            })
            .collect()
    }
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(Kind);

/// What to tell someone: its kind, the message (its subject is the notification's title; the
/// whole of it is the email) and the page it is about, a path within the portal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub kind: Kind,
    pub message: crate::mail::Message,
    pub path: String,
}

/// One notification, as its person sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Notification {
    pub id: i64,
    pub kind: Kind,
    pub title: String,
    pub path: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// Whether a kind comes by email too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailSetting {
    pub kind: Kind,
    pub email: bool,
}

/// The notifications page: the newest notifications, how many are unread, and the email settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub notifications: Vec<Notification>,
    pub unread: i64,
    pub settings: Vec<EmailSetting>,
}

/// A path within the portal a notification may lead to: absolute, on this site, never another
/// host's (`//host`) or a script, with no space or control character (which browsers drop, so
/// `/\t/host` would be `//host`). Anything else leads home.
pub fn safe_path(path: &str) -> &str {
    let inside = path.starts_with('/')
        && !path.starts_with("//")
        && !path.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control());
    if inside { path } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    #[test]
    fn every_kind_is_stored_under_a_name_it_reads_back() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::parse("Deal"), None);
    }

    #[test]
    fn people_are_offered_the_kinds_that_can_concern_them() {
        assert_eq!(Kind::for_role(Role::ChannelManager), [Kind::DealWaiting, Kind::FundsWaiting]);
        assert_eq!(Kind::for_role(Role::Marketing), Vec::<Kind>::new());
        assert_eq!(Kind::for_role(Role::PartnerUser), [Kind::Deal, Kind::Certification]);
        assert_eq!(
            Kind::for_role(Role::PartnerAdmin),
            [Kind::Deal, Kind::Funds, Kind::Certification, Kind::Lead, Kind::Payout]
        );
    }

    #[test]
    fn a_notification_leads_only_to_a_page_of_this_site() {
        let cases = [
            ("/deals/7", "/deals/7"),
            ("//evil.test/x", "/"),
            ("https://evil.test", "/"),
            ("/\\evil.test", "/"),
            ("", "/"),
        ];
        for (path, expected) in cases {
            assert_eq!(safe_path(path), expected, "{path}");
        }
    }
}
