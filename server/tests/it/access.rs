//! What each role may and may not do, tenant isolation between partners, and the page frame
//! (statuses, redirects, security headers), over HTTP on SQLite and on PostgreSQL.

use crate::support;

use reqwest::StatusCode;
use support::{Backend, TestApp};

on_both_databases!(
    each_role_calls_what_it_may_and_is_refused_what_it_may_not,
    partner_user_cannot_list_another_partners_users,
    channel_manager_sees_only_assigned_partners,
    signed_out_callers_are_sent_to_sign_in,
    pages_carry_security_headers_and_role_statuses,
    health_check_reports_the_database,
    every_role_opens_each_page_it_is_offered,
);

async fn each_role_calls_what_it_may_and_is_refused_what_it_may_not(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in("admin@acme.test").await;
    assert_eq!(app.call(&admin, "program_overview", &[]).await.0, StatusCode::OK);
    let (status, body) = app.call(&admin, "invite", &[("email", "x@acme.test"), ("role", "partner_user")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "partner roles cannot be given inside the vendor");
    assert!(body["fields"]["role"].is_string());

    let cam = app.sign_in("cam@acme.test").await;
    assert_eq!(app.call(&cam, "list_partners", &[]).await.0, StatusCode::OK);
    assert_eq!(app.call(&cam, "program_overview", &[]).await.0, StatusCode::FORBIDDEN);

    let marketing = app.sign_in("marketing@acme.test").await;
    assert_eq!(app.call(&marketing, "list_partners", &[]).await.0, StatusCode::OK);
    assert_eq!(
        app.call(&marketing, "invite", &[("email", "x@acme.test"), ("role", "marketing")]).await.0,
        StatusCode::FORBIDDEN
    );

    let partner_admin = app.sign_in("partner@bluepeak.test").await;
    assert_eq!(
        app.call(&partner_admin, "invite", &[("email", "y@bluepeak.test"), ("role", "partner_user")]).await.0,
        StatusCode::OK
    );
    assert_eq!(app.call(&partner_admin, "list_partners", &[]).await.0, StatusCode::FORBIDDEN);

    let partner_user = app.sign_in("rep@bluepeak.test").await;
    let (status, team) = app.call(&partner_user, "team", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(team["organisation_name"], "Bluepeak Systems");
    assert_eq!(team["invitable"], serde_json::json!([]));
    assert_eq!(
        app.call(&partner_user, "invite", &[("email", "z@bluepeak.test"), ("role", "partner_user")]).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.call(&partner_user, "program_overview", &[]).await.0, StatusCode::FORBIDDEN);
    app.stop().await;
}

async fn partner_user_cannot_list_another_partners_users(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let copperline = app.organisation_id("Copperline IT").await.to_string();
    let bluepeak = app.organisation_id("Bluepeak Systems").await.to_string();
    let rep = app.sign_in("rep@bluepeak.test").await;

    let (status, body) = app.call(&rep, "team", &[("organisation_id", &copperline)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.to_string().contains("copperline.test"), "no data leaks: {body}");
    let (status, _) = app.call(&rep, "partner_profile", &[("id", &copperline)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.call(&rep, "partner_profile", &[("id", "999999")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a missing and a forbidden organisation look the same");

    // Its own organisation is fine, and lists only its own people.
    let (status, team) = app.call(&rep, "team", &[("organisation_id", &bluepeak)]).await;
    assert_eq!(status, StatusCode::OK);
    let emails: Vec<_> =
        team["members"].as_array().expect("members").iter().filter_map(|m| m["email"].as_str()).collect();
    assert!(
        emails.contains(&"rep@bluepeak.test") && emails.iter().all(|e| e.ends_with("@bluepeak.test")),
        "{emails:?}"
    );

    // A partner admin cannot invite into another partner either.
    let admin = app.sign_in("partner@copperline.test").await;
    let (status, _) = app
        .call(&admin, "invite", &[("email", "x@y.test"), ("role", "partner_user"), ("organisation_id", &bluepeak)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);

    // The rendered page answers 404 too.
    let page = rep
        .get(format!("{}/partners/{copperline}", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(!page.text().await.expect("html").contains("Copperline IT"));
    app.stop().await;
}

async fn channel_manager_sees_only_assigned_partners(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cam = app.sign_in("cam@acme.test").await;
    let (_, partners) = app.call(&cam, "list_partners", &[]).await;
    assert_eq!(partners["total"], 12, "half of the 24 demo partners");
    let partners = partners["rows"].as_array().expect("a list");
    assert_eq!(partners.len(), 12);
    assert!(partners.iter().all(|p| p["channel_manager"] == "Sam Achterberg"));
    assert!(partners.iter().any(|p| p["name"] == "Bluepeak Systems"));
    assert!(!partners.iter().any(|p| p["name"] == "Copperline IT"));
    let copperline = app.organisation_id("Copperline IT").await.to_string();
    assert_eq!(app.call(&cam, "partner_profile", &[("id", &copperline)]).await.0, StatusCode::NOT_FOUND);

    let admin = app.sign_in("admin@acme.test").await;
    let (_, all) = app.call(&admin, "list_partners", &[]).await;
    assert_eq!(all["total"], 24);
    assert_eq!(all["rows"].as_array().map(Vec::len), Some(24));
    app.stop().await;
}

async fn signed_out_callers_are_sent_to_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anonymous = app.client();
    for endpoint in ["list_partners", "team", "program_overview", "home_summary", "invite"] {
        let (status, body) = app.call(&anonymous, endpoint, &[]).await;
        assert!(
            status == StatusCode::UNAUTHORIZED || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{endpoint}: {status} {body}"
        );
        assert!(!body.to_string().contains("@"), "{endpoint} leaks nothing: {body}");
    }
    for path in ["/", "/partners", "/team", "/admin"] {
        let page =
            anonymous.get(format!("{}{path}", app.base)).header("accept", "text/html").send().await.expect("page");
        assert_eq!(page.status(), StatusCode::FOUND, "{path}");
        assert_eq!(page.headers().get("location").and_then(|v| v.to_str().ok()), Some("/sign-in"), "{path}");
    }
    let sign_in = anonymous.get(format!("{}/sign-in", app.base)).send().await.expect("page");
    assert_eq!(sign_in.status(), StatusCode::OK);
    let html = sign_in.text().await.expect("html");
    for needle in [
        r#"<label for="field-email">Email</label>"#,
        r#"<label for="field-password">Password</label>"#,
        "Sign in</button>",
    ] {
        assert!(html.contains(needle), "sign-in page has {needle}");
    }
    app.stop().await;
}

async fn pages_carry_security_headers_and_role_statuses(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rep = app.sign_in("rep@bluepeak.test").await;
    let page = rep.get(format!("{}/admin", app.base)).header("accept", "text/html").send().await.expect("page");
    assert_eq!(page.status(), StatusCode::FORBIDDEN, "a partner user opening an admin page");
    let headers = page.headers().clone();
    let csp = headers.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(
        csp.contains("'nonce-") && csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(headers.get("x-content-type-options").and_then(|v| v.to_str().ok()), Some("nosniff"));
    assert_eq!(headers.get("referrer-policy").and_then(|v| v.to_str().ok()), Some("same-origin"));
    let html = page.text().await.expect("html");
    let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).unwrap_or_default();
    assert!(html.contains(&format!(r#"nonce="{nonce}""#)), "the hydration script carries the response's nonce");
    assert!(html.contains("You do not have access to this page"));

    let missing =
        rep.get(format!("{}/no-such-page", app.base)).header("accept", "text/html").send().await.expect("page");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.expect("html").contains("Page not found"));

    let gzip = reqwest::Client::new()
        .get(format!("{}/sign-in", app.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("page");
    assert_eq!(gzip.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
    app.stop().await;
}

async fn health_check_reports_the_database(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = reqwest::get(format!("{}/healthz", app.base)).await.expect("healthz");
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.expect("json");
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(body, serde_json::json!({ "status": "ok", "database": expected }));
    app.stop().await;
}

async fn every_role_opens_each_page_it_is_offered(backend: Backend) {
    use app::auth::Role;
    use app::auth::access::nav_items;
    let app = TestApp::spawn(backend).await;
    let people = [
        ("admin@acme.test", Role::Admin, &["/metrics", "/deals/pipeline"][..]),
        ("cam@acme.test", Role::ChannelManager, &["/metrics"][..]),
        ("marketing@acme.test", Role::Marketing, &["/metrics"][..]),
        ("partner@bluepeak.test", Role::PartnerAdmin, &["/deals/new", "/metrics"][..]),
        ("rep@bluepeak.test", Role::PartnerUser, &["/deals/new"][..]),
    ];
    for (email, role, more) in people {
        let client = app.sign_in(email).await;
        let offered = nav_items(role).iter().map(|item| item.href).chain(more.iter().copied());
        for path in offered {
            let page =
                client.get(format!("{}{path}", app.base)).header("accept", "text/html").send().await.expect("page");
            assert_eq!(page.status(), StatusCode::OK, "{email} opens {path}");
            let html = page.text().await.expect("html");
            assert!(
                html.contains("<h1") && !html.contains("error-code"),
                "{email} sees {path} itself, not an error page"
            );
        }
    }
    app.stop().await;
}
