//! A partner's co-op fund on the MDF page (accrued, held, available, and the wins that accrued
//! it), and for vendor staff each partner's within reach.

use leptos::prelude::*;

use crate::incentives::coop::{CoopBalance, CoopLine};
use crate::money::{Currency, Money};
use crate::ui::ScrollTable;

/// Co-op funds: a partner's own (accrued, requested, available, and the wins that accrued them);
/// for vendor staff, each partner's within reach.
#[component]
pub(super) fn CoopFunds(
    coop: Vec<CoopBalance>,
    coop_lines: Vec<CoopLine>,
    partner: bool,
    currency: Currency,
) -> impl IntoView {
    let money = move |minor: i64| Money { minor, currency }.display();
    let own = coop.first().filter(|_| partner).cloned();
    view! {
        <section class="card" aria-labelledby="coop-funds">
            <h2 id="coop-funds">"Co-op funds"</h2>
            <p class="muted">"Each won deal accrues the tier's co-op rate of its amount. Co-op funds are requested and claimed like MDF, and never lapse."</p>
            {match (partner, own) {
                (true, None) => view! { <p class="muted">"No co-op funds yet: your won deals accrue them."</p> }.into_any(),
                (true, Some(fund)) => view! {
                    <dl class="figures" data-testid="coop-balance">
                        <div><dt>"Accrued"</dt><dd>{money(fund.accrued_minor)}</dd></div>
                        <div><dt>"Held by requests"</dt><dd>{money(fund.committed_minor)}</dd></div>
                        <div><dt>"Available"</dt><dd>{money(fund.available())}</dd></div>
                    </dl>
                    <ScrollTable label="What accrued co-op funds">
                        <table class="stacked">
                            <thead><tr><th scope="col">"When"</th><th scope="col">"What"</th><th scope="col" class="numeric">"Amount"</th></tr></thead>
                            <tbody>
                                {coop_lines.into_iter().map(|line| view! {
                                    <tr>
                                        <td>{line.accrued_at.format("%Y-%m-%d").to_string()}</td>
                                        <td data-label="What">{line.description.clone()} " · " <a href=format!("/deals/{}", line.deal_id)>{format!("Deal #{}", line.deal_id)}</a></td>
                                        <td class="numeric" data-label="Amount">{crate::money::amount_text(line.amount_minor, &line.currency)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </ScrollTable>
                }.into_any(),
                (false, _) if coop.is_empty() => view! { <p class="muted">"No partner has accrued co-op funds yet."</p> }.into_any(),
                (false, _) => view! {
                    <ScrollTable label="Co-op funds by partner">
                        <table class="stacked" data-testid="coop-balances">
                            <thead><tr>
                                <th scope="col">"Partner"</th><th scope="col" class="numeric">"Accrued"</th>
                                <th scope="col" class="numeric">"Held by requests"</th><th scope="col" class="numeric">"Available"</th>
                            </tr></thead>
                            <tbody>
                                {coop.into_iter().map(|fund| view! {
                                    <tr>
                                        <td>{fund.partner.clone()}</td>
                                        <td class="numeric" data-label="Accrued">{money(fund.accrued_minor)}</td>
                                        <td class="numeric" data-label="Held by requests">{money(fund.committed_minor)}</td>
                                        <td class="numeric" data-label="Available">{money(fund.available())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </ScrollTable>
                }.into_any(),
            }}
        </section>
    }
}
