//! Performance measurement: the KPI engine and its metric dictionary, the managers' dashboard,
//! partner scorecards with a health score, and leaderboards, all kept live by the event bus.

#[cfg(feature = "ssr")]
pub mod cache;
pub mod charts;
#[cfg(feature = "ssr")]
pub mod compute;
pub mod formulas;
pub mod health;
pub mod leaderboard;
mod pages;
pub mod period;
pub mod scorecard;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

pub use pages::{DashboardPage, LeaderboardPage, MetricsPage, PerformanceSettings, ScorecardPage, ScorecardView};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use self::formulas::{Kpi, Measure};
use self::period::Period;

#[cfg(feature = "ssr")]
pub use scorecard::health_of;

/// What makes a new partner count as activated: a first deal won, or a first deal registered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActivationEvent {
    Won,
    Registered,
}

impl ActivationEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            ActivationEvent::Won => "won",
            ActivationEvent::Registered => "registered",
        }
    }

    pub fn parse(raw: &str) -> Option<ActivationEvent> {
        [ActivationEvent::Won, ActivationEvent::Registered].into_iter().find(|e| e.as_str() == raw)
    }
}

/// What a leaderboard ranks by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LeaderboardMetric {
    Revenue,
    WonDeals,
}

impl LeaderboardMetric {
    pub const ALL: [LeaderboardMetric; 2] = [LeaderboardMetric::Revenue, LeaderboardMetric::WonDeals];

    pub fn as_str(self) -> &'static str {
        match self {
            LeaderboardMetric::Revenue => "revenue",
            LeaderboardMetric::WonDeals => "deals",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LeaderboardMetric::Revenue => "Won revenue",
            LeaderboardMetric::WonDeals => "Won deals",
        }
    }

    pub fn parse(raw: &str) -> Option<LeaderboardMetric> {
        LeaderboardMetric::ALL.into_iter().find(|m| m.as_str() == raw)
    }
}

/// The program settings performance measurement reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramSettings {
    pub reporting_currency: String,
    /// Whether partners see other partners' names on leaderboards.
    pub leaderboard_names: bool,
    pub activation_days: i64,
    pub activation_event: ActivationEvent,
    /// The vendor's gross margin on partner revenue, in basis points: what Program ROI weighs
    /// revenue by.
    pub gross_margin_bp: i64,
}

/// A KPI tile: this period's value, the previous period's, and where its number comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tile {
    pub kpi: Kpi,
    pub value: Measure,
    pub previous: Measure,
    /// The list of deals or partners behind the number.
    pub href: Option<String>,
}

/// One bar of a chart: its label, value, how the value reads, and the list behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub text: String,
    pub href: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    /// Vertical columns (a trend over time) or horizontal bars (categories).
    pub columns: bool,
    pub bars: Vec<Bar>,
}

/// The managers' dashboard for one period, compared with the one before.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub period: Period,
    pub previous: Period,
    pub scope: String,
    pub currency: String,
    pub tiles: Vec<Tile>,
    pub charts: Vec<Chart>,
    pub approvals_waiting: i64,
    /// Partners in the viewer's reach at risk: health in the red band, or falling.
    pub at_risk: i64,
    pub as_of: DateTime<Utc>,
}

/// One line of a leaderboard. Anonymised lines carry no name and no id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    pub rank: usize,
    pub name: String,
    pub partner_id: Option<i64>,
    pub tier: Option<String>,
    pub region: Option<String>,
    pub value: i64,
    pub value_text: String,
    /// The partner's share of its group's total, in tenths of a per cent; `None` when the group has nothing.
    pub share_permille: Option<i64>,
    pub own: bool,
}

/// A rep's line on their partner's own board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepStanding {
    pub rank: usize,
    pub name: String,
    pub revenue_text: String,
    pub won_deals: i64,
    pub own: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leaderboard {
    pub period: Period,
    pub metric: LeaderboardMetric,
    /// "all", "tier" or "region", and what the group is ("Gold", "EMEA", "All partners").
    pub within: String,
    pub group: String,
    /// The groups a viewer may pick (vendor staff: every tier and region; partners: their own).
    pub tiers: Vec<String>,
    pub regions: Vec<String>,
    pub names_shown: bool,
    pub rows: Vec<Standing>,
    /// The viewer's own partner when it is not among `rows`.
    pub own: Option<Standing>,
    pub ranked: usize,
    pub reps: Vec<RepStanding>,
    pub as_of: DateTime<Utc>,
}

/// One component of a partner's health score: its weight, its score out of 100 (`None` while it
/// cannot be measured) and what it was computed from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthPart {
    pub name: String,
    pub weight: u32,
    pub score: Option<u8>,
    pub basis: String,
}

/// Where a partner stands by twelve-month revenue: rank and out of how many.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placing {
    pub group: String,
    pub rank: usize,
    pub of: usize,
}

/// One partner's scorecard over the last twelve months, compared with the twelve before, and its
/// health score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub partner_id: i64,
    pub partner_name: String,
    pub tier: String,
    pub region: String,
    pub period: Period,
    pub previous: Period,
    pub currency: String,
    pub health: Option<health::Health>,
    pub parts: Vec<HealthPart>,
    pub tiles: Vec<Tile>,
    pub placings: Vec<Placing>,
    pub charts: Vec<Chart>,
    pub as_of: DateTime<Utc>,
}

/// How a measure reads on a tile: money in the reporting currency, a count, a share, days or hours.
pub fn measure_text(kpi: Kpi, measure: &Measure, currency: &str) -> String {
    match measure {
        Measure::Money(minor) => crate::deals::amount_text(*minor, currency),
        Measure::Count(count) => count.to_string(),
        Measure::Share(Some(ratio)) => ratio.percent_text(),
        Measure::Median(Some(value)) if kpi == Kpi::MedianApprovalTime => format!("{value:.1} h"),
        Measure::Median(Some(value)) => format!("{value:.0} days"),
        Measure::Factor(Some(value)) => format!("{value:.2}×"),
        Measure::Share(None) | Measure::Median(None) | Measure::Factor(None) | Measure::Unavailable => "n/a".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::formulas::Ratio;

    #[test]
    fn measures_read_as_money_shares_and_not_applicable() {
        assert_eq!(measure_text(Kpi::WinRate, &Measure::Share(Ratio::new(1, 3)), "USD"), "33.3%");
        assert_eq!(measure_text(Kpi::WinRate, &Measure::Share(None), "USD"), "n/a");
        assert_eq!(measure_text(Kpi::MedianApprovalTime, &Measure::Median(Some(3.5)), "USD"), "3.5 h");
        assert_eq!(measure_text(Kpi::TimeToFirstDeal, &Measure::Median(Some(40.0)), "USD"), "40 days");
        assert_eq!(measure_text(Kpi::TrainingCompletion, &Measure::Unavailable, "USD"), "n/a");
        assert!(measure_text(Kpi::TotalRevenue, &Measure::Money(1_234_500), "USD").contains("12,345"));
    }
}
