//! Registering a deal: the form checks each field as the partner types (the same rules the
//! server applies) and warns of a possible conflict before anything is submitted.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::auth::access::DEAL_PARTNER_ROLES;
use crate::deals::form::{DealInput, looks_like_domain, validate_deal};
use crate::deals::schedule;
use crate::deals::server::{DealFormSetup, SaveDeal, deal_check, deal_form};
use crate::error::{AppError, FieldErrors};
use crate::layout::guarded_page;
use crate::money::Currency;
use crate::ui::{Field, FormError, FormErrors, Notice, form_error};

#[component]
pub fn NewDealPage() -> impl IntoView {
    let query = use_query_map();
    guarded_page(
        DEAL_PARTNER_ROLES,
        move || query.read().get("lead").unwrap_or_default(),
        deal_form,
        |_, setup| {
            view! {
                <h1>"Register a deal"</h1>
                <p class="muted">"Registered deals are protected for " {schedule::PROTECTION_DAYS} " days once approved. "
                   "Your channel manager decides within " {schedule::SLA_BUSINESS_DAYS} " business days."</p>
                <DealForm setup/>
            }
        },
    )
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
    let prefill = setup.prefill.clone();
    let input = RwSignal::new(prefill.clone());
    // Fields edited since the last attempt to save: their messages come from the live check.
    let touched = RwSignal::new(BTreeSet::<String>::new());
    let today = setup.today;
    let live = Memo::new(move |_| validate_deal(&input.read(), today).err().unwrap_or_default());
    let error = FormErrors::new(Signal::derive(move || {
        let server = server_error.get();
        let touched = touched.read();
        let (mut fields, typed): (FieldErrors, _) = match &server {
            Some(AppError::Invalid { fields, typed }) => (fields.clone(), typed.clone()),
            Some(other) => return Some(other.clone()),
            None => Default::default(),
        };
        let live = live.read();
        for name in touched.iter() {
            fields.remove(name);
            if let Some(message) = live.get(name) {
                fields.insert(name.clone(), message.clone());
            }
        }
        (!fields.is_empty()).then_some(AppError::Invalid { fields, typed })
    }));
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
        if company.chars().count() < 3 && !looks_like_domain(&domain) {
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
    let currencies: Vec<(String, String)> =
        Currency::ALL.into_iter().map(|c| (c.code().to_owned(), c.code().to_owned())).collect();
    let attributions = vec![
        ("sourced".to_owned(), "Sourced: we found this customer".to_owned()),
        ("influenced".to_owned(), "Influenced: we helped a deal the vendor found".to_owned()),
    ];
    view! {
        {setup.source.clone().map(|source| view! { <Notice text=source/> })}
        <FormError error/>
        <ActionForm action=action attr:novalidate=true attr:class="card deal-form">
            <input type="hidden" name="form_token" value=setup.form_token.clone()/>
            <input type="hidden" name="lead" value=prefill.lead.clone()/>
            <fieldset>
                <legend>"Customer"</legend>
                <Field label="Customer company" name="customer_company" value=prefill.customer_company.clone() error on_input=edit("customer_company") required=true/>
                <Field label="Customer domain" name="customer_domain" value=prefill.customer_domain.clone() hint="The customer's web address, like example.com"
                    error on_input=edit("customer_domain") required=true/>
                {move || possible_conflict.get().then(|| view! {
                    <div class="notice notice-warning" role="status" data-testid="conflict-warning">
                        <strong>"Possible conflict. "</strong>
                        "Another partner may already have registered this customer, or the vendor may already be working with them. "
                        "You can still submit: your channel manager will look at both before deciding."
                    </div>
                })}
                <Field label="Contact name" name="contact_name" value=prefill.contact_name.clone() error on_input=edit("contact_name") required=true/>
                <Field label="Contact email" name="contact_email" value=prefill.contact_email.clone() kind="email" error on_input=edit("contact_email") required=true/>
            </fieldset>
            <fieldset>
                <legend>"Opportunity"</legend>
                <div class="field-row">
                    <Field label="Amount" name="amount" hint="Like 12,500.00" error on_input=edit("amount") required=true/>
                    <Field label="Currency" name="currency" options=currencies value="USD" error on_input=edit("currency")/>
                </div>
                <Field label="Expected close date" name="expected_close_date" kind="date" error
                    on_input=edit("expected_close_date") required=true/>
                <Field label="Products" name="products" hint="Separate products with commas" error
                    on_input=edit("products") required=true/>
                <Field label="Sourced or influenced" name="attribution" options=attributions value="sourced" error
                    on_input=edit("attribution")/>
                <Field label="Notes" name="notes" rows=4 value=prefill.notes.clone() error on_input=edit("notes")/>
            </fieldset>
            <div class="actions">
                <button type="submit" class="button secondary" name="intent" value="draft" disabled=move || action.pending().get()>"Save draft"</button>
                <button type="submit" class="button primary" name="intent" value="submit" disabled=move || action.pending().get()>"Submit"</button>
            </div>
        </ActionForm>
    }
}
