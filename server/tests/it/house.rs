//! The rules every feature stands on, over HTTP on SQLite and on PostgreSQL: every server function
//! refuses a stranger and answers "not found" for another partner's ids, the reach rule reads the
//! same in SQL as in memory, every SQL statement prepares, and the KPI cache misses no write.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};

use app::auth::access::PUBLIC_SERVER_FNS;
use app::auth::reach::{Reach, Reachable};
use app::auth::{SessionUser, store as auth_store};
use app::{bind_all, on_db};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::Executor;
use sqlx::{AssertSqlSafe, SqlSafeStr};
use support::{Backend, TestApp, approve, register, win_deal};

on_both_databases!(
    every_server_function_refuses_a_stranger,
    every_server_function_taking_an_id_answers_not_found_for_another_partners,
    the_reach_rule_reads_the_same_in_sql_as_in_memory,
    every_sql_statement_prepares,
    a_write_that_commits_long_after_its_stamp_still_reaches_the_dashboard,
    the_fact_cache_loads_when_the_server_starts,
    pages_rendered_at_once_each_come_whole_with_their_title,
);

/// Every server function the server registered, by endpoint name.
fn registered_server_fns() -> BTreeSet<String> {
    leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.trim_start_matches("/api/").to_owned()).collect()
}

async fn every_server_function_refuses_a_stranger(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let stranger = app.client();
    let registered = registered_server_fns();
    assert!(registered.len() >= 30, "the registry lists the server functions: {registered:?}");
    for name in &registered {
        let (status, body) = app.call(&stranger, name, &[]).await;
        if PUBLIC_SERVER_FNS.contains(&name.as_str()) {
            // Signing in, invitations and resets: bad input is named, nothing is revealed.
            assert!(status.is_client_error() || status == StatusCode::OK, "{name}: {status} {body}");
            assert!(!body.to_string().contains('@'), "{name} reveals nothing: {body}");
        } else {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{name} refuses a stranger: {body}");
            assert_eq!(body["kind"], "unauthenticated", "{name}");
        }
    }
    assert_eq!(app.call(&stranger, "current_user", &[]).await.1, Value::Null);
    app.stop().await;
}

/// What a server function's id stands for.
#[derive(Clone, Copy, Debug)]
enum Id {
    Deal,
    Organisation,
    Invitation,
    Person,
    TierProposal,
    Lead,
    MdfRequest,
}

/// Every server function that takes the id of something a partner owns: the arguments of a good
/// call with the id left out, and the argument the id goes in. A server function missing from this
/// table and from [`WITHOUT_IDS`] fails the test, so one added later is not forgotten.
fn taking_ids() -> BTreeMap<&'static str, (Id, &'static str, Vec<(&'static str, &'static str)>)> {
    let today = chrono::Utc::now().date_naive().to_string().leak() as &'static str;
    BTreeMap::from([
        ("deal_detail", (Id::Deal, "id", vec![])),
        ("submit_deal", (Id::Deal, "id", vec![])),
        ("decide_deal", (Id::Deal, "id", vec![("decision", "approve")])),
        ("close_deal", (Id::Deal, "id", vec![("outcome", "won"), ("final_amount", "10"), ("closed_on", today)])),
        ("request_extension", (Id::Deal, "id", vec![("reason", "More time")])),
        ("decide_extension", (Id::Deal, "id", vec![("decision", "approve")])),
        ("partner_profile", (Id::Organisation, "id", vec![])),
        ("scorecard", (Id::Organisation, "partner_id", vec![])),
        ("team", (Id::Organisation, "organisation_id", vec![])),
        ("invite", (Id::Organisation, "organisation_id", vec![("email", "x@example.test"), ("role", "partner_user")])),
        ("resend_invitation", (Id::Invitation, "id", vec![])),
        ("withdraw_invitation", (Id::Invitation, "id", vec![])),
        ("change_member", (Id::Person, "id", vec![("change", "deactivate")])),
        ("onboarding_checklist", (Id::Organisation, "organisation_id", vec![])),
        ("mark_step", (Id::Organisation, "organisation_id", vec![("step_id", "1"), ("command", "skip")])),
        ("nudge_partner", (Id::Organisation, "organisation_id", vec![])),
        ("tier_standing", (Id::Organisation, "organisation_id", vec![])),
        ("evaluate_tiers", (Id::Organisation, "organisation_id", vec![])),
        ("decide_tier_change", (Id::TierProposal, "id", vec![("decision", "approve"), ("reason", "")])),
        ("deal_form", (Id::Lead, "lead", vec![])),
        ("reopen_deal", (Id::Deal, "id", vec![("reason", "Cancelled")])),
        ("earnings", (Id::Organisation, "partner", vec![])),
        ("mdf_request", (Id::MdfRequest, "id", vec![])),
        ("act_on_mdf", (Id::MdfRequest, "id", vec![("command", "pre_approve")])),
    ])
}

