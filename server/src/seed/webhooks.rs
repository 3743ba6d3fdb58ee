//! The demo's webhook endpoint: the program's CRM, with its test event and the deliveries of the
//! latest approvals in its log. It is turned off (its host does not exist), so the demo sends
//! nothing anywhere; an admin adds an endpoint of their own, or turns this one on to watch it
//! retry.

use app::db::Db;
use app::on_db;
use app::webhooks::store::{self, Next, Tried};
use app::webhooks::{EndpointInput, EventKind};
use chrono::{Duration, Utc};

use super::SeedError;

pub async fn demo(db: &Db, admin: i64) -> Result<(), SeedError> {
    let made: i64 =
        on_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM webhook_endpoints").fetch_one(pool).await)?;
    if made > 0 {
        return Ok(());
    }
    let now = Utc::now();
    let input = EndpointInput {
        url: "https://crm.acme.test/hooks/tessera".into(),
        description: "Salesforce sync (demo: turned off, as its host does not exist)".into(),
        events: ["deal.submitted", "deal.approved", "deal.won", "tier.changed"].map(str::to_owned).to_vec(),
    };
    let endpoint = input.check().map_err(|_| SeedError::Invalid("the demo webhook endpoint"))?;
    let secret = app::auth::secrets::new_token().map_err(|_| SeedError::Invalid("a random secret"))?;
    let secret = format!("{}{secret}", app::webhooks::signature::SECRET_PREFIX);
    let id = store::create(db, admin, &endpoint, &secret, now - Duration::days(3)).await?;
    // The test event its admin sent when adding it, then the latest approvals (with the history).
    store::ping(db, admin, id, now - Duration::days(3) + Duration::minutes(1)).await?;
    let approved: Vec<(i64, String)> = on_db!(db, pool => sqlx::query_as(
        "SELECT id, customer_company FROM deals WHERE status = 'approved' ORDER BY id DESC LIMIT 6")
        .fetch_all(pool).await)?;
    let mut tx = db.begin().await?;
    for (at, (deal, company)) in approved.iter().enumerate() {
        let data = serde_json::json!({ "deal": { "id": deal, "customer_company": company, "status": "approved" } });
        let hours = i64::try_from(at).unwrap_or(0) * 5 + 1;
        store::record(&mut tx, EventKind::DealApproved, &data, now - Duration::hours(hours)).await?;
    }
    tx.commit().await?;
    // Taken at once and written down as delivered, as the CRM answered then.
    let taken = store::take(db, now, Duration::hours(1), 100).await?;
    let tries: Vec<Tried> = taken
        .iter()
        .enumerate()
        .map(|(n, due)| Tried {
            id: due.id,
            at: due.created_at + Duration::milliseconds(400),
            status: Some(200),
            duration_ms: 80 + i64::try_from(n).unwrap_or(0) * 17,
            next: Next::Delivered,
        })
        .collect();
    store::finish(db, &tries).await?;
    store::set_enabled(db, admin, id, false, now).await?;
    Ok(())
}
