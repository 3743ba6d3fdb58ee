//! Tessera: the partner relationship management portal. Shared types, pages and server
//! functions; compiled with `ssr` into the server and with `hydrate` into the browser.
#![recursion_limit = "256"]

pub mod account;
pub mod admin;
pub mod agreement;
pub mod api;
pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod content;
#[cfg(feature = "ssr")]
pub mod db;
pub mod deals;
pub mod error;
pub mod events;
pub mod files;
pub mod home;
pub mod incentives;
pub mod kpi;
pub mod layout;
pub mod lists;
pub mod live;
pub mod locator;
pub mod mail;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod money;
pub mod notifications;
pub mod onboarding;
pub mod partners;
pub mod sso;
#[cfg(feature = "ssr")]
pub mod state;
pub mod team;
pub mod text;
pub mod tiers;
pub mod training;
pub mod ui;
pub mod webhooks;

/// What the server provides to every page render and server function: the shared state, and
/// each feature's own server-side state beside it.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct ServerContext {
    pub state: state::ServerState,
    pub facts: kpi::cache::FactCache,
    pub checklists: onboarding::server::ChecklistCache,
    pub landing_pages: campaigns::public::PublicPages,
}

#[cfg(feature = "ssr")]
impl ServerContext {
    pub fn provide(&self) {
        leptos::prelude::provide_context(self.state.clone());
        leptos::prelude::provide_context(self.facts.clone());
        leptos::prelude::provide_context(self.checklists.clone());
        leptos::prelude::provide_context(self.landing_pages.clone());
    }
}

/// Every SQL statement the stores run, for the test that prepares each on both databases: the
/// fixed ones, and those assembled at run time in their fullest form.
#[cfg(feature = "ssr")]
pub fn every_statement() -> Vec<String> {
    let fixed: [&[&str]; 30] = [
        money::store::STATEMENTS,
        agreement::store::STATEMENTS,
        onboarding::store::STATEMENTS,
        audit::STATEMENTS,
        auth::store::STATEMENTS,
        mail::STATEMENTS,
        deals::store::STATEMENTS,
        deals::store::pipeline::STATEMENTS,
        partners::store::STATEMENTS,
        partners::store::locator::STATEMENTS,
        partners::import::store::STATEMENTS,
        sso::store::STATEMENTS,
        team::store::STATEMENTS,
        admin::store::STATEMENTS,
        kpi::store::STATEMENTS,
        training::store::STATEMENTS,
        tiers::store::STATEMENTS,
        lists::store::STATEMENTS,
        content::store::STATEMENTS,
        campaigns::store::STATEMENTS,
        campaigns::store::launches::STATEMENTS,
        incentives::store::STATEMENTS,
        incentives::store::payouts::STATEMENTS,
        incentives::store::spiffs::STATEMENTS,
        incentives::mdf::store::STATEMENTS,
        incentives::mdf::store::claims::STATEMENTS,
        incentives::store::coop::STATEMENTS,
        api::store::STATEMENTS,
        webhooks::store::STATEMENTS,
        notifications::store::STATEMENTS,
    ];
    let assembled = [
        deals::store::assembled_statements(),
        deals::store::agenda::assembled_statements(),
        partners::store::assembled_statements(),
        partners::store::listing::assembled_statements(),
        home::store::assembled_statements(),
        onboarding::store::assembled_statements(),
        training::store::assembled_statements(),
        campaigns::store::launches::assembled_statements(),
        incentives::store::assembled_statements(),
        incentives::store::spiffs::assembled_statements(),
        incentives::mdf::store::assembled_statements(),
        incentives::store::coop::assembled_statements(),
        kpi::store::assembled_statements(),
        audit::store::assembled_statements(),
    ];
    fixed.into_iter().flatten().map(|sql| sql.to_string()).chain(assembled.into_iter().flatten()).collect()
}

use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, LazyRoute, ParamSegment, SsrMode, StaticSegment, lazy_route};

use crate::layout::{NotFoundPage, PortalLayout, SessionContext};

/// The HTML document around the app, rendered on the server.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use layout::head::{HydrationScripts, Stylesheet};
    use leptos_meta::MetaTags;
    layout::security::add_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <Stylesheet options=options.clone()/>
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

/// A page whose view is compiled into its own WASM chunk, which the browser loads with the
/// page's route: a first visit downloads the frame and that one page, not every page. Every
/// page but the two in [`main_page!`] is declared this way.
macro_rules! lazy_page {
    ($($route:ident => $page:ident),+ $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                layout::mark_hydrated();
                view! { <$page/> }.into_any()
            }
        }
    )+};
}

