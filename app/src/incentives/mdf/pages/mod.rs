//! The MDF pages: `/mdf` (allocations and requests; the forms that request, allocate and set
//! budgets) and `/mdf/{id}` (a request, its claims with their proof, its timeline, and what the
//! reader may do to it).

mod claims;
mod coop;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use self::claims::{ClaimForm, Claims};
use self::coop::CoopFunds;

use super::rules::{ActivityKind, ClaimState, MdfCommand, RequestState};
use super::server::{ActOnMdf, AllocateMdf, RequestMdf, SetMdfBudget, mdf_overview, mdf_request};
use super::{AllocationRow, BudgetRow, MdfView, RequestDetail, RequestRow};
use crate::auth::access::MDF_ROLES;
use crate::error::AppError;
use crate::incentives::coop::CoopBalance;
use crate::incentives::ledger::{quarter_key, quarter_label, quarter_of};
use crate::layout::guarded_page;
use crate::money::{Currency, Money};
use crate::ui::{Badge, Field, FormError, Notice, ScrollTable, form_error};

#[component]
pub fn MdfPage() -> impl IntoView {
    let budget = ServerAction::<SetMdfBudget>::new();
    let allocate = ServerAction::<AllocateMdf>::new();
    let request = ServerAction::<RequestMdf>::new();
    // Sent with JavaScript: on to the request's page, as a plain form post is sent.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = request.value().get() {
            navigate(&format!("/mdf/{id}"), Default::default());
        }
    });
    let source = move || (budget.version().get(), allocate.version().get(), request.version().get());
    guarded_page(
        MDF_ROLES,
        source,
        |_| mdf_overview(),
        move |_, view| view! { <Overview view budget allocate request/> },
    )
}

#[component]
fn Overview(
    view: MdfView,
    budget: ServerAction<SetMdfBudget>,
    allocate: ServerAction<AllocateMdf>,
    request: ServerAction<RequestMdf>,
) -> impl IntoView {
    let MdfView {
        budgets,
        allocations,
        requests,
        partner,
        admin,
        partners,
        campaigns,
        currency,
        today,
        coop,
        coop_lines,
    } = view;
    let lead = if partner {
        "Funds for your marketing: allocations the vendor sets aside each quarter, and co-op funds your won deals \
         accrue. Request funds for an activity; your channel manager pre-approves it; once it has run, claim \
         what it cost with proof, and the approved claim is paid with your other earnings."
    } else {
        "Market development and co-op funds: each quarter's budget, what is allocated to partners, what their \
         wins accrued, and their requests and claims to decide."
    };
    let open: Vec<AllocationRow> =
        allocations.iter().filter(|allocation| allocation.open_on(today) && allocation.left() > 0).cloned().collect();
    let own_coop = coop.first().filter(|_| partner).cloned().filter(|fund| fund.available() > 0);
    view! {
        <h1>"Market development funds"</h1>
        <p class="lead">{lead}</p>
        {(admin || !budgets.is_empty()).then(|| view! { <Budgets budgets currency today save=budget/> })}
        <Allocations allocations=allocations.clone() currency today/>
        {(!partner).then(|| view! { <Allocate partners currency today save=allocate/> })}
        <CoopFunds coop coop_lines partner currency/>
        {partner.then(|| match open.is_empty() && own_coop.is_none() {
            true => view! { <Notice text="No allocation is open to you now and no co-op funds are available: your channel manager allocates funds each quarter, and won deals accrue co-op funds."/> }.into_any(),
            false => view! { <RequestForm open coop=own_coop campaigns currency save=request/> }.into_any(),
        })}
        <Requests requests currency/>
    }
}

