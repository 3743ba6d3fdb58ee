//! The managers' dashboard: KPI tiles against the previous period and charts, every number
//! leading to the list behind it, kept live.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::{NotRecorded, PeriodFields, TileView, as_of_text, recorded};
use crate::auth::Role;
use crate::auth::access::DASHBOARD_ROLES;
use crate::kpi::Dashboard;
use crate::kpi::charts::ChartView;
use crate::kpi::server::{PeriodQuery, load_dashboard};
use crate::layout::guarded_page_with_head;
use crate::live::{LiveBadge, use_live};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let live = use_live();
    let query = use_query_map();
    let source = move || (PeriodQuery::from_query(|name| query.read().get(name)), live.version.get());
    let head = move |user: &crate::auth::SessionUser| {
        view! {
            <div class="page-head">
                <h1>{if user.role == Role::Admin { "Program dashboard" } else { "My partners' dashboard" }}</h1>
                <LiveBadge live/>
            </div>
            <Form method="GET" action="" attr:class="filters card" attr:aria-label="Period">
                <PeriodFields/>
                <button type="submit" class="button secondary">"Show"</button>
            </Form>
        }
    };
    guarded_page_with_head(
        DASHBOARD_ROLES,
        head,
        source,
        |(period, _)| load_dashboard(period),
        |_, dashboard| {
            view! { <DashboardView dashboard/> }
        },
    )
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let currency = dashboard.currency.clone();
    let previous_label = dashboard.period.comparison_label(dashboard.previous);
    let (tiles, not_recorded) = recorded(dashboard.tiles);
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
            <div class="card tile" data-kpi="at-risk">
                <p class="tile-label"><a href="/metrics#health-score">"Partners at risk"</a></p>
                <p class="tile-value"><a href="/partners?health=at_risk&sort=health">{dashboard.at_risk}</a></p>
                <p class="tile-compare muted">"Health below 50, or down 10 points in 30 days"</p>
            </div>
            {tiles.into_iter().map(|tile| view! {
                <TileView tile currency=currency.clone() previous_label=previous_label.clone()/>
            }).collect_view()}
        </div>
        <NotRecorded names=not_recorded/>
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
