//! The partner health score: 0–100, weighted revenue 40, competency 25, engagement 20, customer
//! success 15; bands green ≥ 80, yellow 50–79, red < 50. A component that cannot be measured (no
//! revenue benchmark yet, no people to count) is left out and the others are re-weighted, so a
//! partner is never marked down for data nobody has.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Band {
    Green,
    Yellow,
    Red,
}

impl Band {
    pub fn of(score: u8) -> Band {
        match score {
            80.. => Band::Green,
            50..=79 => Band::Yellow,
            _ => Band::Red,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Band::Green => "Healthy",
            Band::Yellow => "Watch",
            Band::Red => "At risk",
        }
    }

    pub const ALL: [Band; 3] = [Band::Red, Band::Yellow, Band::Green];

    /// How a query names it: `at_risk`, `watch`, `healthy`.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Green => "healthy",
            Band::Yellow => "watch",
            Band::Red => "at_risk",
        }
    }

    pub fn parse(raw: &str) -> Option<Band> {
        Band::ALL.into_iter().find(|band| band.as_str() == raw)
    }

    /// The badge tone the design system uses for it.
    pub fn tone(self) -> &'static str {
        match self {
            Band::Green => "success",
            Band::Yellow => "warning",
            Band::Red => "danger",
        }
    }
}

/// Each component as a fraction 0–1, `None` when it cannot be measured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HealthComponents {
    pub revenue: Option<f64>,
    pub competency: Option<f64>,
    pub engagement: Option<f64>,
    pub customer_success: Option<f64>,
}

pub const WEIGHTS: [(&str, u32); 4] =
    [("Revenue", 40), ("Competency", 25), ("Engagement", 20), ("Customer success", 15)];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub score: u8,
    pub band: Band,
    /// The score [`TREND_DAYS`] ago, where it could be measured then.
    pub earlier: Option<u8>,
}

/// How far back a health trend looks.
pub const TREND_DAYS: i64 = 30;
/// The points lost over [`TREND_DAYS`] that make a partner's health falling.
pub const FALLING_POINTS: u8 = 10;

impl Health {
    pub fn of(score: u8) -> Health {
        Health { score, band: Band::of(score), earlier: None }
    }

    /// The points lost since [`TREND_DAYS`] ago: 0 if it held, rose or was not measured then.
    pub fn drop(&self) -> u8 {
        self.earlier.map_or(0, |earlier| earlier.saturating_sub(self.score))
    }

    pub fn falling(&self) -> bool {
        self.drop() >= FALLING_POINTS
    }

    /// In the red band, or falling: what homes, the dashboard and the directory call at risk.
    pub fn at_risk(&self) -> bool {
        self.band == Band::Red || self.falling()
    }

    /// Whether a list narrowed to `band` holds it: the at-risk choice holds every partner at risk,
    /// so a falling partner of a higher band is listed under its band and under at risk.
    pub fn listed_under(&self, band: Band) -> bool {
        match band {
            Band::Red => self.at_risk(),
            other => self.band == other,
        }
    }

    /// The trend in words, where there is one: "down 14 points in 30 days".
    pub fn trend_text(&self) -> Option<String> {
        let earlier = self.earlier?;
        let points = |n: u8| if n == 1 { "1 point".to_string() } else { format!("{n} points") };
        match self.score.cmp(&earlier) {
            std::cmp::Ordering::Less => Some(format!("down {} in {TREND_DAYS} days", points(earlier - self.score))),
            std::cmp::Ordering::Greater => Some(format!("up {} in {TREND_DAYS} days", points(self.score - earlier))),
            std::cmp::Ordering::Equal => Some(format!("unchanged in {TREND_DAYS} days")),
        }
    }
}

impl HealthComponents {
    pub fn each(&self) -> [Option<f64>; 4] {
        [self.revenue, self.competency, self.engagement, self.customer_success]
    }
}

/// The weighted score over the components that can be measured; `None` if none can.
pub fn health_score(components: &HealthComponents) -> Option<Health> {
    let mut weighted = 0.0;
    let mut weights = 0u32;
    for (value, (_, weight)) in components.each().into_iter().zip(WEIGHTS) {
        if let Some(value) = value.filter(|v| v.is_finite()) {
            weighted += value.clamp(0.0, 1.0) * weight as f64;
            weights += weight;
        }
    }
    if weights == 0 {
        return None;
    }
    let score = (weighted / weights as f64 * 100.0).round().clamp(0.0, 100.0) as u8;
    Some(Health::of(score))
}

/// Revenue: the partner's won revenue over the last 12 months against a benchmark (the program's
/// 75th percentile of active partners), capped at full marks. No benchmark, no score.
pub fn revenue_component(revenue_minor: i64, benchmark_minor: i64) -> Option<f64> {
    (benchmark_minor > 0).then(|| (revenue_minor.max(0) as f64 / benchmark_minor as f64).min(1.0))
}

