//! Deal registration over HTTP on SQLite and on PostgreSQL: the workflow and who may move it,
//! tenant isolation, the idempotent submit, the conflict check, the protection clock, the pipeline import.

use crate::support;

use std::time::Duration as StdDuration;

use app::deals::jobs;
use app::events::{DealOutcome, Event};
use app::on_db;
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::Value;
use support::{Backend, TestApp, approve, deal_form, form_token, in_a_month, register};

on_both_databases!(
    a_partner_registers_and_the_manager_approves,
    partners_cannot_see_or_change_each_others_deals,
    the_same_form_twice_creates_one_deal_and_bad_input_writes_nothing,
    a_conflicting_registration_is_flagged,
    the_protection_clock_reminds_then_expires,
    an_extension_is_asked_for_once_and_moves_the_end,
    outcomes_record_the_final_amount_and_illegal_moves_are_refused,
    lists_filter_search_and_page_and_managers_export_csv,
    the_pipeline_import_rejects_a_malformed_file_whole,
    the_scale_seed_makes_realistic_deals_that_the_portal_serves,
);

async fn detail(app: &TestApp, client: &reqwest::Client, id: i64) -> (StatusCode, Value) {
    app.call(client, "deal_detail", &[("id", &id.to_string())]).await
}

async fn protected_until(app: &TestApp, id: i64) -> DateTime<Utc> {
    on_db!(app.db(), pool => sqlx::query_scalar("SELECT protected_until FROM deals WHERE id = $1")
        .bind(id).fetch_one(pool).await)
    .expect("approved deal has an end")
}

async fn outbox_subjects(app: &TestApp, recipient: &str) -> Vec<String> {
    on_db!(app.db(), pool => sqlx::query_scalar("SELECT subject FROM outbox WHERE recipient = $1 ORDER BY id")
        .bind(recipient).fetch_all(pool).await)
    .expect("outbox")
}

fn kinds(view: &Value) -> Vec<String> {
    view["timeline"].as_array().expect("timeline").iter().map(|e| e["kind"].as_str().unwrap_or("").to_owned()).collect()
}

