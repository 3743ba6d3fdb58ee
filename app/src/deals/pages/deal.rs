//! One deal: its facts, its timeline, what it may conflict with (for vendor staff), and the
//! commands the viewer may give it now.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::actions::{DealActions, DealCommands};
use super::{status_tone, when};
use crate::auth::access::DEAL_ROLES;
use crate::deals::server::deal_detail;
use crate::deals::status::{DealStatus, ExtensionState};
use crate::deals::{DealView, TimelineEntry, amount_text, schedule};
use crate::error::AppError;
use crate::incentives::EntryTable;
use crate::layout::guarded_page;
use crate::ui::{Badge, Notice, ScrollTable};

fn status_label(status: &str) -> &'static str {
    DealStatus::parse(status).map(DealStatus::label).unwrap_or("—")
}

#[component]
pub fn DealPage() -> impl IntoView {
    let params = use_params_map();
    let actions = DealActions::new();
    let source = move || (params.read().get("id").and_then(|id| id.parse::<i64>().ok()), actions.versions());
    let load = |(id, _): (Option<i64>, [usize; 6])| async move {
        match id {
            Some(id) => deal_detail(id).await,
            None => Err(AppError::NotFound),
        }
    };
    guarded_page(DEAL_ROLES, source, load, move |_, view| view! { <DealDetail view actions/> })
}

