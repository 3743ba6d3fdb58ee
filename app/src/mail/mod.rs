//! Messages Tessera sends. Until SMTP is configured they wait in the outbox table (and the log),
//! where an admin can read them.

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

#[cfg(feature = "ssr")]
pub fn log_queued(recipient: &str, message: &Message) {
    tracing::info!(recipient, subject = %message.subject, body = %message.body, "email queued in the outbox");
}

/// One message as the outbox page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OutboxMessage {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
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
}
