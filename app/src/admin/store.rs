use super::ProgramFacts;
use crate::db::Db;
use crate::{audit, mail, on_db};

crate::statements! {
    const BY_TYPE = "SELECT pt.name, COUNT(o.id) FROM partner_types pt \
        LEFT JOIN organisations o ON o.partner_type_id = pt.id GROUP BY pt.name ORDER BY pt.name";
    const BY_REGION = "SELECT region, COUNT(*) FROM organisations WHERE kind = 'partner' AND region IS NOT NULL \
        GROUP BY region ORDER BY region";
    const PEOPLE_BY_ROLE = "SELECT role, COUNT(*) FROM users GROUP BY role ORDER BY role";
}

pub async fn program_overview(db: &Db) -> Result<ProgramFacts, sqlx::Error> {
    let (by_type, by_region, people_by_role) = on_db!(db, pool => {
        let by_type = sqlx::query_as(BY_TYPE).fetch_all(pool).await?;
        let by_region = sqlx::query_as(BY_REGION).fetch_all(pool).await?;
        let people_by_role = sqlx::query_as(PEOPLE_BY_ROLE).fetch_all(pool).await?;
        Ok::<_, sqlx::Error>((by_type, by_region, people_by_role))
    })?;
    let audit = audit::recent(db, 20).await?;
    let outbox = mail::recent(db, 20).await?;
    Ok(ProgramFacts { by_type, by_region, people_by_role, audit, outbox })
}
