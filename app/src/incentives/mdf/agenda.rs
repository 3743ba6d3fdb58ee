//! What MDF puts on a home page: for channel managers and admins the requests and claims waiting
//! for their decision; for a partner what is left of its open allocations.

use chrono::NaiveDate;

use super::store;
use crate::auth::reach::Reach;
use crate::db::Db;
use crate::error::AppError;
use crate::incentives::ledger::quarter_label;
use crate::money::Money;
use crate::ui::agenda::{AgendaItem, AgendaSection, Urgency};

/// Requests and claims within `reach` waiting for a decision, oldest first.
pub async fn manager_section(db: &Db, reach: Reach) -> Result<AgendaSection, AppError> {
    let currency = crate::money::store::conversion(db).await?.currency();
    let mut waiting = store::requests(db, reach, true).await?;
    waiting.sort_by_key(|row| row.updated_at);
    let count = waiting.len();
    let items = waiting
        .into_iter()
        .map(|row| AgendaItem {
            title: format!("{}: {}", row.partner, row.title),
            badge: Money { minor: row.amount_minor, currency }.display(),
            detail: match row.claim {
                Some(_) => format!(
                    "{}, {} to {}: check the claim's proof and approve or reject it.",
                    row.kind.label(),
                    row.starts_on,
                    row.ends_on
                ),
                None => {
                    format!("{}, {} to {}: pre-approve or reject it.", row.kind.label(), row.starts_on, row.ends_on)
                }
            },
            href: format!("/mdf/{}", row.id),
            urgency: Urgency::Soon,
        })
        .collect();
    Ok(AgendaSection::new("mdf", "MDF requests and claims", items, "No request for funds or claim waits for you.")
        .with_more(format!("Market development funds ({count} waiting)"), "/mdf"))
}

/// What is left of partner `organisation_id`'s open allocations, as items of its earnings section.
pub async fn partner_items(db: &Db, organisation_id: i64, today: NaiveDate) -> Result<Vec<AgendaItem>, AppError> {
    let currency = crate::money::store::conversion(db).await?.currency();
    Ok(store::allocations(db, Reach::Own { organisation_id })
        .await?
        .into_iter()
        .filter(|row| row.open_on(today) && row.left() > 0)
        .map(|row| AgendaItem {
            title: format!(
                "{} of market development funds to request",
                Money { minor: row.left(), currency }.display()
            ),
            badge: quarter_label(row.period_start),
            detail: format!("Request funds for an activity by {}.", row.expires_on),
            href: "/mdf".into(),
            urgency: Urgency::Waiting,
        })
        .collect())
}
