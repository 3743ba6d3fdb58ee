//! The deal workflow: `draft → submitted → approved | rejected → won | lost | expired`.
//! Every move goes through [`transition`]; anything else is refused with a reason a person can read.

use serde::{Deserialize, Serialize};

use crate::auth::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealStatus {
    Draft,
    Submitted,
    Approved,
    Rejected,
    Won,
    Lost,
    Expired,
}

impl DealStatus {
    pub const ALL: [DealStatus; 7] = [
        DealStatus::Draft,
        DealStatus::Submitted,
        DealStatus::Approved,
        DealStatus::Rejected,
        DealStatus::Won,
        DealStatus::Lost,
        DealStatus::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DealStatus::Draft => "draft",
            DealStatus::Submitted => "submitted",
            DealStatus::Approved => "approved",
            DealStatus::Rejected => "rejected",
            DealStatus::Won => "won",
            DealStatus::Lost => "lost",
            DealStatus::Expired => "expired",
        }
    }

    pub fn parse(value: &str) -> Option<DealStatus> {
        DealStatus::ALL.into_iter().find(|status| status.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            DealStatus::Draft => "Draft",
            DealStatus::Submitted => "Waiting for approval",
            DealStatus::Approved => "Approved",
            DealStatus::Rejected => "Rejected",
            DealStatus::Won => "Won",
            DealStatus::Lost => "Lost",
            DealStatus::Expired => "Expired",
        }
    }

    /// A registration that still protects the customer for its partner (and so can conflict).
    pub fn is_open(self) -> bool {
        matches!(self, DealStatus::Submitted | DealStatus::Approved)
    }

    /// No move leaves this status.
    pub fn is_final(self) -> bool {
        matches!(self, DealStatus::Rejected | DealStatus::Won | DealStatus::Lost | DealStatus::Expired)
    }
}

impl TryFrom<String> for DealStatus {
    type Error = String;
    fn try_from(value: String) -> Result<DealStatus, String> {
        DealStatus::parse(&value).ok_or_else(|| format!("unknown deal status {value:?}"))
    }
}

/// What someone (or the expiry job) does to a deal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DealAction {
    Submit,
    Approve,
    Reject {
        reason: String,
    },
    MarkWon,
    MarkLost,
    /// The protection period ended (the background job, not a person).
    Expire,
}

