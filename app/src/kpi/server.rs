//! Performance server functions: the managers' dashboard, leaderboards and the program settings
//! they read. Each checks the caller's role; a channel manager's figures cover their partners only,
//! and a partner's leaderboard carries other partners' names only when the program allows it.

use leptos::prelude::*;

use super::{Dashboard, Leaderboard, ProgramSettings, Scorecard};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::cache::Scope,
    super::compute::{self, PartnerFact},
    super::formulas::{DICTIONARY, Kpi, measure},
    super::health::{self, Health, HealthComponents, PartnerYear},
    super::period::{Period, PeriodKind},
    super::{ActivationEvent, Bar, Chart, HealthPart, LeaderboardMetric, Placing, RepStanding, Standing, Tile, store},
    crate::auth::access::{ADMINISTRATION_ROLES, DASHBOARD_ROLES},
    crate::auth::guard::ServerState,
    crate::auth::{Role, SessionUser, guard},
    crate::deals::amount_text,
    chrono::{Duration, NaiveDate, Utc},
};

#[cfg(feature = "ssr")]
fn period_from(
    period: Option<String>,
    at: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<Period, AppError> {
    Period::from_query(period.as_deref(), at.as_deref(), from.as_deref(), to.as_deref(), Utc::now().date_naive())
        .map_err(|fields| AppError::Invalid { fields })
}

/// The partners whose figures `user` may see on the dashboard: all for an admin, a channel manager's own.
#[cfg(feature = "ssr")]
fn dashboard_scope(user: &SessionUser, partners: &[PartnerFact]) -> Vec<PartnerFact> {
    match user.role {
        Role::Admin => partners.to_vec(),
        _ => partners.iter().filter(|p| p.channel_manager_id == Some(user.user_id)).cloned().collect(),
    }
}

#[cfg(feature = "ssr")]
fn range(name: &str, start: NaiveDate, end: NaiveDate) -> String {
    format!("{name}_from={start}&{name}_to={end}")
}

#[cfg(feature = "ssr")]
fn tile_link(kpi: Kpi, period: Period) -> Option<String> {
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
fn revenue_by_month_chart(period: Period, figures: &compute::DashboardFigures, currency: &str, narrow: &str) -> Chart {
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
fn pipeline_chart(period: Period, figures: &compute::DashboardFigures, currency: &str, narrow: &str) -> Chart {
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
pub async fn load_dashboard(
    period: Option<String>,
    at: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<Dashboard, AppError> {
    let user = guard::require_role(DASHBOARD_ROLES)?;
    let period = period_from(period, at, from, to)?;
    let state = guard::server_state()?;
    let settings = store::program_settings(&state.db).await?;
    let currency = settings.reporting_currency.clone();
    let facts = state.facts.read(&state.db, &currency).await?;
    let partners = dashboard_scope(&user, &facts.partners());
    let activation = (settings.activation_event, settings.activation_days);
    let scope = match user.role {
        Role::Admin => Scope::Program,
        _ => Scope::ChannelManager(user.user_id),
    };
    let figures = state
        .facts
        .memos
        .dashboards
        .get(facts.version(), (scope, period, activation.0, activation.1), || {
            compute::dashboard_figures(facts.deals(), &partners, period, activation)
        })
        .await;
    drop(facts);

    let money = |minor: i64| amount_text(minor, &currency);
    let tiles = DICTIONARY
        .iter()
        .map(|definition| Tile {
            kpi: definition.kpi,
            value: measure(definition.kpi, &figures.current),
            previous: measure(definition.kpi, &figures.previous),
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
    let scope = match user.role {
        Role::Admin => format!("The whole program: {} partners", partners.len()),
        _ => format!("Your {} partners", partners.len()),
    };
    Ok(Dashboard {
        period,
        previous: period.previous(),
        scope,
        currency,
        tiles,
        charts,
        approvals_waiting: figures.approvals_waiting,
        as_of: Utc::now(),
    })
}

/// How many lines a leaderboard shows before the viewer's own.
#[cfg(feature = "ssr")]
const BOARD_LINES: usize = 25;

/// Partners ranked by won revenue or won deals in a period, over the whole program or within a
/// tier or region. Partners see other partners' names only when the program shows names, and
/// always see their own position and their reps' standings.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "leaderboard")]
pub async fn load_leaderboard(
    period: Option<String>,
    at: Option<String>,
    from: Option<String>,
    to: Option<String>,
    metric: Option<String>,
    within: Option<String>,
    tier: Option<String>,
    region: Option<String>,
) -> Result<Leaderboard, AppError> {
    let user = guard::signed_in()?;
    let period = period_from(period, at, from, to)?;
    let metric = metric.as_deref().and_then(LeaderboardMetric::parse).unwrap_or(LeaderboardMetric::Revenue);
    let state = guard::server_state()?;
    let settings = store::program_settings(&state.db).await?;
    let currency = settings.reporting_currency.clone();
    // The group pickers: every tier and region for vendor staff; a partner's own (below) for partners.
    let (tiers, regions) = match user.role.is_vendor_staff() {
        true => store::tiers_and_regions(&state.db).await?,
        false => Default::default(),
    };
    let facts = state.facts.read(&state.db, &currency).await?;
    let partners = facts.partners();
    let memos = &state.facts.memos;
    let values = memos
        .leaderboards
        .get(facts.version(), (period, metric), || compute::partner_scores(facts.deals(), &partners, period, metric))
        .await;
    let is_partner = !user.role.is_vendor_staff();
    let own = partners.iter().position(|p| is_partner && p.id == user.organisation_id);
    let reps = match own {
        Some(_) => {
            let every_partners =
                memos.reps.get(facts.version(), period, || compute::rep_scores(facts.deals(), period)).await;
            every_partners.get(&user.organisation_id).cloned().unwrap_or_default()
        }
        None => Vec::new(),
    };
    drop(facts);

    // A partner's tier and region boards are its own tier's and region's.
    let own_partner = own.map(|position| &partners[position]);
    let (within, group) = match within.as_deref() {
        Some("tier") => ("tier", own_partner.map(|p| p.tier.clone()).or(tier).or_else(|| tiers.first().cloned())),
        Some("region") => {
            ("region", own_partner.map(|p| p.region.clone()).or(region).or_else(|| regions.first().cloned()))
        }
        _ => ("all", None),
    };
    let members: Vec<usize> = (0..partners.len())
        .filter(|&position| match (within, &group) {
            ("tier", Some(name)) => partners[position].tier == *name,
            ("region", Some(name)) => partners[position].region == *name,
            _ => true,
        })
        .collect();
    let group_total: i64 = members.iter().map(|&position| values[position]).sum();
    let ranked = compute::rank(&values, members.iter().copied());
    let names_shown = user.role.is_vendor_staff() || settings.leaderboard_names;
    let value_text = |value: i64| match metric {
        LeaderboardMetric::Revenue => amount_text(value, &currency),
        LeaderboardMetric::WonDeals => value.to_string(),
    };
    let standing = |(rank, position): (usize, usize)| {
        let partner = &partners[position];
        let is_own = Some(position) == own;
        let named = names_shown || is_own;
        let linkable = match user.role {
            Role::Admin | Role::Marketing => true,
            Role::ChannelManager => partner.channel_manager_id == Some(user.user_id),
            _ => false,
        };
        Standing {
            rank,
            name: if named { partner.name.clone() } else { "Anonymous partner".into() },
            partner_id: linkable.then_some(partner.id),
            tier: named.then(|| partner.tier.clone()),
            region: named.then(|| partner.region.clone()),
            value: values[position],
            value_text: value_text(values[position]),
            share_permille: (group_total > 0).then(|| values[position] * 1000 / group_total),
            own: is_own,
        }
    };
    let rows: Vec<Standing> = ranked.iter().take(BOARD_LINES).copied().map(standing).collect();
    let own_standing =
        ranked.iter().skip(BOARD_LINES).find(|(_, position)| Some(*position) == own).copied().map(standing);

    let reps = if reps.is_empty() {
        Vec::new()
    } else {
        let names = store::people_names(&state.db, user.organisation_id).await?;
        let revenue: Vec<i64> = reps.iter().map(|(_, revenue, _)| *revenue).collect();
        compute::rank(&revenue, 0..reps.len())
            .into_iter()
            .map(|(rank, index)| {
                let (user_id, revenue, won_deals) = reps[index];
                RepStanding {
                    rank,
                    name: names
                        .iter()
                        .find(|(id, _)| *id == user_id)
                        .map_or_else(|| "Former colleague".into(), |n| n.1.clone()),
                    revenue_text: amount_text(revenue, &currency),
                    won_deals,
                    own: user_id == user.user_id,
                }
            })
            .collect()
    };
    let (tiers, regions) = match own_partner {
        Some(partner) => (vec![partner.tier.clone()], vec![partner.region.clone()]),
        None => (tiers, regions),
    };
    Ok(Leaderboard {
        period,
        metric,
        within: within.into(),
        group: group.unwrap_or_else(|| "All partners".into()),
        tiers,
        regions,
        names_shown,
        rows,
        own: own_standing,
        ranked: ranked.len(),
        reps,
        as_of: Utc::now(),
    })
}

/// The KPIs a partner's scorecard shows, from the dictionary.
#[cfg(feature = "ssr")]
const SCORECARD_KPIS: [Kpi; 7] = [
    Kpi::TotalRevenue,
    Kpi::SourcedRevenue,
    Kpi::InfluencedRevenue,
    Kpi::WinRate,
    Kpi::RegistrationVolume,
    Kpi::ApprovalRate,
    Kpi::MedianApprovalTime,
];

/// A share 0–1 as a score out of 100.
#[cfg(feature = "ssr")]
fn out_of_100(share: Option<f64>) -> Option<u8> {
    share.filter(|share| share.is_finite()).map(|share| (share.clamp(0.0, 1.0) * 100.0).round() as u8)
}

/// What each health component was computed from, in words.
#[cfg(feature = "ssr")]
fn health_parts(
    year: &PartnerYear,
    components: &HealthComponents,
    benchmark: Option<i64>,
    days_since_sign_in: Option<i64>,
    currency: &str,
) -> Vec<HealthPart> {
    let revenue = match benchmark {
        Some(benchmark) => format!(
            "{} won in 12 months, against {}: the {}th percentile of active partners",
            amount_text(year.won_revenue, currency),
            amount_text(benchmark, currency),
            health::BENCHMARK_PERCENTILE
        ),
        None => "No benchmark yet: no partner has won a deal in the last 180 days".into(),
    };
    let signed_in = match days_since_sign_in {
        Some(0) => "someone signed in today".to_string(),
        Some(1) => "last sign-in yesterday".to_string(),
        Some(days) => format!("last sign-in {days} days ago"),
        None => "nobody has signed in yet".to_string(),
    };
    let engagement = format!(
        "{} deals registered in the last {} days (3 for full marks); {signed_in}",
        year.registered_recently,
        health::ENGAGEMENT_DAYS
    );
    let closed = year.won_deals + year.lost_deals;
    let success = if closed > 0 {
        format!("Won {} of the {closed} deals closed in 12 months", year.won_deals)
    } else {
        "No deals closed in 12 months".into()
    };
    let bases = [revenue, "Not measured until training is recorded".into(), engagement, success];
    health::WEIGHTS
        .into_iter()
        .zip(components.each())
        .zip(bases)
        .map(|(((name, weight), value), basis)| HealthPart {
            name: name.into(),
            weight,
            score: out_of_100(value),
            basis,
        })
        .collect()
}

/// A partner's scorecard: its last twelve months against the twelve before, where it ranks by
/// revenue, and its health score with what each part was computed from. Partners see their own
/// (`partner_id` may be left out), channel managers their partners', admins and marketing any;
/// anyone else is told it does not exist.
#[server(endpoint = "scorecard")]
pub async fn load_scorecard(partner_id: Option<i64>) -> Result<Scorecard, AppError> {
    let user = guard::signed_in()?;
    let state = guard::server_state()?;
    let id = match partner_id {
        Some(id) => id,
        None if !user.role.is_vendor_staff() => user.organisation_id,
        None => return Err(AppError::NotFound),
    };
    if guard::visible_organisation(&state.db, &user, id).await?.is_vendor {
        return Err(AppError::NotFound);
    }
    let settings = store::program_settings(&state.db).await?;
    let currency = settings.reporting_currency.clone();
    let now = Utc::now();
    let today = now.date_naive();
    let period = Period { kind: PeriodKind::Custom, start: today - Duration::days(364), end: today };
    let last_sign_in = store::last_sign_ins(&state.db, &[id]).await?.first().map(|(_, at)| *at);

    let facts = state.facts.read(&state.db, &currency).await?;
    let partners = facts.partners();
    let position = partners.iter().position(|p| p.id == id).ok_or(AppError::NotFound)?;
    let partner = &partners[position];
    let memos = &state.facts.memos;
    let today_number = compute::day_number(today);
    let years = memos
        .years
        .get(facts.version(), today_number, || compute::partner_years(facts.deals(), &partners, today_number))
        .await;
    let activation = (settings.activation_event, settings.activation_days);
    let figures = memos
        .dashboards
        .get(facts.version(), (Scope::Partner(id), period, activation.0, activation.1), || {
            compute::dashboard_figures(facts.deals(), std::slice::from_ref(partner), period, activation)
        })
        .await;
    drop(facts);

    let benchmark = health::revenue_benchmark(&years);
    let year = years[position];
    let days_since_sign_in = last_sign_in.map(|at| (now - at).num_days().max(0));
    let components = year.components(benchmark, days_since_sign_in);
    let narrow = format!("&partner={id}");
    let tiles = SCORECARD_KPIS
        .into_iter()
        .map(|kpi| Tile {
            kpi,
            value: measure(kpi, &figures.current),
            previous: measure(kpi, &figures.previous),
            href: tile_link(kpi, period).map(|href| href + &narrow),
        })
        .collect();
    let revenue: Vec<i64> = years.iter().map(|year| year.won_revenue).collect();
    let placing = |group: String, members: Vec<usize>| {
        let ranked = compute::rank(&revenue, members.into_iter());
        let rank = ranked.iter().find(|(_, member)| *member == position).map_or(ranked.len(), |(rank, _)| *rank);
        Placing { group, rank, of: ranked.len() }
    };
    let same = |same_group: &dyn Fn(&PartnerFact) -> bool| {
        (0..partners.len()).filter(|&other| same_group(&partners[other])).collect::<Vec<_>>()
    };
    let placings = vec![
        placing("All partners".into(), (0..partners.len()).collect()),
        placing(format!("{} tier", partner.tier), same(&|other| other.tier == partner.tier)),
        placing(format!("Region {}", partner.region), same(&|other| other.region == partner.region)),
    ];
    Ok(Scorecard {
        partner_id: id,
        partner_name: partner.name.clone(),
        tier: partner.tier.clone(),
        region: partner.region.clone(),
        period,
        previous: period.previous(),
        health: health::health_score(&components),
        parts: health_parts(&year, &components, benchmark, days_since_sign_in, &currency),
        tiles,
        placings,
        charts: vec![
            revenue_by_month_chart(period, &figures, &currency, &narrow),
            pipeline_chart(period, &figures, &currency, &narrow),
        ],
        currency,
        as_of: now,
    })
}

/// The health score of each of `ids` (in that order) as its scorecard has it, for the partner directory.
#[cfg(feature = "ssr")]
pub async fn partner_health(state: &ServerState, ids: &[i64]) -> Result<Vec<Option<Health>>, AppError> {
    let currency = store::program_settings(&state.db).await?.reporting_currency;
    let now = Utc::now();
    let sign_ins = store::last_sign_ins(&state.db, ids).await?;
    let facts = state.facts.read(&state.db, &currency).await?;
    let partners = facts.partners();
    let today = compute::day_number(now.date_naive());
    let years = state
        .facts
        .memos
        .years
        .get(facts.version(), today, || compute::partner_years(facts.deals(), &partners, today))
        .await;
    drop(facts);
    let benchmark = health::revenue_benchmark(&years);
    let index = compute::PartnerIndex::new(&partners);
    Ok(ids
        .iter()
        .map(|id| {
            let year = years[index.get(*id)?];
            let days_since_sign_in = sign_ins
                .iter()
                .find(|(organisation, _)| organisation == id)
                .map(|(_, at)| (now - *at).num_days().max(0));
            health::health_score(&year.components(benchmark, days_since_sign_in))
        })
        .collect())
}

/// The performance settings of the program, for the administration page.
#[server(endpoint = "program_settings")]
pub async fn load_program_settings() -> Result<ProgramSettings, AppError> {
    guard::require_role(ADMINISTRATION_ROLES)?;
    Ok(store::program_settings(&guard::db()?).await?)
}

/// Saves the leaderboard visibility and the activation rule; every bad field is named and nothing changes.
#[server(endpoint = "save_program_settings")]
pub async fn save_program_settings(
    leaderboard_names: String,
    activation_days: String,
    activation_event: String,
) -> Result<(), AppError> {
    let user = guard::require_role(ADMINISTRATION_ROLES)?;
    let db = guard::db()?;
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
    if !fields.is_empty() {
        return Err(AppError::Invalid { fields });
    }
    let mut settings = store::program_settings(&db).await?;
    settings.leaderboard_names = names;
    settings.activation_days = days;
    settings.activation_event = event;
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