#[component]
fn Budgets(
    budgets: Vec<BudgetRow>,
    currency: Currency,
    today: chrono::NaiveDate,
    save: ServerAction<SetMdfBudget>,
) -> impl IntoView {
    let error = form_error(save);
    let money = move |minor: i64| Money { minor, currency }.display();
    view! {
        <section class="card" aria-labelledby="mdf-budgets">
            <h2 id="mdf-budgets">"Budgets"</h2>
            {budgets.is_empty().then(|| view! { <p class="muted">"No budget yet."</p> })}
            {(!budgets.is_empty()).then(|| view! {
                <ScrollTable label="MDF budgets">
                    <table>
                        <thead><tr>
                            <th scope="col">"Quarter"</th><th scope="col" class="numeric">"Budget"</th>
                            <th scope="col" class="numeric">"Allocated"</th><th scope="col" class="numeric">"Left"</th>
                        </tr></thead>
                        <tbody>
                            {budgets.into_iter().map(|row| view! {
                                <tr>
                                    <td>{quarter_label(row.period_start)}</td>
                                    <td class="numeric">{money(row.amount_minor)}</td>
                                    <td class="numeric">{money(row.allocated_minor)}</td>
                                    <td class="numeric">{money(row.amount_minor - row.allocated_minor)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollTable>
            })}
            <h3>"Set a quarter's budget"</h3>
            <ActionForm action=save attr:novalidate=true>
                <div class="field-row">
                    <Field label="Quarter" name="period" id="budget-period" error value=quarter_key(quarter_of(today)) hint="Like 2026-Q3." required=true/>
                    <Field label="Budget" name="amount" id="budget-amount" error hint=format!("In {}.", currency.code()) required=true/>
                </div>
                <FormError error/>
                <button type="submit" class="button primary">"Set the budget"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Allocations(allocations: Vec<AllocationRow>, currency: Currency, today: chrono::NaiveDate) -> impl IntoView {
    let money = move |minor: i64| Money { minor, currency }.display();
    view! {
        <section class="card" aria-labelledby="mdf-allocations">
            <h2 id="mdf-allocations">"Allocations"</h2>
            {allocations.is_empty().then(|| view! { <p class="muted">"No allocation yet."</p> })}
            {(!allocations.is_empty()).then(|| view! {
                <ScrollTable label="MDF allocations">
                    <table class="stacked" data-testid="mdf-allocations">
                        <thead><tr>
                            <th scope="col">"Partner"</th><th scope="col">"Quarter"</th><th scope="col" class="numeric">"Allocated"</th>
                            <th scope="col" class="numeric">"Requested"</th><th scope="col" class="numeric">"Left"</th><th scope="col">"Open until"</th>
                        </tr></thead>
                        <tbody>
                            {allocations.into_iter().map(|row| {
                                let until = match row.open_on(today) {
                                    true => row.expires_on.to_string(),
                                    false => format!("Expired {}", row.expires_on),
                                };
                                view! {
                                    <tr>
                                        <td>{row.partner.clone()}</td>
                                        <td data-label="Quarter">{quarter_label(row.period_start)}</td>
                                        <td class="numeric" data-label="Allocated">{money(row.amount_minor)}</td>
                                        <td class="numeric" data-label="Requested">{money(row.committed_minor)}</td>
                                        <td class="numeric" data-label="Left">{money(row.left())}</td>
                                        <td data-label="Open until">{until}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollTable>
            })}
        </section>
    }
}

#[component]
fn Allocate(
    partners: Vec<(i64, String)>,
    currency: Currency,
    today: chrono::NaiveDate,
    save: ServerAction<AllocateMdf>,
) -> impl IntoView {
    let error = form_error(save);
    let choices: Vec<(String, String)> = partners.into_iter().map(|(id, name)| (id.to_string(), name)).collect();
    let quarter = quarter_of(today);
    let last_day = crate::incentives::ledger::next_quarter(quarter).pred_opt().unwrap_or(quarter);
    view! {
        <section class="card" aria-labelledby="mdf-allocate">
            <h2 id="mdf-allocate">"Allocate funds"</h2>
            <p class="muted">"Giving a partner an allocation it has for the quarter changes it. What it has not requested by the day it expires lapses."</p>
            <ActionForm action=save attr:novalidate=true>
                <Field label="Partner" name="partner" options=choices error required=true/>
                <div class="field-row">
                    <Field label="Quarter" name="period" id="allocate-period" error value=quarter_key(quarter) hint="Like 2026-Q3." required=true/>
                    <Field label="Amount" name="amount" id="allocate-amount" error hint=format!("In {}.", currency.code()) required=true/>
                    <Field label="Open until" name="expires_on" kind="date" error value=last_day.to_string() required=true/>
                </div>
                <FormError error/>
                <button type="submit" class="button primary">"Allocate"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn RequestForm(
    open: Vec<AllocationRow>,
    coop: Option<CoopBalance>,
    campaigns: Vec<(i64, String)>,
    currency: Currency,
    save: ServerAction<RequestMdf>,
) -> impl IntoView {
    let error = form_error(save);
    let mut allocations: Vec<(String, String)> = open
        .iter()
        .map(|row| {
            let left = Money { minor: row.left(), currency }.display();
            (
                row.id.to_string(),
                format!("MDF {}: {left} left, until {}", quarter_label(row.period_start), row.expires_on),
            )
        })
        .collect();
    if let Some(coop) = coop {
        let available = Money { minor: coop.available(), currency }.display();
        allocations.push(("coop".into(), format!("Co-op funds: {available} available")));
    }
    let kinds: Vec<(String, String)> =
        ActivityKind::ALL.into_iter().map(|kind| (kind.as_str().to_owned(), kind.label().to_owned())).collect();
    let mut linked = vec![(String::new(), "None".to_owned())];
    linked.extend(campaigns.into_iter().map(|(id, name)| (id.to_string(), name)));
    view! {
        <section class="card" aria-labelledby="mdf-request">
            <h2 id="mdf-request">"Request funds"</h2>
            <ActionForm action=save attr:class="stack" attr:novalidate=true>
                <Field label="From" name="allocation" options=allocations error required=true hint="An MDF allocation, or your co-op funds."/>
                <Field label="Activity" name="kind" options=kinds error required=true/>
                <Field label="What it is" name="title" error required=true hint="Like \u{201c}Backup roadshow in Leeds\u{201d}."/>
                <div class="field-row">
                    <Field label="First day" name="starts_on" kind="date" error required=true/>
                    <Field label="Last day" name="ends_on" kind="date" error required=true/>
                </div>
                <Field label="Amount" name="amount" error hint=format!("In {}.", currency.code()) required=true/>
                <Field label="Expected outcome" name="expected_outcome" rows=3 error required=true hint="Leads, meetings or deals you expect it to bring."/>
                <Field label="Campaign" name="campaign" options=linked error hint="The co-branded campaign it promotes, if any."/>
                <FormError error/>
                <button type="submit" class="button primary">"Send the request"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Requests(requests: Vec<RequestRow>, currency: Currency) -> impl IntoView {
    let money = move |minor: i64| Money { minor, currency }.display();
    view! {
        <section class="card" aria-labelledby="mdf-requests">
            <h2 id="mdf-requests">"Requests"</h2>
            {requests.is_empty().then(|| view! { <p class="muted">"No request yet."</p> })}
            {(!requests.is_empty()).then(|| view! {
                <ScrollTable label="MDF requests">
                    <table class="stacked" data-testid="mdf-requests">
                        <thead><tr>
                            <th scope="col">"Activity"</th><th scope="col">"Partner"</th><th scope="col">"Dates"</th>
                            <th scope="col" class="numeric">"Amount"</th><th scope="col">"State"</th>
                        </tr></thead>
                        <tbody>
                            {requests.into_iter().map(|row| view! {
                                <tr>
                                    <td><a href=format!("/mdf/{}", row.id)>{row.title.clone()}</a><br/><span class="muted">{format!("{} · {}", row.fund.label(), row.kind.label())}</span></td>
                                    <td data-label="Partner">{row.partner.clone()}</td>
                                    <td data-label="Dates">{format!("{} to {}", row.starts_on, row.ends_on)}</td>
                                    <td class="numeric" data-label="Amount">{money(row.amount_minor)}</td>
                                    <td data-label="State"><Badge text=row.stage().label() tone=row.stage().tone()/></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollTable>
            })}
        </section>
    }
}

#[component]
pub fn MdfRequestPage() -> impl IntoView {
    let params = use_params_map();
    let act = ServerAction::<ActOnMdf>::new();
    let source = move || (params.read().get("id").and_then(|id| id.parse::<i64>().ok()), act.version().get());
    let load = |(id, _): (Option<i64>, usize)| async move {
        match id {
            Some(id) => mdf_request(id).await,
            None => Err(AppError::NotFound),
        }
    };
    guarded_page(MDF_ROLES, source, load, move |_, detail| view! { <RequestView detail act/> })
}

#[component]
fn RequestView(detail: RequestDetail, act: ServerAction<ActOnMdf>) -> impl IntoView {
    let RequestDetail { request, claims, events, actions, partner } = detail;
    let stage = request.stage();
    let error = form_error(act);
    let amount = crate::money::amount_text(request.amount_minor, &request.currency);
    let button = move |command: &'static str, label: &'static str, tone: &'static str| {
        view! {
            <ActionForm action=act>
                <input type="hidden" name="id" value=request.id/>
                <input type="hidden" name="command" value=command/>
                <button type="submit" class=format!("button {tone}")>{label}</button>
            </ActionForm>
        }
    };
    let may_reject = actions.iter().any(|action| matches!(action, MdfCommand::Reject { .. }));
    let may_reject_claim = actions.iter().any(|action| matches!(action, MdfCommand::RejectClaim { .. }));
    let may_claim = actions.contains(&MdfCommand::Claim);
    let may_add_proof = partner && stage.claim == Some(ClaimState::Claimed);
    let pre_approved = request.amount_minor;
    let currency = request.currency.clone();
    view! {
        <p class="crumbs"><a href="/mdf">"Market development funds"</a> " / " {request.title.clone()}</p>
        <div class="page-head">
            <h1>{request.title.clone()}</h1>
            <span data-testid="mdf-state"><Badge text=stage.label() tone=stage.tone()/></span>
        </div>
        <section class="card" aria-label="The request">
            <dl class="figures">
                <div><dt>"Partner"</dt><dd>{request.partner.clone()}</dd></div>
                <div><dt>"Activity"</dt><dd>{request.kind.label()}</dd></div>
                <div><dt>"Dates"</dt><dd>{format!("{} to {}", request.starts_on, request.ends_on)}</dd></div>
                <div><dt>"Amount"</dt><dd>{amount}</dd></div>
                <div><dt>"From"</dt><dd>{match request.period_start {
                    Some(quarter) => format!("MDF, {}", quarter_label(quarter)),
                    None => "Co-op funds".to_owned(),
                }}</dd></div>
                <div><dt>"Campaign"</dt><dd>{request.campaign.clone().unwrap_or_else(|| "None".into())}</dd></div>
                <div><dt>"Requested by"</dt><dd>{request.requested_by.clone()}</dd></div>
            </dl>
            <h2>"Expected outcome"</h2>
            <p class="pre">{request.expected_outcome.clone()}</p>
            {request.reason.clone().filter(|_| request.state == RequestState::Rejected).map(|reason| view! {
                <Notice text=format!("Rejected: {reason}") tone="warning"/>
            })}
        </section>
        {(!actions.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="mdf-actions">
                <h2 id="mdf-actions">"What you can do"</h2>
                <FormError error/>
                <div class="actions">
                    {actions.contains(&MdfCommand::PreApprove).then(|| button("pre_approve", "Pre-approve", "primary"))}
                    {actions.contains(&MdfCommand::MarkExecuted).then(|| button("mark_executed", "Mark executed", "primary"))}
                    {actions.contains(&MdfCommand::Withdraw).then(|| button("withdraw", "Withdraw the request", "secondary"))}
                    {actions.contains(&MdfCommand::ApproveClaim).then(|| button("approve_claim", "Approve the claim", "primary"))}
                </div>
                {may_reject.then(|| view! {
                    <ActionForm action=act attr:novalidate=true>
                        <input type="hidden" name="id" value=request.id/>
                        <input type="hidden" name="command" value="reject"/>
                        <Field label="Why it is rejected (the partner sees it)" name="reason" rows=2 error required=true/>
                        <button type="submit" class="button secondary">"Reject"</button>
                    </ActionForm>
                })}
                {may_reject_claim.then(|| view! {
                    <ActionForm action=act attr:novalidate=true>
                        <input type="hidden" name="id" value=request.id/>
                        <input type="hidden" name="command" value="reject_claim"/>
                        <Field label="Why the claim is rejected (the partner sees it)" name="reason" id="claim-reason" rows=2 error required=true/>
                        <button type="submit" class="button secondary">"Reject the claim"</button>
                    </ActionForm>
                })}
                {may_claim.then(|| view! { <ClaimForm id=request.id pre_approved currency=currency.clone()/> })}
            </section>
        })}
        {(!claims.is_empty()).then(|| view! { <Claims claims add_proof=may_add_proof.then_some(request.id)/> })}
        <section class="card" aria-labelledby="mdf-timeline">
            <h2 id="mdf-timeline">"Timeline"</h2>
            <ol class="timeline" data-testid="timeline">
                {events.into_iter().map(|event| view! {
                    <li>
                        <p><strong>{event.state.label()}</strong> " by " {event.actor}</p>
                        <p class="muted"><time datetime=event.at.to_rfc3339()>{event.at.format("%Y-%m-%d %H:%M UTC").to_string()}</time></p>
                        {(!event.note.is_empty()).then(|| view! { <p class="pre">{event.note}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
