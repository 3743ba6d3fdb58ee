//! Deal registration (PRODUCT §6): partners register the deals they find, managers approve or
//! reject them, approved deals are protected for a while, and every change is on the timeline.
//!
//! The pure rules (workflow, form, clock) compile everywhere; matching, storage, the expiry job,
//! the vendor pipeline import and the CSV export run on the server only.

#[cfg(feature = "ssr")]
pub mod agenda;
pub mod commands;
#[cfg(feature = "ssr")]
pub mod conflicts;
#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod export;
pub mod form;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod matching;
#[cfg(feature = "ssr")]
pub mod narrowing;
mod pages;
#[cfg(feature = "ssr")]
pub mod pipeline;
pub mod plan;
pub mod schedule;
pub mod server;
pub mod status;
#[cfg(feature = "ssr")]
pub mod store;

pub use pages::{ApprovalQueuePage, DealPage, DealsPage, NewDealPage, PipelinePage};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use crate::money::amount_text;
pub use form::Attribution;
pub use plan::DealControls;
use status::{DealStatus, ExtensionState, TimelineKind};

/// The narrower lists a dashboard or scorecard number links to: deals closed, submitted or decided
/// within dates, by attribution, by their partner's tier or region, or of one partner. Raw query values; the server
/// checks them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DealDrill {
    pub closed_from: Option<String>,
    pub closed_to: Option<String>,
    pub submitted_from: Option<String>,
    pub submitted_to: Option<String>,
    pub decided_from: Option<String>,
    pub decided_to: Option<String>,
    pub attribution: Option<String>,
    pub tier: Option<String>,
    pub region: Option<String>,
    /// One partner organisation's deals, by id (a scorecard's numbers).
    pub partner: Option<String>,
}

impl DealDrill {
    /// Reads the drill-down values from a query by name.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> DealDrill {
        let value = |name: &str| get(name).filter(|value| !value.trim().is_empty());
        DealDrill {
            closed_from: value("closed_from"),
            closed_to: value("closed_to"),
            submitted_from: value("submitted_from"),
            submitted_to: value("submitted_to"),
            decided_from: value("decided_from"),
            decided_to: value("decided_to"),
            attribution: value("attribution"),
            tier: value("tier"),
            region: value("region"),
            partner: value("partner"),
        }
    }

    /// The values given, as (query name, value) pairs.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("closed_from", &self.closed_from),
            ("closed_to", &self.closed_to),
            ("submitted_from", &self.submitted_from),
            ("submitted_to", &self.submitted_to),
            ("decided_from", &self.decided_from),
            ("decided_to", &self.decided_to),
            ("attribution", &self.attribution),
            ("tier", &self.tier),
            ("region", &self.region),
            ("partner", &self.partner),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.clone().map(|value| (name, value)))
        .collect()
    }

    /// How the narrowing reads above the list: "Closed 2026-11-01 – 2026-11-30", "Tier Gold".
    pub fn describe(&self) -> Vec<String> {
        let span = |label: &str, from: &Option<String>, to: &Option<String>| match (from, to) {
            (None, None) => None,
            (from, to) => {
                Some(format!("{label} {} – {}", from.as_deref().unwrap_or("…"), to.as_deref().unwrap_or("…")))
            }
        };
        [
            span("Closed", &self.closed_from, &self.closed_to),
            span("Submitted", &self.submitted_from, &self.submitted_to),
            span("Decided", &self.decided_from, &self.decided_to),
            self.attribution.as_ref().map(|a| format!("Partner-{a}")),
            self.tier.as_ref().map(|t| format!("Tier {t}")),
            self.region.as_ref().map(|r| format!("Region {r}")),
            self.partner.as_ref().map(|_| "One partner".to_string()),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// The columns a vendor pipeline CSV must have, in any order.
pub const PIPELINE_COLUMNS: [&str; 7] =
    ["reference", "customer_company", "customer_domain", "amount", "currency", "stage", "owner"];

/// One line of a deals list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DealRow {
    pub id: i64,
    pub partner_name: String,
    pub customer_company: String,
    pub customer_domain: String,
    pub amount_minor: i64,
    pub currency: String,
    pub status: DealStatus,
    pub expected_close_date: NaiveDate,
    pub updated_at: DateTime<Utc>,
    pub possible_conflict: bool,
    pub protected_until: Option<DateTime<Utc>>,
    /// What a won deal finally brought in, and the day a won or lost deal closed.
    pub final_amount_minor: Option<i64>,
    pub closed_on: Option<NaiveDate>,
}

impl DealRow {
    /// What the deal counts for in the figures: its final amount once won, else the amount registered.
    pub fn value_minor(&self) -> i64 {
        match self.final_amount_minor {
            Some(final_amount) if self.status == DealStatus::Won && final_amount > 0 => final_amount,
            _ => self.amount_minor,
        }
    }
}

/// What the deals of a dated list (a figure's drill-down) are worth together, in the program's
/// reporting currency, converted deal by deal as the figures are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListWorth {
    pub minor: i64,
    pub currency: String,
    /// Some deals are in another currency.
    pub converted: bool,
}

/// How a deals list is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DealSort {
    RecentlyUpdated,
    CloseDate,
    AmountHighest,
    Customer,
}

impl DealSort {
    pub const ALL: [DealSort; 4] =
        [DealSort::RecentlyUpdated, DealSort::CloseDate, DealSort::AmountHighest, DealSort::Customer];

