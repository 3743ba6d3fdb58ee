//! Onboarding over HTTP, on SQLite and on PostgreSQL: checklists tick themselves on milestones,
//! partners tick manual steps and their channel manager confirms or skips them, the board lists
//! the partners onboarding within reach and nudges them, and the partner's home starts with the
//! next step.

use crate::support;

use reqwest::StatusCode;
use serde_json::Value;
use support::{Backend, TestApp, register, win_deal};

on_both_databases!(
    registering_and_winning_a_first_deal_tick_their_steps,
    a_partner_ticks_manual_steps_and_its_manager_confirms_or_skips_them,
    a_bad_mark_changes_nothing,
    the_board_lists_partners_onboarding_within_reach_and_a_nudge_reaches_them,
    a_new_partners_home_starts_with_what_to_do_next,
    an_admin_changes_a_checklist_and_nothing_partners_did_is_undone,
    completing_the_company_profile_ticks_its_step_and_a_bad_one_changes_nothing,
);

/// Onboarding in the demo data: accepted the agreement 12 days ago, its kickoff call ticked and
/// waiting for its channel manager (cam2), no deal yet.
const PINECONE: &str = "partner@pinecone.test";

async fn checklist(app: &TestApp, client: &reqwest::Client) -> Value {
    let (status, view) = app.call(client, "onboarding_checklist", &[]).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view
}

fn step<'a>(view: &'a Value, title: &str) -> &'a Value {
    view["checklist"]["items"]
        .as_array()
        .and_then(|items| items.iter().find(|item| item["step"]["title"] == title))
        .unwrap_or_else(|| panic!("{title} in {view}"))
}

fn state(view: &Value, title: &str) -> String {
    step(view, title)["state"].as_str().unwrap_or_default().to_owned()
}

async fn marks(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM onboarding_marks").await
}

async fn registering_and_winning_a_first_deal_tick_their_steps(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(PINECONE).await;
    let before = checklist(&app, &partner).await;
    assert_eq!(state(&before, "Accept the partner agreement"), "done", "accepted before this checklist was read");
    assert_eq!(state(&before, "Register your first deal"), "pending");
    assert!(before["day"].as_i64().is_some_and(|day| (12..=14).contains(&day)), "{}", before["day"]);

    let manager = app.sign_in("cam2@acme.test").await;
    win_deal(&app, &partner, &manager, "Initrode", "initrode.example", "40,000.00").await;
    let after = checklist(&app, &partner).await;
    assert_eq!(state(&after, "Register your first deal"), "done");
    assert_eq!(state(&after, "Win your first deal"), "done");
    assert!(after["checklist"]["first_registered"].is_string() && after["checklist"]["first_won"].is_string());
    assert_eq!(marks(&app).await, 3, "nothing stored for automatic steps: the seeded marks only");
    app.stop().await;
}

async fn a_partner_ticks_manual_steps_and_its_manager_confirms_or_skips_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(PINECONE).await;
    let audited = || app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'onboarding.mark'");
    let audited_before = audited().await;
    let view = checklist(&app, &partner).await;
    let organisation = view["organisation_id"].to_string();
    let id_of = |title: &str| step(&view, title)["step"]["id"].to_string();
    let (kickoff, learn, register_step) = (
        id_of("Hold a kickoff call with your channel manager"),
        id_of("Learn how deal registration protects you"),
        id_of("Register your first deal"),
    );
    assert_eq!(state(&view, "Hold a kickoff call with your channel manager"), "waiting");
    let call = |step: &str, command: &'static str| {
        vec![("organisation_id", organisation.clone()), ("step_id", step.to_owned()), ("command", command.to_owned())]
    };
    let post = |client: &reqwest::Client, form: Vec<(&'static str, String)>| {
        let app = &app;
        let client = client.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call(&client, "mark_step", &form).await
        }
    };

    let (status, body) = post(&partner, call(&kickoff, "confirm")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["command"].as_str().is_some_and(|m| m.contains("channel manager")), "{body}");
    let (status, body) = post(&partner, call(&register_step, "tick")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["command"].as_str().is_some_and(|m| m.contains("Ticks itself")), "{body}");
    let colleague = app.sign_in("rep@pinecone.test").await;
    assert_eq!(post(&colleague, call(&learn, "tick")).await.0, StatusCode::OK, "any of the partner's people ticks");

    let other_manager = app.sign_in("cam@acme.test").await;
    assert_eq!(post(&other_manager, call(&kickoff, "confirm")).await.0, StatusCode::NOT_FOUND, "not cam's partner");
    let marketing = app.sign_in("marketing@acme.test").await;
    assert_eq!(post(&marketing, call(&kickoff, "confirm")).await.0, StatusCode::FORBIDDEN);
    let manager = app.sign_in("cam2@acme.test").await;
    let mut events = app.events().subscribe();
    assert_eq!(post(&manager, call(&kickoff, "confirm")).await.0, StatusCode::OK);
    let heard = events.try_recv().expect("an open board hears of it");
    assert!(matches!(heard.event, app::events::Event::Onboarding { .. }), "{heard:?}");
    assert_eq!(post(&manager, call(&register_step, "skip")).await.0, StatusCode::OK);
    let (status, body) = post(&partner, call(&learn, "tick")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let view = checklist(&app, &partner).await;
    assert_eq!(state(&view, "Hold a kickoff call with your channel manager"), "done");
    assert_eq!(state(&view, "Learn how deal registration protects you"), "done");
    assert_eq!(state(&view, "Register your first deal"), "skipped");
    assert_eq!(audited().await - audited_before, 3, "each of the three marks is audited once");
    app.stop().await;
}

