//! The REST API over HTTP, on SQLite and on PostgreSQL: a token acts only within its scopes and
//! its organisation ("not found" for another partner's ids), a revoked, expired or orphaned token
//! is refused at once, bad input is answered with problem details naming each field and writes
//! nothing, a token past its rate is told when to come back, and the OpenAPI document and the
//! reference page describe what is served.

use crate::support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{Backend, TestApp, in_a_month, register};

on_both_databases!(
    a_token_acts_within_its_scopes_and_its_organisation,
    bad_input_is_named_field_by_field_and_writes_nothing,
    a_revoked_expired_or_orphaned_token_is_refused_at_once,
    a_token_past_its_rate_is_told_when_to_come_back,
    the_openapi_document_and_reference_page_describe_the_api,
    a_partners_people_and_tier_are_read_within_reach,
    certifications_and_leads_are_read_within_reach,
    campaigns_and_requests_for_funds_are_read_within_reach,
    a_partners_ledger_is_read_within_reach,
);

const BLUEPEAK: &str = "partner@bluepeak.test";
const COPPERLINE: &str = "partner@copperline.test";
const ADMIN: &str = "admin@acme.test";

/// Makes a token on the token page as `client`; its id and secret.
async fn make_token(app: &TestApp, client: &reqwest::Client, scopes: &[&str]) -> (i64, String) {
    let mut form = vec![("name", "CRM sync"), ("days", "30")];
    form.extend(scopes.iter().map(|scope| ("scopes[]", *scope)));
    let (status, fresh) = app.call(client, "create_api_token", &form).await;
    assert_eq!(status, StatusCode::OK, "{fresh}");
    let secret = fresh["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("tsr_") && secret.len() > 40, "{secret}");
    (fresh["id"].as_i64().expect("id"), secret)
}

/// An API request with `secret` (none: no Authorization header); the status, headers and JSON body.
async fn api(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    secret: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut request = reqwest::Client::new().request(method, format!("{}/api/v1{path}", app.base));
    if let Some(secret) = secret {
        request = request.bearer_auth(secret);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request reaches the server");
    let (status, headers) = (response.status(), response.headers().clone());
    let text = response.text().await.expect("body");
    (status, headers, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn get(app: &TestApp, path: &str, secret: &str) -> (StatusCode, Value) {
    let (status, _, body) = api(app, reqwest::Method::GET, path, Some(secret), None).await;
    (status, body)
}

fn new_deal(company: &str, domain: &str) -> Value {
    json!({
        "customer_company": company,
        "customer_domain": domain,
        "contact_name": "Dana Buyer",
        "contact_email": format!("dana@{domain}"),
        "amount_minor": 4_500_000,
        "currency": "USD",
        "expected_close_date": in_a_month(),
        "products": ["Backup Pro"],
    })
}

async fn a_token_acts_within_its_scopes_and_its_organisation(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(BLUEPEAK).await;
    let (_, secret) = make_token(&app, &partner, &["deals:read", "deals:write"]).await;
    let bluepeak = app.organisation_id("Bluepeak Systems").await;
    for n in 0..7 {
        register(&app, &partner, &format!("Customer {n}"), &format!("customer{n}.example")).await;
    }
    let copperline_partner = app.sign_in(COPPERLINE).await;
    let copperline_deal = register(&app, &copperline_partner, "Initech", "initech.example").await;

    // Only the secret's hash is kept, and its first characters to tell it apart.
    let hash = app::auth::secrets::token_hash(&secret);
    let kept: (String, String) = app::on_db!(app.db(), pool => sqlx::query_as(
        "SELECT token_hash, prefix FROM api_tokens ORDER BY id DESC LIMIT 1").fetch_one(pool).await)
    .expect("token row");
    assert_eq!(kept, (hash, secret[..12].to_owned()));

    let (status, me) = get(&app, "/me", &secret).await;
    assert_eq!(
        (status, me["organisation_id"].as_i64(), me["role"].as_str()),
        (StatusCode::OK, Some(bluepeak), Some("partner_admin"))
    );

    // Every page of the list is Bluepeak's, each deal once, as many as Bluepeak has.
    let own: i64 =
        app::on_db!(app.db(), pool => sqlx::query_scalar("SELECT COUNT(*) FROM deals WHERE organisation_id = $1")
        .bind(bluepeak).fetch_one(pool).await)
        .expect("count");
    let mut seen = Vec::new();
    let mut path = "/deals?limit=3".to_owned();
    loop {
        let (status, page) = get(&app, &path, &secret).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for deal in page["data"].as_array().expect("data") {
            assert_eq!(deal["partner_id"].as_i64(), Some(bluepeak), "{deal}");
            seen.push(deal["id"].as_i64().expect("id"));
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/deals?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len() as i64, unique.len()), (own, seen.len()), "no deal twice, none left out");

    // Another partner's deal and organisation are "not found"; so is a guessed id.
    let (status, problem) = get(&app, &format!("/deals/{copperline_deal}"), &secret).await;
    assert_eq!((status, problem["title"].as_str()), (StatusCode::NOT_FOUND, Some("Not found")));
    let (status, _) = get(&app, "/deals/99999999", &secret).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let own_deal = seen[0];
    let (status, deal) = get(&app, &format!("/deals/{own_deal}"), &secret).await;
    assert_eq!((status, deal["id"].as_i64()), (StatusCode::OK, Some(own_deal)), "{deal}");
    assert!(deal["timeline"].as_array().is_some_and(|timeline| !timeline.is_empty()));

    // Partners are outside this token's scopes.
    let (status, problem) = get(&app, "/partners", &secret).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(problem["detail"].as_str().is_some_and(|detail| detail.contains("partners:read")), "{problem}");
    let (_, reader) = make_token(&app, &partner, &["partners:read"]).await;
    let copperline = app.organisation_id("Copperline IT").await;
    let (status, _) = get(&app, &format!("/partners/{copperline}"), &reader).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, partners) = get(&app, "/partners", &reader).await;
    let ids: Vec<i64> = partners["data"].as_array().expect("data").iter().filter_map(|p| p["id"].as_i64()).collect();
    assert_eq!((status, ids), (StatusCode::OK, vec![bluepeak]));

    // A partner's token registers for its partner, once per idempotency key; the manager's side
    // of the workflow stays the manager's.
    let client = reqwest::Client::new();
    let mut created = Vec::new();
    for _ in 0..2 {
        let response = client
            .post(format!("{}/api/v1/deals", app.base))
            .bearer_auth(&secret)
            .header("Idempotency-Key", "crm-opportunity-0001-0001")
            .json(&new_deal("Harbour Freight", "harbourfreight.example"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::CREATED);
        let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let deal: Value = response.json().await.expect("json");
        assert_eq!(location, Some(format!("/api/v1/deals/{}", deal["id"])));
        assert_eq!(deal["status"], "submitted");
        created.push(deal["id"].as_i64().expect("id"));
    }
    assert_eq!(created[0], created[1], "the same key registers one deal");
    let (status, _, _) = api(
        &app,
        reqwest::Method::POST,
        &format!("/deals/{}/decision", created[0]),
        Some(&secret),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a partner does not approve its own deal");

    // The program admin's token approves it.
    let admin = app.sign_in(ADMIN).await;
    let (_, program) = make_token(&app, &admin, &["deals:read", "deals:write"]).await;
    let (status, _, deal) = api(
        &app,
        reqwest::Method::POST,
        &format!("/deals/{}/decision", created[0]),
        Some(&program),
        Some(json!({"decision": "approve"})),
    )
    .await;
    assert_eq!((status, deal["status"].as_str()), (StatusCode::OK, Some("approved")), "{deal}");

    // A session cookie never speaks for the API.
    let (status, _) = {
        let response = partner.get(format!("{}/api/v1/deals", app.base)).send().await.expect("request");
        (response.status(), ())
    };
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Copperline's admin cannot revoke Bluepeak's token.
    let copperline_admin = copperline_partner;
    let bluepeak_token: i64 = app::on_db!(app.db(), pool => sqlx::query_scalar(
        "SELECT id FROM api_tokens WHERE organisation_id = $1 ORDER BY id DESC LIMIT 1").bind(bluepeak).fetch_one(pool).await)
    .expect("token");
    let (status, _) = app.call(&copperline_admin, "revoke_api_token", &[("id", &bluepeak_token.to_string())]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&app, "/me", &secret).await;
    assert_eq!(status, StatusCode::OK, "still active");
    app.stop().await;
}

async fn bad_input_is_named_field_by_field_and_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(BLUEPEAK).await;
    let (_, secret) = make_token(&app, &partner, &["deals:read", "deals:write"]).await;
    let own_deal = register(&app, &partner, "Initech", "initech.example").await;
    let deals = app.count("SELECT COUNT(*) FROM deals").await;
    let timeline = app.count("SELECT COUNT(*) FROM deal_events").await;

    let mut bad = new_deal("Harbour Freight", "harbourfreight.example");
    bad["amount_minor"] = json!(-5);
    bad["contact_email"] = json!("not an address");
    bad["expected_close_date"] = json!("someday");
    let (status, headers, problem) = api(&app, reqwest::Method::POST, "/deals", Some(&secret), Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/problem+json"));
    let fields: Vec<&str> =
        problem["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, ["amount_minor", "contact_email", "expected_close_date"], "{problem}");

    let mut unknown = new_deal("Harbour Freight", "harbourfreight.example");
    unknown["discount"] = json!(90);
    let (status, _, problem) = api(&app, reqwest::Method::POST, "/deals", Some(&secret), Some(unknown)).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("body")),
        "{problem}"
    );
    let (status, _, problem) = api(&app, reqwest::Method::POST, "/deals", Some(&secret), Some(json!([1, 2]))).await;
    assert_eq!((status, problem["status"].as_i64()), (StatusCode::UNPROCESSABLE_ENTITY, Some(422)));

    for (query, field) in
        [("status=open", "status"), ("limit=1000", "limit"), ("sort=newest", "sort"), ("cursor=xyz", "cursor")]
    {
        let (status, problem) = get(&app, &format!("/deals?{query}"), &secret).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(problem["errors"][0]["field"].as_str(), Some(field), "{query}: {problem}");
    }
    let (status, _, problem) = api(
        &app,
        reqwest::Method::POST,
        &format!("/deals/{own_deal}/outcome"),
        Some(&secret),
        Some(json!({"outcome": "won", "final_amount_minor": -1, "closed_on": "2999-01-01"})),
    )
    .await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status} {problem}");

    assert_eq!(app.count("SELECT COUNT(*) FROM deals").await, deals, "nothing registered");
    assert_eq!(app.count("SELECT COUNT(*) FROM deal_events").await, timeline, "nothing moved");
    app.stop().await;
}

async fn a_revoked_expired_or_orphaned_token_is_refused_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token_audit = "SELECT COUNT(*) FROM audit_log WHERE action IN ('api_token.create', 'api_token.revoke')";
    let audited_before = app.count(token_audit).await;
    let partner = app.sign_in(BLUEPEAK).await;
    let (id, secret) = make_token(&app, &partner, &["deals:read"]).await;
    let (status, _) = get(&app, "/deals", &secret).await;
    assert_eq!(status, StatusCode::OK);

    // Its last use is written down (off the request's path), with where it came from.
    let mut used: Option<(String,)> = None;
    for _ in 0..50 {
        used = app::on_db!(app.db(), pool => sqlx::query_as("SELECT last_used_from FROM api_tokens WHERE id = $1 AND last_used_at IS NOT NULL")
            .bind(id).fetch_optional(pool).await).expect("query");
        if used.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(used, Some(("127.0.0.1".to_owned(),)));

    let (status, _) = app.call(&partner, "revoke_api_token", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, headers, problem) = api(&app, reqwest::Method::GET, "/deals", Some(&secret), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("revoked")), "{problem}");
    assert!(headers.get("www-authenticate").is_some());
    let (status, page) = app.call(&partner, "api_tokens", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let listed =
        page["tokens"].as_array().expect("tokens").iter().find(|token| token["id"].as_i64() == Some(id)).cloned();
    assert!(listed.is_some_and(|token| token["revoked_at"].is_string()), "{page}");

    let (expiring, secret) = make_token(&app, &partner, &["deals:read"]).await;
    app::on_db!(app.db(), pool => sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE id = $2")
        .bind(chrono::Utc::now() - chrono::Duration::seconds(1)).bind(expiring).execute(pool).await.map(|_| ()))
    .expect("expire");
    let (status, problem) = get(&app, "/deals", &secret).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("expired")), "{problem}");

    // A deactivated person's tokens stop with their sessions.
    let rep = app.sign_in("rep@bluepeak.test").await;
    let (status, _) =
        app.call(&rep, "create_api_token", &[("name", "Mine"), ("scopes[]", "deals:read"), ("days", "30")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a partner user makes no tokens");
    let (_, secret) = make_token(&app, &partner, &["deals:read"]).await;
    app::on_db!(app.db(), pool => sqlx::query("UPDATE users SET deactivated_at = $1 WHERE email = $2")
        .bind(chrono::Utc::now()).bind(BLUEPEAK).execute(pool).await.map(|_| ()))
    .expect("deactivate");
    let (status, _) = get(&app, "/deals", &secret).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for (status, _) in [get(&app, "/deals", "tsr_guessed").await, get(&app, "/deals", "").await] {
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }

    // Making and revoking are in the audit log.
    assert_eq!(app.count(token_audit).await - audited_before, 4, "three made, one revoked");
    app.stop().await;
}

async fn a_token_past_its_rate_is_told_when_to_come_back(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--api-requests-per-minute", "5"]).await;
    let partner = app.sign_in(BLUEPEAK).await;
    let (_, secret) = make_token(&app, &partner, &["deals:read"]).await;
    let (_, other) = make_token(&app, &partner, &["deals:read"]).await;
    for left in (0..5).rev() {
        let (status, headers, _) = api(&app, reqwest::Method::GET, "/me", Some(&secret), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers.get("x-ratelimit-remaining").and_then(|v| v.to_str().ok()), Some(left.to_string().as_str()));
    }
    let (status, headers, problem) = api(&app, reqwest::Method::GET, "/me", Some(&secret), None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 =
        headers.get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).expect("Retry-After");
    assert!((1..=12).contains(&wait), "{wait}");
    assert_eq!(problem["retry_after"].as_u64(), Some(wait));
    let (status, _, _) = api(&app, reqwest::Method::GET, "/me", Some(&other), None).await;
    assert_eq!(status, StatusCode::OK, "each token has its own rate");
    app.stop().await;
}

async fn the_openapi_document_and_reference_page_describe_the_api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let document: Value =
        reqwest::get(format!("{}/api/v1/openapi.json", app.base)).await.expect("request").json().await.expect("json");
    assert_eq!(document["openapi"], "3.1.0");
    for path in ["/deals", "/deals/{id}", "/deals/{id}/decision", "/partners", "/me"] {
        assert!(document["paths"][path].is_object(), "{path}");
    }
    assert_eq!(document["components"]["securitySchemes"]["token"]["scheme"], "bearer");
    let page = reqwest::get(format!("{}/developers", app.base)).await.expect("request");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("GET /api/v1/deals") && html.contains("deals:read"),
        "the reference lists operations and scopes"
    );
    let (status, _, problem) = api(&app, reqwest::Method::GET, "/nothing-here", Some("tsr_x"), None).await;
    assert_eq!((status, problem["status"].as_i64()), (StatusCode::UNAUTHORIZED, Some(401)));
    app.stop().await;
}

async fn a_partners_people_and_tier_are_read_within_reach(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let bluepeak = app.organisation_id("Bluepeak Systems").await;
    let copperline = app.organisation_id("Copperline IT").await;
    let partner = app.sign_in(BLUEPEAK).await;
    let (_, secret) = make_token(&app, &partner, &["people:read", "tiers:read"]).await;

    let (status, people) = get(&app, &format!("/partners/{bluepeak}/people"), &secret).await;
    assert_eq!(status, StatusCode::OK, "{people}");
    let emails: Vec<&str> =
        people["data"].as_array().expect("data").iter().filter_map(|p| p["email"].as_str()).collect();
    assert!(emails.contains(&BLUEPEAK) && emails.contains(&"rep@bluepeak.test"), "{emails:?}");
    assert!(emails.iter().all(|email| email.ends_with("@bluepeak.test")), "only Bluepeak's people: {emails:?}");
    let (status, tier) = get(&app, &format!("/partners/{bluepeak}/tier"), &secret).await;
    assert_eq!(status, StatusCode::OK, "{tier}");
    assert_eq!(tier["organisation_id"].as_i64(), Some(bluepeak));
    assert!(tier["tier"].as_str().is_some_and(|name| !name.is_empty()), "{tier}");
    assert!(tier["history"].is_array(), "{tier}");

    // Another partner's people and tier are "not found"; deals are outside these scopes.
    for path in [format!("/partners/{copperline}/people"), format!("/partners/{copperline}/tier")] {
        let (status, _) = get(&app, &path, &secret).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, problem) = get(&app, "/deals", &secret).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(problem["detail"].as_str().is_some_and(|detail| detail.contains("deals:read")), "{problem}");

    // The program's token reads any partner's; without the scope, it is refused naming it.
    let admin = app.sign_in(ADMIN).await;
    let (_, program) = make_token(&app, &admin, &["people:read"]).await;
    let (status, people) = get(&app, &format!("/partners/{copperline}/people"), &program).await;
    assert_eq!(status, StatusCode::OK, "{people}");
    assert!(people["data"].as_array().is_some_and(|people| !people.is_empty()));
    // The vendor is no partner: its own staff are not read here.
    let vendor = app.organisation_id("Acme Cloud").await;
    let (status, _) = get(&app, &format!("/partners/{vendor}/people"), &program).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, problem) = get(&app, &format!("/partners/{copperline}/tier"), &program).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(problem["detail"].as_str().is_some_and(|detail| detail.contains("tiers:read")), "{problem}");
    app.stop().await;
}

