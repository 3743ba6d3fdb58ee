//! The managers' dashboard and the program's performance settings, with the tile links and
//! charts the scorecard shares. Each server function checks the caller's role; figures cover the
//! partners within the caller's reach.

use leptos::prelude::*;

use super::{Dashboard, ProgramSettings};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::cache::fact_cache,
    super::compute,
    super::formulas::{DICTIONARY, Kpi, measure},
    super::period::Period,
    super::{ActivationEvent, Bar, Chart, Tile, store},
    crate::auth::access::{ADMINISTRATION_ROLES, DASHBOARD_ROLES},
    crate::auth::guard,
    crate::auth::reach::Reach,
    crate::deals::amount_text,
    crate::state,
    chrono::{Duration, NaiveDate, Utc},
};

/// A period as a page's query gives it: month, quarter, year or custom; a day it includes; or a range.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PeriodQuery {
    pub period: Option<String>,
    pub at: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl PeriodQuery {
    /// Reads the period fields of a query by name.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> PeriodQuery {
        PeriodQuery { period: get("period"), at: get("at"), from: get("from"), to: get("to") }
    }

    /// The checked period, each bad field named.
    #[cfg(feature = "ssr")]
    pub fn period(&self) -> Result<Period, AppError> {
        let field = |value: &Option<String>| value.as_deref().filter(|v| !v.trim().is_empty()).map(str::to_owned);
        let (period, at, from, to) = (field(&self.period), field(&self.at), field(&self.from), field(&self.to));
        Period::from_query(period.as_deref(), at.as_deref(), from.as_deref(), to.as_deref(), Utc::now().date_naive())
            .map_err(AppError::invalid)
    }
}

#[cfg(feature = "ssr")]
pub(super) fn range(name: &str, start: NaiveDate, end: NaiveDate) -> String {
    format!("{name}_from={start}&{name}_to={end}")
}

#[cfg(feature = "ssr")]
pub(super) fn tile_link(kpi: Kpi, period: Period) -> Option<String> {
    let (start, end) = (period.start, period.end);
    let closed = range("closed", start, end);
    let active_since = end - Duration::days(i64::from(compute::ACTIVE_WINDOW_DAYS) - 1);
    Some(match kpi {
        Kpi::TotalRevenue => format!("/deals?status=won&{closed}"),
        Kpi::SourcedRevenue => format!("/deals?status=won&attribution=sourced&{closed}"),
        Kpi::InfluencedRevenue => format!("/deals?status=won&attribution=influenced&{closed}"),
        Kpi::WinRate => format!("/deals?{closed}"),
        Kpi::RegistrationVolume => format!("/deals?{}", range("submitted", start, end)),
        Kpi::ApprovalRate | Kpi::MedianApprovalTime => format!("/deals?{}", range("decided", start, end)),
        Kpi::ActivationRate => format!("/partners?{}", range("joined", start, end)),
        Kpi::ActivePartnerShare | Kpi::RevenuePerPartner => format!("/partners?{}", range("won", active_since, end)),
        Kpi::TimeToFirstDeal => format!("/partners?{}", range("first_win", start, end)),
        Kpi::TrainingCompletion | Kpi::ProgramRoi | Kpi::MdfRoi => return None,
    })
}

/// Won revenue in each of the twelve months ending with the period's; `narrow` is added to each
/// bar's link (`&partner=7` on a scorecard).
#[cfg(feature = "ssr")]
pub(super) fn revenue_by_month_chart(
    period: Period,
    figures: &compute::DashboardFigures,
    currency: &str,
    narrow: &str,
) -> Chart {
    Chart {
        id: "revenue-by-month".into(),
        title: "Won revenue by month".into(),
        columns: true,
        bars: period
            .trailing_months()
            .iter()
            .zip(&figures.revenue_by_month)
            .map(|((start, end), revenue)| Bar {
                label: start.format("%b %y").to_string(),
                value: *revenue,
                text: amount_text(*revenue, currency),
                href: format!("/deals?status=won&{}{narrow}", range("closed", *start, *end)),
            })
            .collect(),
    }
}

