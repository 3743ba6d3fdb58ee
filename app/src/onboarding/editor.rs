//! The administration's page for each partner type's onboarding checklist: its steps in order,
//! moved up or down or removed, and a form to add one.

use leptos::prelude::*;

use super::server::{AddOnboardingStep, ChangeOnboardingStep, onboarding_templates};
use super::template::{Move, REMOVE, Template, kind_choices};
use super::{Step, StepKind};
use crate::auth::access::ADMINISTRATION_ROLES;
use crate::layout::guarded_page;
use crate::ui::{Badge, Field, FormError, form_error};

#[component]
pub fn OnboardingTemplatesPage() -> impl IntoView {
    let add = ServerAction::<AddOnboardingStep>::new();
    let change = ServerAction::<ChangeOnboardingStep>::new();
    let source = move || (add.version().get(), change.version().get());
    guarded_page(
        ADMINISTRATION_ROLES,
        source,
        |_| onboarding_templates(),
        move |_, templates| {
            view! { <Templates templates add change/> }
        },
    )
}

#[component]
fn Templates(
    templates: Vec<Template>,
    add: ServerAction<AddOnboardingStep>,
    change: ServerAction<ChangeOnboardingStep>,
) -> impl IntoView {
    let change_error = form_error(change);
    let types: Vec<(String, String)> = templates
        .iter()
        .map(|template| (template.partner_type_id.to_string(), template.partner_type.clone()))
        .collect();
    view! {
        <p class="crumbs"><a href="/admin">"Administration"</a> " / Onboarding checklists"</p>
        <h1>"Onboarding checklists"</h1>
        <p class="lead">"Each partner type's steps, in the order partners see them. Automatic steps tick themselves \
            when their milestone happens, even one that happened before the step was added; removing or moving a step \
            un-does nothing a partner did."</p>
        <FormError error=change_error/>
        <div class="columns">
            {templates.into_iter().map(|template| view! { <TemplateCard template change/> }).collect_view()}
        </div>
        <AddStep add types/>
    }
}

fn kind_text(kind: StepKind) -> String {
    match kind {
        StepKind::Automatic { milestone } => format!("Automatic: {}", milestone.label()),
        StepKind::Manual { confirm: true } => "Manual, confirmed by the channel manager".into(),
        StepKind::Manual { confirm: false } => "Manual".into(),
    }
}

#[component]
fn TemplateCard(template: Template, change: ServerAction<ChangeOnboardingStep>) -> impl IntoView {
    let title_id = format!("template-{}", template.partner_type_id);
    let heading_id = title_id.clone();
    let count = template.steps.len();
    view! {
        <section class="card" aria-labelledby=title_id>
            <h2 id=heading_id>{template.partner_type.clone()}</h2>
            {(count == 0).then(|| view! { <p class="muted">"No steps: partners of this type have no checklist."</p> })}
            <ol class="checklist">
                {template.steps.into_iter().enumerate().map(|(at, step)| view! {
                    <TemplateStep step first=at == 0 last=at + 1 == count change/>
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn TemplateStep(step: Step, first: bool, last: bool, change: ServerAction<ChangeOnboardingStep>) -> impl IntoView {
    let button = |value: &'static str, label: String| {
        view! {
            <ActionForm action=change attr:class="inline-form">
                <input type="hidden" name="step_id" value=step.id.to_string()/>
                <input type="hidden" name="change" value=value/>
                <button type="submit" class="button secondary">{label}</button>
            </ActionForm>
        }
    };
    let title = step.title.clone();
    view! {
        <li class="checklist-step">
            <p class="step-head"><strong>{step.title.clone()}</strong> " " <Badge text=kind_text(step.kind)/></p>
            {(!step.description.is_empty()).then(|| view! { <p class="muted">{step.description.clone()}</p> })}
            {step.href.clone().map(|href| view! { <p class="small">"Link: " {href}</p> })}
            <div class="row-actions">
                {(!first).then(|| button(Move::Up.as_str(), format!("Move \u{201c}{title}\u{201d} up")))}
                {(!last).then(|| button(Move::Down.as_str(), format!("Move \u{201c}{title}\u{201d} down")))}
                {button(REMOVE, format!("Remove \u{201c}{title}\u{201d}"))}
            </div>
        </li>
    }
}

#[component]
fn AddStep(add: ServerAction<AddOnboardingStep>, types: Vec<(String, String)>) -> impl IntoView {
    let error = form_error(add);
    view! {
        <section class="card" aria-labelledby="add-step-title">
            <h2 id="add-step-title">"Add a step"</h2>
            <ActionForm action=add attr:class="stack">
                <Field label="Partner type" name="partner_type_id" options=types error/>
                <Field label="Step" name="title" error required=true/>
                <Field label="What to do" name="description" rows=3 error/>
                <Field label="How it is completed" name="kind" options=kind_choices() error/>
                <Field label="Link" name="href" error hint="Where it is done: a page of the portal (/team) or an https:// address."/>
                <FormError error/>
                <button type="submit" class="button primary">"Add the step"</button>
            </ActionForm>
        </section>
    }
}
