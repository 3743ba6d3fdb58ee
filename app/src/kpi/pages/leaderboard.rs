//! Leaderboards: partners ranked by won revenue or won deals, over the program or within a tier
//! or region, with each partner's own place and its reps, kept live.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::{PeriodFields, as_of_text};
use crate::auth::Role;
use crate::kpi::leaderboard::{LeaderboardQuery, load_leaderboard};
use crate::kpi::server::PeriodQuery;
use crate::kpi::{Leaderboard, LeaderboardMetric, Standing};
use crate::layout::guarded_page_with_head;
use crate::live::{LiveBadge, use_live};
use crate::ui::Notice;

#[component]
pub fn LeaderboardPage() -> impl IntoView {
    let live = use_live();
    let query = use_query_map();
    let source = move || {
        let query = query.read();
        let board = LeaderboardQuery {
            period: PeriodQuery::from_query(|name| query.get(name)),
            metric: query.get("metric"),
            within: query.get("within"),
            tier: query.get("tier"),
            region: query.get("region"),
        };
        (board, live.version.get())
    };
    let head = move |_: &crate::auth::SessionUser| {
        view! {
            <div class="page-head">
                <h1>"Leaderboard"</h1>
                <LiveBadge live/>
            </div>
        }
    };
    guarded_page_with_head(
        &Role::ALL,
        head,
        source,
        |(board, _)| load_leaderboard(board),
        |user, board| {
            view! { <LeaderboardView board vendor=user.role.is_vendor_staff()/> }
        },
    )
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
            // One choice names the group, so the address keeps only what applies.
            <div class="field">
                <label for="within">"Among"</label>
                <select id="within" name="within">
                    <option value="all" selected=within == "all">"All partners"</option>
                    {if vendor {
                        let choices = |kind: &'static str, label: &'static str, names: &[String]| {
                            let options = names.iter().map(|name| view! {
                                <option value=format!("{kind}:{name}") selected=within == kind && *name == group>{name.clone()}</option>
                            }).collect_view();
                            view! { <optgroup label=label>{options}</optgroup> }
                        };
                        view! { {choices("tier", "Partners in the tier", &board.tiers)} {choices("region", "Partners in the region", &board.regions)} }.into_any()
                    } else {
                        view! {
                            <option value="tier" selected=within == "tier">"Partners in our tier"</option>
                            <option value="region" selected=within == "region">"Partners in our region"</option>
                        }.into_any()
                    }}
                </select>
            </div>
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
                        {show_details.then(|| view! { <th scope="col" class="optional">"Tier"</th><th scope="col" class="optional">"Region"</th> })}
                        <th scope="col" class="numeric">{metric_label}</th>
                        <th scope="col" class="numeric optional">"Share of group"</th>
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
                <td class="optional">{row.tier.clone().unwrap_or_default()}</td>
                <td class="optional">{row.region.clone().unwrap_or_default()}</td>
            })}
            <td class="numeric" data-testid="standing-value">{row.value_text.clone()}</td>
            <td class="numeric optional">{share}</td>
        </tr>
    }
}
