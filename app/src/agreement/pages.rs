//! The agreement page every partner person is sent to until their organisation accepts the
//! current version, and the administration's page for publishing versions.

use leptos::prelude::*;

use super::server::{AcceptAgreement, PublishAgreement, agreement, agreement_admin};
use super::{AT_ONCE, Acceptance, AgreementHistory, AgreementView, MAX_GRACE_DAYS, PublishedVersion, WITHIN_DAYS};
use crate::auth::access::ADMINISTRATION_ROLES;
use crate::auth::{AgreementStanding, Role, SessionUser};
use crate::layout::guarded_page;
use crate::ui::day_text as day;
use crate::ui::{Field, FormError, Notice, ScrollTable, form_error, reload_on_success};

#[component]
pub fn AgreementPage() -> impl IntoView {
    let accept = ServerAction::<AcceptAgreement>::new();
    // Accepting changes what every page may show: the home page loads afresh.
    reload_on_success(accept, "/");
    guarded_page(
        &Role::ALL,
        move || accept.version().get(),
        |_| agreement(),
        move |user, view| {
            view! { <AgreementReader user=user.clone() view accept/> }
        },
    )
}

/// What the reader must do, or what was done, above the text.
fn standing_notice(user: &SessionUser, view: &AgreementView, current: &PublishedVersion) -> impl IntoView + use<> {
    let organisation = view.organisation_name.clone();
    if user.role.is_vendor_staff() {
        let text = "Partners accept this version in Tessera: each partner admin signs for their organisation.";
        return view! { <Notice text/> }.into_any();
    }
    if view.accepted {
        let when = view
            .acceptances
            .iter()
            .find(|acceptance| acceptance.version_number == current.number)
            .map(|acceptance| format!(" on {} by {}", day(acceptance.accepted_at), acceptance.typed_name))
            .unwrap_or_default();
        return view! { <Notice text=format!("{organisation} accepted this version{when}.") tone="success"/> }
            .into_any();
    }
    let by = match view.standing {
        AgreementStanding::DueBy { by } => format!("by {} (UTC)", by.format("%Y-%m-%d %H:%M")),
        _ => "before using the portal".to_owned(),
    };
    let text = match view.can_accept {
        true => format!("Please read the agreement and accept it on behalf of {organisation} {by}."),
        false => format!(
            "Your administrator must accept the partner agreement for {organisation} {by}. \
             Ask your partner admin to sign in and accept it."
        ),
    };
    view! { <Notice text tone="warning"/> }.into_any()
}

#[component]
fn AgreementReader(user: SessionUser, view: AgreementView, accept: ServerAction<AcceptAgreement>) -> impl IntoView {
    let admin_link = ADMINISTRATION_ROLES
        .contains(&user.role)
        .then(|| view! { <p><a href="/admin/agreement">"Publish a new version"</a></p> });
    let Some(current) = view.current.clone() else {
        return view! {
            <h1>"Partner agreement"</h1>
            <p class="lead">"No partner agreement has been published yet."</p>
            {admin_link}
        }
        .into_any();
    };
    let notice = standing_notice(&user, &view, &current);
    let form = view.can_accept.then(|| {
        view! { <AcceptForm accept version=current.id organisation=view.organisation_name.clone()/> }
    });
    let acceptances = (!view.acceptances.is_empty()).then(|| {
        view! {
            <section class="card" aria-labelledby="acceptances-title">
                <h2 id="acceptances-title">"Acceptances and receipts"</h2>
                <AcceptanceTable acceptances=view.acceptances.clone()/>
            </section>
        }
    });
    view! {
        <h1>"Partner agreement"</h1>
        {notice}
        {admin_link}
        <article class="card agreement" aria-labelledby="agreement-title">
            <h2 id="agreement-title">{current.title.clone()}</h2>
            <p class="muted">{format!("Version {} · published {} (UTC)", current.number, day(current.published_at))}</p>
            <div class="prose" inner_html=current.html.clone()></div>
        </article>
        {form}
        {acceptances}
    }
    .into_any()
}

#[component]
fn AcceptForm(accept: ServerAction<AcceptAgreement>, version: i64, organisation: String) -> impl IntoView {
    let error = form_error(accept);
    view! {
        <section class="card" aria-labelledby="accept-title">
            <h2 id="accept-title">{format!("Accept on behalf of {organisation}")}</h2>
            <ActionForm action=accept attr:class="stack">
                <input type="hidden" name="version" value=version.to_string()/>
                <Field label="Your full name" name="full_name" error autocomplete="name" required=true
                    hint="Typing your name signs the agreement. It is recorded with the time and your address."/>
                <Field label=format!("I accept on behalf of {organisation}") name="on_behalf" kind="checkbox" error
                    required=true/>
                <FormError error/>
                <button type="submit" class="button primary">"Accept the agreement"</button>
            </ActionForm>
        </section>
    }
}

