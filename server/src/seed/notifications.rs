//! The demo's notifications: Bluepeak's people hear their latest deals were decided, and its
//! channel manager that deals wait for a decision (the demo's deals were made as history, before
//! anyone was told; its leads and certification reminders told them as they came). Told through the notifications' one writer, emails and all; the oldest are
//! read already, so the bell shows a few unread and the page both kinds.

use app::db::Db;
use app::mail;
use app::notifications::{Kind, Notice, store};
use app::on_db;
use chrono::{DateTime, Duration, Utc};

use super::SeedError;

/// A decided or waiting deal of Bluepeak's.
#[derive(sqlx::FromRow)]
struct Told {
    id: i64,
    customer_company: String,
    status: String,
    rejection_reason: Option<String>,
    created_by: i64,
    partner: String,
    amount_minor: i64,
    currency: String,
    manager: Option<i64>,
}

pub async fn demo(db: &Db, public_url: &str) -> Result<(), SeedError> {
    let made: i64 = on_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE kind IN ('deal', 'deal_waiting')").fetch_one(pool).await)?;
    if made > 0 {
        return Ok(());
    }
    let deals: Vec<Told> = on_db!(db, pool => sqlx::query_as(
        "SELECT d.id, d.customer_company, d.status, d.rejection_reason, d.created_by, o.name AS partner, \
         d.amount_minor, d.currency, o.channel_manager_id AS manager \
         FROM deals d JOIN organisations o ON o.id = d.organisation_id \
         WHERE o.name = 'Bluepeak Systems' AND d.status IN ('approved', 'rejected', 'submitted') \
         ORDER BY d.id DESC LIMIT 8")
        .fetch_all(pool).await)?;
    let now = Utc::now();
    let mut tx = db.begin().await?;
    // Told oldest first, as they happened: the list shows them in the order they were written.
    for (n, deal) in deals.iter().enumerate().rev() {
        let at: DateTime<Utc> = now - Duration::hours(i64::try_from(n).unwrap_or(0) * 7 + 1);
        let link = format!("{public_url}/deals/{}", deal.id);
        let path = format!("/deals/{}", deal.id);
        let (person, notice) = match (deal.status.as_str(), deal.manager) {
            ("submitted", Some(manager)) => {
                let amount = app::money::amount_text(deal.amount_minor, &deal.currency);
                let message = mail::deal_waiting(&deal.partner, &deal.customer_company, &amount, &link);
                (manager, Notice { kind: Kind::DealWaiting, message, path })
            }
            ("submitted", None) => continue,
            (status, _) => {
                let outcome = if status == "approved" { "approved" } else { "rejected" };
                let message =
                    mail::deal_decided(&deal.customer_company, outcome, deal.rejection_reason.as_deref(), &link);
                (deal.created_by, Notice { kind: Kind::Deal, message, path })
            }
        };
        store::tell(&mut tx, person, &notice, at).await?;
    }
    tx.commit().await?;
    // The older half of what the demo told (its leads and reminders too) has been read.
    let oldest_first: Vec<(i64, i64)> = on_db!(db, pool => sqlx::query_as(
        "SELECT id, user_id FROM notifications ORDER BY created_at, id").fetch_all(pool).await)?;
    for (id, user) in oldest_first.iter().take(oldest_first.len() / 2) {
        store::open(db, *user, *id, now).await?;
    }
    Ok(())
}
