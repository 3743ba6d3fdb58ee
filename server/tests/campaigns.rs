//! Campaigns over HTTP, on SQLite and on PostgreSQL: marketing writes one (every text checked as a
//! template of known placeholders), sees every targeted partner's readiness and co-branded
//! preview, and publishes it; partners see only what is published and aimed at them, and only
//! their own preview; nothing a partner's profile holds becomes markup.

mod support;

use app::on_db;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_FRAME_OPTIONS};
use serde_json::Value;
use support::{Backend, TestApp};

on_both_databases!(
    marketing_writes_previews_and_publishes_a_campaign_for_its_audience_only,
    whatever_a_profile_holds_is_text_in_every_preview,
);

const MARKETING: &str = "marketing@acme.test";
const COPPERLINE: &str = "partner@copperline.test";
const BLUEPEAK: &str = "partner@bluepeak.test";

/// The id of the partner type or tier `name`, from the editor's choices.
async fn choice(app: &TestApp, client: &reqwest::Client, list: &str, name: &str) -> String {
    let (status, body) = app.call(client, "campaign_for_editing", &[("id", "0")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body[1][list].as_array().and_then(|choices| choices.iter().find(|choice| choice[1] == name))
        .and_then(|choice| choice[0].as_i64()).expect("a choice").to_string()
}

fn campaign<'a>(name: &'a str, msp: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("headline", "{{ company }} watches your servers"),
        ("intro", "Call {{ contact_name }} on {{ phone }}."),
        ("cta_text", "Book a call"),
        ("email_subject", "Monitoring from {{ company }}"),
        ("email_body", "Hello,\n\n{{ company }} can help."),
        ("posts", "Ask {{ company }}: {{ link }}"),
        ("starts_on", "2027-01-01"),
        ("ends_on", "2027-02-01"),
        ("types[]", msp),
    ]
}

async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> reqwest::Response {
    client.get(format!("{}{path}", app.base)).send().await.expect("request reaches the server")
}

fn named(list: &Value) -> Vec<String> {
    list["rows"].as_array().expect("rows").iter().filter_map(|row| row["name"].as_str().map(str::to_owned)).collect()
}

