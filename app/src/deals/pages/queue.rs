//! The managers' approval queue: submitted deals within their reach, the earliest due first.

use leptos::prelude::*;

use super::when;
use crate::auth::Role;
use crate::auth::access::DEAL_MANAGER_ROLES;
use crate::deals::server::deal_queue;
use crate::deals::{ApprovalQueue, amount_text, schedule};
use crate::layout::guarded_page;
use crate::ui::{Badge, Notice, ScrollTable};

#[component]
pub fn ApprovalQueuePage() -> impl IntoView {
    guarded_page(DEAL_MANAGER_ROLES, || (), |_| deal_queue(), |user, queue| {
        view! {
            <div class="page-head">
                <h1>"Deals waiting for approval"</h1>
                {(user.role == Role::Admin).then(|| view! { <a class="button secondary" href="/deals/pipeline">"Vendor pipeline"</a> })}
            </div>
            <QueueTable queue/>
        }
    })
}

#[component]
fn QueueTable(queue: ApprovalQueue) -> impl IntoView {
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
        <div class="card">
        <ScrollTable label="Deals waiting for approval">
            <table>
                <thead><tr>
                    <th scope="col">"Decision due"</th><th scope="col">"Customer"</th><th scope="col">"Partner"</th>
                    <th scope="col" class="numeric">"Amount"</th><th scope="col">"Submitted"</th>
                </tr></thead>
                <tbody>
                    {queue.rows.into_iter().map(|row| {
                        let late = row.sla_due_at < now;
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
