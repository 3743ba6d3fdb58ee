//! Identity and access: who is signed in, what their role lets them do (roles, the one reach
//! rule, the server guard), sessions, invitations and resets. The pages to get in are
//! [`crate::account`]'s.

pub mod access;
pub mod forms;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod reach;
#[cfg(feature = "ssr")]
pub mod secrets;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The five roles of PRODUCT §1. Vendor staff hold the first three, partner people the last two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    ChannelManager,
    Marketing,
    PartnerAdmin,
    PartnerUser,
}

impl Role {
    pub const ALL: [Role; 5] =
        [Role::Admin, Role::ChannelManager, Role::Marketing, Role::PartnerAdmin, Role::PartnerUser];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::ChannelManager => "channel_manager",
            Role::Marketing => "marketing",
            Role::PartnerAdmin => "partner_admin",
            Role::PartnerUser => "partner_user",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Program admin",
            Role::ChannelManager => "Channel manager",
            Role::Marketing => "Channel marketing",
            Role::PartnerAdmin => "Partner admin",
            Role::PartnerUser => "Partner user",
        }
    }

    pub fn is_vendor_staff(self) -> bool {
        matches!(self, Role::Admin | Role::ChannelManager | Role::Marketing)
    }
}

/// The signed-in person, as every page and server function sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SessionUser {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub role: Role,
    pub organisation_id: i64,
    pub organisation_name: String,
    /// Where their organisation stands with the partner agreement, as of this request.
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    #[serde(default)]
    pub agreement: AgreementStanding,
}

impl SessionUser {
    /// Whether they may use the portal beyond the agreement page: `Err` with what to do when their
    /// organisation must accept the partner agreement first.
    pub fn admitted(&self) -> Result<(), crate::error::AppError> {
        if self.agreement != AgreementStanding::Required {
            return Ok(());
        }
        let message = match self.role {
            Role::PartnerAdmin => "Accept the partner agreement to go on: it is on the agreement page (/agreement).",
            _ => "Your administrator must accept the partner agreement before you can go on.",
        };
        Err(crate::error::AppError::AgreementRequired { message: message.to_owned() })
    }
}

/// Where a partner organisation stands with the current partner agreement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "standing", rename_all = "snake_case")]
pub enum AgreementStanding {
    /// Nothing to accept: the current version is accepted, none is published, or vendor staff.
    #[default]
    Settled,
    /// A new version waits; the organisation may go on until `by`, with a banner.
    DueBy { by: DateTime<Utc> },
    /// The current version must be accepted before anything else.
    Required,
}

impl AgreementStanding {
    /// The standing at `now` of an organisation that must accept the current version by `due`
    /// (`None`: nothing to accept).
    pub fn at(due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> AgreementStanding {
        match due {
            None => AgreementStanding::Settled,
            Some(by) if now < by => AgreementStanding::DueBy { by },
            Some(_) => AgreementStanding::Required,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{AgreementStanding, Role};
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn an_organisation_goes_on_until_its_deadline_and_not_a_moment_after() {
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).single().expect("time");
        assert_eq!(AgreementStanding::at(None, now), AgreementStanding::Settled);
        let by = now + Duration::seconds(1);
        assert_eq!(AgreementStanding::at(Some(by), now), AgreementStanding::DueBy { by });
        assert_eq!(AgreementStanding::at(Some(now), now), AgreementStanding::Required);
        assert_eq!(AgreementStanding::at(Some(now - Duration::days(400)), now), AgreementStanding::Required);
    }

    #[test]
    fn every_role_parses_back_from_its_stored_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
        assert_eq!(Role::parse("Admin"), None);
    }

    #[test]
    fn only_the_three_vendor_roles_are_vendor_staff() {
        let staff: Vec<_> = Role::ALL.into_iter().filter(|r| r.is_vendor_staff()).collect();
        assert_eq!(staff, [Role::Admin, Role::ChannelManager, Role::Marketing]);
    }
}
