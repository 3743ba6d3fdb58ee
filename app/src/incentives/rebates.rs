//! Volume rebates: a schedule of revenue thresholds per quarter, each with a rate, declared
//! *retroactive* (the rate reached applies to all the quarter's revenue) or *incremental* (each
//! rate applies to the revenue within its band). A threshold is reached at exactly its amount.
//! A partner's tier names its schedule; a tier naming none (or one that does not exist) earns its
//! flat rebate rate on all revenue. Pure.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ledger::{EntryKind, NewEntry, quarter_label};
use crate::error::FieldErrors;
use crate::money::{Conversion, Currency, Money, round_basis_points};
use crate::tiers::form::{parse_percent, percent_text};
use crate::tiers::program::{Program, Tier};

/// How a schedule's rates apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Retroactive,
    Incremental,
}

impl Method {
    pub const ALL: [Method; 2] = [Method::Retroactive, Method::Incremental];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Retroactive => "retroactive",
            Method::Incremental => "incremental",
        }
    }

    pub fn parse(raw: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|method| method.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Method::Retroactive => "Retroactive: the rate reached applies to all the quarter's revenue",
            Method::Incremental => "Incremental: each rate applies to the revenue within its band",
        }
    }
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(Method);

/// From `threshold_minor` of revenue in a quarter (reporting currency), `rate_bp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub threshold_minor: i64,
    pub rate_bp: i64,
}

/// A rebate schedule: its bands, lowest threshold first, thresholds strictly rising.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub name: String,
    pub method: Method,
    pub bands: Vec<Band>,
}

impl Schedule {
    /// A tier's flat rate on all revenue, for a tier that names no schedule.
    pub fn flat(name: &str, rate_bp: i64) -> Schedule {
        Schedule {
            name: name.to_owned(),
            method: Method::Retroactive,
            bands: vec![Band { threshold_minor: 0, rate_bp }],
        }
    }

    /// The band `revenue_minor` has reached, if any.
    fn reached(&self, revenue_minor: i64) -> Option<usize> {
        self.bands.iter().rposition(|band| revenue_minor >= band.threshold_minor)
    }

    /// The rebate on a quarter's `revenue_minor`, by the one rounding rule (rounded once).
    pub fn rebate(&self, revenue_minor: i64) -> i64 {
        if revenue_minor <= 0 {
            return 0;
        }
        let Some(reached) = self.reached(revenue_minor) else {
            return 0;
        };
        let exact: i128 = match self.method {
            Method::Retroactive => revenue_minor as i128 * self.bands[reached].rate_bp as i128,
            Method::Incremental => self.bands[..=reached]
                .iter()
                .enumerate()
                .map(|(index, band)| {
                    let top =
                        self.bands.get(index + 1).map_or(revenue_minor, |next| next.threshold_minor.min(revenue_minor));
                    (top - band.threshold_minor).max(0) as i128 * band.rate_bp as i128
                })
                .sum(),
        };
        round_basis_points(exact)
    }

    /// Where `revenue_minor` stands: the rebate so far, the rate reached, and the next threshold.
    pub fn forecast(&self, revenue_minor: i64) -> Forecast {
        let reached = self.reached(revenue_minor.max(0));
        let next = self.bands.get(reached.map_or(0, |index| index + 1)).copied();
        Forecast {
            schedule: self.name.clone(),
            method: self.method,
            revenue_minor,
            accrual_minor: self.rebate(revenue_minor),
            rate_bp: reached.map(|index| self.bands[index].rate_bp),
            next: next.map(|band| (band.threshold_minor, band.rate_bp, band.threshold_minor - revenue_minor)),
        }
    }

