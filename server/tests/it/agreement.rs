//! The partner agreement over HTTP, on SQLite and on PostgreSQL: until a partner organisation has
//! accepted the current version, every other page and server function turns its people to the
//! agreement; acceptances record who signed what, when and from where, and stay within reach.

use crate::support;

use app::auth::access::{BEFORE_AGREEMENT_SERVER_FNS, PUBLIC_SERVER_FNS};
use reqwest::StatusCode;
use serde_json::Value;
use support::{Backend, TestApp};

on_both_databases!(
    until_the_agreement_is_accepted_every_other_page_and_server_function_refuses,
    a_partner_admin_accepts_and_the_acceptance_records_who_what_when_and_where,
    a_bad_acceptance_changes_nothing,
    a_new_version_is_asked_for_at_once_or_within_its_grace,
    acceptances_and_receipts_stay_within_reach,
);

/// A partner that has accepted no version in the demo data, and its admin and user.
const NEW_PARTNER: &str = "Ironbridge Systems";
const NEW_ADMIN: &str = "partner@ironbridge.test";
const NEW_USER: &str = "rep@ironbridge.test";

fn registered_server_fns() -> Vec<String> {
    leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.trim_start_matches("/api/").to_owned()).collect()
}

async fn acceptances_of(app: &TestApp, organisation: &str) -> i64 {
    let id = app.organisation_id(organisation).await;
    app::on_db!(app.db(), pool => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM agreement_acceptances WHERE organisation_id = $1").bind(id).fetch_one(pool).await)
    .expect("count")
}

async fn current_version(app: &TestApp, client: &reqwest::Client) -> Value {
    let (status, view) = app.call(client, "agreement", &[]).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> reqwest::Response {
    client.get(format!("{}{path}", app.base)).header("accept", "text/html").send().await.expect("page")
}

async fn until_the_agreement_is_accepted_every_other_page_and_server_function_refuses(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (who, says) in [(NEW_ADMIN, "Accept the partner agreement"), (NEW_USER, "Your administrator must accept")] {
        let client = app.sign_in(who).await;
        for name in registered_server_fns() {
            if PUBLIC_SERVER_FNS.contains(&name.as_str()) || BEFORE_AGREEMENT_SERVER_FNS.contains(&name.as_str()) {
                continue;
            }
            let (status, body) = app.call(&client, &name, &[]).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who} calling {name}: {body}");
            assert_eq!(body["kind"], "agreement_required", "{who} calling {name}: {body}");
            assert!(body["message"].as_str().is_some_and(|message| message.contains(says)), "{body}");
        }
        for path in ["/", "/deals", "/deals/new", "/team", "/scorecard", "/leaderboard"] {
            let response = page(&app, &client, path).await;
            assert_eq!(response.status(), StatusCode::FOUND, "{who} opening {path}");
            let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
            assert_eq!(location.as_deref(), Some("/agreement"), "{who} opening {path}");
        }
        // A form posted without JavaScript, and a download, are sent to the agreement too.
        let posted = client
            .post(format!("{}/api/home_summary", app.base))
            .header("accept", "text/html")
            .send()
            .await
            .expect("answer");
        assert!(posted.status().is_redirection(), "{who}: {}", posted.status());
        assert_eq!(posted.headers().get("location").and_then(|v| v.to_str().ok()), Some("/agreement"));
        let export = page(&app, &client, "/deals/export.csv").await;
        assert_eq!(export.headers().get("location").and_then(|v| v.to_str().ok()), Some("/agreement"), "{who}");
        let response = page(&app, &client, "/agreement").await;
        assert_eq!(response.status(), StatusCode::OK, "{who}: the agreement page works");
        let html = response.text().await.expect("html");
        assert!(html.contains("Acme Cloud Partner Agreement 2027"), "the current version is shown");
        assert!(html.contains("<h4>6. Data protection</h4>"), "its Markdown is rendered under the page headings");
        assert_eq!(html.contains("Accept on behalf of Ironbridge Systems"), who == NEW_ADMIN, "{who}");
        let view = current_version(&app, &client).await;
        assert_eq!(view["standing"]["standing"], "required", "{view}");
    }
    // Partners that accepted are not held up.
    let bluepeak = app.sign_in("partner@bluepeak.test").await;
    assert_eq!(app.call(&bluepeak, "home_summary", &[]).await.0, StatusCode::OK);
    assert_eq!(page(&app, &bluepeak, "/").await.status(), StatusCode::OK);
    app.stop().await;
}

async fn a_partner_admin_accepts_and_the_acceptance_records_who_what_when_and_where(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in(NEW_ADMIN).await;
    let view = current_version(&app, &admin).await;
    assert_eq!((view["can_accept"].as_bool(), view["accepted"].as_bool()), (Some(true), Some(false)), "{view}");
    let version = view["current"]["id"].to_string();
    let form = [("version", version.as_str()), ("full_name", " Ines  Costa "), ("on_behalf", "on")];
    let (status, body) = app.call(&admin, "accept_agreement", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.call(&admin, "home_summary", &[]).await.0, StatusCode::OK, "the portal opens at once");
    assert_eq!(page(&app, &admin, "/").await.status(), StatusCode::OK);
    let colleague = app.sign_in(NEW_USER).await;
    assert_eq!(app.call(&colleague, "home_summary", &[]).await.0, StatusCode::OK, "for the whole organisation");

    let view = current_version(&app, &admin).await;
    assert_eq!((view["accepted"].as_bool(), view["can_accept"].as_bool()), (Some(true), Some(false)), "{view}");
    let acceptance = &view["acceptances"][0];
    assert_eq!(acceptance["organisation_name"], NEW_PARTNER);
    assert_eq!(acceptance["version_number"], 2);
    assert_eq!(acceptance["typed_name"], "Ines Costa");
    assert_eq!(acceptance["person_email"], NEW_ADMIN);
    assert_eq!(acceptance["client_address"], "127.0.0.1");
    let accepted_at: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(acceptance["accepted_at"].clone()).expect("a time");
    assert!((chrono::Utc::now() - accepted_at).num_seconds().abs() < 60, "{accepted_at}");

    let receipt = page(&app, &admin, &format!("/agreement/receipts/{}", acceptance["id"])).await;
    assert_eq!(receipt.status(), StatusCode::OK);
    let disposition = receipt.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let text = receipt.text().await.expect("text");
    for part in [NEW_PARTNER, "Ines Costa", "version 2", "127.0.0.1"] {
        assert!(text.contains(part), "{part} in {text}");
    }
    // Accepting again records nothing more.
    assert_eq!(app.call(&admin, "accept_agreement", &form).await.0, StatusCode::OK);
    assert_eq!(acceptances_of(&app, NEW_PARTNER).await, 1);
    let audited = app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'agreement.accept'").await;
    let seeded = app.count("SELECT COUNT(*) FROM agreement_acceptances").await - 1;
    assert_eq!(audited, seeded + 1, "every acceptance is audited once");
    app.stop().await;
}

async fn a_bad_acceptance_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in(NEW_ADMIN).await;
    let version = current_version(&app, &admin).await["current"]["id"].as_i64().expect("id");
    let (current, older) = (version.to_string(), (version - 1).to_string());

    let user = app.sign_in(NEW_USER).await;
    let form = [("version", current.as_str()), ("full_name", "Pat Rep"), ("on_behalf", "on")];
    let (status, body) = app.call(&user, "accept_agreement", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a partner user cannot sign for the organisation: {body}");

    let (status, body) =
        app.call(&admin, "accept_agreement", &[("version", current.as_str()), ("full_name", " ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"]["full_name"], "Type your full name to sign.");
    assert!(body["fields"]["on_behalf"].as_str().is_some_and(|m| m.contains(NEW_PARTNER)), "{body}");
    let stale = [("version", older.as_str()), ("full_name", "Ines Costa"), ("on_behalf", "on")];
    let (status, body) = app.call(&admin, "accept_agreement", &stale).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["version"].as_str().is_some_and(|m| m.contains("new version")), "{body}");
    let forged = [("version", current.as_str()), ("full_name", "Ines\nINFO forged"), ("on_behalf", "on")];
    let (status, body) = app.call(&admin, "accept_agreement", &forged).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["full_name"].is_string(), "{body}");

    assert_eq!(acceptances_of(&app, NEW_PARTNER).await, 0, "nothing was written");
    assert_eq!(app.call(&admin, "home_summary", &[]).await.1["kind"], "agreement_required");
    app.stop().await;
}

