//! The frame around every page: header, navigation, user menu, and the pages that say
//! something went wrong and what to do next.

#[cfg(feature = "ssr")]
pub mod head;
#[cfg(feature = "ssr")]
pub mod security;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::auth::access::{AGREEMENT_PATH, APPROVALS, current_nav, nav_items};
use crate::auth::server::{SignOut, current_user};
use crate::auth::{AgreementStanding, Role, SessionUser};
use crate::error::AppError;
use crate::notifications::Bell;

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

/// How many deals wait for the signed-in manager's decision, shown beside "Approvals"; made once
/// per page load by the app, outside the header's `Suspense`, and awaited there after the session.
#[derive(Clone, Copy)]
pub struct ApprovalsWaiting(pub Resource<Result<Option<i64>, AppError>>);

/// How many of the signed-in person's notifications are unread, for the bell; made once per page
/// load by the app, like [`ApprovalsWaiting`].
#[derive(Clone, Copy)]
pub struct UnreadNotifications(pub Resource<Result<i64, AppError>>);

/// The title of an address that is no page.
pub const NOT_FOUND_TITLE: &str = "Page not found";

/// What a page is called in the browser's tab and history, by its address: every page its own
/// (`app/tests/titles.rs` checks every route has one).
pub fn page_title(path: &str) -> &'static str {
    let segments: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [] => "Home",
        ["sign-in"] => "Sign in",
        ["forgot-password"] => "Forgotten password",
        ["reset-password"] => "Choose a new password",
        ["invitation"] => "Accept your invitation",
        ["partners"] => "Partners",
        ["partners", _] => "Partner",
        ["deals"] => "Deals",
        ["deals", "new"] => "Register a deal",
        ["deals", "queue"] => "Approvals",
        ["deals", "pipeline"] => "Vendor pipeline",
        ["deals", _] => "Deal",
        ["dashboard"] => "Dashboard",
        ["leaderboard"] => "Leaderboard",
        ["metrics"] => "Metric dictionary",
        ["scorecard"] => "Scorecard",
        ["team"] => "Team",
        ["admin"] => "Administration",
        ["admin", "agreement"] => "Agreement versions",
        ["admin", "onboarding"] => "Onboarding checklists",
        ["agreement"] => "Partner agreement",
        ["onboarding"] => "Onboarding",
        ["onboarding", "board"] => "Onboarding board",
        ["admin", "program"] => "Program configuration",
        ["admin", "lists"] => "Partner types and regions",
        ["tier"] => "Our tier",
        ["program"] => "Partner program",
        ["partners", _, "tier"] => "Partner tier",
        ["tiers", "approvals"] => "Tier approvals",
        ["profile"] => "Company profile",
        ["content"] => "Content library",
        ["content", _] => "Library item",
        ["campaigns"] => "Campaigns",
        ["campaigns", "new"] => "New campaign",
        ["campaigns", _] => "Campaign",
        ["campaigns", _, "edit"] => "Edit campaign",
        ["leads"] => "Leads",
        ["earnings"] => "Earnings",
        ["incentives"] => "Incentives",
        ["spiffs"] => "SPIFFs",
        ["mdf"] => "Market development funds",
        ["mdf", _] => "MDF request",
        ["api-tokens"] => "API tokens",
        ["admin", "audit"] => "Audit log",
        ["admin", "webhooks"] => "Webhooks",
        ["admin", "webhooks", _] => "Webhook endpoint",
        ["admin", "sso"] => "Single sign-on",
        ["admin", "partner-import"] => "Import partners",
        ["admin", "partner-import", _] => "Partner import",
        ["developers"] => "API reference",
        ["notifications"] => "Notifications",
        ["training"] => "Training",
        ["training", "new"] => "New course",
        ["training", "people"] => "Certifications",
        ["training", _] => "Course",
        ["training", _, "edit"] => "Edit course",
        _ => NOT_FOUND_TITLE,
    }
}

/// The browser tab's text for a page: its title, then the product's name.
fn document_title(path: &str) -> String {
    format!("{} · Tessera", page_title(path))
}

#[component]
pub fn PortalLayout(children: Children) -> impl IntoView {
    let session = SessionContext::get();
    let location = use_location();
    // The server reads the title after the page's reactive values may be gone (under load the
    // router's path was, and every such page panicked): it gets the text itself. In the browser
    // the title follows navigation.
    #[cfg(feature = "ssr")]
    let title = {
        let text = document_title(&location.pathname.get_untracked());
        move || text.clone()
    };
    #[cfg(not(feature = "ssr"))]
    let title = move || document_title(&location.pathname.get());
    view! {
        <Title text=title/>
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "Tessera"
            </a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match session.0.await {
                        Ok(Some(user)) => {
                            let waiting = match use_context::<ApprovalsWaiting>() {
                                Some(waiting) => waiting.0.await.ok().flatten().filter(|count| *count > 0),
                                None => None,
                            };
                            let unread = match use_context::<UnreadNotifications>() {
                                Some(unread) => unread.0.await.unwrap_or(0),
                                None => 0,
                            };
                            let banner = agreement_banner(&user);
                            view! { <Navigation user waiting unread/> {banner} }.into_any()
                        }
                        _ => ().into_any(),
                    }
                })}
            </Suspense>
        </header>
        <main id="main" class="page">{children()}</main>
        <footer class="footer">"Tessera — open-source partner relationship management"</footer>
    }
}

