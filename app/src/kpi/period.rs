//! Reporting periods: a month, quarter or year containing a date, or a custom range, and the
//! period before it to compare with. Dates are UTC calendar days; `end` is inclusive.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
    Custom,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 4] = [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year, PeriodKind::Custom];

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
            PeriodKind::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PeriodKind::Month => "Month",
            PeriodKind::Quarter => "Quarter",
            PeriodKind::Year => "Year",
            PeriodKind::Custom => "Custom range",
        }
    }

    pub fn parse(raw: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub start: NaiveDate,
    /// The last day in the period.
    pub end: NaiveDate,
}

/// The longest custom range a dashboard computes.
const MAX_CUSTOM_DAYS: i64 = 5 * 366;

fn first_of_month(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

/// The first day of the month `months` after the month of `date` (negative: before).
pub fn month_start_offset(date: NaiveDate, months: i32) -> NaiveDate {
    let index = date.year() * 12 + date.month0() as i32 + months;
    first_of_month(index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
}

impl Period {
    /// The month, quarter or year containing `date`.
    pub fn containing(kind: PeriodKind, date: NaiveDate) -> Period {
        let (start, months) = match kind {
            PeriodKind::Month | PeriodKind::Custom => (first_of_month(date.year(), date.month()), 1),
            PeriodKind::Quarter => (first_of_month(date.year(), date.month0() / 3 * 3 + 1), 3),
            PeriodKind::Year => (first_of_month(date.year(), 1), 12),
        };
        let end = month_start_offset(start, months) - Duration::days(1);
        Period { kind: if kind == PeriodKind::Custom { PeriodKind::Month } else { kind }, start, end }
    }

    /// The period a dashboard's query asks for. `period` is month, quarter, year or custom (default
    /// month); `at` is any day in it (default `today`); a custom range needs `from` and `to`.
    pub fn from_query(
        period: Option<&str>,
        at: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<Period, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = match period.map(str::trim).filter(|p| !p.is_empty()) {
            None => PeriodKind::Month,
            Some(raw) => PeriodKind::parse(raw).unwrap_or_else(|| {
                errors.insert("period".into(), "Choose month, quarter, year or a custom range.".into());
                PeriodKind::Month
            }),
        };
        let mut date = |name: &str, raw: Option<&str>| match raw.map(str::trim).filter(|r| !r.is_empty()) {
            None => None,
            Some(raw) => NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_or_else(
                |_| {
                    errors.insert(name.into(), "Enter a date as YYYY-MM-DD.".into());
                    None
                },
                Some,
            ),
        };
        let at = date("at", at);
        let (from, to) = (date("from", from), date("to", to));
        if kind != PeriodKind::Custom {
            return if errors.is_empty() { Ok(Period::containing(kind, at.unwrap_or(today))) } else { Err(errors) };
        }
        match (from, to) {
            (Some(start), Some(end)) if end < start => {
                errors.insert("to".into(), "The end of the range must not be before its start.".into());
            }
            (Some(start), Some(end)) if (end - start).num_days() >= MAX_CUSTOM_DAYS => {
                errors.insert("to".into(), "Choose a range of at most five years.".into());
            }
            (Some(start), Some(end)) if errors.is_empty() => {
                return Ok(Period { kind: PeriodKind::Custom, start, end });
            }
            (start, end) => {
                if start.is_none() && !errors.contains_key("from") {
                    errors.insert("from".into(), "Enter the first day of the range.".into());
                }
                if end.is_none() && !errors.contains_key("to") {
                    errors.insert("to".into(), "Enter the last day of the range.".into());
                }
            }
        }
        Err(errors)
    }

    pub fn days(self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// The period just before, of the same kind (a custom range: the same number of days).
    pub fn previous(self) -> Period {
        match self.kind {
            PeriodKind::Custom => {
                let end = self.start - Duration::days(1);
                Period { kind: PeriodKind::Custom, start: end - Duration::days(self.days() - 1), end }
            }
            kind => Period::containing(kind, self.start - Duration::days(1)),
        }
    }

    /// The period to compare this one with on `today`: the one before it, or, while this one is
    /// still running, as many of that one's first days as this one has had ("like for like":
    /// 1–24 October against 1–24 November).
    pub fn comparison(self, today: NaiveDate) -> Period {
        let previous = self.previous();
        if !self.contains(today) || today == self.end {
            return previous;
        }
        let end = (previous.start + Duration::days((today - self.start).num_days())).min(previous.end);
        Period { kind: PeriodKind::Custom, start: previous.start, end }
    }

    /// Whether this is a period cut short to compare like for like with one still running.
    pub fn is_partial_of(self, whole: Period) -> bool {
        self.start == whole.start && self.end < whole.end
    }

    /// How `compared` (this period's [`Period::comparison`]) reads: "October 2026", or "the first
    /// 24 days of October 2026" while this period is running.
    pub fn comparison_label(self, compared: Period) -> String {
        let whole = self.previous();
        match compared.days() {
            _ if !compared.is_partial_of(whole) => compared.label(),
            1 => format!("the first day of {}", whole.label()),
            days => format!("the first {days} days of {}", whole.label()),
        }
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// "November 2026", "Q4 2026", "2026" or "2026-01-05 – 2026-02-04".
    pub fn label(self) -> String {
        match self.kind {
            PeriodKind::Month => self.start.format("%B %Y").to_string(),
            PeriodKind::Quarter => format!("Q{} {}", self.start.month0() / 3 + 1, self.start.year()),
            PeriodKind::Year => self.start.year().to_string(),
            PeriodKind::Custom => format!("{} – {}", self.start, self.end),
        }
    }

    /// The query string that asks for this period again: `period=quarter&at=2026-10-01`.
    pub fn query(self) -> String {
        match self.kind {
            PeriodKind::Custom => format!("period=custom&from={}&to={}", self.start, self.end),
            kind => format!("period={}&at={}", kind.as_str(), self.start),
        }
    }

    /// The twelve months ending with the one the period ends in, as (first day, last day).
    pub fn trailing_months(self) -> Vec<(NaiveDate, NaiveDate)> {
        (0..12)
            .rev()
            .map(|back| {
                let start = month_start_offset(self.end, -back);
                (start, month_start_offset(start, 1) - Duration::days(1))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn month_quarter_and_year_containing_a_day() {
        let today = day(2026, 11, 24);
        assert_eq!(
            Period::containing(PeriodKind::Month, today),
            Period { kind: PeriodKind::Month, start: day(2026, 11, 1), end: day(2026, 11, 30) }
        );
        assert_eq!(Period::containing(PeriodKind::Quarter, today).start, day(2026, 10, 1));
        assert_eq!(Period::containing(PeriodKind::Quarter, today).end, day(2026, 12, 31));
        assert_eq!(Period::containing(PeriodKind::Year, today).days(), 365);
        assert_eq!(Period::containing(PeriodKind::Month, day(2028, 2, 10)).end, day(2028, 2, 29));
    }

    #[test]
    fn the_previous_period_crosses_years() {
        let january = Period::containing(PeriodKind::Month, day(2027, 1, 15));
        assert_eq!(january.previous().start, day(2026, 12, 1));
        let q1 = Period::containing(PeriodKind::Quarter, day(2027, 2, 1));
        assert_eq!((q1.previous().start, q1.previous().end), (day(2026, 10, 1), day(2026, 12, 31)));
        let custom = Period { kind: PeriodKind::Custom, start: day(2026, 3, 1), end: day(2026, 3, 10) };
        assert_eq!((custom.previous().start, custom.previous().end), (day(2026, 2, 19), day(2026, 2, 28)));
    }

    #[test]
    fn a_running_period_is_compared_with_as_many_days_of_the_one_before() {
        let november = Period::containing(PeriodKind::Month, day(2026, 11, 5));
        let to_date = november.comparison(day(2026, 11, 24));
        assert_eq!((to_date.start, to_date.end), (day(2026, 10, 1), day(2026, 10, 24)));
        assert_eq!(to_date.days(), 24);
        assert!(to_date.is_partial_of(november.previous()));
        // 31 March against a February of 28 days: the whole of February.
        let march = Period::containing(PeriodKind::Month, day(2027, 3, 1));
        assert_eq!(march.comparison(day(2027, 3, 30)).end, day(2027, 2, 28));
        // A period that is over, or not begun, is compared whole.
        assert_eq!(november.comparison(day(2026, 11, 30)), november.previous());
        assert_eq!(november.comparison(day(2027, 1, 2)), november.previous());
        assert!(!november.previous().is_partial_of(november.previous()));
        assert_eq!(november.comparison_label(to_date), "the first 24 days of October 2026");
        assert_eq!(november.comparison_label(november.comparison(day(2026, 11, 1))), "the first day of October 2026");
        assert_eq!(november.comparison_label(november.previous()), "October 2026");
        let q4 = Period::containing(PeriodKind::Quarter, day(2026, 11, 24));
        assert_eq!(q4.comparison(day(2026, 10, 1)).end, day(2026, 7, 1));
    }

    #[test]
    fn queries_resolve_or_name_the_bad_field() {
        let today = day(2026, 11, 24);
        assert_eq!(Period::from_query(None, None, None, None, today), Ok(Period::containing(PeriodKind::Month, today)));
        let q = Period::from_query(Some("quarter"), Some("2026-05-09"), None, None, today).expect("quarter");
        assert_eq!(q.label(), "Q2 2026");
        assert_eq!(q.query(), "period=quarter&at=2026-04-01");
        let custom = Period::from_query(Some("custom"), None, Some("2026-01-05"), Some("2026-02-04"), today);
        assert_eq!(custom.map(Period::days), Ok(31));
        let backwards = Period::from_query(Some("custom"), None, Some("2026-02-04"), Some("2026-01-05"), today);
        assert!(backwards.expect_err("backwards").contains_key("to"));
        let missing = Period::from_query(Some("custom"), None, Some("2026-13-01"), None, today).expect_err("bad");
        assert_eq!(missing.get("from").map(String::as_str), Some("Enter a date as YYYY-MM-DD."));
        assert!(missing.contains_key("to"));
        let unknown = Period::from_query(Some("fortnight"), None, None, None, today).expect_err("unknown");
        assert!(unknown.contains_key("period"));
        let long = Period::from_query(Some("custom"), None, Some("2010-01-01"), Some("2026-01-01"), today);
        assert!(long.expect_err("too long").contains_key("to"));
    }

    #[test]
    fn trailing_months_end_with_the_periods_month() {
        let months = Period::containing(PeriodKind::Quarter, day(2026, 2, 1)).trailing_months();
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], (day(2025, 4, 1), day(2025, 4, 30)));
        assert_eq!(months[11], (day(2026, 3, 1), day(2026, 3, 31)));
    }
}