    pub fn as_str(self) -> &'static str {
        match self {
            DealSort::RecentlyUpdated => "updated",
            DealSort::CloseDate => "close",
            DealSort::AmountHighest => "amount",
            DealSort::Customer => "customer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DealSort::RecentlyUpdated => "Recently updated",
            DealSort::CloseDate => "Expected close date",
            DealSort::AmountHighest => "Amount, highest first",
            DealSort::Customer => "Customer, A to Z",
        }
    }

    pub fn parse(value: &str) -> DealSort {
        DealSort::ALL.into_iter().find(|sort| sort.as_str() == value).unwrap_or(DealSort::RecentlyUpdated)
    }
}

/// A page of a filtered deals list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealList {
    pub rows: Vec<DealRow>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// The total of every matching deal (not only this page's), when the list is narrowed to dates.
    pub worth: Option<ListWorth>,
    /// Vendor staff may export the list as CSV.
    pub can_export: bool,
    /// Partners may register deals.
    pub can_register: bool,
}

impl DealList {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// Everything about one deal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DealRecord {
    pub id: i64,
    pub organisation_id: i64,
    pub partner_name: String,
    pub created_by_name: String,
    pub status: DealStatus,
    pub customer_company: String,
    pub customer_domain: String,
    pub contact_name: String,
    pub contact_email: String,
    pub amount_minor: i64,
    pub currency: String,
    pub expected_close_date: NaiveDate,
    pub products: String,
    pub attribution: Attribution,
    pub notes: String,
    pub possible_conflict: bool,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub sla_due_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    pub protected_until: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "ssr", sqlx(rename = "extension_status", try_from = "Option<String>"))]
    pub extension: ExtensionState,
    pub extension_reason: Option<String>,
    pub final_amount_minor: Option<i64>,
    pub closed_on: Option<NaiveDate>,
    pub reminded_14_at: Option<DateTime<Utc>>,
    pub reminded_3_at: Option<DateTime<Utc>>,
}

impl DealRecord {
    /// What a workflow plan needs to know about this deal.
    pub fn state(&self) -> plan::DealState {
        use schedule::Reminder;
        let reminded = [(Reminder::FourteenDays, self.reminded_14_at), (Reminder::ThreeDays, self.reminded_3_at)]
            .into_iter()
            .filter_map(|(days, at)| at.map(|_| days))
            .collect();
        plan::DealState {
            status: self.status,
            extension: self.extension,
            protected_until: self.protected_until,
            customer_company: self.customer_company.clone(),
            amount_minor: self.amount_minor,
            final_amount_minor: self.final_amount_minor,
            reminded,
        }
    }
}

/// One change on a deal's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// Who did it; `None` when the protection clock acted.
    pub actor: Option<String>,
    pub kind: TimelineKind,
    pub from_status: Option<DealStatus>,
    pub to_status: Option<DealStatus>,
    pub note: String,
}

/// Something already registered or in the vendor's pipeline that looks like the same customer.
/// A manager sees who holds it, its status and when it was registered; the amount and a link
/// only when the holder is within their reach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictMatch {
    /// The partner's registration, when the holder is within the viewer's reach.
    pub deal_id: Option<i64>,
    /// The partner holding the registration, or the pipeline owner.
    pub holder: String,
    /// Whether it is the vendor's own pipeline rather than a partner's registration.
    pub pipeline: bool,
    pub customer_company: String,
    pub customer_domain: String,
    pub status: String,
    /// Registered (or imported, for the pipeline) on this day.
    pub registered_on: NaiveDate,
    /// When the holder is within the viewer's reach.
    pub amount: Option<String>,
    /// "Same domain" or "Similar company name".
    pub reason: String,
}

impl ConflictMatch {
    /// Another partner already holds this customer's domain approved: approving one more asks
    /// the manager to confirm.
    pub fn holds_domain_approved(&self) -> bool {
        !self.pipeline && self.status == "approved" && self.reason == "Same domain"
    }
}

/// The answer to the conflict check. Partners get only the flag; vendor staff also get the matches.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictCheck {
    /// The registrable domain the check used, when the domain could be read.
    pub domain: Option<String>,
    pub possible_conflict: bool,
    pub matches: Vec<ConflictMatch>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealView {
    pub deal: DealRecord,
    pub timeline: Vec<TimelineEntry>,
    /// Filled for vendor staff only: partners never learn who else registered a customer.
    pub conflicts: Vec<ConflictMatch>,
    pub controls: DealControls,
    /// What the deal earned its partner on the incentive ledger (once won), oldest first.
    pub earnings: Vec<crate::incentives::StatementLine>,
    /// For managers: the deal their queue leads on to (the earliest due other than this one).
    pub next_in_queue: Option<i64>,
    pub now: DateTime<Utc>,
}

/// A deal waiting for a manager's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct QueueRow {
    pub id: i64,
    pub partner_name: String,
    pub customer_company: String,
    pub customer_domain: String,
    pub amount_minor: i64,
    pub currency: String,
    pub submitted_at: DateTime<Utc>,
    pub sla_due_at: DateTime<Utc>,
    pub possible_conflict: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalQueue {
    pub rows: Vec<QueueRow>,
    pub now: DateTime<Utc>,
}

/// What a saved deal form answers with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealSaved {
    pub id: i64,
    pub status: DealStatus,
    pub possible_conflict: bool,
}

/// The result of a vendor pipeline import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineImported {
    pub rows: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineSummary {
    pub opportunities: i64,
    pub last_import: Option<DateTime<Utc>>,
}
