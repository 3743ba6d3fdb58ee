//! Messages Tessera sends. Each waits in the outbox table, written by its one writer, [`queue`],
//! in the transaction of the change it is about. With SMTP configured (`TESSERA_SMTP_URL`) the
//! server's sender drains it, as text and as HTML ([`html`]), trying again while the mail server
//! cannot be reached; without, messages stay there. An admin sees them with every link's token
//! hidden (a reset or invitation link is a key to an account), and `tessera outbox` prints them
//! whole for whoever runs the server.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const RESET_LINK_HOURS: i64 = 2;
pub const INVITATION_DAYS: i64 = 7;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub subject: String,
    pub body: String,
}

pub fn password_reset(link: &str) -> Message {
    Message {
        subject: "Reset your Tessera password".into(),
        body: format!(
            "Someone asked to reset the password of your Tessera account.\n\n\
             To choose a new password, open this link within {RESET_LINK_HOURS} hours:\n{link}\n\n\
             If it was not you, ignore this message: your password stays as it is."
        ),
    }
}

pub fn invitation(inviter: &str, organisation: &str, role_label: &str, link: &str) -> Message {
    Message {
        subject: format!("{inviter} invited you to {organisation} on Tessera"),
        body: format!(
            "{inviter} invited you to join {organisation} on Tessera as {role_label}.\n\n\
             To accept, open this link within {INVITATION_DAYS} days and choose a password:\n{link}"
        ),
    }
}

/// To the partner who registered a deal, when a manager decides on it.
pub fn deal_decided(company: &str, outcome: &str, reason: Option<&str>, link: &str) -> Message {
    let reason = reason.map(|reason| format!("\n\nThe reason given: {reason}")).unwrap_or_default();
    Message {
        subject: format!("Your deal registration for {company} was {outcome}"),
        body: format!(
            "Your deal registration for {company} was {outcome}.{reason}\n\nSee the deal and its timeline:\n{link}"
        ),
    }
}

/// To a partner's channel manager, when the partner submits a deal registration for a decision.
pub fn deal_waiting(partner: &str, company: &str, amount: &str, link: &str) -> Message {
    Message {
        subject: format!("{partner} registered a deal for {company} ({amount}): it waits for your decision"),
        body: format!(
            "{partner} registered a deal for {company}, worth {amount}, and submitted it for approval.\n\n             Check it for conflicts, then approve or reject it:\n{link}"
        ),
    }
}

/// To a partner's admins, when a prospect sends one of its landing pages' forms (of `campaign`),
/// or its contact form in the public partner locator (no campaign).
pub fn lead_captured(name: &str, company: &str, campaign: Option<&str>, link: &str) -> Message {
    let (subject, sent) = match campaign {
        Some(campaign) => (
            format!("A new lead from {campaign}: {name} of {company}"),
            format!("sent the form on your landing page for \u{201c}{campaign}\u{201d}"),
        ),
        None => (
            format!("A new lead from the partner locator: {name} of {company}"),
            "asked you to contact them through the partner locator".to_owned(),
        ),
    };
    Message {
        subject,
        body: format!(
            "{name} of {company} {sent}.\n\n\
             See the lead, and register it as a deal in one click:\n{link}"
        ),
    }
}

/// To a partner's admins, when a payout run that pays it is marked paid: `amounts` per currency.
pub fn payout_paid(quarter: &str, amounts: &[(String, i64)], link: &str) -> Message {
    let paid: Vec<String> =
        amounts.iter().map(|(currency, minor)| crate::money::amount_text(*minor, currency)).collect();
    Message {
        subject: format!("Your {quarter} incentives are paid: {}", paid.join(" and ")),
        body: format!(
            "The vendor paid your approved incentives of {quarter}: {}.\n\n\
             Every entry, and what it came from, is on your earnings statement:\n{link}",
            paid.join(" and ")
        ),
    }
}