async fn a_partner_registers_and_the_manager_approves(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut events = app.events().subscribe();
    let partner = app.sign_in("rep@bluepeak.test").await;
    let id = register(&app, &partner, "Globex Inc.", "www.globex.com").await;

    let (status, view) = detail(&app, &partner, id).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["deal"]["status"], "submitted");
    assert_eq!(view["deal"]["customer_domain"], "globex.com", "stored as the registrable domain");
    assert_eq!(view["deal"]["amount_minor"], 12_500_000);
    assert!(view["deal"]["sla_due_at"].is_string());

    // A partner user cannot approve, not even their own deal.
    let (status, _) = app.call(&partner, "decide_deal", &[("id", &id.to_string()), ("decision", "approve")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let manager = app.sign_in("cam@acme.test").await;
    let (status, queue) = app.call(&manager, "deal_queue", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(queue["rows"].as_array().expect("rows").iter().any(|row| row["id"] == id));
    approve(&app, &manager, id).await;

    let (_, view) = detail(&app, &partner, id).await;
    assert_eq!(view["deal"]["status"], "approved");
    assert_eq!(kinds(&view), ["submitted", "approved"]);
    let timeline = view["timeline"].as_array().expect("timeline");
    assert_eq!(timeline[1]["actor"], "Sam Achterberg", "{timeline:?}");
    assert_eq!(timeline[1]["from_status"], "submitted");
    assert_eq!(timeline[1]["to_status"], "approved");
    let days = (protected_until(&app, id).await - Utc::now()).num_hours();
    assert!((89 * 24..=90 * 24).contains(&days), "protected for 90 days, got {days} hours");
    assert!(outbox_subjects(&app, "rep@bluepeak.test").await.iter().any(|s| s.contains("Globex Inc. was approved")));

    for expected in [DealOutcome::Submitted, DealOutcome::Approved] {
        let envelope = next_deal_event(&mut events).await;
        match &envelope.event {
            Event::Deal { deal_id, outcome, amount_minor, .. } => {
                assert_eq!((*deal_id, *outcome, *amount_minor), (id, expected, 12_500_000));
            }
            other => panic!("only deal events here, besides who was told: {other:?}"),
        }
    }
    app.stop().await;
}

async fn partners_cannot_see_or_change_each_others_deals(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let bluepeak = app.sign_in("partner@bluepeak.test").await;
    let id = register(&app, &bluepeak, "Initech", "initech.com").await;
    let id_text = id.to_string();

    let copperline = app.sign_in("partner@copperline.test").await;
    assert_eq!(detail(&app, &copperline, id).await.0, StatusCode::NOT_FOUND);
    assert_eq!(detail(&app, &copperline, id + 1000).await.0, StatusCode::NOT_FOUND, "same answer as a missing deal");
    let close = [("id", id_text.as_str()), ("outcome", "won"), ("final_amount", "10"), ("closed_on", "2026-01-01")];
    assert_eq!(app.call(&copperline, "close_deal", &close).await.0, StatusCode::NOT_FOUND);
    let extend = [("id", id_text.as_str()), ("reason", "more time")];
    assert_eq!(app.call(&copperline, "request_extension", &extend).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.call(&copperline, "submit_deal", &[("id", &id_text)]).await.0, StatusCode::NOT_FOUND);
    let (_, list) = app.call(&copperline, "list_deals", &[]).await;
    assert_eq!(list["total"], 0, "{list}");

    // Copperline's channel manager does not look after Bluepeak either.
    let other_manager = app.sign_in("cam2@acme.test").await;
    assert_eq!(detail(&app, &other_manager, id).await.0, StatusCode::NOT_FOUND);
    let decide = [("id", id_text.as_str()), ("decision", "approve")];
    assert_eq!(app.call(&other_manager, "decide_deal", &decide).await.0, StatusCode::NOT_FOUND);
    // Marketing does not see deals at all.
    let marketing = app.sign_in("marketing@acme.test").await;
    assert_eq!(detail(&app, &marketing, id).await.0, StatusCode::FORBIDDEN);

    let (_, view) = detail(&app, &bluepeak, id).await;
    assert_eq!(view["deal"]["status"], "submitted", "nothing changed");
    assert_eq!(kinds(&view), ["submitted"]);
    app.stop().await;
}

async fn the_same_form_twice_creates_one_deal_and_bad_input_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in("rep@bluepeak.test").await;
    let token = form_token(&app, &partner).await;
    let close = in_a_month();
    let form = deal_form(&token, "submit", "Umbrella Corp", "umbrella.com", &close);
    // A double click: both posts at once, then a retry.
    let (first, second) = tokio::join!(app.call(&partner, "save_deal", &form), app.call(&partner, "save_deal", &form));
    let (third_status, third) = app.call(&partner, "save_deal", &form).await;
    assert_eq!((first.0, second.0, third_status), (StatusCode::OK, StatusCode::OK, StatusCode::OK));
    assert_eq!(first.1["id"], second.1["id"]);
    assert_eq!(first.1["id"], third["id"]);
    assert_eq!(app.count("SELECT COUNT(*) FROM deals").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM deal_events").await, 1);

    // Bad fields: each named, nothing written.
    let token = form_token(&app, &partner).await;
    let mut bad = deal_form(&token, "submit", "", "localhost", "2020-01-01");
    bad[5].1 = "not an email";
    bad[6].1 = "-5";
    let (status, body) = app.call(&partner, "save_deal", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["customer_company", "customer_domain", "contact_email", "amount", "expected_close_date"] {
        assert!(body["fields"][field].is_string(), "{field} has a message: {body}");
    }
    // A domain that looks fine to the browser but is no registrable domain.
    let close = in_a_month();
    let (status, body) =
        app.call(&partner, "save_deal", &deal_form(&token, "submit", "Local", "10.0.0.1", &close)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["customer_domain"].is_string(), "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM deals").await, 1);
    app.stop().await;
}

async fn a_conflicting_registration_is_flagged(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let bluepeak = app.sign_in("partner@bluepeak.test").await;
    register(&app, &bluepeak, "Globex Inc.", "globex.com").await;

    let copperline = app.sign_in("partner@copperline.test").await;
    let check = |company: &'static str, domain: &'static str| {
        let (app, client) = (&app, &copperline);
        async move {
            let (status, body) =
                app.call(client, "deal_check", &[("customer_company", company), ("customer_domain", domain)]).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body
        }
    };
    let same_domain = check("Someone Else", "https://WWW.Globex.com/contact").await;
    assert_eq!(same_domain["possible_conflict"], true);
    assert_eq!(same_domain["domain"], "globex.com");
    assert_eq!(same_domain["matches"], serde_json::json!([]), "a partner never learns who holds the customer");
    assert_eq!(check("GLOBEX", "globex-europe.de").await["possible_conflict"], true, "similar name");
    assert_eq!(check("Initrode GmbH", "initrode.de").await["possible_conflict"], false);
    // Bluepeak's own registration is no conflict for Bluepeak.
    let (_, own) =
        app.call(&bluepeak, "deal_check", &[("customer_company", "Globex"), ("customer_domain", "globex.com")]).await;
    assert_eq!(own["possible_conflict"], false);

    let id = register(&app, &copperline, "Globex Corporation", "sales.globex.com").await;
    let (_, view) = detail(&app, &copperline, id).await;
    assert_eq!(view["deal"]["possible_conflict"], true);
    assert_eq!(view["conflicts"], serde_json::json!([]));

    // The manager deciding sees every match with its holder.
    let manager = app.sign_in("cam2@acme.test").await;
    let (_, view) = detail(&app, &manager, id).await;
    let conflicts = view["conflicts"].as_array().expect("conflicts");
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0]["holder"], "Bluepeak Systems");
    assert_eq!(conflicts[0]["reason"], "Same domain");
    app.stop().await;
}

