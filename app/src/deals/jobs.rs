//! The protection clock: reminders before an approved deal's protection ends, and expiry at its end.
//! Runs every minute on the server; tests run it with a clock of their choosing.

use chrono::{DateTime, Duration, Utc};

use super::schedule::{REMINDER_DAYS, days_left};
use super::status::{DealAction, DealStatus, transition};
use super::store::{self, Change, Event as StoreEvent};
use crate::db::Db;
use crate::events::{DealOutcome, Event, EventBus};
use crate::mail;
use crate::on_db;

/// How much one run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClockReport {
    pub reminders: usize,
    pub expired: usize,
}

/// Deals handled per query, so one run never holds much in memory.
const BATCH: i64 = 500;

#[derive(sqlx::FromRow)]
struct Due {
    id: i64,
    organisation_id: i64,
    customer_company: String,
    amount_minor: i64,
    currency: String,
    protected_until: DateTime<Utc>,
    email: String,
}

macro_rules! due_select {
    ($condition:literal) => {
        concat!(
            "SELECT d.id, d.organisation_id, d.customer_company, d.amount_minor, d.currency, d.protected_until, u.email \
             FROM deals d JOIN users u ON u.id = d.created_by WHERE d.status = 'approved' AND ",
            $condition,
            " ORDER BY d.protected_until, d.id LIMIT 500"
        )
    };
}

/// Sends the reminders that are due and expires the deals whose protection has ended, as of `now`.
pub async fn run(db: &Db, bus: &EventBus, public_url: &str, now: DateTime<Utc>) -> Result<ClockReport, sqlx::Error> {
    let mut report = ClockReport::default();
    loop {
        let due: Vec<Due> = on_db!(db, pool => sqlx::query_as(due_select!("d.protected_until <= $1"))
            .bind(now).fetch_all(pool).await)?;
        let batch = due.len() as i64;
        for deal in due {
            let link = format!("{public_url}/deals/{}", deal.id);
            let message = mail::protection_ended(&deal.customer_company, &link);
            let to = transition(DealStatus::Approved, &DealAction::Expire).unwrap_or(DealStatus::Expired);
            let event = StoreEvent {
                deal_id: deal.id,
                actor_id: None,
                at: now,
                kind: "expired",
                from: DealStatus::Approved,
                to,
                note: "The protection period ended",
                extension_was: None,
            };
            if store::apply(db, &event, &Change::default(), Some((&deal.email, &message))).await? {
                report.expired += 1;
                bus.publish(Event::Deal {
                    deal_id: deal.id,
                    organisation_id: deal.organisation_id,
                    outcome: DealOutcome::Expired,
                    amount_minor: deal.amount_minor,
                    currency: deal.currency,
                    at: now,
                });
            }
        }
        if batch < BATCH {
            break;
        }
    }
    // The nearer reminder first: a deal already within 3 days does not also get the 14-day one.
    for days in REMINDER_DAYS.into_iter().rev() {
        report.reminders += remind(db, public_url, now, days).await?;
    }
    Ok(report)
}

async fn remind(db: &Db, public_url: &str, now: DateTime<Utc>, days: i64) -> Result<usize, sqlx::Error> {
    const DUE_3: &str = due_select!("d.protected_until <= $1 AND d.reminded_3_at IS NULL");
    const DUE_14: &str = due_select!("d.protected_until <= $1 AND d.reminded_14_at IS NULL");
    // Marking the 3-day reminder also marks the 14-day one.
    const MARK_3: &str = "UPDATE deals SET reminded_3_at = $2, reminded_14_at = COALESCE(reminded_14_at, $2) \
        WHERE id = $1 AND reminded_3_at IS NULL AND status = 'approved'";
    const MARK_14: &str =
        "UPDATE deals SET reminded_14_at = $2 WHERE id = $1 AND reminded_14_at IS NULL AND status = 'approved'";
    const EVENT: &str = "INSERT INTO deal_events (deal_id, actor_id, at, kind, from_status, to_status, note) \
        VALUES ($1, NULL, $2, 'reminder', 'approved', 'approved', $3)";
    const OUTBOX: &str = "INSERT INTO outbox (recipient, subject, body, created_at) VALUES ($1, $2, $3, $4)";
    let (select, mark) = if days == 3 { (DUE_3, MARK_3) } else { (DUE_14, MARK_14) };
    let horizon = now + Duration::days(days);
    let mut sent = 0;
    loop {
        let due: Vec<Due> = on_db!(db, pool => sqlx::query_as(select).bind(horizon).fetch_all(pool).await)?;
        let batch = due.len() as i64;
        for deal in due {
            let left = days_left(now, deal.protected_until);
            let link = format!("{public_url}/deals/{}", deal.id);
            let message = mail::protection_ending(&deal.customer_company, left, deal.protected_until, &link);
            let note = format!("Reminder sent: protection ends in {left} days");
            let marked = on_db!(db, pool => {
                let mut tx = pool.begin().await?;
                let marked = sqlx::query(mark).bind(deal.id).bind(now).execute(&mut *tx).await?.rows_affected() == 1;
                if marked {
                    sqlx::query(EVENT).bind(deal.id).bind(now).bind(&note).execute(&mut *tx).await?;
                    sqlx::query(OUTBOX).bind(&deal.email).bind(&message.subject).bind(&message.body).bind(now)
                        .execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok::<_, sqlx::Error>(marked)
            })?;
            if marked {
                mail::log_queued(&deal.email, &message);
                sent += 1;
            }
        }
        if batch < BATCH {
            break;
        }
    }
    Ok(sent)
}