/// Server functions that take no id of another organisation's, besides the public ones (filters
/// over one's own reach take partner ids too; those are checked to narrow to nothing).
const WITHOUT_IDS: &[&str] = &[
    "agreement",
    "accept_agreement",
    "agreement_admin",
    "publish_agreement",
    "onboarding_board",
    "onboarding_templates",
    "add_onboarding_step",
    "change_onboarding_step",
    "home_summary",
    "program_overview",
    "list_deals",
    "deal_check",
    "save_deal",
    "deal_queue",
    "approvals_waiting",
    "import_pipeline",
    "pipeline_status",
    "dashboard",
    "leaderboard",
    "program_settings",
    "save_program_settings",
    "list_partners",
    "training_catalogue",
    "training_course",
    "submit_attempt",
    "certifications",
    "course_for_editing",
    "save_course",
    "own_company_profile",
    "save_company_profile",
    "program_configuration",
    "save_program",
    "discard_program_draft",
    "tier_approvals",
    "upload_logo",
    "remove_logo",
    "program_lists",
    "change_program_list",
    // Admins only, whose reach is every partner.
    "assign_channel_manager",
    // The library's items are the vendor's, not a partner's; which a partner may open is the
    // gating rule's (tests/it/content.rs), and only marketing and admins change them.
    "content_library",
    "content_item",
    "add_content_link",
    "upload_content",
    "save_content",
    "remove_content",
    // Campaigns are the vendor's too; which a partner sees (and whose preview) is tests/it/campaigns.rs's.
    "campaigns",
    "campaign_view",
    "campaign_for_editing",
    "save_campaign",
    "change_campaign_state",
    // A partner launches, changes and pauses only its own launch of a campaign aimed at it.
    "launch_campaign",
    "pause_landing_page",
    // Leads within the caller's reach (tests/it/campaigns.rs shows another partner's stay out).
    "leads",
    // What the program owes, within the caller's reach (tests/it/incentives.rs); quarters and payout
    // runs are the whole program's, closed and paid by admins only.
    "incentive_liabilities",
    "close_period",
    "approve_payout_run",
    "mark_run_paid",
    "save_rebate_schedule",
    // SPIFFs are the vendor's; a partner sees those open to it and only its own earnings of
    // them, and only marketing and admins run them (tests/it/spiffs.rs).
    "spiffs",
    "create_spiff",
    "launch_spiff",
    "end_spiff",
    // MDF within the caller's reach (tests/it/mdf.rs): budgets are the program's; an allocation
    // naming a partner out of reach, or a request naming another partner's allocation, is refused
    // at its field exactly as an id that does not exist.
    "mdf_overview",
    "set_mdf_budget",
    "allocate_mdf",
    "request_mdf",
    // Sent as files with the request's id among the form's fields: another partner's request is
    // "not found" to both, as tests/it/mdf.rs shows (with its proof files' addresses).
    "claim_mdf",
    "add_mdf_proof",
    // Tokens are the caller's own organisation's; another's token is "not found" to revoke
    // (tests/it/api.rs).
    "api_tokens",
    "create_api_token",
    "revoke_api_token",
    // The audit log is the whole program's, for admins only.
    "audit_log",
    // Webhooks are the whole program's, for admins only (tests/it/webhooks.rs).
    "webhooks",
    "create_webhook",
    "webhook",
    "set_webhook_enabled",
    "send_test_webhook",
    "send_webhook_again",
    // A person's own notifications: another person's is "not found" to open, whoever they are
    // (tests/it/notifications.rs).
    "unread_notifications",
    "notifications",
    "open_notification",
    "read_all_notifications",
    "save_notification_settings",
    // A partner admin lists their own organisation in the locator (tests/it/locator.rs).
    "set_locator_listing",
    // Partner imports and single sign-on connections are the whole program's, for admins only
    // (tests/it/imports.rs, tests/it/sso.rs).
    "upload_partner_import",
    "partner_imports",
    "partner_import",
    "import_partners",
    "single_sign_on",
    "save_single_sign_on",
    "remove_single_sign_on",
];