/// The days with a sign-in, of the last [`ENGAGEMENT_DAYS`], that earn full marks (one in six).
pub const SIGN_IN_DAYS_FOR_FULL: i64 = 15;

/// Engagement: half for registering deals in the last 90 days (three or more is full marks), half
/// for the days in those 90 on which someone signed in (15 or more is full marks). Counted over
/// the whole period, one sign-in moves the score by less than a point, never by seven.
pub fn engagement_component(deals_registered_90_days: i64, sign_in_days_90: i64) -> f64 {
    let registering = (deals_registered_90_days.max(0) as f64 / 3.0).min(1.0);
    let signing_in = (sign_in_days_90.max(0) as f64 / SIGN_IN_DAYS_FOR_FULL as f64).min(1.0);
    0.5 * registering + 0.5 * signing_in
}

/// Competency: the share of the partner's people holding a valid certification; none to count,
/// no score.
pub fn competency_component(certified: i64, people: i64) -> Option<f64> {
    (people > 0).then(|| certified.clamp(0, people) as f64 / people as f64)
}

/// Customer success: the win rate of the last 12 months' closed deals, until surveys exist.
pub fn customer_success_component(won: i64, lost: i64) -> Option<f64> {
    (won + lost > 0).then(|| won as f64 / (won + lost) as f64)
}

/// What the health score reads of one partner's trailing twelve months.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerYear {
    /// Won revenue, in the reporting currency's minor units.
    pub won_revenue: i64,
    pub won_deals: i64,
    pub lost_deals: i64,
    /// Deals submitted in the last 90 days.
    pub registered_recently: i64,
    /// Won a deal in the active window (the last 180 days).
    pub active: bool,
    /// (certified, counted) of its people on the day.
    pub people: (i64, i64),
}

/// The percentile of active partners' twelve-month revenue a partner is measured against.
pub const BENCHMARK_PERCENTILE: u32 = 75;
/// The days "registered recently" and the engagement component look back over.
pub const ENGAGEMENT_DAYS: i64 = 90;

/// The days with a sign-in among the [`ENGAGEMENT_DAYS`] ending on `last_day`, of the days someone signed in.
pub fn sign_in_days_until(days: &std::collections::BTreeSet<chrono::NaiveDate>, last_day: chrono::NaiveDate) -> i64 {
    let first = last_day - chrono::Duration::days(ENGAGEMENT_DAYS - 1);
    days.range(first..=last_day).count() as i64
}

/// Every partner's health on the first of `days`, with its score on the second (the trend's):
/// `years` are the partners' twelve months up to each day, by position in `ids`; `sign_ins` the
/// days on which someone of each organisation signed in. A partner nothing can be measured of
/// has no entry.
pub fn health_board(
    ids: impl Iterator<Item = i64>,
    years: &[Vec<PartnerYear>; 2],
    sign_ins: &std::collections::HashMap<i64, std::collections::BTreeSet<chrono::NaiveDate>>,
    days: (chrono::NaiveDate, chrono::NaiveDate),
) -> std::collections::HashMap<i64, Health> {
    let benchmarks = [revenue_benchmark(&years[0]), revenue_benchmark(&years[1])];
    let none = std::collections::BTreeSet::new();
    ids.enumerate()
        .filter_map(|(position, id)| {
            let signed_in = sign_ins.get(&id).unwrap_or(&none);
            let score_on = |which: usize, day| {
                let days_signed_in = sign_in_days_until(signed_in, day);
                health_score(&years[which][position].components(benchmarks[which], days_signed_in))
            };
            let health = score_on(0, days.0)?;
            Some((id, Health { earlier: score_on(1, days.1).map(|earlier| earlier.score), ..health }))
        })
        .collect()
}

/// The revenue benchmark: the 75th percentile of active partners' twelve-month revenue; `None`
/// when no partner is active.
pub fn revenue_benchmark(years: &[PartnerYear]) -> Option<i64> {
    let mut revenue: Vec<i64> = years.iter().filter(|year| year.active).map(|year| year.won_revenue).collect();
    percentile(&mut revenue, BENCHMARK_PERCENTILE)
}

impl PartnerYear {
    /// The partner's components.
    pub fn components(&self, benchmark: Option<i64>, sign_in_days: i64) -> HealthComponents {
        HealthComponents {
            revenue: benchmark.and_then(|benchmark| revenue_component(self.won_revenue, benchmark)),
            competency: competency_component(self.people.0, self.people.1),
            engagement: Some(engagement_component(self.registered_recently, sign_in_days)),
            customer_success: customer_success_component(self.won_deals, self.lost_deals),
        }
    }
}

