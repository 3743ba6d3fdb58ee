//! MDF's pure rules: what an activity is, the states of a request and of its claim and who moves
//! them ([`step`]), and the sums that keep allocations within a quarter's budget, requests within
//! an allocation and claims within what was pre-approved.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a partner spends market development funds on. Stored by [`ActivityKind::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

/// Where a request's funds come from. Stored by [`Fund::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Fund {
    /// A quarter's market development funds, allocated to the partner.
    Mdf,
    /// The partner's co-op funds, accrued on its won revenue.
    Coop,
}

impl Fund {
    pub fn as_str(self) -> &'static str {
        match self {
            Fund::Mdf => "mdf",
            Fund::Coop => "coop",
        }
    }

    pub fn parse(raw: &str) -> Option<Fund> {
        [Fund::Mdf, Fund::Coop].into_iter().find(|fund| fund.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Fund::Mdf => "MDF",
            Fund::Coop => "Co-op",
        }
    }

    /// How messages name it: short, and in full.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Fund::Mdf => ("MDF", "market development funds"),
            Fund::Coop => ("co-op funds", "co-op funds"),
        }
    }
}

/// What a request draws on: one of the partner's MDF allocations, or its co-op funds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Draw {
    Allocation(i64),
    Coop,
}

impl Draw {
    pub fn fund(self) -> Fund {
        match self {
            Draw::Allocation(_) => Fund::Mdf,
            Draw::Coop => Fund::Coop,
        }
    }

    pub fn allocation_id(self) -> Option<i64> {
        match self {
            Draw::Allocation(id) => Some(id),
            Draw::Coop => None,
        }
    }
}

/// Where a request for funds stands. Stored by [`RequestState::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

/// Where a claim for an executed activity stands. Stored by [`ClaimState::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ClaimState {
    /// Sent with its proof of performance, waiting for the channel manager.
    Claimed,
    /// Approved: a payable ledger entry pays it.
    Approved,
    /// Declined with a reason: the partner may claim again.
    Rejected,
}

impl ClaimState {
    pub const ALL: [ClaimState; 3] = [ClaimState::Claimed, ClaimState::Approved, ClaimState::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimState::Claimed => "claimed",
            ClaimState::Approved => "approved",
            ClaimState::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<ClaimState> {
        ClaimState::ALL.into_iter().find(|state| state.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            ClaimState::Claimed => "Claim waiting for approval",
            ClaimState::Approved => "Claim approved",
            ClaimState::Rejected => "Claim rejected",
        }
    }
}

/// Where a request stands with its latest claim: what its list and its page show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Stage {
    pub request: RequestState,
    pub claim: Option<ClaimState>,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self.claim {
            Some(claim) => claim.label(),
            None => self.request.label(),
        }
    }

    /// Whether it waits for its channel manager: a request to decide or a claim to approve.
    pub fn waits_for_manager(self) -> bool {
        self.request == RequestState::Requested || self.claim == Some(ClaimState::Claimed)
    }

    /// The badge's tone.
    pub fn tone(self) -> &'static str {
        match (self.request, self.claim) {
            _ if self.waits_for_manager() => "warning",
            (_, Some(ClaimState::Approved)) | (RequestState::PreApproved | RequestState::Executed, None) => "success",
            (_, Some(ClaimState::Rejected)) => "danger",
            _ => "neutral",
        }
    }
}

/// A line of a request's timeline: a move of the request or of a claim. Stored by [`Move::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Move {
    Request(RequestState),
    Claim(ClaimState),
}

impl Move {
    pub fn as_str(self) -> &'static str {
        match self {
            Move::Request(state) => state.as_str(),
            Move::Claim(ClaimState::Claimed) => "claimed",
            Move::Claim(ClaimState::Approved) => "claim_approved",
            Move::Claim(ClaimState::Rejected) => "claim_rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<Move> {
        RequestState::parse(raw)
            .map(Move::Request)
            .or_else(|| ClaimState::ALL.into_iter().map(Move::Claim).find(|found| found.as_str() == raw))
    }

    pub fn label(self) -> &'static str {
        match self {
            Move::Request(state) => state.label(),
            Move::Claim(ClaimState::Claimed) => "Claimed",
            Move::Claim(state) => state.label(),
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
    Reject {
        reason: String,
    },
    Withdraw,
    MarkExecuted,
    /// Claim what an executed activity cost, with proof of performance.
    Claim,
    ApproveClaim,
    RejectClaim {
        reason: String,
    },
}

/// Why a command was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MdfRefusal {
    #[error("Only its channel manager or an admin decides on a request or a claim.")]
    ManagersDecide,
    #[error("Only the partner's people withdraw a request, mark it executed or claim it.")]
    PartnersAct,
    #[error("Say why it is rejected: the partner sees it.")]
    ReasonRequired,
    #[error("The activity starts on {0}: mark it executed once it has begun.")]
    NotStarted(NaiveDate),
    #[error("It stands at \u{201c}{}\u{201d}: that cannot be done now.", .0.label().to_lowercase())]
    NotNow(Stage),
}

/// The move `command` makes of a request at `stage` when `side` may give it; `starts_on` is the
/// activity's first day and `today` the day it is given.
pub fn step(
    stage: Stage,
    side: Side,
    command: &MdfCommand,
    starts_on: NaiveDate,
    today: NaiveDate,
) -> Result<Move, MdfRefusal> {
    use MdfCommand as C;
    use RequestState::*;
    let decides = matches!(command, C::PreApprove | C::Reject { .. } | C::ApproveClaim | C::RejectClaim { .. });
    match (decides, side) {
        (true, Side::Partner) => return Err(MdfRefusal::ManagersDecide),
        (false, Side::Manager) => return Err(MdfRefusal::PartnersAct),
        _ => {}
    }
    let claim = stage.claim;
    match (stage.request, claim, command) {
        (Requested, _, C::PreApprove) => Ok(Move::Request(PreApproved)),
        (Requested, _, C::Reject { reason }) if reason.trim().is_empty() => Err(MdfRefusal::ReasonRequired),
        (Requested, _, C::Reject { .. }) => Ok(Move::Request(Rejected)),
        (Requested, _, C::Withdraw) => Ok(Move::Request(Withdrawn)),
        (PreApproved, _, C::MarkExecuted) if today < starts_on => Err(MdfRefusal::NotStarted(starts_on)),
        (PreApproved, _, C::MarkExecuted) => Ok(Move::Request(Executed)),
        (Executed, None | Some(ClaimState::Rejected), C::Claim) => Ok(Move::Claim(ClaimState::Claimed)),
        (Executed, Some(ClaimState::Claimed), C::ApproveClaim) => Ok(Move::Claim(ClaimState::Approved)),
        (Executed, Some(ClaimState::Claimed), C::RejectClaim { reason }) if reason.trim().is_empty() => {
            Err(MdfRefusal::ReasonRequired)
        }
        (Executed, Some(ClaimState::Claimed), C::RejectClaim { .. }) => Ok(Move::Claim(ClaimState::Rejected)),
        _ => Err(MdfRefusal::NotNow(stage)),
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

/// Whether a claim of `amount` stays within the `pre_approved` amount; `Err` holds that amount.
pub fn claim_fits(pre_approved: i64, amount: i64) -> Result<(), i64> {
    if amount <= pre_approved { Ok(()) } else { Err(pre_approved) }
}
