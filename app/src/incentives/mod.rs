//! Incentives on one ledger: every amount owed to a partner (margin, deal-registration discount,
//! rebate, SPIFF, MDF, co-op) is a dated entry that is never changed; a correction is a reversal.
//! Partners read their earnings statement (`/earnings`); the vendor sees what it owes, closes
//! quarters and pays approved entries in payout runs (`/incentives`); marketing runs SPIFFs
//! (`/spiffs`); partners draw on MDF allocations and their co-op funds (`/mdf`).

#[cfg(feature = "ssr")]
pub mod agenda;
pub mod coop;
pub mod export;
pub mod ledger;
pub mod mdf;
mod pages;
pub mod rebates;
pub mod server;
pub mod spiffs;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_spiffs;

pub use self::mdf::{MdfPage, MdfRequestPage};
pub use self::pages::{EarningsPage, EntryTable, IncentivesPage, SpiffsPage};

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use self::ledger::{EntryKind, EntryStatus};
use self::rebates::{Forecast, Schedule};
use self::spiffs::{Phase, Spiff};
use crate::money::Currency;
use crate::tiers::audience::AudienceChoices;

/// Amounts by where they stand, in one currency's minor units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub accrued: i64,
    pub approved: i64,
    pub paid: i64,
}

impl Tally {
    pub fn add(&mut self, status: EntryStatus, amount_minor: i64) {
        match status {
            EntryStatus::Accrued => self.accrued += amount_minor,
            EntryStatus::Approved => self.approved += amount_minor,
            EntryStatus::Paid => self.paid += amount_minor,
        }
    }

    pub fn total(&self) -> i64 {
        self.accrued + self.approved + self.paid
    }

    /// Owed and not yet paid.
    pub fn unpaid(&self) -> i64 {
        self.accrued + self.approved
    }
}

/// Sums `(key, status, amount)` rows into one tally per key, in key order.
pub fn tally_by<K: Ord>(rows: impl IntoIterator<Item = (K, EntryStatus, i64)>) -> Vec<(K, Tally)> {
    let mut tallies: BTreeMap<K, Tally> = BTreeMap::new();
    for (key, status, amount) in rows {
        tallies.entry(key).or_default().add(status, amount);
    }
    tallies.into_iter().collect()
}

/// One line of a statement: an entry, where it stands, and what it came from.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct StatementLine {
    pub id: i64,
    pub booked_at: DateTime<Utc>,
    pub period_start: NaiveDate,
    pub kind: EntryKind,
    pub description: String,
    pub deal_id: Option<i64>,
    /// The MDF request whose approved claim it pays.
    pub mdf_request_id: Option<i64>,
    pub amount_minor: i64,
    pub currency: String,
    pub basis_minor: Option<i64>,
    pub rate_bp: Option<i64>,
    pub status: EntryStatus,
    /// The entry this one reverses.
    pub reverses: Option<i64>,
    /// The entry that reverses this one.
    pub reversed_by: Option<i64>,
    /// The payout run that pays (or paid) it.
    pub run_id: Option<i64>,
}

/// A partner's earnings statement, for one quarter or all time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub partner_id: i64,
    pub partner: String,
    /// The quarter shown (its first day); `None`: every quarter.
    pub period: Option<NaiveDate>,
    /// The quarters the partner has entries in, newest first.
    pub periods: Vec<NaiveDate>,
    pub lines: Vec<StatementLine>,
    /// Per currency and kind.
    pub by_kind: Vec<((String, EntryKind), Tally)>,
    /// Per currency.
    pub totals: Vec<(String, Tally)>,
    /// Whether the viewer is vendor staff (who came from the incentives page).
    pub staff: bool,
    /// Where the partner stands on its volume rebate this quarter (when its tier earns one).
    pub forecast: Option<Forecast>,
    /// The currency rebates are reckoned in.
    pub reporting: Currency,
}

impl Statement {
    /// Builds the statement's sums from its lines: every line counts once, in its currency.
    pub fn new(
        partner_id: i64,
        partner: String,
        period: Option<NaiveDate>,
        periods: Vec<NaiveDate>,
        lines: Vec<StatementLine>,
        staff: bool,
    ) -> Statement {
        let by_kind =
            tally_by(lines.iter().map(|line| ((line.currency.clone(), line.kind), line.status, line.amount_minor)));
        let totals = tally_by(lines.iter().map(|line| (line.currency.clone(), line.status, line.amount_minor)));
        Statement {
            partner_id,
            partner,
            period,
            periods,
            lines,
            by_kind,
            totals,
            staff,
            forecast: None,
            reporting: Currency::USD,
        }
    }
}

/// A quarter as the vendor sees it: whether it has ended and when it was closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodState {
    pub start: NaiveDate,
    pub ended: bool,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
}

/// What closing a quarter would do: approve its accrued entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosePreview {
    pub period_start: NaiveDate,
    pub entries: i64,
    /// Per currency, the sum the close approves.
    pub totals: Vec<(String, i64)>,
    pub already_closed: bool,
    pub ended: bool,
    /// The volume rebates closing books: how many partners earn one, and their sum.
    pub rebates: i64,
    pub rebate_minor: i64,
    pub reporting: Currency,
}

/// Approved entries no payout run holds yet, per quarter and currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Payable {
    pub period_start: NaiveDate,
    pub currency: String,
    pub amount_minor: i64,
    pub entries: i64,
}

/// A payout run and its sums.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutRun {
    pub id: i64,
    pub period_start: NaiveDate,
    pub approved_by: String,
    pub approved_at: DateTime<Utc>,
    pub paid_by: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
    pub entries: i64,
    pub partners: i64,
    /// Per currency.
    pub totals: Vec<(String, i64)>,
}

/// What one partner is paid by a run, in one currency: a line of the accounts-payable export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RunLine {
    pub organisation_id: i64,
    pub partner: String,
    pub currency: String,
    pub amount_minor: i64,
    pub entries: i64,
}

/// The vendor's incentives page: what it owes by quarter, kind and partner, the quarters to
/// close, what is payable and the payout runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Liabilities {
    /// Per quarter (newest first), kind and currency.
    pub by_period: Vec<((NaiveDate, EntryKind, String), Tally)>,
    /// Per partner and currency.
    pub by_partner: Vec<((String, i64, String), Tally)>,
    pub periods: Vec<PeriodState>,
    pub payable: Vec<Payable>,
    pub runs: Vec<PayoutRun>,
    /// Whether the viewer closes quarters and pays (admins); channel managers read their partners'.
    pub admin: bool,
    pub preview: Option<ClosePreview>,
    /// The volume rebate schedules (admins).
    pub schedules: Vec<ScheduleRow>,
    pub reporting: Currency,
}

/// A rebate schedule as the incentives page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleRow {
    pub schedule: Schedule,
    /// The tiers that name it.
    pub tiers: Vec<String>,
}

/// A SPIFF as its page lists it: where it stands today, its rule and audience in words, and what
/// it paid within the reader's reach (a partner: itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpiffRow {
    pub spiff: Spiff,
    pub phase: Phase,
    pub rule: String,
    pub audience: String,
    pub paid_minor: i64,
    pub deals: i64,
    /// The reader may end it early (or cancel it before it starts).
    pub can_end: bool,
}

/// The SPIFFs page: a partner's people see those open to their partner (and those it earned
/// from); vendor staff see every one, and marketing and admins create, launch and end them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpiffsView {
    pub rows: Vec<SpiffRow>,
    pub manage: bool,
    pub partner: bool,
    pub choices: AudienceChoices,
    /// What new SPIFFs pay in: the reporting currency.
    pub currency: Currency,
}
