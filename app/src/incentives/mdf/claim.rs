//! A claim for an executed activity: what the partner spent and what it brought, checked
//! against what was pre-approved, and the proof of performance that comes with it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::rules::{self, ClaimState};
use crate::error::FieldErrors;
use crate::money::{Currency, Money};

/// A file of proof of performance, opened at `/mdf/proofs/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ProofRow {
    pub id: i64,
    pub claim_id: i64,
    pub name: String,
    pub media_type: String,
    pub size_bytes: i64,
}

/// A claim for an executed activity, with its proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ClaimRecord {
    pub id: i64,
    pub claimed_by: String,
    pub amount_minor: i64,
    pub currency: String,
    pub results: String,
    pub state: ClaimState,
    pub reason: Option<String>,
    /// The ledger entry that pays it, once approved.
    pub entry_id: Option<i64>,
    pub claimed_at: DateTime<Utc>,
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub proofs: Vec<ProofRow>,
}

/// What proof of performance may be: PDF, PNG or JPEG, of at most [`MAX_PROOF_BYTES`] each.
pub const PROOF_KINDS: &[crate::files::FileType] = &[crate::files::PDF, crate::files::PNG, crate::files::JPEG];
pub const MAX_PROOF_BYTES: usize = 10 * 1024 * 1024;
/// What the proof file chooser offers.
pub const PROOF_ACCEPT: &str = "application/pdf,.pdf,image/png,.png,image/jpeg,.jpg,.jpeg";

/// A claim as a partner types it (its proof comes as a file beside it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimInput {
    pub amount: String,
    pub results: String,
}

/// A claim that passed its checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewClaim {
    pub amount_minor: i64,
    pub results: String,
}

impl ClaimInput {
    pub fn typed(&self) -> Vec<(&'static str, String)> {
        vec![("amount", self.amount.clone()), ("results", self.results.clone())]
    }

    /// Checks both fields: the amount within what was `pre_approved`, and what the activity brought.
    pub fn check(&self, currency: Currency, pre_approved: i64) -> Result<NewClaim, FieldErrors> {
        let mut fields = FieldErrors::new();
        let amount = super::money(&self.amount, "amount", currency, &mut fields);
        if let Some(amount) = amount
            && let Err(most) = rules::claim_fits(pre_approved, amount)
        {
            fields.insert(
                "amount".into(),
                format!("Claim at most the {} pre-approved.", Money { minor: most, currency }.display()),
            );
        }
        let results = self.results.trim().replace("\r\n", "\n");
        if results.is_empty() {
            fields.insert("results".into(), "Say what the activity brought: attendees, leads, meetings, deals.".into());
        } else if results.chars().count() > 2_000 {
            fields.insert("results".into(), "Use at most 2,000 characters.".into());
        }
        match amount {
            Some(amount_minor) if fields.is_empty() => Ok(NewClaim { amount_minor, results }),
            _ => Err(fields),
        }
    }
}
