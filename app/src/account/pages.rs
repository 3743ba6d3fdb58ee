//! The pages for getting in: sign in, forgotten password, reset link, invitation link.
//! Each is a plain form that works before the WASM arrives and hydrates after.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::auth::server::{AcceptInvitation, RequestPasswordReset, ResetPassword, SignIn, invitation};
use crate::layout::{ErrorPage, SessionContext};
use crate::ui::{Field, FormError, Notice, form_error, reload_on_success};

fn query_flag(name: &'static str) -> impl Fn() -> bool + Copy {
    let query = use_query_map();
    move || query.read().get(name).is_some()
}

fn query_value(name: &'static str) -> String {
    use_query_map().read_untracked().get(name).unwrap_or_default()
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let session = SessionContext::get();
    let action = ServerAction::<SignIn>::new();
    let error = form_error(action);
    reload_on_success(action, "/");
    let was_reset = query_flag("reset");
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                matches!(session.0.await, Ok(Some(_))).then(|| view! { <Redirect path="/"/> })
            })}
        </Suspense>
        <section class="auth-card card" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">"Sign in to Tessera"</h1>
            <Show when=was_reset>
                <Notice text="Your password was changed. Sign in with the new one." tone="success"/>
            </Show>
            <FormError error/>
            <ActionForm action=action attr:novalidate=true>
                <Field label="Email" name="email" kind="email" autocomplete="username" error required=true/>
                <Field label="Password" name="password" kind="password" autocomplete="current-password" error required=true/>
                <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                    "Sign in"
                </button>
            </ActionForm>
            <p class="auth-links"><a href="/forgot-password">"Forgot your password?"</a></p>
            <crate::sso::SingleSignOnForm/>
        </section>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = form_error(action);
    let sent_by_form = query_flag("sent");
    let sent = move || sent_by_form() || matches!(action.value().get(), Some(Ok(())));
    view! {
        <section class="auth-card card" aria-labelledby="forgot-title">
            <h1 id="forgot-title">"Reset your password"</h1>
            <Show
                when=sent
                fallback=move || {
                    view! {
                        <p>"Enter the email you sign in with. We will send you a link to choose a new password."</p>
                        <FormError error/>
                        <ActionForm action=action attr:novalidate=true>
                            <Field label="Email" name="email" kind="email" autocomplete="username" error required=true/>
                            <button type="submit" class="button primary wide">"Send reset link"</button>
                        </ActionForm>
                    }
                }
            >
                <Notice
                    text="If that email has a Tessera account, a reset link is on its way. It works for 2 hours."
                    tone="success"
                />
            </Show>
            <p class="auth-links"><a href="/sign-in">"Back to sign in"</a></p>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let error = form_error(action);
    reload_on_success(action, "/sign-in?reset=1");
    let token = query_value("token");
    view! {
        <section class="auth-card card" aria-labelledby="reset-title">
            <h1 id="reset-title">"Choose a new password"</h1>
            <FormError error/>
            <ActionForm action=action attr:novalidate=true>
                <input type="hidden" name="token" value=token/>
                <Field label="New password" name="password" kind="password" autocomplete="new-password"
                    hint="At least 10 characters." error required=true/>
                <Field label="Repeat the new password" name="password_confirmation" kind="password"
                    autocomplete="new-password" error required=true/>
                <button type="submit" class="button primary wide">"Set password"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn InvitationPage() -> impl IntoView {
    let token = query_value("token");
    let details = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        invitation,
    );
    let action = ServerAction::<AcceptInvitation>::new();
    let error = form_error(action);
    reload_on_success(action, "/");
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let token = token.clone();
                Suspend::new(async move {
                    match details.await {
                        Ok(invite) => view! {
                            <section class="auth-card card" aria-labelledby="invite-title">
                                <h1 id="invite-title">"Join " {invite.organisation_name.clone()}</h1>
                                <p>"You were invited as " <strong>{invite.role.label()}</strong> " with the email "
                                    <strong>{invite.email.clone()}</strong> "."</p>
                                <FormError error/>
                                <ActionForm action=action attr:novalidate=true>
                                    <input type="hidden" name="token" value=token/>
                                    <Field label="Your name" name="name" autocomplete="name" error required=true/>
                                    <Field label="Password" name="password" kind="password" autocomplete="new-password"
                                        hint="At least 10 characters." error required=true/>
                                    <Field label="Repeat the password" name="password_confirmation" kind="password"
                                        autocomplete="new-password" error required=true/>
                                    <button type="submit" class="button primary wide">"Create my account"</button>
                                </ActionForm>
                            </section>
                        }.into_any(),
                        Err(crate::error::AppError::Gone { message }) => {
                            #[cfg(feature = "ssr")]
                            crate::auth::guard::set_page_status(410);
                            view! {
                            <section class="auth-card card" aria-labelledby="invite-title">
                                <h1 id="invite-title">"This invitation cannot be used"</h1>
                                <p>{message}</p>
                                <p><a href="/sign-in">"Sign in"</a>" if you already have an account."</p>
                            </section>
                        }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
