//! Accounts, sessions, invitations and password resets in the database.

use chrono::{DateTime, Utc};

use super::secrets::PasswordHash;
use super::{Role, SessionUser};
use crate::db::Db;
use crate::mail::Message;
use crate::on_db;

impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(value: String) -> Result<Role, String> {
        Role::parse(&value).ok_or_else(|| format!("unknown role {value:?}"))
    }
}

macro_rules! session_user_columns {
    () => {
        "u.id AS user_id, u.name, u.email, u.role, u.organisation_id, o.name AS organisation_name"
    };
}

/// The person a live session belongs to; `None` for an unknown or expired token.
pub async fn session_user(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<Option<SessionUser>, sqlx::Error> {
    const SQL: &str = concat!(
        "SELECT ",
        session_user_columns!(),
        " FROM sessions s ",
        "JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.organisation_id ",
        "WHERE s.token_hash = $1 AND s.expires_at > $2"
    );
    on_db!(db, pool => sqlx::query_as(SQL).bind(token_hash).bind(now).fetch_optional(pool).await)
}

pub async fn user_by_id(db: &Db, user_id: i64) -> Result<Option<SessionUser>, sqlx::Error> {
    const SQL: &str = concat!(
        "SELECT ",
        session_user_columns!(),
        " FROM users u JOIN organisations o ON o.id = u.organisation_id ",
        "WHERE u.id = $1"
    );
    on_db!(db, pool => sqlx::query_as(SQL).bind(user_id).fetch_optional(pool).await)
}

/// The account behind an email, with its password hash, for signing in.
pub async fn credentials(db: &Db, email: &str) -> Result<Option<(i64, PasswordHash)>, sqlx::Error> {
    let row: Option<(i64, String)> = on_db!(db, pool =>
        sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1").bind(email).fetch_optional(pool).await)?;
    Ok(row.map(|(id, hash)| (id, PasswordHash::from_stored(hash))))
}

pub async fn email_taken(db: &Db, email: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = on_db!(db, pool =>
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1").bind(email).fetch_optional(pool).await)?;
    Ok(found.is_some())
}

/// Failed sign-ins for an email since `since`, oldest first.
pub async fn recent_failures(db: &Db, email: &str, since: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(
        "SELECT failed_at FROM sign_in_failures WHERE email = $1 AND failed_at > $2 ORDER BY failed_at")
        .bind(email).bind(since).fetch_all(pool).await)
}

pub async fn record_failure(db: &Db, email: &str, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_db!(db, pool => sqlx::query("INSERT INTO sign_in_failures (email, failed_at) VALUES ($1, $2)")
        .bind(email).bind(at).execute(pool).await.map(|_| ()))?;
    Ok(())
}

const INSERT_SESSION: &str =
    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
const INSERT_OUTBOX: &str = "INSERT INTO outbox (recipient, subject, body, created_at) VALUES ($1, $2, $3, $4)";
const INSERT_AUDIT: &str = "INSERT INTO audit_log (actor_id, action, subject, at) VALUES ($1, $2, $3, $4)";

/// Opens a session after a good sign-in, forgetting the email's failed attempts.
pub async fn open_session(
    db: &Db,
    user_id: i64,
    email: &str,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE email = $1").bind(email).execute(&mut *tx).await?;
        sqlx::query(INSERT_SESSION).bind(token_hash).bind(user_id).bind(now).bind(expires_at).execute(&mut *tx).await?;
        sqlx::query(INSERT_AUDIT).bind(user_id).bind("signed_in").bind(email).bind(now).execute(&mut *tx).await?;
        sqlx::query("UPDATE users SET last_signed_in_at = $1 WHERE id = $2").bind(now).bind(user_id).execute(&mut *tx).await?;
        tx.commit().await
    })
}

pub async fn close_session(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    on_db!(db, pool => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(pool).await.map(|_| ()))?;
    Ok(())
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

/// Records an invitation and queues its email, together or not at all.
pub async fn create_invitation(db: &Db, invitation: NewInvitation<'_>, message: &Message) -> Result<(), sqlx::Error> {
    let NewInvitation { token_hash, email, role, organisation_id, invited_by, now, expires_at } = invitation;
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query(
            "INSERT INTO invitations (token_hash, email, role, organisation_id, invited_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(token_hash).bind(email).bind(role.as_str()).bind(organisation_id).bind(invited_by)
            .bind(now).bind(expires_at).execute(&mut *tx).await?;
        sqlx::query(INSERT_OUTBOX).bind(email).bind(&message.subject).bind(&message.body).bind(now).execute(&mut *tx).await?;
        sqlx::query(INSERT_AUDIT).bind(invited_by).bind("invited").bind(format!("{email} as {}", role.as_str()))
            .bind(now).execute(&mut *tx).await?;
        tx.commit().await
    })
}

pub async fn open_invitation(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<OpenInvitation>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(
        "SELECT i.id, i.email, i.role, i.organisation_id, o.name AS organisation_name, i.expires_at \
         FROM invitations i JOIN organisations o ON o.id = i.organisation_id \
         WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > $2")
        .bind(token_hash).bind(now).fetch_optional(pool).await)
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
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        let claimed = sqlx::query("UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL")
            .bind(now).bind(invitation.id).execute(&mut *tx).await?.rows_affected();
        let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(&invitation.email).fetch_optional(&mut *tx).await?;
        if claimed != 1 || existing.is_some() {
            tx.rollback().await?;
            return Ok(None);
        }
        let user_id: i64 = sqlx::query_scalar(
            "INSERT INTO users (organisation_id, email, name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(invitation.organisation_id).bind(&invitation.email).bind(name).bind(invitation.role.as_str())
            .bind(password.as_str()).bind(now).fetch_one(&mut *tx).await?;
        sqlx::query(INSERT_SESSION).bind(session_token_hash).bind(user_id).bind(now).bind(session_expires_at)
            .execute(&mut *tx).await?;
        sqlx::query(INSERT_AUDIT).bind(user_id).bind("accepted_invitation").bind(&invitation.email).bind(now)
            .execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(user_id))
    })
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
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash).bind(user_id).bind(now).bind(expires_at).execute(&mut *tx).await?;
        sqlx::query(INSERT_OUTBOX).bind(email).bind(&message.subject).bind(&message.body).bind(now).execute(&mut *tx).await?;
        tx.commit().await
    })
}

/// Sets a new password through a reset link: the link is spent, and every session of that
/// person is closed. `false` if the link is unknown, spent or expired; then nothing changes.
pub async fn complete_password_reset(
    db: &Db,
    token_hash: &str,
    password: &PasswordHash,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        let user_id: Option<i64> = sqlx::query_scalar(
            "UPDATE password_resets SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id")
            .bind(now).bind(token_hash).fetch_optional(&mut *tx).await?;
        let Some(user_id) = user_id else {
            tx.rollback().await?;
            return Ok(false);
        };
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password.as_str()).bind(user_id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE email = (SELECT email FROM users WHERE id = $1)")
            .bind(user_id).execute(&mut *tx).await?;
        sqlx::query(INSERT_AUDIT).bind(user_id).bind("reset_password").bind("").bind(now).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    })
}
