//! The SPIFFs page (`/spiffs`): partners see the promotions open to them and what they earned;
//! marketing and admins write drafts, launch them and end them early; channel managers read.

use leptos::prelude::*;

use crate::auth::Role;
use crate::incentives::server::{CreateSpiff, EndSpiff, LaunchSpiff, spiffs};
use crate::incentives::spiffs::{Basis, Phase};
use crate::incentives::{SpiffRow, SpiffsView};
use crate::layout::guarded_page;
use crate::money::{Currency, Money};
use crate::tiers::audience::AudienceChoices;
use crate::ui::{Badge, CheckGroup, Field, FormError, Notice, form_error};

#[component]
pub fn SpiffsPage() -> impl IntoView {
    let create = ServerAction::<CreateSpiff>::new();
    let launch = ServerAction::<LaunchSpiff>::new();
    let end = ServerAction::<EndSpiff>::new();
    let source = move || (create.version().get(), launch.version().get(), end.version().get());
    guarded_page(&Role::ALL, source, |_| spiffs(), move |_, view| view! { <SpiffsList view create launch end/> })
}

fn phase_tone(phase: Phase) -> &'static str {
    match phase {
        Phase::Draft => "neutral",
        Phase::Upcoming => "warning",
        Phase::Open => "success",
        Phase::Ended | Phase::Cancelled => "neutral",
    }
}

#[component]
fn SpiffsList(
    view: SpiffsView,
    create: ServerAction<CreateSpiff>,
    launch: ServerAction<LaunchSpiff>,
    end: ServerAction<EndSpiff>,
) -> impl IntoView {
    let SpiffsView { rows, manage, partner, choices, currency } = view;
    let lead = match (partner, manage) {
        (true, _) => {
            "Promotions that pay on top of your margin: win a qualifying deal within a SPIFF's dates and it accrues \
             on your earnings statement by itself."
        }
        (false, true) => {
            "Time-boxed promotions paying a fixed amount per qualifying won deal, or once per rep. Write a draft, \
             launch it to its audience, and its qualifying wins accrue by themselves; once launched its rule stands."
        }
        (false, false) => "The promotions partners can earn, and what they paid your partners.",
    };
    let empty = match partner {
        true => "No SPIFF is open to you right now.",
        false => "No SPIFF yet.",
    };
    let error = form_error(launch);
    let end_error = form_error(end);
    view! {
        <div class="page-head">
            <h1>"SPIFFs"</h1>
            {partner.then(|| view! { <a class="button secondary" href="/earnings">"Your earnings"</a> })}
        </div>
        <p class="lead">{lead}</p>
        <FormError error/>
        <FormError error=end_error/>
        {rows.is_empty().then(|| view! { <Notice text=empty/> })}
        <div class="stack" data-testid="spiffs">
            {rows.into_iter().map(|row| view! { <SpiffCard row partner manage launch end/> }).collect_view()}
        </div>
        {manage.then(|| view! { <NewSpiff choices currency create/> })}
    }
}

