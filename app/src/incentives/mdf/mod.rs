//! Market development funds: an admin sets a quarter's budget; admins and channel managers
//! allocate it to partners (never beyond it; what is not requested by its expiry lapses); a
//! partner requests funds for an activity and its channel manager pre-approves or rejects it;
//! once it has run the partner claims what it cost with proof of performance, and an approved
//! claim is a payable ledger entry. Every step is on a timeline like a deal's (`/mdf`, `/mdf/{id}`).

#[cfg(feature = "ssr")]
pub mod agenda;
mod claim;
mod pages;
pub mod rules;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(test)]
mod tests;

pub use self::claim::{ClaimInput, ClaimRecord, MAX_PROOF_BYTES, NewClaim, PROOF_ACCEPT, PROOF_KINDS, ProofRow};
pub use self::pages::{MdfPage, MdfRequestPage};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use self::rules::{ActivityKind, ClaimState, Draw, Fund, MdfCommand, Move, RequestState, Stage};
use crate::error::FieldErrors;
use crate::incentives::ledger::parse_quarter;
use crate::money::{Currency, Money};

/// A quarter's budget, what is allocated of it, and what partners requested of that.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct BudgetRow {
    pub period_start: NaiveDate,
    pub amount_minor: i64,
    pub allocated_minor: i64,
}

/// A partner's allocation of a quarter's budget, and how much of it its requests hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AllocationRow {
    pub id: i64,
    pub period_start: NaiveDate,
    pub partner_id: i64,
    pub partner: String,
    pub amount_minor: i64,
    pub committed_minor: i64,
    /// The last day a request may draw on it.
    pub expires_on: NaiveDate,
}

impl AllocationRow {
    pub fn left(&self) -> i64 {
        self.amount_minor - self.committed_minor
    }

    pub fn open_on(&self, today: NaiveDate) -> bool {
        rules::allocation_open(self.expires_on, today)
    }
}

/// One request in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RequestRow {
    pub id: i64,
    pub fund: Fund,
    pub partner: String,
    pub title: String,
    pub kind: ActivityKind,
    pub amount_minor: i64,
    pub state: RequestState,
    /// Its latest claim's state.
    pub claim: Option<ClaimState>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub updated_at: DateTime<Utc>,
}

impl RequestRow {
    pub fn stage(&self) -> Stage {
        Stage { request: self.state, claim: self.claim }
    }
}

/// The MDF page: budgets (admins), allocations and requests within the reader's reach, and what
/// the reader's forms offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MdfView {
    pub budgets: Vec<BudgetRow>,
    pub allocations: Vec<AllocationRow>,
    pub requests: Vec<RequestRow>,
    /// A partner's people: they request funds.
    pub partner: bool,
    /// Admins set budgets.
    pub admin: bool,
    /// The partners the reader may allocate to, (id, name).
    pub partners: Vec<(i64, String)>,
    /// The published campaigns an activity may be linked to, (id, name).
    pub campaigns: Vec<(i64, String)>,
    pub currency: Currency,
    pub today: NaiveDate,
    /// The co-op funds within the reader's reach (a partner's own).
    pub coop: Vec<crate::incentives::coop::CoopBalance>,
    /// A partner's people: the newest rows of its co-op fund.
    pub coop_lines: Vec<crate::incentives::coop::CoopLine>,
}

/// A request for funds, whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RequestRecord {
    pub id: i64,
    pub organisation_id: i64,
    pub partner: String,
    pub requested_by: String,
    pub fund: Fund,
    /// The MDF allocation it draws on, and its quarter (none for co-op funds).
    pub allocation_id: Option<i64>,
    pub period_start: Option<NaiveDate>,
    pub kind: ActivityKind,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub amount_minor: i64,
    pub currency: String,
    pub expected_outcome: String,
    pub campaign: Option<String>,
    pub state: RequestState,
    pub reason: Option<String>,
    /// Its latest claim's state.
    pub claim: Option<ClaimState>,
}

impl RequestRecord {
    pub fn stage(&self) -> Stage {
        Stage { request: self.state, claim: self.claim }
    }
}

