//! Accounts, sessions, invitations, password resets and organisations' reach facts in the database.

use chrono::{DateTime, Utc};

use super::forms::{EmailAddress, THROTTLE_WINDOW_MINUTES, sign_in_refused_for};
use super::reach::OrganisationFacts;
use super::secrets::PasswordHash;
use super::{Role, SessionUser};
use crate::audit::{self, AuditAction};
use crate::db::{Db, Tx};
use crate::mail::{self, Message};
use crate::{execute_in, on_db, on_tx};

impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(value: String) -> Result<Role, String> {
        Role::parse(&value).ok_or_else(|| format!("unknown role {value:?}"))
    }
}

/// The columns of a [`SessionUser`], from `users u` joined to `organisations o`.
#[macro_export]
macro_rules! session_user_columns {
    () => {
        "u.id AS user_id, u.name, u.email, u.role, u.organisation_id, o.name AS organisation_name"
    };
}

/// By when the organisation `o` must accept the current agreement version, as `agreement_due`: at
/// once if it never accepted one, by the version's deadline if it accepted an earlier one, never
/// (NULL) if it accepted this one, none is published, or it is the vendor. Every way in (a
/// session, an API token) reads it so.
#[macro_export]
macro_rules! agreement_due_column {
    () => {
        concat!(
            "CASE WHEN o.kind = 'partner' AND NOT EXISTS (SELECT 1 FROM agreement_acceptances a ",
            "WHERE a.organisation_id = o.id AND a.version_id = ",
            "(SELECT v.id FROM agreement_versions v ORDER BY v.number DESC LIMIT 1)) ",
            "THEN (SELECT CASE WHEN EXISTS (SELECT 1 FROM agreement_acceptances e WHERE e.organisation_id = o.id) ",
            "THEN v.required_from ELSE v.published_at END FROM agreement_versions v ORDER BY v.number DESC LIMIT 1) ",
            "END AS agreement_due"
        )
    };
}

crate::statements! {
    // With the session, by when its organisation must accept the current agreement version.
    const SESSION_USER = concat!(
        "SELECT ", session_user_columns!(), ", s.expires_at, ", agreement_due_column!(), " FROM sessions s ",
        "JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.organisation_id ",
        "WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.deactivated_at IS NULL"
    );
    const USER_BY_ID = concat!(
        "SELECT ", session_user_columns!(), " FROM users u JOIN organisations o ON o.id = u.organisation_id ",
        "WHERE u.id = $1"
    );
    const CREDENTIALS = "SELECT id, password_hash FROM users WHERE email = $1 AND deactivated_at IS NULL";
    const EMAIL_TAKEN = "SELECT id FROM users WHERE email = $1";
    const RECENT_ATTEMPTS = "SELECT failed_at FROM sign_in_failures WHERE email = $1 AND failed_at > $2 ORDER BY failed_at";
    const INSERT_ATTEMPT = "INSERT INTO sign_in_failures (email, failed_at) VALUES ($1, $2)";
    const FORGET_ATTEMPTS = "DELETE FROM sign_in_failures WHERE email = $1";
    const INSERT_SESSION = "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
    const MARK_SIGNED_IN = "UPDATE users SET last_signed_in_at = $1 WHERE id = $2";
    const DELETE_SESSION = "DELETE FROM sessions WHERE token_hash = $1";
    const INSERT_INVITATION = "INSERT INTO invitations (token_hash, email, role, organisation_id, invited_by, created_at, expires_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7)";
    const OPEN_INVITATION = "SELECT i.id, i.email, i.role, i.organisation_id, o.name AS organisation_name, i.expires_at \
        FROM invitations i JOIN organisations o ON o.id = i.organisation_id \
        WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > $2";
    const CLAIM_INVITATION = "UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL";
    const PENDING_FOR_EMAIL = "SELECT id FROM invitations WHERE lower(email) = lower($1) AND organisation_id = $2 \
        AND accepted_at IS NULL AND expires_at > $3 LIMIT 1";
    const PENDING_INVITATION = "SELECT i.id, i.email, i.role, i.organisation_id, o.name AS organisation_name, i.expires_at \
        FROM invitations i JOIN organisations o ON o.id = i.organisation_id \
        WHERE i.id = $1 AND i.accepted_at IS NULL AND i.expires_at > $2";
    const RENEW_INVITATION = "UPDATE invitations SET token_hash = $1, expires_at = $2 \
        WHERE id = $3 AND accepted_at IS NULL AND expires_at > $4";
    const WITHDRAW_INVITATION = "UPDATE invitations SET expires_at = $1 WHERE id = $2 AND accepted_at IS NULL AND expires_at > $1";
    const INSERT_USER = "INSERT INTO users (organisation_id, email, name, role, password_hash, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    const INSERT_RESET = "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
    const SPEND_RESET = "UPDATE password_resets SET used_at = $1 \
        WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id";
    const SET_PASSWORD = "UPDATE users SET password_hash = $1 WHERE id = $2";
    // Locks an organisation's people (not its row: that would count as a partner change).
    pub const LOCK_PEOPLE = "UPDATE users SET organisation_id = organisation_id WHERE organisation_id = $1";
    pub const DELETE_SESSIONS_OF = "DELETE FROM sessions WHERE user_id = $1";
    const FORGET_ATTEMPTS_OF = "DELETE FROM sign_in_failures WHERE email = (SELECT email FROM users WHERE id = $1)";
    const ORGANISATION_FACTS = "SELECT id, kind, channel_manager_id FROM organisations WHERE id = $1";
    const ORGANISATION_NAME = "SELECT name FROM organisations WHERE id = $1";
    const STAFF_PASSWORDS_OFF = "SELECT c.staff_passwords_off FROM sso_domains d \
        JOIN sso_connections c ON c.id = d.connection_id JOIN organisations o ON o.id = c.organisation_id \
        WHERE d.domain = $1 AND o.kind = 'vendor'";
}

