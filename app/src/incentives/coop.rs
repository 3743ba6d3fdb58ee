//! Co-op funds: a won deal accrues its partner a share of the revenue (its tier's co-op rate at
//! that moment, in the reporting currency) to spend on marketing; the partner draws on the fund
//! with requests and claims like MDF's (`/mdf`), and an approved claim is a payable ledger entry
//! of kind co-op. Reopening the deal as lost reverses its accrual.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ledger::{NewEntry, WonDeal};
use crate::money::{Conversion, share};
use crate::tiers::program::Benefits;

/// A row of a partner's co-op fund about to be written: what a won deal accrued, or the reversal
/// of such a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoopAccrual {
    pub organisation_id: i64,
    pub deal_id: i64,
    /// In the reporting currency.
    pub amount_minor: i64,
    pub currency: String,
    /// The won amount in the deal's currency, and the rate applied to it.
    pub basis_minor: i64,
    pub basis_currency: String,
    pub rate_bp: i64,
    pub description: String,
    pub reverses: Option<i64>,
    pub accrued_at: DateTime<Utc>,
}

/// What `deal` accrues to its partner's co-op fund at the tier of that moment: the tier's co-op
/// rate of the won amount converted into the reporting currency, rounded by the ledger's one rule.
/// Nothing for a partner without a tier, a rate of zero, or an amount that rounds to nothing.
pub fn accrual(
    deal: &WonDeal<'_>,
    tier: Option<(&str, &Benefits)>,
    conversion: &Conversion,
    at: DateTime<Utc>,
) -> Option<CoopAccrual> {
    let (tier, benefits) = tier?;
    let reported = conversion.convert(deal.final_amount_minor, deal.currency);
    let amount_minor = share(reported, benefits.coop_bp);
    (benefits.coop_bp > 0 && amount_minor != 0).then(|| CoopAccrual {
        organisation_id: deal.organisation_id,
        deal_id: deal.deal_id,
        amount_minor,
        currency: conversion.reporting().to_owned(),
        basis_minor: deal.final_amount_minor,
        basis_currency: deal.currency.to_owned(),
        rate_bp: benefits.coop_bp,
        description: format!("Co-op accrued on {} ({tier})", deal.customer_company),
        reverses: None,
        accrued_at: at,
    })
}

/// The row that takes back accrual `id` of `accrued` (its deal reopened as lost).
pub fn reversal(id: i64, accrued: &CoopAccrual, why: &str, at: DateTime<Utc>) -> CoopAccrual {
    CoopAccrual {
        amount_minor: -accrued.amount_minor,
        basis_minor: -accrued.basis_minor,
        description: format!("Reversal of co-op accrual #{id}: {why}"),
        reverses: Some(id),
        accrued_at: at,
        ..accrued.clone()
    }
}

/// What a won deal books in the transaction of the win: its ledger entries (margin, registration
/// discount, SPIFFs) and its partner's co-op accrual.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WinBooking {
    pub entries: Vec<NewEntry>,
    pub coop: Option<CoopAccrual>,
}

/// A partner's co-op fund: what its wins accrued (net of reversals), what its requests hold, and
/// what it may still request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CoopBalance {
    pub partner_id: i64,
    pub partner: String,
    pub accrued_minor: i64,
    pub committed_minor: i64,
}

impl CoopBalance {
    pub fn available(&self) -> i64 {
        self.accrued_minor - self.committed_minor
    }
}

/// A row of a partner's co-op fund, as its page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CoopLine {
    pub id: i64,
    pub deal_id: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub description: String,
    pub accrued_at: DateTime<Utc>,
}