/// The deals submitted in the period, by their status now.
#[cfg(feature = "ssr")]
pub(super) fn pipeline_chart(
    period: Period,
    figures: &compute::DashboardFigures,
    currency: &str,
    narrow: &str,
) -> Chart {
    let submitted = range("submitted", period.start, period.end);
    Chart {
        id: "pipeline-by-status".into(),
        title: "Deals registered in the period, by status now".into(),
        columns: false,
        bars: figures
            .pipeline
            .iter()
            .map(|(status, count, amount)| Bar {
                label: status.label().into(),
                value: *count,
                text: format!("{count} · {}", amount_text(*amount, currency)),
                href: format!("/deals?status={}&{submitted}{narrow}", status.as_str()),
            })
            .collect(),
    }
}

/// The managers' dashboard for a period: KPI tiles against the previous period, and the charts,
/// every number linking to the deals or partners behind it.
#[server(endpoint = "dashboard")]
pub async fn load_dashboard(#[server(flatten)] query: PeriodQuery) -> Result<Dashboard, AppError> {
    let user = guard::require_role(DASHBOARD_ROLES)?;
    let period = query.period()?;
    let state = state::server_state()?;
    let cache = fact_cache()?;
    let settings = store::program_settings(&state.db).await?;
    let currency = settings.reporting_currency.clone();
    let facts = cache.read(&state.db, &currency).await?;
    let reach = Reach::of(&user);
    let partners = reach.filter(&facts.partners());
    let activation = (settings.activation_event, settings.activation_days);
    let periods = (period, period.comparison(Utc::now().date_naive()));
    let figures = cache
        .memos
        .dashboards
        .get(facts.version(), (reach, periods, activation.0, activation.1), || {
            compute::dashboard_figures(facts.deals(), &partners, periods, activation, Utc::now().date_naive())
        })
        .await;
    drop(facts);
    let ids: Vec<i64> = partners.iter().map(|partner| partner.id).collect();
    let at_risk = super::scorecard::health_of(&state.db, &cache, &ids)
        .await?
        .into_iter()
        .filter(|health| health.is_some_and(|health| health.at_risk()))
        .count() as i64;

    // Program and MDF ROI read the ledger, which the fact cache does not hold.
    let conversion = crate::money::store::conversion(&state.db).await?;
    let (mut current, mut previous) = (figures.current.clone(), figures.previous.clone());
    for (aggregates, span) in [(&mut current, periods.0), (&mut previous, periods.1)] {
        store::incentive_figures(&state.db, reach, &conversion, span)
            .await?
            .apply(aggregates, settings.gross_margin_bp);
    }
    let money = |minor: i64| amount_text(minor, &currency);
    let tiles = DICTIONARY
        .iter()
        .map(|definition| Tile {
            kpi: definition.kpi,
            value: measure(definition.kpi, &current),
            previous: measure(definition.kpi, &previous),
            href: tile_link(definition.kpi, period),
        })
        .collect();
    let revenue_by_month = revenue_by_month_chart(period, &figures, &currency, "");
    let pipeline = pipeline_chart(period, &figures, &currency, "");
    let joined = range("joined", period.start, period.end);
    let funnel = Chart {
        id: "activation-funnel".into(),
        title: "Activation funnel of partners who joined in the period".into(),
        columns: false,
        bars: ["Joined", "Registered a deal", "Had a deal approved", "Won a deal"]
            .into_iter()
            .zip(["", "&stage=registered", "&stage=approved", "&stage=won"])
            .zip(figures.funnel)
            .map(|((label, stage), count)| Bar {
                label: label.into(),
                value: count,
                text: count.to_string(),
                href: format!("/partners?{joined}{stage}"),
            })
            .collect(),
    };
    let closed = range("closed", period.start, period.end);
    let grouped = |id: &str, title: &str, param: &str, values: &[(String, i64)]| Chart {
        id: id.into(),
        title: title.into(),
        columns: false,
        bars: values
            .iter()
            .map(|(name, revenue)| Bar {
                label: if name.is_empty() { "—".into() } else { name.clone() },
                value: *revenue,
                text: money(*revenue),
                href: format!("/deals?status=won&{closed}&{param}={}", crate::ui::encode_query(name)),
            })
            .collect(),
    };
    let charts = vec![
        revenue_by_month,
        pipeline,
        funnel,
        grouped("revenue-by-tier", "Won revenue by tier", "tier", &figures.revenue_by_tier),
        grouped("revenue-by-region", "Won revenue by region", "region", &figures.revenue_by_region),
    ];
    let scope = if reach.is_program() {
        format!("The whole program: {} partners", partners.len())
    } else {
        format!("Your {} partners", partners.len())
    };
    Ok(Dashboard {
        period,
        previous: periods.1,
        scope,
        currency,
        tiles,
        charts,
        approvals_waiting: figures.approvals_waiting,
        at_risk,
        as_of: Utc::now(),
    })
}