/// A session that has not ended: whose it is, and when it ends.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LiveSession {
    #[sqlx(flatten)]
    pub user: SessionUser,
    pub expires_at: DateTime<Utc>,
    /// By when the person's organisation must accept the current agreement (see `SESSION_USER`).
    pub agreement_due: Option<DateTime<Utc>>,
}

/// The live session of a token; `None` for an unknown or expired one.
pub async fn live_session(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<Option<LiveSession>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(SESSION_USER).bind(token_hash).bind(now).fetch_optional(pool).await)
}

pub async fn user_by_id(db: &Db, user_id: i64) -> Result<Option<SessionUser>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(USER_BY_ID).bind(user_id).fetch_optional(pool).await)
}

/// The account behind an email, with its password hash, for signing in.
pub async fn credentials(db: &Db, email: &str) -> Result<Option<(i64, PasswordHash)>, sqlx::Error> {
    let row: Option<(i64, String)> =
        on_db!(db, pool => sqlx::query_as(CREDENTIALS).bind(email).fetch_optional(pool).await)?;
    Ok(row.map(|(id, hash)| (id, PasswordHash::from_stored(hash))))
}

pub async fn email_taken(db: &Db, email: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        on_db!(db, pool => sqlx::query_scalar(EMAIL_TAKEN).bind(email).fetch_optional(pool).await)?;
    Ok(found.is_some())
}

/// Claims one sign-in attempt for `email` before its password is checked, or says how long to
/// wait. Counting and claiming happen in one transaction that excludes every other claim for the
/// same email, so a burst of parallel guesses gets no more tries than one guess after another.
/// The attempt counts as failed until [`open_session`] forgets it.
pub async fn claim_sign_in_attempt(
    db: &Db,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Result<(), chrono::Duration>, sqlx::Error> {
    let since = now - chrono::Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let mut tx = db.begin().await?;
    tx.exclude_others(&format!("sign-in {email}")).await?;
    let attempts: Vec<DateTime<Utc>> =
        on_tx!(tx, conn => sqlx::query_scalar(RECENT_ATTEMPTS).bind(email).bind(since).fetch_all(conn).await)?;
    if let Some(wait) = sign_in_refused_for(&attempts, now) {
        tx.rollback().await?;
        return Ok(Err(wait));
    }
    execute_in!(tx, sqlx::query(INSERT_ATTEMPT).bind(email).bind(now))?;
    tx.commit().await?;
    Ok(Ok(()))
}

async fn insert_session(
    tx: &mut Tx,
    token_hash: &str,
    user_id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    execute_in!(tx, sqlx::query(INSERT_SESSION).bind(token_hash).bind(user_id).bind(now).bind(expires_at))?;
    Ok(())
}

/// Opens a session after a good sign-in, forgetting the email's attempts.
pub async fn open_session(
    db: &Db,
    user_id: i64,
    email: &str,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    execute_in!(tx, sqlx::query(FORGET_ATTEMPTS).bind(email))?;
    insert_session(&mut tx, token_hash, user_id, now, expires_at).await?;
    audit::record(&mut tx, user_id, AuditAction::SignedIn, email, now).await?;
    execute_in!(tx, sqlx::query(MARK_SIGNED_IN).bind(now).bind(user_id))?;
    tx.commit().await
}

pub async fn close_session(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    execute_in!(tx, sqlx::query(DELETE_SESSION).bind(token_hash))?;
    tx.commit().await
}

/// An invitation that has not been used yet.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OpenInvitation {
    pub id: i64,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub expires_at: DateTime<Utc>,
}

