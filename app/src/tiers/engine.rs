//! The tier engine: from a partner's metrics, the program and where the partner stands, the tier
//! it qualifies for, how far it is from the next one, the change to make, and the grace state,
//! with a sentence explaining the decision. Pure: the store supplies the inputs and writes what
//! it decides ([`super::store::apply`]).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::program::{Approval, Measure, Program};
use crate::money::{Conversion, Currency};

/// A declined change is not proposed again for this many days.
pub const DECLINE_QUIET_DAYS: i64 = 30;

/// A partner's figures over the rolling 12 months (certified people: at the moment measured).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metrics {
    pub revenue_minor: i64,
    pub certified_people: i64,
    pub won_deals: i64,
    pub registered_deals: i64,
}

impl Metrics {
    pub fn value(&self, measure: Measure) -> i64 {
        match measure {
            Measure::Revenue => self.revenue_minor,
            Measure::CertifiedPeople => self.certified_people,
            Measure::WonDeals => self.won_deals,
            Measure::RegisteredDeals => self.registered_deals,
        }
    }

    /// Won revenue from totals in several currencies, in the reporting currency.
    pub fn revenue_of(totals: &[(i64, String)], conversion: &Conversion) -> i64 {
        totals.iter().map(|(minor, currency)| conversion.convert(*minor, currency)).sum()
    }
}

/// Where a partner stands before this evaluation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// Its tier; `None` for a partner never placed (or placed in a tier the program no longer has).
    pub tier_id: Option<i64>,
    /// Since when it has been below its tier's requirements.
    pub grace_since: Option<DateTime<Utc>>,
    /// The last change its channel manager declined: to which tier, and when.
    pub declined: Option<(i64, DateTime<Utc>)>,
}

/// One requirement's figures: the partner's value, what its tier asks to keep it, and what the
/// next tier asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub measure: Measure,
    pub value: i64,
    pub keep: Option<i64>,
    pub next: Option<i64>,
}

impl Progress {
    /// What is missing to meet the next tier's threshold.
    pub fn to_next(&self) -> i64 {
        self.next.map_or(0, |next| (next - self.value).max(0))
    }

    /// What is missing to keep the current tier.
    pub fn to_keep(&self) -> i64 {
        self.keep.map_or(0, |keep| (keep - self.value).max(0))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Promotion,
    Demotion,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Promotion => "promotion",
            Direction::Demotion => "demotion",
        }
    }

    pub fn parse(text: &str) -> Option<Direction> {
        [Direction::Promotion, Direction::Demotion].into_iter().find(|direction| direction.as_str() == text)
    }
}

/// A change of tier the engine calls for: applied at once, or sent for approval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub from: Option<i64>,
    pub to: i64,
    pub direction: Direction,
    pub needs_approval: bool,
}

/// The grace period of a partner below its tier's requirements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Grace {
    /// Meets its tier (or has none to keep).
    None,
    /// Fell below its tier just now: it keeps the tier until `until`.
    Starts { until: DateTime<Utc> },
    /// Still below its tier: it keeps the tier until `until`.
    Runs { since: DateTime<Utc>, until: DateTime<Utc> },
    /// Meets its tier again: the grace period ends without a change.
    Ends,
    /// The grace period is over: the demotion is due.
    Over,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The highest tier whose every requirement the partner meets.
    pub qualified: i64,
    pub current: Option<i64>,
    /// The tier above the current one.
    pub next: Option<i64>,
    /// Per requirement of the current or next tier, in the order of [`Measure::ALL`].
    pub progress: Vec<Progress>,
    pub proposal: Option<Proposal>,
    pub grace: Grace,
    /// A change declined recently held back (to which tier).
    pub held_back: Option<i64>,
}

fn meets(program: &Program, index: usize, metrics: &Metrics) -> bool {
    program.tiers[index]
        .requirements
        .iter()
        .all(|requirement| metrics.value(requirement.measure) >= requirement.threshold)
}

/// The index of the highest tier `metrics` meet (the entry tier asks for nothing).
pub fn qualified_index(program: &Program, metrics: &Metrics) -> usize {
    (0..program.tiers.len()).rev().find(|&index| meets(program, index, metrics)).unwrap_or(0)
}

