//! Partner scorecards: a partner's last twelve months against the twelve before, its rank, and
//! its health score with what each part was computed from.

use leptos::prelude::*;

use super::Scorecard;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::cache::{FactCache, fact_cache},
    super::compute::{self, PartnerFact},
    super::formulas::{Kpi, measure},
    super::health::{self, Health, HealthComponents, PartnerYear},
    super::period::{Period, PeriodKind},
    super::server::{pipeline_chart, revenue_by_month_chart, tile_link},
    super::{HealthPart, Placing, Tile, store},
    crate::auth::guard,
    crate::auth::reach::Reach,
    crate::db::Db,
    crate::deals::amount_text,
    crate::state,
    chrono::{Duration, Utc},
    std::collections::HashMap,
};

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
    sign_in_days: i64,
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
    let registered = match year.registered_recently {
        1 => "1 deal".to_owned(),
        count => format!("{count} deals"),
    };
    let engagement = format!(
        "{registered} registered in the last {days} days (3 for full marks); someone signed in on {sign_in_days} of \
         those days ({} for full marks)",
        health::SIGN_IN_DAYS_FOR_FULL,
        days = health::ENGAGEMENT_DAYS,
    );
    let closed = year.won_deals + year.lost_deals;
    let success = if closed > 0 {
        format!("Won {} of the {closed} deals closed in 12 months", year.won_deals)
    } else {
        "No deals closed in 12 months".into()
    };
    let competency = match year.people {
        (_, 0) => "No people to count".to_owned(),
        (certified, people) => format!("{certified} of {people} people hold a valid certification"),
    };
    let bases = [revenue, competency, engagement, success];
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
    let state = state::server_state()?;
    let cache = fact_cache()?;
    let id = match partner_id {
        Some(id) => id,
        None if !user.role.is_vendor_staff() => user.organisation_id,
        None => return Err(AppError::NotFound),
    };
    guard::reachable_partner(&state.db, &user, id).await?;
    let settings = store::program_settings(&state.db).await?;
    let currency = settings.reporting_currency.clone();
    let now = Utc::now();
    let today = now.date_naive();
    let period = Period { kind: PeriodKind::Custom, start: today - Duration::days(364), end: today };
    let periods = (period, period.comparison(today));
    let sign_ins = store::sign_in_dates_of(&state.db, id, now - Duration::days(health::ENGAGEMENT_DAYS)).await?;
    let sign_in_days = health::sign_in_days_until(&sign_ins, today);
    let health = health_of(&state.db, &cache, &[id]).await?.into_iter().next().flatten();

    let facts = cache.read(&state.db, &currency).await?;
    let partners = facts.partners();
    let position = partners.iter().position(|p| p.id == id).ok_or(AppError::NotFound)?;
    let partner = &partners[position];
    let memos = &cache.memos;
    let numbers = (compute::day_number(today), compute::day_number(today - Duration::days(health::TREND_DAYS)));
    let years = memos
        .years
        .get(facts.version(), numbers, || compute::partner_years(facts.deals(), &partners, [numbers.0, numbers.1]))
        .await;
    let years = &years[0];
    let activation = (settings.activation_event, settings.activation_days);
    let figures = memos
        .dashboards
        .get(facts.version(), (Reach::Own { organisation_id: id }, periods, activation.0, activation.1), || {
            compute::dashboard_figures(facts.deals(), std::slice::from_ref(partner), periods, activation, today)
        })
        .await;
    drop(facts);

    let benchmark = health::revenue_benchmark(years);
    let year = years[position];
    let components = year.components(benchmark, sign_in_days);
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
        previous: periods.1,
        health,
        parts: health_parts(&year, &components, benchmark, sign_in_days, &currency),
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

/// The health score of each of `ids` (in that order) as its scorecard has it, with the score
/// [`health::TREND_DAYS`] ago.
#[cfg(feature = "ssr")]
pub async fn health_of(db: &Db, cache: &FactCache, ids: &[i64]) -> Result<Vec<Option<Health>>, AppError> {
    let board = health_board(db, cache).await?;
    Ok(ids.iter().map(|id| board.get(id).copied()).collect())
}

/// Every partner's health today, shared until a deal, a partner or the audit log (a sign-in)
/// changes: a dashboard counting partners at risk reads it, not ten thousand scores.
#[cfg(feature = "ssr")]
async fn health_board(db: &Db, cache: &FactCache) -> Result<std::sync::Arc<HashMap<i64, Health>>, AppError> {
    let currency = store::program_settings(db).await?.reporting_currency;
    let now = Utc::now();
    let days = (now.date_naive(), (now - Duration::days(health::TREND_DAYS)).date_naive());
    // Read before the sign-ins, so a sign-in recorded meanwhile is counted now or next time.
    let key = (compute::day_number(days.0), store::audit_position(db).await?);
    if let Some(board) = cache.memos.health.cached(cache.read(db, &currency).await?.version(), &key) {
        return Ok(board);
    }
    let since = now - Duration::days(health::TREND_DAYS + health::ENGAGEMENT_DAYS);
    let sign_ins = store::sign_in_dates(db, since).await?;
    let facts = cache.read(db, &currency).await?;
    let partners = facts.partners();
    let numbers = (compute::day_number(days.0), compute::day_number(days.1));
    let years = cache
        .memos
        .years
        .get(facts.version(), numbers, || compute::partner_years(facts.deals(), &partners, [numbers.0, numbers.1]))
        .await;
    let board = cache
        .memos
        .health
        .get(facts.version(), key, || {
            health::health_board(partners.iter().map(|partner| partner.id), &years, &sign_ins, days)
        })
        .await;
    Ok(board)
}
