//! What a security probe found, each with its regression test, over HTTP on SQLite and on
//! PostgreSQL: parallel password guesses, tokens in the log and the admin outbox, another
//! manager's deals through conflict matches, cross-site requests, client mistakes answered with
//! 5xx, forged log lines, and cache and transport headers. Also the request log's shape.

use crate::support;

use reqwest::StatusCode;
use support::{Backend, TestApp, logged, register, token_of};

on_both_databases!(
    a_burst_of_parallel_guesses_gets_no_more_tries_than_the_limit,
    no_usable_token_reaches_the_log_the_admin_outbox_or_the_inviter,
    a_manager_sees_who_holds_a_conflicting_registration_but_not_its_amount,
    cross_site_requests_and_foreign_bodies_are_refused,
    client_mistakes_get_a_4xx_with_a_message,
    a_line_break_in_a_single_line_field_is_refused,
    signed_in_answers_are_never_cached_and_https_is_insisted_on,
);

/// Everything the server logged in this test binary (info and up).
async fn a_burst_of_parallel_guesses_gets_no_more_tries_than_the_limit(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let base = app.base.clone();
    let guesses = (0..40).map(|n| {
        let password = if n == 39 { "tessera-demo".to_owned() } else { format!("guess-{n}") };
        let client = app.client();
        let base = base.clone();
        tokio::spawn(async move {
            let form = [("email", "partner@copperline.test"), ("password", password.as_str())];
            client.post(format!("{base}/api/sign_in")).form(&form).send().await.map(|r| r.status())
        })
    });
    let mut checked = 0;
    let mut signed_in = false;
    for guess in guesses.collect::<Vec<_>>() {
        let status = guess.await.expect("task").expect("answer");
        assert!(matches!(status.as_u16(), 200 | 401 | 429), "{status}");
        checked += usize::from(status != StatusCode::TOO_MANY_REQUESTS);
        signed_in |= status == StatusCode::OK;
    }
    assert!(checked <= app::auth::forms::THROTTLE_LIMIT, "{checked} of 40 parallel guesses were checked");
    if !signed_in {
        let right = [("email", "partner@copperline.test"), ("password", "tessera-demo")];
        let (status, _) = app.call(&app.client(), "sign_in", &right).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the right password waits too, once the limit is reached");
    }
    // A hundred more at once for another address: again no more than the limit are checked.
    let burst = (0..100).map(|n| {
        let (client, base) = (app.client(), base.clone());
        tokio::spawn(async move {
            let password = format!("wrong-{n}");
            let form = [("email", "rep@bluepeak.test"), ("password", password.as_str())];
            client.post(format!("{base}/api/sign_in")).form(&form).send().await.map(|r| r.status())
        })
    });
    let mut checked = 0;
    for guess in burst.collect::<Vec<_>>() {
        checked += usize::from(guess.await.expect("task").expect("answer") != StatusCode::TOO_MANY_REQUESTS);
    }
    assert!(checked <= app::auth::forms::THROTTLE_LIMIT, "{checked} of 100 parallel guesses were checked");
    app.stop().await;
}

async fn no_usable_token_reaches_the_log_the_admin_outbox_or_the_inviter(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in("admin@acme.test").await;
    let (status, sent) = app.call(&admin, "invite", &[("email", "new.person@acme.test"), ("role", "marketing")]).await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    let (status, _) = app.call(&app.client(), "request_password_reset", &[("email", "rep@bluepeak.test")]).await;
    assert_eq!(status, StatusCode::OK);
    let invitation = token_of(&app.last_link_for("new.person@acme.test").await.expect("invitation queued"));
    let reset = token_of(&app.last_link_for("rep@bluepeak.test").await.expect("reset queued"));

    let (_, overview) = app.call(&admin, "program_overview", &[]).await;
    let outbox = overview["outbox"].to_string();
    assert!(outbox.contains("invitation?token=…") && outbox.contains("reset-password?token=…"), "{outbox}");
    for token in [&invitation, &reset] {
        assert!(!outbox.contains(token.as_str()), "the admin outbox hides the token");
        assert!(!sent.to_string().contains(token.as_str()), "the inviter does not get it");
        assert!(!logged().contains(token.as_str()), "the log does not carry it");
    }
    assert!(logged().contains("email queued in the outbox"), "the log says a message was queued");
    // The page a reset link opens is logged without its query.
    let page = app.client().get(format!("{}/reset-password?token={reset}", app.base)).send().await.expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(!logged().contains(reset.as_str()));
    app.stop().await;
}