async fn a_new_version_is_asked_for_at_once_or_within_its_grace(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in("admin@acme.test").await;
    let bluepeak = app.sign_in("partner@bluepeak.test").await;
    let versions_before = app.count("SELECT COUNT(*) FROM agreement_versions").await;

    let bad = [("title", ""), ("body", "Terms"), ("deadline", "within"), ("days", "0")];
    let (status, body) = app.call(&admin, "publish_agreement", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["title"].is_string() && body["fields"]["days"].is_string(), "{body}");
    // A text longer than a form gives back is not given back cut short (it would be published so).
    let long = "Terms. ".repeat(500);
    let form = |body: &str| {
        [("title", "T".to_owned()), ("body", body.to_owned()), ("deadline", "within".into()), ("days", "0".into())]
    };
    let (app_ref, admin_ref) = (&app, &admin);
    let call = |body: &str| {
        let form = form(body);
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app_ref.call(admin_ref, "publish_agreement", &form).await
        }
    };
    let (status, body) = call(&long).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["typed"]["body"].is_null() && body["typed"]["days"] == "0", "{body}");
    assert_eq!(call("Short").await.1["typed"]["body"], "Short", "a short text comes back to the form");
    let within =
        [("title", "Agreement 2028"), ("body", "# Terms\n\nNew terms."), ("deadline", "within"), ("days", "10")];
    let (status, body) = app.call(&bluepeak, "publish_agreement", &within).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only admins publish: {body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM agreement_versions").await, versions_before, "nothing published");

    let outbox_before = app.count("SELECT COUNT(*) FROM outbox").await;
    assert_eq!(app.call(&admin, "publish_agreement", &within).await.0, StatusCode::OK);
    let (_, user) = app.call(&bluepeak, "current_user", &[]).await;
    assert_eq!(user["agreement"]["standing"], "due_by", "{user}");
    assert_eq!(app.call(&bluepeak, "home_summary", &[]).await.0, StatusCode::OK, "within the grace it goes on");
    let html = page(&app, &bluepeak, "/").await.text().await.expect("html");
    assert!(html.contains("A new version of the partner agreement"), "a banner says so");
    let admins = app.count("SELECT COUNT(*) FROM users WHERE role = 'partner_admin' AND deactivated_at IS NULL").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await - outbox_before, admins, "every partner admin is told");
    assert!(app.last_link_for("partner@bluepeak.test").await.is_some_and(|link| link.ends_with("/agreement")));

    let at_once =
        [("title", "Agreement 2028 (corrected)"), ("body", "Corrected terms."), ("deadline", "at_once"), ("days", "")];
    assert_eq!(app.call(&admin, "publish_agreement", &at_once).await.0, StatusCode::OK);
    let (status, body) = app.call(&bluepeak, "home_summary", &[]).await;
    assert_eq!((status, body["kind"].as_str()), (StatusCode::FORBIDDEN, Some("agreement_required")), "{body}");
    let view = current_version(&app, &bluepeak).await;
    assert_eq!(view["current"]["number"], 4);
    assert_eq!(view["acceptances"].as_array().map(Vec::len), Some(2), "the earlier acceptances stay: {view}");
    // Vendor staff are never held up.
    assert_eq!(app.call(&admin, "program_overview", &[]).await.0, StatusCode::OK);
    let (status, versions) = app.call(&admin, "agreement_admin", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(versions["versions"][0]["accepted_by"], 0, "{versions}");
    assert_eq!(versions["versions"][0]["title"], "Agreement 2028 (corrected)");
    app.stop().await;
}