/// A line of a request's timeline: the state it moved to, who moved it, when, and their note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct MdfEvent {
    pub state: Move,
    pub actor: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// A request's page: the request, its claims (newest first), its timeline, and what the reader
/// may do to it now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub request: RequestRecord,
    pub claims: Vec<ClaimRecord>,
    pub events: Vec<MdfEvent>,
    pub actions: Vec<MdfCommand>,
    /// The reader is one of the partner's people.
    pub partner: bool,
}

/// A quarter's budget as an admin types it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetInput {
    pub period: String,
    pub amount: String,
}

impl BudgetInput {
    pub fn check(&self, currency: Currency) -> Result<(NaiveDate, i64), FieldErrors> {
        let mut fields = FieldErrors::new();
        let period = quarter(&self.period, "period", &mut fields);
        let amount = money(&self.amount, "amount", currency, &mut fields);
        match (period, amount) {
            (Some(period), Some(amount)) if fields.is_empty() => Ok((period, amount)),
            _ => Err(fields),
        }
    }
}

/// An allocation as an admin or channel manager types it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationInput {
    pub partner: String,
    pub period: String,
    pub amount: String,
    pub expires_on: String,
}

/// An allocation that passed its checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAllocation {
    pub partner_id: i64,
    pub period_start: NaiveDate,
    pub amount_minor: i64,
    pub expires_on: NaiveDate,
}

impl AllocationInput {
    /// Checks every field; `partners` are those the allocator may choose.
    pub fn check(&self, currency: Currency, partners: &[(i64, String)]) -> Result<NewAllocation, FieldErrors> {
        let mut fields = FieldErrors::new();
        let partner_id = self.partner.trim().parse::<i64>().ok().filter(|id| partners.iter().any(|(p, _)| p == id));
        if partner_id.is_none() {
            fields.insert("partner".into(), "Choose one of your partners.".into());
        }
        let period = quarter(&self.period, "period", &mut fields);
        let amount = money(&self.amount, "amount", currency, &mut fields);
        let expires_on = NaiveDate::parse_from_str(self.expires_on.trim(), "%Y-%m-%d").ok();
        match (expires_on, period) {
            (None, _) => {
                fields.insert("expires_on".into(), "Enter a date, like 2027-03-31.".into());
            }
            (Some(expires), Some(period)) if expires < period => {
                fields.insert("expires_on".into(), "Let it expire on or after the quarter's first day.".into());
            }
            _ => {}
        }
        match (partner_id, period, amount, expires_on) {
            (Some(partner_id), Some(period_start), Some(amount_minor), Some(expires_on)) if fields.is_empty() => {
                Ok(NewAllocation { partner_id, period_start, amount_minor, expires_on })
            }
            _ => Err(fields),
        }
    }
}

/// A request for funds as a partner types it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestInput {
    pub allocation: String,
    pub kind: String,
    pub title: String,
    pub starts_on: String,
    pub ends_on: String,
    pub amount: String,
    pub expected_outcome: String,
    #[serde(default)]
    pub campaign: String,
}

/// A request that passed its checks (whether it fits what it draws on is decided when it is stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRequest {
    pub draw: Draw,
    pub kind: ActivityKind,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub amount_minor: i64,
    pub expected_outcome: String,
    pub campaign_id: Option<i64>,
}

/// The longest an activity may run.
pub const MAX_ACTIVITY_DAYS: i64 = 366;

impl RequestInput {
    pub fn typed(&self) -> Vec<(&'static str, String)> {
        vec![
            ("allocation", self.allocation.clone()),
            ("kind", self.kind.clone()),
            ("title", self.title.clone()),
            ("starts_on", self.starts_on.clone()),
            ("ends_on", self.ends_on.clone()),
            ("amount", self.amount.clone()),
            ("expected_outcome", self.expected_outcome.clone()),
            ("campaign", self.campaign.clone()),
        ]
    }

