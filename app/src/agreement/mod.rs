//! The partner agreement: versions an admin publishes (Markdown), and each partner organisation's
//! acceptance of each, signed by its partner admin with their typed name. Until an organisation
//! has accepted the current version (or while a grace period lets it go on), the guard turns its
//! people to the agreement page ([`crate::auth::AgreementStanding`]).

mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

pub use pages::{AcceptanceTable, AgreementAdminPage, AgreementPage};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::AgreementStanding;
use crate::error::FieldErrors;
use crate::text::required_line;

/// The most characters of a version's title, a typed name and an agreement's text.
pub const MAX_TITLE: usize = 120;
pub const MAX_NAME: usize = 120;
pub const MAX_BODY: usize = 50_000;
/// The longest grace an admin may give for accepting a new version.
pub const MAX_GRACE_DAYS: i64 = 365;

/// A published version as people read it: its text already rendered to safe HTML.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedVersion {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub html: String,
    pub published_at: DateTime<Utc>,
    pub required_from: DateTime<Utc>,
}

/// One organisation's acceptance of one version: who signed, with what name, when and from where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Acceptance {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub version_number: i64,
    pub version_title: String,
    pub person_name: String,
    pub person_email: String,
    pub typed_name: String,
    pub accepted_at: DateTime<Utc>,
    pub client_address: String,
}

impl Acceptance {
    /// Where its receipt is downloaded.
    pub fn receipt_href(&self) -> String {
        format!("/agreement/receipts/{}", self.id)
    }
}

/// What the agreement page shows its reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementView {
    /// The current version; `None` until an admin publishes one.
    pub current: Option<PublishedVersion>,
    /// The reader's organisation's name (the vendor's for staff).
    pub organisation_name: String,
    pub standing: AgreementStanding,
    /// Whether the reader's organisation has accepted the current version.
    pub accepted: bool,
    /// The reader signs for their organisation: a partner admin whose organisation has not
    /// accepted the current version.
    pub can_accept: bool,
    /// The reader's organisation's acceptances, newest first (partner people only).
    pub acceptances: Vec<Acceptance>,
}

/// One version as the administration lists it, with how many partners accepted it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct VersionSummary {
    pub number: i64,
    pub title: String,
    pub published_at: DateTime<Utc>,
    pub required_from: DateTime<Utc>,
    pub published_by: String,
    pub accepted_by: i64,
}

/// The administration's view of the agreement: every version, newest first, and the text of the
/// current one to start the next from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementHistory {
    pub versions: Vec<VersionSummary>,
    pub partners: i64,
    pub current_title: String,
    pub current_body: String,
}

/// When partners that accepted an earlier version must accept a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deadline {
    /// Before anything else, from the moment it is published.
    AtOnce,
    /// Within this many days, with a banner until then.
    WithinDays(i64),
}

impl Deadline {
    pub fn required_from(self, published_at: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Deadline::AtOnce => published_at,
            Deadline::WithinDays(days) => published_at + Duration::days(days),
        }
    }
}

/// How the publish form names its deadline choices.
pub const AT_ONCE: &str = "at_once";
pub const WITHIN_DAYS: &str = "within";

/// The publish form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishInput {
    pub title: String,
    pub body: String,
    /// [`AT_ONCE`] or [`WITHIN_DAYS`].
    pub deadline: String,
    pub days: String,
}

/// A version ready to publish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewVersion {
    pub title: String,
    pub body: String,
    pub deadline: Deadline,
}

impl PublishInput {
    /// The version to publish, or a message per field.
    pub fn check(&self) -> Result<NewVersion, FieldErrors> {
        let mut fields = FieldErrors::new();
        let title =
            required_line(&self.title, MAX_TITLE, "Give the version a title, such as \"Partner agreement 2027\".")
                .map_err(|message| fields.insert("title".into(), message))
                .unwrap_or_default();
        let body = self.body.trim();
        if body.is_empty() {
            fields.insert("body".into(), "Write the agreement's text (Markdown).".into());
        } else if body.chars().count() > MAX_BODY {
            fields.insert("body".into(), format!("The text is longer than {MAX_BODY} characters."));
        }
        let deadline = match self.deadline.as_str() {
            AT_ONCE => Some(Deadline::AtOnce),
            WITHIN_DAYS => match self.days.trim().parse::<i64>() {
                Ok(days) if (1..=MAX_GRACE_DAYS).contains(&days) => Some(Deadline::WithinDays(days)),
                _ => {
                    fields.insert("days".into(), format!("Enter a whole number of days from 1 to {MAX_GRACE_DAYS}."));
                    None
                }
            },
            _ => {
                fields.insert("deadline".into(), "Choose when partners must accept this version.".into());
                None
            }
        };
        match (deadline, fields.is_empty()) {
            (Some(deadline), true) => Ok(NewVersion { title: title.to_owned(), body: body.to_owned(), deadline }),
            _ => Err(fields),
        }
    }
}

/// The acceptance form as typed: the version read, the signer's typed name, the box ticked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptanceInput {
    pub version: String,
    pub full_name: String,
    /// Present (`on`) when the box "I accept on behalf of …" is ticked.
    #[serde(default)]
    pub on_behalf: Option<String>,
}