impl DealAction {
    pub fn label(&self) -> &'static str {
        match self {
            DealAction::Submit => "submit",
            DealAction::Approve => "approve",
            DealAction::Reject { .. } => "reject",
            DealAction::MarkWon => "mark as won",
            DealAction::MarkLost => "mark as lost",
            DealAction::Expire => "expire",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum TransitionError {
    #[error("This deal is {} and cannot be {}.", .from.as_str(), past_tense(.action))]
    NotAllowed { from: DealStatus, action: String },
    #[error("Say why the deal is rejected: the partner sees the reason.")]
    ReasonRequired,
}

fn past_tense(action: &str) -> String {
    match action {
        "submit" => "submitted".into(),
        "approve" => "approved".into(),
        "reject" => "rejected".into(),
        "expire" => "expired".into(),
        other => other.replace("mark as", "marked as"),
    }
}

/// The status a deal moves to when `action` is applied in status `from`.
pub fn transition(from: DealStatus, action: &DealAction) -> Result<DealStatus, TransitionError> {
    use DealStatus::*;
    let to = match (from, action) {
        (Draft, DealAction::Submit) => Submitted,
        (Submitted, DealAction::Approve) => Approved,
        (Submitted, DealAction::Reject { reason }) => {
            if reason.trim().is_empty() {
                return Err(TransitionError::ReasonRequired);
            }
            Rejected
        }
        (Approved, DealAction::MarkWon) => Won,
        (Approved, DealAction::MarkLost) => Lost,
        (Approved, DealAction::Expire) => Expired,
        _ => return Err(TransitionError::NotAllowed { from, action: action.label().into() }),
    };
    Ok(to)
}

/// Whether a person with `role` may take `action` at all (the expiry job is not a person).
/// Partners register and close their own deals; vendor managers decide on them.
pub fn role_may(role: Role, action: &DealAction) -> bool {
    match action {
        DealAction::Submit => matches!(role, Role::PartnerAdmin | Role::PartnerUser),
        DealAction::Approve | DealAction::Reject { .. } => matches!(role, Role::Admin | Role::ChannelManager),
        DealAction::MarkWon | DealAction::MarkLost => {
            matches!(role, Role::PartnerAdmin | Role::PartnerUser | Role::Admin | Role::ChannelManager)
        }
        DealAction::Expire => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actions() -> [DealAction; 6] {
        [
            DealAction::Submit,
            DealAction::Approve,
            DealAction::Reject { reason: "Customer already in the vendor's pipeline".into() },
            DealAction::MarkWon,
            DealAction::MarkLost,
            DealAction::Expire,
        ]
    }

    #[test]
    fn exactly_the_workflow_moves_are_allowed() {
        use DealStatus::*;
        let allowed = [
            (Draft, "submit", Submitted),
            (Submitted, "approve", Approved),
            (Submitted, "reject", Rejected),
            (Approved, "mark as won", Won),
            (Approved, "mark as lost", Lost),
            (Approved, "expire", Expired),
        ];
        for from in DealStatus::ALL {
            for action in actions() {
                let expected =
                    allowed.iter().find(|(f, a, _)| *f == from && *a == action.label()).map(|(_, _, to)| *to);
                match (transition(from, &action), expected) {
                    (Ok(to), Some(want)) => assert_eq!(to, want, "{from:?} + {}", action.label()),
                    (Err(TransitionError::NotAllowed { .. }), None) => {}
                    (got, want) => panic!("{from:?} + {}: got {got:?}, expected {want:?}", action.label()),
                }
            }
        }
    }

    #[test]
    fn final_statuses_admit_no_move() {
        for from in DealStatus::ALL.into_iter().filter(|s| s.is_final()) {
            for action in actions() {
                assert!(transition(from, &action).is_err(), "{from:?} + {}", action.label());
            }
        }
    }

    #[test]
    fn rejecting_needs_a_reason() {
        let blank = DealAction::Reject { reason: "   ".into() };
        assert_eq!(transition(DealStatus::Submitted, &blank), Err(TransitionError::ReasonRequired));
    }

    #[test]
    fn refusals_read_as_sentences() {
        let error = transition(DealStatus::Won, &DealAction::Approve).expect_err("refused");
        assert_eq!(error.to_string(), "This deal is won and cannot be approved.");
        let error = transition(DealStatus::Draft, &DealAction::MarkWon).expect_err("refused");
        assert_eq!(error.to_string(), "This deal is draft and cannot be marked as won.");
    }

    #[test]
    fn partners_register_and_managers_decide() {
        assert!(role_may(Role::PartnerUser, &DealAction::Submit));
        assert!(!role_may(Role::PartnerUser, &DealAction::Approve));
        assert!(!role_may(Role::PartnerAdmin, &DealAction::Reject { reason: "x".into() }));
        assert!(role_may(Role::ChannelManager, &DealAction::Approve));
        assert!(!role_may(Role::Marketing, &DealAction::Approve));
        assert!(!role_may(Role::Admin, &DealAction::Submit));
        for role in Role::ALL {
            assert!(!role_may(role, &DealAction::Expire), "only the expiry job expires deals");
        }
    }

    #[test]
    fn only_submitted_and_approved_registrations_are_open() {
        let open: Vec<_> = DealStatus::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(open, [DealStatus::Submitted, DealStatus::Approved]);
        for status in DealStatus::ALL {
            assert_eq!(DealStatus::parse(status.as_str()), Some(status));
        }
    }
}