async fn a_manager_sees_who_holds_a_conflicting_registration_but_not_its_amount(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let copperline = app.sign_in("partner@copperline.test").await;
    let bluepeak = app.sign_in("partner@bluepeak.test").await;
    let theirs = register(&app, &copperline, "Soylent Corp", "soylent.example").await;
    let ours = register(&app, &bluepeak, "Soylent Corporation", "soylent.example").await;

    // Sam manages Bluepeak, not Copperline: he learns who holds it, its status and date only.
    let sam = app.sign_in("cam@acme.test").await;
    let (status, view) = app.call(&sam, "deal_detail", &[("id", &ours.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let conflicts = view["conflicts"].as_array().expect("conflicts");
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let conflict = &conflicts[0];
    assert_eq!((conflict["holder"].as_str(), conflict["status"].as_str()), (Some("Copperline IT"), Some("submitted")));
    assert_eq!(conflict["registered_on"], chrono::Utc::now().date_naive().to_string());
    assert!(conflict["deal_id"].is_null() && conflict["amount"].is_null(), "{conflict}");
    assert!(!view.to_string().contains(&format!("\"deal_id\":{theirs}")), "no link to another manager's deal");

    // The admin reaches every partner: amount and link too.
    let admin = app.sign_in("admin@acme.test").await;
    let (_, view) = app.call(&admin, "deal_detail", &[("id", &ours.to_string())]).await;
    assert_eq!(view["conflicts"][0]["deal_id"], theirs);
    assert_eq!(view["conflicts"][0]["amount"], "125,000.00 USD");
    app.stop().await;
}

async fn cross_site_requests_and_foreign_bodies_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let sign_in = [("email", "partner@bluepeak.test"), ("password", "tessera-demo")];
    let post = |client: &reqwest::Client| client.post(format!("{}/api/sign_in", app.base)).form(&sign_in);
    // Login CSRF: another site's page posting a sign-in form.
    let forged = post(&app.client()).header("origin", "https://evil.example").send().await.expect("answer");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.headers().get("set-cookie").is_none(), "no session was opened");
    let fetched = post(&app.client()).header("sec-fetch-site", "cross-site").send().await.expect("answer");
    assert_eq!(fetched.status(), StatusCode::FORBIDDEN);
    // Our own pages (same origin) sign in as before.
    let own = app.base.clone();
    let ours = post(&app.client()).header("origin", own).header("sec-fetch-site", "same-origin").send().await;
    assert_eq!(ours.expect("answer").status(), StatusCode::OK);
    // A body another site can send without asking first, in a type server functions do not take.
    let plain = app
        .client()
        .post(format!("{}/api/sign_in", app.base))
        .header("content-type", "text/plain")
        .body("email=partner@bluepeak.test&password=tessera-demo")
        .send()
        .await
        .expect("answer");
    assert_eq!(plain.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // A signed-in person's state-changing call from another site.
    let partner = app.sign_in("partner@bluepeak.test").await;
    let forged = partner
        .post(format!("{}/api/invite", app.base))
        .header("origin", "https://evil.example")
        .form(&[("email", "evil@bluepeak.test"), ("role", "partner_admin")])
        .send()
        .await
        .expect("answer");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);
    app.stop().await;
}

async fn client_mistakes_get_a_4xx_with_a_message(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let manager = app.sign_in("cam@acme.test").await;
    let long = "ab".repeat(25_001);
    let export = manager
        .get(format!("{}/deals/export.csv", app.base))
        .query(&[("q", long.as_str())])
        .send()
        .await
        .expect("answer");
    assert_eq!(export.status(), StatusCode::OK, "a long search is cut, not a database error");
    let form = |body: Vec<u8>| {
        manager
            .post(format!("{}/api/deal_check", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let not_text = form(vec![0xff, 0xfe, b'=', 0x80]).await.expect("answer");
    assert_eq!(not_text.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = not_text.json().await.expect("json");
    assert!(body["fields"]["form"].as_str().is_some_and(|m| m.starts_with("The form could not be read")), "{body}");
    let huge = form(format!("customer_company={}&customer_domain=x.com", "a".repeat(3 * 1024 * 1024)).into_bytes())
        .await
        .expect("answer");
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = huge.json().await.expect("json");
    assert_eq!(body["kind"], "too_large");
    app.stop().await;
}

async fn a_line_break_in_a_single_line_field_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in("partner@bluepeak.test").await;
    let token = support::form_token(&app, &partner).await;
    let close = support::in_a_month();
    let forged = "Globex\n2026-11-24T00:00:00Z  INFO tessera: admin signed in";
    let form = support::deal_form(&token, "submit", forged, "globex.com", &close);
    let deals_before = app.count("SELECT COUNT(*) FROM deals").await;
    let (status, body) = app.call(&partner, "save_deal", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"]["customer_company"], app::text::ONE_LINE);
    assert_eq!(app.count("SELECT COUNT(*) FROM deals").await, deals_before, "nothing written");
    app.stop().await;
}

async fn signed_in_answers_are_never_cached_and_https_is_insisted_on(backend: Backend) {
    let app = TestApp::spawn_with(backend, &["--public-url", "https://partners.acme.test"]).await;
    let partner = app.sign_in("partner@bluepeak.test").await;
    for path in ["/", "/deals"] {
        let page = partner.get(format!("{}{path}", app.base)).header("accept", "text/html").send().await.expect("page");
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        let header = |name: &str| page.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(header("cache-control").as_deref(), Some("no-store"), "{path}");
        assert_eq!(header("strict-transport-security").as_deref(), Some("max-age=31536000"), "{path}");
        let id = header("x-request-id").expect("a request id");
        let lines = logged();
        let tail: String = lines.lines().rev().take(5).collect::<Vec<_>>().join("\n");
        assert!(lines.contains(&format!("request_id={id}")), "the log names the request {id}:\n{tail}");
    }
    let api = partner.post(format!("{}/api/list_deals", app.base)).form(&[("q", "")]).send().await.expect("answer");
    assert_eq!(api.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    let id = api.headers().get("x-request-id").and_then(|v| v.to_str().ok()).expect("a request id").to_owned();
    let user_id: i64 = app.count("SELECT id FROM users WHERE email = 'partner@bluepeak.test'").await;
    let lines = logged();
    let line = lines
        .lines()
        .find(|line| line.contains(&format!("request_id={id}")) && line.contains("path=/api/list_deals"))
        .expect("the call is logged");
    assert!(
        line.contains(&format!("user_id={user_id}")) && line.contains("status=200") && line.contains("ms="),
        "{line}"
    );
    assert!(line.contains("server_fn=\"list_deals\""), "{line}");
    app.stop().await;
}