use account::{ForgotPasswordPage, InvitationPage, NotificationsPage, ResetPasswordPage, SignInPage};
use admin::AdminPage;
use admin::audit::AuditLogPage;
use agreement::{AgreementAdminPage, AgreementPage};
use api::{ApiTokensPage, DevelopersPage};
use campaigns::{CampaignEditorPage, CampaignPage, CampaignsPage, LeadsPage};
use content::{ContentItemPage, ContentLibraryPage};
use deals::{ApprovalQueuePage, DealPage, DealsPage, NewDealPage, PipelinePage};
use home::HomePage;
use incentives::{EarningsPage, IncentivesPage, MdfPage, MdfRequestPage, SpiffsPage};
use kpi::{DashboardPage, LeaderboardPage, MetricsPage, ScorecardPage};
use lists::ProgramListsPage;
use onboarding::{OnboardingBoardPage, OnboardingPage, OnboardingTemplatesPage};
use partners::import::{PartnerImportPage, PartnerImportsPage};
use partners::{CompanyProfilePage, PartnerPage, PartnersPage};
use sso::SingleSignOnPage;
use team::TeamPage;
use tiers::{OwnTierPage, PartnerTierPage, ProgramEconomicsPage, ProgramPage, TierApprovalsPage};
use training::{CertificationsPage, CourseEditorPage, CoursePage, TrainingPage};
use webhooks::{WebhookPage, WebhooksPage};

lazy_page!(
    ForgotPasswordRoute => ForgotPasswordPage,
    ResetPasswordRoute => ResetPasswordPage,
    InvitationRoute => InvitationPage,
    PartnersRoute => PartnersPage,
    PartnerRoute => PartnerPage,
    DealsRoute => DealsPage,
    NewDealRoute => NewDealPage,
    QueueRoute => ApprovalQueuePage,
    PipelineRoute => PipelinePage,
    DealRoute => DealPage,
    DashboardRoute => DashboardPage,
    LeaderboardRoute => LeaderboardPage,
    MetricsRoute => MetricsPage,
    ScorecardRoute => ScorecardPage,
    TeamRoute => TeamPage,
    AdminRoute => AdminPage,
    AgreementRoute => AgreementPage,
    AgreementAdminRoute => AgreementAdminPage,
    OnboardingRoute => OnboardingPage,
    OnboardingBoardRoute => OnboardingBoardPage,
    OnboardingTemplatesRoute => OnboardingTemplatesPage,
    TrainingRoute => TrainingPage,
    CourseRoute => CoursePage,
    NewCourseRoute => CourseEditorPage,
    EditCourseRoute => CourseEditorPage,
    CertificationsRoute => CertificationsPage,
    CompanyProfileRoute => CompanyProfilePage,
    ProgramRoute => ProgramPage,
    OwnTierRoute => OwnTierPage,
    PartnerTierRoute => PartnerTierPage,
    TierApprovalsRoute => TierApprovalsPage,
    ProgramEconomicsRoute => ProgramEconomicsPage,
    ProgramListsRoute => ProgramListsPage,
    ContentLibraryRoute => ContentLibraryPage,
    ContentItemRoute => ContentItemPage,
    CampaignsRoute => CampaignsPage,
    CampaignRoute => CampaignPage,
    NewCampaignRoute => CampaignEditorPage,
    EditCampaignRoute => CampaignEditorPage,
    LeadsRoute => LeadsPage,
    EarningsRoute => EarningsPage,
    IncentivesRoute => IncentivesPage,
    SpiffsRoute => SpiffsPage,
    MdfRoute => MdfPage,
    MdfRequestRoute => MdfRequestPage,
    ApiTokensRoute => ApiTokensPage,
    AuditLogRoute => AuditLogPage,
    WebhooksRoute => WebhooksPage,
    WebhookRoute => WebhookPage,
    DevelopersRoute => DevelopersPage,
    NotificationsRoute => NotificationsPage,
    PartnerImportsRoute => PartnerImportsPage,
    PartnerImportRoute => PartnerImportPage,
    SingleSignOnRoute => SingleSignOnPage,
);

/// A page compiled into the main WASM module with the frame, not into a chunk of its own: the
/// two pages a first visit begins with (signing in, then the home page). As chunks they cost a
/// first visit dozens of small shared chunks, and every render as many preload links.
macro_rules! main_page {
    ($($view:ident => $page:ident),+ $(,)?) => {$(
        #[component]
        fn $view() -> impl IntoView {
            layout::mark_hydrated();
            view! { <$page/> }
        }
    )+};
}