impl AcceptanceInput {
    /// The typed name to record, when the form accepts `current` (the version now in force) on
    /// behalf of `organisation`; a message per field otherwise.
    pub fn check(&self, current: i64, organisation: &str) -> Result<String, FieldErrors> {
        let mut fields = FieldErrors::new();
        if self.version.trim().parse::<i64>().ok() != Some(current) {
            fields.insert(
                "version".into(),
                "A new version of the agreement was published while you read this one. Read it, then accept it.".into(),
            );
        }
        let name = match required_line(&self.full_name, MAX_NAME, "Type your full name to sign.") {
            Ok(name) => name.split_whitespace().collect::<Vec<_>>().join(" "),
            Err(message) => {
                fields.insert("full_name".into(), message);
                String::new()
            }
        };
        if self.on_behalf.is_none() {
            fields.insert("on_behalf".into(), format!("Tick the box to accept on behalf of {organisation}."));
        }
        if fields.is_empty() { Ok(name) } else { Err(fields) }
    }
}

/// The text of an acceptance's receipt, as downloaded.
pub fn receipt_text(acceptance: &Acceptance) -> String {
    format!(
        "Receipt of acceptance: partner agreement\n\
         =======================================\n\n\
         Organisation:    {}\n\
         Agreement:       {} (version {})\n\
         Accepted by:     {} <{}>\n\
         Typed name:      {}\n\
         Accepted at:     {} UTC\n\
         Client address:  {}\n\
         Receipt number:  {}\n",
        acceptance.organisation_name,
        acceptance.version_title,
        acceptance.version_number,
        acceptance.person_name,
        acceptance.person_email,
        acceptance.typed_name,
        acceptance.accepted_at.format("%Y-%m-%d %H:%M:%S"),
        acceptance.client_address,
        acceptance.id,
    )
}

/// The file name a receipt downloads as.
pub fn receipt_file_name(acceptance: &Acceptance) -> String {
    format!("agreement-receipt-{}-version-{}.txt", acceptance.id, acceptance.version_number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn publish(title: &str, body: &str, deadline: &str, days: &str) -> Result<NewVersion, FieldErrors> {
        PublishInput { title: title.into(), body: body.into(), deadline: deadline.into(), days: days.into() }.check()
    }

    #[test]
    fn a_version_needs_a_title_a_text_and_a_deadline() {
        let version = publish(" Agreement 2027 ", "# Terms\n\nBe nice.", "within", "30").expect("valid");
        assert_eq!(version.title, "Agreement 2027");
        assert_eq!(version.deadline, Deadline::WithinDays(30));
        assert_eq!(publish("A", "B", "at_once", "").map(|v| v.deadline), Ok(Deadline::AtOnce));
        let fields = publish("", "  ", "soon", "").expect_err("invalid");
        assert_eq!(fields.keys().collect::<Vec<_>>(), ["body", "deadline", "title"]);
        for days in ["0", "366", "ten", ""] {
            assert!(publish("A", "B", "within", days).expect_err(days).contains_key("days"), "{days}");
        }
        assert!(publish("A\nB", "B", "at_once", "").expect_err("two lines").contains_key("title"));
        assert!(publish(&"x".repeat(MAX_TITLE + 1), "B", "at_once", "").is_err());
        assert!(publish("A", &"x".repeat(MAX_BODY + 1), "at_once", "").expect_err("long").contains_key("body"));
    }

    #[test]
    fn a_grace_period_counts_from_publication() {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().expect("time");
        assert_eq!(Deadline::AtOnce.required_from(at), at);
        assert_eq!(Deadline::WithinDays(30).required_from(at), at + Duration::days(30));
    }

    fn accept(version: &str, name: &str, ticked: bool) -> Result<String, FieldErrors> {
        let input = AcceptanceInput {
            version: version.into(),
            full_name: name.into(),
            on_behalf: ticked.then(|| "on".to_owned()),
        };
        input.check(7, "Bluepeak Systems")
    }

    #[test]
    fn accepting_takes_the_version_read_a_typed_name_and_the_ticked_box() {
        assert_eq!(accept("7", "  Ava   Okafor ", true), Ok("Ava Okafor".to_owned()));
        let fields = accept("6", "", false).expect_err("invalid");
        assert_eq!(fields.keys().collect::<Vec<_>>(), ["full_name", "on_behalf", "version"]);
        assert!(fields["on_behalf"].contains("Bluepeak Systems"), "{fields:?}");
        assert!(accept("seven", "Ava", true).expect_err("bad version").contains_key("version"));
        assert!(accept("7", "Ava\nOkafor", true).expect_err("two lines").contains_key("full_name"));
        assert!(accept("7", &"x".repeat(MAX_NAME + 1), true).is_err());
    }

    #[test]
    fn a_receipt_names_everything_recorded() {
        let acceptance = Acceptance {
            id: 12,
            organisation_id: 3,
            organisation_name: "Bluepeak Systems".into(),
            version_number: 2,
            version_title: "Partner agreement 2027".into(),
            person_name: "Ava Okafor".into(),
            person_email: "partner@bluepeak.test".into(),
            typed_name: "Ava Okafor".into(),
            accepted_at: Utc.with_ymd_and_hms(2026, 12, 2, 10, 30, 5).single().expect("time"),
            client_address: "203.0.113.9".into(),
        };
        let text = receipt_text(&acceptance);
        for part in [
            "Bluepeak Systems",
            "Partner agreement 2027 (version 2)",
            "2026-12-02 10:30:05 UTC",
            "203.0.113.9",
            "Ava Okafor <partner@bluepeak.test>",
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
        assert_eq!(receipt_file_name(&acceptance), "agreement-receipt-12-version-2.txt");
        assert_eq!(acceptance.receipt_href(), "/agreement/receipts/12");
    }
}
