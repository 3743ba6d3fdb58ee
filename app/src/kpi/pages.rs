//! The dashboard, leaderboard and metric dictionary pages.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::charts::ChartView;
use super::formulas::{DICTIONARY, change_percent, definition};
use super::health::WEIGHTS;
use super::period::PeriodKind;
use super::leaderboard::{LeaderboardQuery, load_leaderboard};
use super::scorecard::load_scorecard;
use super::server::{PeriodQuery, SaveProgramSettings, load_dashboard, load_program_settings};
use super::{ActivationEvent, Dashboard, Leaderboard, LeaderboardMetric, Scorecard, Standing, Tile, measure_text};
use crate::auth::Role;
use crate::auth::access::{DASHBOARD_ROLES, OWN_SCORECARD_ROLES};
use crate::error::AppError;
use crate::layout::{ErrorPage, RequireRole};
use crate::live::{LiveBadge, use_live};
use crate::ui::{Badge, Field, FieldAlert, FormError, Notice, ScrollTable, form_error};

/// The query values a page reads, by name.
fn query_value(name: &'static str) -> impl Fn() -> Option<String> + Copy {
    let query = use_query_map();
    move || query.read().get(name)
}

/// Month, quarter, year or a custom range, as a GET form that keeps its values in the URL.
#[component]
fn PeriodFields() -> impl IntoView {
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
fn as_of_text(at: chrono::DateTime<chrono::Utc>) -> String {
    format!("Figures as of {} UTC", at.format("%H:%M:%S"))
}

// ---------------------------------------------------------------------------------------------
// The managers' dashboard

#[component]
pub fn DashboardPage() -> impl IntoView {
    let live = use_live();
    let query = use_query_map();
    let figures = Resource::new(
        move || (PeriodQuery::from_query(|name| query.read().get(name)), live.version.get()),
        |(period, _)| load_dashboard(period),
    );
    view! {
        <RequireRole allowed=DASHBOARD_ROLES children=move |user| view! {
            <div class="page-head">
                <h1>{if user.role == Role::Admin { "Program dashboard" } else { "My partners' dashboard" }}</h1>
                <LiveBadge live/>
            </div>
            <Form method="GET" action="" attr:class="filters card" attr:aria-label="Period">
                <PeriodFields/>
                <button type="submit" class="button secondary">"Show"</button>
            </Form>
            {move || figures.get().map(|result| match result {
                Ok(dashboard) => view! { <DashboardView dashboard/> }.into_any(),
                Err(AppError::Invalid { fields }) => view! {
                    <FieldAlert fields/>
                }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        }/>
    }
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let currency = dashboard.currency.clone();
    let previous_label = dashboard.previous.label();
    view! {
        <p class="lead" data-testid="dashboard-scope">
            <strong>{dashboard.period.label()}</strong> " · " {dashboard.scope.clone()} " · compared with " {previous_label.clone()}
        </p>
        <div class="tiles">
            <div class="card tile" data-kpi="approvals-waiting">
                <p class="tile-label">"Approvals waiting"</p>
                <p class="tile-value"><a href="/deals/queue">{dashboard.approvals_waiting}</a></p>
                <p class="tile-compare muted">"Deals submitted and not yet decided"</p>
            </div>
            {dashboard.tiles.into_iter().map(|tile| view! {
                <TileView tile currency=currency.clone() previous_label=previous_label.clone()/>
            }).collect_view()}
        </div>
        <div class="charts">
            {dashboard.charts.into_iter().map(|chart| view! { <ChartView chart/> }).collect_view()}
        </div>
        <p class="muted small">
            {as_of_text(dashboard.as_of)} ". Amounts in " {dashboard.currency.clone()}
            ", other currencies converted at the program's rates. How each figure is computed: "
            <a href="/metrics">"the metric dictionary"</a> "."
        </p>
    }
}

#[component]
fn TileView(tile: Tile, currency: String, previous_label: String) -> impl IntoView {
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

// ---------------------------------------------------------------------------------------------
// Leaderboards

#[component]
pub fn LeaderboardPage() -> impl IntoView {
    let live = use_live();
    let query = use_query_map();
    let board = Resource::new(
        move || {
            let query = query.read();
            let board = LeaderboardQuery {
                period: PeriodQuery::from_query(|name| query.get(name)),
                metric: query.get("metric"),
                within: query.get("within"),
                tier: query.get("tier"),
                region: query.get("region"),
            };
            (board, live.version.get())
        },
        |(board, _)| load_leaderboard(board),
    );
    view! {
        <RequireRole allowed=&Role::ALL children=move |user| view! {
            <div class="page-head">
                <h1>"Leaderboard"</h1>
                <LiveBadge live/>
            </div>
            {move || board.get().map(|result| match result {
                Ok(board) => view! { <LeaderboardView board vendor=user.role.is_vendor_staff()/> }.into_any(),
                Err(AppError::Invalid { fields }) => view! {
                    <FieldAlert fields/>
                    <p><a href="/leaderboard">"Show this month"</a></p>
                }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        }/>
    }
}

#[component]
fn LeaderboardView(board: Leaderboard, vendor: bool) -> impl IntoView {
    let within = board.within.clone();
    let group = board.group.clone();
    let show_details = board.names_shown;
    let metric_label = board.metric.label();
    view! {
        <Form method="GET" action="" attr:class="filters card" attr:aria-label="Leaderboard">
            <div class="field">
                <label for="metric">"Rank by"</label>
                <select id="metric" name="metric">
                    {LeaderboardMetric::ALL.into_iter().map(|metric| view! {
                        <option value=metric.as_str() selected=metric == board.metric>{metric.label()}</option>
                    }).collect_view()}
                    <option value="certifications" disabled=true>"Certifications (n/a until training is recorded)"</option>
                </select>
            </div>
            <div class="field">
                <label for="within">"Among"</label>
                <select id="within" name="within">
                    <option value="all" selected=within == "all">"All partners"</option>
                    <option value="tier" selected=within == "tier">{if vendor { "Partners in a tier" } else { "Partners in our tier" }}</option>
                    <option value="region" selected=within == "region">{if vendor { "Partners in a region" } else { "Partners in our region" }}</option>
                </select>
            </div>
            {vendor.then(|| view! {
                <div class="field">
                    <label for="tier">"Tier"</label>
                    <select id="tier" name="tier">
                        {board.tiers.iter().map(|tier| view! {
                            <option value=tier.clone() selected=within == "tier" && *tier == group>{tier.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="region">"Region"</label>
                    <select id="region" name="region">
                        {board.regions.iter().map(|region| view! {
                            <option value=region.clone() selected=within == "region" && *region == group>{region.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            <PeriodFields/>
            <button type="submit" class="button secondary">"Show"</button>
        </Form>
        <p class="lead" data-testid="board-scope">
            <strong>{board.period.label()}</strong> " · " {metric_label} " · " {board.group.clone()}
            {format!(" · {} partners ranked", board.ranked)}
        </p>
        {(!board.names_shown).then(|| view! {
            <Notice text="Other partners are shown without their names, as the program is set. Your own position is always shown."/>
        })}
        <div class="card">
            <table class="leaderboard" data-testid="leaderboard">
                <thead>
                    <tr>
                        <th scope="col" class="numeric">"Rank"</th>
                        <th scope="col">"Partner"</th>
                        {show_details.then(|| view! { <th scope="col">"Tier"</th><th scope="col">"Region"</th> })}
                        <th scope="col" class="numeric">{metric_label}</th>
                        <th scope="col" class="numeric">"Share of group"</th>
                    </tr>
                </thead>
                <tbody>
                    {board.rows.into_iter().map(|row| view! { <StandingRow row show_details/> }).collect_view()}
                    {board.own.map(|row| view! {
                        <tr class="gap"><td colspan="6">"…"</td></tr>
                        <StandingRow row show_details/>
                    })}
                </tbody>
            </table>
        </div>
        {(!board.reps.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="reps-title">
                <h2 id="reps-title">"Our reps"</h2>
                <table data-testid="rep-board">
                    <thead>
                        <tr>
                            <th scope="col" class="numeric">"Rank"</th>
                            <th scope="col">"Rep"</th>
                            <th scope="col" class="numeric">"Won revenue"</th>
                            <th scope="col" class="numeric">"Won deals"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {board.reps.into_iter().map(|rep| view! {
                            <tr class:own=rep.own>
                                <td class="numeric">{rep.rank}</td>
                                <td>{rep.name}</td>
                                <td class="numeric">{rep.revenue_text}</td>
                                <td class="numeric">{rep.won_deals}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
        <p class="muted small">{as_of_text(board.as_of)} ". Ranks are shared on equal values. " <a href="/metrics">"How figures are computed"</a> "."</p>
    }
}

#[component]
fn StandingRow(row: Standing, show_details: bool) -> impl IntoView {
    let name = match row.partner_id {
        Some(id) => view! { <a href=format!("/partners/{id}")>{row.name.clone()}</a> }.into_any(),
        None => view! { <span>{row.name.clone()}</span> }.into_any(),
    };
    let share = row.share_permille.map_or_else(|| "n/a".to_string(), |p| format!("{}.{}%", p / 10, p % 10));
    view! {
        <tr class:own=row.own data-own=row.own.then_some("true")>
            <td class="numeric">{row.rank}</td>
            <td>{name}{row.own.then(|| view! { " " <span class="badge badge-success">"You"</span> })}</td>
            {show_details.then(|| view! {
                <td>{row.tier.clone().unwrap_or_default()}</td>
                <td>{row.region.clone().unwrap_or_default()}</td>
            })}
            <td class="numeric" data-testid="standing-value">{row.value_text.clone()}</td>
            <td class="numeric">{share}</td>
        </tr>
    }
}

// ---------------------------------------------------------------------------------------------
// The metric dictionary

#[component]
pub fn MetricsPage() -> impl IntoView {
    view! {
        <RequireRole allowed=&Role::ALL children=|_| view! {
            <h1>"Metric dictionary"</h1>
            <p class="lead">"How every figure on the dashboards, scorecards and leaderboards is computed. \
                A figure with nothing to divide by shows \"n/a\"."</p>
            <div class="card">
                <table class="dictionary">
                    <thead>
                        <tr>
                            <th scope="col">"KPI"</th>
                            <th scope="col">"Formula"</th>
                            <th scope="col" class="numeric">"Version"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {DICTIONARY.iter().map(|metric| view! {
                            <tr id=metric.id>
                                <th scope="row">{metric.name}</th>
                                <td>{metric.formula}{metric.pending.map(|note| view! { <br/><span class="muted small">{note}</span> })}</td>
                                <td class="numeric">{format!("v{}", metric.version)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <section class="card" id="health-score" aria-labelledby="health-title">
                <h2 id="health-title">"Partner health score (v1)"</h2>
                <p>"A score from 0 to 100, weighted "
                    {WEIGHTS.iter().map(|(name, weight)| format!("{name} {weight}")).collect::<Vec<_>>().join(", ")}
                    ". Green from 80, yellow 50–79, red below 50. A component Tessera cannot measure yet is left out and the others are re-weighted."</p>
                <ul>
                    <li>"Revenue: won revenue over the last 12 months against the program's 75th percentile of active partners, capped at full marks."</li>
                    <li>"Competency: certified people against those required (n/a until training is recorded)."</li>
                    <li>"Engagement: half for deals registered in the last 90 days (three or more is full marks), half for a sign-in within 30 days (within 90 days: half)."</li>
                    <li>"Customer success: the win rate of the last 12 months' closed deals, until surveys are recorded."</li>
                </ul>
            </section>
        }/>
    }
}

// ---------------------------------------------------------------------------------------------
// Scorecards

/// A partner's own scorecard, kept live like the leaderboard.
#[component]
pub fn ScorecardPage() -> impl IntoView {
    let live = use_live();
    let scorecard = Resource::new(move || live.version.get(), |_| load_scorecard(None));
    view! {
        <RequireRole allowed=OWN_SCORECARD_ROLES children=move |user| view! {
            <div class="page-head">
                <h1>{format!("{}: scorecard", user.organisation_name)}</h1>
                <LiveBadge live/>
            </div>
            <ScorecardResult scorecard/>
        }/>
    }
}

/// A scorecard once loaded, or why it cannot be shown.
#[component]
pub fn ScorecardResult(scorecard: Resource<Result<Scorecard, AppError>>) -> impl IntoView {
    move || {
        scorecard.get().map(|result| match result {
            Ok(scorecard) => view! { <ScorecardView scorecard/> }.into_any(),
            Err(error) => view! { <ErrorPage error/> }.into_any(),
        })
    }
}

#[component]
fn ScorecardView(scorecard: Scorecard) -> impl IntoView {
    let currency = scorecard.currency.clone();
    let previous_label = scorecard.previous.label();
    let health = match scorecard.health {
        Some(health) => view! {
            <p class="health-score">
                <span class="tile-value" data-testid="health-score">{health.score}</span>
                <span class="muted">" / 100 "</span>
                <Badge text=health.band.label() tone=health.band.tone()/>
            </p>
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
                {scorecard.tiles.into_iter().map(|tile| view! {
                    <TileView tile currency=currency.clone() previous_label=previous_label.clone()/>
                }).collect_view()}
            </div>
            <div class="charts">
                {scorecard.charts.into_iter().map(|chart| view! { <ChartView chart/> }).collect_view()}
            </div>
            <p class="muted small">
                {as_of_text(scorecard.as_of)} ". Amounts in " {scorecard.currency.clone()} "."
            </p>
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// The program's performance settings, on the administration page

/// The settings form's action and the settings it shows. Made by the page, outside the role
/// guard's Transition: a resource first created inside it during server rendering can deadlock
/// the reactive graph with the guard's own suspense.
#[derive(Clone, Copy)]
pub struct PerformanceSettingsData {
    save: ServerAction<SaveProgramSettings>,
    settings: Resource<Result<super::ProgramSettings, AppError>>,
}

impl PerformanceSettingsData {
    pub fn new() -> PerformanceSettingsData {
        let save = ServerAction::<SaveProgramSettings>::new();
        let settings = Resource::new(move || save.version().get(), |_| load_program_settings());
        PerformanceSettingsData { save, settings }
    }
}

impl Default for PerformanceSettingsData {
    fn default() -> PerformanceSettingsData {
        PerformanceSettingsData::new()
    }
}

#[component]
pub fn PerformanceSettings(data: PerformanceSettingsData) -> impl IntoView {
    let PerformanceSettingsData { save, settings } = data;
    let error = form_error(save);
    view! {
        <section class="card" aria-labelledby="performance-settings-title">
            <h2 id="performance-settings-title">"Performance settings"</h2>
            {move || settings.get().map(|result| match result {
                Ok(settings) => view! {
                    <ActionForm action=save attr:class="stack">
                        <div class="field">
                            <label for="leaderboard-names">"Leaderboards show partners"</label>
                            <select id="leaderboard-names" name="leaderboard_names">
                                <option value="anonymous" selected=!settings.leaderboard_names>"Anonymised: each partner sees only its own name"</option>
                                <option value="named" selected=settings.leaderboard_names>"By name"</option>
                            </select>
                        </div>
                        <Field label="A new partner is activated within (days)" name="activation_days" kind="number"
                            value=settings.activation_days.to_string() error required=true/>
                        <div class="field">
                            <label for="activation-event">"by a first deal"</label>
                            <select id="activation-event" name="activation_event">
                                <option value="won" selected=settings.activation_event == ActivationEvent::Won>"won"</option>
                                <option value="registered" selected=settings.activation_event == ActivationEvent::Registered>"registered"</option>
                            </select>
                        </div>
                        <FormError error/>
                        {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <Notice text="Settings saved." tone="success"/> })}
                        <button type="submit" class="button primary">"Save settings"</button>
                    </ActionForm>
                    <p class="muted small">"Reporting currency: " {settings.reporting_currency} "."</p>
                }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </section>
    }
}
