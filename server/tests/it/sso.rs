//! Single sign-on over HTTP, on SQLite and on PostgreSQL: only admins set connections up, and a
//! bad one (its issuer, its domains) is named at its field with nothing saved; the vendor's
//! connection turns password sign-in off for its staff only; a sign-in begins only for a domain
//! with a connection, and a callback that was not begun here signs nobody in. The sign-in itself,
//! against a real provider, is the end-to-end journey's (end2end/tests/sso.spec.ts).

use crate::support;

use reqwest::StatusCode;
use support::{Backend, TestApp};

on_both_databases!(
    connections_are_the_admins_and_a_bad_one_is_named_and_not_saved,
    the_vendor_turns_password_sign_in_off_for_its_staff_only,
    a_sign_in_begins_only_where_a_connection_is_and_a_stray_callback_signs_nobody_in,
);

/// A connection written as its form's writer writes it, without asking a provider.
async fn connect(app: &TestApp, organisation: &str, domains: &[&str], staff_passwords_off: bool) {
    let admin: i64 = app.count("SELECT id FROM users WHERE email = 'admin@acme.test'").await;
    let domains: Vec<String> = domains.iter().map(|domain| (*domain).to_owned()).collect();
    let saved = app::sso::store::Saved {
        organisation_id: app.organisation_id(organisation).await,
        issuer: "https://login.example.test",
        client_id: "tessera",
        client_secret: "secret",
        domains: &domains,
        staff_passwords_off,
    };
    let outcome = app::sso::store::save(app.db(), &saved, admin, chrono::Utc::now()).await.expect("saved");
    assert_eq!(outcome, Ok(()));
}

async fn connections_are_the_admins_and_a_bad_one_is_named_and_not_saved(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in("admin@acme.test").await;
    let bluepeak = app.organisation_id("Bluepeak Systems").await.to_string();
    let form = |issuer: &'static str, domains: &'static str| {
        vec![
            ("organisation_id", bluepeak.clone()),
            ("issuer", issuer.to_owned()),
            ("client_id", "tessera".to_owned()),
            ("client_secret", "secret".to_owned()),
            ("domains", domains.to_owned()),
        ]
    };
    let call = |form: Vec<(&'static str, String)>| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(name, value)| (*name, value.as_str())).collect();
            app.call(&admin, "save_single_sign_on", &pairs).await
        }
    };
    let saved = || app.count("SELECT COUNT(*) FROM sso_connections");
    let (status, body) = call(form("ftp://login.bluepeak.test", "gmail.com")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["issuer"].as_str().is_some_and(|m| m.contains("https")), "{body}");
    assert!(body["fields"]["domains"].as_str().is_some_and(|m| m.contains("gmail.com")), "{body}");
    // A provider that cannot be reached is named at the issuer: nothing is saved.
    let (status, body) = call(form("http://127.0.0.1:9", "bluepeak.test")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["issuer"].as_str().is_some_and(|m| m.contains("openid-configuration")), "{body}");
    assert_eq!(saved().await, 0);

    // A domain is one connection's: another organisation cannot claim it.
    connect(&app, "Copperline IT", &["copperline.test"], false).await;
    let admin_id: i64 = app.count("SELECT id FROM users WHERE email = 'admin@acme.test'").await;
    let theirs = vec!["copperline.test".to_owned()];
    let claim = app::sso::store::Saved {
        organisation_id: app.organisation_id("Bluepeak Systems").await,
        issuer: "https://login.bluepeak.test",
        client_id: "tessera",
        client_secret: "secret",
        domains: &theirs,
        staff_passwords_off: false,
    };
    let refused = app::sso::store::save(app.db(), &claim, admin_id, chrono::Utc::now()).await.expect("read");
    assert!(refused.is_err_and(|message| message.contains("Copperline IT")));
    assert_eq!(saved().await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'sso.change'").await, 1);

    // Nobody but an admin reads or changes them; the list never carries a secret.
    let (status, view) = app.call(&admin, "single_sign_on", &[]).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["connections"][0]["organisation"], "Copperline IT");
    assert!(!view.to_string().contains("secret"), "{view}");
    assert!(view["callback_url"].as_str().is_some_and(|url| url.ends_with("/sso/callback")));
    let id = view["connections"][0]["id"].to_string();
    for who in ["cam@acme.test", "marketing@acme.test", "partner@copperline.test"] {
        let client = app.sign_in(who).await;
        assert_eq!(app.call(&client, "single_sign_on", &[]).await.0, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(app.call(&client, "remove_single_sign_on", &[("id", &id)]).await.0, StatusCode::FORBIDDEN, "{who}");
    }
    let (status, _) = app.call(&admin, "remove_single_sign_on", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(saved().await, 0);
    assert_eq!(app.call(&admin, "remove_single_sign_on", &[("id", &id)]).await.0, StatusCode::NOT_FOUND);
    app.stop().await;
}

async fn the_vendor_turns_password_sign_in_off_for_its_staff_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = |email: &'static str| {
        let app = &app;
        async move {
            let client = app.client();
            app.call(&client, "sign_in", &[("email", email), ("password", "tessera-demo")]).await
        }
    };
    // A partner's connection leaves everyone's passwords alone.
    connect(&app, "Copperline IT", &["copperline.test"], true).await;
    assert_eq!(password("partner@copperline.test").await.0, StatusCode::OK);
    assert_eq!(password("admin@acme.test").await.0, StatusCode::OK);

    connect(&app, "Acme Cloud", &["acme.test"], true).await;
    let (status, body) = password("admin@acme.test").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["password"].as_str().is_some_and(|m| m.contains("single sign-on")), "{body}");
    assert_eq!(password("cam@acme.test").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(password("partner@bluepeak.test").await.0, StatusCode::OK, "partners keep their passwords");

    connect(&app, "Acme Cloud", &["acme.test"], false).await;
    assert_eq!(password("admin@acme.test").await.0, StatusCode::OK, "turned on again");
    app.stop().await;
}

async fn a_sign_in_begins_only_where_a_connection_is_and_a_stray_callback_signs_nobody_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.client();
    let (status, body) = app.call(&client, "start_single_sign_on", &[("email", "partner@bluepeak.test")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["email"].as_str().is_some_and(|m| m.contains("use your password")), "{body}");
    let (status, body) = app.call(&client, "start_single_sign_on", &[("email", "not an address")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // A connection whose provider does not answer: said at the field, nothing begun.
    connect(&app, "Bluepeak Systems", &["bluepeak.test"], false).await;
    let (status, body) = app.call(&client, "start_single_sign_on", &[("email", "partner@bluepeak.test")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["email"].as_str().is_some_and(|m| m.contains("could not be reached")), "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM sso_attempts").await, 0);

    // A callback nobody began here (a forged or replayed one) signs nobody in.
    let sessions = app.count("SELECT COUNT(*) FROM sessions").await;
    for query in ["", "?code=abc&state=forged", "?error=access_denied&state=forged"] {
        let response = client.get(format!("{}/sso/callback{query}", app.base)).send().await.expect("callback");
        assert!(response.status().is_redirection(), "{query}: {}", response.status());
        let location = response.headers().get("location").and_then(|value| value.to_str().ok()).unwrap_or_default();
        assert_eq!(location, "/sign-in?sso=expired", "{query}");
        let cookies: Vec<&str> =
            response.headers().get_all("set-cookie").iter().filter_map(|value| value.to_str().ok()).collect();
        assert!(cookies.iter().all(|cookie| !cookie.starts_with("tessera_session=")), "{cookies:?}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, sessions);
    app.stop().await;
}