async fn certifications_and_leads_are_read_within_reach(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let bluepeak = app.organisation_id("Bluepeak Systems").await;
    let partner = app.sign_in(BLUEPEAK).await;
    let (_, secret) = make_token(&app, &partner, &["certifications:read", "leads:read"]).await;
    let admin = app.sign_in(ADMIN).await;
    let (_, program) = make_token(&app, &admin, &["certifications:read", "leads:read"]).await;

    for (path, table) in [("/certifications", "certifications"), ("/leads", "campaign_leads")] {
        let (status, own) = get(&app, path, &secret).await;
        assert_eq!(status, StatusCode::OK, "{own}");
        let own = own["data"].as_array().expect("data").clone();
        assert!(
            own.iter().all(|row| row["organisation_id"].as_i64() == Some(bluepeak)),
            "only Bluepeak's {path}: {own:?}"
        );
        let held: i64 = app::on_db!(app.db(), pool => sqlx::query_scalar(sqlx::AssertSqlSafe(
            format!("SELECT COUNT(*) FROM {table} WHERE organisation_id = $1"))).bind(bluepeak).fetch_one(pool).await)
        .expect("count");
        assert!(held > 0, "the demo has Bluepeak's {table}");
        assert_eq!(own.len() as i64, held, "every one of Bluepeak's {table}");

        let (status, all) = get(&app, path, &program).await;
        assert_eq!(status, StatusCode::OK, "{all}");
        let everyone: i64 = app::on_db!(app.db(), pool => sqlx::query_scalar(sqlx::AssertSqlSafe(
            format!("SELECT COUNT(*) FROM {table}"))).fetch_one(pool).await)
        .expect("count");
        assert_eq!(all["data"].as_array().map(Vec::len), Some(everyone as usize), "every partner's {path}");
    }
    let (status, problem) = get(&app, "/partners", &secret).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(problem["detail"].as_str().is_some_and(|detail| detail.contains("partners:read")), "{problem}");
    app.stop().await;
}

