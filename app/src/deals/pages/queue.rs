//! The managers' approval queue: submitted deals within their reach, the earliest due first,
//! each approved or rejected (with a reason) from its row without opening it.

use leptos::prelude::*;

use super::actions::ConfirmApproval;
use super::when;
use crate::auth::Role;
use crate::auth::access::DEAL_MANAGER_ROLES;
use crate::deals::commands::DecideDeal;
use crate::deals::server::deal_queue;
use crate::deals::{ApprovalQueue, QueueRow, amount_text, schedule};
use crate::layout::guarded_page;
use crate::ui::{Badge, FormError, Notice, ScrollTable, form_error};

#[component]
pub fn ApprovalQueuePage() -> impl IntoView {
    // One action for every row: a decision reloads the queue, and a refusal is said above the
    // table, naming its deal.
    let decide = ServerAction::<DecideDeal>::new();
    guarded_page(
        DEAL_MANAGER_ROLES,
        move || decide.version().get(),
        |_| deal_queue(),
        move |user, queue| {
            view! {
                <div class="page-head">
                    <h1>"Deals waiting for approval"</h1>
                    <a class="button secondary" href="/tiers/approvals">"Tier changes"</a>
                    {(user.role == Role::Admin).then(|| view! { <a class="button secondary" href="/deals/pipeline">"Vendor pipeline"</a> })}
                </div>
                <QueueTable queue decide/>
            }
        },
    )
}

#[component]
fn QueueTable(queue: ApprovalQueue, decide: ServerAction<DecideDeal>) -> impl IntoView {
    let error = form_error(decide);
    let now = queue.now;
    let overdue = queue.rows.iter().filter(|row| row.sla_due_at < now).count();
    if queue.rows.is_empty() {
        return view! { <Notice text="Nothing is waiting for a decision."/> }.into_any();
    }
    view! {
        <p class="muted" data-testid="queue-summary">
            {format!("{} waiting, {overdue} overdue. Decisions are due within {} business days of submission.",
                queue.rows.len(), schedule::SLA_BUSINESS_DAYS)}
        </p>
        <FormError error/>
        <div class="card">
        <ScrollTable label="Deals waiting for approval">
            <table>
                <thead><tr>
                    <th scope="col">"Decision due"</th><th scope="col">"Customer"</th><th scope="col">"Partner"</th>
                    <th scope="col" class="numeric">"Amount"</th><th scope="col">"Submitted"</th>
                    <th scope="col">"Decision"</th>
                </tr></thead>
                <tbody>
                    {queue.rows.into_iter().map(|row| {
                        let late = row.sla_due_at < now;
                        let row_for_form = row.clone();
                        view! {
                            <tr class:overdue=late>
                                <td>
                                    {when(row.sla_due_at)}
                                    {late.then(|| view! { " " <Badge text="Overdue" tone="danger"/> })}
                                </td>
                                <td>
                                    <a href=format!("/deals/{}", row.id)>{row.customer_company}</a>
                                    {row.possible_conflict.then(|| view! { " " <Badge text="Possible conflict" tone="warning"/> })}
                                    <span class="muted block">{row.customer_domain}</span>
                                </td>
                                <td>{row.partner_name}</td>
                                <td class="numeric">{amount_text(row.amount_minor, &row.currency)}</td>
                                <td>{when(row.submitted_at)}</td>
                                <td><RowDecision row=row_for_form decide/></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollTable>
        </div>
    }
    .into_any()
}

/// Approve or reject one waiting deal from its row: a reason (needed to reject, seen by the
/// partner), and for a possible conflict the box that confirms approving it anyway.
#[component]
fn RowDecision(row: QueueRow, decide: ServerAction<DecideDeal>) -> impl IntoView {
    let reason_label = format!("Reason for {}", row.customer_company);
    view! {
        <ActionForm action=decide attr:novalidate=true attr:class="row-decision">
            <input type="hidden" name="id" value=row.id/>
            <input type="hidden" name="then" value="queue"/>
            <input type="text" name="reason" aria-label=reason_label placeholder="Reason (to reject)" maxlength="1000"/>
            {row.possible_conflict.then(|| view! { <ConfirmApproval label="Approve even if another partner holds it approved"/> })}
            <button type="submit" class="button primary" name="decision" value="approve">"Approve"</button>
            <button type="submit" class="button danger" name="decision" value="reject">"Reject"</button>
        </ActionForm>
    }
}