/// The value at the given percentile (0–100) of `values`, nearest rank; `None` when empty.
pub fn percentile(values: &mut [i64], percent: u32) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = (percent.min(100) as f64 / 100.0 * values.len() as f64).ceil() as usize;
    Some(values[rank.clamp(1, values.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drop_of_ten_points_in_thirty_days_is_falling_and_at_risk() {
        let falling = Health { earlier: Some(72), ..Health::of(62) };
        assert_eq!((falling.drop(), falling.falling(), falling.at_risk()), (10, true, true));
        assert_eq!(falling.trend_text().as_deref(), Some("down 10 points in 30 days"));
        assert!(falling.listed_under(Band::Red) && falling.listed_under(Band::Yellow));
        assert!(!falling.listed_under(Band::Green));
        let slipping = Health { earlier: Some(71), ..Health::of(62) };
        assert_eq!((slipping.falling(), slipping.at_risk()), (false, false));
        assert!(!slipping.listed_under(Band::Red));
        let rising = Health { earlier: Some(30), ..Health::of(45) };
        assert_eq!((rising.falling(), rising.at_risk()), (false, true), "red is at risk whatever the trend");
        assert_eq!(rising.trend_text().as_deref(), Some("up 15 points in 30 days"));
        let new = Health::of(40);
        assert_eq!((new.drop(), new.trend_text()), (0, None));
        assert_eq!(
            Health { earlier: Some(41), ..Health::of(40) }.trend_text().as_deref(),
            Some("down 1 point in 30 days")
        );
    }

    #[test]
    fn a_board_scores_each_partner_today_and_thirty_days_ago() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let month_ago = today - chrono::Duration::days(TREND_DAYS);
        // Partner 1 signed in on 15 days three months ago, none since; partner 2 never.
        let days = (95..110).map(|ago| today - chrono::Duration::days(ago)).collect();
        let sign_ins = std::collections::HashMap::from([(1, days)]);
        let years = [vec![PartnerYear::default(); 2], vec![PartnerYear::default(); 2]];
        let board = health_board([1, 2].into_iter(), &years, &sign_ins, (today, month_ago));
        // Engagement is all that can be measured: half of it for 15 sign-in days then, none now.
        assert_eq!(board[&1], Health { earlier: Some(50), ..Health::of(0) });
        assert!(board[&1].falling());
        assert_eq!(board[&2], Health { earlier: Some(0), ..Health::of(0) });
    }

    #[test]
    fn sign_in_days_are_counted_over_the_ninety_days_ending_on_a_day() {
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(d as i64);
        let days: std::collections::BTreeSet<_> = [0, 1, 89, 90, 119, 120, 150].into_iter().map(day).collect();
        // Day 119 looks back to day 30: 89, 90 and 119.
        assert_eq!(sign_in_days_until(&days, day(119)), 3);
        // Day 89 looks back to day 0: 0, 1 and 89.
        assert_eq!(sign_in_days_until(&days, day(89)), 3);
        // Day 150 looks back to day 61: 89, 90, 119, 120 and 150.
        assert_eq!(sign_in_days_until(&days, day(150)), 5);
        assert_eq!(sign_in_days_until(&Default::default(), day(150)), 0);
    }

    #[test]
    fn all_components_are_weighted_40_25_20_15() {
        let full = HealthComponents {
            revenue: Some(1.0),
            competency: Some(1.0),
            engagement: Some(1.0),
            customer_success: Some(1.0),
        };
        assert_eq!(health_score(&full), Some(Health::of(100)));
        // 0.5×40 + 1×25 + 0.25×20 + 0×15 = 20 + 25 + 5 + 0 = 50
        let mixed = HealthComponents {
            revenue: Some(0.5),
            competency: Some(1.0),
            engagement: Some(0.25),
            customer_success: Some(0.0),
        };
        assert_eq!(health_score(&mixed), Some(Health::of(50)));
    }

    #[test]
    fn a_missing_component_is_left_out_not_counted_as_zero() {
        // Without competency: (0.9×40 + 0.8×20 + 0.6×15) / 75 = (36 + 16 + 9) / 75 = 81.33 → 81.
        let components = HealthComponents {
            revenue: Some(0.9),
            competency: None,
            engagement: Some(0.8),
            customer_success: Some(0.6),
        };
        assert_eq!(health_score(&components), Some(Health::of(81)));
    }

    #[test]
    fn nothing_measurable_is_no_score() {
        assert_eq!(health_score(&HealthComponents::default()), None);
        let nan = HealthComponents { revenue: Some(f64::NAN), ..HealthComponents::default() };
        assert_eq!(health_score(&nan), None);
    }

    #[test]
    fn bands_at_their_edges() {
        assert_eq!(Band::of(80), Band::Green);
        assert_eq!(Band::of(79), Band::Yellow);
        assert_eq!(Band::of(50), Band::Yellow);
        assert_eq!(Band::of(49), Band::Red);
        assert_eq!(Band::of(0), Band::Red);
    }

    #[test]
    fn components_from_the_partners_figures() {
        assert_eq!(revenue_component(50_000, 100_000), Some(0.5));
        assert_eq!(revenue_component(300_000, 100_000), Some(1.0));
        assert_eq!(revenue_component(10, 0), None);
        assert_eq!(engagement_component(3, 15), 1.0);
        assert_eq!(engagement_component(0, 5), 0.5 / 3.0);
        assert_eq!(engagement_component(1, 0), 0.5 / 3.0);
        assert_eq!(engagement_component(3, 40), 1.0, "capped");
        assert_eq!(customer_success_component(3, 1), Some(0.75));
        assert_eq!(customer_success_component(0, 0), None);
    }

    #[test]
    fn a_partner_with_no_activity_is_at_risk() {
        let quiet = HealthComponents {
            revenue: revenue_component(0, 100_000),
            competency: None,
            engagement: Some(engagement_component(0, 0)),
            customer_success: customer_success_component(0, 0),
        };
        assert_eq!(health_score(&quiet), Some(Health::of(0)));
    }

    #[test]
    fn the_benchmark_is_the_75th_percentile_of_active_partners_only() {
        let year = |won_revenue, active| PartnerYear { won_revenue, active, ..PartnerYear::default() };
        // Active: 100, 200, 300, 400 → nearest rank ⌈0.75 × 4⌉ = 3rd → 300. The inactive 9,000 is left out.
        let years = [year(400, true), year(100, true), year(9_000, false), year(300, true), year(200, true)];
        assert_eq!(revenue_benchmark(&years), Some(300));
        assert_eq!(revenue_benchmark(&[year(0, false)]), None);
        assert_eq!(revenue_benchmark(&[]), None);
    }

    #[test]
    fn one_sign_in_moves_the_score_by_less_than_a_point() {
        // A partner with revenue and wins, quiet for weeks: someone signs in once.
        let year = PartnerYear {
            won_revenue: 200,
            won_deals: 2,
            lost_deals: 2,
            registered_recently: 1,
            active: true,
            ..PartnerYear::default()
        };
        let score = |days| health_score(&year.components(Some(300), days)).map(|health| health.score as i64);
        for days in 0..SIGN_IN_DAYS_FOR_FULL {
            let (before, after) = (score(days).unwrap_or(0), score(days + 1).unwrap_or(0));
            assert!((after - before).abs() <= 1, "{days} → {}: {before} → {after}", days + 1);
        }
    }

    #[test]
    fn a_partners_year_scored_by_hand() {
        let year = PartnerYear {
            won_revenue: 150,
            won_deals: 3,
            lost_deals: 1,
            registered_recently: 2,
            active: true,
            ..PartnerYear::default()
        };
        let components = year.components(Some(300), 7);
        assert_eq!(components.revenue, Some(0.5));
        assert_eq!(components.competency, None);
        // Registering 2 of 3 → 2/3, signed in on 7 of 15 days → 7/15; engagement = ½ × 2/3 + ½ × 7/15.
        assert_eq!(components.engagement, Some(0.5 * (2.0 / 3.0) + 0.5 * (7.0 / 15.0)));
        assert_eq!(components.customer_success, Some(0.75));
        // (0.5 × 40 + 17/30 × 20 + 0.75 × 15) / 75 = (20 + 11.333 + 11.25) / 75 = 56.8% → 57, Watch.
        assert_eq!(health_score(&components), Some(Health::of(57)));
        // Without a benchmark the revenue part drops out too: (11.333 + 11.25) / 35 = 64.5% → 65.
        assert_eq!(health_score(&year.components(None, 7)), Some(Health::of(65)));
        // With one of its four people certified, competency counts a quarter of its 25:
        // (20 + 0.25 × 25 + 11.333 + 11.25) / 100 = 48.8% → 49, At risk.
        let trained = PartnerYear { people: (1, 4), ..year };
        assert_eq!(trained.components(Some(300), 7).competency, Some(0.25));
        assert_eq!(health_score(&trained.components(Some(300), 7)), Some(Health::of(49)));
    }

    #[test]
    fn percentile_by_nearest_rank() {
        assert_eq!(percentile(&mut [15, 20, 35, 40, 50], 75), Some(40));
        assert_eq!(percentile(&mut [5], 75), Some(5));
        assert_eq!(percentile(&mut [], 75), None);
    }
}
