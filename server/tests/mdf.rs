//! Market development funds over HTTP, on SQLite and on PostgreSQL: allocations never pass their
//! quarter's budget and requests never pass their allocation (two at once included); a request
//! moves only by the people whose move it is; nobody reads another partner's funds.

mod support;

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::Value;
use support::{Backend, TestApp};

on_both_databases!(
    allocations_stay_within_the_budget_and_requests_within_their_allocation,
    a_request_moves_only_by_whose_move_it_is,
);

const ADMIN: &str = "admin@acme.test";
const BLUEPEAK: &str = "partner@bluepeak.test";

fn quarter_now() -> String {
    let today = Utc::now().date_naive();
    format!("{}-Q{}", chrono::Datelike::year(&today), chrono::Datelike::month0(&today) / 3 + 1)
}

/// Bluepeak's allocation of this quarter (the demo's: 20,000 USD, 10,500 requested).
async fn bluepeak_allocation(app: &TestApp, partner: &reqwest::Client) -> Value {
    let (status, view) = app.call(partner, "mdf_overview", &[]).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let allocations = view["allocations"].as_array().expect("allocations");
    assert_eq!(allocations.len(), 1, "only Bluepeak's own: {view}");
    allocations[0].clone()
}

async fn ask(app: &TestApp, client: &reqwest::Client, allocation: &str, amount: &str) -> (StatusCode, Value) {
    let today = Utc::now().date_naive();
    let (starts, ends) = (today.to_string(), (today + Duration::days(1)).to_string());
    let form = [
        ("allocation", allocation),
        ("kind", "digital"),
        ("title", "Search ads"),
        ("starts_on", starts.as_str()),
        ("ends_on", ends.as_str()),
        ("amount", amount),
        ("expected_outcome", "25 leads"),
        ("campaign", ""),
    ];
    app.call(client, "request_mdf", &form).await
}

async fn allocations_stay_within_the_budget_and_requests_within_their_allocation(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in(ADMIN).await;
    let quarter = quarter_now();
    let northwind = app.organisation_id("Northwind Distribution").await.to_string();
    let allocate = |amount: &'static str| {
        let (partner, quarter) = (northwind.clone(), quarter.clone());
        let expires = (Utc::now().date_naive() + Duration::days(30)).to_string();
        let admin = &admin;
        let app = &app;
        async move {
            let form = [
                ("partner", partner.as_str()),
                ("period", quarter.as_str()),
                ("amount", amount),
                ("expires_on", expires.as_str()),
            ];
            app.call(admin, "allocate_mdf", &form).await
        }
    };
    // The demo's 100,000 USD budget has 38,000 allocated: 62,000 is left, not a cent more.
    let (status, body) = allocate("62,000.01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"]["amount"], "Only 62,000.00 USD of the quarter's budget is left to allocate.");
    let (status, body) = allocate("62,000").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = allocate("62,000").await;
    assert_eq!(status, StatusCode::OK, "changing a partner's allocation counts it once");
    // The budget cannot drop below what is allocated; a quarter without one allocates nothing.
    let (status, body) =
        app.call(&admin, "set_mdf_budget", &[("period", quarter.as_str()), ("amount", "99,999.99")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["amount"].as_str().is_some_and(|m| m.contains("100,000.00 USD")), "{body}");
    let form = [("partner", northwind.as_str()), ("period", "2031-Q1"), ("amount", "1"), ("expires_on", "2031-03-31")];
    let (status, body) = app.call(&admin, "allocate_mdf", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["period"].is_string(), "{body}");
    // A channel manager allocates only to their own partners; a partner not at all.
    let sam = app.sign_in("cam@acme.test").await;
    let copperline_id = app.organisation_id("Copperline IT").await.to_string();
    let theirs = [
        ("partner", copperline_id.as_str()),
        ("period", quarter.as_str()),
        ("amount", "1"),
        ("expires_on", "2031-03-31"),
    ];
    let (status, body) = app.call(&sam, "allocate_mdf", &theirs).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["partner"].is_string(), "Copperline is another manager's: {body}");
    let partner = app.sign_in(BLUEPEAK).await;
    let (status, _) = app.call(&partner, "allocate_mdf", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.call(&partner, "set_mdf_budget", &[("period", quarter.as_str()), ("amount", "1")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Bluepeak has 9,500 USD left of its 20,000: a cent more is refused, and nothing is stored.
    let allocation = bluepeak_allocation(&app, &partner).await;
    assert_eq!(
        (allocation["amount_minor"].as_i64(), allocation["committed_minor"].as_i64()),
        (Some(20_000_00), Some(10_500_00))
    );
    let id = allocation["id"].as_i64().expect("id").to_string();
    let stored = "SELECT COUNT(*) FROM mdf_requests";
    let before = app.count(stored).await;
    let (status, body) = ask(&app, &partner, &id, "9,500.01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"]["amount"], "Only 9,500.00 USD of this allocation is left.");
    assert_eq!(app.count(stored).await, before);
    // Two requests of 6,000 at once: one fits, the other is told what is left.
    let rep = app.sign_in("rep@bluepeak.test").await;
    let (first, second) = tokio::join!(ask(&app, &partner, &id, "6,000"), ask(&app, &rep, &id, "6,000"));
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY], "{first:?} {second:?}");
    assert_eq!(bluepeak_allocation(&app, &partner).await["committed_minor"].as_i64(), Some(16_500_00));
    // Another partner's allocation is not one to request from.
    let copperline = app.sign_in("partner@copperline.test").await;
    let (status, body) = ask(&app, &copperline, &id, "1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["allocation"].is_string(), "{body}");
    assert!(!body.to_string().contains("Bluepeak"), "{body}");
}

