//! Tessera: the partner relationship management portal. Shared types, pages and server
//! functions; compiled with `ssr` into the server and with `hydrate` into the browser.
#![recursion_limit = "256"]

pub mod admin;
pub mod audit;
pub mod auth;
#[cfg(feature = "ssr")]
pub mod db;
pub mod deals;
pub mod error;
pub mod events;
pub mod home;
pub mod kpi;
pub mod layout;
pub mod live;
pub mod mail;
pub mod money;
pub mod partners;
#[cfg(feature = "ssr")]
pub mod state;
pub mod team;
pub mod text;
pub mod ui;

/// What the server provides to every page render and server function: the shared state, and
/// each feature's own server-side state beside it.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct ServerContext {
    pub state: state::ServerState,
    pub facts: kpi::cache::FactCache,
}

#[cfg(feature = "ssr")]
impl ServerContext {
    pub fn provide(&self) {
        leptos::prelude::provide_context(self.state.clone());
        leptos::prelude::provide_context(self.facts.clone());
    }
}

/// Every SQL statement the stores run, for the test that prepares each on both databases: the
/// fixed ones, and those assembled at run time in their fullest form.
#[cfg(feature = "ssr")]
pub fn every_statement() -> Vec<String> {
    let fixed: [&[&str]; 9] = [
        audit::STATEMENTS,
        auth::store::STATEMENTS,
        mail::STATEMENTS,
        deals::store::STATEMENTS,
        deals::store::pipeline::STATEMENTS,
        partners::store::STATEMENTS,
        team::store::STATEMENTS,
        admin::store::STATEMENTS,
        kpi::store::STATEMENTS,
    ];
    let assembled = [deals::store::assembled_statements(), partners::store::assembled_statements(), home::store::assembled_statements()];
    fixed.into_iter().flatten().map(|sql| sql.to_string()).chain(assembled.into_iter().flatten()).collect()
}

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

use crate::layout::{NotFoundPage, PortalLayout, SessionContext};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    layout::security::add_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    SessionContext::provide();
    // Effects run only in the browser, once hydrated: tests and styles can tell a live page.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/tessera.css"/>
        <Title text="Tessera"/>
        <Router>
            <PortalLayout>
                <Routes fallback=NotFoundPage>
                    <Route path=StaticSegment("") view=home::HomePage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("sign-in") view=auth::pages::SignInPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("forgot-password") view=auth::pages::ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("reset-password") view=auth::pages::ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("invitation") view=auth::pages::InvitationPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("partners") view=partners::PartnersPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("partners"), ParamSegment("id")) view=partners::PartnerPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("deals") view=deals::DealsPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("deals"), StaticSegment("new")) view=deals::NewDealPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("deals"), StaticSegment("queue")) view=deals::ApprovalQueuePage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("deals"), StaticSegment("pipeline")) view=deals::PipelinePage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("deals"), ParamSegment("id")) view=deals::DealPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("dashboard") view=kpi::DashboardPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("leaderboard") view=kpi::LeaderboardPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("metrics") view=kpi::MetricsPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("scorecard") view=kpi::ScorecardPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("team") view=team::TeamPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("admin") view=admin::AdminPage ssr=SsrMode::Async/>
                </Routes>
            </PortalLayout>
        </Router>
    }
}