async fn marketing_writes_previews_and_publishes_a_campaign_for_its_audience_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let marketing = app.sign_in(MARKETING).await;
    let msp = choice(&app, &marketing, "types", "MSP").await;
    let audited = || app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'campaign.change'");
    let audits = audited().await;

    // A placeholder that does not exist, an empty subject and a window backwards: each named, nothing saved.
    let mut bad = campaign("Monitoring month", &msp);
    bad[1] = ("headline", "{{ compnay }} watches your servers");
    bad[4] = ("email_subject", " ");
    bad[8] = ("ends_on", "2026-12-01");
    let (status, body) = app.call(&marketing, "save_campaign", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["headline"].as_str().is_some_and(|m| m.starts_with("{{ compnay }} is not a placeholder")), "{body}");
    assert!(body["fields"]["email_subject"].is_string() && body["fields"]["ends_on"].is_string(), "{body}");
    assert_eq!(audited().await, audits, "nothing was saved");
    let (status, body) = app.call(&marketing, "save_campaign", &campaign("Back up every server", &msp)).await;
    assert_eq!((status, body["fields"]["name"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true), "the demo has this name: {body}");

    let (status, body) = app.call(&marketing, "save_campaign", &campaign("Monitoring month", &msp)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id = body.as_i64().expect("its id").to_string();

    // Marketing sees every managed-service provider it targets, and which of them lacks a logo.
    let (status, detail) = app.call(&marketing, "campaign_view", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    let readiness = detail["readiness"].as_array().cloned().expect("readiness");
    let names: Vec<&str> = readiness.iter().filter_map(|partner| partner["name"].as_str()).collect();
    assert_eq!(names, ["Copperline IT", "Meridian Managed", "Orbital Cloud Services", "Tidewater Managed IT"]);
    let tidewater = readiness.iter().find(|partner| partner["name"] == "Tidewater Managed IT").expect("Tidewater");
    assert!(tidewater["missing"].as_array().is_some_and(|missing| missing.iter().any(|m| m == "a logo")), "{tidewater}");
    assert_eq!(detail["posts"][0], format!("Ask Copperline IT: {}/p/…", app.base), "posts as the first partner shares them");

    let copperline_id = app.organisation_id("Copperline IT").await;
    let orbital_id = app.organisation_id("Orbital Cloud Services").await;
    let bluepeak_id = app.organisation_id("Bluepeak Systems").await;
    let preview = get(&app, &marketing, &format!("/campaigns/{id}/preview/{copperline_id}")).await;
    assert_eq!(preview.status(), StatusCode::OK);
    let header = |name| preview.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header(CONTENT_TYPE), "text/html; charset=utf-8");
    assert_eq!(header(X_FRAME_OPTIONS), "SAMEORIGIN");
    assert!(header(CONTENT_SECURITY_POLICY).contains("frame-ancestors 'self'") && !header(CONTENT_SECURITY_POLICY).contains("script-src"));
    let page = preview.text().await.expect("html");
    assert!(page.contains("<h1>Copperline IT watches your servers</h1>"), "{page}");
    assert!(page.contains(&format!("src=\"&#x2f;logos&#x2f;{copperline_id}?v=")), "its logo: {page}");
    let email = get(&app, &marketing, &format!("/campaigns/{id}/email/{copperline_id}")).await.text().await.expect("html");
    assert!(email.contains("<title>Monitoring from Copperline IT</title>"), "{email}");
    assert_eq!(get(&app, &marketing, &format!("/campaigns/{id}/preview/{bluepeak_id}")).await.status(), StatusCode::NOT_FOUND, "not in its audience");
    // A channel manager sees the partners of theirs it targets (the demo's MSPs are all Rin's), and
    // no other manager's partner, nor its preview.
    for (manager, expected) in [("cam2@acme.test", names.len()), ("cam@acme.test", 0)] {
        let client = app.sign_in(manager).await;
        let (status, seen) = app.call(&client, "campaign_view", &[("id", &id)]).await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        assert_eq!(seen["readiness"].as_array().map(Vec::len), Some(expected), "{manager}: {seen}");
        let preview = get(&app, &client, &format!("/campaigns/{id}/preview/{copperline_id}")).await.status();
        assert_eq!(preview, if expected > 0 { StatusCode::OK } else { StatusCode::NOT_FOUND }, "{manager}");
    }

    // A draft is marketing's own; partners neither list it nor open it, nor change anything.
    let copperline = app.sign_in(COPPERLINE).await;
    let (_, list) = app.call(&copperline, "campaigns", &[]).await;
    assert_eq!(named(&list), ["Back up every server"], "only what is published and aimed at it: {list}");
    assert_eq!(app.call(&copperline, "campaign_view", &[("id", &id)]).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, &copperline, &format!("/campaigns/{id}/preview/{copperline_id}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.call(&copperline, "change_campaign_state", &[("id", &id), ("to", "published")]).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.call(&copperline, "save_campaign", &campaign("Mine", &msp)).await.0, StatusCode::FORBIDDEN);

    // Published: Copperline sees it and its own preview, never another partner's; Bluepeak (a reseller) still nothing.
    let (status, body) = app.call(&marketing, "change_campaign_state", &[("id", &id), ("to", "published")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.call(&marketing, "change_campaign_state", &[("id", &id), ("to", "published")]).await;
    assert_eq!((status, body["fields"]["to"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true), "published once: {body}");
    let (_, list) = app.call(&copperline, "campaigns", &[]).await;
    assert!(named(&list).contains(&"Monitoring month".to_owned()), "{list}");
    let (status, detail) = app.call(&copperline, "campaign_view", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["readiness"].as_array().map(Vec::len), Some(1), "its own only: {detail}");
    assert_eq!(get(&app, &copperline, &format!("/campaigns/{id}/preview/{copperline_id}")).await.status(), StatusCode::OK);
    assert_eq!(get(&app, &copperline, &format!("/campaigns/{id}/preview/{orbital_id}")).await.status(), StatusCode::NOT_FOUND);
    let bluepeak = app.sign_in(BLUEPEAK).await;
    assert_eq!(app.call(&bluepeak, "campaign_view", &[("id", &id)]).await.0, StatusCode::NOT_FOUND);
    assert_eq!(audited().await, audits + 2, "created and published");
    app.stop().await;
}

async fn whatever_a_profile_holds_is_text_in_every_preview(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let copperline_id = app.organisation_id("Copperline IT").await;
    // Written past the profile's own checks, as old data or another writer might have left it.
    on_db!(app.db(), pool => sqlx::query("UPDATE organisations SET name = $1, website = $2 WHERE id = $3")
        .bind("<script>alert(1)</script>").bind("javascript:alert(1)").bind(copperline_id).execute(pool).await.map(|_| ()))
    .expect("profile written");
    let marketing = app.sign_in(MARKETING).await;
    let (_, list) = app.call(&marketing, "campaigns", &[]).await;
    let backup = list["rows"].as_array().and_then(|rows| rows.iter().find(|row| row["name"] == "Back up every server"))
        .and_then(|row| row["id"].as_i64()).expect("the demo campaign");
    for document in ["preview", "email"] {
        let page = get(&app, &marketing, &format!("/campaigns/{backup}/{document}/{copperline_id}")).await.text().await.expect("html");
        assert!(!page.contains("<script>alert(1)"), "{document}: {page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"), "{document}: {page}");
        assert!(!page.to_lowercase().contains("href=\"javascript:"), "{document}: {page}");
    }
    app.stop().await;
}
