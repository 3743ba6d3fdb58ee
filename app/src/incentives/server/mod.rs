//! The incentives' server functions: a partner's statement, the vendor's liabilities, closing a
//! quarter, and approving and paying payout runs. Each is guard → reach → store.

mod spiffs;

pub use self::spiffs::*;

use leptos::prelude::*;

use super::rebates::ScheduleInput;
use super::{Liabilities, Statement};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::ledger::{self, parse_quarter},
    super::rebates::RebateRules,
    super::store::{self, RunRefused},
    super::{ClosePreview, PeriodState, ScheduleRow, tally_by},
    crate::auth::access::{EARNINGS_ROLES, INCENTIVE_ADMIN_ROLES, INCENTIVE_ROLES},
    crate::auth::{SessionUser, guard, reach::Reach},
    crate::db::Db,
    crate::state,
    chrono::{NaiveDate, Utc},
};

/// The quarter a form or address names, or a field error on `field`.
#[cfg(feature = "ssr")]
pub fn quarter_field(raw: &str, field: &str) -> Result<NaiveDate, AppError> {
    parse_quarter(raw).ok_or_else(|| AppError::field(field, "Choose a quarter, like 2026-Q3."))
}

/// The partner whose statement `user` asks for, as data or as a file: a partner's people their
/// own (another id is "not found"); admins and channel managers any partner within reach.
#[cfg(feature = "ssr")]
pub async fn statement_partner(db: &Db, user: &SessionUser, partner: Option<i64>) -> Result<i64, AppError> {
    if !EARNINGS_ROLES.contains(&user.role) {
        return Err(AppError::Forbidden);
    }
    match (Reach::of(user), partner) {
        (Reach::Own { organisation_id }, None) => Ok(organisation_id),
        (Reach::Own { organisation_id }, Some(id)) if id == organisation_id => Ok(organisation_id),
        (Reach::Own { .. }, Some(_)) => Err(AppError::NotFound),
        (_, None) => Err(AppError::field("partner", "Choose a partner.")),
        (_, Some(id)) => Ok(guard::reachable_partner(db, user, id).await?.id),
    }
}

/// A partner's statement of one quarter (`period`, like `2026-Q3`) or of all time.
#[cfg(feature = "ssr")]
pub async fn statement_of(
    db: &Db,
    user: &SessionUser,
    partner: Option<i64>,
    period: Option<&str>,
) -> Result<Statement, AppError> {
    let partner_id = statement_partner(db, user, partner).await?;
    let period = match period.map(str::trim).filter(|raw| !raw.is_empty()) {
        Some(raw) => Some(quarter_field(raw, "period")?),
        None => None,
    };
    let lines = store::of_partner(db, partner_id, period).await?;
    let periods = store::periods_of(db, partner_id).await?;
    let name = crate::auth::store::organisation_name(db, partner_id).await?.ok_or(AppError::NotFound)?;
    let mut statement = Statement::new(partner_id, name, period, periods, lines, user.role.is_vendor_staff());
    // The running quarter's rebate forecast, beside all time or that quarter.
    let now = Utc::now();
    let (forecast, reporting) = store::forecast_of(db, partner_id, now).await?;
    statement.reporting = reporting;
    if period.is_none_or(|period| period == ledger::quarter_of(now.date_naive())) {
        statement.forecast = forecast;
    }
    Ok(statement)
}

/// The earnings statement: a partner's people see their own; admins and channel managers a
/// partner's within reach (`partner`).
#[server(endpoint = "earnings")]
pub async fn earnings(partner: Option<i64>, period: Option<String>) -> Result<Statement, AppError> {
    let user = guard::signed_in()?;
    let db = state::db()?;
    statement_of(&db, &user, partner, period.as_deref()).await
}

/// What the vendor owes the partners within reach, and for admins the quarters to close (with
/// the preview of closing `close`, when asked), what is payable, and the payout runs.
#[server(endpoint = "incentive_liabilities")]
pub async fn incentive_liabilities(close: Option<String>) -> Result<Liabilities, AppError> {
    let user = guard::require_role(INCENTIVE_ROLES)?;
    let db = state::db()?;
    let reach = Reach::of(&user);
    let admin = INCENTIVE_ADMIN_ROLES.contains(&user.role);
    let now = Utc::now();
    let mut by_period = tally_by(store::by_period(&db, reach).await?);
    by_period.reverse();
    let by_partner = tally_by(store::by_partner(&db, reach).await?);
    if !admin {
        return Ok(Liabilities {
            by_period,
            by_partner,
            periods: Vec::new(),
            payable: Vec::new(),
            runs: Vec::new(),
            admin,
            preview: None,
            schedules: Vec::new(),
            reporting: crate::money::store::conversion(&db).await?.currency(),
        });
    }
    let rules = store::rebate_rules(&db).await?;
    let periods = store::periods(&db)
        .await?
        .into_iter()
        .map(|(start, closed_at, closed_by)| PeriodState {
            start,
            ended: ledger::has_ended(start, now),
            closed_at,
            closed_by,
        })
        .collect();
    let preview = match close.as_deref().map(str::trim).filter(|raw| !raw.is_empty()) {
        Some(raw) => Some(close_preview(&db, &rules, quarter_field(raw, "close")?, now).await?),
        None => None,
    };
    Ok(Liabilities {
        by_period,
        by_partner,
        periods,
        payable: store::payable(&db).await?,
        runs: store::runs(&db).await?,
        admin,
        preview,
        schedules: schedule_rows(&rules),
        reporting: rules.conversion.currency(),
    })
}

