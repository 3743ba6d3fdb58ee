//! The frame around every page: header, navigation, user menu, and the pages that say
//! something went wrong and what to do next.

#[cfg(feature = "ssr")]
pub mod security;

use leptos::prelude::*;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::use_location;

use crate::auth::access::nav_items;
use crate::auth::server::{SignOut, current_user};
use crate::auth::{Role, SessionUser};
use crate::error::AppError;

/// The signed-in person, loaded once per page load and shared by every component.
#[derive(Clone, Copy)]
pub struct SessionContext(pub Resource<Result<Option<SessionUser>, AppError>>);

impl SessionContext {
    pub fn provide() {
        // Blocking: the navigation and the page's status code depend on who is signed in.
        provide_context(SessionContext(Resource::new_blocking(|| (), |_| current_user())));
    }

    pub fn get() -> SessionContext {
        expect_context::<SessionContext>()
    }
}

#[component]
pub fn PortalLayout(children: Children) -> impl IntoView {
    let session = SessionContext::get();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "Tessera"
            </a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match session.0.await {
                        Ok(Some(user)) => view! { <Navigation user/> }.into_any(),
                        _ => ().into_any(),
                    }
                })}
            </Suspense>
        </header>
        <main id="main" class="page">{children()}</main>
        <footer class="footer">"Tessera — open-source partner relationship management"</footer>
    }
}

#[component]
fn Navigation(user: SessionUser) -> impl IntoView {
    let location = use_location();
    let items = nav_items(user.role);
    let sign_out = ServerAction::<SignOut>::new();
    crate::ui::reload_on_success(sign_out, "/sign-in");
    view! {
        <nav class="nav" aria-label="Main">
            <ul>
                {items
                    .iter()
                    .map(|item| {
                        let href = item.href;
                        let current = move || {
                            let path = location.pathname.get();
                            let here = if href == "/" { path == "/" } else { path.starts_with(href) };
                            here.then_some("page")
                        };
                        view! {
                            <li>
                                <A href=href attr:aria-current=current>{item.label}</A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
        <details class="user-menu">
            <summary>
                <span class="user-name">{user.name.clone()}</span>
                <span class="user-role">{user.role.label()}</span>
            </summary>
            <div class="user-menu-panel">
                <p class="muted">{user.email.clone()}<br/>{user.organisation_name.clone()}</p>
                <ActionForm action=sign_out>
                    <button type="submit" class="button secondary">"Sign out"</button>
                </ActionForm>
            </div>
        </details>
    }
}

/// Shows `children` to a signed-in person whose role is in `allowed`; sends anyone else to
/// sign in, and a signed-in person without the role to the 403 page.
#[component]
pub fn RequireRole<F, V>(allowed: &'static [Role], children: F) -> impl IntoView
where
    F: Fn(SessionUser) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let session = SessionContext::get();
    let children = std::sync::Arc::new(children);
    // A Transition: the page's own resources are read inside it, and keep showing while they refetch.
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match session.0.await {
                        Ok(Some(user)) if allowed.contains(&user.role) => children(user).into_any(),
                        Ok(Some(_)) => view! { <ErrorPage error=AppError::Forbidden/> }.into_any(),
                        Ok(None) | Err(AppError::Unauthenticated) => {
                            view! { <Redirect path="/sign-in"/> }.into_any()
                        }
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// A whole page that explains an error and offers the next step; sets the HTTP status on the server.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::auth::guard::set_page_status(error.status());
    let (code, title, next) = match &error {
        AppError::Forbidden => (
            "403",
            "You do not have access to this page",
            view! { <p>"Your role does not include this page. Go back to your "<a href="/">"home page"</a>", or ask your program admin for access."</p> }.into_any(),
        ),
        AppError::NotFound => (
            "404",
            "Page not found",
            view! { <p>"The address may be mistyped, or the record was removed. Go to your "<a href="/">"home page"</a>"."</p> }.into_any(),
        ),
        AppError::Unauthenticated => (
            "401",
            "Please sign in",
            view! { <p><a href="/sign-in">"Sign in"</a>" to continue."</p> }.into_any(),
        ),
        _ => (
            "500",
            "Something went wrong",
            view! { <p>"It is not you, it is us. Reload the page in a moment; if it keeps happening, tell your program admin. "<a href="/">"Home page"</a></p> }.into_any(),
        ),
    };
    view! {
        <section class="error-page" aria-labelledby="error-title">
            <p class="error-code">{code}</p>
            <h1 id="error-title">{title}</h1>
            {next}
        </section>
    }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound/> }
}