/// While a new version of the partner agreement waits to be accepted, every page says so and by when.
fn agreement_banner(user: &SessionUser) -> Option<impl IntoView + use<>> {
    let AgreementStanding::DueBy { by } = user.agreement else { return None };
    let by = by.format("%Y-%m-%d %H:%M").to_string();
    let text = match user.role {
        Role::PartnerAdmin => format!(
            "A new version of the partner agreement waits for you. Accept it by {by} (UTC) to keep using the portal."
        ),
        _ => format!("A new version of the partner agreement waits for your administrator to accept it by {by} (UTC)."),
    };
    Some(view! {
        <p class="agreement-banner" role="status">{text} " " <a href=AGREEMENT_PATH>"Read the agreement"</a></p>
    })
}

#[component]
fn Navigation(user: SessionUser, waiting: Option<i64>, unread: i64) -> impl IntoView {
    let location = use_location();
    let items = nav_items(user.role);
    let sign_out = ServerAction::<SignOut>::new();
    crate::ui::reload_on_success(sign_out, "/sign-in");
    // On a phone the navigation and the user menu fold behind "Menu": a checkbox and its label,
    // so it opens without JavaScript too.
    let menu_count = waiting.map(|count| view! {
        <span class="nav-count" data-testid="menu-count">
            <span class="visually-hidden">", "</span>{count}<span class="visually-hidden">" approvals waiting"</span>
        </span>
    });
    view! {
        <input type="checkbox" id="menu-toggle" class="menu-toggle" aria-controls="main-navigation"/>
        <label for="menu-toggle" class="menu-button">"Menu" {menu_count}</label>
        <nav class="nav" id="main-navigation" aria-label="Main">
            <ul>
                {items
                    .iter()
                    .map(|item| {
                        let href = item.href;
                        let current = move || (current_nav(items, &location.pathname.get()) == Some(href)).then_some("page");
                        let count = waiting.filter(|_| href == APPROVALS.href).map(|count| view! {
                            <span class="nav-count" data-testid="approvals-waiting">
                                <span class="visually-hidden">", "</span>{count}<span class="visually-hidden">" waiting"</span>
                            </span>
                        });
                        view! {
                            <li>
                                <a href=href aria-current=current>{item.label}{count}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
        <Bell unread/>
        <details class="user-menu">
            <summary>
                <span class="user-name">{user.name.clone()}</span>
                <span class="user-role">{user.role.label()}</span>
            </summary>
            <div class="user-menu-panel">
                <p class="muted">{user.email.clone()}<br/>{user.organisation_name.clone()}</p>
                {(!user.role.is_vendor_staff()).then(|| view! { <p><a href=AGREEMENT_PATH>"Partner agreement"</a></p> })}
                <ActionForm action=sign_out>
                    <button type="submit" class="button secondary">"Sign out"</button>
                </ActionForm>
            </div>
        </details>
    }
}

/// A page behind the role guard, with the data it shows: the one way a guarded page is built.
///
/// `load` fetches the page's data whenever `source` changes (a query, a live version, an
/// action's version). The guard awaits who is signed in and then the data, both inside one
/// `Suspend` under a `Transition` (which keeps the page shown while it refetches). The resource
/// is created here, before that `Transition`, and is awaited, never read with `get()` inside it:
/// during server rendering, a resource first created inside the `Transition`, or one read there
/// without being awaited, could miss its wake-up and hang the response for good. No page makes
/// its own resource, so no page can get this wrong. The result is matched here too: `view` for
/// the data, the query's field messages for bad input (with a way back), the error page
/// otherwise. Someone signed out is sent to sign in; a role not in `allowed` gets 403; partner
/// people whose organisation must accept the partner agreement first are sent to it.
pub fn guarded_page<S, T, Fu, V>(
    allowed: &'static [Role],
    source: impl Fn() -> S + Send + Sync + 'static,
    load: impl Fn(S) -> Fu + Send + Sync + 'static,
    view: impl Fn(&SessionUser, T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    S: PartialEq + Clone + Send + Sync + 'static,
    T: serde::Serialize + serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
    Fu: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    guarded_page_with_head(allowed, |_| (), source, load, view)
}

/// [`guarded_page`] with a `head` shown above the data whatever it holds: a title and the form
/// that chose the data, so a bad choice is named right under the form that can mend it.
pub fn guarded_page_with_head<H, S, T, Fu, V>(
    allowed: &'static [Role],
    head: impl Fn(&SessionUser) -> H + Send + Sync + 'static,
    source: impl Fn() -> S + Send + Sync + 'static,
    load: impl Fn(S) -> Fu + Send + Sync + 'static,
    view: impl Fn(&SessionUser, T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    H: IntoView + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    T: serde::Serialize + serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
    Fu: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let data = Resource::new(source, load);
    let session = SessionContext::get();
    // Read now, while the router is there: each page builds its own guard, so it is this page's.
    let on_agreement_page = use_location().pathname.get_untracked().trim_end_matches('/') == AGREEMENT_PATH;
    let page = std::sync::Arc::new((head, view));
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let page = page.clone();
                Suspend::new(async move {
                    let user = match session.0.await {
                        Ok(Some(user)) if user.admitted().is_err() && !on_agreement_page => {
                            return view! { <Redirect path=AGREEMENT_PATH/> }.into_any();
                        }
                        Ok(Some(user)) if allowed.contains(&user.role) => user,
                        Ok(Some(_)) => return view! { <ErrorPage error=AppError::Forbidden/> }.into_any(),
                        Ok(None) | Err(AppError::Unauthenticated) => {
                            return view! { <Redirect path="/sign-in"/> }.into_any();
                        }
                        Err(error) => return view! { <ErrorPage error/> }.into_any(),
                    };
                    let body = loaded(data.await, |value| (page.1)(&user, value));
                    view! { {(page.0)(&user)} {body} }.into_any()
                })
            }}
        </Transition>
    }
}

/// A page anyone may open, signed in or not (the public program page): its data loaded by a
/// resource made here, before the `Transition`, and awaited inside it, as [`guarded_page`] does.
pub fn public_page<S, T, Fu, V>(
    source: impl Fn() -> S + Send + Sync + 'static,
    load: impl Fn(S) -> Fu + Send + Sync + 'static,
    view: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    S: PartialEq + Clone + Send + Sync + 'static,
    T: serde::Serialize + serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
    Fu: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let data = Resource::new(source, load);
    let view = std::sync::Arc::new(view);
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let view = view.clone();
                Suspend::new(async move { loaded(data.await, |value| view(value)) })
            }}
        </Transition>
    }
}

