//! The demo's onboarding: partners in the program before it began are past onboarding; the four
//! that have not accepted the agreement start now, and three more are at different points of it
//! (Foxglove Advisors stuck past day 60 without a deal, Saffron Tech on track, Pinecone Apps
//! waiting for its channel manager to confirm its kickoff call).

use app::db::Db;
use app::on_db;
use app::onboarding::store;
use app::onboarding::{StepKind, StepState};
use chrono::{Duration, Utc};

use super::SeedError;
use super::agreement::NOT_ACCEPTED;

/// Partners onboarding that accepted the agreement this many days ago.
pub const ONBOARDING: [(&str, i64); 3] = [("Foxglove Advisors", 75), ("Saffron Tech", 30), ("Pinecone Apps", 12)];

pub async fn demo(db: &Db) -> Result<(), SeedError> {
    let onboarding: Vec<&str> = NOT_ACCEPTED.into_iter().chain(ONBOARDING.map(|(name, _)| name)).collect();
    let placeholders = (1..=onboarding.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "UPDATE organisations SET onboarded_at = created_at \
         WHERE kind = 'partner' AND onboarded_at IS NULL AND name NOT IN ({placeholders})"
    );
    on_db!(db, pool => {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for name in &onboarding {
            query = query.bind(*name);
        }
        query.execute(pool).await.map(|_| ())
    })?;
    let templates = store::templates(db).await?;
    let now = Utc::now();
    let steps = |partner_type: Option<i64>| store::steps_of(&templates, partner_type);
    for (name, marks) in [
        ("Saffron Tech", [(true, StepState::Done, 5), (false, StepState::Done, 8)].as_slice()),
        ("Pinecone Apps", [(true, StepState::Waiting, 2)].as_slice()),
    ] {
        let (organisation_id, partner_type, admin): (i64, Option<i64>, i64) = on_db!(db, pool => sqlx::query_as(
            "SELECT o.id, o.partner_type_id, u.id FROM organisations o JOIN users u ON u.organisation_id = o.id \
             WHERE o.name = $1 AND u.role = 'partner_admin' ORDER BY u.id LIMIT 1")
            .bind(name).fetch_one(pool).await)?;
        if !store::marks(db, organisation_id).await?.is_empty() {
            continue;
        }
        for (confirmed, state, days_ago) in marks {
            let step = steps(partner_type)
                .into_iter()
                .find(|step| step.kind == StepKind::Manual { confirm: *confirmed })
                .ok_or(sqlx::Error::RowNotFound)?;
            let at = now - Duration::days(*days_ago);
            store::mark(db, (organisation_id, name), (step.id, &step.title), (StepState::Pending, *state), admin, at)
                .await?;
        }
    }
    Ok(())
}