pub struct NewInvitation<'a> {
    pub token_hash: &'a str,
    pub email: &'a str,
    pub role: Role,
    pub organisation_id: i64,
    pub invited_by: i64,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Whether a password may not open a session for `email`: vendor staff, when the vendor's single
/// sign-on connection (the one of the address's domain) turns their passwords off.
pub async fn password_sign_in_off(db: &Db, email: &EmailAddress) -> Result<bool, sqlx::Error> {
    let off: Option<bool> =
        on_db!(db, pool => sqlx::query_scalar(STAFF_PASSWORDS_OFF).bind(email.domain()).fetch_optional(pool).await)?;
    Ok(off.unwrap_or(false))
}

/// The invitation waiting for `email` into organisation `organisation_id`, if any.
pub async fn waiting_invitation(
    db: &Db,
    email: &str,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(PENDING_FOR_EMAIL).bind(email).bind(organisation_id).bind(now).fetch_optional(pool).await)
}

/// An invitation by id that still waits to be accepted.
pub async fn pending_invitation(db: &Db, id: i64, now: DateTime<Utc>) -> Result<Option<OpenInvitation>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(PENDING_INVITATION).bind(id).bind(now).fetch_optional(pool).await)
}

/// Sends a waiting invitation again with a new link (the old one stops working) and a new
/// expiry; `false` if it was accepted or withdrawn meanwhile.
pub async fn resend_invitation(
    db: &Db,
    invitation: &OpenInvitation,
    renewed: (&str, DateTime<Utc>),
    by: i64,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let (token_hash, expires_at) = renewed;
    let mut tx = db.begin().await?;
    let renewed =
        execute_in!(tx, sqlx::query(RENEW_INVITATION).bind(token_hash).bind(expires_at).bind(invitation.id).bind(now))?;
    if renewed == 0 {
        return Ok(false);
    }
    mail::queue(&mut tx, &invitation.email, message, now).await?;
    audit::record(&mut tx, by, AuditAction::ResentInvitation, &invitation.email, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Withdraws a waiting invitation: its link stops working now. `false` if it was accepted or
/// withdrawn meanwhile.
pub async fn withdraw_invitation(
    db: &Db,
    invitation: &OpenInvitation,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let withdrawn = execute_in!(tx, sqlx::query(WITHDRAW_INVITATION).bind(now).bind(invitation.id))?;
    if withdrawn == 0 {
        return Ok(false);
    }
    audit::record(&mut tx, by, AuditAction::RevokedInvitation, &invitation.email, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Records an invitation and queues its email, together or not at all; `false` (and nothing
/// recorded) when one to the same address already waits in that organisation.
pub async fn create_invitation(db: &Db, invitation: NewInvitation<'_>, message: &Message) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    if !invite_in(&mut tx, invitation, message).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    tx.commit().await?;
    Ok(true)
}

/// [`create_invitation`] within `tx`, for a change that invites someone as part of it (a partner
/// import); `false`, and nothing written, if an invitation to that address waits already.
pub async fn invite_in(tx: &mut Tx, invitation: NewInvitation<'_>, message: &Message) -> Result<bool, sqlx::Error> {
    let NewInvitation { token_hash, email, role, organisation_id, invited_by, now, expires_at } = invitation;
    execute_in!(tx, sqlx::query(LOCK_PEOPLE).bind(organisation_id))?;
    let waiting: Option<i64> = on_tx!(tx, conn => sqlx::query_scalar(PENDING_FOR_EMAIL)
        .bind(email).bind(organisation_id).bind(now).fetch_optional(conn).await)?;
    if waiting.is_some() {
        return Ok(false);
    }
    execute_in!(
        tx,
        sqlx::query(INSERT_INVITATION)
            .bind(token_hash)
            .bind(email)
            .bind(role.as_str())
            .bind(organisation_id)
            .bind(invited_by)
            .bind(now)
            .bind(expires_at)
    )?;
    mail::queue(tx, email, message, now).await?;
    audit::record(tx, invited_by, AuditAction::Invited, &format!("{email} as {}", role.as_str()), now).await?;
    Ok(true)
}

pub async fn open_invitation(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<OpenInvitation>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(OPEN_INVITATION).bind(token_hash).bind(now).fetch_optional(pool).await)
}

/// Turns an invitation into an account and its first session. `None` if the invitation was
/// used meanwhile or the email already has an account; then nothing is written.
pub async fn accept_invitation(
    db: &Db,
    invitation: &OpenInvitation,
    name: &str,
    password: &PasswordHash,
    session_token_hash: &str,
    now: DateTime<Utc>,
    session_expires_at: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let claimed = execute_in!(tx, sqlx::query(CLAIM_INVITATION).bind(now).bind(invitation.id))?;
    let existing: Option<i64> =
        on_tx!(tx, conn => sqlx::query_scalar(EMAIL_TAKEN).bind(&invitation.email).fetch_optional(conn).await)?;
    if claimed != 1 || existing.is_some() {
        tx.rollback().await?;
        return Ok(None);
    }
    let user_id: i64 = on_tx!(tx, conn => sqlx::query_scalar(INSERT_USER)
        .bind(invitation.organisation_id).bind(&invitation.email).bind(name).bind(invitation.role.as_str())
        .bind(password.as_str()).bind(now).fetch_one(conn).await)?;
    insert_session(&mut tx, session_token_hash, user_id, now, session_expires_at).await?;
    audit::record(&mut tx, user_id, AuditAction::AcceptedInvitation, &invitation.email, now).await?;
    tx.commit().await?;
    Ok(Some(user_id))
}

/// Records a reset link for a user and queues its email, together or not at all.
pub async fn create_password_reset(
    db: &Db,
    user_id: i64,
    email: &str,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    message: &Message,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    execute_in!(tx, sqlx::query(INSERT_RESET).bind(token_hash).bind(user_id).bind(now).bind(expires_at))?;
    mail::queue(&mut tx, email, message, now).await?;
    tx.commit().await
}

/// Sets a new password through a reset link: the link is spent, and every session of that
/// person is closed. `false` if the link is unknown, spent or expired; then nothing changes.
pub async fn complete_password_reset(
    db: &Db,
    token_hash: &str,
    password: &PasswordHash,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let user_id: Option<i64> =
        on_tx!(tx, conn => sqlx::query_scalar(SPEND_RESET).bind(now).bind(token_hash).fetch_optional(conn).await)?;
    let Some(user_id) = user_id else {
        tx.rollback().await?;
        return Ok(false);
    };
    execute_in!(tx, sqlx::query(SET_PASSWORD).bind(password.as_str()).bind(user_id))?;
    execute_in!(tx, sqlx::query(DELETE_SESSIONS_OF).bind(user_id))?;
    execute_in!(tx, sqlx::query(FORGET_ATTEMPTS_OF).bind(user_id))?;
    audit::record(&mut tx, user_id, AuditAction::ResetPassword, "", now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Organisation `id`'s name, for a page about it (the caller checked it is within reach).
pub async fn organisation_name(db: &Db, id: i64) -> Result<Option<String>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(ORGANISATION_NAME).bind(id).fetch_optional(pool).await)
}

/// What reach decisions about an organisation need; `None` if there is no such organisation.
pub async fn organisation_facts(db: &Db, id: i64) -> Result<Option<OrganisationFacts>, sqlx::Error> {
    let row: Option<(i64, String, Option<i64>)> =
        on_db!(db, pool => sqlx::query_as(ORGANISATION_FACTS).bind(id).fetch_optional(pool).await)?;
    Ok(row.map(|(id, kind, channel_manager_id)| OrganisationFacts {
        id,
        is_vendor: kind == "vendor",
        channel_manager_id,
    }))
}
