//! The commands a viewer may give a deal now (submit, decide, record the outcome, ask for or
//! answer an extension): exactly those the workflow plan accepts, as forms that work without
//! JavaScript.

use leptos::prelude::*;

use crate::deals::commands::{CloseDeal, DecideDeal, DecideExtension, ReopenDeal, RequestExtension, SubmitDeal};
use crate::deals::{DealControls, DealRecord, schedule};
use crate::ui::{Field, FormError, form_error};

/// The deal page's command forms, made by the page so that a command reloads the deal.
#[derive(Clone, Copy)]
pub struct DealActions {
    submit: ServerAction<SubmitDeal>,
    decide: ServerAction<DecideDeal>,
    close: ServerAction<CloseDeal>,
    request: ServerAction<RequestExtension>,
    extension: ServerAction<DecideExtension>,
    reopen: ServerAction<ReopenDeal>,
}

impl DealActions {
    pub fn new() -> DealActions {
        DealActions {
            submit: ServerAction::new(),
            decide: ServerAction::new(),
            close: ServerAction::new(),
            request: ServerAction::new(),
            extension: ServerAction::new(),
            reopen: ServerAction::new(),
        }
    }

    /// Goes up whenever a command is carried out.
    pub fn versions(&self) -> [usize; 6] {
        [
            self.submit.version().get(),
            self.decide.version().get(),
            self.close.version().get(),
            self.request.version().get(),
            self.extension.version().get(),
            self.reopen.version().get(),
        ]
    }
}

/// The box a manager ticks to approve a customer another partner already holds approved.
#[component]
pub fn ConfirmApproval(#[prop(into)] label: String) -> impl IntoView {
    view! {
        <label class="confirm">
            <input type="checkbox" name="confirm" value="yes"/>
            " " {label}
        </label>
    }
}

/// "In EUR": the outcome's amount is in the deal's own currency.
fn currency_hint(currency: &str) -> String {
    format!("In {currency}, the deal's currency")
}

#[component]
pub fn DealCommands(
    actions: DealActions,
    controls: DealControls,
    deal: DealRecord,
    /// Other partners holding this customer's domain approved: approving asks to confirm.
    approved_elsewhere: Vec<String>,
) -> impl IntoView {
    let DealActions { submit, decide, close, request, extension, reopen } = actions;
    let id = deal.id;
    // No outcome is chosen for the manager: a deal recorded as won by default is a wrong figure.
    let outcomes = vec![
        (String::new(), "Choose won or lost".to_owned()),
        ("won".to_owned(), "Won".to_owned()),
        ("lost".to_owned(), "Lost".to_owned()),
    ];
    view! {
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
                    <Field label="Reason (needed to reject; the partner sees it)" name="reason" rows=3 error/>
                    {(!approved_elsewhere.is_empty()).then(|| view! {
                        <ConfirmApproval label=format!(
                            "Approve although {} already holds an approved registration for this customer",
                            approved_elsewhere.join(", ")
                        )/>
                    })}
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
                    <Field label="Outcome" name="outcome" options=outcomes.clone() error required=true/>
                    <div class="field-row">
                        <Field label="Final amount" name="final_amount" hint=currency_hint(&deal.currency) error required=true/>
                        <Field label="Close date" name="closed_on" kind="date" error required=true/>
                    </div>
                    <button type="submit" class="button primary">"Record outcome"</button>
                </ActionForm>
            </section>
        }})}
        {controls.reopen.then(|| { let error = form_error(reopen); view! {
            <section class="card" aria-labelledby="deal-reopen">
                <h2 id="deal-reopen">"Reopen as lost"</h2>
                <p class="muted">
                    "When a won deal falls through (the order is cancelled, the customer does not pay), reopen it as lost: what it earned the partner is reversed on the ledger, and deducted from its next payout if already paid."
                </p>
                <FormError error/>
                <ActionForm action=reopen attr:novalidate=true>
                    <input type="hidden" name="id" value=id/>
                    <Field label="Why (the partner sees it)" name="reason" rows=3 error/>
                    <button type="submit" class="button danger">"Reopen as lost"</button>
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
                    <Field label="Why the deal needs more time" name="reason" rows=3 error/>
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
