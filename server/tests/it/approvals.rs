//! Approvals at speed, over HTTP on SQLite and on PostgreSQL: decisions from a queue row with
//! reasons, confirmation before approving a customer another partner holds approved, the
//! navigation's waiting count and the deal page's "next in queue".

use crate::support;

use app::on_db;
use reqwest::StatusCode;
use support::{Backend, TestApp, approve, register};

on_both_databases!(
    a_manager_decides_from_queue_rows_and_a_rejection_needs_its_reason,
    approving_a_domain_another_partner_holds_approved_asks_to_confirm,
    managers_see_how_many_wait_and_the_next_in_queue,
);

async fn status_of(app: &TestApp, id: i64) -> String {
    on_db!(app.db(), pool => sqlx::query_scalar("SELECT status FROM deals WHERE id = $1").bind(id).fetch_one(pool).await)
        .expect("deal")
}

/// A decision as a queue row sends it.
async fn from_row(
    app: &TestApp,
    client: &reqwest::Client,
    id: i64,
    decision: &str,
    reason: &str,
) -> (StatusCode, serde_json::Value) {
    let id = id.to_string();
    app.call(client, "decide_deal", &[("id", &id), ("decision", decision), ("reason", reason), ("then", "queue")]).await
}

async fn a_manager_decides_from_queue_rows_and_a_rejection_needs_its_reason(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in("partner@bluepeak.test").await;
    let manager = app.sign_in("cam@acme.test").await;
    let first = register(&app, &partner, "Initech", "initech.example").await;
    let second = register(&app, &partner, "Hooli", "hooli.example").await;

    // A rejection without a reason is refused, naming the field, and changes nothing.
    let (status, body) = from_row(&app, &manager, second, "reject", "  ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["reason"].is_string(), "{body}");
    assert_eq!(status_of(&app, second).await, "submitted");

    // Without JavaScript a row's form posts and comes back to the queue.
    let response = manager
        .post(format!("{}/api/decide_deal", app.base))
        .header("accept", "text/html")
        .form(&[("id", first.to_string().as_str()), ("decision", "approve"), ("then", "queue")])
        .send()
        .await
        .expect("post");
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers().get("location").and_then(|v| v.to_str().ok()), Some("/deals/queue"));
    assert_eq!(status_of(&app, first).await, "approved");

    let (status, body) = from_row(&app, &manager, second, "reject", "Already in the vendor's pipeline").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let reason: Option<String> = on_db!(app.db(), pool => sqlx::query_scalar(
        "SELECT rejection_reason FROM deals WHERE id = $1").bind(second).fetch_one(pool).await)
    .expect("reason");
    assert_eq!(reason.as_deref(), Some("Already in the vendor's pipeline"));

    // Only "queue" leads anywhere else than the deal: no open redirect.
    let third = register(&app, &partner, "Vandelay", "vandelay.example").await;
    let response = manager
        .post(format!("{}/api/decide_deal", app.base))
        .header("accept", "text/html")
        .form(&[("id", third.to_string()), ("decision", "approve".into()), ("then", "https://evil.example/".into())])
        .send()
        .await
        .expect("post");
    assert_eq!(
        response.headers().get("location").and_then(|v| v.to_str().ok()),
        Some(format!("/deals/{third}").as_str())
    );
    app.stop().await;
}

async fn approving_a_domain_another_partner_holds_approved_asks_to_confirm(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let copperline = app.sign_in("partner@copperline.test").await;
    let rin = app.sign_in("cam2@acme.test").await;
    let held = register(&app, &copperline, "Globex", "globex.com").await;
    approve(&app, &rin, held).await;

    let bluepeak = app.sign_in("partner@bluepeak.test").await;
    let second = register(&app, &bluepeak, "Globex Corporation", "www.globex.com").await;
    let sam = app.sign_in("cam@acme.test").await;
    let id = second.to_string();
    let (status, body) = app.call(&sam, "decide_deal", &[("id", &id), ("decision", "approve")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let message = body["fields"]["confirm"].as_str().expect("the confirmation is asked for");
    assert!(message.contains("Copperline IT") && message.contains("globex.com"), "{message}");
    assert_eq!(status_of(&app, second).await, "submitted", "nothing changes until confirmed");

    // Rejecting needs no confirmation; approving with it goes through.
    let (status, body) =
        app.call(&sam, "decide_deal", &[("id", &id), ("decision", "approve"), ("confirm", "yes")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(status_of(&app, second).await, "approved");

    // A deal page shows the box to managers whose deal needs it.
    let third = register(&app, &bluepeak, "Globex Labs", "labs.globex.com").await;
    let page = sam.get(format!("{}/deals/{third}", app.base)).header("accept", "text/html").send().await.expect("page");
    let html = page.text().await.expect("html");
    assert!(html.contains("name=\"confirm\""), "the deal page asks to confirm");
    app.stop().await;
}

async fn managers_see_how_many_wait_and_the_next_in_queue(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in("partner@bluepeak.test").await;
    let first = register(&app, &partner, "Initech", "initech.example").await;
    let second = register(&app, &partner, "Hooli", "hooli.example").await;
    let sam = app.sign_in("cam@acme.test").await;
    let rin = app.sign_in("cam2@acme.test").await;

    assert_eq!(app.call(&sam, "approvals_waiting", &[]).await.1, 2);
    assert_eq!(app.call(&rin, "approvals_waiting", &[]).await.1, 0, "Bluepeak is not Rin's");
    assert!(app.call(&partner, "approvals_waiting", &[]).await.1.is_null(), "partners decide nothing");

    let (_, view) = app.call(&sam, "deal_detail", &[("id", &first.to_string())]).await;
    assert_eq!(view["next_in_queue"], second);
    approve(&app, &sam, first).await;
    let (_, view) = app.call(&sam, "deal_detail", &[("id", &first.to_string())]).await;
    assert_eq!(view["next_in_queue"], second, "after a decision the page leads on");
    let (_, view) = app.call(&partner, "deal_detail", &[("id", &first.to_string())]).await;
    assert!(view["next_in_queue"].is_null());

    // The navigation carries the count, and highlights only Approvals on the queue.
    let page = sam.get(format!("{}/deals/queue", app.base)).header("accept", "text/html").send().await.expect("page");
    let html = page.text().await.expect("html");
    assert!(html.contains("data-testid=\"approvals-waiting\""), "the count is in the navigation");
    assert_eq!(html.matches("aria-current=\"page\"").count(), 1, "one current place");
    app.stop().await;
}
