use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::form::{DealInput, validate_deal};
use super::commands::{CloseDeal, DecideDeal, DecideExtension, RequestExtension, SubmitDeal};
use super::server::{
    DealFormSetup, DealQuery, ImportPipeline, SaveDeal, deal_check, deal_detail, deal_form, deal_queue, list_deals,
    pipeline_status,
};
use super::status::{DealStatus, ExtensionState};
use super::{ApprovalQueue, DealDrill, DealList, DealSort, DealView, TimelineEntry, amount_text, schedule};
use crate::auth::Role;
use crate::auth::access::{DEAL_MANAGER_ROLES, DEAL_PARTNER_ROLES, DEAL_ROLES};
use crate::error::{AppError, FieldErrors};
use crate::layout::{ErrorPage, RequireRole};
use crate::money::Currency;
use crate::ui::{Badge, Field, FormError, Notice, Pager, ScrollTable, encode_query, form_error};

/// The badge tone of a deal status, the same on every page.
fn status_tone(status: DealStatus) -> &'static str {
    match status {
        DealStatus::Approved | DealStatus::Won => "success",
        DealStatus::Rejected | DealStatus::Lost | DealStatus::Expired => "danger",
        DealStatus::Submitted => "warning",
        DealStatus::Draft => "neutral",
    }
}

fn status_label(status: &str) -> &'static str {
    DealStatus::parse(status).map(DealStatus::label).unwrap_or("—")
}

fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

// ---------------------------------------------------------------------------------------------
// The deals list

#[component]
pub fn DealsPage() -> impl IntoView {
    let query = use_query_map();
    let deals = Resource::new(
        move || {
            let query = query.read();
            DealQuery {
                status: query.get("status"),
                q: query.get("q"),
                sort: query.get("sort"),
                page: query.get("page"),
                drill: DealDrill::from_query(|name| query.get(name)),
            }
        },
        list_deals,
    );
    view! { <RequireRole allowed=DEAL_ROLES children=move |user| view! { <DealsView role=user.role deals/> }/> }
}