async fn every_server_function_taking_an_id_answers_not_found_for_another_partners(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let table = taking_ids();
    let registered = registered_server_fns();
    for name in &registered {
        assert!(
            table.contains_key(name.as_str())
                || WITHOUT_IDS.contains(&name.as_str())
                || PUBLIC_SERVER_FNS.contains(&name.as_str()),
            "{name} is new: say in this test whether it takes an id, and which"
        );
    }
    // Copperline's deal, approved, and Copperline itself: out of reach for Bluepeak's people and
    // for Bluepeak's channel manager (Copperline is the other manager's).
    let copperline_partner = app.sign_in("partner@copperline.test").await;
    let copperline_manager = app.sign_in("cam2@acme.test").await;
    let deal = register(&app, &copperline_partner, "Initech", "initech.example").await;
    approve(&app, &copperline_manager, deal).await;
    let deal = deal.to_string();
    let organisation = app.organisation_id("Copperline IT").await.to_string();
    let (status, body) = app
        .call(&copperline_partner, "invite", &[("email", "newhire@copperline.test"), ("role", "partner_user")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let invitation = app.count("SELECT MAX(id) FROM invitations").await.to_string();
    let person = app.count("SELECT id FROM users WHERE email = 'partner@copperline.test'").await.to_string();
    // A promotion proposed for Copperline (Silver to Gold), waiting for its channel manager.
    let copperline = app.organisation_id("Copperline IT").await;
    on_db!(app.db(), pool => sqlx::query("INSERT INTO tier_proposals (organisation_id, from_tier_id, to_tier_id, \
        direction, explanation, program_version, proposed_at, state) VALUES ($1, 2, 3, 'promotion', 'Copperline grew', 1, $2, 'pending')")
        .bind(copperline).bind(chrono::Utc::now()).execute(pool).await.map(|_| ()))
    .expect("a proposal");
    let proposal = app.count("SELECT MAX(id) FROM tier_proposals").await.to_string();
    // A lead from Copperline's landing page.
    let (_, list) = app.call(&copperline_partner, "campaigns", &[]).await;
    let campaign = list["rows"][0]["id"].as_i64().expect("a campaign aimed at Copperline").to_string();
    let (status, address) = app.call(&copperline_partner, "launch_campaign", &[("campaign", campaign.as_str())]).await;
    assert_eq!(status, StatusCode::OK, "{address}");
    let form = [("name", "Ada"), ("email", "ada@initech.example"), ("company", "Initech")];
    let sent = app.client().post(address.as_str().expect("address")).form(&form).send().await.expect("form sent");
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let lead = app.count("SELECT MAX(id) FROM campaign_leads").await.to_string();
    // Copperline's request for funds (the demo's, waiting for its channel manager).
    let mdf = app
        .count(
            "SELECT MAX(r.id) FROM mdf_requests r JOIN organisations o ON o.id = r.organisation_id \
        WHERE o.name = 'Copperline IT' AND r.state = 'requested'",
        )
        .await
        .to_string();
    let callers = [
        ("partner@bluepeak.test", app.sign_in("partner@bluepeak.test").await),
        ("rep@bluepeak.test", app.sign_in("rep@bluepeak.test").await),
        ("cam@acme.test", app.sign_in("cam@acme.test").await),
    ];
    for (name, (kind, argument, rest)) in &table {
        assert!(registered.contains(*name), "{name} is registered");
        let id = match kind {
            Id::Deal => deal.as_str(),
            Id::Organisation => organisation.as_str(),
            Id::Invitation => invitation.as_str(),
            Id::Person => person.as_str(),
            Id::TierProposal => proposal.as_str(),
            Id::Lead => lead.as_str(),
            Id::MdfRequest => mdf.as_str(),
        };
        let mut form = rest.clone();
        form.push((argument, id));
        let mut not_found = 0;
        for (who, client) in &callers {
            let (status, body) = app.call(client, name, &form).await;
            assert!(
                status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
                "{who} calling {name} with another partner's {argument}: {status} {body}"
            );
            assert!(!body.to_string().contains("Copperline") && !body.to_string().contains("Initech"), "{body}");
            not_found += usize::from(status == StatusCode::NOT_FOUND);
        }
        assert!(not_found > 0, "{name}: someone whose role allows it is told \"not found\"");
    }
    // Lists narrowed to another partner's id hold nothing.
    let (status, list) = app.call(&callers[0].1, "list_deals", &[("partner", organisation.as_str())]).await;
    assert_eq!((status, list["total"].as_i64()), (StatusCode::OK, Some(0)), "{list}");
    let (status, list) = app.call(&callers[2].1, "list_deals", &[("partner", organisation.as_str())]).await;
    assert_eq!((status, list["total"].as_i64()), (StatusCode::OK, Some(0)), "{list}");
    // Nothing changed: the deal is still approved and has no extension.
    let (_, detail) = app.call(&copperline_partner, "deal_detail", &[("id", deal.as_str())]).await;
    assert_eq!(detail["deal"]["status"], "approved");
    assert_eq!(detail["deal"]["extension"], "none");
    assert_eq!(app.count("SELECT COUNT(*) FROM tier_proposals WHERE state = 'pending'").await, 1);
    let approved = "SELECT COUNT(*) FROM mdf_requests WHERE state = 'pre_approved'";
    assert_eq!(app.count(approved).await, 1, "only the demo's roadshow is pre-approved");
    let (_, team) = app.call(&copperline_partner, "team", &[]).await;
    assert_eq!(team["pending"][0]["email"], "newhire@copperline.test", "Copperline's invitation still waits: {team}");
    app.stop().await;
}

async fn the_reach_rule_reads_the_same_in_sql_as_in_memory(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db();
    let people: Vec<i64> =
        on_db!(db, pool => sqlx::query_scalar("SELECT id FROM users ORDER BY id").fetch_all(pool).await)
            .expect("people");
    let organisations: Vec<i64> =
        on_db!(db, pool => sqlx::query_scalar("SELECT id FROM organisations ORDER BY id").fetch_all(pool).await)
            .expect("organisations");
    let mut facts = Vec::new();
    for id in &organisations {
        facts.push(auth_store::organisation_facts(db, *id).await.expect("query").expect("exists"));
    }
    let mut roles = BTreeSet::new();
    for user_id in people {
        let user: SessionUser = auth_store::user_by_id(db, user_id).await.expect("query").expect("exists");
        roles.insert(user.role.as_str());
        let reach = Reach::of(&user);
        let mut sql = app::db::Conditions::new("SELECT o.id FROM organisations o WHERE 1 = 1");
        reach.narrow(&mut sql, "o");
        sql.sql.push_str(" ORDER BY o.id");
        let in_sql: Vec<i64> =
            on_db!(db, pool => bind_all!(sqlx::query_scalar(AssertSqlSafe(sql.sql.clone())), &sql.params)
            .fetch_all(pool).await)
            .expect("reach query");
        let in_memory: Vec<i64> =
            facts.iter().filter(|o| reach.includes_partner(*o)).map(|o| o.organisation_id()).collect();
        assert_eq!(in_sql, in_memory, "{} ({:?})", user.email, user.role);
        match user.role.is_vendor_staff() {
            true => assert!(!in_memory.is_empty(), "{} reaches partners", user.email),
            false => assert_eq!(in_memory, [user.organisation_id], "{} reaches only its own", user.email),
        }
    }
    assert_eq!(roles.len(), 5, "every role is among the demo people: {roles:?}");
    app.stop().await;
}

async fn every_sql_statement_prepares(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let statements = app::every_statement();
    assert!(statements.len() > 60, "{} statements", statements.len());
    for sql in statements {
        let prepared =
            on_db!(app.db(), pool => pool.prepare(AssertSqlSafe(sql.clone()).into_sql_str()).await.map(drop));
        assert!(prepared.is_ok(), "{sql}\n{prepared:?}");
    }
    app.stop().await;
}

async fn won_revenue_this_month(app: &TestApp, client: &reqwest::Client) -> i64 {
    let (status, dashboard) = app.call(client, "dashboard", &[("period", "month")]).await;
    assert_eq!(status, StatusCode::OK, "{dashboard}");
    let tile = dashboard["tiles"].as_array().expect("tiles").iter().find(|t| t["kpi"] == "TotalRevenue").cloned();
    tile.and_then(|tile| tile["value"]["Money"].as_i64()).expect("revenue tile")
}

async fn a_write_that_commits_long_after_its_stamp_still_reaches_the_dashboard(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in("partner@bluepeak.test").await;
    let manager = app.sign_in("cam@acme.test").await;
    let admin = app.sign_in("admin@acme.test").await;
    let id = register(&app, &partner, "Late Commit Ltd", "latecommit.example").await;
    approve(&app, &manager, id).await;
    let before = won_revenue_this_month(&app, &admin).await;

    // A slow transaction: it stamps the deal won an hour ago, and commits only after the
    // dashboard has caught up twice.
    let stamped = chrono::Utc::now() - chrono::Duration::hours(1);
    let today = chrono::Utc::now().date_naive();
    let sql =
        "UPDATE deals SET status = 'won', final_amount_minor = 4200000, closed_on = $1, updated_at = $2 WHERE id = $3";
    let committed = on_db!(app.db(), pool => {
        let mut tx = pool.begin().await.expect("begin");
        sqlx::query(sql).bind(today).bind(stamped).bind(id).execute(&mut *tx).await.expect("update");
        assert_eq!(won_revenue_this_month(&app, &admin).await, before, "not committed yet");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(won_revenue_this_month(&app, &admin).await, before, "still not committed");
        tx.commit().await
    });
    committed.expect("commit");
    assert_eq!(won_revenue_this_month(&app, &admin).await, before + 4_200_000, "the late write is counted");
    app.stop().await;
}

async fn the_fact_cache_loads_when_the_server_starts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in("partner@bluepeak.test").await;
    let manager = app.sign_in("cam@acme.test").await;
    win_deal(&app, &partner, &manager, "Early Bird", "earlybird.example", "1,000.00").await;
    // A second server on the same database, asked nothing: its cache loads by itself.
    let (_, second) = app.second_server().await;
    let mut waited = 0;
    while !second.facts.is_loaded().await && waited < 100 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        waited += 1;
    }
    assert!(second.facts.is_loaded().await, "loaded without a request");
    second.stop().await.expect("stops");
    app.stop().await;
}

