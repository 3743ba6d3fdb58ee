//! The deal workflow's states: `draft → submitted → approved | rejected → won | lost | expired`,
//! the extension's, and the kinds of line on a deal's timeline; each stored as its `as_str`.
//! Which moves are allowed is [`super::plan`]'s.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

/// Whether a partner asked for more protection time, and the answer. Stored like [`DealStatus`]
/// (`NULL` for never asked).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExtensionState {
    #[default]
    None,
    Requested,
    Approved,
    Declined,
}

impl ExtensionState {
    /// The stored value; `None` for never asked.
    pub fn as_stored(self) -> Option<&'static str> {
        match self {
            ExtensionState::None => None,
            ExtensionState::Requested => Some("requested"),
            ExtensionState::Approved => Some("approved"),
            ExtensionState::Declined => Some("declined"),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ExtensionState::None => "Not requested",
            ExtensionState::Requested => "Requested, waiting for the channel manager",
            ExtensionState::Approved => "Granted",
            ExtensionState::Declined => "Declined",
        }
    }
}

impl TryFrom<Option<String>> for ExtensionState {
    type Error = String;
    fn try_from(value: Option<String>) -> Result<ExtensionState, String> {
        match value.as_deref() {
            None => Ok(ExtensionState::None),
            Some("requested") => Ok(ExtensionState::Requested),
            Some("approved") => Ok(ExtensionState::Approved),
            Some("declined") => Ok(ExtensionState::Declined),
            Some(other) => Err(format!("unknown extension state {other:?}")),
        }
    }
}

/// What a line of a deal's timeline records. Stored by [`TimelineKind::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    Created,
    Submitted,
    Approved,
    Rejected,
    Won,
    Lost,
    Expired,
    Reminder,
    ExtensionRequested,
    ExtensionApproved,
    ExtensionDeclined,
    /// A won deal reopened as lost.
    Reopened,
}

impl TimelineKind {
    pub const ALL: [TimelineKind; 12] = [
        TimelineKind::Created,
        TimelineKind::Submitted,
        TimelineKind::Approved,
        TimelineKind::Rejected,
        TimelineKind::Won,
        TimelineKind::Lost,
        TimelineKind::Expired,
        TimelineKind::Reminder,
        TimelineKind::ExtensionRequested,
        TimelineKind::ExtensionApproved,
        TimelineKind::ExtensionDeclined,
        TimelineKind::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TimelineKind::Created => "created",
            TimelineKind::Submitted => "submitted",
            TimelineKind::Approved => "approved",
            TimelineKind::Rejected => "rejected",
            TimelineKind::Won => "won",
            TimelineKind::Lost => "lost",
            TimelineKind::Expired => "expired",
            TimelineKind::Reminder => "reminder",
            TimelineKind::ExtensionRequested => "extension_requested",
            TimelineKind::ExtensionApproved => "extension_approved",
            TimelineKind::ExtensionDeclined => "extension_declined",
            TimelineKind::Reopened => "reopened",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TimelineKind::Created => "Saved as a draft",
            TimelineKind::Submitted => "Submitted",
            TimelineKind::Approved => "Approved",
            TimelineKind::Rejected => "Rejected",
            TimelineKind::Won => "Marked as won",
            TimelineKind::Lost => "Marked as lost",
            TimelineKind::Expired => "Expired",
            TimelineKind::Reminder => "Reminder",
            TimelineKind::ExtensionRequested => "Extension requested",
            TimelineKind::ExtensionApproved => "Extension granted",
            TimelineKind::ExtensionDeclined => "Extension declined",
            TimelineKind::Reopened => "Reopened as lost",
        }
    }

    pub fn parse(value: &str) -> Option<TimelineKind> {
        TimelineKind::ALL.into_iter().find(|kind| kind.as_str() == value)
    }
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(DealStatus, TimelineKind);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_submitted_and_approved_registrations_are_open() {
        let open: Vec<_> = DealStatus::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(open, [DealStatus::Submitted, DealStatus::Approved]);
        for status in DealStatus::ALL {
            assert_eq!(DealStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn every_stored_state_reads_back() {
        for kind in TimelineKind::ALL {
            assert_eq!(TimelineKind::parse(kind.as_str()), Some(kind));
        }
        for state in
            [ExtensionState::None, ExtensionState::Requested, ExtensionState::Approved, ExtensionState::Declined]
        {
            assert_eq!(ExtensionState::try_from(state.as_stored().map(str::to_owned)), Ok(state));
        }
        assert!(ExtensionState::try_from(Some("maybe".to_owned())).is_err());
    }
}
