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
        viewer_id: user.user_id,
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
    if !auth_store::create_invitation(&state.db, invitation, &message).await? {
        return Err(AppError::field(
            "email",
            "An invitation to this address is waiting to be accepted. Send it again from the list of invitations.",
        ));
    }
    Ok(InvitationSent { email: email.as_str().to_owned() })
}

/// A waiting invitation the caller may manage: one into an organisation they may invite into.
/// Anyone else is told it does not exist.
#[cfg(feature = "ssr")]
async fn manageable_invitation(
    db: &crate::db::Db,
    user: &crate::auth::SessionUser,
    id: i64,
) -> Result<auth_store::OpenInvitation, AppError> {
    let invitation = auth_store::pending_invitation(db, id, Utc::now()).await?.ok_or(AppError::NotFound)?;
    let facts = guard::reachable_organisation(db, user, invitation.organisation_id).await?;
    if invitable_roles(user.role, facts.is_vendor, facts.id == user.organisation_id).is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(invitation)
}

/// Sends a waiting invitation again, with a new link and a new expiry; the old link stops working.
#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(id: i64) -> Result<InvitationSent, AppError> {
    let user = guard::signed_in()?;
    let state = state::server_state()?;
    let invitation = manageable_invitation(&state.db, &user, id).await?;
    let token = secrets::new_token()?;
    let link = format!("{}/invitation?token={token}", state.settings.public_url);
    let message = mail::invitation(&user.name, &invitation.organisation_name, invitation.role.label(), &link);
    let now = Utc::now();
    let renewed = (secrets::token_hash(&token), now + Duration::days(mail::INVITATION_DAYS));
    if !auth_store::resend_invitation(&state.db, &invitation, (&renewed.0, renewed.1), user.user_id, &message, now)
        .await?
    {
        return Err(AppError::NotFound);
    }
    Ok(InvitationSent { email: invitation.email })
}

/// Withdraws a waiting invitation: its link stops working at once.
#[server(endpoint = "withdraw_invitation")]
pub async fn withdraw_invitation(id: i64) -> Result<(), AppError> {
    let user = guard::signed_in()?;
    let db = state::db()?;
    let invitation = manageable_invitation(&db, &user, id).await?;
    if !auth_store::withdraw_invitation(&db, &invitation, user.user_id, Utc::now()).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Changes a colleague's role (to one the caller may invite with) or whether they may sign in
/// (`change`: a role, `deactivate` or `reactivate`). Nobody changes their own account this way,
/// and an organisation always keeps an active admin. Anyone who may not manage the person is told
/// they do not exist.
#[server(endpoint = "change_member")]
pub async fn change_member(id: i64, change: String) -> Result<(), AppError> {
    let user = guard::signed_in()?;
    let db = state::db()?;
    let member = store::member(&db, id).await?.ok_or(AppError::NotFound)?;
    let facts = guard::reachable_organisation(&db, &user, member.organisation_id).await?;
    let allowed = invitable_roles(user.role, facts.is_vendor, facts.id == user.organisation_id);
    if allowed.is_empty() || !allowed.contains(&member.role) {
        return Err(AppError::NotFound);
    }
    if member.id == user.user_id {
        return Err(AppError::field("change", "You cannot change your own account here. Ask another admin."));
    }
    let change = match change.as_str() {
        "deactivate" => store::MemberChange::Deactivate,
        "reactivate" => store::MemberChange::Reactivate,
        role => match Role::parse(role).filter(|role| allowed.contains(role)) {
            Some(role) => store::MemberChange::Role(role),
            None => return Err(AppError::field("change", "Choose one of the roles offered.")),
        },
    };
    let admin_role = if facts.is_vendor { Role::Admin } else { Role::PartnerAdmin };
    match store::change_member(&db, &member, change, admin_role, user.user_id, Utc::now()).await? {
        store::ChangeOutcome::Changed => Ok(()),
        store::ChangeOutcome::AlreadySo => Err(AppError::field(
            "change",
            match change {
                store::MemberChange::Role(role) => {
                    format!("{} has the role {} already.", member.email, role.label())
                }
                store::MemberChange::Deactivate => format!("{} is deactivated already.", member.email),
                store::MemberChange::Reactivate => format!("{} can sign in already.", member.email),
            },
        )),
        store::ChangeOutcome::LastAdmin => Err(AppError::field(
            "change",
            format!("{} is the last active {} here. Make someone else one first.", member.email, admin_role.label()),
        )),
    }
}
