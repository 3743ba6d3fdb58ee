//! In-app notifications over HTTP, on SQLite and on PostgreSQL: a deal submitted tells its
//! partner's channel manager (on the bell only, by default); its decision tells the partner who
//! registered it, on the bell, live on their own stream (and nobody else's), and by email;
//! opening one marks it read and leads to its page; another person's is "not found"; a person who
//! turns a kind's email off is told on the bell only; a bad setting is named and changes nothing.

use crate::support;

use std::time::Duration;

use app::on_db;
use reqwest::StatusCode;
use serde_json::Value;
use support::{Backend, TestApp, approve, hears, open_stream, register};

on_both_databases!(
    a_decision_reaches_the_partners_bell_live_and_by_email_and_nobody_elses,
    a_person_who_turns_email_off_is_told_on_the_bell_only,
);

const BLUEPEAK: &str = "partner@bluepeak.test";
const COPPERLINE: &str = "partner@copperline.test";
const MANAGER: &str = "cam@acme.test";

async fn unread(app: &TestApp, client: &reqwest::Client) -> i64 {
    let (status, count) = app.call(client, "unread_notifications", &[]).await;
    assert_eq!(status, StatusCode::OK, "{count}");
    count.as_i64().expect("a count")
}

async fn inbox(app: &TestApp, client: &reqwest::Client) -> Value {
    let (status, inbox) = app.call(client, "notifications", &[]).await;
    assert_eq!(status, StatusCode::OK, "{inbox}");
    inbox
}

async fn emails_to(app: &TestApp, recipient: &str) -> i64 {
    on_db!(app.db(), pool => sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE recipient = $1")
        .bind(recipient).fetch_one(pool).await)
    .expect("outbox count")
}

