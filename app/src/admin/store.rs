use super::{AuditEntry, ProgramFacts};
use crate::db::Db;
use crate::on_db;

pub async fn program_overview(db: &Db) -> Result<ProgramFacts, sqlx::Error> {
    on_db!(db, pool => {
        let by_type = sqlx::query_as(
            "SELECT pt.name, COUNT(o.id) FROM partner_types pt \
             LEFT JOIN organisations o ON o.partner_type_id = pt.id GROUP BY pt.name ORDER BY pt.name")
            .fetch_all(pool).await?;
        let by_region = sqlx::query_as(
            "SELECT region, COUNT(*) FROM organisations WHERE kind = 'partner' AND region IS NOT NULL \
             GROUP BY region ORDER BY region")
            .fetch_all(pool).await?;
        let people_by_role = sqlx::query_as("SELECT role, COUNT(*) FROM users GROUP BY role ORDER BY role")
            .fetch_all(pool).await?;
        let audit: Vec<AuditEntry> = sqlx::query_as(
            "SELECT a.at, u.name AS actor, a.action, a.subject FROM audit_log a \
             LEFT JOIN users u ON u.id = a.actor_id ORDER BY a.at DESC, a.id DESC LIMIT 20")
            .fetch_all(pool).await?;
        let outbox = sqlx::query_as(
            "SELECT id, recipient, subject, body, created_at FROM outbox ORDER BY created_at DESC, id DESC LIMIT 20")
            .fetch_all(pool).await?;
        Ok(ProgramFacts { by_type, by_region, people_by_role, audit, outbox })
    })
}