async fn a_bad_mark_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(PINECONE).await;
    let view = checklist(&app, &partner).await;
    let organisation = view["organisation_id"].to_string();
    let learn = step(&view, "Learn how deal registration protects you")["step"]["id"].to_string();
    let before = marks(&app).await;
    let form = |step: &str, command: &str| {
        [("organisation_id", organisation.clone()), ("step_id", step.to_owned()), ("command", command.to_owned())]
    };
    for (step, command, expected) in [
        (learn.as_str(), "finish", StatusCode::UNPROCESSABLE_ENTITY),
        ("999999", "tick", StatusCode::NOT_FOUND),
        (learn.as_str(), "skip", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let form = form(step, command);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, body) = app.call(&partner, "mark_step", &form).await;
        assert_eq!(status, expected, "{step} {command}: {body}");
    }
    let copperline = app.organisation_id("Copperline IT").await.to_string();
    let foreign = [("organisation_id", copperline.as_str()), ("step_id", learn.as_str()), ("command", "tick")];
    assert_eq!(app.call(&partner, "mark_step", &foreign).await.0, StatusCode::NOT_FOUND);
    assert_eq!(marks(&app).await, before, "nothing was written");
    app.stop().await;
}

fn row<'a>(board: &'a Value, name: &str) -> Option<&'a Value> {
    board["rows"].as_array().and_then(|rows| rows.iter().find(|row| row["name"] == name))
}