main_page!(
    HomeView => HomePage,
    SignInView => SignInPage,
);

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    SessionContext::provide();
    provide_context(layout::ApprovalsWaiting(Resource::new(|| (), |_| deals::server::approvals_waiting())));
    provide_context(layout::UnreadNotifications(Resource::new(
        || (),
        |_| notifications::server::unread_notifications(),
    )));
    live::provide_live();
    view! {
        <Router>
            <PortalLayout>
                <Routes fallback=NotFoundPage>
                    <Route path=StaticSegment("") view=HomeView ssr=SsrMode::Async/>
                    <Route path=StaticSegment("sign-in") view=SignInView ssr=SsrMode::Async/>
                    <Route path=StaticSegment("forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("reset-password") view={Lazy::<ResetPasswordRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("invitation") view={Lazy::<InvitationRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("partners") view={Lazy::<PartnersRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("partners"), ParamSegment("id")) view={Lazy::<PartnerRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("deals") view={Lazy::<DealsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("deals"), StaticSegment("new")) view={Lazy::<NewDealRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("deals"), StaticSegment("queue")) view={Lazy::<QueueRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("deals"), StaticSegment("pipeline")) view={Lazy::<PipelineRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("deals"), ParamSegment("id")) view={Lazy::<DealRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("dashboard") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("leaderboard") view={Lazy::<LeaderboardRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("metrics") view={Lazy::<MetricsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("scorecard") view={Lazy::<ScorecardRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("team") view={Lazy::<TeamRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("admin") view={Lazy::<AdminRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("admin"), StaticSegment("agreement")) view={Lazy::<AgreementAdminRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("admin"), StaticSegment("onboarding")) view={Lazy::<OnboardingTemplatesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("admin"), StaticSegment("program")) view={Lazy::<ProgramRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("admin"), StaticSegment("lists")) view={Lazy::<ProgramListsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("admin"), StaticSegment("audit")) view={Lazy::<AuditLogRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("admin"), StaticSegment("sso")) view={Lazy::<SingleSignOnRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("admin"), StaticSegment("partner-import")) view={Lazy::<PartnerImportsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("admin"), StaticSegment("partner-import"), ParamSegment("id")) view={Lazy::<PartnerImportRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("admin"), StaticSegment("webhooks")) view={Lazy::<WebhooksRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("admin"), StaticSegment("webhooks"), ParamSegment("id")) view={Lazy::<WebhookRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("tier") view={Lazy::<OwnTierRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("program") view={Lazy::<ProgramEconomicsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("partners"), ParamSegment("id"), StaticSegment("tier")) view={Lazy::<PartnerTierRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("tiers"), StaticSegment("approvals")) view={Lazy::<TierApprovalsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("agreement") view={Lazy::<AgreementRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("onboarding") view={Lazy::<OnboardingRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("onboarding"), StaticSegment("board")) view={Lazy::<OnboardingBoardRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("profile") view={Lazy::<CompanyProfileRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("content") view={Lazy::<ContentLibraryRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("content"), ParamSegment("id")) view={Lazy::<ContentItemRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("campaigns") view={Lazy::<CampaignsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("campaigns"), StaticSegment("new")) view={Lazy::<NewCampaignRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("campaigns"), ParamSegment("id")) view={Lazy::<CampaignRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("campaigns"), ParamSegment("id"), StaticSegment("edit")) view={Lazy::<EditCampaignRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("leads") view={Lazy::<LeadsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("earnings") view={Lazy::<EarningsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("incentives") view={Lazy::<IncentivesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("spiffs") view={Lazy::<SpiffsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("mdf") view={Lazy::<MdfRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("mdf"), ParamSegment("id")) view={Lazy::<MdfRequestRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("api-tokens") view={Lazy::<ApiTokensRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("developers") view={Lazy::<DevelopersRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("notifications") view={Lazy::<NotificationsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=StaticSegment("training") view={Lazy::<TrainingRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("training"), StaticSegment("new")) view={Lazy::<NewCourseRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("training"), StaticSegment("people")) view={Lazy::<CertificationsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("training"), ParamSegment("id")) view={Lazy::<CourseRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("training"), ParamSegment("id"), StaticSegment("edit")) view={Lazy::<EditCourseRoute>::new()} ssr=SsrMode::Async/>
                </Routes>
            </PortalLayout>
        </Router>
    }
}