#[component]
fn DealDetail(view: DealView, actions: DealActions) -> impl IntoView {
    let DealView { deal, timeline, conflicts, controls, next_in_queue, now, earnings } = view;
    let approved_elsewhere: Vec<String> =
        conflicts.iter().filter(|found| found.holds_domain_approved()).map(|found| found.holder.clone()).collect();
    let overdue = deal.status == DealStatus::Submitted && deal.sla_due_at.is_some_and(|due| due < now);
    let protection = deal.protected_until.filter(|_| deal.status == DealStatus::Approved).map(|until| {
        format!("Protected until {} ({} days left)", until.format("%Y-%m-%d"), schedule::days_left(now, until))
    });
    let final_amount = deal.final_amount_minor.map(|minor| amount_text(minor, &deal.currency));
    view! {
        <p><a href="/deals">"← Deals"</a></p>
        <div class="page-head">
            <h1>{deal.customer_company.clone()}</h1>
            <span data-testid="deal-status"><Badge text=deal.status.label() tone=status_tone(deal.status)/></span>
            {next_in_queue.map(|next| view! {
                <a class="button secondary" href=format!("/deals/{next}") data-testid="next-in-queue">"Next in queue →"</a>
            })}
        </div>
        {protection.map(|text| view! { <Notice text/> })}
        {overdue.then(|| view! { <Notice text="The approval is overdue." tone="warning"/> })}
        {deal.rejection_reason.clone().map(|reason| view! { <Notice text=format!("Rejected: {reason}") tone="error"/> })}
        {(deal.possible_conflict && conflicts.is_empty() && deal.status.is_open()).then(|| view! {
            <Notice text="Possible conflict: this customer may already be registered by another partner or in the vendor's pipeline. Your channel manager reviews it." tone="warning"/>
        })}
        <div class="columns">
            <section class="card" aria-labelledby="deal-facts">
                <h2 id="deal-facts">"The deal"</h2>
                <dl class="facts">
                    <dt>"Partner"</dt><dd>{deal.partner_name.clone()}</dd>
                    <dt>"Customer domain"</dt><dd>{deal.customer_domain.clone()}</dd>
                    <dt>"Contact"</dt><dd class="break">{format!("{} <{}>", deal.contact_name, deal.contact_email)}</dd>
                    <dt>"Amount"</dt><dd>{amount_text(deal.amount_minor, &deal.currency)}</dd>
                    <dt>"Expected close date"</dt><dd>{deal.expected_close_date.to_string()}</dd>
                    <dt>"Products"</dt><dd>{deal.products.clone()}</dd>
                    <dt>"Sourced or influenced"</dt><dd>{deal.attribution.label()}</dd>
                    <dt>"Registered by"</dt><dd>{deal.created_by_name.clone()}</dd>
                    // A decision is due only while the deal waits for one; after it, when it was made.
                    {deal.sla_due_at.filter(|_| deal.status == DealStatus::Submitted).map(|due| view! { <dt>"Decision due"</dt><dd>{when(due)}</dd> })}
                    {deal.decided_at.map(|at| view! { <dt>"Decided"</dt><dd>{when(at)}</dd> })}
                    {final_amount.map(|amount| view! { <dt>"Final amount"</dt><dd>{amount}</dd> })}
                    {deal.closed_on.map(|date| view! { <dt>"Closed on"</dt><dd>{date.to_string()}</dd> })}
                    {(deal.extension != ExtensionState::None).then(|| view! { <dt>"Extension"</dt><dd>{deal.extension.label()}</dd> })}
                    {(!deal.notes.is_empty()).then(|| view! { <dt>"Notes"</dt><dd class="pre">{deal.notes.clone()}</dd> })}
                </dl>
            </section>
            <section class="card" aria-labelledby="deal-timeline">
                <h2 id="deal-timeline">"Timeline"</h2>
                <Timeline entries=timeline/>
            </section>
        </div>
        {(!conflicts.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="deal-conflicts">
                <h2 id="deal-conflicts">"Possible conflicts"</h2>
                <ScrollTable label="Registrations and pipeline entries like this one">
                    <table>
                        <thead><tr>
                            <th scope="col">"Held by"</th><th scope="col">"Customer"</th><th scope="col">"Domain"</th>
                            <th scope="col">"Status"</th><th scope="col">"Registered"</th>
                            <th scope="col" class="numeric">"Amount"</th><th scope="col">"Why"</th>
                        </tr></thead>
                        <tbody>
                            {conflicts.into_iter().map(|c| view! {
                                <tr>
                                    <td>{match (c.deal_id, c.pipeline) {
                                        (Some(id), _) => view! { <a href=format!("/deals/{id}")>{c.holder.clone()}</a> }.into_any(),
                                        (None, true) => view! { {format!("{} (vendor pipeline)", c.holder)} }.into_any(),
                                        (None, false) => view! { {c.holder.clone()} }.into_any(),
                                    }}</td>
                                    <td>{c.customer_company}</td>
                                    <td>{c.customer_domain}</td>
                                    <td>{if c.pipeline { c.status.clone() } else { status_label(&c.status).to_owned() }}</td>
                                    <td>{c.registered_on.to_string()}</td>
                                    <td class="numeric">{c.amount.unwrap_or_else(|| "Another manager's partner".into())}</td>
                                    <td>{c.reason}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollTable>
            </section>
        })}
        {(!earnings.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="deal-earnings">
                <h2 id="deal-earnings">"What this deal earned"</h2>
                <p class="muted">"Entries on the partner's incentive ledger, at its tier when the deal was won."</p>
                <EntryTable lines=earnings/>
            </section>
        })}
        <DealCommands actions controls deal=deal.clone() approved_elsewhere/>
    }
}

#[component]
fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    view! {
        <ol class="timeline" data-testid="timeline">
            {entries.into_iter().map(|entry| {
                let change = match (entry.from_status, entry.to_status) {
                    (Some(from), Some(to)) if from != to => Some(format!("{} → {}", from.label(), to.label())),
                    (None, Some(to)) => Some(format!("now {}", to.label())),
                    _ => None,
                };
                view! {
                    <li>
                        <p><strong>{entry.kind.label()}</strong> {match entry.actor {
                            Some(actor) => view! { " by " {actor} }.into_any(),
                            None => view! { <span class="muted">" (automatic, by the protection clock)"</span> }.into_any(),
                        }}</p>
                        <p class="muted"><time datetime=entry.at.to_rfc3339()>{when(entry.at)}</time>
                            {change.map(|change| view! { " · " {change} })}</p>
                        {(!entry.note.is_empty()).then(|| view! { <p class="pre">{entry.note}</p> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
