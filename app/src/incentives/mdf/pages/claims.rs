//! A request's claims on its page: the partner's claim form (a plain form with its first proof
//! file, JavaScript or not), and each claim with its proof files and, while it waits, a form to
//! add another.

use leptos::prelude::*;

use super::super::rules::{ClaimState, RequestState, Stage};
use super::super::server::{AddMdfProof, ClaimMdf};
use super::super::{ClaimRecord, PROOF_ACCEPT, PROOF_KINDS};
use crate::ui::{Badge, Field, FormError, FormErrors, Notice, posted_error};

/// What the proof field says it takes.
fn proof_hint() -> String {
    format!(
        "{} of at most {} MB. The type is read from the file itself, and must be what its name says.",
        crate::files::kinds_text(PROOF_KINDS),
        super::super::MAX_PROOF_BYTES / (1024 * 1024)
    )
}

/// The partner's claim of an executed activity: a plain form with its first proof file
/// (JavaScript or not); more proof can be added while it waits.
#[component]
pub(super) fn ClaimForm(id: i64, pre_approved: i64, currency: String) -> impl IntoView {
    use server_fn::ServerFn;
    let path = <ClaimMdf as ServerFn>::PATH;
    let error = FormErrors::new(posted_error(path));
    let most = crate::money::amount_text(pre_approved, &currency);
    view! {
        <h3>"Claim the funds"</h3>
        <p class="muted">{format!("Claim what the activity cost, up to the {most} pre-approved, with proof of performance: invoices, photos, attendee lists.")}</p>
        <form method="post" action=path enctype="multipart/form-data" class="stack" data-testid="claim-form">
            <input type="hidden" name="id" value=id/>
            <Field label="Amount claimed" name="amount" id="claim-amount" error required=true hint=format!("In {currency}, at most {most}.")/>
            <Field label="What it brought" name="results" id="claim-results" rows=3 error required=true hint="Attendees, leads, meetings, deals."/>
            <Field label="Proof of performance" name="proof" id="claim-proof" kind="file" error required=true accept=PROOF_ACCEPT hint=proof_hint()/>
            <FormError error/>
            <button type="submit" class="button primary">"Send the claim"</button>
        </form>
    }
}

/// A request's claims, newest first, each with its proof files; `add_proof` (the request's id)
/// when the reader may add proof to the waiting one.
#[component]
pub(super) fn Claims(claims: Vec<ClaimRecord>, add_proof: Option<i64>) -> impl IntoView {
    use server_fn::ServerFn;
    let path = <AddMdfProof as ServerFn>::PATH;
    let error = FormErrors::new(posted_error(path));
    view! {
        <section class="card" aria-labelledby="mdf-claims">
            <h2 id="mdf-claims">"Claims"</h2>
            {claims.into_iter().map(|claim| {
                let tone = Stage { request: RequestState::Executed, claim: Some(claim.state) }.tone();
                let waiting = claim.state == ClaimState::Claimed;
                view! {
                    <article class="claim" data-testid="mdf-claim">
                        <p>
                            <strong>{crate::money::amount_text(claim.amount_minor, &claim.currency)}</strong>
                            " " <Badge text=claim.state.label() tone/>
                            {claim.entry_id.map(|entry| view! { " " <span class="muted">{format!("ledger entry #{entry}")}</span> })}
                        </p>
                        <p class="muted">{format!("Claimed by {} on {}", claim.claimed_by, claim.claimed_at.format("%Y-%m-%d %H:%M UTC"))}</p>
                        <p class="pre">{claim.results.clone()}</p>
                        {claim.reason.clone().filter(|_| claim.state == ClaimState::Rejected).map(|reason| view! {
                            <Notice text=format!("Rejected: {reason}") tone="warning"/>
                        })}
                        <h3>"Proof of performance"</h3>
                        <ul class="proofs">
                            {claim.proofs.iter().map(|proof| view! {
                                <li>
                                    <a href=format!("/mdf/proofs/{}", proof.id) rel="external" download=proof.name.clone()>{proof.name.clone()}</a>
                                    " " <span class="muted">{crate::files::size_text(proof.size_bytes)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                        {add_proof.filter(|_| waiting).map(|id| view! {
                            <form method="post" action=path enctype="multipart/form-data" class="stack">
                                <input type="hidden" name="id" value=id/>
                                <Field label="Add another proof file" name="proof" id="more-proof" kind="file" error required=true accept=PROOF_ACCEPT hint=proof_hint()/>
                                <FormError error/>
                                <button type="submit" class="button secondary">"Add the file"</button>
                            </form>
                        })}
                    </article>
                }
            }).collect_view()}
        </section>
    }
}
