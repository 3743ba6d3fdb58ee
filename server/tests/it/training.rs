//! Training over HTTP, on SQLite and on PostgreSQL: a partner's person passes a course's quiz
//! (scored on the server; the answers never leave it) and is certified, which ticks the
//! checklist; renewal runs from the old end; nobody answers for someone else or reads another
//! partner's certifications; bad answers and bad courses change nothing; reminders go once.

use crate::support;

use app::training::quiz::{self, Quiz};
use app::{on_db, training};
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::Value;
use support::{Backend, TestApp};

on_both_databases!(
    a_partner_passes_a_course_is_certified_and_renews_from_the_old_end,
    nobody_answers_for_someone_else_or_reads_what_is_not_theirs,
    bad_answers_are_refused_and_nothing_is_written,
    authors_write_courses_that_partners_see_once_published,
    reminders_go_once_at_30_and_7_days_before_the_end,
);

/// Onboarding in the demo data, with no certification yet.
const PINECONE: &str = "partner@pinecone.test";
const COURSE: &str = "Deal registration essentials";

async fn course_id(app: &TestApp, title: &str) -> i64 {
    on_db!(app.db(), pool => sqlx::query_scalar("SELECT id FROM courses WHERE title = $1")
        .bind(title).fetch_one(pool).await)
    .expect("a demo course")
}

async fn stored_quiz(app: &TestApp, id: i64) -> Quiz {
    let text: String = on_db!(app.db(), pool => sqlx::query_scalar("SELECT quiz FROM courses WHERE id = $1")
        .bind(id).fetch_one(pool).await)
    .expect("the course's quiz");
    quiz::parse(&text).expect("a stored quiz reads")
}

/// `question.choice` for the right answers (`right`) or for one wrong answer per question.
fn answers(quiz: &Quiz, right: bool) -> Vec<(String, String)> {
    let mut form = Vec::new();
    for (index, question) in quiz.questions.iter().enumerate() {
        for (choice, option) in question.choices.iter().enumerate() {
            let pick = if right {
                option.right
            } else {
                !option.right
                    && !form.iter().any(|(k, _): &(String, String)| k.starts_with(&format!("answers[q{}", index + 1)))
            };
            if pick {
                form.push((format!("answers[q{}c{}]", index + 1, choice + 1), format!("{}.{}", index + 1, choice + 1)));
            }
        }
    }
    form
}

async fn submit(
    app: &TestApp,
    client: &reqwest::Client,
    id: i64,
    revision: i64,
    extra: Vec<(String, String)>,
) -> (StatusCode, Value) {
    let mut form = vec![("course_id".to_owned(), id.to_string()), ("revision".to_owned(), revision.to_string())];
    form.extend(extra);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(client, "submit_attempt", &form).await
}