#[component]
fn SpiffCard(
    row: SpiffRow,
    partner: bool,
    manage: bool,
    launch: ServerAction<LaunchSpiff>,
    end: ServerAction<EndSpiff>,
) -> impl IntoView {
    let SpiffRow { spiff, phase, rule, audience, paid_minor, deals, can_end } = row;
    let money = move |minor: i64| Money { minor, currency: spiff.currency }.display();
    let pays = match spiff.basis {
        Basis::PerDeal => format!("{} per qualifying deal", money(spiff.payout_minor)),
        Basis::PerRep => format!("{} per rep, for their first qualifying deal", money(spiff.payout_minor)),
    };
    let earned = match (partner, deals) {
        (true, 0) => "Nothing earned yet.".to_owned(),
        (true, n) => format!("You earned {} from {n} deal{}.", money(paid_minor), if n == 1 { "" } else { "s" }),
        (false, 0) => "Nothing paid yet.".to_owned(),
        (false, n) => format!("{} earned on {n} deal{}.", money(paid_minor), if n == 1 { "" } else { "s" }),
    };
    let id = spiff.id;
    let heading = format!("spiff-{id}");
    let launch_label = format!("Launch {}", spiff.name);
    let end_label = match phase {
        Phase::Upcoming => format!("Cancel {}", spiff.name),
        _ => format!("End {} today", spiff.name),
    };
    let window = match phase {
        Phase::Cancelled => "Cancelled before its first day".to_owned(),
        _ => format!("{} to {}", spiff.starts_on, spiff.ends_on),
    };
    view! {
        <section class="card" aria-labelledby=heading.clone() data-testid="spiff">
            <div class="page-head">
                <h2 id=heading.clone()>{spiff.name.clone()}</h2>
                <Badge text=phase.label() tone=phase_tone(phase)/>
            </div>
            {(!spiff.description.is_empty()).then(|| view! { <p>{spiff.description.clone()}</p> })}
            <dl class="figures">
                <div><dt>"Pays"</dt><dd>{pays}</dd></div>
                <div><dt>"Deals won"</dt><dd>{window}</dd></div>
                <div><dt>"Qualifying deals"</dt><dd>{rule}</dd></div>
                {(!partner).then(|| view! { <div><dt>"For"</dt><dd>{audience}</dd></div> })}
            </dl>
            <p data-testid="spiff-earned">{earned}</p>
            {(manage && phase == Phase::Draft).then(|| view! {
                <ActionForm action=launch>
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="button primary">{launch_label}</button>
                </ActionForm>
            })}
            {can_end.then(|| view! {
                <ActionForm action=end>
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="button secondary">{end_label}</button>
                </ActionForm>
            })}
        </section>
    }
}

/// The form that writes a draft SPIFF.
#[component]
fn NewSpiff(choices: AudienceChoices, currency: Currency, create: ServerAction<CreateSpiff>) -> impl IntoView {
    let error = form_error(create);
    let tiers: Vec<(String, String)> = choices.tiers.iter().map(|(id, name)| (id.to_string(), name.clone())).collect();
    let types: Vec<(String, String)> = choices.types.iter().map(|(id, name)| (id.to_string(), name.clone())).collect();
    let bases: Vec<(String, String)> =
        Basis::ALL.into_iter().map(|basis| (basis.as_str().to_owned(), basis.label().to_owned())).collect();
    let code = currency.code();
    view! {
        <section class="card" aria-labelledby="new-spiff">
            <h2 id="new-spiff">"New SPIFF"</h2>
            <p class="muted">"It is saved as a draft: partners see it once you launch it."</p>
            <ActionForm action=create attr:class="stack" attr:novalidate=true>
                <Field label="Name" name="name" error required=true/>
                <Field label="What partners read" name="description" rows=3 error/>
                <div class="field-row">
                    <Field label="Deals won from" name="starts_on" kind="date" error required=true/>
                    <Field label="Deals won until" name="ends_on" kind="date" error required=true/>
                </div>
                <Field label="Products" name="products" error hint="A deal must name one of these, separated by commas; leave empty for any product."/>
                <Field label="Smallest deal" name="min_amount" error hint=format!("The final amount in {code}; leave empty for any size.")/>
                <Field label="New customers only" name="new_logo_only" kind="checkbox" error hint="No deal was won with the customer's domain before."/>
                <CheckGroup legend="Tiers" name="tiers" error choices=tiers checked=Vec::new() hint="Tick none for every tier."/>
                <CheckGroup legend="Partner types" name="types" error choices=types checked=Vec::new() hint="Tick none for every type."/>
                <Field label="Pays" name="basis" options=bases error required=true/>
                <Field label="Amount" name="payout" error required=true hint=format!("In {code}.")/>
                <FormError error/>
                <p class="actions"><button type="submit" class="button primary">"Save the draft"</button></p>
            </ActionForm>
        </section>
    }
}
