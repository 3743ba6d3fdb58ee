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

use serde::{Deserialize, Serialize};

/// The five roles of PRODUCT §1. Vendor staff hold the first three, partner people the last two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
}

#[cfg(test)]
mod tests {
    use super::Role;

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
