//! Campaigns' pages: the list, a campaign (its targeted partners' readiness and each one's landing
//! page and email as prospects will see them), and marketing's editor.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::launch::{Counts, LaunchInput, LaunchView};
use super::server::{
    ChangeCampaignState, LaunchCampaign, PauseLandingPage, SaveCampaign, campaign_for_editing, campaign_view, campaigns,
};
use super::{
    AudienceChoices, CampaignDetail, CampaignDraft, CampaignInput, CampaignList, CampaignRow, CampaignState,
    PLACEHOLDERS,
};
use crate::auth::Role;
use crate::auth::access::CAMPAIGN_MANAGER_ROLES;
use crate::kpi::charts::ChartView;
use crate::layout::guarded_page;
use crate::ui::{Badge, CheckGroup, Field, FormError, Notice, ScrollTable, day_text, form_error};

fn state_tone(state: CampaignState) -> &'static str {
    match state {
        CampaignState::Draft => "warning",
        CampaignState::Published => "success",
        CampaignState::Closed => "neutral",
    }
}

/// The id in the address; 0 for `/campaigns/new` or one that is not a number.
fn id_param() -> impl Fn() -> i64 + Send + Sync + Copy + 'static {
    let params = use_params_map();
    move || params.read().get("id").and_then(|id| id.parse().ok()).unwrap_or(0)
}

#[component]
pub fn CampaignsPage() -> impl IntoView {
    guarded_page(
        &Role::ALL,
        || (),
        |_| campaigns(),
        |user, list| {
            view! { <Campaigns list partner=!user.role.is_vendor_staff()/> }
        },
    )
}

#[component]
fn Campaigns(list: CampaignList, partner: bool) -> impl IntoView {
    let lead = match partner {
        true => "Campaigns ready to launch under your own name: see each as your prospects will, with your logo.",
        false => {
            "Co-branded campaigns partners launch under their own name: a landing page, an email and social posts."
        }
    };
    view! {
        <h1>"Campaigns"</h1>
        <p class="lead">{lead}</p>
        {list.can_manage.then(|| view! { <p class="actions"><a class="button primary" href="/campaigns/new">"New campaign"</a></p> })}
        {list.rows.is_empty().then(|| view! {
            <p class="muted">{if partner { "No campaign is open to you right now." } else { "No campaign yet." }}</p>
        })}
        <ul class="content-list">
            {list.rows.into_iter().map(|row| view! { <CampaignItem row partner/> }).collect_view()}
        </ul>
    }
}

#[component]
fn CampaignItem(row: CampaignRow, partner: bool) -> impl IntoView {
    let window = format!("{} to {}", row.starts_on, row.ends_on);
    view! {
        <li class="card content-item">
            <h2><a href=format!("/campaigns/{}", row.id)>{row.name.clone()}</a></h2>
            {(!row.summary.is_empty()).then(|| view! { <p>{row.summary.clone()}</p> })}
            <p class="badges">
                {(!partner).then(|| view! { <Badge text=row.state.label() tone=state_tone(row.state)/> })}
                <Badge text=window/>
                {(!partner).then(|| view! { <Badge text=row.audience.clone()/> })}
            </p>
        </li>
    }
}

#[component]
pub fn CampaignPage() -> impl IntoView {
    let change = ServerAction::<ChangeCampaignState>::new();
    let launch = ServerAction::<LaunchCampaign>::new();
    let pause = ServerAction::<PauseLandingPage>::new();
    let id = id_param();
    guarded_page(
        &Role::ALL,
        move || (id(), change.version().get(), launch.version().get(), pause.version().get()),
        |(id, ..)| campaign_view(id),
        move |_, detail| view! { <Campaign detail change launch pause/> },
    )
}

