//! Webhooks over HTTP, on SQLite and on PostgreSQL, with a real receiver on loopback: a delivery
//! carries the event and verifies with the documented signature (checked here with the hmac crate,
//! not Tessera's code); a 500 is tried again; a delivery queued before a restart is sent after it;
//! with two servers each delivery is sent once; a test event and "send again" reach the receiver;
//! a bad endpoint is named field by field and writes nothing; only admins see webhooks.

use crate::support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::Sha256;
use support::{Backend, TestApp, approve, register};

on_both_databases!(
    a_delivery_verifies_with_its_signature_and_is_retried_after_a_500,
    a_delivery_queued_before_a_restart_is_sent_after_it,
    with_two_servers_each_delivery_is_sent_once,
    a_test_event_and_a_delivery_sent_again_reach_the_receiver,
    a_bad_endpoint_is_named_and_writes_nothing_and_only_admins_see_webhooks,
);

const ADMIN: &str = "admin@acme.test";
const BLUEPEAK: &str = "partner@bluepeak.test";
const MANAGER: &str = "cam@acme.test";

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Got {
    headers: HeaderMap,
    body: String,
    answered: u16,
}

impl Got {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a delivery's body is JSON")
    }
    fn header(&self, name: &str) -> String {
        self.headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned()
    }
}

/// A webhook receiver on loopback that answers 500 to its first `fail_first` requests.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Got>>>,
    fail_first: Arc<AtomicUsize>,
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    let failing = receiver.fail_first.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
    let status = if failing { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK };
    receiver.got.lock().expect("lock").push(Got { headers, body, answered: status.as_u16() });
    status
}

