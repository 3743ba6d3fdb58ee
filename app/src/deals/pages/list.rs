//! The deals list: filters, search, sort, drill-downs, pages, and the CSV export for managers.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::status_tone;
use crate::auth::Role;
use crate::auth::access::{DEAL_PARTNER_ROLES, DEAL_ROLES};
use crate::deals::server::{DealQuery, list_deals};
use crate::deals::status::DealStatus;
use crate::deals::{DealDrill, DealList, DealRow, DealSort, amount_text};
use crate::layout::guarded_page;
use crate::ui::{Badge, Notice, Pager, ScrollTable, encode_query};

#[component]
pub fn DealsPage() -> impl IntoView {
    let query = use_query_map();
    let source = move || {
        let query = query.read();
        DealQuery {
            status: query.get("status"),
            q: query.get("q"),
            sort: query.get("sort"),
            page: query.get("page"),
            drill: DealDrill::from_query(|name| query.get(name)),
        }
    };
    guarded_page(DEAL_ROLES, source, list_deals, |user, list| {
        view! {
            <DealsFilters role=user.role/>
            <DealTable list/>
        }
    })
}

/// The title, the filters and the narrowing above the list.
#[component]
fn DealsFilters(role: Role) -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let drill = DealDrill::from_query(|name| query.read_untracked().get(name));
    let narrowed = drill.describe();
    let title = match role {
        Role::ChannelManager => "My partners' deals",
        Role::Admin => "All deals",
        _ => "Our deals",
    };
    view! {
        <div class="page-head">
            <h1>{title}</h1>
            {DEAL_PARTNER_ROLES.contains(&role).then(|| view! {
                <a class="button primary" href="/deals/new">"Register a deal"</a>
            })}
        </div>
        <Form method="GET" action="" attr:class="filters card" attr:role="search">
            <div class="field">
                <label for="filter-q">"Search"</label>
                <input id="filter-q" type="search" name="q" value=param("q") placeholder="Customer or domain"/>
            </div>
            <div class="field">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" name="status">
                    <option value="" selected=param("status").is_empty()>"Any status"</option>
                    {DealStatus::ALL.into_iter().map(|status| view! {
                        <option value=status.as_str() selected=param("status") == status.as_str()>{status.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-sort">"Sort by"</label>
                <select id="filter-sort" name="sort">
                    {DealSort::ALL.into_iter().map(|sort| view! {
                        <option value=sort.as_str() selected=param("sort") == sort.as_str()>{sort.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            {drill.pairs().into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
            <button type="submit" class="button secondary">"Apply"</button>
        </Form>
        {(!narrowed.is_empty()).then(|| view! {
            <p class="narrowing" data-testid="narrowing">
                "Showing only: " {narrowed.join(" · ")} " " <a href="/deals">"Show all deals"</a>
            </p>
        })}
    }
}

/// `/deals?…` with the current filters and another page.
fn page_link(status: &str, q: &str, sort: &str, drill: &DealDrill, page: i64) -> String {
    let mut pairs = vec![];
    for (name, value) in [("status", status), ("q", q), ("sort", sort)] {
        if !value.is_empty() {
            pairs.push(format!("{name}={}", encode_query(value)));
        }
    }
    for (name, value) in drill.pairs() {
        pairs.push(format!("{name}={}", encode_query(&value)));
    }
    pairs.push(format!("page={page}"));
    format!("/deals?{}", pairs.join("&"))
}

#[component]
fn DealTable(list: DealList) -> impl IntoView {
    let query = use_query_map();
    let (status, q, sort, drill) = {
        let query = query.read_untracked();
        (
            query.get("status").unwrap_or_default(),
            query.get("q").unwrap_or_default(),
            query.get("sort").unwrap_or_default(),
            DealDrill::from_query(|name| query.get(name)),
        )
    };
    let pages = list.pages();
    let export = format!("/deals/export.csv?{}", page_link(&status, &q, "", &drill, 1).trim_start_matches("/deals?"));
    let summary = format!("{} deals · page {} of {pages}", list.total, list.page);
    let previous = (list.page > 1).then(|| page_link(&status, &q, &sort, &drill, list.page - 1));
    let next = (list.page < pages).then(|| page_link(&status, &q, &sort, &drill, list.page + 1));
    view! {
        <div class="list-head">
            <p class="muted" data-testid="deal-count">{summary}</p>
            {list.can_export.then(|| view! { <a class="button secondary" href=export rel="external" download="deals.csv">"Export CSV"</a> })}
        </div>
        {if list.rows.is_empty() {
            view! { <Notice text="No deals match. Change the filters, or register a deal."/> }.into_any()
        } else {
            view! {
                <div class="card">
                <ScrollTable label="Deals">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">"Customer"</th>
                                <th scope="col" class="optional">"Partner"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col" class="numeric">"Amount"</th>
                                <th scope="col" class="optional">"Close date"</th>
                                <th scope="col" class="optional">"Updated"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.rows.into_iter().map(|row| {
                                let amount = view! { <DealAmount row=row.clone()/> };
                                view! {
                                <tr>
                                    <td>
                                        <a href=format!("/deals/{}", row.id)>{row.customer_company}</a>
                                        <span class="muted block">{row.customer_domain}</span>
                                    </td>
                                    <td class="optional">{row.partner_name}</td>
                                    <td>
                                        <Badge text=row.status.label() tone=status_tone(row.status)/>
                                        {row.possible_conflict.then(|| view! { " " <Badge text="Possible conflict" tone="warning"/> })}
                                    </td>
                                    <td class="numeric">{amount}</td>
                                    <td class="optional">{match row.closed_on {
                                        Some(closed) => view! { {closed.to_string()} }.into_any(),
                                        None => view! {
                                            {row.expected_close_date.to_string()}
                                            <span class="muted block">"expected"</span>
                                        }.into_any(),
                                    }}</td>
                                    <td class="optional">{row.updated_at.format("%Y-%m-%d").to_string()}</td>
                                </tr>
                                }
                            }).collect_view()}
                        </tbody>
                        {list.worth.map(|worth| view! {
                            <tfoot>
                                <tr data-testid="deal-worth">
                                    <th scope="row">
                                        {match list.total {
                                            1 => "Total of 1 deal".to_owned(),
                                            total => format!("Total of {total} deals"),
                                        }}
                                        {worth.converted.then(|| view! {
                                            <span class="muted block">{format!("in {} at the program's rates", worth.currency)}</span>
                                        })}
                                    </th>
                                    <td class="optional"></td>
                                    <td></td>
                                    <td class="numeric">{amount_text(worth.minor, &worth.currency)}</td>
                                    <td class="optional" colspan="2"></td>
                                </tr>
                            </tfoot>
                        })}
                    </table>
                </ScrollTable>
                </div>
            }.into_any()
        }}
        <Pager previous next/>
    }
}

/// A deal's amount as the figures count it: the final amount once won, with what was registered
/// beside it when that differs.
#[component]
fn DealAmount(row: DealRow) -> impl IntoView {
    let value = row.value_minor();
    let registered = (value != row.amount_minor).then(|| {
        view! { <span class="muted block">{format!("registered {}", amount_text(row.amount_minor, &row.currency))}</span> }
    });
    view! { {amount_text(value, &row.currency)} {registered} }
}
