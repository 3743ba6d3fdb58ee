//! The program's tiers as an admin configures them: each tier's requirements and benefits, and
//! the policy for changes. What the configuration form sends, and its one validator, are in
//! [`super::form`].

use serde::{Deserialize, Serialize};

use crate::money::{Currency, Money};

pub const DEFAULT_GRACE_DAYS: i64 = 60;

/// What a requirement measures, over the rolling 12 months (certified people: today).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Closed-won revenue in the reporting currency's minor units.
    Revenue,
    /// People (not deactivated) holding a certification that has not expired.
    CertifiedPeople,
    WonDeals,
    /// Deals registered (submitted for approval).
    RegisteredDeals,
}

impl Measure {
    pub const ALL: [Measure; 4] =
        [Measure::Revenue, Measure::CertifiedPeople, Measure::WonDeals, Measure::RegisteredDeals];

    /// The form field's name within a tier's row.
    pub fn key(self) -> &'static str {
        match self {
            Measure::Revenue => "revenue",
            Measure::CertifiedPeople => "certified_people",
            Measure::WonDeals => "won_deals",
            Measure::RegisteredDeals => "registered_deals",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Measure::Revenue => "Won revenue, last 12 months",
            Measure::CertifiedPeople => "Certified people",
            Measure::WonDeals => "Won deals, last 12 months",
            Measure::RegisteredDeals => "Registered deals, last 12 months",
        }
    }

    /// `value` of this measure in words: "42,000.00 USD of won revenue", "1 certified person".
    pub fn amount_text(self, value: i64, currency: Currency) -> String {
        let plural = |one: &str, many: &str| format!("{value} {}", if value == 1 { one } else { many });
        match self {
            Measure::Revenue => format!("{} of won revenue", Money { minor: value, currency }.display()),
            Measure::CertifiedPeople => plural("certified person", "certified people"),
            Measure::WonDeals => plural("won deal", "won deals"),
            Measure::RegisteredDeals => plural("registered deal", "registered deals"),
        }
    }

    /// A threshold as the form shows it: money in major units, counts as they are.
    pub fn input_text(self, value: i64, currency: Currency) -> String {
        match self {
            Measure::Revenue => {
                let scale = 10_i64.pow(currency.minor_digits());
                match value % scale {
                    0 => (value / scale).to_string(),
                    fraction => {
                        format!("{}.{fraction:0width$}", value / scale, width = currency.minor_digits() as usize)
                    }
                }
            }
            _ => value.to_string(),
        }
    }
}

/// One requirement of a tier: at least `threshold` of `measure`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    pub measure: Measure,
    pub threshold: i64,
}

/// The support a tier's partners get.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportLevel {
    Community,
    Standard,
    Priority,
    Dedicated,
}

impl SupportLevel {
    pub const ALL: [SupportLevel; 4] =
        [SupportLevel::Community, SupportLevel::Standard, SupportLevel::Priority, SupportLevel::Dedicated];

    pub fn key(self) -> &'static str {
        match self {
            SupportLevel::Community => "community",
            SupportLevel::Standard => "standard",
            SupportLevel::Priority => "priority",
            SupportLevel::Dedicated => "dedicated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SupportLevel::Community => "Community forum",
            SupportLevel::Standard => "Standard (next business day)",
            SupportLevel::Priority => "Priority (4 hours)",
            SupportLevel::Dedicated => "Dedicated engineer",
        }
    }

    pub fn parse(key: &str) -> Option<SupportLevel> {
        SupportLevel::ALL.into_iter().find(|level| level.key() == key)
    }
}

