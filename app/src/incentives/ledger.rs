//! The ledger's pure rules: which entries a won deal accrues, what reverses an entry, the quarter
//! an entry belongs to, and where an entry stands. Amounts are shares of an amount by
//! [`crate::money::share`], Tessera's one rounding rule.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::money::share;
use crate::tiers::program::Benefits;

/// What an entry pays for. Stored by [`EntryKind::as_str`].
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// The tier's base margin on a won deal.
    Margin,
    /// The tier's extra points on a won deal that was registered (and approved).
    Registration,
    Rebate,
    Spiff,
    Mdf,
    Coop,
}

impl EntryKind {
    pub const ALL: [EntryKind; 6] = [
        EntryKind::Margin,
        EntryKind::Registration,
        EntryKind::Rebate,
        EntryKind::Spiff,
        EntryKind::Mdf,
        EntryKind::Coop,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Margin => "margin",
            EntryKind::Registration => "registration",
            EntryKind::Rebate => "rebate",
            EntryKind::Spiff => "spiff",
            EntryKind::Mdf => "mdf",
            EntryKind::Coop => "coop",
        }
    }

    pub fn parse(raw: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            EntryKind::Margin => "Margin",
            EntryKind::Registration => "Deal-registration discount",
            EntryKind::Rebate => "Volume rebate",
            EntryKind::Spiff => "SPIFF",
            EntryKind::Mdf => "MDF",
            EntryKind::Coop => "Co-op",
        }
    }
}

/// Where an entry stands. Accrued entries become approved when their quarter closes (or, for a
/// claim, when it is approved); approved entries are paid by a payout run. An entry keeps its
/// status when reversed: the reversal is an entry of its own, and the two net to zero.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    Accrued,
    Approved,
    Paid,
}

impl EntryStatus {
    pub const ALL: [EntryStatus; 3] = [EntryStatus::Accrued, EntryStatus::Approved, EntryStatus::Paid];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Accrued => "accrued",
            EntryStatus::Approved => "approved",
            EntryStatus::Paid => "paid",
        }
    }

    pub fn parse(raw: &str) -> Option<EntryStatus> {
        EntryStatus::ALL.into_iter().find(|status| status.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            EntryStatus::Accrued => "Accrued",
            EntryStatus::Approved => "Approved",
            EntryStatus::Paid => "Paid",
        }
    }
}

/// The first day of the quarter containing `day`: the period an entry booked that day belongs to.
pub fn quarter_of(day: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(day.year(), day.month0() / 3 * 3 + 1, 1).unwrap_or(day)
}

/// The first day of the quarter after the one starting `start`.
pub fn next_quarter(start: NaiveDate) -> NaiveDate {
    let months = start.year() * 12 + start.month0() as i32 + 3;
    NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1).unwrap_or(start)
}

/// "Q3 2026" for the quarter starting `start`.
pub fn quarter_label(start: NaiveDate) -> String {
    format!("Q{} {}", start.month0() / 3 + 1, start.year())
}

/// A quarter as addresses and forms write it: `2026-Q3`, which [`parse_quarter`] reads.
pub fn quarter_key(start: NaiveDate) -> String {
    format!("{}-Q{}", start.year(), start.month0() / 3 + 1)
}