/// To a partner's channel manager, when the partner requests funds: `(short, long)` name them
/// ("MDF", "market development funds"; or co-op funds).
pub fn mdf_requested((short, long): (&str, &str), partner: &str, title: &str, amount: &str, link: &str) -> Message {
    Message {
        subject: format!("{partner} requests {amount} of {short}: {title}"),
        body: format!(
            "{partner} requests {amount} of {long} for \u{201c}{title}\u{201d}.\n\n\
             Pre-approve or reject it (with a reason the partner sees):\n{link}"
        ),
    }
}

/// To a partner's channel manager, when the partner claims what an executed activity cost.
pub fn mdf_claimed((short, long): (&str, &str), partner: &str, title: &str, amount: &str, link: &str) -> Message {
    Message {
        subject: format!("{partner} claims {amount} of {short}: {title}"),
        body: format!(
            "{partner} ran \u{201c}{title}\u{201d} and claims {amount} of {long} for it.\n\n\
             Check its proof of performance, then approve the claim or reject it (with a reason the partner sees):\n{link}"
        ),
    }
}

/// To a partner's admins, when its channel manager decides on a request for funds (`what`:
/// "request") or a claim ("claim").
pub fn mdf_decided(
    (short, long): (&str, &str),
    (title, what): (&str, &str),
    outcome: &str,
    reason: Option<&str>,
    link: &str,
) -> Message {
    let reason = reason.map(|reason| format!("\n\nThe reason given: {reason}")).unwrap_or_default();
    Message {
        subject: format!("Your {short} {what} \u{201c}{title}\u{201d} was {outcome}"),
        body: format!(
            "Your {what} for {long} \u{201c}{title}\u{201d} was {outcome}.{reason}\n\n\
             See it and its timeline:\n{link}"
        ),
    }
}

/// To a partner's person whose certification ends soon (30 and 7 days before).
pub fn certification_expiring(course: &str, days: i64, until: DateTime<Utc>, link: &str) -> Message {
    Message {
        subject: format!("Your {course} certification ends in {days} days"),
        body: format!(
            "Your certification from the course \u{201c}{course}\u{201d} ends on {} (UTC), in {days} days.\n\n\
             Pass the course's quiz again to renew it for another term from its current end:\n{link}",
            until.format("%Y-%m-%d")
        ),
    }
}

/// To every partner admin, when a new version of the partner agreement is published.
pub fn agreement_published(title: &str, number: i64, due: Option<DateTime<Utc>>, link: &str) -> Message {
    let when = match due {
        Some(due) => {
            format!("by {} (UTC); until then a banner in the portal reminds you", due.format("%Y-%m-%d %H:%M"))
        }
        None => "before you go on using the portal".to_owned(),
    };
    Message {
        subject: format!("New partner agreement to accept: {title}"),
        body: format!(
            "Version {number} of the partner agreement, \"{title}\", was published.\n\n\
             Please read it and accept it on behalf of your organisation {when}:\n{link}"
        ),
    }
}

/// To a partner's admins, when its channel manager reminds it of its onboarding.
pub fn onboarding_nudge(sender: &str, next_step: &str, done: usize, total: usize, link: &str) -> Message {
    Message {
        subject: format!("Your next onboarding step: {next_step}"),
        body: format!(
            "{sender} reminds you of your onboarding with us: {done} of {total} steps are done.\n\n\
             Next: {next_step}\n\nSee your checklist:\n{link}"
        ),
    }
}

/// Before an approved deal's protection ends.
pub fn protection_ending(company: &str, days: i64, until: DateTime<Utc>, link: &str) -> Message {
    Message {
        subject: format!("Protection for {company} ends in {days} days"),
        body: format!(
            "The protection of your registered deal for {company} ends on {} (UTC), in {days} days.\n\n\
             Mark it won or lost, or ask for an extension:\n{link}",
            until.format("%Y-%m-%d %H:%M")
        ),
    }
}

