//! The public partner locator over HTTP, on SQLite and on PostgreSQL: anyone finds the listed
//! partners by region, type, tier and text (one not listed is "not found"); a partner's contact
//! form becomes that partner's lead (once per person), told to its admins and marked when another
//! partner registered the customer already; bad input is named and writes nothing; only a
//! partner's admin lists it or takes it off; the pages may be framed by any site.

use crate::support;

use app::on_db;
use reqwest::StatusCode;
use serde_json::Value;
use support::{Backend, TestApp, register};

on_both_databases!(
    prospects_find_listed_partners_and_their_contact_form_makes_a_lead,
    only_a_partners_admin_lists_it_and_bad_input_writes_nothing,
);

async fn page(app: &TestApp, path: &str) -> (StatusCode, String, reqwest::header::HeaderMap) {
    let response = app.client().get(format!("{}{path}", app.base)).send().await.expect("page");
    let (status, headers) = (response.status(), response.headers().clone());
    (status, response.text().await.expect("html"), headers)
}

async fn contact(app: &TestApp, partner: i64, form: &[(&str, &str)]) -> (StatusCode, String, Option<String>) {
    let response =
        app.client().post(format!("{}/locator/{partner}", app.base)).form(form).send().await.expect("form post");
    let status = response.status();
    let location = response.headers().get("location").and_then(|value| value.to_str().ok()).map(str::to_owned);
    (status, response.text().await.expect("body"), location)
}

async fn leads_of(app: &TestApp, organisation_id: i64) -> Vec<(Option<i64>, String, bool)> {
    on_db!(app.db(), pool => sqlx::query_as(
        "SELECT launch_id, email, possible_conflict FROM campaign_leads WHERE organisation_id = $1 ORDER BY id")
        .bind(organisation_id).fetch_all(pool).await)
    .expect("leads")
}