/// Evaluates one partner at `now`. The program has at least one tier (its check says so).
pub fn evaluate(program: &Program, metrics: &Metrics, standing: &Standing, now: DateTime<Utc>) -> Evaluation {
    let qualified_at = qualified_index(program, metrics);
    let qualified = program.tiers[qualified_at].id;
    let current_at = standing.tier_id.and_then(|id| program.index_of(id));
    let needs_approval = program.policy.approval == Approval::ChannelManager;
    let declined_recently = |to: i64| {
        standing
            .declined
            .is_some_and(|(declined_to, at)| declined_to == to && now - at < Duration::days(DECLINE_QUIET_DAYS))
    };
    let (mut proposal, grace) = match current_at {
        // A partner never placed, or whose tier the program no longer has, is placed where it
        // qualifies, without approval: there is no tier of this program to move it from.
        None => (
            Some(Proposal { from: None, to: qualified, direction: Direction::Promotion, needs_approval: false }),
            Grace::None,
        ),
        Some(current_at) if qualified_at > current_at => (
            Some(Proposal { from: standing.tier_id, to: qualified, direction: Direction::Promotion, needs_approval }),
            if standing.grace_since.is_some() { Grace::Ends } else { Grace::None },
        ),
        Some(current_at) if qualified_at == current_at => {
            (None, if standing.grace_since.is_some() { Grace::Ends } else { Grace::None })
        }
        Some(_) => {
            let demotion =
                Proposal { from: standing.tier_id, to: qualified, direction: Direction::Demotion, needs_approval };
            let period = Duration::days(program.policy.grace_days);
            match standing.grace_since {
                _ if program.policy.grace_days == 0 => (Some(demotion), Grace::Over),
                None => (None, Grace::Starts { until: now + period }),
                Some(since) if now < since + period => (None, Grace::Runs { since, until: since + period }),
                Some(_) => (Some(demotion), Grace::Over),
            }
        }
    };
    let mut held_back = None;
    if let Some(change) = proposal
        && change.needs_approval
        && declined_recently(change.to)
    {
        held_back = Some(change.to);
        proposal = None;
    }
    let current = current_at.map(|at| program.tiers[at].id);
    let next_at = current_at.map_or(Some(qualified_at + 1), |at| Some(at + 1)).filter(|&at| at < program.tiers.len());
    let progress = Measure::ALL
        .into_iter()
        .filter_map(|measure| {
            let keep = current_at.and_then(|at| program.tiers[at].threshold(measure));
            let next = next_at.and_then(|at| program.tiers[at].threshold(measure));
            (keep.is_some() || next.is_some()).then(|| Progress { measure, value: metrics.value(measure), keep, next })
        })
        .collect();
    Evaluation {
        qualified,
        current,
        next: next_at.map(|at| program.tiers[at].id),
        progress,
        proposal,
        grace,
        held_back,
    }
}

/// The tier a partner would hold if its certifications ending within 30 days ended now, when
/// that is below its current tier and today's figures keep it: the alert to raise before it happens.
pub fn expiry_drop(
    program: &Program,
    metrics: &Metrics,
    certified_in_30_days: i64,
    current: Option<i64>,
) -> Option<i64> {
    let current_at = current.and_then(|id| program.index_of(id))?;
    let later = Metrics { certified_people: certified_in_30_days.min(metrics.certified_people), ..*metrics };
    let (now_at, later_at) = (qualified_index(program, metrics), qualified_index(program, &later));
    (now_at >= current_at && later_at < current_at).then(|| program.tiers[later_at].id)
}

/// "42,000.00 USD of won revenue and 1 certified person": what `progress` lacks, by `gap`.
pub fn shortfall_text(progress: &[Progress], gap: fn(&Progress) -> i64, currency: Currency) -> String {
    let parts: Vec<String> =
        progress.iter().filter(|p| gap(p) > 0).map(|p| p.measure.amount_text(gap(p), currency)).collect();
    match parts.as_slice() {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl Evaluation {
    /// The decision in a sentence, as the history and the partner's page give it.
    pub fn explain(&self, program: &Program, currency: Currency) -> String {
        let name = |id: i64| program.name_of(id).to_owned();
        let day = |at: DateTime<Utc>| at.format("%-d %B %Y").to_string();
        let keep_gap = shortfall_text(&self.progress, Progress::to_keep, currency);
        let next_gap = shortfall_text(&self.progress, Progress::to_next, currency);
        if let Some(proposal) = &self.proposal {
            return match (proposal.direction, proposal.from) {
                (_, None) => format!("Placed in {}, the highest tier whose requirements it meets.", name(proposal.to)),
                (Direction::Promotion, Some(from)) => {
                    format!("Meets every requirement of {}: moves up from {}.", name(proposal.to), name(from))
                }
                (Direction::Demotion, Some(from)) => format!(
                    "Has not met {}'s requirements for the {}-day grace period (short by {keep_gap}): moves down to {}.",
                    name(from),
                    program.policy.grace_days,
                    name(proposal.to)
                ),
            };
        }
        let current = self.current.map(name).unwrap_or_default();
        match self.grace {
            Grace::Starts { until } | Grace::Runs { until, .. } => {
                return format!(
                    "Below {current}'s requirements (short by {keep_gap}): keeps {current} until {} if it does not catch up.",
                    day(until)
                );
            }
            _ => {}
        }
        if let Some(to) = self.held_back {
            return format!(
                "Qualifies for {}, but its channel manager declined that change in the last {DECLINE_QUIET_DAYS} days: stays in {current}.",
                name(to)
            );
        }
        match self.next {
            Some(next) if !next_gap.is_empty() => {
                format!("Meets {current}'s requirements; {next_gap} to {}.", name(next))
            }
            Some(next) => format!("Meets {current}'s requirements and {}'s.", name(next)),
            None => format!("Meets {current}'s requirements, the program's highest tier."),
        }
    }

    /// "42,000.00 USD of won revenue and 1 certified person to Gold", or `None` at the top.
    pub fn distance_text(&self, program: &Program, currency: Currency) -> Option<String> {
        let next = self.next?;
        let gap = shortfall_text(&self.progress, Progress::to_next, currency);
        Some(match gap.is_empty() {
            true => format!("Every requirement of {} met", program.name_of(next)),
            false => format!("{gap} to {}", program.name_of(next)),
        })
    }
}
