//! MDF's pure rules: what an activity is, the request's states and who moves it between them,
//! and the sums that keep allocations within a quarter's budget and requests within an allocation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a partner spends market development funds on. Stored by [`ActivityKind::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivityKind {
    Event,
    Digital,
    Content,
    Training,
    Telemarketing,
    Other,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 6] = [
        ActivityKind::Event,
        ActivityKind::Digital,
        ActivityKind::Content,
        ActivityKind::Training,
        ActivityKind::Telemarketing,
        ActivityKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Event => "event",
            ActivityKind::Digital => "digital",
            ActivityKind::Content => "content",
            ActivityKind::Training => "training",
            ActivityKind::Telemarketing => "telemarketing",
            ActivityKind::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|kind| kind.as_str() == raw.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::Event => "Event or trade show",
            ActivityKind::Digital => "Digital advertising",
            ActivityKind::Content => "Content and collateral",
            ActivityKind::Training => "Sales training",
            ActivityKind::Telemarketing => "Telemarketing",
            ActivityKind::Other => "Other",
        }
    }
}

/// Where a request for funds stands. Stored by [`RequestState::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RequestState {
    /// Sent by the partner, waiting for its channel manager.
    Requested,
    /// The manager agreed to fund it: the partner may run the activity.
    PreApproved,
    /// The manager declined, with a reason.
    Rejected,
    /// The partner took it back before a decision.
    Withdrawn,
    /// The partner ran the activity: it is ready to be claimed.
    Executed,
}

impl RequestState {
    pub const ALL: [RequestState; 5] = [
        RequestState::Requested,
        RequestState::PreApproved,
        RequestState::Rejected,
        RequestState::Withdrawn,
        RequestState::Executed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Requested => "requested",
            RequestState::PreApproved => "pre_approved",
            RequestState::Rejected => "rejected",
            RequestState::Withdrawn => "withdrawn",
            RequestState::Executed => "executed",
        }
    }

    pub fn parse(raw: &str) -> Option<RequestState> {
        RequestState::ALL.into_iter().find(|state| state.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            RequestState::Requested => "Waiting for approval",
            RequestState::PreApproved => "Pre-approved",
            RequestState::Rejected => "Rejected",
            RequestState::Withdrawn => "Withdrawn",
            RequestState::Executed => "Executed",
        }
    }
}

/// Whether an allocation whose last day is `expires_on` may still be drawn on `today`.
pub fn allocation_open(expires_on: NaiveDate, today: NaiveDate) -> bool {
    today <= expires_on
}

/// Who acts on a request: the partner's people, or vendor staff within reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Partner,
    Manager,
}

/// What someone does to a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MdfCommand {
    PreApprove,
    Reject { reason: String },
    Withdraw,
    MarkExecuted,
}

/// Why a command was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MdfRefusal {
    #[error("Only its channel manager or an admin decides on a request.")]
    ManagersDecide,
    #[error("Only the partner's people withdraw a request or mark it executed.")]
    PartnersAct,
    #[error("Say why the request is rejected: the partner sees it.")]
    ReasonRequired,
    #[error("The activity starts on {0}: mark it executed once it has begun.")]
    NotStarted(NaiveDate),
    #[error("It is {}: that cannot be done now.", .0.label().to_lowercase())]
    NotNow(RequestState),
}

/// The state `command` moves a request in `state` to, when `side` may give it; `starts_on` is the
/// activity's first day and `today` the day it is given.
pub fn step(
    state: RequestState,
    side: Side,
    command: &MdfCommand,
    starts_on: NaiveDate,
    today: NaiveDate,
) -> Result<RequestState, MdfRefusal> {
    use RequestState::*;
    match (command, side) {
        (MdfCommand::PreApprove | MdfCommand::Reject { .. }, Side::Partner) => return Err(MdfRefusal::ManagersDecide),
        (MdfCommand::Withdraw | MdfCommand::MarkExecuted, Side::Manager) => return Err(MdfRefusal::PartnersAct),
        _ => {}
    }
    match (state, command) {
        (Requested, MdfCommand::PreApprove) => Ok(PreApproved),
        (Requested, MdfCommand::Reject { reason }) if reason.trim().is_empty() => Err(MdfRefusal::ReasonRequired),
        (Requested, MdfCommand::Reject { .. }) => Ok(Rejected),
        (Requested, MdfCommand::Withdraw) => Ok(Withdrawn),
        (PreApproved, MdfCommand::MarkExecuted) if today < starts_on => Err(MdfRefusal::NotStarted(starts_on)),
        (PreApproved, MdfCommand::MarkExecuted) => Ok(Executed),
        (state, _) => Err(MdfRefusal::NotNow(state)),
    }
}

/// Whether giving a partner `amount` of a quarter's `budget`, beside the `others` already allocated
/// to other partners, stays within it; the message says how much is left.
pub fn allocation_fits(budget: i64, others: i64, amount: i64) -> Result<(), i64> {
    let left = budget - others;
    if amount <= left { Ok(()) } else { Err(left.max(0)) }
}

/// Whether a request of `amount` fits an allocation of `allocated` of which `committed` is
/// requested already; `Err` holds what is left.
pub fn request_fits(allocated: i64, committed: i64, amount: i64) -> Result<(), i64> {
    allocation_fits(allocated, committed, amount)
}
