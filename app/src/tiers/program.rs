//! The program's tiers as an admin configures them: each tier's requirements and benefits, and
//! the policy for changes. [`ProgramForm::check`] is the one validator, run by the browser and
//! the server: a configuration in which a higher tier asks for less than a lower one is refused
//! whole, with the field named.

use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;
use crate::money::{Currency, Money};
use crate::text::required_line;

pub const MAX_TIERS: usize = 8;
pub const MAX_TIER_NAME: usize = 40;
pub const MAX_GRACE_DAYS: i64 = 365;
pub const DEFAULT_GRACE_DAYS: i64 = 60;
/// The most people or deals a requirement may ask for.
const MAX_COUNT: i64 = 1_000_000;

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
    /// Market development funds accrued on won revenue.
    pub mdf_bp: i64,
    /// The rebate paid on won revenue (the rebate schedule's rate).
    pub rebate_bp: i64,
    /// The rebate schedule's name, as the incentives part of the program calls it.
    pub rebate_schedule: String,
    pub support: SupportLevel,
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
                        mdf_bp: 100 * at,
                        rebate_bp: 50 * at,
                        rebate_schedule: if at == 0 { String::new() } else { format!("{name} rebate") },
                        support: SupportLevel::ALL[step],
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

/// One tier's row as the configuration form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierForm {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub revenue: String,
    #[serde(default)]
    pub certified_people: String,
    #[serde(default)]
    pub won_deals: String,
    #[serde(default)]
    pub registered_deals: String,
    #[serde(default)]
    pub margin: String,
    #[serde(default)]
    pub registration: String,
    #[serde(default)]
    pub mdf: String,
    #[serde(default)]
    pub rebate: String,
    #[serde(default)]
    pub rebate_schedule: String,
    #[serde(default)]
    pub support: String,
    /// Ticked: the tier is removed from the program.
    #[serde(default)]
    pub remove: Option<String>,
}

impl TierForm {
    fn requirement_text(&self, measure: Measure) -> &str {
        match measure {
            Measure::Revenue => &self.revenue,
            Measure::CertifiedPeople => &self.certified_people,
            Measure::WonDeals => &self.won_deals,
            Measure::RegisteredDeals => &self.registered_deals,
        }
    }

    /// The row as the form shows a stored tier.
    pub fn of(tier: &Tier, currency: Currency) -> TierForm {
        let requirement = |measure: Measure| {
            tier.threshold(measure).map(|value| measure.input_text(value, currency)).unwrap_or_default()
        };
        TierForm {
            id: tier.id.to_string(),
            name: tier.name.clone(),
            revenue: requirement(Measure::Revenue),
            certified_people: requirement(Measure::CertifiedPeople),
            won_deals: requirement(Measure::WonDeals),
            registered_deals: requirement(Measure::RegisteredDeals),
            margin: percent_input(tier.benefits.margin_bp),
            registration: percent_input(tier.benefits.registration_bp),
            mdf: percent_input(tier.benefits.mdf_bp),
            rebate: percent_input(tier.benefits.rebate_bp),
            rebate_schedule: tier.benefits.rebate_schedule.clone(),
            support: tier.benefits.support.key().to_owned(),
            remove: None,
        }
    }
}

/// The form field name of one tier row's field: `tiers[2][revenue]`.
pub fn field_name(row: usize, field: &str) -> String {
    format!("tiers[{row}][{field}]")
}

/// A percentage typed with at most two decimals, 0 to 100, in basis points.
pub fn parse_percent(raw: &str) -> Result<i64, String> {
    let text = raw.trim().trim_end_matches('%').trim();
    if text.is_empty() {
        return Ok(0);
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let well_formed = !whole.is_empty()
        && whole.len() <= 3
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.len() <= 2
        && fraction.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return Err("Enter a percentage like 12.5, with at most two decimals.".into());
    }
    let whole: i64 = whole.parse().map_err(|_| "Enter a percentage from 0 to 100.".to_string())?;
    let fraction: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
    let basis_points = whole * 100 + fraction;
    if basis_points > 10_000 {
        return Err("Enter a percentage from 0 to 100.".into());
    }
    Ok(basis_points)
}