    /// `250,000.00 USD: 2 %; 500,000.00 USD: 3 %`.
    pub fn describe(&self, currency: Currency) -> String {
        self.bands
            .iter()
            .map(|band| {
                format!("{}: {}", Money { minor: band.threshold_minor, currency }.display(), percent_text(band.rate_bp))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Where a partner stands in the running quarter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forecast {
    pub schedule: String,
    pub method: Method,
    pub revenue_minor: i64,
    /// The rebate the quarter's revenue so far would earn.
    pub accrual_minor: i64,
    /// The rate of the band reached, if any.
    pub rate_bp: Option<i64>,
    /// The next threshold, its rate, and how much more revenue reaches it.
    pub next: Option<(i64, i64, i64)>,
}

/// Reads a schedule's bands as an admin writes them, one per line: `250,000 = 2` (revenue in
/// major units of `currency`, then the rate in %). Errors name the line.
pub fn parse_bands(raw: &str, currency: Currency) -> Result<Vec<Band>, String> {
    let mut bands: Vec<Band> = Vec::new();
    for (number, line) in raw.lines().enumerate().map(|(index, line)| (index + 1, line.trim())) {
        if line.is_empty() {
            continue;
        }
        let Some((threshold, rate)) = line.split_once('=') else {
            return Err(format!("Line {number}: write the revenue, then = and the rate, like 250,000 = 2."));
        };
        let threshold_minor = match threshold.trim() {
            "0" => 0,
            other => {
                Money::parse_positive(other, currency).map_err(|message| format!("Line {number}: {message}"))?.minor
            }
        };
        let rate_bp = parse_percent(rate).ok().filter(|rate| *rate > 0).ok_or_else(|| {
            format!("Line {number}: the rate is a percentage above 0 and at most 100, like 2 or 2.5.")
        })?;
        if bands.last().is_some_and(|last| last.threshold_minor >= threshold_minor) {
            return Err(format!("Line {number}: each threshold must be above the one before."));
        }
        bands.push(Band { threshold_minor, rate_bp });
    }
    if bands.is_empty() {
        return Err("Write at least one threshold and its rate, like 250,000 = 2.".into());
    }
    if bands.len() > 10 {
        return Err("A schedule has at most 10 thresholds.".into());
    }
    Ok(bands)
}

/// A schedule as an admin's form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleInput {
    pub name: String,
    pub method: String,
    pub bands: String,
}

impl ScheduleInput {
    /// The schedule it describes, or a message per field.
    pub fn check(&self, currency: Currency) -> Result<Schedule, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 80 || crate::text::has_control_characters(name) {
            errors.insert("name".into(), "Name the schedule in one line of at most 80 characters.".into());
        }
        let method = Method::parse(self.method.trim());
        if method.is_none() {
            errors.insert("method".into(), "Choose retroactive or incremental.".into());
        }
        let bands = parse_bands(&self.bands, currency).map_err(|message| errors.insert("bands".into(), message)).ok();
        match (method, bands) {
            (Some(method), Some(bands)) if errors.is_empty() => Ok(Schedule { name: name.to_owned(), method, bands }),
            _ => Err(errors),
        }
    }
}

/// A partner's won revenue of a quarter in one currency, as the close reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Revenue {
    pub organisation_id: i64,
    pub tier_id: Option<i64>,
    pub currency: String,
    pub amount_minor: i64,
}

/// What rebates are computed from: the program in force (whose tiers name their schedules), the
/// schedules, and the conversion into the reporting currency rebates are paid in.
#[derive(Clone, Debug)]
pub struct RebateRules {
    pub program: Program,
    pub schedules: Vec<Schedule>,
    pub conversion: Conversion,
}

impl RebateRules {
    /// Whether `tier` names `schedule` as its rebate schedule (names match in any case).
    fn names(tier: &Tier, schedule: &Schedule) -> bool {
        let named = tier.benefits.rebate_schedule.trim();
        !named.is_empty() && schedule.name.eq_ignore_ascii_case(named)
    }

    /// The tiers of the program in force that name `schedule`.
    pub fn tiers_naming(&self, schedule: &Schedule) -> Vec<String> {
        self.program.tiers.iter().filter(|tier| Self::names(tier, schedule)).map(|tier| tier.name.clone()).collect()
    }

    /// The schedule tier `tier_id` names, else its flat rebate rate; `None`: it earns no rebate.
    pub fn schedule_for(&self, tier_id: Option<i64>) -> Option<Schedule> {
        let tier = self.program.tiers.iter().find(|tier| Some(tier.id) == tier_id)?;
        match self.schedules.iter().find(|schedule| Self::names(tier, schedule)) {
            Some(schedule) => Some(schedule.clone()),
            None if tier.benefits.rebate_bp > 0 => Some(Schedule::flat(&tier.name, tier.benefits.rebate_bp)),
            None => None,
        }
    }

    /// Each partner's revenue in `rows`, in reporting minor units, with its tier.
    fn totals(&self, rows: &[Revenue]) -> Vec<(i64, Option<i64>, i64)> {
        let mut totals: Vec<(i64, Option<i64>, i64)> = Vec::new();
        for row in rows {
            let amount = self.conversion.convert(row.amount_minor, &row.currency);
            match totals.last_mut() {
                Some((id, _, sum)) if *id == row.organisation_id => *sum += amount,
                _ => totals.push((row.organisation_id, row.tier_id, amount)),
            }
        }
        totals
    }

    /// The rebate entries closing quarter `period` books: one per partner whose revenue (rows
    /// ordered by partner) earns one under its tier's schedule, in the reporting currency.
    pub fn at_close(&self, period: NaiveDate, rows: &[Revenue], by: Option<i64>, at: DateTime<Utc>) -> Vec<NewEntry> {
        let currency = self.conversion.currency();
        let quarter = quarter_label(period);
        self.totals(rows)
            .into_iter()
            .filter_map(|(organisation_id, tier_id, revenue)| {
                let schedule = self.schedule_for(tier_id)?;
                let amount_minor = schedule.rebate(revenue);
                (amount_minor != 0).then(|| NewEntry {
                    organisation_id,
                    kind: EntryKind::Rebate,
                    deal_id: None,
                    amount_minor,
                    currency: currency.code().to_owned(),
                    basis_minor: Some(revenue),
                    rate_bp: match schedule.method {
                        Method::Retroactive => schedule.forecast(revenue).rate_bp,
                        Method::Incremental => None,
                    },
                    period_start: period,
                    description: format!(
                        "Volume rebate for {quarter} on {} of won revenue, {} ({})",
                        Money { minor: revenue, currency }.display(),
                        schedule.name,
                        schedule.method.as_str()
                    ),
                    reverses: None,
                    booked_by: by,
                    booked_at: at,
                    spiff_id: None,
                    rep_id: None,
                    mdf_request_id: None,
                })
            })
            .collect()
    }

    /// Where a partner with tier `tier_id` and this quarter's `rows` stands; `None` when its tier earns no rebate.
    pub fn forecast(&self, tier_id: Option<i64>, rows: &[Revenue]) -> Option<Forecast> {
        let schedule = self.schedule_for(tier_id)?;
        let revenue = self.totals(rows).into_iter().map(|(_, _, sum)| sum).sum();
        Some(schedule.forecast(revenue))
    }
}