async fn campaigns_and_requests_for_funds_are_read_within_reach(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(BLUEPEAK).await;
    let (_, secret) = make_token(&app, &partner, &["campaigns:read", "mdf:read"]).await;
    let admin = app.sign_in(ADMIN).await;
    let (_, program) = make_token(&app, &admin, &["campaigns:read", "mdf:read"]).await;

    // Campaigns: the program's every one; the partner's, the published ones open to it, as its page shows.
    let (status, all) = get(&app, "/campaigns", &program).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    let everyone = app.count("SELECT COUNT(*) FROM campaigns").await;
    assert_eq!(all["data"].as_array().map(Vec::len), Some(everyone as usize));
    let (status, own) = get(&app, "/campaigns", &secret).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    let (_, page) = app.call(&partner, "campaigns", &[]).await;
    assert_eq!(own["data"], page["rows"], "what its campaigns page lists");
    let rows = own["data"].as_array().expect("data");
    assert!(!rows.is_empty() && rows.len() < everyone as usize, "{own}");
    assert!(rows.iter().all(|row| row["state"] == "Published"), "{own}");

    // Requests for funds: Bluepeak's own; every partner's for the program.
    let bluepeak = app.organisation_id("Bluepeak Systems").await;
    let (status, own) = get(&app, "/mdf/requests", &secret).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    let held = app::on_db!(app.db(), pool => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM mdf_requests WHERE organisation_id = $1").bind(bluepeak).fetch_one(pool).await)
    .expect("count");
    assert!(held > 0, "the demo has Bluepeak's requests");
    assert_eq!(own["data"].as_array().map(Vec::len), Some(held as usize));
    assert!(own["data"].as_array().expect("data").iter().all(|row| row["partner"] == "Bluepeak Systems"), "{own}");
    let (status, all) = get(&app, "/mdf/requests", &program).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(
        all["data"].as_array().map(Vec::len),
        Some(app.count("SELECT COUNT(*) FROM mdf_requests").await as usize)
    );

    // Outside its scopes: 403 naming the scope.
    let (_, leads_only) = make_token(&app, &partner, &["leads:read"]).await;
    for (path, scope) in [("/campaigns", "campaigns:read"), ("/mdf/requests", "mdf:read")] {
        let (status, problem) = get(&app, path, &leads_only).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(problem["detail"].as_str().is_some_and(|detail| detail.contains(scope)), "{problem}");
    }
    app.stop().await;
}

async fn a_partners_ledger_is_read_within_reach(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(BLUEPEAK).await;
    let manager = app.sign_in("cam@acme.test").await;
    // A won deal books Bluepeak's margin on its ledger.
    support::win_deal(&app, &partner, &manager, "Ledgerworks", "ledgerworks.example", "40000").await;
    let (_, secret) = make_token(&app, &partner, &["ledger:read"]).await;
    let admin = app.sign_in(ADMIN).await;
    let (_, program) = make_token(&app, &admin, &["ledger:read"]).await;
    let bluepeak = app.organisation_id("Bluepeak Systems").await;
    let copperline = app.organisation_id("Copperline IT").await;

    let (status, own) = get(&app, &format!("/partners/{bluepeak}/ledger"), &secret).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    let (_, statement) = app.call(&partner, "earnings", &[]).await;
    assert_eq!(own["data"], statement["lines"], "what its earnings statement lists");
    let booked = app::on_db!(app.db(), pool => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM incentive_entries WHERE organisation_id = $1").bind(bluepeak).fetch_one(pool).await)
    .expect("count");
    assert!(booked > 0, "the won deal booked an entry");
    assert_eq!(own["data"].as_array().map(Vec::len), Some(booked as usize));
    assert!(own["data"].as_array().expect("data").iter().any(|line| line["kind"] == "margin"), "{own}");

    // Another partner's ledger is not there for a partner token; the program's token reads it.
    let (status, _) = get(&app, &format!("/partners/{copperline}/ledger"), &secret).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, theirs) = get(&app, &format!("/partners/{copperline}/ledger"), &program).await;
    assert_eq!(status, StatusCode::OK, "{theirs}");
    let (status, _) = get(&app, "/partners/not-a-number/ledger", &program).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Outside its scopes: 403 naming the scope.
    let (_, leads_only) = make_token(&app, &partner, &["leads:read"]).await;
    let (status, problem) = get(&app, &format!("/partners/{bluepeak}/ledger"), &leads_only).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(problem["detail"].as_str().is_some_and(|detail| detail.contains("ledger:read")), "{problem}");
    app.stop().await;
}
