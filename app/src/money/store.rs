//! The currency rates and the program's reporting currency, as the database keeps them.

use super::Conversion;
use crate::db::Db;
use crate::on_db;

crate::statements! {
    const USD_RATES = "SELECT currency, usd_micros FROM currency_rates ORDER BY currency";
    const REPORTING_CURRENCY = "SELECT reporting_currency FROM program_settings WHERE id = 1";
}

/// Every currency's value in US dollar millionths.
pub async fn usd_rates(db: &Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(USD_RATES).fetch_all(pool).await)
}

/// The conversion into the program's reporting currency (US dollars until one is set).
pub async fn conversion(db: &Db) -> Result<Conversion, sqlx::Error> {
    let reporting: Option<String> =
        on_db!(db, pool => sqlx::query_scalar(REPORTING_CURRENCY).fetch_optional(pool).await)?;
    Ok(Conversion::new(reporting.as_deref().unwrap_or("USD"), &usd_rates(db).await?))
}
