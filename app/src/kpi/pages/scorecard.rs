//! Scorecards: a partner's own (`/scorecard`), kept live; the partner's page shows the same
//! view to its managers.

use leptos::prelude::*;

use super::{NotRecorded, TileView, as_of_text, recorded};
use crate::auth::access::OWN_SCORECARD_ROLES;
use crate::kpi::Scorecard;
use crate::kpi::charts::ChartView;
use crate::kpi::scorecard::load_scorecard;
use crate::layout::guarded_page_with_head;
use crate::live::{LiveBadge, use_live};
use crate::ui::{Badge, ScrollTable};

/// A partner's own scorecard, kept live like the leaderboard.
#[component]
pub fn ScorecardPage() -> impl IntoView {
    let live = use_live();
    let head = move |user: &crate::auth::SessionUser| {
        view! {
            <div class="page-head">
                <h1>{format!("{}: scorecard", user.organisation_name)}</h1>
                <LiveBadge live/>
            </div>
        }
    };
    guarded_page_with_head(
        OWN_SCORECARD_ROLES,
        head,
        move || live.version.get(),
        |_| load_scorecard(None),
        |_, scorecard| {
            view! { <ScorecardView scorecard/> }
        },
    )
}

#[component]
pub fn ScorecardView(scorecard: Scorecard) -> impl IntoView {
    let currency = scorecard.currency.clone();
    let previous_label = scorecard.period.comparison_label(scorecard.previous);
    let (tiles, not_recorded) = recorded(scorecard.tiles);
    let health = match scorecard.health {
        Some(health) => view! {
            <p class="health-score">
                <span class="tile-value" data-testid="health-score">{health.score}</span>
                <span class="muted">" / 100 "</span>
                <Badge text=health.band.label() tone=health.band.tone()/>
                {health.falling().then(|| view! { " " <Badge text="Falling" tone="danger"/> })}
            </p>
            {health.trend_text().map(|trend| view! {
                <p class="muted small" data-testid="health-trend">{format!("Score {trend}.")}</p>
            })}
        }
        .into_any(),
        None => view! { <p class="tile-value" data-testid="health-score">"n/a"</p> }.into_any(),
    };
    view! {
        <div class="scorecard" data-testid="scorecard">
            <p class="lead">
                <strong>"Last 12 months: " {scorecard.period.label()}</strong> " · compared with " {previous_label.clone()}
            </p>
            <div class="columns">
                <section class="card" aria-labelledby="health-card-title" data-testid="health">
                    <h2 id="health-card-title">"Health score"</h2>
                    {health}
                    <ScrollTable label="What the health score is made of">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">"Part"</th>
                                <th scope="col" class="numeric">"Weight"</th>
                                <th scope="col" class="numeric">"Score"</th>
                                <th scope="col">"From"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {scorecard.parts.into_iter().map(|part| view! {
                                <tr>
                                    <th scope="row">{part.name}</th>
                                    <td class="numeric">{format!("{}%", part.weight)}</td>
                                    <td class="numeric">{part.score.map_or_else(|| "n/a".to_string(), |score| score.to_string())}</td>
                                    <td class="small">{part.basis}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </ScrollTable>
                    <p class="muted small">"Weights and bands: " <a href="/metrics#health-score">"the metric dictionary"</a> "."</p>
                </section>
                <section class="card" aria-labelledby="placings-title" data-testid="placings">
                    <h2 id="placings-title">"Rank by won revenue"</h2>
                    <dl class="facts">
                        {scorecard.placings.into_iter().map(|placing| view! {
                            <div>
                                <dt>{placing.group}</dt>
                                <dd>{format!("#{} of {}", placing.rank, placing.of)}</dd>
                            </div>
                        }).collect_view()}
                    </dl>
                    <p class="muted small">"Over the same 12 months. See the " <a href="/leaderboard">"leaderboard"</a> "."</p>
                </section>
            </div>
            <div class="tiles">
                {tiles.into_iter().map(|tile| view! {
                    <TileView tile currency=currency.clone() previous_label=previous_label.clone()/>
                }).collect_view()}
            </div>
            <NotRecorded names=not_recorded/>
            <div class="charts">
                {scorecard.charts.into_iter().map(|chart| view! { <ChartView chart/> }).collect_view()}
            </div>
            <p class="muted small">
                {as_of_text(scorecard.as_of)} ". Amounts in " {scorecard.currency.clone()} "."
            </p>
        </div>
    }
}
