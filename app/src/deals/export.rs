//! The deals list as CSV, for managers to take into a spreadsheet.

use super::server::DealQuery;
use super::{DealRow, amount_text, store};
use crate::auth::SessionUser;
use crate::auth::access::DEAL_MANAGER_ROLES;
use crate::auth::reach::Reach;
use crate::db::Db;
use crate::error::AppError;

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

fn write(rows: &[DealRow]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "id",
        "partner",
        "customer_company",
        "customer_domain",
        "amount",
        "amount_minor",
        "currency",
        "status",
        "expected_close_date",
        "possible_conflict",
        "protected_until",
        "updated_at",
    ])?;
    for row in rows {
        writer.write_record([
            row.id.to_string(),
            defuse(&row.partner_name),
            defuse(&row.customer_company),
            row.customer_domain.clone(),
            amount_text(row.amount_minor, &row.currency),
            row.amount_minor.to_string(),
            row.currency.clone(),
            row.status.as_str().to_owned(),
            row.expected_close_date.to_string(),
            row.possible_conflict.to_string(),
            row.protected_until.map(|at| at.to_rfc3339()).unwrap_or_default(),
            row.updated_at.to_rfc3339(),
        ])?;
    }
    let bytes = writer.into_inner().map_err(|error| csv::Error::from(error.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection).
fn defuse(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("Globex"), "Globex");
    }
}