#[cfg(feature = "ssr")]
async fn close_preview(
    db: &Db,
    rules: &RebateRules,
    period: NaiveDate,
    now: chrono::DateTime<Utc>,
) -> Result<ClosePreview, AppError> {
    let accrued = store::accrued_in(db, period).await?;
    let rebates = rules.at_close(period, &store::revenue_in(db, period).await?, None, now);
    Ok(ClosePreview {
        period_start: period,
        entries: accrued.iter().map(|(_, _, count)| count).sum(),
        totals: accrued.into_iter().map(|(currency, sum, _)| (currency, sum)).collect(),
        already_closed: store::is_closed(db, period).await?,
        ended: ledger::has_ended(period, now),
        rebates: rebates.len() as i64,
        rebate_minor: rebates.iter().map(|entry| entry.amount_minor).sum(),
        reporting: rules.conversion.currency(),
    })
}

/// Each schedule with the tiers of the program in force that name it.
#[cfg(feature = "ssr")]
fn schedule_rows(rules: &RebateRules) -> Vec<ScheduleRow> {
    rules
        .schedules
        .iter()
        .map(|schedule| ScheduleRow { tiers: rules.tiers_naming(schedule), schedule: schedule.clone() })
        .collect()
}

/// An admin adds a volume rebate schedule, or changes the one of the same name. Tiers name the
/// schedule their partners earn by in the program configuration.
#[server(endpoint = "save_rebate_schedule")]
pub async fn save_rebate_schedule(#[server(flatten)] input: ScheduleInput) -> Result<(), AppError> {
    let user = guard::require_role(INCENTIVE_ADMIN_ROLES)?;
    let db = state::db()?;
    let currency = crate::money::store::conversion(&db).await?.currency();
    let schedule = input.check(currency).map_err(|fields| {
        AppError::invalid_keeping(
            fields,
            [("name", input.name.clone()), ("method", input.method.clone()), ("bands", input.bands.clone())],
        )
    })?;
    store::save_schedule(&db, &schedule, user.user_id, Utc::now()).await?;
    guard::redirect_form_post("/incentives");
    Ok(())
}

/// An admin closes an ended quarter: its accrued entries are approved for payment. Closing it
/// again changes nothing.
#[server(endpoint = "close_period")]
pub async fn close_period(period: String) -> Result<(), AppError> {
    let user = guard::require_role(INCENTIVE_ADMIN_ROLES)?;
    let db = state::db()?;
    let period = quarter_field(&period, "period")?;
    let now = Utc::now();
    if !ledger::has_ended(period, now) {
        return Err(AppError::field(
            "period",
            format!("{} has not ended yet: close it once it has.", ledger::quarter_label(period)),
        ));
    }
    store::close(&db, period, user.user_id, now).await?;
    guard::redirect_form_post("/incentives");
    Ok(())
}

/// An admin approves a payout run: the approved entries of `period` no run holds yet.
#[server(endpoint = "approve_payout_run")]
pub async fn approve_payout_run(period: String) -> Result<i64, AppError> {
    let user = guard::require_role(INCENTIVE_ADMIN_ROLES)?;
    let db = state::db()?;
    let period = quarter_field(&period, "period")?;
    let label = ledger::quarter_label(period);
    match store::approve_run(&db, period, user.user_id, Utc::now()).await? {
        Ok(run) => {
            guard::redirect_form_post("/incentives");
            Ok(run)
        }
        Err(RunRefused::Waiting(run)) => Err(AppError::field(
            "period",
            format!("Payout run #{run} of {label} waits to be paid: mark it paid before approving another."),
        )),
        Err(RunRefused::Nothing) => {
            Err(AppError::field("period", format!("Nothing approved of {label} is left to pay.")))
        }
    }
}

/// An admin records that accounts payable paid run `run`; its partners' admins are told. A run
/// already paid stays as it was.
#[server(endpoint = "mark_run_paid")]
pub async fn mark_run_paid(run: i64) -> Result<(), AppError> {
    let user = guard::require_role(INCENTIVE_ADMIN_ROLES)?;
    let state = state::server_state()?;
    let link = format!("{}/earnings", state.settings.public_url);
    if !store::pay_run(&state.db, run, user.user_id, Utc::now(), &link).await? {
        if store::run_lines(&state.db, run).await?.is_none() {
            return Err(AppError::NotFound);
        }
        return Err(AppError::field("run", format!("Payout run #{run} is already paid.")));
    }
    guard::redirect_form_post("/incentives");
    Ok(())
}
