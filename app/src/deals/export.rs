//! The deals list as CSV, for managers to take into a spreadsheet.

use super::store::{self, DealFilter, Scope};
use super::{DealRow, DealSort, amount_text};
use crate::auth::Role;
use crate::auth::SessionUser;
use crate::auth::access::DEAL_MANAGER_ROLES;
use crate::db::Db;
use crate::error::AppError;

/// The most rows one export holds.
pub const MAX_ROWS: i64 = 100_000;

/// The CSV text of the deals `user` may see, with the list's status filter and search.
pub async fn deals_csv(
    db: &Db,
    user: &SessionUser,
    status: Option<&str>,
    search: Option<&str>,
    drill: &super::DealDrill,
) -> Result<String, AppError> {
    if !DEAL_MANAGER_ROLES.contains(&user.role) {
        return Err(AppError::Forbidden);
    }
    let scope = if user.role == Role::ChannelManager { Scope::ChannelManager(user.user_id) } else { Scope::Everything };
    let filter = DealFilter {
        status: status.and_then(super::status::DealStatus::parse),
        search: search.map(str::to_owned),
        sort: DealSort::RecentlyUpdated,
        page: 1,
        per_page: MAX_ROWS,
        narrowing: store::Narrowing::parse(drill).map_err(|fields| AppError::Invalid { fields })?,
    };
    let rows = store::export_rows(db, scope, &filter, MAX_ROWS).await?;
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