async fn the_board_lists_partners_onboarding_within_reach_and_a_nudge_reaches_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in("admin@acme.test").await;
    let (status, board) = app.call(&admin, "onboarding_board", &[]).await;
    assert_eq!(status, StatusCode::OK, "{board}");
    let names: Vec<&str> =
        board["rows"].as_array().expect("rows").iter().filter_map(|row| row["name"].as_str()).collect();
    for name in ["Foxglove Advisors", "Pinecone Apps", "Saffron Tech", "Ironbridge Systems", "Harbor Referrals"] {
        assert!(names.contains(&name), "{name} is onboarding: {names:?}");
    }
    assert!(!names.contains(&"Bluepeak Systems"), "an established partner is not");
    let foxglove = row(&board, "Foxglove Advisors").expect("Foxglove");
    assert_eq!(foxglove["stuck"]["why"], "no_deal", "{foxglove}");
    assert!(foxglove["day"].as_i64().is_some_and(|day| day > 60), "{foxglove}");
    assert_eq!(row(&board, "Pinecone Apps").expect("Pinecone")["stuck"], Value::Null);

    // Foxglove is cam's partner, Pinecone cam2's.
    let cam = app.sign_in("cam@acme.test").await;
    let (_, board) = app.call(&cam, "onboarding_board", &[]).await;
    assert!(row(&board, "Foxglove Advisors").is_some() && row(&board, "Pinecone Apps").is_none(), "{board}");
    let partner = app.sign_in(PINECONE).await;
    assert_eq!(app.call(&partner, "onboarding_board", &[]).await.0, StatusCode::FORBIDDEN);

    let foxglove_id = app.organisation_id("Foxglove Advisors").await.to_string();
    let cam2 = app.sign_in("cam2@acme.test").await;
    let outbox = app.count("SELECT COUNT(*) FROM outbox").await;
    assert_eq!(app.call(&cam2, "nudge_partner", &[("organisation_id", &foxglove_id)]).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, outbox, "nothing sent out of reach");
    assert_eq!(app.call(&cam, "nudge_partner", &[("organisation_id", &foxglove_id)]).await.0, StatusCode::OK);
    let subject: String = app::on_db!(app.db(), pool => sqlx::query_scalar(
        "SELECT subject FROM outbox WHERE recipient = 'partner@foxglove.test' ORDER BY id DESC LIMIT 1")
        .fetch_one(pool).await)
    .expect("a reminder");
    assert!(subject.starts_with("Your next onboarding step: "), "{subject}");
    let (_, board) = app.call(&cam, "onboarding_board", &[]).await;
    assert!(row(&board, "Foxglove Advisors").expect("Foxglove")["last_nudged"].is_string(), "the nudge is recorded");
    let bluepeak = app.organisation_id("Bluepeak Systems").await.to_string();
    let (status, body) = app.call(&cam, "nudge_partner", &[("organisation_id", &bluepeak)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an established partner has nothing to do: {body}");
    app.stop().await;
}

async fn a_new_partners_home_starts_with_what_to_do_next(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(PINECONE).await;
    let (status, home) = app.call(&partner, "home_summary", &[]).await;
    assert_eq!(status, StatusCode::OK, "{home}");
    let first = &home["sections"][0];
    assert_eq!(first["id"], "onboarding", "{home}");
    assert_eq!(first["items"][0]["badge"], "Next step");
    assert_eq!(first["items"][0]["title"], "Complete your company profile");
    assert_eq!(first["items"][0]["href"], "/profile");
    assert!(first["items"][0]["detail"].as_str().is_some_and(|d| d.contains("of 90")), "{first}");
    assert_eq!(first["items"][1]["badge"], "Waiting for confirmation", "{first}");
    let page = partner.get(format!("{}/", app.base)).header("accept", "text/html").send().await.expect("home");
    assert!(page.text().await.expect("html").contains("What to do next"));

    let bluepeak = app.sign_in("partner@bluepeak.test").await;
    let (_, home) = app.call(&bluepeak, "home_summary", &[]).await;
    assert!(home["sections"].as_array().expect("sections").iter().all(|s| s["id"] != "onboarding"), "{home}");
    app.stop().await;
}

fn titles(view: &Value) -> Vec<String> {
    view["checklist"]["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|item| item["step"]["title"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

async fn an_admin_changes_a_checklist_and_nothing_partners_did_is_undone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in("admin@acme.test").await;
    let partner = app.sign_in(PINECONE).await;
    let (status, templates) = app.call(&admin, "onboarding_templates", &[]).await;
    assert_eq!(status, StatusCode::OK, "{templates}");
    let template = |name: &str| {
        templates.as_array().and_then(|all| all.iter().find(|t| t["partner_type"] == name)).cloned().expect("type")
    };
    let isv = template("ISV")["partner_type_id"].to_string();
    assert_eq!(template("Reseller")["steps"].as_array().map(Vec::len), Some(9));

    let steps = || app.count("SELECT COUNT(*) FROM onboarding_steps WHERE retired_at IS NULL");
    let before = steps().await;
    let form = |kind: &'static str, href: &'static str, partner_type: String| {
        vec![
            ("partner_type_id", partner_type),
            ("title", "Tell us about your first customer".to_owned()),
            ("description", String::new()),
            ("kind", kind.to_owned()),
            ("href", href.to_owned()),
        ]
    };
    let post = |client: reqwest::Client, endpoint: &'static str, form: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call(&client, endpoint, &form).await
        }
    };
    for (kind, href, partner_type, field) in [
        ("first_campaign_won", "", isv.clone(), "kind"),
        ("manual", "javascript:alert(1)", isv.clone(), "href"),
        ("manual", "", "999999".to_owned(), "partner_type_id"),
    ] {
        let (status, body) = post(admin.clone(), "add_onboarding_step", form(kind, href, partner_type)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["fields"][field].is_string(), "{field}: {body}");
    }
    let (status, _) = post(partner.clone(), "add_onboarding_step", form("manual", "", isv.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(steps().await, before, "nothing was added");

    // An automatic step added after its milestone happened is done at once.
    register(&app, &partner, "Initech", "initech.example").await;
    let (status, body) = post(admin.clone(), "add_onboarding_step", form("first_deal_registered", "/deals", isv)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view = checklist(&app, &partner).await;
    assert_eq!(titles(&view).last().map(String::as_str), Some("Tell us about your first customer"));
    assert_eq!(state(&view, "Tell us about your first customer"), "done");

    // Removing a step the partner did, and moving another, undoes nothing else.
    let learn = step(&view, "Learn how deal registration protects you")["step"]["id"].to_string();
    let organisation = view["organisation_id"].to_string();
    let tick = vec![("organisation_id", organisation), ("step_id", learn.clone()), ("command", "tick".to_owned())];
    assert_eq!(post(partner.clone(), "mark_step", tick).await.0, StatusCode::OK);
    let done_before =
        view["checklist"]["items"].as_array().map(|items| items.iter().filter(|i| i["state"] == "done").count());
    let remove = vec![("step_id", learn), ("change", "remove".to_owned())];
    assert_eq!(post(admin.clone(), "change_onboarding_step", remove).await.0, StatusCode::OK);
    let first = step(&view, "Accept the partner agreement")["step"]["id"].to_string();
    let up = vec![("step_id", first.clone()), ("change", "up".to_owned())];
    let (status, body) = post(admin.clone(), "change_onboarding_step", up).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the first step goes no higher: {body}");
    let down = vec![("step_id", first), ("change", "down".to_owned())];
    assert_eq!(post(admin.clone(), "change_onboarding_step", down).await.0, StatusCode::OK);

    let view = checklist(&app, &partner).await;
    assert_eq!(titles(&view)[..2], ["Complete your company profile", "Accept the partner agreement"]);
    assert!(!titles(&view).contains(&"Learn how deal registration protects you".to_owned()));
    let done_after =
        view["checklist"]["items"].as_array().map(|items| items.iter().filter(|i| i["state"] == "done").count());
    assert_eq!(done_after, done_before, "the other steps are as they were");
    assert_eq!(state(&view, "Hold a kickoff call with your channel manager"), "waiting");
    let (_, templates) = app.call(&admin, "onboarding_templates", &[]).await;
    let reseller = templates.as_array().and_then(|all| all.iter().find(|t| t["partner_type"] == "Reseller")).cloned();
    assert_eq!(reseller.and_then(|t| t["steps"].as_array().map(Vec::len)), Some(9), "other types are untouched");
    app.stop().await;
}

async fn completing_the_company_profile_ticks_its_step_and_a_bad_one_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(PINECONE).await;
    let step_title = "Complete your company profile";
    assert_eq!(state(&checklist(&app, &partner).await, step_title), "pending");
    let (_, given) = app.call(&partner, "own_company_profile", &[]).await;
    let region = given["profile"]["region"].as_str().expect("the region the program gave it").to_owned();
    assert!(given["regions"].as_array().is_some_and(|regions| regions.iter().any(|r| r == region.as_str())), "{given}");
    let good = [
        ("name", "Pinecone Apps"),
        ("region", region.as_str()),
        ("website", "https://www.pinecone.example"),
        ("contact_email", "sales@pinecone.example"),
        ("phone", "+1 555 0100 2000"),
        ("city", "Portland"),
        ("country", "United States"),
        ("about", "Apps for field teams."),
    ];
    let saved = || app.count("SELECT COUNT(*) FROM organisations WHERE website <> '' AND name = 'Pinecone Apps'");
    let audited = || app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'partner.profile'");
    let before = audited().await;

    // Each bad field is named and nothing is saved.
    let mut bad = good.to_vec();
    bad[2].1 = "javascript:alert(1)";
    bad[4].1 = "call us";
    let (status, body) = app.call(&partner, "save_company_profile", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["website"].is_string() && body["fields"]["phone"].is_string(), "{body}");
    assert_eq!((saved().await, audited().await), (0, before), "nothing was written");

    // A partner user reads it but does not change it.
    let rep = app.sign_in("rep@pinecone.test").await;
    assert_eq!(app.call(&rep, "save_company_profile", &good).await.0, StatusCode::FORBIDDEN);
    let (status, view) = app.call(&rep, "own_company_profile", &[]).await;
    assert_eq!((status, view["can_edit"].as_bool()), (StatusCode::OK, Some(false)), "{view}");

    // Filled in whole, it ticks the step, and its channel manager sees it on the profile.
    let (status, body) = app.call(&partner, "save_company_profile", &good).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view = checklist(&app, &partner).await;
    assert_eq!(state(&view, step_title), "done");
    let manager = app.sign_in("cam2@acme.test").await;
    let (_, detail) = app.call(&manager, "partner_profile", &[("id", &view["organisation_id"].to_string())]).await;
    assert_eq!(detail["profile"]["website"], "https://www.pinecone.example", "{detail}");
    app.stop().await;
}