async fn the_protection_clock_reminds_then_expires(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in("rep@bluepeak.test").await;
    let manager = app.sign_in("cam@acme.test").await;
    let id = register(&app, &partner, "Hooli", "hooli.xyz").await;
    approve(&app, &manager, id).await;
    let end = protected_until(&app, id).await;
    let mut events = app.events().subscribe();
    let state = app.state();
    let run = |now: DateTime<Utc>| jobs::run(&state, now);

    let report = run(end - Duration::days(20)).await.expect("clock runs");
    assert_eq!((report.reminders, report.expired), (0, 0), "nothing due 20 days out");
    let report = run(end - Duration::days(14) + Duration::hours(1)).await.expect("clock runs");
    assert_eq!((report.reminders, report.expired), (1, 0), "the 14-day reminder");
    let report = run(end - Duration::days(13)).await.expect("clock runs");
    assert_eq!(report.reminders, 0, "each reminder goes out once");
    let report = run(end - Duration::days(3) + Duration::minutes(1)).await.expect("clock runs");
    assert_eq!(report.reminders, 1, "the 3-day reminder");
    let report = run(end - Duration::minutes(1)).await.expect("clock runs");
    assert_eq!((report.reminders, report.expired), (0, 0), "not expired a minute early");
    let report = run(end + Duration::minutes(1)).await.expect("clock runs");
    assert_eq!(report.expired, 1);
    assert_eq!(run(end + Duration::days(1)).await.expect("clock runs").expired, 0, "expired once");

    let (_, view) = detail(&app, &partner, id).await;
    assert_eq!(view["deal"]["status"], "expired");
    assert_eq!(kinds(&view), ["submitted", "approved", "reminder", "reminder", "expired"]);
    assert!(view["timeline"][4]["actor"].is_null(), "the protection clock, not a person: {view}");
    let subjects = outbox_subjects(&app, "rep@bluepeak.test").await;
    assert!(subjects.iter().any(|s| s == "Protection for Hooli ends in 14 days"), "{subjects:?}");
    assert!(subjects.iter().any(|s| s == "Protection for Hooli ends in 3 days"), "{subjects:?}");
    assert!(subjects.iter().any(|s| s == "Your deal registration for Hooli expired"), "{subjects:?}");
    let envelope = next_deal_event(&mut events).await;
    assert!(matches!(envelope.event, Event::Deal { outcome: DealOutcome::Expired, deal_id, .. } if deal_id == id));
    app.stop().await;
}

