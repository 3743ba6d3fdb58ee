//! The deal clock: the approval SLA in business days, the protection period and its reminders.

use chrono::{DateTime, Datelike, Duration, Utc, Weekday};

/// Managers decide within this many business days of submission.
pub const SLA_BUSINESS_DAYS: u32 = 2;
/// An approved deal is protected for this long.
pub const PROTECTION_DAYS: i64 = 90;
/// One extension adds this much protection.
pub const EXTENSION_DAYS: i64 = 30;
/// The reminders that go out before protection ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Reminder {
    ThreeDays,
    FourteenDays,
}

impl Reminder {
    /// The nearer first: a deal already within three days does not also get the fourteen-day one.
    pub const NEAREST_FIRST: [Reminder; 2] = [Reminder::ThreeDays, Reminder::FourteenDays];

    /// How many days before the end of protection it goes out.
    pub fn days(self) -> i64 {
        match self {
            Reminder::ThreeDays => 3,
            Reminder::FourteenDays => 14,
        }
    }
}

/// `start` plus `days` business days (Saturdays and Sundays do not count), at the same time of day.
/// A submission on a weekend counts from the following Monday.
pub fn add_business_days(start: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    let mut at = start;
    while is_weekend(at) {
        at += Duration::days(1);
    }
    let mut left = days;
    while left > 0 {
        at += Duration::days(1);
        if !is_weekend(at) {
            left -= 1;
        }
    }
    at
}

fn is_weekend(at: DateTime<Utc>) -> bool {
    matches!(at.weekday(), Weekday::Sat | Weekday::Sun)
}

/// When the approval of a deal submitted at `submitted_at` is due.
pub fn sla_due(submitted_at: DateTime<Utc>) -> DateTime<Utc> {
    add_business_days(submitted_at, SLA_BUSINESS_DAYS)
}

/// Whole days from `now` until `until`, rounded up (a deal ending in 2.5 days has 3 days left).
pub fn days_left(now: DateTime<Utc>, until: DateTime<Utc>) -> i64 {
    let seconds = (until - now).num_seconds();
    if seconds <= 0 { 0 } else { (seconds + 86_399) / 86_400 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("valid time")
    }

    #[test]
    fn the_sla_skips_weekends() {
        // 2026-11-23 is a Monday.
        let cases = [
            (at(2026, 11, 23, 9), at(2026, 11, 25, 9)),  // Monday → Wednesday
            (at(2026, 11, 26, 9), at(2026, 11, 30, 9)),  // Thursday → Monday
            (at(2026, 11, 27, 17), at(2026, 12, 1, 17)), // Friday → Tuesday
            (at(2026, 11, 28, 10), at(2026, 12, 2, 10)), // Saturday counts from Monday → Wednesday
            (at(2026, 11, 29, 10), at(2026, 12, 2, 10)), // Sunday likewise
        ];
        for (submitted, due) in cases {
            assert_eq!(sla_due(submitted), due, "submitted {submitted}");
        }
    }

    #[test]
    fn days_left_rounds_up_and_stops_at_zero() {
        let now = at(2026, 11, 24, 12);
        assert_eq!(days_left(now, now + Duration::hours(60)), 3);
        assert_eq!(days_left(now, now + Duration::days(14)), 14);
        assert_eq!(days_left(now, now - Duration::days(1)), 0);
    }
}
