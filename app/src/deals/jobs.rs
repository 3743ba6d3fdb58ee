//! The protection clock: reminders before an approved deal's protection ends, and expiry at its
//! end. Runs every minute on the server; tests run it with a clock of their choosing. It gives the
//! same plans as people do ([`super::plan`]), as Tessera, through the same writer.

use chrono::{DateTime, Duration, Utc};

use super::commands::carry_out;
use super::plan::{Actor, DealCommand};
use super::schedule::Reminder;
use super::store;
use crate::error::AppError;
use crate::state::ServerState;

/// How much one run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClockReport {
    pub reminders: usize,
    pub expired: usize,
}

/// Deals handled per query, so one run never holds much in memory.
const BATCH: i64 = 500;

/// Sends the reminders that are due and expires the deals whose protection has ended, as of `now`.
pub async fn run(state: &ServerState, now: DateTime<Utc>) -> Result<ClockReport, AppError> {
    let mut report = ClockReport::default();
    report.expired =
        run_batches(state, now, DealCommand::Expire, |limit| store::protection_ended(&state.db, now, limit)).await?;
    for reminder in Reminder::NEAREST_FIRST {
        let horizon = now + Duration::days(reminder.days());
        let due = |limit| store::reminder_due(&state.db, reminder, horizon, limit);
        report.reminders += run_batches(state, now, DealCommand::Remind(reminder), due).await?;
    }
    Ok(report)
}

/// Gives `command` to each deal `due` lists, a batch at a time, until a batch comes back short.
/// A deal the plan refuses (someone moved it meanwhile) is skipped.
async fn run_batches<F, Fut>(
    state: &ServerState,
    now: DateTime<Utc>,
    command: DealCommand,
    due: F,
) -> Result<usize, AppError>
where
    F: Fn(i64) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<i64>, sqlx::Error>>,
{
    let mut done = 0;
    loop {
        let ids = due(BATCH).await?;
        let batch = ids.len() as i64;
        let mut moved = 0;
        for id in ids {
            let Some(deal) = store::record(&state.db, id).await? else { continue };
            match carry_out(state, &deal, Actor::Tessera, &command, now).await {
                Ok(()) => moved += 1,
                Err(AppError::Invalid { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        done += moved;
        // A short batch is the last; a full one where nothing moved would repeat itself forever.
        if batch < BATCH || moved == 0 {
            break;
        }
    }
    Ok(done)
}