async fn acceptances_and_receipts_stay_within_reach(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let copperline = app.sign_in("partner@copperline.test").await;
    let receipt = current_version(&app, &copperline).await["acceptances"][0]["id"].to_string();
    let path = format!("/agreement/receipts/{receipt}");
    for (who, allowed) in [
        ("partner@copperline.test", true),
        ("cam2@acme.test", true),
        ("admin@acme.test", true),
        ("partner@bluepeak.test", false),
        ("rep@bluepeak.test", false),
        ("cam@acme.test", false),
        ("marketing@acme.test", false),
    ] {
        let client = app.sign_in(who).await;
        let response = page(&app, &client, &path).await;
        let expected = if allowed { StatusCode::OK } else { StatusCode::NOT_FOUND };
        assert_eq!(response.status(), expected, "{who} downloading Copperline's receipt");
        if !allowed {
            assert!(!response.text().await.expect("text").contains("Copperline"), "{who} learns nothing");
        }
    }
    let stranger = page(&app, &app.client(), &path).await;
    assert!(stranger.status().is_redirection(), "a stranger is sent away: {}", stranger.status());
    assert_eq!(stranger.headers().get("location").and_then(|v| v.to_str().ok()), Some("/sign-in"));
    let admin = app.sign_in("admin@acme.test").await;
    assert_eq!(page(&app, &admin, "/agreement/receipts/not-a-number").await.status(), StatusCode::NOT_FOUND);
    let copperline_id = app.organisation_id("Copperline IT").await.to_string();
    let manager = app.sign_in("cam2@acme.test").await;
    let (_, profile) = app.call(&manager, "partner_profile", &[("id", copperline_id.as_str())]).await;
    assert_eq!(profile["acceptances"][0]["organisation_name"], "Copperline IT", "{profile}");
    let marketing = app.sign_in("marketing@acme.test").await;
    let (_, profile) = app.call(&marketing, "partner_profile", &[("id", copperline_id.as_str())]).await;
    assert_eq!(profile["acceptances"], Value::Array(vec![]), "marketing sees no agreement records");
    app.stop().await;
}
