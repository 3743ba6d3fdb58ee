//! Single sign-on's pages: the sign-in page's part ([`SingleSignOnForm`]) and the
//! administration's connections (`/admin/sso`).

use leptos::prelude::*;

use super::server::{RemoveSingleSignOn, SaveSingleSignOn, StartSingleSignOn, single_sign_on};
use super::{ConnectionView, Refusal, SingleSignOnView};
use crate::auth::access::ADMINISTRATION_ROLES;
use crate::layout::guarded_page;
use crate::ui::{Field, FormError, Notice, ScrollTable, form_error};

/// The sign-in page's way in through an identity provider: the person's address chooses it. Why a
/// sign-in was refused (`?sso=…`) is said here.
#[component]
pub fn SingleSignOnForm() -> impl IntoView {
    let start = ServerAction::<StartSingleSignOn>::new();
    let error = form_error(start);
    let query = leptos_router::hooks::use_query_map();
    let refused = move || query.read().get("sso").and_then(|code| Refusal::parse(&code));
    // Hydrated, the answer is the provider's address: the browser goes there.
    Effect::new(move |_| {
        if let Some(Ok(url)) = start.value().get() {
            let _ = window().location().set_href(&url);
        }
    });
    view! {
        <section class="sso" aria-labelledby="sso-title">
            <h2 id="sso-title">"Single sign-on"</h2>
            {move || refused().map(|refusal| view! {
                <div class="notice notice-error" role="alert" data-testid="sso-refused">{refusal.message()}</div>
            })}
            <FormError error/>
            <ActionForm action=start attr:novalidate=true>
                <Field label="Work email" name="email" id="sso-email" kind="email" autocomplete="username" error required=true
                    hint="If your organisation signs in through its identity provider."/>
                <button type="submit" class="button secondary wide" disabled=move || start.pending().get()>
                    "Sign in with single sign-on"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn SingleSignOnPage() -> impl IntoView {
    let save = ServerAction::<SaveSingleSignOn>::new();
    let remove = ServerAction::<RemoveSingleSignOn>::new();
    let source = move || (save.version().get(), remove.version().get());
    guarded_page(
        ADMINISTRATION_ROLES,
        source,
        |_| single_sign_on(),
        move |_, page: SingleSignOnView| {
            let SingleSignOnView { connections, organisations, callback_url } = page;
            let error = form_error(save);
            let saved = move || {
                matches!(save.value().get(), Some(Ok(()))).then(|| view! { <Notice text="Saved." tone="success"/> })
            };
            let options: Vec<(String, String)> =
                organisations.into_iter().map(|(id, name)| (id.to_string(), name)).collect();
            view! {
                <p class="crumbs"><a href="/admin">"Administration"</a> " / Single sign-on"</p>
                <h1>"Single sign-on"</h1>
                <p class="lead">"People sign in through their organisation's identity provider (OpenID Connect). The address \
                    they give chooses the connection by its domain; their first sign-in links the provider's identity to \
                    their account, or turns their invitation into one. Nobody without either gets in."</p>
                <p>"Register this redirect address with each provider: " <code data-testid="callback-url">{callback_url}</code></p>
                <section class="card" aria-labelledby="sso-connections">
                    <h2 id="sso-connections">"Connections"</h2>
                    {match connections.is_empty() {
                        true => view! { <p class="muted">"None yet: everyone signs in with a password."</p> }.into_any(),
                        false => view! { <Connections connections remove/> }.into_any(),
                    }}
                </section>
                <section class="card" aria-labelledby="sso-add">
                    <h2 id="sso-add">"Set up or change a connection"</h2>
                    <p class="hint">"Saving an organisation's connection replaces the one it has. Tessera reads the provider's \
                        discovery document first."</p>
                    {saved}
                    <FormError error/>
                    <ActionForm action=save attr:novalidate=true>
                        <Field label="Organisation" name="organisation_id" options=options error required=true/>
                        <Field label="Issuer" name="issuer" kind="url" error required=true
                            hint="Like https://login.example.com: where the provider's /.well-known/openid-configuration is."/>
                        <Field label="Client ID" name="client_id" error required=true/>
                        <Field label="Client secret" name="client_secret" kind="password" autocomplete="new-password" error
                            hint="Leave empty to keep the one saved."/>
                        <Field label="Email domains" name="domains" error required=true
                            hint="The domains of the addresses it signs in, like example.com, example.co.uk."/>
                        <Field label="Vendor staff sign in only with single sign-on (the vendor's connection)"
                            name="staff_passwords_off" kind="checkbox" error/>
                        <button type="submit" class="button primary">"Save the connection"</button>
                    </ActionForm>
                </section>
            }
        },
    )
}

#[component]
fn Connections(connections: Vec<ConnectionView>, remove: ServerAction<RemoveSingleSignOn>) -> impl IntoView {
    view! {
        <ScrollTable label="Connections">
            <table class="stacked" data-testid="sso-connections">
                <thead><tr><th scope="col">"Organisation"</th><th scope="col">"Issuer"</th><th scope="col">"Client ID"</th>
                    <th scope="col">"Domains"</th><th scope="col">"Passwords"</th><th scope="col"><span class="visually-hidden">"Remove"</span></th></tr></thead>
                <tbody>
                    {connections.into_iter().map(|connection| {
                        let passwords = match (connection.is_vendor, connection.staff_passwords_off) {
                            (true, true) => "Off for staff",
                            _ => "Allowed",
                        };
                        view! {
                            <tr>
                                <td data-label="Organisation">{connection.organisation.clone()}</td>
                                <td data-label="Issuer" class="break">{connection.issuer}</td>
                                <td data-label="Client ID" class="break">{connection.client_id}</td>
                                <td data-label="Domains">{connection.domains.join(", ")}</td>
                                <td data-label="Passwords">{passwords}</td>
                                <td>
                                    <ActionForm action=remove>
                                        <input type="hidden" name="id" value=connection.id/>
                                        <button type="submit" class="button secondary small">
                                            {format!("Remove {}'s connection", connection.organisation)}
                                        </button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollTable>
    }
}