/// A page's data as the page shows it; field messages about its query for bad input; the error
/// page otherwise.
fn loaded<T, V: IntoView + 'static>(data: Result<T, AppError>, view: impl FnOnce(T) -> V) -> AnyView {
    match data {
        Ok(value) => view(value).into_any(),
        Err(AppError::Invalid { fields, .. }) => view! { <QueryAlert fields/> }.into_any(),
        Err(error) => view! { <ErrorPage error/> }.into_any(),
    }
}

/// Field messages about a page's query (a period, a filter), with a way back to the page without it.
#[component]
fn QueryAlert(fields: crate::error::FieldErrors) -> impl IntoView {
    let path = use_location().pathname.get_untracked();
    view! {
        <crate::ui::FieldAlert fields/>
        <p><a href=path>"Show this page without these choices"</a></p>
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
        AppError::AgreementRequired { message } => (
            "403",
            "The partner agreement comes first",
            view! { <p>{message.clone()}" "<a href=AGREEMENT_PATH>"Read the partner agreement"</a></p> }.into_any(),
        ),
        AppError::Locked { message } => (
            "403",
            "Reserved for a higher tier",
            view! { <p>{message.clone()}" "<a href="/tier">"See your tier"</a></p> }.into_any(),
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
    mark_hydrated();
    view! { <ErrorPage error=AppError::NotFound/> }
}

/// Marks the page live (`<body data-hydrated>`) once the view being built has hydrated: effects
/// run only in the browser, after hydration, and most pages' views arrive in their own chunk after
/// the frame's, so tests and styles can tell a page that answers to clicks and typing. Called by each
/// page's route, outside its view (an empty component there would change what hydration expects).
pub fn mark_hydrated() {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::page_title;

    #[test]
    fn every_page_has_its_own_title() {
        let pages = [
            "/",
            "/sign-in",
            "/forgot-password",
            "/reset-password",
            "/invitation",
            "/partners",
            "/partners/7",
            "/deals",
            "/deals/new",
            "/deals/queue",
            "/deals/pipeline",
            "/deals/42",
            "/dashboard",
            "/leaderboard",
            "/metrics",
            "/scorecard",
            "/team",
            "/admin",
            "/admin/agreement",
            "/admin/onboarding",
            "/agreement",
            "/onboarding",
            "/onboarding/board",
            "/admin/program",
            "/admin/lists",
            "/tier",
            "/program",
            "/partners/7/tier",
            "/tiers/approvals",
            "/profile",
            "/content",
            "/content/3",
            "/campaigns",
            "/campaigns/new",
            "/campaigns/3",
            "/campaigns/3/edit",
            "/leads",
            "/earnings",
            "/incentives",
            "/spiffs",
            "/mdf",
            "/mdf/3",
            "/training",
            "/training/new",
            "/training/people",
            "/training/3",
            "/training/3/edit",
            "/no-such-page",
        ];
        let titles: std::collections::BTreeSet<&str> = pages.iter().map(|path| page_title(path)).collect();
        assert_eq!(titles.len(), pages.len(), "{titles:?}");
        assert_eq!(page_title("/deals/queue/"), "Approvals");
    }
}