/// Parses a quarter as written in an address, `2026-07-01` or `2026-Q3`, into its first day.
pub fn parse_quarter(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    if let Some((year, quarter)) = raw.split_once("-Q").or_else(|| raw.split_once("-q")) {
        let (year, quarter): (i32, u32) = (year.parse().ok()?, quarter.parse().ok()?);
        return (1..=4).contains(&quarter).then(|| NaiveDate::from_ymd_opt(year, (quarter - 1) * 3 + 1, 1)).flatten();
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
    (quarter_of(day) == day).then_some(day)
}

/// Whether the quarter starting `start` has ended by `now`: only an ended quarter closes.
pub fn has_ended(start: NaiveDate, now: DateTime<Utc>) -> bool {
    next_quarter(start) <= now.date_naive()
}

/// An entry about to be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEntry {
    pub organisation_id: i64,
    pub kind: EntryKind,
    pub deal_id: Option<i64>,
    pub amount_minor: i64,
    pub currency: String,
    pub basis_minor: Option<i64>,
    pub rate_bp: Option<i64>,
    pub period_start: NaiveDate,
    pub description: String,
    pub reverses: Option<i64>,
    pub booked_by: Option<i64>,
    pub booked_at: DateTime<Utc>,
    /// The SPIFF it pays, and (paid per rep) the rep whose deal earned it.
    pub spiff_id: Option<i64>,
    pub rep_id: Option<i64>,
    /// The MDF request whose approved claim it pays.
    pub mdf_request_id: Option<i64>,
}

/// A won deal, as its accruals need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WonDeal<'a> {
    pub deal_id: i64,
    pub organisation_id: i64,
    pub customer_company: &'a str,
    pub final_amount_minor: i64,
    pub currency: &'a str,
}

/// What a won deal accrues at the partner's tier of that moment: the base margin and the
/// registration discount, each a share of the final amount, in the deal's currency. A rate of
/// zero accrues nothing; so does a partner without a tier.
pub fn deal_won(deal: &WonDeal<'_>, tier: Option<(&str, &Benefits)>, at: DateTime<Utc>) -> Vec<NewEntry> {
    let Some((tier, benefits)) = tier else {
        return Vec::new();
    };
    [(EntryKind::Margin, benefits.margin_bp), (EntryKind::Registration, benefits.registration_bp)]
        .into_iter()
        .filter(|(_, rate)| *rate > 0)
        .map(|(kind, rate)| NewEntry {
            organisation_id: deal.organisation_id,
            kind,
            deal_id: Some(deal.deal_id),
            amount_minor: share(deal.final_amount_minor, rate),
            currency: deal.currency.to_owned(),
            basis_minor: Some(deal.final_amount_minor),
            rate_bp: Some(rate),
            period_start: quarter_of(at.date_naive()),
            description: format!("{} on {} ({tier})", kind.label(), deal.customer_company),
            reverses: None,
            booked_by: None,
            booked_at: at,
            spiff_id: None,
            rep_id: None,
            mdf_request_id: None,
        })
        .filter(|entry| entry.amount_minor != 0)
        .collect()
}

/// An entry as written, for reversing it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Booked {
    pub id: i64,
    pub organisation_id: i64,
    pub kind: EntryKind,
    pub deal_id: Option<i64>,
    pub amount_minor: i64,
    pub currency: String,
    pub basis_minor: Option<i64>,
    pub rate_bp: Option<i64>,
    pub spiff_id: Option<i64>,
    pub rep_id: Option<i64>,
    /// The MDF request whose approved claim it pays.
    pub mdf_request_id: Option<i64>,
}

/// The entry that cancels `entry`: the opposite amount, booked now in the current quarter (a
/// clawback when `entry` was already paid: the next payout is that much smaller).
pub fn reversal(entry: &Booked, why: &str, by: Option<i64>, at: DateTime<Utc>) -> NewEntry {
    NewEntry {
        organisation_id: entry.organisation_id,
        kind: entry.kind,
        deal_id: entry.deal_id,
        amount_minor: -entry.amount_minor,
        currency: entry.currency.clone(),
        basis_minor: entry.basis_minor.map(|basis| -basis),
        rate_bp: entry.rate_bp,
        period_start: quarter_of(at.date_naive()),
        description: format!("Reversal of entry #{}: {why}", entry.id),
        reverses: Some(entry.id),
        booked_by: by,
        booked_at: at,
        spiff_id: entry.spiff_id,
        rep_id: entry.rep_id,
        mdf_request_id: entry.mdf_request_id,
    }
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(EntryKind, EntryStatus);
