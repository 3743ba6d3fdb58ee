//! The API token page (`/api-tokens`): an admin's tokens for the whole program, a partner admin's
//! for their organisation. A secret is shown once, right after it is made.

use leptos::prelude::*;

use super::server::{CreateApiToken, RevokeApiToken, api_tokens};
use super::tokens::{FreshToken, LIFETIMES, TokenPage, TokenRow, TokenState};
use crate::auth::access::API_TOKEN_ROLES;
use crate::layout::guarded_page;
use crate::ui::{Badge, CheckGroup, Field, FormError, Notice, ScrollTable, day_text, form_error};

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let source = move || (create.version().get(), revoke.version().get());
    guarded_page(
        API_TOKEN_ROLES,
        source,
        |_| api_tokens(),
        move |user, page: TokenPage| {
            let whose = match user.role.is_vendor_staff() {
                true => {
                    "Each token acts for the whole program, with your rights and only the scopes you tick.".to_owned()
                }
                false => format!(
                    "Each token acts for {} only, with your rights and only the scopes you tick.",
                    page.organisation
                ),
            };
            // With JavaScript the secret comes in the form's answer; without, with the page that follows.
            let fresh = page.fresh.clone();
            let shown = move || create.value().get().and_then(Result::ok).or_else(|| fresh.clone());
            view! {
                <div class="page-head">
                    <h1>"API tokens"</h1>
                </div>
                <p class="lead">"Tokens let your CRM or other systems use Tessera's REST API. " {whose}
                    " Read the " <a href="/developers">"API reference"</a> "."</p>
                {move || shown().map(|fresh| view! { <Secret fresh/> })}
                <TokenList tokens=page.tokens.clone() now=page.now revoke/>
                <NewToken offered=page.offered.clone() create/>
            }
        },
    )
}

#[component]
fn Secret(fresh: FreshToken) -> impl IntoView {
    view! {
        <section class="card notice notice-success" aria-labelledby="fresh-token" data-testid="fresh-token">
            <h2 id="fresh-token">{format!("Token \u{201c}{}\u{201d} is ready", fresh.name)}</h2>
            <p>"Copy it now: it is shown this once, and Tessera keeps only a fingerprint of it."</p>
            <p><code class="secret" data-testid="token-secret">{fresh.secret}</code></p>
            <p class="muted">"Send it as " <code>"Authorization: Bearer …"</code> " with each request."</p>
        </section>
    }
}

#[component]
fn NewToken(offered: Vec<super::tokens::Scope>, create: ServerAction<CreateApiToken>) -> impl IntoView {
    let error = form_error(create);
    let scopes: Vec<(String, String)> = offered
        .iter()
        .map(|scope| (scope.as_str().to_owned(), format!("{} ({})", scope.label(), scope.as_str())))
        .collect();
    let days: Vec<(String, String)> = LIFETIMES.iter().map(|days| (days.to_string(), format!("{days} days"))).collect();
    view! {
        <section class="card" aria-labelledby="new-token">
            <h2 id="new-token">"New token"</h2>
            <ActionForm action=create attr:class="stack" attr:novalidate=true>
                <Field label="Name" name="name" error required=true hint="What will use it, such as \u{201c}CRM sync\u{201d}."/>
                <CheckGroup legend="It may" name="scopes" error choices=scopes checked=Vec::new()/>
                <Field label="Lasts" name="days" options=days value="90" error required=true/>
                <FormError error/>
                <p class="actions"><button type="submit" class="button primary">"Create the token"</button></p>
            </ActionForm>
        </section>
    }
}

#[component]
fn TokenList(
    tokens: Vec<TokenRow>,
    now: chrono::DateTime<chrono::Utc>,
    revoke: ServerAction<RevokeApiToken>,
) -> impl IntoView {
    let error = form_error(revoke);
    if tokens.is_empty() {
        return view! { <section class="card"><h2>"Tokens"</h2><Notice text="No token yet."/></section> }.into_any();
    }
    view! {
        <section class="card" aria-labelledby="tokens">
            <h2 id="tokens">"Tokens"</h2>
            <FormError error/>
            <ScrollTable label="Tokens">
                <table class="stacked">
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Scopes"</th><th scope="col">"Made"</th>
                        <th scope="col">"Expires"</th><th scope="col">"Last used"</th><th scope="col">"Status"</th>
                        <th scope="col"><span class="visually-hidden">"Revoke"</span></th></tr></thead>
                    <tbody>
                        {tokens.into_iter().map(|token| {
                            let state = token.state(now);
                            let tone = if state == TokenState::Active { "success" } else { "neutral" };
                            let scopes = token.scopes.0.iter().map(|scope| scope.as_str()).collect::<Vec<_>>().join(", ");
                            let used = match (token.last_used_at, token.last_used_from.clone()) {
                                (Some(at), Some(from)) => format!("{} from {from}", day_text(at)),
                                (Some(at), None) => day_text(at),
                                (None, _) => "Never".to_owned(),
                            };
                            let label = format!("Revoke {}", token.name);
                            view! {
                                <tr data-testid="token-row">
                                    <th scope="row">{token.name.clone()}<br/><code class="muted">{format!("{}…", token.prefix)}</code></th>
                                    <td data-label="Scopes">{scopes}</td>
                                    <td data-label="Made">{format!("{} by {}", day_text(token.created_at), token.created_by)}</td>
                                    <td data-label="Expires">{day_text(token.expires_at)}</td>
                                    <td data-label="Last used">{used}</td>
                                    <td data-label="Status"><Badge text=state.label() tone/></td>
                                    <td>
                                        {(state == TokenState::Active).then(|| view! {
                                            <ActionForm action=revoke attr:aria-label=label>
                                                <input type="hidden" name="id" value=token.id/>
                                                <button type="submit" class="button secondary small">"Revoke"</button>
                                            </ActionForm>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollTable>
        </section>
    }
    .into_any()
}