async fn an_extension_is_asked_for_once_and_moves_the_end(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in("partner@bluepeak.test").await;
    let manager = app.sign_in("cam@acme.test").await;
    let id = register(&app, &partner, "Stark Industries", "stark.com").await;
    let id_text = id.to_string();
    let ask = [("id", id_text.as_str()), ("reason", "Legal review takes another month")];
    assert_eq!(
        app.call(&partner, "request_extension", &ask).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not yet approved"
    );
    approve(&app, &manager, id).await;
    let end = protected_until(&app, id).await;
    jobs::run(&app.state(), end - Duration::days(13)).await.expect("clock runs");

    let (status, body) = app.call(&partner, "request_extension", &[("id", id_text.as_str()), ("reason", " ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["reason"].is_string());
    assert_eq!(app.call(&partner, "request_extension", &ask).await.0, StatusCode::OK);
    assert_eq!(app.call(&partner, "request_extension", &ask).await.0, StatusCode::UNPROCESSABLE_ENTITY, "only once");
    let grant = [("id", id_text.as_str()), ("decision", "approve")];
    assert_eq!(app.call(&partner, "decide_extension", &grant).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.call(&manager, "decide_extension", &grant).await.0, StatusCode::OK);
    assert_eq!(
        app.call(&manager, "decide_extension", &grant).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "decided once"
    );
    assert_eq!(protected_until(&app, id).await, end + Duration::days(30));

    // The reminders start over for the new end. (The timeline is in time order, and the test's
    // clock ran ahead of the real one for the reminders.)
    let report = jobs::run(&app.state(), end + Duration::days(17)).await.expect("clock");
    assert_eq!((report.reminders, report.expired), (1, 0));
    let (_, view) = detail(&app, &partner, id).await;
    assert_eq!(
        kinds(&view),
        ["submitted", "approved", "extension_requested", "extension_approved", "reminder", "reminder"]
    );
    app.stop().await;
}

async fn outcomes_record_the_final_amount_and_illegal_moves_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut events = app.events().subscribe();
    let partner = app.sign_in("partner@bluepeak.test").await;
    let manager = app.sign_in("cam@acme.test").await;
    let won = register(&app, &partner, "Wayne Enterprises", "wayne.com").await;
    let rejected = register(&app, &partner, "Acme Rockets", "acme-rockets.com").await;
    let (won_text, rejected_text) = (won.to_string(), rejected.to_string());

    let no_reason = [("id", rejected_text.as_str()), ("decision", "reject"), ("reason", "")];
    let (status, body) = app.call(&manager, "decide_deal", &no_reason).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["reason"].is_string(), "{body}");
    let reject = [("id", rejected_text.as_str()), ("decision", "reject"), ("reason", "Already in our pipeline")];
    assert_eq!(app.call(&manager, "decide_deal", &reject).await.0, StatusCode::OK);
    let (status, body) =
        app.call(&manager, "decide_deal", &[("id", rejected_text.as_str()), ("decision", "approve")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"]["form"], "This deal is rejected and cannot be approved.");

    let early = [("id", won_text.as_str()), ("outcome", "won"), ("final_amount", "100"), ("closed_on", "2026-01-01")];
    assert_eq!(app.call(&partner, "close_deal", &early).await.0, StatusCode::UNPROCESSABLE_ENTITY, "not approved yet");
    approve(&app, &manager, won).await;
    let today = Utc::now().date_naive().to_string();
    let tomorrow = (Utc::now() + Duration::days(1)).date_naive().to_string();
    let bad =
        [("id", won_text.as_str()), ("outcome", "won"), ("final_amount", "abc"), ("closed_on", tomorrow.as_str())];
    let (status, body) = app.call(&partner, "close_deal", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["final_amount"].is_string() && body["fields"]["closed_on"].is_string(), "{body}");
    let good =
        [("id", won_text.as_str()), ("outcome", "won"), ("final_amount", "130,000.50"), ("closed_on", today.as_str())];
    assert_eq!(app.call(&partner, "close_deal", &good).await.0, StatusCode::OK);
    let (_, view) = detail(&app, &partner, won).await;
    assert_eq!(view["deal"]["status"], "won");
    assert_eq!(view["deal"]["final_amount_minor"], 13_000_050);
    assert_eq!(view["deal"]["closed_on"], today.as_str());
    assert_eq!(view["deal"]["attribution"], "sourced");
    assert_eq!(app.call(&partner, "close_deal", &good).await.0, StatusCode::UNPROCESSABLE_ENTITY, "won is final");

    let mut outcomes = Vec::new();
    while let Ok(Ok(envelope)) = tokio::time::timeout(StdDuration::from_millis(200), events.recv()).await {
        if let Event::Deal { outcome, .. } = envelope.event.clone() {
            outcomes.push(outcome);
        }
    }
    let submitted = DealOutcome::Submitted;
    assert_eq!(outcomes, [submitted, submitted, DealOutcome::Rejected, DealOutcome::Approved, DealOutcome::Won]);
    app.stop().await;
}

async fn lists_filter_search_and_page_and_managers_export_csv(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in("partner@bluepeak.test").await;
    let manager = app.sign_in("cam@acme.test").await;
    for n in 0..28 {
        let company = format!("Customer {n:02}");
        let domain = format!("customer{n:02}.com");
        let token = form_token(&app, &partner).await;
        let close = in_a_month();
        let intent = if n % 2 == 0 { "submit" } else { "draft" };
        let (status, _) = app.call(&partner, "save_deal", &deal_form(&token, intent, &company, &domain, &close)).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (_, page1) = app.call(&partner, "list_deals", &[("sort", "customer")]).await;
    assert_eq!(page1["total"], 28);
    assert_eq!(page1["rows"].as_array().expect("rows").len(), 25);
    assert_eq!(page1["rows"][0]["customer_company"], "Customer 00");
    let (_, page2) = app.call(&partner, "list_deals", &[("sort", "customer"), ("page", "2")]).await;
    assert_eq!(page2["rows"].as_array().expect("rows").len(), 3);
    assert_eq!(page2["rows"][2]["customer_company"], "Customer 27");
    let (_, drafts) = app.call(&partner, "list_deals", &[("status", "draft")]).await;
    assert_eq!(drafts["total"], 14);
    let (_, found) = app.call(&partner, "list_deals", &[("q", "customer1")]).await;
    assert_eq!(found["total"], 10, "customer10.com to customer19.com");
    let (_, wildcard) = app.call(&partner, "list_deals", &[("q", "%")]).await;
    assert_eq!(wildcard["total"], 0, "% is searched for literally");

    // A draft submitted later joins the queue.
    let draft = drafts["rows"][0]["id"].as_i64().expect("id");
    assert_eq!(app.call(&partner, "submit_deal", &[("id", &draft.to_string())]).await.0, StatusCode::OK);
    let (_, submitted) = app.call(&manager, "list_deals", &[("status", "submitted")]).await;
    assert_eq!(submitted["total"], 15);

    let csv = manager.get(format!("{}/deals/export.csv?status=submitted", app.base)).send().await.expect("export");
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"].to_str().unwrap_or("").starts_with("text/csv"));
    let text = csv.text().await.expect("body");
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 16, "header and 15 deals");
    assert!(lines[0].starts_with("Deal,Partner,Customer,"));
    assert!(lines[1..].iter().all(|line| line.contains("Bluepeak Systems") && line.contains(",Waiting for approval,")));
    let refused = partner.get(format!("{}/deals/export.csv", app.base)).send().await.expect("export");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let other_manager = app.sign_in("cam2@acme.test").await;
    let other = other_manager.get(format!("{}/deals/export.csv", app.base)).send().await.expect("export");
    assert_eq!(other.text().await.expect("body").lines().count(), 1, "only the header: none of cam2's partners");
    app.stop().await;
}

async fn the_pipeline_import_rejects_a_malformed_file_whole(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in("admin@acme.test").await;
    let header = "reference,customer_company,customer_domain,amount,currency,stage,owner";
    let good = format!(
        "{header}\nOPP-1,Cyberdyne Systems,cyberdyne.com,\"250,000\",USD,Proposal,Dana Vendor\nOPP-2,Tyrell Corp,tyrell.com,90000,EUR,Discovery,Dana Vendor\n"
    );
    let (status, body) = app.call(&admin, "import_pipeline", &[("csv", &good)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["rows"], 2);

    let bad = format!(
        "{header}\nOPP-3,Soylent,soylent.com,100,USD,Proposal,Dana\nOPP-4,Oscorp,not a domain,ten,USD,Proposal,Dana\nOPP-5,,x.com,5,USD,Won,Dana\n"
    );
    let (status, body) = app.call(&admin, "import_pipeline", &[("csv", &bad)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = body["fields"]["csv"].as_str().expect("message");
    assert!(message.contains("Row 3:") && message.contains("Row 4:") && !message.contains("Row 2:"), "{message}");
    assert_eq!(app.count("SELECT COUNT(*) FROM vendor_pipeline").await, 2, "nothing of the bad file");
    let (status, _) = app.call(&admin, "import_pipeline", &[("csv", "name,amount\nx,1\n")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let manager = app.sign_in("cam@acme.test").await;
    assert_eq!(app.call(&manager, "import_pipeline", &[("csv", &good)]).await.0, StatusCode::FORBIDDEN);

    // The pipeline takes part in the conflict check.
    let partner = app.sign_in("partner@bluepeak.test").await;
    let (_, check) = app
        .call(&partner, "deal_check", &[("customer_company", "Cyberdyne"), ("customer_domain", "cyberdyne.com")])
        .await;
    assert_eq!(check["possible_conflict"], true);
    let (_, check) = app.call(&manager, "deal_check", &[("customer_company", "Tyrell"), ("customer_domain", "")]).await;
    assert_eq!(check["matches"][0]["holder"], "Dana Vendor", "{check}");
    app.stop().await;
}

async fn the_scale_seed_makes_realistic_deals_that_the_portal_serves(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let report = tessera::scale::scale(app.db(), 40, 3000).await.expect("scale seed");
    assert_eq!((report.partners, report.deals), (40, 3000));
    assert_eq!(app.count("SELECT COUNT(*) FROM deals").await, 3000);
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations WHERE kind = 'partner'").await, 24 + 40);
    assert_eq!(app.count("SELECT COUNT(*) FROM deal_events").await, report.events as i64);
    // Every status occurs; most old deals are closed; each deal's timeline starts with it.
    for status in ["draft", "submitted", "approved", "rejected", "won", "lost", "expired"] {
        let n: i64 = on_db!(app.db(), pool => sqlx::query_scalar("SELECT COUNT(*) FROM deals WHERE status = $1")
            .bind(status).fetch_one(pool).await)
        .expect("count");
        assert!(n > 0, "some deals are {status}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM deals d WHERE NOT EXISTS (SELECT 1 FROM deal_events e WHERE e.deal_id = d.id)")
            .await,
        0
    );
    // Near-duplicates: the same customer under more than one spelling.
    assert!(
        app.count(
            "SELECT COUNT(*) FROM (SELECT company_key FROM deals GROUP BY company_key \
        HAVING COUNT(DISTINCT customer_company) > 1) AS spelled"
        )
        .await
            > 0
    );
    // New rows still get fresh ids after the seed assigned its own.
    let partner = app.sign_in("partner@bluepeak.test").await;
    let id = register(&app, &partner, "After The Seed Ltd", "after-the-seed.com").await;
    assert!(id > 3000, "{id}");
    let manager = app.sign_in("admin@acme.test").await;
    let (status, list) = app.call(&manager, "list_deals", &[("status", "won"), ("sort", "amount")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list["total"].as_i64().unwrap_or(0) > 0);
    app.stop().await;
}

/// The next event on the bus that is not who was told something (the bells' business), within 5 s.
async fn next_deal_event(
    events: &mut tokio::sync::broadcast::Receiver<std::sync::Arc<app::events::Envelope>>,
) -> std::sync::Arc<app::events::Envelope> {
    loop {
        let envelope =
            tokio::time::timeout(StdDuration::from_secs(5), events.recv()).await.expect("in time").expect("event");
        if !matches!(envelope.event, Event::Notified { .. }) {
            return envelope;
        }
    }
}
