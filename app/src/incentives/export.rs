//! The ledger as CSV: a partner's statement, and a payout run for accounts payable.

#[cfg(feature = "ssr")]
pub use self::ssr::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::super::ledger::quarter_label;
    use super::super::server::statement_of;
    use super::super::{StatementLine, store};
    use crate::auth::SessionUser;
    use crate::auth::access::INCENTIVE_ADMIN_ROLES;
    use crate::db::Db;
    use crate::error::AppError;
    use crate::money::amount_text;
    use crate::text::defuse_formula;
    use crate::tiers::form::percent_text;

    fn finish(writer: csv::Writer<Vec<u8>>) -> Result<String, AppError> {
        let bytes = writer.into_inner().map_err(|error| {
            tracing::error!(error = %error.error(), "cannot write a ledger CSV");
            AppError::Internal
        })?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn failed(error: csv::Error) -> AppError {
        tracing::error!(%error, "cannot write a ledger CSV");
        AppError::Internal
    }

    /// A partner's statement (as `user` may see it, of one quarter or all): one row per entry.
    pub async fn statement_csv(
        db: &Db,
        user: &SessionUser,
        partner: Option<i64>,
        period: Option<&str>,
    ) -> Result<String, AppError> {
        let statement = statement_of(db, user, partner, period).await?;
        let mut writer = csv::Writer::from_writer(Vec::new());
        let header = [
            "Entry",
            "Booked (UTC)",
            "Quarter",
            "Kind",
            "Description",
            "Deal",
            "MDF request",
            "Basis",
            "Rate (%)",
            "Amount",
            "Amount in minor units",
            "Currency",
            "Status",
            "Reverses entry",
            "Reversed by entry",
            "Payout run",
        ];
        writer.write_record(header).map_err(failed)?;
        for line in &statement.lines {
            writer.write_record(row(line)).map_err(failed)?;
        }
        finish(writer)
    }

    fn optional(value: Option<i64>) -> String {
        value.map(|value| value.to_string()).unwrap_or_default()
    }

    fn row(line: &StatementLine) -> [String; 16] {
        [
            line.id.to_string(),
            line.booked_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            quarter_label(line.period_start),
            line.kind.label().to_owned(),
            defuse_formula(&line.description),
            optional(line.deal_id),
            optional(line.mdf_request_id),
            line.basis_minor.map(|basis| amount_text(basis, &line.currency)).unwrap_or_default(),
            line.rate_bp.map(|rate| percent_text(rate).trim_end_matches(" %").to_owned()).unwrap_or_default(),
            amount_text(line.amount_minor, &line.currency),
            line.amount_minor.to_string(),
            line.currency.clone(),
            line.status.label().to_owned(),
            optional(line.reverses),
            optional(line.reversed_by),
            optional(line.run_id),
        ]
    }

    /// Payout run `run` for accounts payable: one row per partner and currency. Admins only.
    pub async fn run_csv(db: &Db, user: &SessionUser, run: i64) -> Result<String, AppError> {
        if !INCENTIVE_ADMIN_ROLES.contains(&user.role) {
            return Err(AppError::Forbidden);
        }
        let (period, lines) = store::run_lines(db, run).await?.ok_or(AppError::NotFound)?;
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record([
                "Payout run",
                "Quarter",
                "Partner id",
                "Partner",
                "Amount",
                "Amount in minor units",
                "Currency",
                "Entries",
            ])
            .map_err(failed)?;
        for line in lines {
            writer
                .write_record([
                    run.to_string(),
                    quarter_label(period),
                    line.organisation_id.to_string(),
                    defuse_formula(&line.partner),
                    amount_text(line.amount_minor, &line.currency),
                    line.amount_minor.to_string(),
                    line.currency.clone(),
                    line.entries.to_string(),
                ])
                .map_err(failed)?;
        }
        finish(writer)
    }
}
