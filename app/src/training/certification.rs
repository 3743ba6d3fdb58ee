//! Certifications: when one expires, when passing again renews it to, how it stands today, and
//! which reminder is due. Pure; the store and the reminder job apply them.

use chrono::{DateTime, Duration, Months, Utc};
use serde::{Deserialize, Serialize};

/// A certification is valid this long unless the course says otherwise.
pub const DEFAULT_VALIDITY_MONTHS: i64 = 12;
/// The shortest and longest validity a course may give (a shorter one would be Expiring, and
/// reminded of, from the day it is earned).
pub const MIN_VALIDITY_MONTHS: i64 = 3;
pub const MAX_VALIDITY_MONTHS: i64 = 60;
/// A certification is Expiring this close to its expiry.
pub const EXPIRING_DAYS: i64 = 30;

/// How a certification stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Standing {
    Active,
    /// Valid, and ends within [`EXPIRING_DAYS`].
    Expiring,
    /// Ended; it no longer counts.
    Expired,
}

impl Standing {
    pub fn of(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> Standing {
        if now >= expires_at {
            Standing::Expired
        } else if expires_at - now <= Duration::days(EXPIRING_DAYS) {
            Standing::Expiring
        } else {
            Standing::Active
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::Active => "Active",
            Standing::Expiring => "Expiring",
            Standing::Expired => "Expired",
        }
    }

    /// Whether it counts (for the KPIs, the health score and, later, tiers).
    pub fn counts(self) -> bool {
        self != Standing::Expired
    }
}

/// What passing a course's quiz does to its certification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// A first certification, or a new one after the last ended: valid from now until `ends`.
    NewTerm { ends: DateTime<Utc> },
    /// The one held, in its last [`EXPIRING_DAYS`], runs on from its old end to `ends`.
    Renewed { ends: DateTime<Utc> },
    /// The one held is not due for renewal before `renewable_from`: nothing changes, so passing
    /// again and again never piles up years.
    TooEarly { renewable_from: DateTime<Utc> },
}

/// What a pass at `now` does, given when the certification held ends (`None`: none held). A
/// renewal runs `validity_months` from the later of now and the old end, so renewing early loses
/// no time. A month from the 31st ends on the month's last day.
pub fn pass(held_until: Option<DateTime<Utc>>, now: DateTime<Utc>, validity_months: i64) -> Pass {
    let months = Months::new(validity_months.clamp(1, MAX_VALIDITY_MONTHS) as u32);
    let after = |from: DateTime<Utc>| from.checked_add_months(months).unwrap_or(DateTime::<Utc>::MAX_UTC);
    match held_until {
        Some(until) if until > now && until - now > Duration::days(EXPIRING_DAYS) => {
            Pass::TooEarly { renewable_from: until - Duration::days(EXPIRING_DAYS) }
        }
        Some(until) if until > now => Pass::Renewed { ends: after(until) },
        _ => Pass::NewTerm { ends: after(now) },
    }
}

/// The reminders sent before a certification expires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminder {
    ThirtyDays,
    SevenDays,
}

impl Reminder {
    /// Nearest first: a certification found within 7 days that missed the 30-day reminder gets
    /// only the nearer one.
    pub const NEAREST_FIRST: [Reminder; 2] = [Reminder::SevenDays, Reminder::ThirtyDays];

    pub fn days(self) -> i64 {
        match self {
            Reminder::ThirtyDays => 30,
            Reminder::SevenDays => 7,
        }
    }

    /// The reminder due for a certification ending at `expires_at`, given which were sent.
    pub fn due(expires_at: DateTime<Utc>, now: DateTime<Utc>, sent_30: bool, sent_7: bool) -> Option<Reminder> {
        if now >= expires_at {
            return None;
        }
        Reminder::NEAREST_FIRST.into_iter().find(|reminder| {
            let sent = match reminder {
                Reminder::SevenDays => sent_7,
                Reminder::ThirtyDays => sent_30 || sent_7,
            };
            !sent && expires_at - now <= Duration::days(reminder.days())
        })
    }
}