/// Basis points as a person reads them: `12.5 %`.
pub fn percent_text(basis_points: i64) -> String {
    format!("{} %", percent_input(basis_points))
}

fn percent_input(basis_points: i64) -> String {
    match basis_points % 100 {
        0 => (basis_points / 100).to_string(),
        rest if rest % 10 == 0 => format!("{}.{}", basis_points / 100, rest / 10),
        rest => format!("{}.{rest:02}", basis_points / 100),
    }
}

fn parse_count(raw: &str, what: &str) -> Result<Option<i64>, String> {
    let text = raw.trim().replace(',', "");
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(count) if (1..=MAX_COUNT).contains(&count) => Ok(Some(count)),
        _ => Err(format!("Enter a whole number of {what} from 1 to {MAX_COUNT}, or leave it empty.")),
    }
}

fn parse_requirement(measure: Measure, raw: &str, currency: Currency) -> Result<Option<i64>, String> {
    match measure {
        Measure::Revenue if raw.trim().is_empty() => Ok(None),
        Measure::Revenue => Money::parse_positive(raw, currency)
            .map(|money| Some(money.minor))
            .map_err(|problem| format!("{problem} Leave it empty for no revenue requirement.")),
        Measure::CertifiedPeople => parse_count(raw, "people"),
        Measure::WonDeals | Measure::RegisteredDeals => parse_count(raw, "deals"),
    }
}

/// What the configuration form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramForm {
    pub approval: String,
    pub grace_days: String,
    pub public: Option<String>,
    pub tiers: Vec<TierForm>,
}

impl ProgramForm {
    /// The form as a stored program shows it, with an empty row to add a tier.
    pub fn of(program: &Program, currency: Currency) -> ProgramForm {
        let mut tiers: Vec<TierForm> = program.tiers.iter().map(|tier| TierForm::of(tier, currency)).collect();
        if tiers.len() < MAX_TIERS {
            tiers.push(TierForm { support: SupportLevel::Standard.key().into(), ..TierForm::default() });
        }
        ProgramForm {
            approval: program.policy.approval.key().into(),
            grace_days: program.policy.grace_days.to_string(),
            public: program.public.then(|| "on".into()),
            tiers,
        }
    }

    /// The configuration, checked whole: every field's problem at once, each under its field's
    /// name. Rows without an id and a name are the form's empty "add a tier" rows; rows ticked
    /// "remove" leave the program (whether partners are still in them is the server's to check).
    pub fn check(&self, currency: Currency) -> Result<Program, FieldErrors> {
        let mut fields = FieldErrors::new();
        let approval = match self.approval.as_str() {
            "automatic" => Approval::Automatic,
            "channel_manager" => Approval::ChannelManager,
            _ => {
                fields.insert("approval".into(), "Choose who applies tier changes.".into());
                Approval::ChannelManager
            }
        };
        let grace_days = match self.grace_days.trim().parse::<i64>() {
            Ok(days) if (0..=MAX_GRACE_DAYS).contains(&days) => days,
            _ => {
                fields.insert("grace_days".into(), format!("Enter a number of days from 0 to {MAX_GRACE_DAYS}."));
                DEFAULT_GRACE_DAYS
            }
        };
        // (row in the form, tier) for every tier kept.
        let mut kept: Vec<(usize, Tier)> = Vec::new();
        for (row, form) in self.tiers.iter().enumerate() {
            let id = form.id.trim().parse::<i64>().unwrap_or(0);
            if form.remove.is_some() || (id == 0 && form.name.trim().is_empty()) {
                continue;
            }
            let mut problem = |field: &str, message: String| {
                fields.insert(field_name(row, field), message);
            };
            let name = match required_line(&form.name, MAX_TIER_NAME, "Name the tier.") {
                Ok(name) => name.to_owned(),
                Err(message) => {
                    problem("name", message);
                    String::new()
                }
            };
            let mut requirements = Vec::new();
            for measure in Measure::ALL {
                match parse_requirement(measure, form.requirement_text(measure), currency) {
                    Ok(Some(threshold)) => requirements.push(Requirement { measure, threshold }),
                    Ok(None) => {}
                    Err(message) => problem(measure.key(), message),
                }
            }
            let mut percent = |field: &str, raw: &str| match parse_percent(raw) {
                Ok(basis_points) => basis_points,
                Err(message) => {
                    fields.insert(field_name(row, field), message);
                    0
                }
            };
            let margin_bp = percent("margin", &form.margin);
            let registration_bp = percent("registration", &form.registration);
            let mdf_bp = percent("mdf", &form.mdf);
            let rebate_bp = percent("rebate", &form.rebate);
            let rebate_schedule = form.rebate_schedule.trim();
            if crate::text::has_control_characters(rebate_schedule) || rebate_schedule.chars().count() > 80 {
                fields.insert(field_name(row, "rebate_schedule"), "Use one line of at most 80 characters.".into());
            }
            let support = SupportLevel::parse(&form.support).unwrap_or_else(|| {
                fields.insert(field_name(row, "support"), "Choose the tier's support level.".into());
                SupportLevel::Standard
            });
            let benefits = Benefits {
                margin_bp,
                registration_bp,
                mdf_bp,
                rebate_bp,
                rebate_schedule: rebate_schedule.to_owned(),
                support,
            };
            kept.push((row, Tier { id, name, requirements, benefits }));
        }
        check_order(&kept, currency, &mut fields);
        if !fields.is_empty() {
            return Err(fields);
        }
        Ok(Program {
            tiers: kept.into_iter().map(|(_, tier)| tier).collect(),
            policy: Policy { approval, grace_days },
            public: self.public.is_some(),
        })
    }
}