async fn subjects(app: &TestApp, recipient: &str) -> Vec<String> {
    app::on_db!(app.db(), pool => sqlx::query_scalar("SELECT subject FROM outbox WHERE recipient = $1 ORDER BY id")
        .bind(recipient).fetch_all(pool).await)
    .expect("outbox")
}

async fn act(app: &TestApp, client: &reqwest::Client, id: &str, command: &str, reason: &str) -> (StatusCode, Value) {
    app.call(client, "act_on_mdf", &[("id", id), ("command", command), ("reason", reason)]).await
}

async fn a_request_moves_only_by_whose_move_it_is(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(BLUEPEAK).await;
    let allocation = bluepeak_allocation(&app, &partner).await["id"].as_i64().expect("id").to_string();
    let (status, id) = ask(&app, &partner, &allocation, "1,000").await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let id = id.as_i64().expect("id").to_string();

    // Another partner, and a channel manager of other partners: not found.
    for stranger in ["partner@copperline.test", "cam2@acme.test"] {
        let client = app.sign_in(stranger).await;
        let (status, body) = app.call(&client, "mdf_request", &[("id", id.as_str())]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{stranger}: {body}");
        let (status, _) = act(&app, &client, &id, "pre_approve", "").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{stranger}");
        let (_, view) = app.call(&client, "mdf_overview", &[]).await;
        assert!(!view.to_string().contains("Search ads"), "{stranger} sees Bluepeak's request: {view}");
    }
    // The partner cannot decide on its own request.
    let (status, _) = act(&app, &partner, &id, "pre_approve", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Its channel manager must say why it rejects; then pre-approves it.
    let sam = app.sign_in("cam@acme.test").await;
    let (status, body) = act(&app, &sam, &id, "reject", " ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["reason"].is_string(), "{body}");
    let (status, body) = act(&app, &sam, &id, "pre_approve", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The request went to Sam, the decision to Bluepeak's admins.
    assert!(
        subjects(&app, "cam@acme.test")
            .await
            .iter()
            .any(|s| s == "Bluepeak Systems requests 1,000.00 USD of MDF: Search ads")
    );
    assert!(
        subjects(&app, BLUEPEAK)
            .await
            .iter()
            .any(|s| s == "Your MDF request \u{201c}Search ads\u{201d} was pre-approved")
    );
    let (status, body) = act(&app, &sam, &id, "pre_approve", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "twice: {body}");
    // The partner may not withdraw it now, but marks it executed (it began today).
    let (status, _) = act(&app, &partner, &id, "withdraw", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = act(&app, &sam, &id, "mark_executed", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the partner's move");
    let (status, body) = act(&app, &partner, &id, "mark_executed", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, detail) = app.call(&partner, "mdf_request", &[("id", id.as_str())]).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["request"]["state"], "Executed");
    let states: Vec<&str> =
        detail["events"].as_array().expect("events").iter().filter_map(|e| e["state"].as_str()).collect();
    assert_eq!(states, ["Requested", "PreApproved", "Executed"]);
    assert_eq!(detail["actions"].as_array().map(Vec::len), Some(0), "nothing left to do this stop");

    // A withdrawn request gives its funds back.
    let before = bluepeak_allocation(&app, &partner).await["committed_minor"].as_i64();
    let (_, second) = ask(&app, &partner, &allocation, "500").await;
    let second = second.as_i64().expect("id").to_string();
    let (status, body) = act(&app, &partner, &second, "withdraw", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(bluepeak_allocation(&app, &partner).await["committed_minor"].as_i64(), before);
}