impl Receiver {
    /// Listens on `listener`; the address deliveries go to.
    fn serve(&self, listener: tokio::net::TcpListener) -> String {
        let address = format!("http://{}/hooks/tessera", listener.local_addr().expect("address"));
        let app = axum::Router::new().route("/hooks/tessera", axum::routing::post(receive)).with_state(self.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        address
    }

    fn got(&self) -> Vec<Got> {
        self.got.lock().expect("lock").clone()
    }

    /// The requests answered 200, waiting (up to 30 s) until there are at least `count`.
    async fn wait_for(&self, count: usize) -> Vec<Got> {
        for _ in 0..300 {
            let delivered: Vec<Got> = self.got().into_iter().filter(|got| got.answered == 200).collect();
            if delivered.len() >= count {
                return delivered;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("fewer than {count} deliveries arrived: {:?}", self.got());
    }
}

/// Whether `header` signs `body` with `secret` as the documentation says: `t=…,v1=…`, v1 the
/// hex HMAC-SHA256 of "t.body".
fn verifies(secret: &str, header: &str, body: &str) -> bool {
    let parts: Vec<(&str, &str)> = header.split(',').filter_map(|part| part.split_once('=')).collect();
    let (Some((_, t)), Some((_, v1))) = (parts.iter().find(|p| p.0 == "t"), parts.iter().find(|p| p.0 == "v1")) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{body}").as_bytes());
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let fresh = t.parse::<i64>().is_ok_and(|t| (chrono::Utc::now().timestamp() - t).abs() < 300);
    expected == *v1 && fresh
}

/// What the documentation's Python example says of a delivery.
fn python_example_says(secret: &str, header: &str, body: &str) -> String {
    let script = format!(
        "{}\nimport sys\nprint(verify(sys.argv[1], sys.argv[2], sys.argv[3].encode()))",
        app::webhooks::VERIFY_EXAMPLE
    );
    let output = std::process::Command::new("python3")
        .args(["-c", &script, secret, header, body])
        .output()
        .expect("python3 runs the documentation's example");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Registers an endpoint for `events` as the admin; its id and signing secret.
async fn add_endpoint(app: &TestApp, admin: &reqwest::Client, url: &str, events: &[&str]) -> (i64, String) {
    let mut form = vec![("url", url), ("description", "CRM sync")];
    form.extend(events.iter().map(|event| ("events[]", *event)));
    let (status, id) = app.call(admin, "create_webhook", &form).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let id = id.as_i64().expect("id");
    let page = endpoint(app, admin, id).await;
    let secret = page["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 40, "{secret}");
    (id, secret)
}

async fn endpoint(app: &TestApp, admin: &reqwest::Client, id: i64) -> Value {
    let (status, page) = app.call(admin, "webhook", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

/// Waits (up to 30 s) until endpoint `id`'s log holds a delivery matching `found`.
async fn wait_in_log(app: &TestApp, admin: &reqwest::Client, id: i64, found: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..300 {
        let page = endpoint(app, admin, id).await;
        if let Some(delivery) = page["deliveries"].as_array().and_then(|all| all.iter().find(|d| found(d)).cloned()) {
            return delivery;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no such delivery in the log: {}", endpoint(app, admin, id).await);
}

async fn a_delivery_verifies_with_its_signature_and_is_retried_after_a_500(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--webhook-retry-seconds", "1"]).await;
    let receiver = Receiver { fail_first: Arc::new(AtomicUsize::new(1)), ..Receiver::default() };
    let url = receiver.serve(tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind"));
    let admin = app.sign_in(ADMIN).await;
    let changes = "SELECT COUNT(*) FROM audit_log WHERE action = 'webhook.change'";
    let audited_before = app.count(changes).await;
    let (endpoint_id, secret) = add_endpoint(&app, &admin, &url, &["deal.submitted", "deal.approved"]).await;

    let partner = app.sign_in(BLUEPEAK).await;
    let deal = register(&app, &partner, "Webhook Works Ltd", "webhook-works.example").await;
    approve(&app, &app.sign_in(MANAGER).await, deal).await;

    let mut delivered = receiver.wait_for(2).await;
    let all = receiver.got();
    assert_eq!(all[0].answered, 500, "the first try was answered 500");
    assert!(delivered.iter().any(|got| got.body == all[0].body), "the same delivery was tried again");
    delivered.sort_by_key(|got| got.header("tessera-event-id").trim_start_matches("evt_").parse::<i64>().unwrap_or(0));
    let kinds: Vec<String> = delivered.iter().map(|got| got.json()["type"].as_str().unwrap_or("").to_owned()).collect();
    assert_eq!(kinds, ["deal.submitted", "deal.approved"], "in the order they happened");
    for got in &delivered {
        let json = got.json();
        assert!(verifies(&secret, &got.header("tessera-signature"), &got.body), "signature of {}", got.body);
        assert!(!verifies("whsec_another", &got.header("tessera-signature"), &got.body));
        assert_eq!(python_example_says(&secret, &got.header("tessera-signature"), &got.body), "True");
        assert_eq!(python_example_says(&secret, &got.header("tessera-signature"), "{}"), "False");
        assert_eq!(got.header("tessera-event-id"), json["id"].as_str().expect("id"));
        assert_eq!(got.header("tessera-event"), json["type"].as_str().expect("type"));
        assert_eq!(got.header("content-type"), "application/json");
        assert_eq!(json["data"]["deal"]["id"], deal);
        assert_eq!(json["data"]["deal"]["customer_company"], "Webhook Works Ltd");
        assert_eq!(json["data"]["deal"]["partner"], "Bluepeak Systems");
        assert!(json["created_at"].as_str().is_some_and(|at| at.ends_with('Z')), "{json}");
    }
    assert_eq!(delivered[1].json()["data"]["deal"]["status"], "approved");

    // The log says how each went: the one answered 500 took two tries.
    let retried = wait_in_log(&app, &admin, endpoint_id, |d| d["attempts"] == 2 && d["state"] == "Delivered").await;
    assert_eq!(retried["response_status"], 200, "{retried}");
    assert!(retried["duration_ms"].as_i64().is_some());
    let failed_id = all[0].header("tessera-event-id");
    assert_eq!(retried["event_id"], failed_id.as_str());
    assert_eq!(app.count(changes).await, audited_before + 1, "adding the endpoint is audited");
    app.stop().await;
}

async fn a_delivery_queued_before_a_restart_is_sent_after_it(backend: Backend) {
    let mut app = TestApp::spawn_with(backend, &["--webhook-retry-seconds", "1"]).await;
    // The receiver's port is chosen, but nothing answers there yet.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    let url = format!("http://127.0.0.1:{port}/hooks/tessera");
    let admin = app.sign_in(ADMIN).await;
    let (endpoint_id, _) = add_endpoint(&app, &admin, &url, &["deal.submitted"]).await;
    let deal = register(&app, &app.sign_in(BLUEPEAK).await, "Restart Proof Inc", "restart-proof.example").await;
    let failed = wait_in_log(&app, &admin, endpoint_id, |d| d["last_error"].is_string()).await;
    assert_eq!(failed["state"], "Retrying", "{failed}");
    assert!(failed["last_error"].as_str().is_some_and(|e| !e.is_empty()), "{failed}");

    app.restart().await;
    let receiver = Receiver::default();
    receiver.serve(tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("bind the chosen port"));
    let delivered = receiver.wait_for(1).await;
    assert_eq!(delivered[0].json()["data"]["deal"]["id"], deal);
    let admin = app.sign_in(ADMIN).await;
    wait_in_log(&app, &admin, endpoint_id, |d| d["state"] == "Delivered").await;
    app.stop().await;
}

async fn with_two_servers_each_delivery_is_sent_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, second) = app.second_server().await;
    let receiver = Receiver::default();
    let url = receiver.serve(tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind"));
    let admin = app.sign_in(ADMIN).await;
    add_endpoint(&app, &admin, &url, &["deal.submitted"]).await;
    let partner = app.sign_in(BLUEPEAK).await;
    const DEALS: usize = 40;
    for n in 0..DEALS {
        register(&app, &partner, &format!("Once Only {n} GmbH"), &format!("once-only-{n}.example")).await;
    }
    let delivered = receiver.wait_for(DEALS).await;
    // Both servers had time to take any delivery twice.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut ids: Vec<String> = receiver.got().iter().map(|got| got.header("tessera-event-id")).collect();
    ids.sort();
    let before = ids.len();
    ids.dedup();
    assert_eq!((before, ids.len()), (DEALS, DEALS), "each of {} deliveries arrived once", delivered.len());
    second.stop().await.expect("second server stops");
    app.stop().await;
}

async fn a_test_event_and_a_delivery_sent_again_reach_the_receiver(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let receiver = Receiver::default();
    let url = receiver.serve(tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind"));
    let admin = app.sign_in(ADMIN).await;
    let (id, secret) = add_endpoint(&app, &admin, &url, &["tier.changed"]).await;
    let (status, body) = app.call(&admin, "send_test_webhook", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let first = receiver.wait_for(1).await;
    assert_eq!(first[0].json()["type"], "ping");
    assert!(verifies(&secret, &first[0].header("tessera-signature"), &first[0].body));

    let delivery = wait_in_log(&app, &admin, id, |d| d["state"] == "Delivered").await;
    let delivery_id = delivery["id"].as_i64().expect("id").to_string();
    let (status, body) = app.call(&admin, "send_webhook_again", &[("id", &delivery_id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let both = receiver.wait_for(2).await;
    assert_eq!(both[1].header("tessera-event-id"), both[0].header("tessera-event-id"), "the same event again");
    let log = endpoint(&app, &admin, id).await;
    assert_eq!(log["deliveries"].as_array().map(Vec::len), Some(2), "the first delivery stays in the log: {log}");

    // Turned off, it is sent nothing, and the test event is refused with why.
    let (status, _) = app.call(&admin, "set_webhook_enabled", &[("id", &id.to_string()), ("enabled", "false")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.call(&admin, "send_test_webhook", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = app.call(&admin, "send_webhook_again", &[("id", &delivery_id)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let queued: i64 = app::on_db!(app.db(), pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = $1").bind(id).fetch_one(pool).await)
    .expect("count");
    assert_eq!(queued, 2, "nothing more was queued");
    app.stop().await;
}

async fn a_bad_endpoint_is_named_and_writes_nothing_and_only_admins_see_webhooks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in(ADMIN).await;
    let endpoints = "SELECT COUNT(*) FROM webhook_endpoints";
    let before = app.count(endpoints).await;
    let form = [("url", "ftp://crm.example.com"), ("description", "CRM"), ("events[]", "deal.eaten")];
    let (status, body) = app.call(&admin, "create_webhook", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let text = body.to_string();
    assert!(text.contains("\"url\"") && text.contains("\"events\""), "both fields named: {text}");
    assert_eq!(app.count(endpoints).await, before, "nothing written");

    // The demo's endpoint (its secret included) is an admin's alone, and so is every move.
    for who in [BLUEPEAK, MANAGER, "marketing@acme.test"] {
        let client = app.sign_in(who).await;
        let (status, _) = app.call(&client, "webhooks", &[]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        let form = [("url", "https://crm.example.com/x"), ("events[]", "deal.won")];
        let (status, _) = app.call(&client, "create_webhook", &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        for (call, form) in [
            ("webhook", vec![("id", "1")]),
            ("set_webhook_enabled", vec![("id", "1"), ("enabled", "true")]),
            ("send_test_webhook", vec![("id", "1")]),
            ("send_webhook_again", vec![("id", "1")]),
        ] {
            let (status, body) = app.call(&client, call, &form).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who} {call}");
            assert!(!body.to_string().contains("whsec_"), "{who} {call}: {body}");
        }
    }
    let demo_is_off = "SELECT COUNT(*) FROM webhook_endpoints WHERE id = 1 AND disabled_at IS NOT NULL";
    assert_eq!(app.count(demo_is_off).await, 1, "nobody else turned it on");
    assert_eq!(app.count(endpoints).await, before);
    let (status, _) = app.call(&admin, "webhook", &[("id", "999999")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.stop().await;
}
