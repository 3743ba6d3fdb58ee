//! The people of an organisation and invitations to join it.

mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

pub use pages::{InviteForm, MemberTable, TeamPage};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::Role;

/// One of an organisation's people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = Person))]
pub struct TeamMember {
    pub id: i64,
    pub name: String,
    pub email: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub role: Role,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PendingInvitation {
    pub id: i64,
    pub email: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub role: Role,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamView {
    pub organisation_id: i64,
    pub organisation_name: String,
    pub members: Vec<TeamMember>,
    pub pending: Vec<PendingInvitation>,
    /// The roles the viewer may invite into this organisation (empty: no invite form), least
    /// privileged first; also the roles they may give its people.
    pub invitable: Vec<Role>,
    /// The viewer, who does not manage their own account here.
    pub viewer_id: i64,
}

/// What the inviter sees once an invitation is sent. The link (a key to a new account) goes
/// only to the invitee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationSent {
    pub email: String,
}
