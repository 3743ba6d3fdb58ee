//! Administration → Program: the tiers in order, each with its requirements and benefits, the
//! policy for changes, "Evaluate every partner now", and every version published.

use leptos::prelude::*;

use super::form::{TierForm, field_name};
use super::program::{Measure, SupportLevel};
use super::server::{DiscardProgramDraft, EvaluateTiers, PREVIEW, PUBLISH, SaveProgram, program_configuration};
use super::simulate::Simulation;
use super::{DraftView, ProgramView, VersionSummary};
use crate::auth::access::ADMINISTRATION_ROLES;
use crate::layout::guarded_page;
use crate::money::Money;
use crate::ui::{Field, FormError, FormErrors, Notice, ScrollTable, day_text, form_error};

#[component]
pub fn ProgramPage() -> impl IntoView {
    let save = ServerAction::<SaveProgram>::new();
    let evaluate = ServerAction::<EvaluateTiers>::new();
    let discard = ServerAction::<DiscardProgramDraft>::new();
    guarded_page(
        ADMINISTRATION_ROLES,
        move || (save.version().get(), evaluate.version().get(), discard.version().get()),
        |_| program_configuration(),
        move |_, view| view! { <Program view save evaluate discard/> },
    )
}

#[component]
fn Program(
    view: ProgramView,
    save: ServerAction<SaveProgram>,
    evaluate: ServerAction<EvaluateTiers>,
    discard: ServerAction<DiscardProgramDraft>,
) -> impl IntoView {
    let error = form_error(save);
    let ProgramView { currency, form, draft, versions, partners_in, courses, .. } = view;
    let next_version = versions.first().map_or(1, |latest| latest.version + 1);
    let has_draft = draft.is_some();
    let evaluated = move || {
        matches!(evaluate.value().get(), Some(Ok(())))
            .then(|| view! { <Notice text="Every partner was evaluated." tone="success"/> })
    };
    let partners_of = move |id: &str| {
        let id = id.parse::<i64>().unwrap_or(0);
        partners_in.iter().find(|(tier, _)| *tier == id).map_or(0, |(_, count)| *count)
    };
    let rows = form.tiers.len();
    // Each tier a course may be reserved for, by its row in the form.
    let mut tier_choices = vec![(String::new(), "Every partner".to_owned())];
    tier_choices.extend(
        form.tiers
            .iter()
            .enumerate()
            .filter(|(_, tier)| !tier.name.trim().is_empty())
            .map(|(row, tier)| (row.to_string(), format!("{} and above", tier.name.trim()))),
    );
    let unlocks = form.courses.clone();
    view! {
        <p class="crumbs"><a href="/admin">"Administration"</a> " / Program"</p>
        <h1>"Program: tiers"</h1>
        <p class="lead">"The tiers from the one every partner starts in upwards. Each asks for at least what the tier \
            below asks; an empty requirement does not apply. Revenue is closed-won over the last 12 months, in "
            {currency.code()} ". Preview a draft to see who would move, today and at the end of each of the last \
            four quarters, before publishing it; publishing keeps the version and evaluates every partner at once."</p>
        {evaluated}
        {draft.map(|draft| view! { <DraftPreview draft discard/> })}
        <ActionForm action=save attr:class="stack">
            <section class="card" aria-labelledby="policy-title">
                <h2 id="policy-title">"Policy"</h2>
                <div class="field-row">
                    <Field label="Tier changes" name="approval" error value=form.approval.clone()
                        options=vec![
                            ("channel_manager".into(), "Proposed to the channel manager for approval".into()),
                            ("automatic".into(), "Applied automatically".into()),
                        ]/>
                    <Field label="Grace period before a demotion (days)" name="grace_days" kind="number" error
                        value=form.grace_days.clone() required=true
                        hint="A partner below its tier keeps it this long and is told what to do to keep it."/>
                </div>
                <Field label="Show the tiers and their benefits on the public program page" name="public" kind="checkbox"
                    error checked=form.public.is_some()/>
            </section>
            <div class="columns">
                {form.tiers.into_iter().enumerate().map(|(row, tier)| {
                    let partners = partners_of(&tier.id);
                    view! { <TierFields row tier partners last=row + 1 == rows error/> }
                }).collect_view()}
            </div>
            <CourseUnlocks courses unlocks tier_choices error/>
            <FormError error/>
            <div class="button-row">
                <button type="submit" name="intent" value=PREVIEW class="button secondary">
                    {if has_draft { "Preview the changed draft" } else { "Preview as a draft" }}
                </button>
                <button type="submit" name="intent" value=PUBLISH class="button primary">
                    {format!("Publish as version {next_version}")}
                </button>
            </div>
        </ActionForm>
        <section class="card" aria-labelledby="evaluate-title">
            <h2 id="evaluate-title">"Evaluate now"</h2>
            <p>"Every partner is evaluated each night, and a partner whenever it wins a deal or one of its people is \
                certified. Evaluate every partner now after changing figures by hand."</p>
            <ActionForm action=evaluate>
                <button type="submit" class="button secondary">"Evaluate every partner now"</button>
            </ActionForm>
        </section>
        <Versions versions/>
    }
}

