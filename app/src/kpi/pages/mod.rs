//! The performance pages: the dashboard, the leaderboard, scorecards, the metric dictionary,
//! and the performance settings on the administration page. Each is a guarded page.

mod dashboard;
mod leaderboard;
mod metrics;
mod scorecard;
mod settings;

pub use dashboard::DashboardPage;
pub use leaderboard::LeaderboardPage;
pub use metrics::MetricsPage;
pub use scorecard::{ScorecardPage, ScorecardView};
pub use settings::PerformanceSettings;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::Tile;
use super::formulas::{change_percent, definition};
use super::measure_text;
use super::period::PeriodKind;

/// The query values a page reads, by name.
pub(crate) fn query_value(name: &'static str) -> impl Fn() -> Option<String> + Copy {
    let query = use_query_map();
    move || query.read().get(name)
}

/// Month, quarter, year or a custom range, as a GET form that keeps its values in the URL.
#[component]
pub(crate) fn PeriodFields() -> impl IntoView {
    let value = |name: &'static str| query_value(name)().unwrap_or_default();
    let period = value("period");
    view! {
        <div class="field">
            <label for="period">"Period"</label>
            <select id="period" name="period">
                {PeriodKind::ALL.into_iter().map(|kind| view! {
                    <option value=kind.as_str() selected=period == kind.as_str()>{kind.label()}</option>
                }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="period-at">"Including day"</label>
            <input id="period-at" type="date" name="at" value=value("at")/>
        </div>
        <div class="field">
            <label for="period-from">"From (custom)"</label>
            <input id="period-from" type="date" name="from" value=value("from")/>
        </div>
        <div class="field">
            <label for="period-to">"To (custom)"</label>
            <input id="period-to" type="date" name="to" value=value("to")/>
        </div>
    }
}

/// The last refresh time, "12:04:31 UTC".
pub(crate) fn as_of_text(at: chrono::DateTime<chrono::Utc>) -> String {
    format!("Figures as of {} UTC", at.format("%H:%M:%S"))
}

/// The tiles whose measure is recorded, and the names of those that are not yet (hidden, not
/// shown as a row of "n/a").
pub(crate) fn recorded(tiles: Vec<Tile>) -> (Vec<Tile>, Vec<&'static str>) {
    let (shown, hidden): (Vec<Tile>, Vec<Tile>) =
        tiles.into_iter().partition(|tile| tile.value != super::formulas::Measure::Unavailable);
    (shown, hidden.into_iter().map(|tile| definition(tile.kpi).name).collect())
}

/// Says which measures wait for data Tessera does not record yet.
#[component]
pub(crate) fn NotRecorded(names: Vec<&'static str>) -> impl IntoView {
    (!names.is_empty()).then(|| {
        view! {
            <p class="muted small" data-testid="not-recorded">
                {format!("Not shown until Tessera records what they need: {}. ", names.join(", "))}
                <a href="/metrics">"The metric dictionary"</a> " says what each needs."
            </p>
        }
    })
}

#[component]
pub(crate) fn TileView(tile: Tile, currency: String, previous_label: String) -> impl IntoView {
    let metric = definition(tile.kpi);
    let value = measure_text(tile.kpi, &tile.value, &currency);
    let previous = measure_text(tile.kpi, &tile.previous, &currency);
    // The arrow follows the number; the colour says whether that is good news.
    let change = change_percent(&tile.value, &tile.previous).map(|change| {
        let arrow = if change > 0.0 {
            "▲"
        } else if change < 0.0 {
            "▼"
        } else {
            ""
        };
        let better = (change > 0.0) != tile.kpi.lower_is_better();
        let tone = if change == 0.0 {
            "flat"
        } else if better {
            "good"
        } else {
            "bad"
        };
        view! { <span class=format!("change {tone}")>{format!("{arrow} {:.1}%", change.abs())}</span> }
    });
    let value_view = match tile.href {
        Some(href) => view! { <a href=href>{value}</a> }.into_any(),
        None => view! { <span>{value}</span> }.into_any(),
    };
    view! {
        <div class="card tile" data-kpi=metric.id>
            <p class="tile-label"><a href=format!("/metrics#{}", metric.id) title=metric.formula>{metric.name}</a></p>
            <p class="tile-value">{value_view}</p>
            <p class="tile-compare muted">{change} " " {format!("{previous} in {previous_label}")}</p>
            {metric.pending.map(|note| view! { <p class="tile-note muted small">{note}</p> })}
        </div>
    }
}
