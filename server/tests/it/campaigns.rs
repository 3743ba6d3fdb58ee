//! Campaigns over HTTP, on SQLite and on PostgreSQL: marketing writes one (every text checked as a
//! template of known placeholders), sees every targeted partner's readiness and co-branded
//! preview, and publishes it; partners see only what is published and aimed at them, and only
//! their own preview; nothing a partner's profile holds becomes markup.

use crate::support;

use app::on_db;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_FRAME_OPTIONS};
use serde_json::Value;
use support::{Backend, TestApp};

on_both_databases!(
    marketing_writes_previews_and_publishes_a_campaign_for_its_audience_only,
    whatever_a_profile_holds_is_text_in_every_preview,
    a_partner_launches_and_its_landing_page_brings_leads_that_become_deals,
    a_landing_page_holds_each_address_to_a_few_forms,
);

const MARKETING: &str = "marketing@acme.test";
const COPPERLINE: &str = "partner@copperline.test";
const BLUEPEAK: &str = "partner@bluepeak.test";

/// The id of the partner type or tier `name`, from the editor's choices.
async fn choice(app: &TestApp, client: &reqwest::Client, list: &str, name: &str) -> String {
    let (status, body) = app.call(client, "campaign_for_editing", &[("id", "0")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body[1][list]
        .as_array()
        .and_then(|choices| choices.iter().find(|choice| choice[1] == name))
        .and_then(|choice| choice[0].as_i64())
        .expect("a choice")
        .to_string()
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
    assert!(
        body["fields"]["headline"].as_str().is_some_and(|m| m.starts_with("{{ compnay }} is not a placeholder")),
        "{body}"
    );
    assert!(body["fields"]["email_subject"].is_string() && body["fields"]["ends_on"].is_string(), "{body}");
    assert_eq!(audited().await, audits, "nothing was saved");
    let (status, body) = app.call(&marketing, "save_campaign", &campaign("Back up every server", &msp)).await;
    assert_eq!(
        (status, body["fields"]["name"].is_string()),
        (StatusCode::UNPROCESSABLE_ENTITY, true),
        "the demo has this name: {body}"
    );

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
    assert!(
        tidewater["missing"].as_array().is_some_and(|missing| missing.iter().any(|m| m == "a logo")),
        "{tidewater}"
    );
    assert_eq!(
        detail["posts"][0],
        format!("Ask Copperline IT: {}/p/…", app.base),
        "posts as the first partner shares them"
    );

    let copperline_id = app.organisation_id("Copperline IT").await;
    let orbital_id = app.organisation_id("Orbital Cloud Services").await;
    let bluepeak_id = app.organisation_id("Bluepeak Systems").await;
    let preview = get(&app, &marketing, &format!("/campaigns/{id}/preview/{copperline_id}")).await;
    assert_eq!(preview.status(), StatusCode::OK);
    let header = |name| preview.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header(CONTENT_TYPE), "text/html; charset=utf-8");
    assert_eq!(header(X_FRAME_OPTIONS), "SAMEORIGIN");
    assert!(
        header(CONTENT_SECURITY_POLICY).contains("frame-ancestors 'self'")
            && !header(CONTENT_SECURITY_POLICY).contains("script-src")
    );
    let page = preview.text().await.expect("html");
    assert!(page.contains("<h1>Copperline IT watches your servers</h1>"), "{page}");
    assert!(page.contains(&format!("src=\"&#x2f;logos&#x2f;{copperline_id}?v=")), "its logo: {page}");
    let email =
        get(&app, &marketing, &format!("/campaigns/{id}/email/{copperline_id}")).await.text().await.expect("html");
    assert!(email.contains("<title>Monitoring from Copperline IT</title>"), "{email}");
    assert_eq!(
        get(&app, &marketing, &format!("/campaigns/{id}/preview/{bluepeak_id}")).await.status(),
        StatusCode::NOT_FOUND,
        "not in its audience"
    );
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
    assert_eq!(
        get(&app, &copperline, &format!("/campaigns/{id}/preview/{copperline_id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(&copperline, "change_campaign_state", &[("id", &id), ("to", "published")]).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.call(&copperline, "save_campaign", &campaign("Mine", &msp)).await.0, StatusCode::FORBIDDEN);

    // Published: Copperline sees it and its own preview, never another partner's; Bluepeak (a reseller) still nothing.
    let (status, body) = app.call(&marketing, "change_campaign_state", &[("id", &id), ("to", "published")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.call(&marketing, "change_campaign_state", &[("id", &id), ("to", "published")]).await;
    assert_eq!(
        (status, body["fields"]["to"].is_string()),
        (StatusCode::UNPROCESSABLE_ENTITY, true),
        "published once: {body}"
    );
    let (_, list) = app.call(&copperline, "campaigns", &[]).await;
    assert!(named(&list).contains(&"Monitoring month".to_owned()), "{list}");
    let (status, detail) = app.call(&copperline, "campaign_view", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["readiness"].as_array().map(Vec::len), Some(1), "its own only: {detail}");
    assert_eq!(
        get(&app, &copperline, &format!("/campaigns/{id}/preview/{copperline_id}")).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        get(&app, &copperline, &format!("/campaigns/{id}/preview/{orbital_id}")).await.status(),
        StatusCode::NOT_FOUND
    );
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
    let backup = list["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["name"] == "Back up every server"))
        .and_then(|row| row["id"].as_i64())
        .expect("the demo campaign");
    for document in ["preview", "email"] {
        let page = get(&app, &marketing, &format!("/campaigns/{backup}/{document}/{copperline_id}"))
            .await
            .text()
            .await
            .expect("html");
        assert!(!page.contains("<script>alert(1)"), "{document}: {page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"), "{document}: {page}");
        assert!(!page.to_lowercase().contains("href=\"javascript:"), "{document}: {page}");
    }
    app.stop().await;
}

/// The id of the demo's published campaign, as `client` lists it.
async fn backup_campaign(app: &TestApp, client: &reqwest::Client) -> String {
    let (_, list) = app.call(client, "campaigns", &[]).await;
    list["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["name"] == "Back up every server"))
        .and_then(|row| row["id"].as_i64())
        .expect("the demo campaign")
        .to_string()
}

async fn detail_for(app: &TestApp, client: &reqwest::Client, id: &str) -> Value {
    let (status, detail) = app.call(client, "campaign_view", &[("id", id)]).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    detail
}

async fn leads_seen(app: &TestApp, client: &reqwest::Client) -> Vec<String> {
    let (status, list) = app.call(client, "leads", &[]).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["rows"].as_array().expect("rows").iter().filter_map(|row| row["email"].as_str().map(str::to_owned)).collect()
}

async fn send_form(client: &reqwest::Client, address: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client
        .post(address)
        .header("sec-fetch-site", "same-origin")
        .form(form)
        .send()
        .await
        .expect("request reaches the server")
}

const PROSPECT: [(&str, &str); 4] =
    [("name", "Ada Prospect"), ("email", "ada@harbour.example"), ("company", "Harbour Shipping"), ("phone", "")];

async fn a_partner_launches_and_its_landing_page_brings_leads_that_become_deals(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let copperline = app.sign_in(COPPERLINE).await;
    let id = backup_campaign(&app, &copperline).await;
    let launches = || app.count("SELECT COUNT(*) FROM campaign_launches");
    let before = launches().await;

    // Before launching: the form holds marketing's words; nothing to show yet.
    let (status, detail) = app.call(&copperline, "campaign_view", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert!(
        detail["launch"].is_null()
            && detail["personal"]["intro"].as_str().is_some_and(|intro| intro.starts_with("Hourly backups")),
        "{detail}"
    );

    // A call to action that is no web address is refused at its field, nothing launched.
    let bad = [
        ("campaign", id.as_str()),
        ("intro", "{{ company }} is here"),
        ("cta_url", "javascript:alert(1)"),
        ("posts[]", "1"),
    ];
    let (status, body) = app.call(&copperline, "launch_campaign", &bad).await;
    assert_eq!((status, body["fields"]["cta_url"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{body}");
    assert_eq!(launches().await, before);
    // Marketing does not launch; a partner does not launch what is not aimed at it.
    let marketing = app.sign_in(MARKETING).await;
    assert_eq!(app.call(&marketing, "launch_campaign", &[("campaign", id.as_str())]).await.0, StatusCode::FORBIDDEN);
    let granite = app.sign_in("partner@granite.test").await;
    let (granite_sees, _) = app.call(&granite, "campaign_view", &[("id", &id)]).await;
    if granite_sees == StatusCode::NOT_FOUND {
        assert_eq!(app.call(&granite, "launch_campaign", &[("campaign", id.as_str())]).await.0, StatusCode::NOT_FOUND);
    }

    let good = [
        ("campaign", id.as_str()),
        ("intro", "{{ company }} is here for you"),
        ("cta_text", "Call us"),
        ("posts[]", "1"),
    ];
    let (status, body) = app.call(&copperline, "launch_campaign", &good).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let address = body.as_str().expect("its address").to_owned();
    assert!(address.starts_with(&format!("{}/p/", app.base)) && address.len() >= app.base.len() + 3 + 22, "{address}");
    let copperline_id = app.organisation_id("Copperline IT").await;
    let milestones = app::onboarding::store::milestones(app.db(), copperline_id).await.expect("milestones");
    assert!(milestones.first_campaign_launched.is_some(), "launching ticks the onboarding step");
    // Changing it later keeps its address.
    let (_, again) = app.call(&copperline, "launch_campaign", &good).await;
    assert_eq!(again.as_str(), Some(address.as_str()));
    let (_, detail) = app.call(&copperline, "campaign_view", &[("id", &id)]).await;
    assert_eq!(detail["launch"]["address"], address.as_str(), "{detail}");
    assert_eq!(
        detail["posts"][1],
        format!("Hourly backups, restored in minutes. Ask Copperline IT about Acme Cloud Backup: {address}")
    );

    // Anyone opens it, without signing in: the partner's words, its form, nothing that runs.
    let visitor = app.client();
    let page = visitor.get(&address).send().await.expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let policy =
        page.headers().get(CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(policy.contains("form-action 'self'") && !policy.contains("script-src"), "{policy}");
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Copperline IT is here for you") && html.contains(">Call us</a>") && !html.contains("<script"),
        "{html}"
    );
    let slug = address.rsplit('/').next().expect("slug").to_owned();
    let go = visitor.get(format!("{address}/go")).send().await.expect("click");
    assert_eq!(go.status(), StatusCode::SEE_OTHER);
    assert!(go.headers().get("location").is_some(), "the call to action sends the visitor on");

    // A lead: kept once, whatever the case of its address; the partner's admins are told.
    let outbox = || app.count("SELECT COUNT(*) FROM outbox WHERE subject LIKE 'A new lead%'");
    let (leads, told) = (app.count("SELECT COUNT(*) FROM campaign_leads").await, outbox().await);
    let sent = send_form(&visitor, &address, &PROSPECT).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        sent.headers().get("location").and_then(|v| v.to_str().ok()),
        Some(format!("/p/{slug}?sent=1#lead-form").as_str())
    );
    let mut twice = PROSPECT;
    twice[1] = ("email", "ADA@harbour.example");
    assert_eq!(send_form(&visitor, &address, &twice).await.status(), StatusCode::SEE_OTHER);
    // A robot that fills the trap is thanked and forgotten.
    let mut robot = PROSPECT;
    robot[1] = ("email", "robot@spam.example");
    let mut robot = robot.to_vec();
    robot.push(("website_url", "http://spam.example"));
    assert_eq!(send_form(&visitor, &address, &robot).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT COUNT(*) FROM campaign_leads").await, leads + 1, "one lead");
    assert!(outbox().await > told, "the partner's admins are told");
    // Bad fields: the page again, each field's problem named, what was typed kept, nothing stored.
    let refused =
        send_form(&visitor, &address, &[("name", ""), ("email", "not-an-address"), ("company", "Harbour")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.expect("html");
    assert!(
        html.contains("Enter your name.")
            && html.contains("value=\"not-an-address\"")
            && html.contains("aria-invalid=\"true\""),
        "{html}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM campaign_leads").await, leads + 1);

    // The lead is Copperline's own: its channel manager sees it; Bluepeak and the other manager do not, even by id.
    assert!(leads_seen(&app, &copperline).await.contains(&"ada@harbour.example".to_owned()));
    let bluepeak = app.sign_in(BLUEPEAK).await;
    assert!(!leads_seen(&app, &bluepeak).await.contains(&"ada@harbour.example".to_owned()));
    assert!(leads_seen(&app, &app.sign_in("cam2@acme.test").await).await.contains(&"ada@harbour.example".to_owned()));
    assert!(!leads_seen(&app, &app.sign_in("cam@acme.test").await).await.contains(&"ada@harbour.example".to_owned()));
    let (_, list) = app.call(&copperline, "leads", &[]).await;
    let lead = list["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["email"] == "ada@harbour.example"))
        .and_then(|row| row["id"].as_i64())
        .expect("the lead")
        .to_string();
    assert_eq!(app.call(&bluepeak, "deal_form", &[("lead", &lead)]).await.0, StatusCode::NOT_FOUND);

    // One click makes it a deal registration: the form filled from it; the deal counts for the campaign.
    let (status, setup) = app.call(&copperline, "deal_form", &[("lead", &lead)]).await;
    assert_eq!(status, StatusCode::OK, "{setup}");
    assert_eq!(
        (setup["prefill"]["customer_company"].as_str(), setup["prefill"]["customer_domain"].as_str()),
        (Some("Harbour Shipping"), Some("harbour.example"))
    );
    let token = setup["form_token"].as_str().expect("token").to_owned();
    let close = support::in_a_month();
    let mut form = support::deal_form(&token, "submit", "Harbour Shipping", "harbour.example", &close);
    form.push(("lead", &lead));
    let (status, saved) = app.call(&copperline, "save_deal", &form).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    // The same form sent again, or another form for the same lead (a second tab): the one deal.
    let (status, resent) = app.call(&copperline, "save_deal", &form).await;
    assert_eq!((status, &resent["id"]), (StatusCode::OK, &saved["id"]), "{resent}");
    let other_token = support::form_token(&app, &copperline).await;
    let mut other = support::deal_form(&other_token, "submit", "Harbour Shipping", "harbour.example", &close);
    other.push(("lead", &lead));
    let (status, second) = app.call(&copperline, "save_deal", &other).await;
    assert_eq!((status, &second["id"]), (StatusCode::OK, &saved["id"]), "{second}");
    assert_eq!(app.count("SELECT COUNT(*) FROM deals WHERE lead_id IS NOT NULL").await, 1);
    let (status, again) = app.call(&copperline, "deal_form", &[("lead", &lead)]).await;
    assert_eq!(
        (status, again["fields"]["lead"].is_string()),
        (StatusCode::UNPROCESSABLE_ENTITY, true),
        "registered once: {again}"
    );

    // Marketing's report: Copperline's row counts its view, click, lead and deal.
    app.write_tally().await;
    let (_, report) = app.call(&marketing, "campaign_view", &[("id", &id)]).await;
    let row = report["readiness"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["name"] == "Copperline IT"))
        .cloned()
        .expect("Copperline");
    assert_eq!(row["counts"], serde_json::json!({ "views": 1, "clicks": 1, "leads": 1, "deals": 1 }), "{row}");
    // Its charts: the funnel over every partner, and views day by day adding up to the same (the
    // campaign opened ten days ago); Copperline's manager sees Copperline's figures alone.
    let total_views: i64 =
        report["readiness"].as_array().expect("rows").iter().filter_map(|row| row["counts"]["views"].as_i64()).sum();
    assert_eq!(report["charts"][0]["bars"][0]["value"].as_i64(), Some(total_views), "{}", report["charts"]);
    let daily: i64 =
        report["charts"][1]["bars"].as_array().expect("days").iter().filter_map(|bar| bar["value"].as_i64()).sum();
    assert_eq!(daily, total_views, "{}", report["charts"][1]);
    let (_, managed) = app.call(&app.sign_in("cam2@acme.test").await, "campaign_view", &[("id", &id)]).await;
    let funnel: Vec<i64> =
        managed["charts"][0]["bars"].as_array().expect("bars").iter().filter_map(|bar| bar["value"].as_i64()).collect();
    assert_eq!(funnel, [1, 1, 1, 1], "{managed}");
    assert_eq!(
        detail_for(&app, &copperline, &id).await["charts"],
        serde_json::json!([]),
        "a partner sees its own figures, not the report"
    );

    // Paused, the address says it is not available, and takes no form; resumed, it is back.
    let (status, body) = app.call(&copperline, "pause_landing_page", &[("campaign", &id), ("paused", "true")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let paused = visitor.get(&address).send().await.expect("page");
    assert_eq!(paused.status(), StatusCode::NOT_FOUND);
    let unknown = visitor.get(format!("{}/p/AAAAAAAAAAAAAAAAAAAAAA", app.base)).send().await.expect("page");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let (paused, unknown) = (paused.text().await.expect("html"), unknown.text().await.expect("html"));
    assert!(paused.contains("This page is not available") && !paused.contains("Copperline"), "{paused}");
    assert_eq!(paused, unknown, "a paused page tells nothing an unknown one does not");
    let mut late = PROSPECT;
    late[1] = ("email", "late@harbour.example");
    assert_eq!(send_form(&visitor, &address, &late).await.status(), StatusCode::NOT_FOUND);
    app.call(&copperline, "pause_landing_page", &[("campaign", &id), ("paused", "false")]).await;
    assert_eq!(visitor.get(&address).send().await.expect("page").status(), StatusCode::OK);
    app.stop().await;
}

async fn a_landing_page_holds_each_address_to_a_few_forms(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let slug: String =
        on_db!(app.db(), pool => sqlx::query_scalar("SELECT slug FROM campaign_launches ORDER BY id LIMIT 1")
        .fetch_one(pool).await)
        .expect("the demo's launch");
    let address = format!("{}/p/{slug}", app.base);
    let visitor = app.client();
    let leads = app.count("SELECT COUNT(*) FROM campaign_leads").await;
    for sent in 0..app::campaigns::public::SENDS_PER_WINDOW {
        let email = format!("person{sent}@example.org");
        let form = [("name", "Pat"), ("email", email.as_str()), ("company", "Example")];
        assert_eq!(send_form(&visitor, &address, &form).await.status(), StatusCode::SEE_OTHER, "form {sent}");
    }
    let refused =
        send_form(&visitor, &address, &[("name", "Pat"), ("email", "one-more@example.org"), ("company", "Example")])
            .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!(wait > 0 && wait <= 600, "{wait}");
    assert!(refused.text().await.expect("text").contains("try again in"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM campaign_leads").await,
        leads + i64::from(app::campaigns::public::SENDS_PER_WINDOW)
    );
    // Reading the page is never held back.
    assert_eq!(visitor.get(&address).send().await.expect("page").status(), StatusCode::OK);
    app.stop().await;
}
