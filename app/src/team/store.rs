//! The team page's reads, and the changes an admin makes to a colleague's role or access.

use chrono::{DateTime, Utc};

use super::{PendingInvitation, TeamMember};
use crate::audit::{self, AuditAction, Change};
use crate::auth::Role;
use crate::auth::store::{DELETE_SESSIONS_OF, LOCK_PEOPLE};
use crate::db::Db;
use crate::{execute_in, on_db, on_tx};

crate::statements! {
    const MEMBERS = "SELECT id, name, email, role, deactivated_at IS NULL AS active FROM users \
        WHERE organisation_id = $1 ORDER BY deactivated_at IS NOT NULL, name";
    const PENDING = "SELECT id, email, role, expires_at FROM invitations \
        WHERE organisation_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at DESC";
    const ORGANISATION_NAME = "SELECT name FROM organisations WHERE id = $1";
    const MEMBER = "SELECT id, organisation_id, role, email FROM users WHERE id = $1";
    const ACTIVE_WITH_ROLE = "SELECT COUNT(*) FROM users WHERE organisation_id = $1 AND role = $2 AND deactivated_at IS NULL";
    const SET_ROLE = "UPDATE users SET role = $1 WHERE id = $2 AND role <> $1";
    const DEACTIVATE = "UPDATE users SET deactivated_at = $1 WHERE id = $2 AND deactivated_at IS NULL";
    const REACTIVATE = "UPDATE users SET deactivated_at = NULL WHERE id = $1 AND deactivated_at IS NOT NULL";
}

pub async fn members(db: &Db, organisation_id: i64) -> Result<Vec<TeamMember>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(MEMBERS).bind(organisation_id).fetch_all(pool).await)
}

pub async fn pending_invitations(
    db: &Db,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<PendingInvitation>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(PENDING).bind(organisation_id).bind(now).fetch_all(pool).await)
}

pub async fn organisation_name(db: &Db, organisation_id: i64) -> Result<Option<String>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(ORGANISATION_NAME).bind(organisation_id).fetch_optional(pool).await)
}

/// A person as the team page manages them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Member {
    pub id: i64,
    pub organisation_id: i64,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub email: String,
}

pub async fn member(db: &Db, id: i64) -> Result<Option<Member>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(MEMBER).bind(id).fetch_optional(pool).await)
}

/// What is done to a person's account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberChange {
    Role(Role),
    Deactivate,
    Reactivate,
}

/// How a change to a person's account ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeOutcome {
    Changed,
    /// It was so already: nothing written, nothing audited.
    AlreadySo,
    /// It would leave the organisation without an active admin: nothing changed.
    LastAdmin,
}

/// Changes a person's role or whether they may sign in, unless that leaves their organisation
/// without an active `admin_role`. Deactivating ends their sessions. Changes to one
/// organisation's people are made one at a time (its people are locked), so two admins demoting
/// each other at once cannot leave it with none.
pub async fn change_member(
    db: &Db,
    member: &Member,
    change: MemberChange,
    admin_role: Role,
    by: i64,
    now: DateTime<Utc>,
) -> Result<ChangeOutcome, sqlx::Error> {
    let mut tx = db.begin().await?;
    execute_in!(tx, sqlx::query(LOCK_PEOPLE).bind(member.organisation_id))?;
    let (changed, action, subject, field) = match change {
        MemberChange::Role(role) => {
            let changed = execute_in!(tx, sqlx::query(SET_ROLE).bind(role.as_str()).bind(member.id))?;
            let subject = format!("{} to {}", member.email, role.as_str());
            (changed, AuditAction::ChangedRole, subject, Change::of("role", member.role.as_str(), role.as_str()))
        }
        MemberChange::Deactivate => {
            let changed = execute_in!(tx, sqlx::query(DEACTIVATE).bind(now).bind(member.id))?;
            execute_in!(tx, sqlx::query(DELETE_SESSIONS_OF).bind(member.id))?;
            (changed, AuditAction::Deactivated, member.email.clone(), Change::of("may sign in", "yes", "no"))
        }
        MemberChange::Reactivate => {
            let changed = execute_in!(tx, sqlx::query(REACTIVATE).bind(member.id))?;
            (changed, AuditAction::Reactivated, member.email.clone(), Change::of("may sign in", "no", "yes"))
        }
    };
    if changed == 0 {
        tx.rollback().await?;
        return Ok(ChangeOutcome::AlreadySo);
    }
    let admins: i64 = on_tx!(tx, conn => sqlx::query_scalar(ACTIVE_WITH_ROLE)
        .bind(member.organisation_id).bind(admin_role.as_str()).fetch_one(conn).await)?;
    if admins == 0 {
        tx.rollback().await?;
        return Ok(ChangeOutcome::LastAdmin);
    }
    audit::record_changes(&mut tx, by, action, &subject, &[field], now).await?;
    tx.commit().await?;
    Ok(ChangeOutcome::Changed)
}