/// When an approved deal's protection has ended.
pub fn protection_ended(company: &str, link: &str) -> Message {
    Message {
        subject: format!("Your deal registration for {company} expired"),
        body: format!(
            "The protection period of your registered deal for {company} ended, so the registration expired.\n\n\
             You can register the deal again if it is still open:\n{link}"
        ),
    }
}

/// The message's text with the value of every `token=` in it hidden, for showing to people who
/// must not be able to use the links (admins reading the outbox, logs).
pub fn without_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("token=") {
        let (before, after) = rest.split_at(at + "token=".len());
        out.push_str(before);
        let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).unwrap_or(after.len());
        if end > 0 {
            out.push('…');
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(feature = "ssr")]
pub use self::html::html_part;
#[cfg(feature = "ssr")]
pub use self::store::{STATEMENTS, newest, queue, queue_to_partner_admins, recent};

#[cfg(feature = "ssr")]
pub mod html;
#[cfg(feature = "ssr")]
pub mod store;

/// One message as the outbox page lists it, and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OutboxMessage {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// How often the mail server was tried.
    pub attempts: i64,
    pub last_error: Option<String>,
    /// When the mail server refused it for good.
    pub refused_at: Option<DateTime<Utc>>,
}

impl OutboxMessage {
    /// Where it stands, in words.
    pub fn standing(&self) -> String {
        match (self.sent_at, self.refused_at, &self.last_error) {
            (Some(at), _, _) => format!("Sent {}", at.format("%Y-%m-%d %H:%M")),
            (None, Some(_), error) => {
                format!("Refused by the mail server: {}", error.as_deref().unwrap_or("no reason"))
            }
            (None, None, Some(error)) => format!("Not sent yet ({} tries; last: {error})", self.attempts),
            (None, None, None) => "Waiting in the outbox".to_owned(),
        }
    }
}

/// A message taken from the outbox to send.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Queued {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Tries so far, this one included.
    pub attempts: i64,
}

/// How long to wait after try number `attempts` failed: `first` after the first, twice as long
/// after each further one, never more than an hour.
pub fn retry_after(first: std::time::Duration, attempts: i64) -> std::time::Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    first.saturating_mul(2u32.saturating_pow(doublings)).min(std::time::Duration::from_secs(3600))
}

/// What `tessera mail test` sends.
pub fn test_message(public_url: &str) -> Message {
    Message {
        subject: "Tessera can send email".into(),
        body: format!(
            "This message was sent by `tessera mail test`: Tessera reaches its mail server, and \
             invitations, password resets and notices will arrive.\n\nThe portal:\n{public_url}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_carry_their_link_and_say_how_long_it_lasts() {
        let reset = password_reset("http://x/reset-password?token=t");
        assert!(reset.body.contains("http://x/reset-password?token=t"));
        assert!(reset.body.contains("2 hours"));
        let invite = invitation("Ada", "Bluepeak Systems", "Partner user", "http://x/invitation?token=t");
        assert_eq!(invite.subject, "Ada invited you to Bluepeak Systems on Tessera");
        assert!(invite.body.contains("7 days") && invite.body.contains("Partner user"));
    }

    #[test]
    fn a_failed_message_waits_twice_as_long_each_time_up_to_an_hour() {
        use std::time::Duration;
        let first = Duration::from_secs(30);
        let waits: Vec<u64> = [1, 2, 3, 4, 8, 9, 500].into_iter().map(|n| retry_after(first, n).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 3600, 3600, 3600]);
        assert_eq!(retry_after(first, 0), first);
    }

    #[test]
    fn tokens_are_hidden_and_everything_else_kept() {
        let body = "Open http://x/reset-password?token=Ab_9-z\nor http://x/invitation?token=QQ&x=1 today.";
        assert_eq!(
            without_tokens(body),
            "Open http://x/reset-password?token=…\nor http://x/invitation?token=…&x=1 today."
        );
        assert_eq!(without_tokens("no links"), "no links");
        assert_eq!(without_tokens("token="), "token=");
    }
}
