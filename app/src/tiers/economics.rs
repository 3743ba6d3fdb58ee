//! Program economics: what a deal earns a partner at each tier from the configured benefits
//! (base margin, the extra discount on a registered deal, and the rebate), side by side, so a
//! partner sees why moving up is worth it. Pure.

use serde::{Deserialize, Serialize};

use super::program::Program;
use crate::money::{Currency, share};

/// The deal amount the calculator starts from, in major units of the reporting currency.
pub const DEFAULT_AMOUNT: i64 = 100_000;

/// What one deal earns at one tier, in the reporting currency's minor units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierEarnings {
    pub tier: String,
    pub margin_minor: i64,
    pub registration_minor: i64,
    pub rebate_minor: i64,
}

impl TierEarnings {
    pub fn total_minor(&self) -> i64 {
        self.margin_minor + self.registration_minor + self.rebate_minor
    }
}

/// What a registered deal of `amount_minor` earns at each tier of `program`, lowest tier first.
pub fn earnings(program: &Program, amount_minor: i64) -> Vec<TierEarnings> {
    program
        .tiers
        .iter()
        .map(|tier| TierEarnings {
            tier: tier.name.clone(),
            margin_minor: share(amount_minor, tier.benefits.margin_bp),
            registration_minor: share(amount_minor, tier.benefits.registration_bp),
            rebate_minor: share(amount_minor, tier.benefits.rebate_bp),
        })
        .collect()
}

/// The public program page and the calculator: the tiers, their benefits, and what a deal of
/// `amount_minor` earns at each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EconomicsView {
    pub currency: Currency,
    pub amount_minor: i64,
    pub earnings: Vec<TierEarnings>,
    pub tiers: Vec<super::TierBenefits>,
}
