//! A partner's earnings statement: totals, sums by kind, this quarter's rebate forecast and every
//! entry traced to its source; a quarter at a time or all time, as CSV too.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::{TallyCells, status_tone, tally_head};
use crate::auth::access::EARNINGS_ROLES;
use crate::incentives::ledger::{quarter_key, quarter_label};
use crate::incentives::rebates::Forecast;
use crate::incentives::server::earnings;
use crate::incentives::{Statement, StatementLine};
use crate::layout::guarded_page;
use crate::money::{Currency, Money, amount_text};
use crate::tiers::form::percent_text;
use crate::ui::{Badge, Notice, ScrollTable, encode_query};

#[component]
pub fn EarningsPage() -> impl IntoView {
    let query = use_query_map();
    let source = move || {
        let query = query.read();
        (query.get("partner").and_then(|raw| raw.trim().parse::<i64>().ok()), query.get("period"))
    };
    guarded_page(
        EARNINGS_ROLES,
        source,
        |(partner, period)| earnings(partner, period),
        |_, statement| view! { <StatementView statement/> },
    )
}

#[component]
fn StatementView(statement: Statement) -> impl IntoView {
    let Statement { partner_id, partner, period, periods, lines, by_kind, totals, staff, forecast, reporting } =
        statement;
    let chosen = period.map(quarter_key).unwrap_or_default();
    let mut csv = format!("/earnings.csv?period={}", encode_query(&chosen));
    if staff {
        csv.push_str(&format!("&partner={partner_id}"));
    }
    let title = if staff { format!("Earnings: {partner}") } else { "Earnings".to_owned() };
    let shown = match period {
        Some(period) => format!("{} entries in {}", lines.len(), quarter_label(period)),
        None => format!("{} entries, all time", lines.len()),
    };
    view! {
        <div class="page-head">
            <h1>{title}</h1>
            {staff.then(|| view! { <a class="button secondary" href="/incentives">"All incentives"</a> })}
        </div>
        <p class="lead">
            "Every amount the program owes, each traced to the deal, claim or rule it came from. Accrued amounts are \
             approved when their quarter closes and paid in the vendor's next payout run; a correction is a reversal \
             beside the entry it corrects."
        </p>
        <Form method="GET" action="" attr:class="filters card no-print">
            {staff.then(|| view! { <input type="hidden" name="partner" value=partner_id/> })}
            <div class="field">
                <label for="statement-period">"Quarter"</label>
                <select id="statement-period" name="period">
                    <option value="" selected=chosen.is_empty()>"All time"</option>
                    {periods.into_iter().map(|start| {
                        let key = quarter_key(start);
                        let selected = key == chosen;
                        view! { <option value=key selected=selected>{quarter_label(start)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button secondary">"Show"</button>
        </Form>
        <div class="list-head no-print">
            <p class="muted" data-testid="statement-count">{shown}</p>
            <a class="button secondary" href=csv rel="external" download="earnings.csv">"Download CSV"</a>
        </div>
        <p class="muted no-print">"For a PDF, print this page: the printed statement leaves out the navigation."</p>
        {forecast.map(|forecast| view! { <RebateForecast forecast reporting/> })}
        {lines.is_empty().then(|| view! {
            <Notice text="Nothing yet. Margins and registration discounts accrue when a registered deal is won."/>
        })}
        {totals.into_iter().map(|(currency, tally)| view! {
            <section class="card" aria-label=format!("Totals in {currency}")>
                <h2>{format!("Totals in {currency}")}</h2>
                <dl class="figures" data-testid=format!("totals-{currency}")>
                    <div><dt>"Accrued"</dt><dd>{amount_text(tally.accrued, &currency)}</dd></div>
                    <div><dt>"Approved, to be paid"</dt><dd>{amount_text(tally.approved, &currency)}</dd></div>
                    <div><dt>"Paid"</dt><dd>{amount_text(tally.paid, &currency)}</dd></div>
                    <div><dt>"Total"</dt><dd>{amount_text(tally.total(), &currency)}</dd></div>
                </dl>
            </section>
        }).collect_view()}
        {(!by_kind.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="statement-kinds">
                <h2 id="statement-kinds">"By kind"</h2>
                <ScrollTable label="Earnings by kind">
                    <table>
                        <thead><tr><th scope="col">"Kind"</th><th scope="col">"Currency"</th>{tally_head()}</tr></thead>
                        <tbody>
                            {by_kind.into_iter().map(|((currency, kind), tally)| view! {
                                <tr><td>{kind.label()}</td><td>{currency.clone()}</td><TallyCells tally currency/></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollTable>
            </section>
        })}
        {(!lines.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="statement-lines">
                <h2 id="statement-lines">"Entries"</h2>
                <EntryTable lines/>
            </section>
        })}
    }
}

/// The running quarter's volume rebate: the schedule, revenue so far, what it would earn, and
/// how far the next threshold is.
#[component]
fn RebateForecast(forecast: Forecast, reporting: Currency) -> impl IntoView {
    let money = move |minor: i64| Money { minor, currency: reporting }.display();
    let next = match forecast.next {
        Some((threshold, rate, distance)) => format!(
            "{} more won revenue this quarter reaches {} (from {}).",
            money(distance),
            percent_text(rate),
            money(threshold)
        ),
        None => "The top rate is reached.".to_owned(),
    };
    view! {
        <section class="card" aria-labelledby="rebate-forecast" data-testid="rebate-forecast">
            <h2 id="rebate-forecast">"Volume rebate this quarter"</h2>
            <p class="muted">{format!("{} · {}", forecast.schedule, forecast.method.label())}</p>
            <dl class="figures">
                <div><dt>"Won revenue so far"</dt><dd>{money(forecast.revenue_minor)}</dd></div>
                <div><dt>"Rate reached"</dt><dd>{forecast.rate_bp.map(percent_text).unwrap_or_else(|| "None yet".into())}</dd></div>
                <div><dt>"Rebate if the quarter closed now"</dt><dd>{money(forecast.accrual_minor)}</dd></div>
            </dl>
            <p>{next}</p>
        </section>
    }
}

/// Ledger entries, newest first: what each came from, how it was worked out, and where it stands.
#[component]
pub fn EntryTable(lines: Vec<StatementLine>) -> impl IntoView {
    view! {
        <ScrollTable label="Ledger entries">
            <table data-testid="ledger-entries">
                <thead><tr>
                    <th scope="col">"Entry"</th><th scope="col">"Booked (UTC)"</th><th scope="col">"Kind"</th>
                    <th scope="col">"From"</th><th scope="col" class="numeric">"Worked out"</th>
                    <th scope="col" class="numeric">"Amount"</th><th scope="col">"Status"</th>
                </tr></thead>
                <tbody>
                    {lines.into_iter().map(|line| view! { <EntryRow line/> }).collect_view()}
                </tbody>
            </table>
        </ScrollTable>
    }
}

#[component]
fn EntryRow(line: StatementLine) -> impl IntoView {
    let worked_out = match (line.basis_minor, line.rate_bp) {
        (Some(basis), Some(rate)) => {
            format!("{} × {}", amount_text(basis, &line.currency), percent_text(rate))
        }
        _ => String::new(),
    };
    let note = match (line.reverses, line.reversed_by) {
        (Some(original), _) => Some(format!("Reverses #{original}")),
        (None, Some(reversal)) => Some(format!("Reversed by #{reversal}")),
        (None, None) => None,
    };
    view! {
        <tr id=format!("entry-{}", line.id)>
            <td>{format!("#{}", line.id)}</td>
            <td>{line.booked_at.format("%Y-%m-%d %H:%M").to_string()}</td>
            <td>{line.kind.label()}</td>
            <td>
                {line.description.clone()}
                {line.deal_id.map(|deal| view! { " · " <a href=format!("/deals/{deal}")>{format!("Deal #{deal}")}</a> })}
                {line.mdf_request_id.map(|request| view! { " · " <a href=format!("/mdf/{request}")>{format!("MDF request #{request}")}</a> })}
                {note.map(|note| view! { <br/><span class="muted">{note}</span> })}
            </td>
            <td class="numeric">{worked_out}</td>
            <td class="numeric">{amount_text(line.amount_minor, &line.currency)}</td>
            <td>
                <Badge text=line.status.label() tone=status_tone(line.status)/>
                {line.run_id.map(|run| view! { " " <span class="muted">{format!("run #{run}")}</span> })}
            </td>
        </tr>
    }
}
