//! The partner directory: every partner organisation a vendor person may see, and one
//! partner's profile with its people.

mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

pub use pages::{PartnerPage, PartnersPage};

use serde::{Deserialize, Serialize};

use crate::team::TeamMember;

/// One partner organisation, as the directory lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PartnerRow {
    pub id: i64,
    pub name: String,
    pub partner_type: String,
    pub tier: String,
    pub region: String,
    pub channel_manager: Option<String>,
    pub channel_manager_email: Option<String>,
    pub people: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerDetail {
    pub partner: PartnerRow,
    pub members: Vec<TeamMember>,
    /// Whether the viewer may invite people into this partner (admins may).
    pub can_invite: bool,
}