async fn prospects_find_listed_partners_and_their_contact_form_makes_a_lead(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (bluepeak, copperline) =
        (app.organisation_id("Bluepeak Systems").await, app.organisation_id("Copperline IT").await);

    // Everyone listed, Copperline (not listed) nowhere; any site may frame the locator.
    let (status, html, headers) = page(&app, "/locator").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Bluepeak Systems") && !html.contains("Copperline IT"), "{html}");
    assert!(!html.contains("<script"), "no script: it works without JavaScript");
    let policy = headers["content-security-policy"].to_str().unwrap_or_default();
    assert!(policy.contains("frame-ancestors *") && policy.contains("default-src 'none'"), "{policy}");

    // Narrowed by text, region, type and tier, each alone and together.
    for query in ["q=bluepeak", "q=BLUEPEAK+systems&region=North+America", "partner_type=Reseller&tier=Gold"] {
        let (status, html, _) = page(&app, &format!("/locator?{query}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("/locator/{bluepeak}")), "{query} finds Bluepeak: {html}");
    }
    let (_, html, _) = page(&app, "/locator?q=bluepeak&tier=Silver").await;
    assert!(html.contains("No partner matches this search") && !html.contains(&format!("/locator/{bluepeak}")));
    let (status, _, _) = page(&app, "/locator?tier=%FF%FE&q=%00").await;
    assert_eq!(status, StatusCode::OK, "any query is a search, never an error");

    // A partner's page; one not listed, or none, is "not found" alike.
    let (status, html, _) = page(&app, &format!("/locator/{bluepeak}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ask Bluepeak Systems to contact you"), "{html}");
    for path in [format!("/locator/{copperline}"), "/locator/999999".into(), "/locator/not-an-id".into()] {
        assert_eq!(page(&app, &path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(contact(&app, copperline, &[("name", "Pat")]).await.0, StatusCode::NOT_FOUND);

    // Its contact form: a lead of Bluepeak's, from the locator, told to its admin.
    let admin = app.sign_in("partner@bluepeak.test").await;
    let (_, before) = app.call(&admin, "unread_notifications", &[]).await;
    let prospect = [
        ("name", "Lucius Fox"),
        ("email", "Lucius@FoxTech.example"),
        ("company", "Fox Tech"),
        ("phone", "+1 555 0177"),
    ];
    let (status, _, location) = contact(&app, bluepeak, &prospect).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some(format!("/locator/{bluepeak}?sent=1#lead-form").as_str()));
    let (_, thanked, _) = page(&app, &format!("/locator/{bluepeak}?sent=1")).await;
    assert!(thanked.contains("Thank you: Bluepeak Systems will be in touch soon."), "{thanked}");
    assert_eq!(leads_of(&app, bluepeak).await.last(), Some(&(None, "lucius@foxtech.example".to_owned(), false)));
    let (_, after) = app.call(&admin, "unread_notifications", &[]).await;
    assert_eq!(after.as_i64(), before.as_i64().map(|count| count + 1), "its admin is told");
    let (status, list) = app.call(&admin, "leads", &[]).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let row = list["rows"].as_array().and_then(|rows| rows.first()).cloned().unwrap_or(Value::Null);
    assert_eq!(row["company"], "Fox Tech");
    assert!(row["campaign"].is_null() && row["campaign_id"].is_null() && row["possible_conflict"] == false, "{row}");
    let subject: String = on_db!(app.db(), pool => sqlx::query_scalar(
        "SELECT subject FROM outbox WHERE recipient = 'partner@bluepeak.test' ORDER BY id DESC LIMIT 1")
        .fetch_one(pool).await)
    .expect("the admin's email");
    assert_eq!(subject, "A new lead from the partner locator: Lucius Fox of Fox Tech");

    // The same person again within the day: one lead. A robot filling the trap: none.
    let count = leads_of(&app, bluepeak).await.len();
    assert_eq!(contact(&app, bluepeak, &prospect).await.0, StatusCode::SEE_OTHER);
    let robot = [("name", "Bot"), ("email", "bot@spam.example"), ("company", "Spam"), ("website_url", "http://x")];
    assert_eq!(contact(&app, bluepeak, &robot).await.0, StatusCode::SEE_OTHER);
    assert_eq!(leads_of(&app, bluepeak).await.len(), count);

    // Webmail is no company's domain: a Gmail lead is no conflict for a Gmail deal.
    let gmail = [("name", "Dick Grayson"), ("email", "dick@gmail.com"), ("company", "Qzxv Wrenfold")];
    let copperline_admin = app.sign_in("partner@copperline.test").await;
    register(&app, &copperline_admin, "Haly's Circus", "gmail.com").await;
    assert_eq!(contact(&app, bluepeak, &gmail).await.0, StatusCode::SEE_OTHER);
    assert_eq!(leads_of(&app, bluepeak).await.last(), Some(&(None, "dick@gmail.com".to_owned(), false)));

    // A customer Copperline registered already: the lead still goes to Bluepeak, marked.
    register(&app, &copperline_admin, "Wayne Enterprises", "wayne.com").await;
    let wayne = [("name", "Bruce Wayne"), ("email", "bruce@wayne.com"), ("company", "Wayne Enterprises")];
    assert_eq!(contact(&app, bluepeak, &wayne).await.0, StatusCode::SEE_OTHER);
    assert_eq!(leads_of(&app, bluepeak).await.last(), Some(&(None, "bruce@wayne.com".to_owned(), true)));
    app.stop().await;
}

async fn only_a_partners_admin_lists_it_and_bad_input_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (bluepeak, copperline) =
        (app.organisation_id("Bluepeak Systems").await, app.organisation_id("Copperline IT").await);

    // Every field's problem named on the page again, as typed; nothing kept.
    let count = leads_of(&app, bluepeak).await.len();
    let bad = [("name", ""), ("email", "not an address"), ("company", "Fox Tech"), ("phone", "")];
    let (status, html, _) = contact(&app, bluepeak, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(r#"id="lp-name-error""#) && html.contains(r#"id="lp-email-error""#), "{html}");
    assert!(html.contains(r#"value="Fox Tech""#), "what was typed stays: {html}");
    let (status, _, _) = contact(&app, bluepeak, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an empty form names every field");
    assert_eq!(leads_of(&app, bluepeak).await.len(), count);

    // Copperline's admin lists it; its people and other partners cannot; the profile says so.
    let copperline_admin = app.sign_in("partner@copperline.test").await;
    let (status, profile) = app.call(&copperline_admin, "own_company_profile", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(profile["listing"]["listed"], false, "{profile}");
    let manager = app.sign_in("cam2@acme.test").await;
    assert_eq!(app.call(&manager, "set_locator_listing", &[("listed", "true")]).await.0, StatusCode::FORBIDDEN);
    let (status, _) = app.call(&copperline_admin, "set_locator_listing", &[("listed", "maybe")]).await;
    assert!(status.is_client_error(), "a listing is true or false: {status}");
    assert_eq!(page(&app, &format!("/locator/{copperline}")).await.0, StatusCode::NOT_FOUND);
    let (status, _) = app.call(&copperline_admin, "set_locator_listing", &[("listed", "true")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page(&app, &format!("/locator/{copperline}")).await.0, StatusCode::OK);
    assert!(page(&app, "/locator").await.1.contains("Copperline IT"));
    let audited = app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'locator.listing'").await;
    let (status, _) = app.call(&copperline_admin, "set_locator_listing", &[("listed", "true")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'locator.listing'").await,
        audited,
        "listing a listed partner changes nothing"
    );

    // Bluepeak's admin takes Bluepeak off: prospects no longer find it.
    let bluepeak_admin = app.sign_in("partner@bluepeak.test").await;
    let (status, _) = app.call(&bluepeak_admin, "set_locator_listing", &[("listed", "false")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page(&app, &format!("/locator/{bluepeak}")).await.0, StatusCode::NOT_FOUND);
    assert!(!page(&app, "/locator").await.1.contains("Bluepeak Systems"));
    app.stop().await;
}