    /// Checks every field: `allocations` are the partner's open ones, `coop` its co-op fund (the
    /// allocation field's `coop` draws on it), `campaigns` those it may link; an activity must not
    /// have ended before `today`.
    pub fn check(
        &self,
        currency: Currency,
        (allocations, coop): (&[AllocationRow], Option<&crate::incentives::coop::CoopBalance>),
        campaigns: &[(i64, String)],
        today: NaiveDate,
    ) -> Result<NewRequest, FieldErrors> {
        let mut fields = FieldErrors::new();
        // What it draws on, with what that holds in all and what its requests hold already.
        let source = match (self.allocation.trim(), coop) {
            ("coop", Some(coop)) => Some((Draw::Coop, coop.accrued_minor, coop.committed_minor)),
            (raw, _) => raw
                .parse::<i64>()
                .ok()
                .and_then(|id| allocations.iter().find(|allocation| allocation.id == id && allocation.open_on(today)))
                .map(|allocation| {
                    (Draw::Allocation(allocation.id), allocation.amount_minor, allocation.committed_minor)
                }),
        };
        if source.is_none() {
            fields.insert("allocation".into(), "Choose one of your open allocations or your co-op funds.".into());
        }
        let kind = ActivityKind::parse(&self.kind);
        if kind.is_none() {
            fields.insert("kind".into(), "Choose the kind of activity.".into());
        }
        let title = crate::text::required_line(&self.title, 120, "Name the activity.")
            .map_err(|problem| fields.insert("title".into(), problem))
            .unwrap_or_default()
            .to_owned();
        let (starts_on, ends_on) =
            crate::text::date_window(&mut fields, (&self.starts_on, &self.ends_on), MAX_ACTIVITY_DAYS);
        if ends_on.is_some_and(|ends| ends < today) && !fields.contains_key("ends_on") {
            fields.insert("ends_on".into(), "Request funds for an activity that has not ended.".into());
        }
        let amount = money(&self.amount, "amount", currency, &mut fields);
        if let (Some((draw, holds, committed)), Some(amount)) = (source, amount)
            && let Err(left) = rules::request_fits(holds, committed, amount)
        {
            fields.insert("amount".into(), left_message(draw.fund(), Money { minor: left, currency }));
        }
        let expected_outcome = self.expected_outcome.trim().replace("\r\n", "\n");
        if expected_outcome.is_empty() {
            fields.insert(
                "expected_outcome".into(),
                "Say what the activity should bring: leads, meetings, deals.".into(),
            );
        } else if expected_outcome.chars().count() > 2_000 {
            fields.insert("expected_outcome".into(), "Use at most 2,000 characters.".into());
        }
        let campaign_id = match self.campaign.trim() {
            "" => None,
            raw => {
                let found = raw.parse::<i64>().ok().filter(|id| campaigns.iter().any(|(c, _)| c == id));
                if found.is_none() {
                    fields.insert("campaign".into(), "Choose a campaign from the list, or none.".into());
                }
                found
            }
        };
        match (source, kind, starts_on, ends_on, amount) {
            (Some((draw, _, _)), Some(kind), Some(starts_on), Some(ends_on), Some(amount_minor))
                if fields.is_empty() =>
            {
                Ok(NewRequest { draw, kind, title, starts_on, ends_on, amount_minor, expected_outcome, campaign_id })
            }
            _ => Err(fields),
        }
    }
}

/// What a request past what its fund has left is told.
pub fn left_message(fund: Fund, left: Money) -> String {
    match fund {
        Fund::Mdf => format!("Only {} of this allocation is left.", left.display()),
        Fund::Coop => format!("Only {} of your co-op funds is available.", left.display()),
    }
}

fn quarter(raw: &str, field: &str, fields: &mut FieldErrors) -> Option<NaiveDate> {
    let found = parse_quarter(raw);
    if found.is_none() {
        fields.insert(field.to_owned(), "Choose a quarter, like 2026-Q3.".into());
    }
    found
}

fn money(raw: &str, field: &str, currency: Currency, fields: &mut FieldErrors) -> Option<i64> {
    Money::parse_positive(raw, currency)
        .map(|money| money.minor)
        .map_err(|problem| fields.insert(field.to_owned(), problem))
        .ok()
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(ActivityKind, RequestState, ClaimState, Move, Fund);