#[component]
fn Campaign(
    detail: CampaignDetail,
    change: ServerAction<ChangeCampaignState>,
    launch: ServerAction<LaunchCampaign>,
    pause: ServerAction<PauseLandingPage>,
) -> impl IntoView {
    let error = form_error(change);
    let row = detail.row.clone();
    let state_action = match (detail.can_manage, row.state) {
        (true, CampaignState::Draft) => {
            Some(("published", "Publish: open it to the partners it targets", "button primary"))
        }
        (true, CampaignState::Published) => Some(("closed", "Close it: end its landing pages", "button secondary")),
        _ => None,
    };
    let missing = detail.readiness.iter().filter(|partner| !partner.missing.is_empty()).count();
    let summary = match detail.can_manage {
        true => format!(
            "Aimed at {} · {} · {}",
            crate::text::count(detail.readiness.len() as i64, "partner", "partners"),
            row.audience,
            match missing {
                0 => "every one has a logo and contact details".to_owned(),
                n => format!("{n} without a logo or contact details"),
            }
        ),
        false => format!("Open from {} to {}", row.starts_on, row.ends_on),
    };
    // A partner that launched shares the posts it chose; before, it sees every one offered.
    let shared: Vec<String> = match (&detail.launch, &detail.personal) {
        (Some(_), Some(personal)) => detail
            .posts
            .iter()
            .enumerate()
            .filter(|(at, _)| personal.posts.contains(&at.to_string()))
            .map(|(_, post)| post.clone())
            .collect(),
        _ => detail.posts.clone(),
    };
    let previews: Vec<_> = detail
        .readiness
        .iter()
        .map(|partner| {
            (
                partner.name.clone(),
                detail.landing_href(partner.organisation_id),
                detail.email_href(partner.organisation_id),
            )
        })
        .collect();
    view! {
        <p class="crumbs"><a href="/campaigns">"Campaigns"</a> " / " {row.name.clone()}</p>
        <h1>{row.name.clone()}</h1>
        <p class="badges">
            {detail.can_manage.then(|| view! { <Badge text=row.state.label() tone=state_tone(row.state)/> })}
            <Badge text=format!("{} to {}", row.starts_on, row.ends_on)/>
        </p>
        {(!row.summary.is_empty()).then(|| view! { <p class="lead">{row.summary.clone()}</p> })}
        <p>{summary}</p>
        {detail.can_manage.then(|| view! {
            <div class="actions">
                <a class="button secondary" href=format!("/campaigns/{}/edit", row.id)>"Edit"</a>
                {state_action.map(|(to, label, class)| view! {
                    <ActionForm action=change>
                        <input type="hidden" name="id" value=row.id.to_string()/>
                        <input type="hidden" name="to" value=to/>
                        <button type="submit" class=class>{label}</button>
                    </ActionForm>
                })}
            </div>
            <FormError error/>
        })}
        {detail.can_manage.then(|| view! { <ReadinessTable detail=detail.clone()/> })}
        {detail.launch.clone().map(|own| view! {
            <LaunchCard own campaign=row.id email=detail.readiness.first().map(|partner| detail.email_href(partner.organisation_id)) pause/>
        })}
        {detail.personal.clone().map(|input| view! {
            <LaunchForm input draft=detail.draft.clone() posts=detail.posts.clone() launched=detail.launch.is_some() launch/>
        })}
        <section class="card" aria-labelledby="posts-title">
            <h2 id="posts-title">{if detail.launch.is_some() { "Your social posts, with your page's link" } else { "Social posts" }}</h2>
            {shared.is_empty().then(|| view! { <p class="muted">"No post to share."</p> })}
            <ul class="posts">
                {shared.into_iter().map(|post| view! { <li class="pre">{post}</li> }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="previews-title">
            <h2 id="previews-title">{if detail.can_manage { "As each partner's prospects will see it" } else { "As your prospects will see it" }}</h2>
            {(previews.len() > FRAMED).then(|| view! {
                <p class="muted">{format!("The first {FRAMED} here; every partner's is linked from the table above.")}</p>
            })}
            {previews.into_iter().take(FRAMED).enumerate().map(|(at, (name, landing, email))| view! {
                <details class="card preview" open=at == 0>
                    <summary>{name.clone()}</summary>
                    <iframe class="preview-frame" src=landing.clone() title=format!("{name}: landing page") sandbox="allow-same-origin"></iframe>
                    <p class="actions">
                        <a href=landing rel="external" target="_blank">"Open the landing page"</a>
                        <a href=email rel="external" target="_blank">"Open the email"</a>
                    </p>
                </details>
            }).collect_view()}
        </section>
    }
}

/// How many partners' landing pages a campaign's page frames (each is a request of its own).
const FRAMED: usize = 6;

/// Each targeted partner, what its co-branded pages would lack, what its landing page brought,
/// and its preview; the campaign's totals and conversion above.
#[component]
fn ReadinessTable(detail: CampaignDetail) -> impl IntoView {
    let launched = detail.readiness.iter().filter(|partner| partner.launched.is_some()).count();
    let total = detail.readiness.iter().fold(Counts::default(), |total, partner| total.add(partner.counts));
    view! {
        <section class="card" aria-labelledby="report-title">
            <h2 id="report-title">"How it is doing"</h2>
            <Figures counts=total/>
            <p>
                {format!("Launched by {} of {} partners. ", launched, detail.readiness.len())}
                {format!("Views to leads: {}; leads to deals: {}.", Counts::rate(total.leads, total.views), Counts::rate(total.deals, total.leads))}
            </p>
        </section>
        <div class="charts">
            {detail.charts.clone().into_iter().map(|chart| view! { <ChartView chart/> }).collect_view()}
        </div>
        <section class="card" aria-labelledby="readiness-title">
            <h2 id="readiness-title">"Partners it targets"</h2>
            {detail.readiness.is_empty().then(|| view! { <p class="muted">"No partner is in its audience: choose other tiers or types."</p> })}
            <ScrollTable label="Each partner's readiness">
                <table>
                    <thead><tr>
                        <th scope="col">"Partner"</th><th scope="col">"Tier"</th><th scope="col">"Ready"</th>
                        <th scope="col">"Launched"</th><th scope="col" class="num">"Views"</th><th scope="col" class="num">"Clicks"</th>
                        <th scope="col" class="num">"Leads"</th><th scope="col" class="num">"Deals"</th><th scope="col">"Preview"</th>
                    </tr></thead>
                    <tbody>
                        {detail.readiness.clone().into_iter().map(|partner| view! {
                            <tr>
                                <td><a href=format!("/partners/{}", partner.organisation_id)>{partner.name}</a></td>
                                <td>{partner.tier}</td>
                                <td>{match partner.missing.is_empty() {
                                    true => view! { <Badge text="Ready" tone="success"/> }.into_any(),
                                    false => view! { <Badge text=format!("Missing {}", partner.missing.join(", ")) tone="warning"/> }.into_any(),
                                }}</td>
                                <td>{partner.launched.map(day_text).unwrap_or_else(|| "–".to_owned())}</td>
                                <td class="num">{partner.counts.views}</td>
                                <td class="num">{partner.counts.clicks}</td>
                                <td class="num">{partner.counts.leads}</td>
                                <td class="num">{partner.counts.deals}</td>
                                <td>
                                    <a href=detail.landing_href(partner.organisation_id) rel="external" target="_blank">"Landing page"</a>
                                    " · "
                                    <a href=detail.email_href(partner.organisation_id) rel="external" target="_blank">"Email"</a>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollTable>
        </section>
    }
}

/// A landing page's figures, or a campaign's totals.
#[component]
fn Figures(counts: Counts) -> impl IntoView {
    let figures =
        [("Views", counts.views), ("Clicks", counts.clicks), ("Leads", counts.leads), ("Deals", counts.deals)];
    view! {
        <dl class="figures">
            {figures.into_iter().map(|(label, value)| view! { <div><dt>{label}</dt><dd>{value}</dd></div> }).collect_view()}
        </dl>
    }
}

/// A partner's launched landing page: where it is, what it brought, the email, pausing.
#[component]
fn LaunchCard(
    own: LaunchView,
    campaign: i64,
    email: Option<String>,
    pause: ServerAction<PauseLandingPage>,
) -> impl IntoView {
    let error = form_error(pause);
    let (pause_it, label) = match own.paused {
        true => ("false", "Put the page live again"),
        false => ("true", "Pause the page"),
    };
    view! {
        <section class="card" aria-labelledby="launch-title">
            <h2 id="launch-title">"Your landing page"</h2>
            <p class="badges">
                {match own.paused {
                    true => view! { <Badge text="Paused: visitors are told it is not available" tone="warning"/> }.into_any(),
                    false => view! { <Badge text="Live" tone="success"/> }.into_any(),
                }}
                <Badge text=format!("Launched {}", day_text(own.launched_at))/>
            </p>
            <p class="field">
                <label for="launch-address">"Its address, to share"</label>
                <input id="launch-address" type="text" readonly value=own.address.clone()/>
            </p>
            <Figures counts=own.counts/>
            <p class="actions">
                <a href=own.address.clone() rel="external" target="_blank">"Open the page"</a>
                {email.map(|email| view! { <a href=format!("{email}?download=1") download="">"Download the email (HTML)"</a> })}
                <a href="/leads">"See your leads"</a>
            </p>
            <ActionForm action=pause>
                <input type="hidden" name="campaign" value=campaign.to_string()/>
                <input type="hidden" name="paused" value=pause_it/>
                <button type="submit" class="button secondary">{label}</button>
            </ActionForm>
            <FormError error/>
        </section>
    }
}

/// What a partner may change before (or after) it launches, as marketing allowed, and the launch itself.
#[component]
fn LaunchForm(
    input: LaunchInput,
    draft: CampaignDraft,
    posts: Vec<String>,
    launched: bool,
    launch: ServerAction<LaunchCampaign>,
) -> impl IntoView {
    let error = form_error(launch);
    let editable = draft.editable;
    let choices: Vec<(String, String)> =
        posts.iter().enumerate().map(|(at, post)| (at.to_string(), post.clone())).collect();
    let (heading, button) = match launched {
        true => ("Change what your page says", "Save the changes"),
        false => ("Launch it under your name", "Launch"),
    };
    let nothing_to_change = !editable.intro && !editable.call_to_action && !editable.posts;
    view! {
        <section class="card" aria-labelledby="personal-title">
            <h2 id="personal-title">{heading}</h2>
            {(!launched).then(|| view! {
                <p class="muted">"Launching gives you a public landing page with your logo and a form whose leads come to you, the email to send, and posts to share."</p>
            })}
            <ActionForm action=launch attr:class="stack">
                <input type="hidden" name="campaign" value=input.campaign.clone()/>
                {editable.intro.then(|| view! {
                    <Field label="Your introduction" name="intro" error rows=3 value=input.intro.clone() hint="The first words under the headline."/>
                })}
                {editable.call_to_action.then(|| view! {
                    <Field label="Call to action" name="cta_text" error value=input.cta_text.clone() hint="The button's words."/>
                    <Field label="Where it leads" name="cta_url" kind="url" error value=input.cta_url.clone()
                        hint="A web address, like https://example.com/book. Empty: your website, or else the form on the page."/>
                })}
                {editable.posts.then(|| view! {
                    <CheckGroup legend="Posts you share" name="posts" error choices=choices.clone() checked=input.posts.clone()/>
                })}
                {nothing_to_change.then(|| view! { <p class="muted">"Marketing wrote this campaign to be launched as it is."</p> })}
                <FormError error/>
                <p class="actions"><button type="submit" class="button primary">{button}</button></p>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn CampaignEditorPage() -> impl IntoView {
    let save = ServerAction::<SaveCampaign>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            navigate(&format!("/campaigns/{id}"), Default::default());
        }
    });
    guarded_page(CAMPAIGN_MANAGER_ROLES, id_param(), campaign_for_editing, move |_, (input, choices)| {
        view! { <CampaignEditor input choices save/> }
    })
}

/// "Placeholders: {{ company }} (the partner's company name), …"
fn placeholders_hint() -> String {
    let named: Vec<String> = PLACEHOLDERS.iter().map(|(name, what)| format!("{{{{ {name} }}}} ({what})")).collect();
    format!("Placeholders: {}.", named.join(", "))
}

#[component]
fn CampaignEditor(input: CampaignInput, choices: AudienceChoices, save: ServerAction<SaveCampaign>) -> impl IntoView {
    let error = form_error(save);
    let new = input.id.is_empty() || input.id == "0";
    let (heading, back) = match new {
        true => ("New campaign".to_owned(), "/campaigns".to_owned()),
        false => (format!("Edit \u{201c}{}\u{201d}", input.name), format!("/campaigns/{}", input.id)),
    };
    let tiers: Vec<(String, String)> = choices.tiers.iter().map(|(id, name)| (id.to_string(), name.clone())).collect();
    let types: Vec<(String, String)> = choices.types.iter().map(|(id, name)| (id.to_string(), name.clone())).collect();
    let saved =
        move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <Notice text="Saved." tone="success"/> });
    view! {
        <p class="crumbs"><a href="/campaigns">"Campaigns"</a> " / " {heading.clone()}</p>
        <h1>{heading}</h1>
        {saved}
        <p class="lead">{placeholders_hint()}</p>
        <section class="card">
            <ActionForm action=save attr:class="stack">
                <input type="hidden" name="id" value=input.id.clone()/>
                <Field label="Name" name="name" error value=input.name required=true/>
                <Field label="Summary" name="summary" error value=input.summary rows=2 hint="For partners choosing a campaign: what it offers."/>
                <h2>"Landing page"</h2>
                <Field label="Headline" name="headline" error value=input.headline required=true/>
                <Field label="Introduction" name="intro" error value=input.intro rows=3 hint="The first words under the headline; partners may write their own."/>
                <Field label="Body" name="body" error value=input.body rows=6 hint="Paragraphs, separated by a blank line."/>
                <Field label="Call to action" name="cta_text" error value=input.cta_text hint="The button's words, like \u{201c}Book a call\u{201d}."/>
                <h2>"Email"</h2>
                <Field label="Subject" name="email_subject" error value=input.email_subject required=true/>
                <Field label="Email text" name="email_body" error value=input.email_body rows=6 hint="Paragraphs, separated by a blank line."/>
                <h2>"Social posts"</h2>
                <Field label="Posts" name="posts" error value=input.posts rows=6 hint="Separate posts with a line holding only ---. {{ link }} becomes the partner's tracked link."/>
                <h2>"Audience and window"</h2>
                <div class="field-row">
                    <Field label="Launch from" name="starts_on" kind="date" error value=input.starts_on required=true/>
                    <Field label="Launch until" name="ends_on" kind="date" error value=input.ends_on required=true/>
                </div>
                <CheckGroup legend="Tiers" name="tiers" error choices=tiers checked=input.tiers hint="Tick none to aim it at every tier."/>
                <CheckGroup legend="Partner types" name="types" error choices=types checked=input.types hint="Tick none to aim it at every type."/>
                <h2>"What partners may change"</h2>
                <Field label="Their own introduction" name="edit_intro" kind="checkbox" error checked=input.edit_intro.is_some()/>
                <Field label="The call to action and where it leads" name="edit_cta" kind="checkbox" error checked=input.edit_cta.is_some()/>
                <Field label="Which posts they share" name="choose_posts" kind="checkbox" error checked=input.choose_posts.is_some()/>
                <FormError error/>
                <p class="actions">
                    <button type="submit" class="button primary">{if new { "Create the campaign" } else { "Save the campaign" }}</button>
                    <a href=back>"Cancel"</a>
                </p>
            </ActionForm>
        </section>
    }
}
