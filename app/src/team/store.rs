use chrono::{DateTime, Utc};

use super::{PendingInvitation, TeamMember};
use crate::db::Db;
use crate::on_db;

crate::statements! {
    const MEMBERS = "SELECT id, name, email, role, deactivated_at IS NULL AS active FROM users \
        WHERE organisation_id = $1 ORDER BY deactivated_at IS NOT NULL, name";
    const PENDING = "SELECT id, email, role, expires_at FROM invitations \
        WHERE organisation_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at DESC";
    const ORGANISATION_NAME = "SELECT name FROM organisations WHERE id = $1";
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
