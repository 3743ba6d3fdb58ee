//! The vendor's incentives page: what is owed by partner and by quarter, the quarters to close
//! (a preview first), payouts and their runs, and the volume rebate schedules.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{TallyCells, tally_head};
use crate::auth::access::INCENTIVE_ROLES;
use crate::incentives::ledger::{quarter_key, quarter_label};
use crate::incentives::rebates::Method;
use crate::incentives::server::{
    ApprovePayoutRun, ClosePeriod, MarkRunPaid, SaveRebateSchedule, incentive_liabilities,
};
use crate::incentives::{ClosePreview, Liabilities, Payable, PayoutRun, PeriodState, ScheduleRow};
use crate::layout::guarded_page;
use crate::money::{Currency, Money, amount_text};
use crate::ui::{Badge, Field, FormError, Notice, ScrollTable, form_error};

#[component]
pub fn IncentivesPage() -> impl IntoView {
    let close = ServerAction::<ClosePeriod>::new();
    let approve = ServerAction::<ApprovePayoutRun>::new();
    let pay = ServerAction::<MarkRunPaid>::new();
    let schedule = ServerAction::<SaveRebateSchedule>::new();
    let query = use_query_map();
    let source = move || {
        let versions = [close.version().get(), approve.version().get(), pay.version().get(), schedule.version().get()];
        (query.read().get("close"), versions)
    };
    guarded_page(
        INCENTIVE_ROLES,
        source,
        |(preview, ..)| incentive_liabilities(preview),
        move |_, owed| view! { <LiabilitiesView owed close approve pay schedule/> },
    )
}