/// What a tier gives: percentages in basis points (12.5 % is 1,250).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Benefits {
    /// The base margin (discount off list) on every deal.
    pub margin_bp: i64,
    /// Extra discount on a registered (approved) deal.
    pub registration_bp: i64,
    /// Co-op funds accrued on won revenue, which the partner draws on with requests and claims.
    /// (Published before co-op had its name as `mdf_bp`.)
    #[serde(alias = "mdf_bp")]
    pub coop_bp: i64,
    /// The rebate paid on won revenue (the rebate schedule's rate).
    pub rebate_bp: i64,
    /// The rebate schedule's name, as the incentives part of the program calls it.
    pub rebate_schedule: String,
    pub support: SupportLevel,
    /// The courses this tier unlocks (by id): only its partners and those of higher tiers take them.
    #[serde(default)]
    pub courses: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    /// The tier's id; 0 for a tier this configuration adds.
    pub id: i64,
    pub name: String,
    pub requirements: Vec<Requirement>,
    pub benefits: Benefits,
}

impl Tier {
    /// The threshold this tier sets for `measure`, if it asks for it.
    pub fn threshold(&self, measure: Measure) -> Option<i64> {
        self.requirements.iter().find(|requirement| requirement.measure == measure).map(|r| r.threshold)
    }
}

/// Who applies a change the engine proposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    /// Changes apply as soon as they are due.
    Automatic,
    /// The partner's channel manager (or an admin) approves or declines each change.
    ChannelManager,
}

impl Approval {
    pub fn key(self) -> &'static str {
        match self {
            Approval::Automatic => "automatic",
            Approval::ChannelManager => "channel_manager",
        }
    }

    pub fn parse(key: &str) -> Option<Approval> {
        [Approval::Automatic, Approval::ChannelManager].into_iter().find(|approval| approval.key() == key)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub approval: Approval,
    /// Days a partner keeps a tier after it stops meeting its requirements.
    pub grace_days: i64,
}

/// A whole configuration: the tiers from the entry tier up, and the policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Program {
    pub tiers: Vec<Tier>,
    pub policy: Policy,
    /// Whether the tiers' benefits are shown on the public program page.
    pub public: bool,
}

impl Program {
    /// The position of tier `id` in the order, if the program has it.
    pub fn index_of(&self, id: i64) -> Option<usize> {
        self.tiers.iter().position(|tier| tier.id == id)
    }

    pub fn name_of(&self, id: i64) -> &str {
        self.tiers.iter().find(|tier| tier.id == id).map_or("no tier", |tier| tier.name.as_str())
    }
}

impl Program {
    /// The configuration a new installation starts with, for its tiers in order: the entry tier
    /// asks for nothing, and each next one for more revenue, people and deals.
    pub fn starter(tiers: &[(i64, String)]) -> Program {
        let steps: [&[(Measure, i64)]; 4] = [
            &[],
            &[(Measure::Revenue, 5_000_000), (Measure::CertifiedPeople, 1)],
            &[(Measure::Revenue, 15_000_000), (Measure::CertifiedPeople, 2), (Measure::WonDeals, 5)],
            &[(Measure::Revenue, 50_000_000), (Measure::CertifiedPeople, 4), (Measure::WonDeals, 12)],
        ];
        let tiers = tiers
            .iter()
            .enumerate()
            .map(|(at, (id, name))| {
                let step = at.min(steps.len() - 1);
                // Tiers past the fourth ask twice as much again each.
                let factor = 1_i64 << (at - step).min(20);
                let at = at as i64;
                Tier {
                    id: *id,
                    name: name.clone(),
                    requirements: steps[step]
                        .iter()
                        .map(|&(measure, threshold)| Requirement { measure, threshold: threshold * factor })
                        .collect(),
                    benefits: Benefits {
                        margin_bp: 1_000 + 500 * at,
                        registration_bp: if at == 0 { 0 } else { 300 + 100 * at },
                        coop_bp: 100 * at,
                        rebate_bp: 50 * at,
                        rebate_schedule: if at == 0 { String::new() } else { format!("{name} rebate") },
                        support: SupportLevel::ALL[step],
                        courses: Vec::new(),
                    },
                }
            })
            .collect();
        Program {
            tiers,
            policy: Policy { approval: Approval::ChannelManager, grace_days: DEFAULT_GRACE_DAYS },
            public: true,
        }
    }
}
