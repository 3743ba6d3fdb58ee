use leptos::prelude::*;

use super::{InvitationSent, TeamView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::store,
    crate::auth::access::invitable_roles,
    crate::auth::forms::EmailAddress,
    crate::auth::{Role, guard, secrets, store as auth_store},
    crate::mail,
    crate::state,
    chrono::{Duration, Utc},
};

/// The people of an organisation (the caller's own by default) and its open invitations.
#[server(endpoint = "team")]
pub async fn team(organisation_id: Option<i64>) -> Result<TeamView, AppError> {
    let user = guard::signed_in()?;
    let db = state::db()?;
    let facts = guard::reachable_organisation(&db, &user, organisation_id.unwrap_or(user.organisation_id)).await?;
    let own = facts.id == user.organisation_id;
    let invitable = invitable_roles(user.role, facts.is_vendor, own).to_vec();
    let pending =
        if invitable.is_empty() { Vec::new() } else { store::pending_invitations(&db, facts.id, Utc::now()).await? };
    Ok(TeamView {
        organisation_id: facts.id,
        organisation_name: store::organisation_name(&db, facts.id).await?.ok_or(AppError::NotFound)?,
        members: store::members(&db, facts.id).await?,
        pending,
        invitable,
    })
}

/// Invites someone into an organisation with a role; the link goes out by email (outbox).
#[server(endpoint = "invite")]
pub async fn invite(email: String, role: String, organisation_id: Option<i64>) -> Result<InvitationSent, AppError> {
    let user = guard::signed_in()?;
    let state = state::server_state()?;
    let facts =
        guard::reachable_organisation(&state.db, &user, organisation_id.unwrap_or(user.organisation_id)).await?;
    let allowed = invitable_roles(user.role, facts.is_vendor, facts.id == user.organisation_id);
    if allowed.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut fields = crate::error::FieldErrors::new();
    let email = EmailAddress::parse(&email).map_err(|message| fields.insert("email".into(), message)).ok();
    let role = Role::parse(&role).filter(|role| allowed.contains(role));
    if role.is_none() {
        fields.insert("role".into(), "Choose one of the roles offered.".into());
    }
    let (Some(email), Some(role), true) = (email, role, fields.is_empty()) else {
        return Err(AppError::invalid(fields));
    };
    if auth_store::email_taken(&state.db, email.as_str()).await? {
        return Err(AppError::field("email", "This person already has a Tessera account."));
    }
    let organisation = store::organisation_name(&state.db, facts.id).await?.ok_or(AppError::NotFound)?;
    let token = secrets::new_token()?;
    let link = format!("{}/invitation?token={token}", state.settings.public_url);
    let message = mail::invitation(&user.name, &organisation, role.label(), &link);
    let now = Utc::now();
    let invitation = auth_store::NewInvitation {
        token_hash: &secrets::token_hash(&token),
        email: email.as_str(),
        role,
        organisation_id: facts.id,
        invited_by: user.user_id,
        now,
        expires_at: now + Duration::days(mail::INVITATION_DAYS),
    };
    auth_store::create_invitation(&state.db, invitation, &message).await?;
    Ok(InvitationSent { email: email.as_str().to_owned() })
}
