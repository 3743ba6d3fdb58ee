//! The Leads page: prospects who sent a partner's landing page's form, with the campaign they
//! came from; a partner's people register one as a deal in one click.

use leptos::prelude::*;

use super::launch::{LeadList, LeadRow};
use super::server::leads;
use crate::auth::Role;
use crate::layout::guarded_page;
use crate::ui::{Badge, ScrollTable, encode_query};

#[component]
pub fn LeadsPage() -> impl IntoView {
    guarded_page(
        &Role::ALL,
        || (),
        |_| leads(),
        |user, list| {
            view! { <Leads list staff=user.role.is_vendor_staff()/> }
        },
    )
}

/// Where a lead becomes a deal registration: the deal form, filled from it.
pub fn register_href(lead: &LeadRow) -> String {
    format!("/deals/new?lead={}", encode_query(&lead.id.to_string()))
}

#[component]
fn Leads(list: LeadList, staff: bool) -> impl IntoView {
    let lead = match staff {
        true => "Prospects who sent a partner's landing page's form, newest first.",
        false => {
            "Prospects who sent the form on your landing pages, newest first. Register one as a deal when it is real."
        }
    };
    let can_register = list.can_register;
    let cut = list.rows.len() >= list.shown;
    view! {
        <h1>"Leads"</h1>
        <p class="lead">{lead}</p>
        {list.rows.is_empty().then(|| view! {
            <p class="muted">
                {if staff { "No lead yet." } else { "No lead yet. Launch a campaign and share its landing page: its leads come here." }}
                " " {(!staff).then(|| view! { <a href="/campaigns">"See the campaigns"</a> })}
            </p>
        })}
        {cut.then(|| view! { <p class="muted">{format!("The newest {} leads.", list.shown)}</p> })}
        {(!list.rows.is_empty()).then(|| view! {
            <ScrollTable label="Leads">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Received (UTC)"</th>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Company"</th>
                            <th scope="col">"Email"</th>
                            <th scope="col">"Phone"</th>
                            <th scope="col">"Source"</th>
                            {staff.then(|| view! { <th scope="col">"Partner"</th> })}
                            <th scope="col">"Deal"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {list.rows.into_iter().map(|row| view! { <LeadLine row staff can_register/> }).collect_view()}
                    </tbody>
                </table>
            </ScrollTable>
        })}
    }
}

#[component]
fn LeadLine(row: LeadRow, staff: bool, can_register: bool) -> impl IntoView {
    let deal = match (row.deal_id, can_register) {
        (Some(deal), _) => view! { <a href=format!("/deals/{deal}")>{format!("Deal #{deal}")}</a> }.into_any(),
        (None, true) => {
            view! { <a class="button secondary small" href=register_href(&row)>"Register as a deal"</a> }.into_any()
        }
        (None, false) => view! { <Badge text="Not registered"/> }.into_any(),
    };
    view! {
        <tr>
            <td>{row.received_at.format("%Y-%m-%d %H:%M").to_string()}</td>
            <td>{row.name.clone()}</td>
            <td>{row.company.clone()}</td>
            <td><a href=format!("mailto:{}", row.email)>{row.email.clone()}</a></td>
            <td>{row.phone.clone()}</td>
            <td>
                {match (row.campaign_id, row.campaign.clone()) {
                    (Some(id), Some(name)) => view! { <a href=format!("/campaigns/{id}")>{name}</a> }.into_any(),
                    _ => view! { <span>"Partner locator"</span> }.into_any(),
                }}
                {row.possible_conflict.then(|| view! { " " <Badge text="Possible conflict" tone="warning"/> })}
            </td>
            {staff.then(|| view! { <td><a href=format!("/partners/{}", row.organisation_id)>{row.partner.clone()}</a></td> })}
            <td>{deal}</td>
        </tr>
    }
}
