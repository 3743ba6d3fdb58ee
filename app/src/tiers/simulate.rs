//! The what-if simulator: a draft configuration against the published one, over every partner's
//! figures today and at the ends of the last four quarters (a backtest), and what it would do to
//! the margin paid on the last 12 months of won revenue. Pure: the store reads the figures.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::engine::{Metrics, qualified_index};
use super::program::Program;
use crate::money::Currency;

/// The most partners a point lists by name (the counts cover them all).
pub const LISTED: usize = 25;

/// How many moments the simulator compares: today and the ends of the last four quarters.
pub const MOMENTS: usize = 5;

/// One partner's figures at each point in time, today first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerFigures {
    pub name: String,
    /// Its tier today; `None` for a partner never placed.
    pub current: Option<i64>,
    pub metrics: Vec<Metrics>,
}

/// A partner that would change tier: from where the published configuration puts it, to where
/// the draft would.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    pub partner: String,
    pub from: String,
    pub to: String,
}

/// What the draft does at one point in time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointOutcome {
    /// "Today", or "End of Q3 2026".
    pub label: String,
    pub up: usize,
    pub down: usize,
    pub stay: usize,
    /// The first [`LISTED`] that move up, and the first that move down.
    pub moves: Vec<Movement>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Simulation {
    pub points: Vec<PointOutcome>,
    /// The base margin on every partner's won revenue of the last 12 months, at its tier today…
    pub margin_now_minor: i64,
    /// …and at the tier the draft would give it.
    pub margin_draft_minor: i64,
    pub currency: Currency,
}

impl Simulation {
    pub fn margin_change_minor(&self) -> i64 {
        self.margin_draft_minor - self.margin_now_minor
    }
}

/// Today and the last moments of the last four quarters that have ended, newest first.
pub fn points(now: DateTime<Utc>) -> [(String, DateTime<Utc>); MOMENTS] {
    let today = now.date_naive();
    let quarter_start_month = (today.month0() / 3) * 3 + 1;
    let mut start = NaiveDate::from_ymd_opt(today.year(), quarter_start_month, 1).unwrap_or(today);
    std::array::from_fn(|at| {
        if at == 0 {
            return ("Today".to_owned(), now);
        }
        let end = start - Duration::days(1);
        let label = format!("End of Q{} {}", end.month0() / 3 + 1, end.year());
        start = NaiveDate::from_ymd_opt(end.year(), (end.month0() / 3) * 3 + 1, 1).unwrap_or(end);
        (label, end.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc())
    })
}

fn margin(program: &Program, index: usize, revenue_minor: i64) -> i128 {
    crate::money::share(revenue_minor, program.tiers[index].benefits.margin_bp) as i128
}

/// The draft against the published configuration for every partner at every point (`labels`,
/// one per entry of each partner's metrics). Today the baseline is the partner's tier; at a past
/// point it is where the published configuration placed the partner's figures then. A tier kept
/// by the draft is the same tier; others are compared by their place in the order.
pub fn simulate(
    published: &Program,
    draft: &Program,
    partners: &[PartnerFigures],
    labels: &[String],
    currency: Currency,
) -> Simulation {
    let mut points: Vec<PointOutcome> = labels
        .iter()
        .map(|label| PointOutcome { label: label.clone(), up: 0, down: 0, stay: 0, moves: Vec::new() })
        .collect();
    let (mut ups, mut downs): (Vec<Vec<Movement>>, Vec<Vec<Movement>>) =
        (vec![Vec::new(); labels.len()], vec![Vec::new(); labels.len()]);
    let (mut margin_now, mut margin_draft) = (0_i128, 0_i128);
    for partner in partners {
        for (at, metrics) in partner.metrics.iter().enumerate().take(labels.len()) {
            let before = match (at, partner.current.and_then(|id| published.index_of(id))) {
                (0, Some(current)) => current,
                _ => qualified_index(published, metrics),
            };
            let after = qualified_index(draft, metrics);
            if at == 0 {
                margin_now += margin(published, before, metrics.revenue_minor);
                margin_draft += margin(draft, after, metrics.revenue_minor);
            }
            let movement = || Movement {
                partner: partner.name.clone(),
                from: published.tiers[before].name.clone(),
                to: draft.tiers[after].name.clone(),
            };
            let point = &mut points[at];
            // The same tier in both stays put, even where tiers were added or removed below it.
            let same_tier = published.tiers[before].id != 0 && published.tiers[before].id == draft.tiers[after].id;
            match if same_tier { std::cmp::Ordering::Equal } else { after.cmp(&before) } {
                std::cmp::Ordering::Greater => {
                    point.up += 1;
                    ups[at].push(movement());
                }
                std::cmp::Ordering::Less => {
                    point.down += 1;
                    downs[at].push(movement());
                }
                std::cmp::Ordering::Equal => point.stay += 1,
            }
        }
    }
    for ((point, up), down) in points.iter_mut().zip(ups).zip(downs) {
        point.moves = up.into_iter().take(LISTED).chain(down.into_iter().take(LISTED)).collect();
    }
    Simulation { points, margin_now_minor: margin_now as i64, margin_draft_minor: margin_draft as i64, currency }
}