/// An organisation's acceptances, newest version first, each with its receipt.
#[component]
pub fn AcceptanceTable(acceptances: Vec<Acceptance>) -> impl IntoView {
    view! {
        <ScrollTable label="Acceptances">
            <table class="stacked">
                <thead>
                    <tr>
                        <th scope="col">"Version"</th><th scope="col">"Signed by"</th><th scope="col">"Typed name"</th>
                        <th scope="col">"When (UTC)"</th><th scope="col">"From"</th><th scope="col">"Receipt"</th>
                    </tr>
                </thead>
                <tbody>
                    {acceptances.into_iter().map(|acceptance| {
                        let href = acceptance.receipt_href();
                        let file = super::receipt_file_name(&acceptance);
                        view! {
                            <tr>
                                <td>{format!("{} · {}", acceptance.version_number, acceptance.version_title)}</td>
                                <td class="break">{format!("{} ({})", acceptance.person_name, acceptance.person_email)}</td>
                                <td>{acceptance.typed_name}</td>
                                <td>{acceptance.accepted_at.format("%Y-%m-%d %H:%M").to_string()}</td>
                                <td class="break">{acceptance.client_address}</td>
                                <td><a href=href rel="external" download=file>"Download receipt"</a></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollTable>
    }
}

#[component]
pub fn AgreementAdminPage() -> impl IntoView {
    let publish = ServerAction::<PublishAgreement>::new();
    guarded_page(
        ADMINISTRATION_ROLES,
        move || publish.version().get(),
        |_| agreement_admin(),
        move |_, admin| {
            view! { <AgreementAdministration admin publish/> }
        },
    )
}

#[component]
fn AgreementAdministration(admin: AgreementHistory, publish: ServerAction<PublishAgreement>) -> impl IntoView {
    let error = form_error(publish);
    let deadlines = vec![
        (WITHIN_DAYS.to_owned(), "Within a number of days; a banner reminds them until then".to_owned()),
        (AT_ONCE.to_owned(), "At once: partners must accept before doing anything else".to_owned()),
    ];
    let partners = admin.partners;
    view! {
        <p class="crumbs"><a href="/admin">"Administration"</a> " / Partner agreement"</p>
        <h1>"Partner agreement"</h1>
        <section class="card" aria-labelledby="versions-title">
            <h2 id="versions-title">"Versions"</h2>
            {match admin.versions.is_empty() {
                true => view! { <p class="muted">"No version is published yet: partners are not asked to accept anything."</p> }.into_any(),
                false => view! {
                    <ScrollTable label="Published versions">
                        <table class="stacked">
                            <thead>
                                <tr>
                                    <th scope="col">"Version"</th><th scope="col">"Published (UTC)"</th>
                                    <th scope="col">"By"</th><th scope="col">"Required from"</th><th scope="col">"Accepted by"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {admin.versions.into_iter().map(|version| view! {
                                    <tr>
                                        <td>{format!("{} · {}", version.number, version.title)}</td>
                                        <td>{version.published_at.format("%Y-%m-%d %H:%M").to_string()}</td>
                                        <td>{version.published_by}</td>
                                        <td>{day(version.required_from)}</td>
                                        <td class="numeric">{format!("{} of {partners} partners", version.accepted_by)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </ScrollTable>
                }.into_any(),
            }}
            <p><a href="/agreement">"Read the current version as partners see it"</a></p>
        </section>
        <section class="card" aria-labelledby="publish-title">
            <h2 id="publish-title">"Publish a new version"</h2>
            <p class="muted">"The new version is current as soon as it is published, and every partner admin is told by email. \
                A partner that never accepted a version must accept before using the portal."</p>
            <ActionForm action=publish attr:class="stack">
                <Field label="Title" name="title" error value=admin.current_title required=true/>
                <Field label="Text" name="body" rows=18 error value=admin.current_body required=true
                    hint="Markdown: # headings, **bold**, lists, links. HTML is shown as typed, not run."/>
                <Field label="Partners that accepted an earlier version must accept" name="deadline" options=deadlines
                    value=WITHIN_DAYS error/>
                <Field label="Days to accept" name="days" kind="number" value="30" error
                    hint=format!("When accepting within a number of days: 1 to {MAX_GRACE_DAYS}.")/>
                <FormError error/>
                {move || matches!(publish.value().get(), Some(Ok(()))).then(|| view! { <Notice text="Version published." tone="success"/> })}
                <button type="submit" class="button primary">"Publish this version"</button>
            </ActionForm>
        </section>
    }
}
