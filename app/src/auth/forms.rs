//! What a sign-in, invitation or password form must hold. Runs in the browser as the person
//! types and again on the server, so both say the same thing.

use chrono::{DateTime, Duration, Utc};

use crate::error::{AppError, FieldErrors};

/// An email address, trimmed and lower-cased so one person has one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<EmailAddress, String> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter your email address.".into());
        }
        if email.len() > 254 {
            return Err("An email address has at most 254 characters.".into());
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err("Enter an email address like name@company.com.".into());
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.contains(char::is_whitespace) || local.contains(char::is_control) || !domain_ok {
            return Err("Enter an email address like name@company.com.".into());
        }
        Ok(EmailAddress(email))
    }

    /// The part after the `@`: the domain a single sign-on connection is chosen by.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, domain)| domain).unwrap_or_default()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A new password and its confirmation, as set through an invitation or a reset link.
pub fn check_new_password(password: &str, confirmation: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        errors.insert("password".into(), format!("Use at least {MIN_PASSWORD_CHARS} characters."));
    } else if chars > MAX_PASSWORD_CHARS {
        errors.insert("password".into(), format!("Use at most {MAX_PASSWORD_CHARS} characters."));
    }
    if password != confirmation {
        errors.insert("password_confirmation".into(), "The two passwords differ.".into());
    }
    errors
}

/// A person's display name.
pub fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    match name.chars().count() {
        0 => Err("Enter your name.".into()),
        1..=100 => crate::text::one_line(name).map(|()| name.to_owned()),
        _ => Err("A name has at most 100 characters.".into()),
    }
}

/// Sign-in input, checked before any password is compared.
pub fn check_sign_in(email: &str, password: &str) -> Result<EmailAddress, AppError> {
    let mut errors = FieldErrors::new();
    let email = EmailAddress::parse(email).map_err(|message| errors.insert("email".into(), message)).ok();
    if password.is_empty() {
        errors.insert("password".into(), "Enter your password.".into());
    }
    match email {
        Some(email) if errors.is_empty() => Ok(email),
        _ => Err(AppError::invalid(errors)),
    }
}

/// Failed sign-ins allowed per email address within [`THROTTLE_WINDOW_MINUTES`].
pub const THROTTLE_LIMIT: usize = 5;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

/// Given the recent failed sign-ins for one email (oldest first, all within the window), says
/// whether another attempt is refused, and how long until it is not.
pub fn sign_in_refused_for(recent_failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<Duration> {
    let window = Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let in_window: Vec<_> = recent_failures.iter().filter(|at| now - **at < window).collect();
    if in_window.len() < THROTTLE_LIMIT {
        return None;
    }
    // The lock lifts once only THROTTLE_LIMIT - 1 failures remain inside the window.
    let decisive = in_window[in_window.len() - THROTTLE_LIMIT];
    Some(*decisive + window - now)
}

pub fn throttle_message(wait: Duration) -> String {
    let minutes = (wait.num_seconds() + 59) / 60;
    let minutes = minutes.max(1);
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    format!(
        "Too many failed sign-ins for this email. For your security, try again in {minutes} {unit}, \
         or reset your password."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn email_addresses_are_normalised_and_checked() {
        let cases = [
            ("  Partner@Bluepeak.TEST ", Ok("partner@bluepeak.test")),
            ("rep@sub.bluepeak.test", Ok("rep@sub.bluepeak.test")),
            ("", Err(())),
            ("   ", Err(())),
            ("no-at-sign.test", Err(())),
            ("@bluepeak.test", Err(())),
            ("partner@localhost", Err(())),
            ("partner@bluepeak..test", Err(())),
            ("part ner@bluepeak.test", Err(())),
            ("partner@.bluepeak.test", Err(())),
        ];
        for (raw, expected) in cases {
            let parsed = EmailAddress::parse(raw);
            match expected {
                Ok(email) => assert_eq!(parsed.as_ref().map(EmailAddress::as_str), Ok(email), "{raw:?}"),
                Err(()) => assert!(parsed.is_err(), "{raw:?} was accepted"),
            }
        }
    }

    #[test]
    fn new_passwords_need_length_and_a_matching_confirmation() {
        assert!(check_new_password("tessera-demo", "tessera-demo").is_empty());
        let short = check_new_password("short", "short");
        assert_eq!(short.get("password").map(String::as_str), Some("Use at least 10 characters."));
        let differ = check_new_password("long-enough-1", "long-enough-2");
        assert!(differ.contains_key("password_confirmation"));
        assert!(!differ.contains_key("password"));
        let long = "x".repeat(129);
        assert!(check_new_password(&long, &long).contains_key("password"));
    }

    #[test]
    fn sign_in_reports_every_empty_field_at_once() {
        let error = check_sign_in("", "").expect_err("empty form is refused");
        assert!(error.field_message("email").is_some());
        assert!(error.field_message("password").is_some());
        assert!(check_sign_in("partner@bluepeak.test", "x").is_ok());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_name("  Ada Lovelace "), Ok("Ada Lovelace".into()));
        assert!(check_name(" ").is_err());
        assert!(check_name(&"a".repeat(101)).is_err());
    }

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 10, minute, 0).single().expect("valid time")
    }

    #[test]
    fn four_failures_do_not_lock_the_fifth_does() {
        let four = [at(0), at(1), at(2), at(3)];
        assert_eq!(sign_in_refused_for(&four, at(4)), None);
        let five = [at(0), at(1), at(2), at(3), at(4)];
        // Locked until the oldest of the five leaves the 15-minute window, at 10:15.
        assert_eq!(sign_in_refused_for(&five, at(5)), Some(Duration::minutes(10)));
        assert_eq!(sign_in_refused_for(&five, at(15)), None);
    }

    #[test]
    fn failures_older_than_the_window_do_not_count() {
        let failures = [at(0), at(1), at(20), at(21), at(22), at(23)];
        assert_eq!(sign_in_refused_for(&failures, at(24)), None);
        let more = [at(0), at(20), at(21), at(22), at(23), at(24)];
        assert_eq!(sign_in_refused_for(&more, at(25)), Some(Duration::minutes(10)));
    }

    #[test]
    fn throttle_message_rounds_up_to_whole_minutes() {
        assert!(throttle_message(Duration::seconds(61)).contains("2 minutes"));
        assert!(throttle_message(Duration::seconds(10)).contains("1 minute,"));
    }
}