#[component]
fn LiabilitiesView(
    owed: Liabilities,
    close: ServerAction<ClosePeriod>,
    approve: ServerAction<ApprovePayoutRun>,
    pay: ServerAction<MarkRunPaid>,
    schedule: ServerAction<SaveRebateSchedule>,
) -> impl IntoView {
    let Liabilities { by_period, by_partner, periods, payable, runs, admin, preview, schedules, reporting } = owed;
    let lead = if admin {
        "What the program owes partners, by quarter, kind and partner. Close an ended quarter to approve its entries, \
         then approve a payout run, export it for accounts payable and mark it paid."
    } else {
        "What the program owes your partners, by quarter, kind and partner."
    };
    view! {
        <div class="page-head">
            <h1>"Incentives"</h1>
            <a class="button secondary" href="/spiffs">"SPIFFs"</a>
        </div>
        <p class="lead">{lead}</p>
        {by_period.is_empty().then(|| view! { <Notice text="Nothing is owed yet: entries accrue as registered deals are won."/> })}
        {preview.map(|preview| view! { <ClosePreviewCard preview close/> })}
        {(admin && !periods.is_empty()).then(|| view! { <Quarters periods/> })}
        {admin.then(|| view! { <Payouts payable runs approve pay/> })}
        {admin.then(|| view! { <Schedules schedules reporting save=schedule/> })}
        {(!by_partner.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="owed-partners">
                <h2 id="owed-partners">"By partner"</h2>
                <ScrollTable label="Owed by partner">
                    <table>
                        <thead><tr><th scope="col">"Partner"</th><th scope="col">"Currency"</th>{tally_head()}</tr></thead>
                        <tbody>
                            {by_partner.into_iter().map(|((name, id, currency), tally)| view! {
                                <tr>
                                    <td><a href=format!("/earnings?partner={id}")>{name}</a></td>
                                    <td>{currency.clone()}</td>
                                    <TallyCells tally currency/>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollTable>
            </section>
        })}
        {(!by_period.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="owed-quarters">
                <h2 id="owed-quarters">"By quarter and kind"</h2>
                <ScrollTable label="Owed by quarter and kind">
                    <table>
                        <thead><tr>
                            <th scope="col">"Quarter"</th><th scope="col">"Kind"</th><th scope="col">"Currency"</th>{tally_head()}
                        </tr></thead>
                        <tbody>
                            {by_period.into_iter().map(|((start, kind, currency), tally)| view! {
                                <tr><td>{quarter_label(start)}</td><td>{kind.label()}</td><td>{currency.clone()}</td><TallyCells tally currency/></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollTable>
            </section>
        })}
    }
}

/// The quarters with entries: closed (when, by whom), ended and waiting to close, or running.
#[component]
fn Quarters(periods: Vec<PeriodState>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="quarters">
            <h2 id="quarters">"Quarters"</h2>
            <ScrollTable label="Quarters">
                <table>
                    <thead><tr><th scope="col">"Quarter"</th><th scope="col">"State"</th><th scope="col">"Close"</th></tr></thead>
                    <tbody>
                        {periods.into_iter().map(|period| {
                            let label = quarter_label(period.start);
                            let state = match (&period.closed_at, period.ended) {
                                (Some(at), _) => format!(
                                    "Closed {}{}",
                                    at.format("%Y-%m-%d"),
                                    period.closed_by.as_ref().map(|by| format!(" by {by}")).unwrap_or_default()
                                ),
                                (None, true) => "Ended, waiting to close".to_owned(),
                                (None, false) => "Running".to_owned(),
                            };
                            let closable = period.closed_at.is_none() && period.ended;
                            view! {
                                <tr>
                                    <td>{label.clone()}</td>
                                    <td>{state}</td>
                                    <td>{closable.then(|| view! {
                                        <a class="button secondary small" href=format!("/incentives?close={}", quarter_key(period.start))>
                                            {format!("Preview closing {label}")}
                                        </a>
                                    })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollTable>
        </section>
    }
}

#[component]
fn ClosePreviewCard(preview: ClosePreview, close: ServerAction<ClosePeriod>) -> impl IntoView {
    let error = form_error(close);
    let label = quarter_label(preview.period_start);
    let totals: Vec<String> = preview.totals.iter().map(|(currency, sum)| amount_text(*sum, currency)).collect();
    let what = match (preview.already_closed, preview.ended) {
        (true, _) => format!("{label} is closed: closing it again changes nothing."),
        (false, false) => format!("{label} has not ended yet: close it once it has."),
        (false, true) if preview.entries == 0 => {
            format!("Closing {label} approves nothing: every entry of it is approved.")
        }
        (false, true) => format!(
            "Closing {label} approves its {} accrued entries for payment: {}.",
            preview.entries,
            totals.join(" and ")
        ),
    };
    let can_close = !preview.already_closed && preview.ended;
    let rebates = match preview.rebates {
        0 => {
            "It books no volume rebate: no partner's won revenue of the quarter reaches its tier's schedule.".to_owned()
        }
        count => format!(
            "It books {count} volume rebates, {} in all, on each partner's won revenue of the quarter.",
            Money { minor: preview.rebate_minor, currency: preview.reporting }.display()
        ),
    };
    view! {
        <section class="card" aria-labelledby="close-preview" data-testid="close-preview">
            <h2 id="close-preview">{format!("Close {label}")}</h2>
            <p>{what}</p>
            {can_close.then(|| view! { <p data-testid="close-rebates">{rebates}</p> })}
            <FormError error/>
            {can_close.then(|| view! {
                <ActionForm action=close>
                    <input type="hidden" name="period" value=quarter_key(preview.period_start)/>
                    <div class="actions">
                        <button type="submit" class="button primary">{format!("Close {label}")}</button>
                        <a class="button secondary" href="/incentives">"Cancel"</a>
                    </div>
                </ActionForm>
            })}
        </section>
    }
}

/// Approved entries waiting for a run, and the runs: export for accounts payable, mark paid.
#[component]
fn Payouts(
    payable: Vec<Payable>,
    runs: Vec<PayoutRun>,
    approve: ServerAction<ApprovePayoutRun>,
    pay: ServerAction<MarkRunPaid>,
) -> impl IntoView {
    let approve_error = form_error(approve);
    let pay_error = form_error(pay);
    view! {
        <section class="card" aria-labelledby="payouts">
            <h2 id="payouts">"Payouts"</h2>
            <FormError error=approve_error/>
            {payable.is_empty().then(|| view! { <p class="muted">"No approved entry waits for a payout run."</p> })}
            {(!payable.is_empty()).then(|| view! {
                <ScrollTable label="Approved, waiting for a payout run">
                    <table>
                        <thead><tr>
                            <th scope="col">"Quarter"</th><th scope="col">"Currency"</th><th scope="col" class="numeric">"Entries"</th>
                            <th scope="col" class="numeric">"Amount"</th><th scope="col">"Run"</th>
                        </tr></thead>
                        <tbody>
                            {payable.into_iter().map(|row| view! {
                                <tr>
                                    <td>{quarter_label(row.period_start)}</td>
                                    <td>{row.currency.clone()}</td>
                                    <td class="numeric">{row.entries}</td>
                                    <td class="numeric">{amount_text(row.amount_minor, &row.currency)}</td>
                                    <td>
                                        <ActionForm action=approve>
                                            <input type="hidden" name="period" value=quarter_key(row.period_start)/>
                                            <button type="submit" class="button primary small">
                                                {format!("Approve a payout run for {}", quarter_label(row.period_start))}
                                            </button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollTable>
            })}
            <h3>"Payout runs"</h3>
            <FormError error=pay_error/>
            {runs.is_empty().then(|| view! { <p class="muted">"No payout run yet."</p> })}
            {(!runs.is_empty()).then(|| view! {
                <ScrollTable label="Payout runs">
                    <table data-testid="payout-runs">
                        <thead><tr>
                            <th scope="col">"Run"</th><th scope="col">"Quarter"</th><th scope="col">"Approved"</th>
                            <th scope="col" class="numeric">"Partners"</th><th scope="col" class="numeric">"Amount"</th>
                            <th scope="col">"Paid"</th><th scope="col">"Accounts payable"</th>
                        </tr></thead>
                        <tbody>
                            {runs.into_iter().map(|run| view! { <RunRow run pay/> }).collect_view()}
                        </tbody>
                    </table>
                </ScrollTable>
            })}
        </section>
    }
}

#[component]
fn RunRow(run: PayoutRun, pay: ServerAction<MarkRunPaid>) -> impl IntoView {
    let amounts: Vec<String> = run.totals.iter().map(|(currency, sum)| amount_text(*sum, currency)).collect();
    let paid = match (&run.paid_at, &run.paid_by) {
        (Some(at), by) => view! {
            <Badge text="Paid" tone="success"/>
            " " {format!("{}{}", at.format("%Y-%m-%d"), by.as_ref().map(|by| format!(" by {by}")).unwrap_or_default())}
        }
        .into_any(),
        (None, _) => view! {
            <ActionForm action=pay>
                <input type="hidden" name="run" value=run.id/>
                <button type="submit" class="button primary small">{format!("Mark run #{} paid", run.id)}</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <tr>
            <td>{format!("#{}", run.id)}</td>
            <td>{quarter_label(run.period_start)}</td>
            <td>{format!("{} by {}", run.approved_at.format("%Y-%m-%d"), run.approved_by)}</td>
            <td class="numeric">{run.partners}</td>
            <td class="numeric">{amounts.join(", ")}</td>
            <td>{paid}</td>
            <td>
                <a href=format!("/incentives/runs/{}.csv", run.id) rel="external" download=format!("payout-run-{}.csv", run.id)>
                    {format!("Export run #{} (CSV)", run.id)}
                </a>
            </td>
        </tr>
    }
}

/// The volume rebate schedules, the tiers naming each, and the form that adds or changes one.
#[component]
fn Schedules(
    schedules: Vec<ScheduleRow>,
    reporting: Currency,
    save: ServerAction<SaveRebateSchedule>,
) -> impl IntoView {
    let error = form_error(save);
    let methods: Vec<(String, String)> =
        Method::ALL.into_iter().map(|method| (method.as_str().to_owned(), method.label().to_owned())).collect();
    view! {
        <section class="card" aria-labelledby="rebate-schedules">
            <h2 id="rebate-schedules">"Volume rebate schedules"</h2>
            <p class="muted">
                "A tier names its schedule in the program configuration (its rebate schedule); a tier naming none earns its \
                 flat rebate rate. Rebates are booked when a quarter closes, on each partner's won revenue of the quarter."
            </p>
            {schedules.is_empty().then(|| view! { <p class="muted">"No schedule yet."</p> })}
            {(!schedules.is_empty()).then(|| view! {
                <ScrollTable label="Volume rebate schedules">
                    <table>
                        <thead><tr>
                            <th scope="col">"Schedule"</th><th scope="col">"Rates apply"</th>
                            <th scope="col">"Thresholds a quarter"</th><th scope="col">"Tiers"</th>
                        </tr></thead>
                        <tbody>
                            {schedules.into_iter().map(|row| view! {
                                <tr>
                                    <td>{row.schedule.name.clone()}</td>
                                    <td>{row.schedule.method.as_str()}</td>
                                    <td>{row.schedule.describe(reporting)}</td>
                                    <td>{if row.tiers.is_empty() { "None".to_owned() } else { row.tiers.join(", ") }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollTable>
            })}
            <h3>"Add or change a schedule"</h3>
            <FormError error/>
            <ActionForm action=save attr:novalidate=true>
                <Field label="Name" name="name" hint="Saving a name that exists changes that schedule." error required=true/>
                <Field label="How rates apply" name="method" options=methods error required=true/>
                <Field
                    label="Thresholds"
                    name="bands"
                    rows=4
                    hint=format!("One a line: a quarter's won revenue in {}, = and the rate in %, like 250,000 = 2", reporting.code())
                    error
                    required=true
                />
                <button type="submit" class="button primary">"Save the schedule"</button>
            </ActionForm>
        </section>
    }
}
