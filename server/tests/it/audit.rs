//! The audit log over HTTP, on SQLite and on PostgreSQL: each change a test makes through the
//! portal or an API token has its entry, with who, the token, the client's address and the fields
//! before and after; admins narrow and export it; nobody else reads it; the database refuses to
//! change or remove an entry.

use crate::support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{Backend, TestApp, in_a_month};

on_both_databases!(every_change_has_its_entry_and_only_admins_read_the_log, the_log_is_append_only);

const ADMIN: &str = "admin@acme.test";

async fn entries(app: &TestApp, admin: &reqwest::Client, query: &[(&str, &str)]) -> Vec<Value> {
    let (status, page) = app.call(admin, "audit_log", query).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["entries"].as_array().expect("entries").clone()
}

async fn every_change_has_its_entry_and_only_admins_read_the_log(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in(ADMIN).await;

    // A change in the portal: the performance settings, with each changed field before and after.
    let settings = [
        ("leaderboard_names", "named"),
        ("activation_days", "60"),
        ("activation_event", "won"),
        ("gross_margin", "35"),
    ];
    let (status, body) = app.call(&admin, "save_program_settings", &settings).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let changed = entries(&app, &admin, &[("action", "program_settings.update")]).await;
    let entry = &changed[0];
    assert_eq!(
        (entry["actor"].as_str(), entry["client"].as_str()),
        (Some("Morgan Reyes"), Some("127.0.0.1")),
        "{entry}"
    );
    let fields: Vec<(&str, &str, &str)> = entry["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (c["field"].as_str().unwrap_or(""), c["before"].as_str().unwrap_or(""), c["after"].as_str().unwrap_or(""))
        })
        .collect();
    assert!(fields.contains(&("activation days", "90", "60")), "{fields:?}");
    assert!(fields.contains(&("gross margin", "40 %", "35 %")), "{fields:?}");
    assert!(!fields.iter().any(|f| f.0 == "activation event"), "unchanged fields are left out");

    // A change through the API: the deal registered names the person and the token.
    let partner = app.sign_in("partner@bluepeak.test").await;
    let (status, fresh) = app
        .call(&partner, "create_api_token", &[("name", "CRM sync"), ("scopes[]", "deals:write"), ("days", "30")])
        .await;
    assert_eq!(status, StatusCode::OK, "{fresh}");
    let secret = fresh["secret"].as_str().expect("secret");
    let deal = json!({
        "customer_company": "Harbour Freight", "customer_domain": "harbourfreight.example", "contact_name": "Dana",
        "contact_email": "dana@harbourfreight.example", "amount_minor": 100_000, "currency": "USD",
        "expected_close_date": in_a_month(), "products": ["Backup Pro"],
    });
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/deals", app.base))
        .bearer_auth(secret)
        .json(&deal)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::CREATED, "{:?}", response.text().await);
    let registered = entries(&app, &admin, &[("action", "deal.register"), ("q", "Harbour Freight")]).await;
    assert_eq!(registered.len(), 1, "{registered:?}");
    assert_eq!(registered[0]["token"].as_str(), Some("CRM sync"));
    assert_eq!(registered[0]["actor"].as_str(), Some("Ava Moreau"));

    // Narrowed by text and dates; a bad date is named.
    let today = chrono::Utc::now().date_naive().to_string();
    let tokens = entries(&app, &admin, &[("q", "CRM sync"), ("from", &today), ("to", &today)]).await;
    assert!(tokens.iter().all(|entry| entry["subject"].as_str().is_some_and(|s| s.contains("CRM sync"))), "{tokens:?}");
    assert!(!tokens.is_empty());
    let (status, problem) = app.call(&admin, "audit_log", &[("from", "yesterday")]).await;
    assert_eq!((status, problem["fields"]["from"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{problem}");

    // The CSV export holds what the page holds.
    let csv =
        admin.get(format!("{}/admin/audit.csv?action=deal.register&q=Harbour", app.base)).send().await.expect("export");
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.expect("csv");
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(
        rows[1].contains("CRM sync") && rows[1].contains("deal.register") && rows[1].contains("127.0.0.1"),
        "{text}"
    );

    // Nobody else reads it.
    let manager = app.sign_in("cam@acme.test").await;
    let (status, _) = app.call(&manager, "audit_log", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let refused = partner.get(format!("{}/admin/audit.csv", app.base)).send().await.expect("export");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

async fn the_log_is_append_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let before = app.count("SELECT COUNT(*) FROM audit_log").await;
    assert!(before > 0, "the demo's changes are audited");
    let changed = app::on_db!(app.db(), pool => sqlx::query("UPDATE audit_log SET subject = 'nothing happened'")
        .execute(pool).await.map(|_| ()));
    assert!(changed.is_err(), "an entry cannot be changed");
    let removed = app::on_db!(app.db(), pool => sqlx::query("DELETE FROM audit_log").execute(pool).await.map(|_| ()));
    assert!(removed.is_err(), "an entry cannot be removed");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, before);
    app.stop().await;
}
