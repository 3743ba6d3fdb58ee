//! Program design: the tiers an admin configures ([`program`]), the engine that places every
//! partner in one and explains why ([`engine`]), the channel managers' approvals, and where a
//! partner stands. Configuration is versioned: every published version is kept.

#[cfg(feature = "ssr")]
pub mod agenda;
pub mod audience;
mod configure;
pub mod economics;
pub mod engine;
pub mod form;
mod pages;
pub mod program;
pub mod server;
pub mod simulate;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(test)]
mod tests;

pub use self::configure::ProgramPage;
pub use self::pages::{OwnTierPage, PartnerTierPage, ProgramEconomicsPage, TierApprovalsPage};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use self::engine::{Direction, Progress};
use self::form::ProgramForm;
use self::program::{Benefits, Measure, Program};
use crate::money::Currency;

/// The configuration page: the program in force, its form (the draft's, when there is one),
/// the draft's simulation, and every version published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramView {
    pub currency: Currency,
    pub program: Program,
    /// The published courses a tier may unlock, (id, title).
    pub courses: Vec<(i64, String)>,
    pub form: ProgramForm,
    pub draft: Option<DraftView>,
    pub versions: Vec<VersionSummary>,
    /// How many partners each tier (by id) holds now.
    pub partners_in: Vec<(i64, i64)>,
}

/// A draft configuration: who saved it, when, and what it would do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftView {
    pub saved_by: Option<String>,
    pub saved_at: DateTime<Utc>,
    pub simulation: self::simulate::Simulation,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionSummary {
    pub version: i64,
    /// `None` for the starter configuration Tessera installs.
    pub published_by: Option<String>,
    pub published_at: DateTime<Utc>,
    pub tiers: String,
}

/// What changed a partner's tier, or declined to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HistoryKind {
    /// A partner without a tier was placed in one.
    Placed,
    Promoted,
    Demoted,
    /// Its channel manager declined a proposed change.
    Declined,
}

impl HistoryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryKind::Placed => "placed",
            HistoryKind::Promoted => "promoted",
            HistoryKind::Demoted => "demoted",
            HistoryKind::Declined => "declined",
        }
    }

    pub fn parse(key: &str) -> Option<HistoryKind> {
        [HistoryKind::Placed, HistoryKind::Promoted, HistoryKind::Demoted, HistoryKind::Declined]
            .into_iter()
            .find(|kind| kind.as_str() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            HistoryKind::Placed => "Placed",
            HistoryKind::Promoted => "Promoted",
            HistoryKind::Demoted => "Moved down",
            HistoryKind::Declined => "Change declined",
        }
    }

    pub fn of(direction: Direction, from: Option<i64>) -> HistoryKind {
        match (direction, from) {
            (_, None) => HistoryKind::Placed,
            (Direction::Promotion, Some(_)) => HistoryKind::Promoted,
            (Direction::Demotion, Some(_)) => HistoryKind::Demoted,
        }
    }
}

/// One line of a partner's tier history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub kind: HistoryKind,
    pub from_tier: String,
    pub to_tier: String,
    pub why: String,
    /// Who approved or declined; `None` when the program applied it by itself.
    pub decided_by: Option<String>,
    pub reason: String,
}

/// One requirement's bar on the partner's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressView {
    pub label: String,
    pub value: String,
    /// What its tier asks, to keep it.
    pub keep: Option<String>,
    /// What the next tier asks.
    pub next: Option<String>,
    /// How far to the next tier's threshold (or the current one's, at the top), 0 to 100.
    pub percent: i64,
    /// What is missing for the next tier, in words ("1 certified person").
    pub missing: String,
    /// Below what its tier asks.
    pub short: bool,
}

impl ProgressView {
    pub fn of(progress: &Progress, currency: Currency) -> ProgressView {
        let text = |value: i64| match progress.measure {
            Measure::Revenue => crate::money::Money { minor: value, currency }.display(),
            _ => value.to_string(),
        };
        let target = progress.next.or(progress.keep).unwrap_or(0);
        let percent = match target {
            0 => 100,
            target => (progress.value.max(0) as i128 * 100 / target as i128).min(100) as i64,
        };
        ProgressView {
            label: progress.measure.label().to_owned(),
            value: text(progress.value),
            keep: progress.keep.map(text),
            next: progress.next.map(text),
            percent,
            missing: match progress.to_next() {
                0 => String::new(),
                gap => progress.measure.amount_text(gap, currency),
            },
            short: progress.to_keep() > 0,
        }
    }
}

/// A tier and what it gives, for the partner's page and the comparison of tiers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierBenefits {
    pub id: i64,
    pub name: String,
    pub benefits: Benefits,
    /// Its requirements in words.
    pub asks: Vec<String>,
    /// The titles of the courses it unlocks.
    pub courses: Vec<String>,
}

impl TierBenefits {
    /// Every tier's benefits, naming the courses each unlocks from `courses` (id, title).
    pub fn all(program: &Program, currency: Currency, courses: &[(i64, String)]) -> Vec<TierBenefits> {
        program
            .tiers
            .iter()
            .map(|tier| TierBenefits {
                id: tier.id,
                name: tier.name.clone(),
                benefits: tier.benefits.clone(),
                courses: courses
                    .iter()
                    .filter(|(id, _)| tier.benefits.courses.contains(id))
                    .map(|(_, title)| title.clone())
                    .collect(),
                asks: Measure::ALL
                    .into_iter()
                    .filter_map(|measure| tier.threshold(measure).map(|value| measure.amount_text(value, currency)))
                    .collect(),
            })
            .collect()
    }
}

/// Where one partner stands: its tier, its figures against the tiers, warnings, and history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandingView {
    pub organisation_id: i64,
    pub organisation_name: String,
    pub tier: Option<String>,
    pub tier_id: Option<i64>,
    pub next: Option<String>,
    pub progress: Vec<ProgressView>,
    /// "42,000.00 USD of won revenue and 1 certified person to Gold".
    pub distance: Option<String>,
    /// The engine's sentence.
    pub explanation: String,
    /// Keeps its tier until then unless it catches up.
    pub grace_until: Option<DateTime<Utc>>,
    /// What to do to keep the tier, in the grace period.
    pub to_keep: String,
    /// Certifications ending within 30 days would drop it to this tier.
    pub expiry_alert: Option<String>,
    /// A change waiting for its channel manager.
    pub pending: Option<String>,
    pub tiers: Vec<TierBenefits>,
    pub history: Vec<HistoryEntry>,
    pub evaluated_at: DateTime<Utc>,
    /// The viewer may have it evaluated now (its channel manager or an admin).
    pub can_evaluate: bool,
}

/// A proposed change in the channel manager's queue, with the evaluation behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalView {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub from_tier: String,
    pub to_tier: String,
    pub direction: Direction,
    pub explanation: String,
    pub proposed_at: DateTime<Utc>,
    pub progress: Vec<ProgressView>,
}
