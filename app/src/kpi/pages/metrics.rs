//! The published metric dictionary: every KPI's formula and version, and the health score's parts.

use leptos::prelude::*;

use crate::auth::Role;
use crate::kpi::formulas::DICTIONARY;
use crate::kpi::health::{FALLING_POINTS, SIGN_IN_DAYS_FOR_FULL, TREND_DAYS, WEIGHTS};
use crate::layout::guarded_page;

#[component]
pub fn MetricsPage() -> impl IntoView {
    guarded_page(
        &Role::ALL,
        || (),
        |_| async { Ok(()) },
        |_, ()| {
            view! {
                <h1>"Metric dictionary"</h1>
                <p class="lead">"How every figure on the dashboards, scorecards and leaderboards is computed. \
                    A figure with nothing to divide by shows \"n/a\"."</p>
                <div class="card">
                    <table class="dictionary stacked">
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
                        <li>"Competency: the share of the partner's people holding a valid certification."</li>
                        <li>"Engagement: half for deals registered in the last 90 days (three or more is full marks), half for the days of those 90 on which someone of the partner signed in ("
                            {SIGN_IN_DAYS_FOR_FULL} " or more is full marks). Counted over the whole 90 days, so one sign-in moves the score by a point at most."</li>
                        <li>"Customer success: the win rate of the last 12 months' closed deals, until surveys are recorded."</li>
                    </ul>
                    <p>"Trend: the same score worked out as it stood " {TREND_DAYS} " days ago (each window ending that day). A partner is "
                        <strong>"at risk"</strong> " when its score is red, or " <strong>"falling"</strong> ": down "
                        {FALLING_POINTS} " points or more over those " {TREND_DAYS} " days."</p>
                </section>
            }
        },
    )
}