/// Which tier unlocks each published course: a course reserved for a tier is taken by its
/// partners and those of the tiers above; the others by every partner.
#[component]
fn CourseUnlocks(
    courses: Vec<(i64, String)>,
    unlocks: Vec<super::form::CourseUnlockForm>,
    tier_choices: Vec<(String, String)>,
    error: FormErrors,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="unlocks-title">
            <h2 id="unlocks-title">"Courses a tier unlocks"</h2>
            {courses.is_empty().then(|| view! { <p class="muted">"No course is published yet."</p> })}
            {unlocks.into_iter().enumerate().map(|(at, unlock)| {
                let title = courses
                    .iter()
                    .find(|(id, _)| id.to_string() == unlock.course)
                    .map_or_else(|| unlock.course.clone(), |(_, title)| title.clone());
                view! {
                    <input type="hidden" name=format!("courses[{at}][course]") value=unlock.course.clone()/>
                    <Field label=title name=format!("courses[{at}][tier]") error value=unlock.tier
                        options=tier_choices.clone()/>
                }
            }).collect_view()}
        </section>
    }
}

/// The draft's simulation: who would move, today and at each of the last four quarters' ends,
/// and the margin it would cost; publish it with the form below, or discard it.
#[component]
fn DraftPreview(draft: DraftView, discard: ServerAction<DiscardProgramDraft>) -> impl IntoView {
    let DraftView { saved_by, saved_at, simulation } = draft;
    let change = simulation.margin_change_minor();
    let Simulation { points, margin_now_minor, margin_draft_minor, currency } = simulation;
    let money = move |minor: i64| Money { minor, currency }.display();
    let change_text = match change {
        0 => "no change".to_owned(),
        more if more > 0 => format!("{} more", money(more)),
        less => format!("{} less", money(-less)),
    };
    let saved = format!(
        "Saved {} by {}. The form below holds the draft.",
        day_text(saved_at),
        saved_by.unwrap_or_else(|| "an admin".into())
    );
    let margin = format!(
        "Base margin on the last 12 months of won revenue: {} at today's tiers, {} with the draft ({change_text}).",
        money(margin_now_minor),
        money(margin_draft_minor)
    );
    let movers = points.first().map(|today| today.moves.clone()).unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="draft-title">
            <h2 id="draft-title">"Preview of the draft"</h2>
            <p class="muted">{saved}</p>
            <ScrollTable label="Who would move">
                <table data-testid="simulation">
                    <thead><tr><th scope="col">"When"</th><th scope="col">"Up"</th><th scope="col">"Down"</th><th scope="col">"Stay"</th></tr></thead>
                    <tbody>
                        {points.into_iter().map(|point| view! {
                            <tr><th scope="row">{point.label}</th><td>{point.up}</td><td>{point.down}</td><td>{point.stay}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollTable>
            <p data-testid="margin-change">{margin}</p>
            {(!movers.is_empty()).then(|| view! {
                <h3>"Who would move today"</h3>
                <ul data-testid="movers">
                    {movers.into_iter().map(|movement| view! {
                        <li>{format!("{}: {} → {}", movement.partner, movement.from, movement.to)}</li>
                    }).collect_view()}
                </ul>
            })}
            <ActionForm action=discard>
                <button type="submit" class="button secondary">"Discard the draft"</button>
            </ActionForm>
        </section>
    }
}

/// One tier's fields; the last row, without an id, adds a tier.
#[component]
fn TierFields(row: usize, tier: TierForm, partners: i64, last: bool, error: FormErrors) -> impl IntoView {
    let adding = tier.id.is_empty();
    let title = match adding {
        true => "Add a tier".to_owned(),
        false => format!("{}. {}", row + 1, tier.name),
    };
    let (title_id, heading_id) = (format!("tier-row-{row}"), format!("tier-row-{row}"));
    let name = move |field: &str| field_name(row, field);
    let requirement = |measure: Measure| match measure {
        Measure::Revenue => tier.revenue.clone(),
        Measure::CertifiedPeople => tier.certified_people.clone(),
        Measure::WonDeals => tier.won_deals.clone(),
        Measure::RegisteredDeals => tier.registered_deals.clone(),
    };
    let supports: Vec<(String, String)> =
        SupportLevel::ALL.iter().map(|level| (level.key().to_owned(), level.label().to_owned())).collect();
    view! {
        <section class="card" aria-labelledby=title_id>
            <h2 id=heading_id>{title}</h2>
            {(!adding).then(|| view! {
                <p class="muted">{format!("{} in this tier now.", crate::text::count(partners, "partner", "partners"))}</p>
            })}
            {adding.then(|| view! { <p class="muted">"Leave the name empty to add none. A new tier goes above the others."</p> })}
            <input type="hidden" name=name("id") value=tier.id.clone()/>
            <Field label="Name" name=name("name") error value=tier.name.clone() required=!last/>
            <h3>"Requirements"</h3>
            {Measure::ALL.into_iter().map(|measure| view! {
                <Field label=measure.label() name=name(measure.key()) error value=requirement(measure)
                    kind=if measure == Measure::Revenue { "text" } else { "number" }/>
            }).collect_view()}
            <h3>"Benefits"</h3>
            <div class="field-row">
                <Field label="Base margin (%)" name=name("margin") error value=tier.margin.clone()/>
                <Field label="Extra deal-registration discount (points)" name=name("registration") error value=tier.registration.clone()/>
            </div>
            <div class="field-row">
                <Field label="Co-op accrual (%)" name=name("coop") error value=tier.coop.clone()/>
                <Field label="Rebate (%)" name=name("rebate") error value=tier.rebate.clone()/>
            </div>
            <Field
                label="Rebate schedule"
                name=name("rebate_schedule")
                hint="The name of a volume rebate schedule (Incentives); none: the flat rebate above"
                error
                value=tier.rebate_schedule.clone()
            />
            <Field label="Support" name=name("support") error value=tier.support.clone() options=supports/>
            {(!adding).then(|| view! {
                <Field label="Remove this tier (its partners are placed again by their figures)" name=name("remove")
                    kind="checkbox" error/>
            })}
        </section>
    }
}

#[component]
fn Versions(versions: Vec<VersionSummary>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="versions-title">
            <h2 id="versions-title">"Versions"</h2>
            {versions.is_empty().then(|| view! {
                <p class="muted">"Nothing published yet: the starter configuration applies."</p>
            })}
            {(!versions.is_empty()).then(|| view! {
                <ScrollTable label="Versions published">
                    <table class="stacked">
                        <thead>
                            <tr><th scope="col">"Version"</th><th scope="col">"Published"</th><th scope="col">"By"</th><th scope="col">"Tiers"</th></tr>
                        </thead>
                        <tbody>
                            {versions.into_iter().map(|version| view! {
                                <tr>
                                    <td data-label="Version">{version.version}</td>
                                    <td data-label="Published">{day_text(version.published_at)}</td>
                                    <td data-label="By">{version.published_by.unwrap_or_else(|| "Tessera".into())}</td>
                                    <td data-label="Tiers">{version.tiers}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollTable>
            })}
        </section>
    }
}