/// Many pages rendered at once each come whole, with their own title. The title was once read
/// from a route value the server may already have let go of by the time it writes the head:
/// under 64 connections on the release build, every such page panicked mid-render and its
/// connection dropped (issue 10, point 12).
async fn pages_rendered_at_once_each_come_whole_with_their_title(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in("partner@bluepeak.test").await;
    let pages = [("/", "Home"), ("/deals", "Deals"), ("/scorecard", "Scorecard"), ("/leaderboard", "Leaderboard")];
    let mut rendering = tokio::task::JoinSet::new();
    for n in 0..256 {
        let (client, base, (path, title)) = (partner.clone(), app.base.clone(), pages[n % pages.len()]);
        rendering.spawn(async move {
            let response =
                client.get(format!("{base}{path}")).header("accept", "text/html").send().await.expect("an answer");
            let status = response.status();
            (path, title, status, response.text().await.expect("the whole page"))
        });
    }
    while let Some(rendered) = rendering.join_next().await {
        let (path, title, status, html) = rendered.expect("the request");
        assert_eq!(status, StatusCode::OK, "{path}");
        if !(html.contains(&format!("<title>{title} · Tessera</title>")) && html.contains("</html>")) {
            let found = html.split("<title>").nth(1).and_then(|rest| rest.split("</title>").next());
            let end: String = html.chars().rev().take(120).collect::<Vec<_>>().into_iter().rev().collect();
            panic!("{path} did not come whole with its title: {found:?} … {end:?}");
        }
    }
    app.stop().await;
}
