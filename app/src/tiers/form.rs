//! The configuration form: what it sends (each tier a row of text fields) and
//! [`ProgramForm::check`], the one validator, run by the browser and the server. A configuration
//! in which a higher tier asks for less than a lower one is refused whole, with the field named.

use serde::{Deserialize, Serialize};

use super::program::{
    Approval, Benefits, DEFAULT_GRACE_DAYS, Measure, Policy, Program, Requirement, SupportLevel, Tier,
};
use crate::error::FieldErrors;
use crate::money::{Currency, Money};
use crate::text::required_line;

pub const MAX_TIERS: usize = 8;
pub const MAX_TIER_NAME: usize = 40;
pub const MAX_GRACE_DAYS: i64 = 365;
/// The most people or deals a requirement may ask for.
const MAX_COUNT: i64 = 1_000_000;

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
    pub coop: String,
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
            coop: percent_input(tier.benefits.coop_bp),
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

/// Basis points as a percentage field holds them: `12.5`.
pub fn percent_input(basis_points: i64) -> String {
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

/// One published course, and the tier that unlocks it: the row of that tier in the form, or
/// empty when every partner may take it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseUnlockForm {
    #[serde(default)]
    pub course: String,
    #[serde(default)]
    pub tier: String,
}

/// What the configuration form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramForm {
    pub approval: String,
    pub grace_days: String,
    pub public: Option<String>,
    pub tiers: Vec<TierForm>,
    /// Which tier unlocks each course.
    #[serde(default)]
    pub courses: Vec<CourseUnlockForm>,
}

impl ProgramForm {
    /// The form as a stored program shows it, with an empty row to add a tier, and a row for each
    /// of `courses` (id, title) saying which tier unlocks it.
    pub fn of(program: &Program, currency: Currency, courses: &[(i64, String)]) -> ProgramForm {
        let mut tiers: Vec<TierForm> = program.tiers.iter().map(|tier| TierForm::of(tier, currency)).collect();
        if tiers.len() < MAX_TIERS {
            tiers.push(TierForm { support: SupportLevel::Standard.key().into(), ..TierForm::default() });
        }
        let unlocking = |course: i64| program.tiers.iter().position(|tier| tier.benefits.courses.contains(&course));
        ProgramForm {
            approval: program.policy.approval.key().into(),
            grace_days: program.policy.grace_days.to_string(),
            public: program.public.then(|| "on".into()),
            tiers,
            courses: courses
                .iter()
                .map(|(id, _)| CourseUnlockForm {
                    course: id.to_string(),
                    tier: unlocking(*id).map(|row| row.to_string()).unwrap_or_default(),
                })
                .collect(),
        }
    }

    /// The configuration, checked whole: every field's problem at once, each under its field's
    /// name. Rows without an id and a name are the form's empty "add a tier" rows; rows ticked
    /// "remove" leave the program (the engine places their partners again by their figures).
    pub fn check(&self, currency: Currency) -> Result<Program, FieldErrors> {
        let mut fields = FieldErrors::new();
        let approval = Approval::parse(&self.approval).unwrap_or_else(|| {
            fields.insert("approval".into(), "Choose who applies tier changes.".into());
            Approval::ChannelManager
        });
        let grace_days = match self.grace_days.trim().parse::<i64>() {
            Ok(days) if (0..=MAX_GRACE_DAYS).contains(&days) => days,
            _ => {
                fields.insert("grace_days".into(), format!("Enter a number of days from 0 to {MAX_GRACE_DAYS}."));
                DEFAULT_GRACE_DAYS
            }
        };
        // (row in the form, tier) for every tier kept.
        let mut kept: Vec<(usize, Tier)> = Vec::new();
        let mut seen: Vec<i64> = Vec::new();
        for (row, form) in self.tiers.iter().enumerate() {
            let id = match form.id.trim() {
                "" => 0,
                text => text.parse::<i64>().ok().filter(|id| *id > 0 && !seen.contains(id)).unwrap_or(-1),
            };
            if form.remove.is_some() || (id == 0 && form.name.trim().is_empty()) {
                continue;
            }
            if id < 0 {
                // Only a tampered or outdated form names a tier twice or by something not an id.
                fields
                    .insert(field_name(row, "name"), "This row no longer matches a tier: open the page again.".into());
                continue;
            }
            seen.push(id);
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
            let coop_bp = percent("coop", &form.coop);
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
                coop_bp,
                rebate_bp,
                rebate_schedule: rebate_schedule.to_owned(),
                support,
                courses: Vec::new(),
            };
            kept.push((row, Tier { id, name, requirements, benefits }));
        }
        check_order(&kept, currency, &mut fields);
        self.place_courses(&mut kept, &mut fields);
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

impl ProgramForm {
    /// Gives each kept tier the courses it unlocks; a course named twice, or unlocked by a row the
    /// program does not keep, is refused with its field.
    fn place_courses(&self, kept: &mut [(usize, Tier)], fields: &mut FieldErrors) {
        let mut placed: Vec<i64> = Vec::new();
        for (at, form) in self.courses.iter().enumerate() {
            let course = match form.course.trim().parse::<i64>() {
                Ok(id) if id > 0 && !placed.contains(&id) => id,
                _ => {
                    fields.insert(
                        format!("courses[{at}][tier]"),
                        "This row no longer matches a course: open the page again.".into(),
                    );
                    continue;
                }
            };
            placed.push(course);
            if form.tier.trim().is_empty() {
                continue;
            }
            let row = form.tier.trim().parse::<usize>().ok();
            match kept.iter_mut().find(|(kept_row, _)| Some(*kept_row) == row) {
                Some((_, tier)) => tier.benefits.courses.push(course),
                None => {
                    fields.insert(
                        format!("courses[{at}][tier]"),
                        "Choose a tier the program keeps, or every partner.".into(),
                    );
                }
            }
        }
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