async fn course(app: &TestApp, client: &reqwest::Client, id: i64) -> Value {
    let (status, view) = app.call(client, "training_course", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view
}

fn expiry(view: &Value) -> DateTime<Utc> {
    view["certification"]["expires_at"]
        .as_str()
        .and_then(|at| at.parse().ok())
        .unwrap_or_else(|| panic!("certified: {view}"))
}

async fn get_certified_state(app: &TestApp, client: &reqwest::Client) -> String {
    let (status, view) = app.call(client, "onboarding_checklist", &[]).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let items = view["checklist"]["items"].as_array().cloned().unwrap_or_default();
    let step = items.iter().find(|item| item["step"]["title"] == "Get certified").unwrap_or_else(|| panic!("{view}"));
    step["state"].as_str().unwrap_or_default().to_owned()
}

async fn a_partner_passes_a_course_is_certified_and_renews_from_the_old_end(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(PINECONE).await;
    let id = course_id(&app, COURSE).await;
    let quiz = stored_quiz(&app, id).await;
    assert_eq!(get_certified_state(&app, &partner).await, "pending");
    let view = course(&app, &partner, id).await;
    assert_eq!(view["can_attempt"], true);
    assert!(view["certification"].is_null());
    let revision = view["revision"].as_i64().expect("revision");

    let (status, body) = submit(&app, &partner, id, revision, answers(&quiz, false)).await;
    assert_eq!(status, StatusCode::OK, "a failed attempt is still an attempt: {body}");
    let view = course(&app, &partner, id).await;
    assert_eq!(
        (view["attempts"][0]["percent"].as_i64(), view["attempts"][0]["passed"].as_bool()),
        (Some(0), Some(false))
    );
    assert!(view["certification"].is_null(), "no certification for a fail");
    assert_eq!(get_certified_state(&app, &partner).await, "pending");

    let (status, body) = submit(&app, &partner, id, revision, answers(&quiz, true)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view = course(&app, &partner, id).await;
    assert_eq!(view["attempts"][0]["percent"], 100);
    let first_end = expiry(&view);
    let expected = Utc::now() + Duration::days(365);
    assert!((first_end - expected).num_days().abs() <= 1, "twelve months from now: {first_end}");
    assert_eq!(view["certification"]["standing"], "Active");
    assert_eq!(get_certified_state(&app, &partner).await, "done", "the checklist ticked itself");

    // Passing again long before its end changes nothing (a double submit piles up no years).
    let (status, body) = submit(&app, &partner, id, revision, answers(&quiz, true)).await;
    assert_eq!((status, &body), (StatusCode::OK, &Value::Null), "an attempt's answer says nothing more");
    assert_eq!(expiry(&course(&app, &partner, id).await), first_end);
    // A fourth attempt within 24 hours is refused, and not recorded.
    let attempts = || app.count("SELECT COUNT(*) FROM course_attempts");
    let before = attempts().await;
    let (status, body) = submit(&app, &partner, id, revision, answers(&quiz, false)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["answers"].as_str().is_some_and(|message| message.contains("3 times in the last 24 hours")));
    assert_eq!(attempts().await, before);
    let (_, catalogue) = app.call(&partner, "training_catalogue", &[]).await;
    assert!(!catalogue.to_string().contains("right") && !catalogue.to_string().contains("* 90 days"), "{catalogue}");

    // Bluepeak's admin, in the last 30 days of theirs, renews from the old end, not from today.
    let bluepeak = app.sign_in("partner@bluepeak.test").await;
    let held = course(&app, &bluepeak, id).await;
    assert_eq!(held["certification"]["standing"], "Expiring");
    let old_end = expiry(&held);
    let (status, body) = submit(&app, &bluepeak, id, revision, answers(&quiz, true)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let renewed = course(&app, &bluepeak, id).await;
    let new_end = expiry(&renewed);
    assert!((new_end - old_end - Duration::days(365)).num_days().abs() <= 1, "{old_end} → {new_end}");
    assert_eq!(renewed["certification"]["standing"], "Active");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'training.certify' AND subject LIKE '%renewed%'")
            .await,
        1
    );

    // The partner admin sees it among their people's.
    let (status, list) = app.call(&partner, "certifications", &[]).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(
        list["certificates"]
            .as_array()
            .is_some_and(|all| all.iter().all(|c| c["organisation_name"] == "Pinecone Apps") && !all.is_empty()),
        "{list}"
    );
    app.stop().await;
}

async fn nobody_answers_for_someone_else_or_reads_what_is_not_theirs(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = course_id(&app, COURSE).await;
    let quiz = stored_quiz(&app, id).await;
    let rep = app.sign_in("rep@bluepeak.test").await;
    let view = course(&app, &rep, id).await;
    let sent = view.to_string();
    // Nothing in what a reader receives tells the right answers apart.
    assert!(!sent.contains("\"right\"") && !sent.contains("* 90 days") && !sent.contains("quiz"), "{sent}");
    let (status, body) = app.call(&rep, "course_for_editing", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the quiz's text is for its authors: {body}");

    // Naming someone else changes nothing: the attempt is the caller's.
    let other: (i64, i64) = on_db!(app.db(), pool => sqlx::query_as(
        "SELECT id, organisation_id FROM users WHERE email = 'partner@copperline.test'").fetch_one(pool).await)
    .expect("Copperline's admin");
    let mut form = answers(&quiz, true);
    form.push(("user_id".into(), other.0.to_string()));
    form.push(("organisation_id".into(), other.1.to_string()));
    let (status, body) = submit(&app, &rep, id, view["revision"].as_i64().unwrap_or(1), form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (owner, organisation): (String, String) = on_db!(app.db(), pool => sqlx::query_as(
        "SELECT u.email, o.name FROM course_attempts a JOIN users u ON u.id = a.user_id \
         JOIN organisations o ON o.id = a.organisation_id ORDER BY a.id DESC LIMIT 1").fetch_one(pool).await)
    .expect("the attempt");
    assert_eq!((owner.as_str(), organisation.as_str()), ("rep@bluepeak.test", "Bluepeak Systems"));

    // A partner user has no list of people; a partner admin sees only their own; a channel
    // manager only their partners'.
    assert_eq!(app.call(&rep, "certifications", &[]).await.0, StatusCode::FORBIDDEN);
    let admin = app.sign_in("partner@bluepeak.test").await;
    let (_, own) = app.call(&admin, "certifications", &[]).await;
    let names = |list: &Value| -> Vec<String> {
        list["certificates"]
            .as_array()
            .map(|all| all.iter().filter_map(|c| c["organisation_name"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    assert!(!names(&own).is_empty() && names(&own).iter().all(|name| name == "Bluepeak Systems"), "{own}");
    let manager = app.sign_in("cam@acme.test").await;
    let (_, managed) = app.call(&manager, "certifications", &[]).await;
    assert!(names(&managed).contains(&"Bluepeak Systems".to_owned()), "{managed}");
    assert!(!names(&managed).contains(&"Copperline IT".to_owned()), "Copperline is the other manager's: {managed}");
    let (_, everyone) = app.call(&app.sign_in("admin@acme.test").await, "certifications", &[]).await;
    assert!(names(&everyone).contains(&"Copperline IT".to_owned()));
    app.stop().await;
}

async fn bad_answers_are_refused_and_nothing_is_written(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(PINECONE).await;
    let id = course_id(&app, COURSE).await;
    let quiz = stored_quiz(&app, id).await;
    let revision = course(&app, &partner, id).await["revision"].as_i64().expect("revision");
    let written = || app.count("SELECT (SELECT COUNT(*) FROM course_attempts) + (SELECT COUNT(*) FROM certifications)");
    let before = written().await;
    let right = answers(&quiz, true);
    let with = |extra: (&str, &str)| {
        let mut form = right.clone();
        form.push((extra.0.to_owned(), extra.1.to_owned()));
        form
    };
    let foreign = "do not belong to this quiz";
    let cases: Vec<(&str, i64, Vec<(String, String)>, &str)> = vec![
        ("an unknown question", revision, with(("answers[q99]", "99.1")), foreign),
        ("an unknown choice", revision, with(("answers[x]", "1.9")), foreign),
        ("the same answer twice", revision, with(("answers[again]", &right[0].1)), "names the same answer twice"),
        ("two answers to a one-answer question", revision, with(("answers[q1c1]", "1.1")), "takes one answer"),
        ("a question left out", revision, right[1..].to_vec(), "Answer \u{201c}"),
        ("no answers at all", revision, Vec::new(), "Answer \u{201c}"),
        ("an answer that is not one", revision, with(("answers[x]", "first")), foreign),
        ("an old revision of the course", revision - 1, right.clone(), "changed while you answered"),
    ];
    for (what, revision, form, says) in cases {
        let (status, body) = submit(&app, &partner, id, revision, form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert!(body["fields"]["answers"].as_str().is_some_and(|message| message.contains(says)), "{what}: {body}");
        assert!(!body.to_string().contains("right"), "a refusal tells nothing of the answers: {body}");
    }
    assert_eq!(submit(&app, &partner, 999_999, revision, right.clone()).await.0, StatusCode::NOT_FOUND);
    // Staff read courses but take no quizzes.
    let manager = app.sign_in("cam2@acme.test").await;
    assert_eq!(submit(&app, &manager, id, revision, right).await.0, StatusCode::FORBIDDEN);
    assert_eq!(written().await, before, "nothing was written");
    app.stop().await;
}

async fn authors_write_courses_that_partners_see_once_published(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let marketing = app.sign_in("marketing@acme.test").await;
    let partner = app.sign_in("partner@bluepeak.test").await;
    let courses = || app.count("SELECT COUNT(*) FROM courses");
    let before = courses().await;
    let form = |title: &str, quiz: &str, published: bool| {
        let mut form = vec![
            ("id", "0".to_owned()),
            ("title", title.to_owned()),
            ("summary", "Security for partners.".to_owned()),
            ("pass_mark", "50".to_owned()),
            ("validity_months", "6".to_owned()),
            ("lessons", "# Passwords\nUse a manager. <script>alert(1)</script>\n# Phishing\nText".to_owned()),
            ("quiz", quiz.to_owned()),
        ];
        if published {
            form.push(("published", "on".to_owned()));
        }
        form
    };
    let call = |client: &reqwest::Client, endpoint: &'static str, form: Vec<(&'static str, String)>| {
        let (app, client) = (&app, client.clone());
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call(&client, endpoint, &form).await
        }
    };
    let (status, body) = call(&marketing, "save_course", form("Security basics", "? Q\n* a\n* b", false)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["quiz"].as_str().is_some_and(|message| message.starts_with("Line 1:")), "{body}");
    let (status, body) = call(&marketing, "save_course", form(COURSE, "? Q\n* a\n- b", false)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a title taken: {body}");
    assert!(body["fields"]["title"].is_string(), "{body}");
    assert_eq!(
        call(&partner, "save_course", form("Security basics", "? Q\n* a\n- b", true)).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(courses().await, before, "nothing was written");

    let (status, id) = call(&marketing, "save_course", form("Security basics", "? Q\n* a\n- b", false)).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let id = id.as_i64().expect("the new course's id").to_string();
    let titles = |catalogue: &Value| -> Vec<String> {
        catalogue["courses"]
            .as_array()
            .map(|all| all.iter().filter_map(|c| c["title"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let (_, seen) = app.call(&partner, "training_catalogue", &[]).await;
    assert!(!titles(&seen).contains(&"Security basics".to_owned()), "a draft is the authors' alone: {seen}");
    assert_eq!(app.call(&partner, "training_course", &[("id", &id)]).await.0, StatusCode::NOT_FOUND);

    let mut publish = form("Security basics", "? Q\n* a\n- b", true);
    publish[0].1 = id.clone();
    assert_eq!(call(&marketing, "save_course", publish).await.0, StatusCode::OK);
    let (_, seen) = app.call(&partner, "training_catalogue", &[]).await;
    assert!(titles(&seen).contains(&"Security basics".to_owned()), "{seen}");
    let view = course(&app, &partner, id.parse().unwrap_or_default()).await;
    assert_eq!(view["revision"], 2, "a change moves the revision on");
    let html = view["lessons"][0]["html"].as_str().unwrap_or_default();
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"), "lesson text is escaped: {html}");
    assert_eq!(view["lessons"][1]["title"], "Phishing");
    app.stop().await;
}

async fn reminders_go_once_at_30_and_7_days_before_the_end(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let state = app.state();
    // Bluepeak's admin passed 350 days ago: 15 days or so are left.
    let reminders = || {
        app.count("SELECT COUNT(*) FROM outbox WHERE recipient = 'partner@bluepeak.test' AND subject LIKE '%certification ends in%'")
    };
    let now = Utc::now();
    training::server::send_reminders(&state, now).await.expect("reminders run");
    assert_eq!(reminders().await, 1, "the 30-day reminder");
    training::server::send_reminders(&state, now + Duration::hours(1)).await.expect("reminders run");
    assert_eq!(reminders().await, 1, "sent once");
    training::server::send_reminders(&state, now + Duration::days(10)).await.expect("reminders run");
    assert_eq!(reminders().await, 2, "the 7-day reminder");
    training::server::send_reminders(&state, now + Duration::days(12)).await.expect("reminders run");
    training::server::send_reminders(&state, now + Duration::days(30)).await.expect("reminders run");
    assert_eq!(reminders().await, 2, "nothing after it ended");
    app.stop().await;
}
