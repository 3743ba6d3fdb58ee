//! The deals list as CSV, for managers to take into a spreadsheet.

use super::server::DealQuery;
use super::status::DealStatus;
use super::{DealRow, amount_text, store};
use crate::auth::SessionUser;
use crate::auth::access::DEAL_MANAGER_ROLES;
use crate::auth::reach::Reach;
use crate::db::Db;
use crate::error::AppError;
use crate::text::defuse_formula;

/// The most rows one export holds.
pub const MAX_ROWS: i64 = 100_000;

/// The CSV text of the deals within `user`'s reach, filtered as the list is.
pub async fn deals_csv(db: &Db, user: &SessionUser, query: &DealQuery) -> Result<String, AppError> {
    if !DEAL_MANAGER_ROLES.contains(&user.role) {
        return Err(AppError::Forbidden);
    }
    let filter = query.filter(MAX_ROWS)?;
    let rows = store::export_rows(db, Reach::of(user), &filter, MAX_ROWS).await?;
    write(&rows).map_err(|error| {
        tracing::error!(%error, "cannot write the deals CSV");
        AppError::Internal
    })
}

/// A moment as a spreadsheet reads it, to the second: `2026-11-24 21:59:41` (UTC, as the header says).
fn moment(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn write(rows: &[DealRow]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "Deal",
        "Partner",
        "Customer",
        "Customer domain",
        "Amount",
        "Amount in minor units",
        "Currency",
        "Status",
        "Expected close",
        "Final amount",
        "Closed on",
        "Possible conflict",
        "Protected until (UTC)",
        "Updated (UTC)",
    ])?;
    for row in rows {
        let final_amount = row.final_amount_minor.filter(|_| row.status == DealStatus::Won);
        writer.write_record([
            row.id.to_string(),
            defuse_formula(&row.partner_name),
            defuse_formula(&row.customer_company),
            row.customer_domain.clone(),
            amount_text(row.amount_minor, &row.currency),
            row.amount_minor.to_string(),
            row.currency.clone(),
            row.status.label().to_owned(),
            row.expected_close_date.to_string(),
            final_amount.map(|minor| amount_text(minor, &row.currency)).unwrap_or_default(),
            row.closed_on.map(|day| day.to_string()).unwrap_or_default(),
            if row.possible_conflict { "Yes" } else { "No" }.to_owned(),
            row.protected_until.map(moment).unwrap_or_default(),
            moment(row.updated_at),
        ])?;
    }
    let bytes = writer.into_inner().map_err(|error| csv::Error::from(error.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