/// The rules across tiers: names differ, the entry tier asks for nothing, and each tier asks for
/// at least what every tier below it asks (and more of something, or it could never be reached
/// on its own).
fn check_order(kept: &[(usize, Tier)], currency: Currency, fields: &mut FieldErrors) {
    if kept.is_empty() {
        fields.insert("tiers".into(), "Keep at least one tier: the one every partner starts in.".into());
        return;
    }
    if kept.len() > MAX_TIERS {
        fields.insert("tiers".into(), format!("Use at most {MAX_TIERS} tiers."));
    }
    let (entry_row, entry) = &kept[0];
    if !entry.requirements.is_empty() {
        let measure = entry.requirements[0].measure;
        fields.insert(
            field_name(*entry_row, measure.key()),
            format!("{} is the tier every partner starts in: it has no requirements.", entry.name),
        );
    }
    for (at, (row, tier)) in kept.iter().enumerate() {
        let lower = &kept[..at];
        if lower.iter().any(|(_, other)| other.name.to_lowercase() == tier.name.to_lowercase()) && !tier.name.is_empty()
        {
            fields.insert(field_name(*row, "name"), format!("Another tier is called {}.", tier.name));
        }
        let Some((_, below)) = lower.last() else { continue };
        let mut asks_more = false;
        for measure in Measure::ALL {
            let floor = lower
                .iter()
                .filter_map(|(_, other)| other.threshold(measure).map(|t| (t, other)))
                .max_by_key(|(t, _)| *t);
            match (tier.threshold(measure), floor) {
                (Some(threshold), Some((floor, other))) if threshold < floor => {
                    fields.insert(
                        field_name(*row, measure.key()),
                        format!(
                            "{} asks for less than {} ({}): a higher tier asks for at least as much.",
                            tier.name,
                            other.name,
                            measure.amount_text(floor, currency)
                        ),
                    );
                }
                (None, Some((floor, other))) => {
                    fields.insert(
                        field_name(*row, measure.key()),
                        format!(
                            "{} asks for {}: {} must ask for at least as much.",
                            other.name,
                            measure.amount_text(floor, currency),
                            tier.name
                        ),
                    );
                }
                (Some(threshold), Some((floor, _))) if threshold > floor => asks_more = true,
                (Some(_), None) => asks_more = true,
                _ => {}
            }
        }
        if !asks_more && !fields.keys().any(|key| key.starts_with(&format!("tiers[{row}]"))) {
            fields.insert(
                field_name(*row, "revenue"),
                format!("{} asks for nothing more than {}: raise one of its requirements.", tier.name, below.name),
            );
        }
    }
}