#[component]
fn DealsView(role: Role, deals: Resource<Result<DealList, AppError>>) -> impl IntoView {
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
        {move || deals.get().map(|result| match result {
            Ok(list) => view! { <DealTable list/> }.into_any(),
            Err(error) => view! { <ErrorPage error/> }.into_any(),
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
                                <th scope="col">"Partner"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col" class="numeric">"Amount"</th>
                                <th scope="col">"Expected close"</th>
                                <th scope="col">"Updated"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.rows.into_iter().map(|row| view! {
                                <tr>
                                    <td>
                                        <a href=format!("/deals/{}", row.id)>{row.customer_company}</a>
                                        <span class="muted block">{row.customer_domain}</span>
                                    </td>
                                    <td>{row.partner_name}</td>
                                    <td>
                                        <Badge text=row.status.label() tone=status_tone(row.status)/>
                                        {row.possible_conflict.then(|| view! { " " <Badge text="Possible conflict" tone="warning"/> })}
                                    </td>
                                    <td class="numeric">{amount_text(row.amount_minor, &row.currency)}</td>
                                    <td>{row.expected_close_date.to_string()}</td>
                                    <td>{row.updated_at.format("%Y-%m-%d").to_string()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollTable>
                </div>
            }.into_any()
        }}
        <Pager previous next/>
    }
}

// ---------------------------------------------------------------------------------------------
// Registering a deal

#[component]
pub fn NewDealPage() -> impl IntoView {
    let setup = Resource::new(|| (), |_| deal_form());
    view! {
        <RequireRole allowed=DEAL_PARTNER_ROLES children=move |_user| view! {
            <h1>"Register a deal"</h1>
            <p class="muted">"Registered deals are protected for " {schedule::PROTECTION_DAYS} " days once approved. "
               "Your channel manager decides within " {schedule::SLA_BUSINESS_DAYS} " business days."</p>
            {move || setup.get().map(|result| match result {
                Ok(setup) => view! { <DealForm setup/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        }/>
    }
}

fn set_field(input: &mut DealInput, name: &str, value: String) {
    match name {
        "customer_company" => input.customer_company = value,
        "customer_domain" => input.customer_domain = value,
        "contact_name" => input.contact_name = value,
        "contact_email" => input.contact_email = value,
        "amount" => input.amount = value,
        "currency" => input.currency = value,
        "expected_close_date" => input.expected_close_date = value,
        "products" => input.products = value,
        "attribution" => input.attribution = value,
        "notes" => input.notes = value,
        _ => {}
    }
}

#[component]
fn DealForm(setup: DealFormSetup) -> impl IntoView {
    let action = ServerAction::<SaveDeal>::new();
    let server_error = form_error(action);
    let input =
        RwSignal::new(DealInput { currency: "USD".into(), attribution: "sourced".into(), ..DealInput::default() });
    // Fields edited since the last attempt to save: their messages come from the live check.
    let touched = RwSignal::new(BTreeSet::<String>::new());
    let today = setup.today;
    let live = Memo::new(move |_| validate_deal(&input.read(), today).err().unwrap_or_default());
    let error = Signal::derive(move || {
        let server = server_error.get();
        let touched = touched.read();
        let mut fields: FieldErrors = match &server {
            Some(AppError::Invalid { fields }) => fields.clone(),
            Some(other) => return Some(other.clone()),
            None => FieldErrors::new(),
        };
        let live = live.read();
        for name in touched.iter() {
            fields.remove(name);
            if let Some(message) = live.get(name) {
                fields.insert(name.clone(), message.clone());
            }
        }
        (!fields.is_empty()).then_some(AppError::Invalid { fields })
    });
    let edit = move |name: &'static str| {
        Callback::new(move |value: String| {
            input.update(|input| set_field(input, name, value));
            touched.update(|touched| {
                touched.insert(name.to_owned());
            });
        })
    };
    // The conflict check, as the partner types the customer's name and domain.
    let customer = Memo::new(move |_| {
        let input = input.read();
        (input.customer_company.trim().to_owned(), input.customer_domain.trim().to_owned())
    });
    // Only in the browser (effects do not run on the server); a late answer for older text is dropped.
    let possible_conflict = RwSignal::new(false);
    Effect::new(move |_| {
        let (company, domain) = customer.get();
        if company.chars().count() < 3 && !super::form::looks_like_domain(&domain) {
            possible_conflict.set(false);
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(check) = deal_check(company.clone(), domain.clone()).await
                && customer.get_untracked() == (company, domain)
            {
                possible_conflict.set(check.possible_conflict);
            }
        });
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = action.value().get() {
            navigate(&format!("/deals/{}", saved.id), Default::default());
        }
    });
    Effect::new(move |_| {
        if action.pending().get() {
            touched.update(BTreeSet::clear);
        }
    });
    let message = move |name: &'static str| move || error.get().and_then(|e| e.field_message(name));
    view! {
        <FormError error/>
        <ActionForm action=action attr:novalidate=true attr:class="card deal-form">
            <input type="hidden" name="form_token" value=setup.form_token.clone()/>
            <fieldset>
                <legend>"Customer"</legend>
                <Field label="Customer company" name="customer_company" error on_input=edit("customer_company") required=true/>
                <Field label="Customer domain" name="customer_domain" hint="The customer's web address, like example.com"
                    error on_input=edit("customer_domain") required=true/>
                {move || possible_conflict.get().then(|| view! {
                    <div class="notice notice-warning" role="status" data-testid="conflict-warning">
                        <strong>"Possible conflict. "</strong>
                        "Another partner may already have registered this customer, or the vendor may already be working with them. "
                        "You can still submit: your channel manager will look at both before deciding."
                    </div>
                })}
                <Field label="Contact name" name="contact_name" error on_input=edit("contact_name") required=true/>
                <Field label="Contact email" name="contact_email" kind="email" error on_input=edit("contact_email") required=true/>
            </fieldset>
            <fieldset>
                <legend>"Opportunity"</legend>
                <div class="field-row">
                    <Field label="Amount" name="amount" hint="Like 12,500.00" error on_input=edit("amount") required=true/>
                    <div class="field" class:field-invalid=move || message("currency")().is_some()>
                        <label for="field-currency">"Currency"</label>
                        <select id="field-currency" name="currency"
                            on:change=move |ev| edit("currency").run(event_target_value(&ev))>
                            {Currency::ALL.into_iter().map(|c| view! {
                                <option value=c.code() selected=c == Currency::USD>{c.code()}</option>
                            }).collect_view()}
                        </select>
                        {move || message("currency")().map(|text| view! { <p class="field-error">{text}</p> })}
                    </div>
                </div>
                <Field label="Expected close date" name="expected_close_date" kind="date" error
                    on_input=edit("expected_close_date") required=true/>
                <Field label="Products" name="products" hint="Separate products with commas" error
                    on_input=edit("products") required=true/>
                <div class="field" class:field-invalid=move || message("attribution")().is_some()>
                    <label for="field-attribution">"Sourced or influenced"</label>
                    <select id="field-attribution" name="attribution"
                        on:change=move |ev| edit("attribution").run(event_target_value(&ev))>
                        <option value="sourced" selected=true>"Sourced: we found this customer"</option>
                        <option value="influenced">"Influenced: we helped a deal the vendor found"</option>
                    </select>
                    {move || message("attribution")().map(|text| view! { <p class="field-error">{text}</p> })}
                </div>
                <div class="field" class:field-invalid=move || message("notes")().is_some()>
                    <label for="field-notes">"Notes"</label>
                    <textarea id="field-notes" name="notes" rows="4"
                        on:input=move |ev| edit("notes").run(event_target_value(&ev))></textarea>
                    {move || message("notes")().map(|text| view! { <p class="field-error">{text}</p> })}
                </div>
            </fieldset>
            <div class="actions">
                <button type="submit" class="button secondary" name="intent" value="draft" disabled=move || action.pending().get()>"Save draft"</button>
                <button type="submit" class="button primary" name="intent" value="submit" disabled=move || action.pending().get()>"Submit"</button>
            </div>
        </ActionForm>
    }
}

// ---------------------------------------------------------------------------------------------
// One deal

#[component]
pub fn DealPage() -> impl IntoView {
    let params = use_params_map();
    let submit = ServerAction::<SubmitDeal>::new();
    let decide = ServerAction::<DecideDeal>::new();
    let close = ServerAction::<CloseDeal>::new();
    let request = ServerAction::<RequestExtension>::new();
    let extension = ServerAction::<DecideExtension>::new();
    let versions = move || {
        (
            submit.version().get(),
            decide.version().get(),
            close.version().get(),
            request.version().get(),
            extension.version().get(),
        )
    };
    let detail = Resource::new(
        move || (params.read().get("id").and_then(|id| id.parse::<i64>().ok()), versions()),
        |(id, _)| async move {
            match id {
                Some(id) => deal_detail(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <RequireRole allowed=DEAL_ROLES children=move |_user| view! {
            {move || detail.get().map(|result| match result {
                Ok(view) => view! { <DealDetail view submit decide close request extension/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        }/>
    }
}

#[component]
fn DealDetail(
    view: DealView,
    submit: ServerAction<SubmitDeal>,
    decide: ServerAction<DecideDeal>,
    close: ServerAction<CloseDeal>,
    request: ServerAction<RequestExtension>,
    extension: ServerAction<DecideExtension>,
) -> impl IntoView {
    let DealView { deal, timeline, conflicts, controls, now } = view;
    let id = deal.id;
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
                    <dt>"Contact"</dt><dd>{format!("{} <{}>", deal.contact_name, deal.contact_email)}</dd>
                    <dt>"Amount"</dt><dd>{amount_text(deal.amount_minor, &deal.currency)}</dd>
                    <dt>"Expected close date"</dt><dd>{deal.expected_close_date.to_string()}</dd>
                    <dt>"Products"</dt><dd>{deal.products.clone()}</dd>
                    <dt>"Sourced or influenced"</dt><dd>{deal.attribution.label()}</dd>
                    <dt>"Registered by"</dt><dd>{deal.created_by_name.clone()}</dd>
                    {deal.sla_due_at.map(|due| view! { <dt>"Decision due"</dt><dd>{when(due)}</dd> })}
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
        {controls.submit.then(|| { let error = form_error(submit); view! {
            <section class="card" aria-labelledby="deal-submit">
                <h2 id="deal-submit">"Submit for approval"</h2>
                <FormError error/>
                <ActionForm action=submit>
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="button primary">"Submit"</button>
                </ActionForm>
            </section>
        }})}
        {controls.decide.then(|| { let error = form_error(decide); view! {
            <section class="card" aria-labelledby="deal-decide">
                <h2 id="deal-decide">"Decide"</h2>
                <FormError error/>
                <ActionForm action=decide attr:novalidate=true>
                    <input type="hidden" name="id" value=id/>
                    <TextArea label="Reason (needed to reject; the partner sees it)" name="reason" error/>
                    <div class="actions">
                        <button type="submit" class="button primary" name="decision" value="approve">"Approve"</button>
                        <button type="submit" class="button danger" name="decision" value="reject">"Reject"</button>
                    </div>
                </ActionForm>
            </section>
        }})}
        {controls.close.then(|| { let error = form_error(close); view! {
            <section class="card" aria-labelledby="deal-close">
                <h2 id="deal-close">"Record the outcome"</h2>
                <FormError error/>
                <ActionForm action=close attr:novalidate=true>
                    <input type="hidden" name="id" value=id/>
                    <div class="field" class:field-invalid=move || error.get().and_then(|e| e.field_message("outcome")).is_some()>
                        <label for="field-outcome">"Outcome"</label>
                        <select id="field-outcome" name="outcome">
                            <option value="won">"Won"</option>
                            <option value="lost">"Lost"</option>
                        </select>
                    </div>
                    <div class="field-row">
                        <Field label="Final amount" name="final_amount" hint=deal_currency_hint(&deal.currency) error required=true/>
                        <Field label="Close date" name="closed_on" kind="date" error required=true/>
                    </div>
                    <button type="submit" class="button primary">"Record outcome"</button>
                </ActionForm>
            </section>
        }})}
        {controls.request_extension.then(|| { let error = form_error(request); view! {
            <section class="card" aria-labelledby="deal-extend">
                <h2 id="deal-extend">"Need more time?"</h2>
                <p class="muted">{format!("You may ask once for {} more days of protection.", schedule::EXTENSION_DAYS)}</p>
                <FormError error/>
                <ActionForm action=request attr:novalidate=true>
                    <input type="hidden" name="id" value=id/>
                    <TextArea label="Why the deal needs more time" name="reason" error/>
                    <button type="submit" class="button secondary">"Request extension"</button>
                </ActionForm>
            </section>
        }})}
        {controls.decide_extension.then(|| { let error = form_error(extension); view! {
            <section class="card" aria-labelledby="deal-extension">
                <h2 id="deal-extension">"Extension requested"</h2>
                <p>{deal.extension_reason.clone().unwrap_or_default()}</p>
                <FormError error/>
                <ActionForm action=extension>
                    <input type="hidden" name="id" value=id/>
                    <div class="actions">
                        <button type="submit" class="button primary" name="decision" value="approve">"Grant extension"</button>
                        <button type="submit" class="button secondary" name="decision" value="decline">"Decline extension"</button>
                    </div>
                </ActionForm>
            </section>
        }})}
    }
}

fn deal_currency_hint(currency: &str) -> &'static str {
    match currency {
        "EUR" => "In EUR",
        "GBP" => "In GBP",
        "JPY" => "In JPY",
        _ => "In the deal's currency",
    }
}

/// A labelled text area with its inline error.
#[component]
fn TextArea(label: &'static str, name: &'static str, #[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let id = format!("field-{name}");
    let message = move || error.get().and_then(|error| error.field_message(name));
    view! {
        <div class="field" class:field-invalid=move || message().is_some()>
            <label for=id.clone()>{label}</label>
            <textarea id=id.clone() name=name rows="3" aria-invalid=move || message().is_some().then_some("true")></textarea>
            {move || message().map(|text| view! { <p class="field-error pre">{text}</p> })}
        </div>
    }
}

#[component]
fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    view! {
        <ol class="timeline" data-testid="timeline">
            {entries.into_iter().map(|entry| {
                let change = match (entry.from_status, entry.to_status) {
                    (Some(from), Some(to)) if from != to => Some(format!("{} → {}", from.label(), to.label())),
                    (None, Some(to)) => Some(format!("→ {}", to.label())),
                    _ => None,
                };
                view! {
                    <li>
                        <p><strong>{entry.kind.label()}</strong> " by " {entry.actor}</p>
                        <p class="muted"><time datetime=entry.at.to_rfc3339()>{when(entry.at)}</time>
                            {change.map(|change| view! { " · " {change} })}</p>
                        {(!entry.note.is_empty()).then(|| view! { <p class="pre">{entry.note}</p> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

// ---------------------------------------------------------------------------------------------
// The managers' approval queue

#[component]
pub fn ApprovalQueuePage() -> impl IntoView {
    let queue = Resource::new(|| (), |_| deal_queue());
    view! {
        <RequireRole allowed=DEAL_MANAGER_ROLES children=move |user| view! {
            <div class="page-head">
                <h1>"Deals waiting for approval"</h1>
                {(user.role == Role::Admin).then(|| view! { <a class="button secondary" href="/deals/pipeline">"Vendor pipeline"</a> })}
            </div>
            {move || queue.get().map(|result| match result {
                Ok(queue) => view! { <QueueTable queue/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        }/>
    }
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

// ---------------------------------------------------------------------------------------------
// The vendor pipeline import

#[component]
pub fn PipelinePage() -> impl IntoView {
    let import = ServerAction::<ImportPipeline>::new();
    let summary = Resource::new(move || import.version().get(), |_| pipeline_status());
    view! {
        <RequireRole allowed=&[Role::Admin] children=move |_user| {
            let error = form_error(import);
            view! {
                <h1>"Vendor pipeline"</h1>
                <p class="muted">"The vendor's own opportunities. The conflict check compares every registration with them."</p>
                {move || summary.get().map(|result| match result {
                    Ok(summary) => view! {
                        <p data-testid="pipeline-summary">{format!("{} opportunities{}", summary.opportunities,
                            summary.last_import.map(|at| format!(", last imported {}", when(at))).unwrap_or_default())}</p>
                    }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                })}
                {move || match import.value().get() {
                    Some(Ok(done)) => Some(view! { <Notice text=format!("Imported {} opportunities.", done.rows) tone="success"/> }),
                    _ => None,
                }}
                <section class="card" aria-labelledby="pipeline-import">
                    <h2 id="pipeline-import">"Import from CSV"</h2>
                    <p class="hint">"The first row names the columns: "
                        <code>{super::PIPELINE_COLUMNS.join(",")}</code>
                        ". A row with the same reference replaces the earlier one. If any row is wrong, nothing is imported."</p>
                    <FormError error/>
                    <ActionForm action=import attr:novalidate=true>
                        <TextArea label="CSV" name="csv" error/>
                        <button type="submit" class="button primary">"Import"</button>
                    </ActionForm>
                </section>
            }
        }/>
    }
}
