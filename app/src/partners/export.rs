//! The partner directory as CSV, filtered as the page is, for vendor staff to take into a spreadsheet.

use super::server::{MAX_DIRECTORY, directory};
use super::{PartnerDrill, PartnerRow, store};
use crate::auth::SessionUser;
use crate::auth::access::PARTNER_DIRECTORY_ROLES;
use crate::auth::reach::Reach;
use crate::db::Db;
use crate::error::AppError;
use crate::kpi::cache::FactCache;
use crate::text::defuse_formula;

/// The CSV text of the partners within `user`'s reach, narrowed as the directory is.
pub async fn partners_csv(
    db: &Db,
    facts: &FactCache,
    user: &SessionUser,
    drill: &PartnerDrill,
) -> Result<String, AppError> {
    if !PARTNER_DIRECTORY_ROLES.contains(&user.role) {
        return Err(AppError::Forbidden);
    }
    let narrowing = store::PartnerNarrowing::parse(drill).map_err(AppError::invalid)?;
    let (rows, _) = directory(db, facts, Reach::of(user), &narrowing, 1, MAX_DIRECTORY).await?;
    write(&rows).map_err(|error| {
        tracing::error!(%error, "cannot write the partners CSV");
        AppError::Internal
    })
}

fn write(rows: &[PartnerRow]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "Partner",
        "Type",
        "Tier",
        "Region",
        "Channel manager",
        "Channel manager email",
        "People",
        "Health score",
        "Health",
        "Health trend",
    ])?;
    for row in rows {
        writer.write_record([
            defuse_formula(&row.name),
            defuse_formula(&row.partner_type),
            defuse_formula(&row.tier),
            defuse_formula(&row.region),
            row.channel_manager.as_deref().map(defuse_formula).unwrap_or_default(),
            row.channel_manager_email.as_deref().map(defuse_formula).unwrap_or_default(),
            row.people.to_string(),
            row.health.map(|health| health.score.to_string()).unwrap_or_default(),
            row.health.map(|health| health.band.label().to_owned()).unwrap_or_default(),
            row.health.and_then(|health| health.trend_text()).unwrap_or_default(),
        ])?;
    }
    let bytes = writer.into_inner().map_err(|error| csv::Error::from(error.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