async fn a_decision_reaches_the_partners_bell_live_and_by_email_and_nobody_elses(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (bluepeak, copperline, sam) =
        (app.sign_in(BLUEPEAK).await, app.sign_in(COPPERLINE).await, app.sign_in(MANAGER).await);
    let (bluepeak_before, copperline_before, sam_before) =
        (unread(&app, &bluepeak).await, unread(&app, &copperline).await, unread(&app, &sam).await);
    let (sam_emails, bluepeak_emails) = (emails_to(&app, MANAGER).await, emails_to(&app, BLUEPEAK).await);

    // Submitted: Bluepeak's channel manager is told on the bell, not by email (that kind's default).
    let id = register(&app, &bluepeak, "Wayne Enterprises", "wayne.com").await;
    assert_eq!(unread(&app, &sam).await, sam_before + 1);
    let newest = &inbox(&app, &sam).await["notifications"][0];
    assert_eq!(newest["kind"], "deal_waiting", "{newest}");
    assert_eq!(newest["path"], format!("/deals/{id}"));
    assert!(newest["title"].as_str().is_some_and(|title| title.contains("Wayne Enterprises")), "{newest}");
    assert_eq!(emails_to(&app, MANAGER).await, sam_emails);

    // Decided: the partner's bell hears of it live; Copperline's stream does not.
    let mut bluepeak_stream = open_stream(&bluepeak, &app.base).await;
    let mut copperline_stream = open_stream(&copperline, &app.base).await;
    approve(&app, &sam, id).await;
    assert!(hears(&mut bluepeak_stream, "notification", Duration::from_secs(5)).await, "the partner's bell hears");
    assert!(
        !hears(&mut copperline_stream, "notification", Duration::from_millis(700)).await,
        "another partner's stream hears nothing of it"
    );
    assert_eq!(unread(&app, &bluepeak).await, bluepeak_before + 1);
    assert_eq!(unread(&app, &copperline).await, copperline_before);
    let told = inbox(&app, &bluepeak).await;
    let newest = &told["notifications"][0];
    assert_eq!(newest["kind"], "deal", "{newest}");
    assert!(newest["read_at"].is_null());
    assert_eq!(
        newest["title"].as_str().unwrap_or_default(),
        "Your deal registration for Wayne Enterprises was approved"
    );
    assert_eq!(emails_to(&app, BLUEPEAK).await, bluepeak_emails + 1, "and by email, the default");
    let notification = newest["id"].as_i64().expect("id").to_string();

    // Someone else's notification is not found, and stays unread.
    let (status, _) = app.call(&copperline, "open_notification", &[("id", &notification)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.call(&sam, "open_notification", &[("id", &notification)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(unread(&app, &bluepeak).await, bluepeak_before + 1);

    // Opening it leads to the deal and marks it read; so does a plain form post, with a redirect.
    let (status, path) = app.call(&bluepeak, "open_notification", &[("id", &notification)]).await;
    assert_eq!((status, path), (StatusCode::OK, Value::from(format!("/deals/{id}"))));
    assert_eq!(unread(&app, &bluepeak).await, bluepeak_before);
    assert!(!inbox(&app, &bluepeak).await["notifications"][0]["read_at"].is_null());
    let plain = bluepeak
        .post(format!("{}/api/open_notification", app.base))
        .header("accept", "text/html")
        .form(&[("id", notification.as_str())])
        .send()
        .await
        .expect("plain form post");
    assert_eq!(plain.status(), StatusCode::FOUND);
    assert_eq!(plain.headers()["location"], format!("/deals/{id}").as_str());

    // "Mark all as read" empties the bell; the page says where each leads.
    let (status, _) = app.call(&sam, "read_all_notifications", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unread(&app, &sam).await, 0);
    let html =
        bluepeak.get(format!("{}/notifications", app.base)).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("Your deal registration for Wayne Enterprises was approved"), "{html}");
    assert!(html.contains(r#"data-testid="bell""#), "the bell is in the header");
    app.stop().await;
}

async fn a_person_who_turns_email_off_is_told_on_the_bell_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (bluepeak, sam) = (app.sign_in(BLUEPEAK).await, app.sign_in(MANAGER).await);
    let settings = |inbox: &Value| -> Vec<(String, bool)> {
        inbox["settings"]
            .as_array()
            .expect("settings")
            .iter()
            .map(|setting| (setting["kind"].as_str().unwrap_or_default().to_owned(), setting["email"] == true))
            .collect()
    };
    let offered = settings(&inbox(&app, &bluepeak).await);
    assert_eq!(
        offered,
        [("deal", true), ("funds", true), ("certification", true), ("lead", true), ("payout", true)]
            .map(|(kind, email)| (kind.to_owned(), email))
    );
    assert_eq!(
        settings(&inbox(&app, &sam).await),
        [("deal_waiting".to_owned(), false), ("funds_waiting".to_owned(), true)]
    );
    let rep = app.sign_in("rep@bluepeak.test").await;
    assert_eq!(settings(&inbox(&app, &rep).await), [("deal".to_owned(), true), ("certification".to_owned(), true)]);

    // A kind that does not exist, or is not offered to partners, is named and changes nothing.
    for bad in ["nonsense", "deal_waiting"] {
        let (status, body) =
            app.call(&bluepeak, "save_notification_settings", &[("email[]", "lead"), ("email[]", bad)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains("email"), "the field is named: {body}");
        assert_eq!(settings(&inbox(&app, &bluepeak).await), offered);
    }

    // Only leads and payouts by email now: a decision comes on the bell alone.
    let (status, body) =
        app.call(&bluepeak, "save_notification_settings", &[("email[]", "lead"), ("email[]", "payout")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let saved = settings(&inbox(&app, &bluepeak).await);
    assert_eq!(saved.iter().filter(|(_, email)| *email).count(), 2, "{saved:?}");
    let (emails, before) = (emails_to(&app, BLUEPEAK).await, unread(&app, &bluepeak).await);
    let id = register(&app, &bluepeak, "Wayne Enterprises", "wayne.com").await;
    approve(&app, &sam, id).await;
    assert_eq!(unread(&app, &bluepeak).await, before + 1);
    assert_eq!(emails_to(&app, BLUEPEAK).await, emails, "no email for a kind turned off");

    // The channel manager who asks for deals by email gets the next one by email too.
    let sam_emails = emails_to(&app, MANAGER).await;
    let (status, _) = app.call(&sam, "save_notification_settings", &[("email[]", "deal_waiting")]).await;
    assert_eq!(status, StatusCode::OK);
    register(&app, &bluepeak, "Stark Industries", "stark.com").await;
    assert_eq!(emails_to(&app, MANAGER).await, sam_emails + 1);

    // Without a session there is nothing to read or change.
    let (status, _) = app.call(&app.client(), "unread_notifications", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    app.stop().await;
}