/// The performance settings of the program, for the administration page.
#[server(endpoint = "program_settings")]
pub async fn load_program_settings() -> Result<ProgramSettings, AppError> {
    guard::require_role(ADMINISTRATION_ROLES)?;
    Ok(store::program_settings(&state::db()?).await?)
}

/// Saves the leaderboard visibility, the activation rule and the gross margin; every bad field is
/// named and nothing changes.
#[server(endpoint = "save_program_settings")]
pub async fn save_program_settings(
    leaderboard_names: String,
    activation_days: String,
    activation_event: String,
    #[server(default)] gross_margin: String,
) -> Result<(), AppError> {
    let user = guard::require_role(ADMINISTRATION_ROLES)?;
    let db = state::db()?;
    let mut fields = crate::error::FieldErrors::new();
    let names = match leaderboard_names.as_str() {
        "named" => true,
        "anonymous" => false,
        _ => {
            fields.insert("leaderboard_names".into(), "Choose whether partners see each other's names.".into());
            false
        }
    };
    let days = match activation_days.trim().parse::<i64>() {
        Ok(days) if (1..=730).contains(&days) => days,
        _ => {
            fields.insert("activation_days".into(), "Enter a whole number of days from 1 to 730.".into());
            90
        }
    };
    let event = ActivationEvent::parse(&activation_event).unwrap_or_else(|| {
        fields.insert("activation_event".into(), "Choose what activates a partner.".into());
        ActivationEvent::Won
    });
    let margin = match gross_margin.trim() {
        "" => Err("Enter the gross margin on partner revenue, like 40.".to_owned()),
        typed => crate::tiers::form::parse_percent(typed),
    }
    .map_err(|problem| fields.insert("gross_margin".into(), problem))
    .unwrap_or(0);
    if !fields.is_empty() {
        return Err(AppError::invalid(fields));
    }
    let mut settings = store::program_settings(&db).await?;
    settings.leaderboard_names = names;
    settings.activation_days = days;
    settings.activation_event = event;
    settings.gross_margin_bp = margin;
    store::save_program_settings(&db, user.user_id, &settings).await?;
    guard::redirect_form_post("/admin");
    Ok(())
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::kpi::period::PeriodKind;

    #[test]
    fn every_linked_tile_points_at_a_list_for_its_period() {
        let period = Period::containing(PeriodKind::Month, NaiveDate::from_ymd_opt(2026, 11, 5).expect("date"));
        assert_eq!(
            tile_link(Kpi::SourcedRevenue, period).as_deref(),
            Some("/deals?status=won&attribution=sourced&closed_from=2026-11-01&closed_to=2026-11-30")
        );
        assert_eq!(
            tile_link(Kpi::ActivePartnerShare, period).as_deref(),
            Some("/partners?won_from=2026-06-04&won_to=2026-11-30")
        );
        assert_eq!(tile_link(Kpi::ProgramRoi, period), None);
    }
}
