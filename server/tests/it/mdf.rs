//! Market development funds over HTTP, on SQLite and on PostgreSQL: allocations never pass their
//! quarter's budget and requests never pass their allocation (two at once included); a request
//! and its claim move only by the people whose move it is; an approved claim is paid once, however
//! many approve it at once; a disguised or oversized proof is refused with nothing kept; nobody
//! reads another partner's funds, claims or proof files; co-op funds accrue on wins at the tier's
//! rate, go back when a win is reopened, and are drawn on like MDF, never past what is available.

use crate::support;

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::Value;
use support::{Backend, TestApp, approve, win_deal};

on_both_databases!(
    allocations_stay_within_the_budget_and_requests_within_their_allocation,
    a_request_moves_only_by_whose_move_it_is,
    an_approved_claim_is_paid_once_and_shows_on_the_statement,
    proof_is_checked_from_its_content_and_kept_from_other_partners,
    co_op_funds_accrue_on_wins_and_are_drawn_on_like_mdf,
    program_and_mdf_roi_are_computed_from_the_ledger_and_funded_campaigns,
);

const ADMIN: &str = "admin@acme.test";
const BLUEPEAK: &str = "partner@bluepeak.test";

fn quarter_now() -> String {
    let today = Utc::now().date_naive();
    format!("{}-Q{}", chrono::Datelike::year(&today), chrono::Datelike::month0(&today) / 3 + 1)
}

/// Bluepeak's allocation of this quarter (the demo's: 20,000 USD, 13,500 requested).
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

    // Bluepeak has 6,500 USD left of its 20,000: a cent more is refused, and nothing is stored.
    let allocation = bluepeak_allocation(&app, &partner).await;
    assert_eq!(
        (allocation["amount_minor"].as_i64(), allocation["committed_minor"].as_i64()),
        (Some(20_000_00), Some(13_500_00))
    );
    let id = allocation["id"].as_i64().expect("id").to_string();
    let stored = "SELECT COUNT(*) FROM mdf_requests";
    let before = app.count(stored).await;
    let (status, body) = ask(&app, &partner, &id, "6,500.01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"]["amount"], "Only 6,500.00 USD of this allocation is left.");
    assert_eq!(app.count(stored).await, before);
    // Two requests of 6,000 at once: one fits, the other is told what is left.
    let rep = app.sign_in("rep@bluepeak.test").await;
    let (first, second) = tokio::join!(ask(&app, &partner, &id, "6,000"), ask(&app, &rep, &id, "6,000"));
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY], "{first:?} {second:?}");
    assert_eq!(bluepeak_allocation(&app, &partner).await["committed_minor"].as_i64(), Some(19_500_00));
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
        detail["events"].as_array().expect("events").iter().filter_map(|e| e["state"]["Request"].as_str()).collect();
    assert_eq!(states, ["Requested", "PreApproved", "Executed"]);
    assert_eq!(detail["actions"], serde_json::json!(["Claim"]), "what is left: claiming it");

    // A withdrawn request gives its funds back.
    let before = bluepeak_allocation(&app, &partner).await["committed_minor"].as_i64();
    let (_, second) = ask(&app, &partner, &allocation, "500").await;
    let second = second.as_i64().expect("id").to_string();
    let (status, body) = act(&app, &partner, &second, "withdraw", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(bluepeak_allocation(&app, &partner).await["committed_minor"].as_i64(), before);
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n";

/// A request of Bluepeak's for `amount`, pre-approved by Sam and marked executed: ready to claim.
async fn executed(app: &TestApp, partner: &reqwest::Client, amount: &str) -> String {
    let allocation = bluepeak_allocation(app, partner).await["id"].as_i64().expect("id").to_string();
    let (status, id) = ask(app, partner, &allocation, amount).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let id = id.as_i64().expect("id").to_string();
    let sam = app.sign_in("cam@acme.test").await;
    assert_eq!(act(app, &sam, &id, "pre_approve", "").await.0, StatusCode::OK);
    assert_eq!(act(app, partner, &id, "mark_executed", "").await.0, StatusCode::OK);
    id
}

/// Posts a form with a proof file to `endpoint`, as a browser does.
async fn post_proof(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    fields: &[(&str, &str)],
    file: (&str, Vec<u8>),
) -> (StatusCode, Value) {
    app.post_file(client, endpoint, fields, ("proof", file.0, file.1)).await
}

async fn claim(
    app: &TestApp,
    client: &reqwest::Client,
    id: &str,
    amount: &str,
    file: (&str, Vec<u8>),
) -> (StatusCode, Value) {
    let fields = [("id", id), ("amount", amount), ("results", "97 attended; 34 leads")];
    post_proof(app, client, "claim_mdf", &fields, file).await
}

async fn an_approved_claim_is_paid_once_and_shows_on_the_statement(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(BLUEPEAK).await;
    let id = executed(&app, &partner, "1,000").await;
    // More than was pre-approved is refused; the pre-approved amount is claimed with its proof.
    let (status, body) = claim(&app, &partner, &id, "1,000.01", ("invoice.pdf", PDF.to_vec())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"]["amount"], "Claim at most the 1,000.00 USD pre-approved.");
    let (status, body) = claim(&app, &partner, &id, "950", ("invoice.pdf", PDF.to_vec())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = claim(&app, &partner, &id, "950", ("invoice.pdf", PDF.to_vec())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "one claim waits at a time: {body}");
    assert!(
        subjects(&app, "cam@acme.test")
            .await
            .iter()
            .any(|s| s == "Bluepeak Systems claims 950.00 USD of MDF: Search ads")
    );

    // The partner cannot approve its own claim; nothing is booked.
    let (status, _) = act(&app, &partner, &id, "approve_claim", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let booked = "SELECT COUNT(*) FROM incentive_entries WHERE kind = 'mdf' AND mdf_request_id IS NOT NULL \
        AND organisation_id = (SELECT id FROM organisations WHERE name = 'Bluepeak Systems')";
    assert_eq!(app.count(booked).await, 0);

    let held = bluepeak_allocation(&app, &partner).await["committed_minor"].as_i64().expect("held");
    // Two approvals at once (Sam twice, and an admin): one pays, the others find it decided.
    let sam = app.sign_in("cam@acme.test").await;
    let admin = app.sign_in(ADMIN).await;
    let (first, second, third) = tokio::join!(
        act(&app, &sam, &id, "approve_claim", ""),
        act(&app, &sam, &id, "approve_claim", ""),
        act(&app, &admin, &id, "approve_claim", "")
    );
    let mut statuses = [first.0, second.0, third.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY, StatusCode::UNPROCESSABLE_ENTITY],
        "{first:?} {second:?} {third:?}"
    );
    assert_eq!(app.count(booked).await, 1, "paid once");
    assert_eq!(
        bluepeak_allocation(&app, &partner).await["committed_minor"].as_i64(),
        Some(held - 50_00),
        "the 50 not claimed goes back to the allocation"
    );
    let approved = "SELECT COUNT(*) FROM incentive_approvals a JOIN incentive_entries e ON e.id = a.entry_id \
        WHERE e.kind = 'mdf' AND e.organisation_id = (SELECT id FROM organisations WHERE name = 'Bluepeak Systems')";
    assert_eq!(app.count(approved).await, 1, "approved with the claim: payable at once");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'mdf.claim'").await,
        2,
        "the demo's and this one"
    );
    assert!(
        subjects(&app, BLUEPEAK).await.iter().any(|s| s == "Your MDF claim \u{201c}Search ads\u{201d} was approved")
    );
    let (_, detail) = app.call(&partner, "mdf_request", &[("id", id.as_str())]).await;
    assert_eq!(detail["claims"][0]["state"], "Approved", "{detail}");
    let states: Vec<&str> =
        detail["events"].as_array().expect("events").iter().filter_map(|e| e["state"]["Claim"].as_str()).collect();
    assert_eq!(states, ["Claimed", "Approved"]);

    // The payout run of this quarter pays it; the statement shows it paid, leading to the request.
    let quarter = quarter_now();
    let (status, run) = app.call(&admin, "approve_payout_run", &[("period", quarter.as_str())]).await;
    assert_eq!(status, StatusCode::OK, "{run}");
    let run = run.as_i64().expect("run").to_string();
    let (status, body) = app.call(&admin, "mark_run_paid", &[("run", run.as_str())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, statement) = app.call(&partner, "earnings", &[]).await;
    assert_eq!(status, StatusCode::OK, "{statement}");
    let line = statement["lines"]
        .as_array()
        .and_then(|lines| lines.iter().find(|line| line["kind"] == "mdf"))
        .expect("the MDF line")
        .clone();
    assert_eq!((line["amount_minor"].as_i64(), line["status"].as_str()), (Some(950_00), Some("paid")), "{line}");
    assert_eq!(line["mdf_request_id"].as_i64().map(|r| r.to_string()), Some(id.clone()));
    // Approving again after it was paid changes nothing.
    let (status, _) = act(&app, &sam, &id, "approve_claim", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count(booked).await, 1);
}

async fn proof_is_checked_from_its_content_and_kept_from_other_partners(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(BLUEPEAK).await;
    let id = executed(&app, &partner, "800").await;
    let claims = "SELECT COUNT(*) FROM mdf_claims";
    let (before, files) = (app.count(claims).await, app.kept_files());

    // A web page named .pdf, a PDF named .png, a file past 10 MB and no file at all: each refused
    // beside the proof field, with nothing stored.
    let disguised = b"<html><script>alert(1)</script></html>".to_vec();
    let (status, body) = claim(&app, &partner, &id, "800", ("invoice.pdf", disguised)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let said = body["fields"]["proof"].as_str().unwrap_or_default();
    assert!(said.starts_with("This file's content is text/html") && said.contains("PDF, PNG or JPEG"), "{body}");
    let (status, body) = claim(&app, &partner, &id, "800", ("photo.png", PDF.to_vec())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["fields"]["proof"],
        "This file is a PDF, not the .png its name says: rename it .pdf or choose the right file."
    );
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let (status, body) = claim(&app, &partner, &id, "800", ("invoice.pdf", big)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"]["proof"], "The file is 10.0 MB; a proof file may be at most 10 MB.");
    let (status, body) = claim(&app, &partner, &id, "800", ("", Vec::new())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["proof"].is_string(), "{body}");
    assert_eq!((app.count(claims).await, app.kept_files()), (before, files), "nothing kept");

    // A PNG and then a JPEG: kept, under their hashes, for Bluepeak's people and Sam.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    let (status, body) = claim(&app, &partner, &id, "800", ("booth.png", png.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let jpeg = b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0".to_vec();
    let (status, body) = post_proof(&app, &partner, "add_mdf_proof", &[("id", id.as_str())], ("crowd.jpg", jpeg)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, detail) = app.call(&partner, "mdf_request", &[("id", id.as_str())]).await;
    let proofs = detail["claims"][0]["proofs"].as_array().cloned().unwrap_or_default();
    assert_eq!(proofs.iter().map(|p| p["name"].as_str().unwrap_or("")).collect::<Vec<_>>(), ["booth.png", "crowd.jpg"]);
    let address = format!("{}/mdf/proofs/{}", app.base, proofs[0]["id"]);
    for (who, allowed) in [
        (BLUEPEAK, true),
        ("rep@bluepeak.test", true),
        ("cam@acme.test", true),
        (ADMIN, true),
        ("partner@copperline.test", false),
        ("cam2@acme.test", false),
        ("marketing@acme.test", false),
    ] {
        let client = app.sign_in(who).await;
        let response = client.get(&address).send().await.expect("asked");
        if allowed {
            assert_eq!(response.status(), StatusCode::OK, "{who}");
            assert_eq!(response.headers()["content-type"], "image/png");
            assert_eq!(response.bytes().await.expect("body").to_vec(), png, "{who} reads the file whole");
        } else {
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{who} is not told it exists");
        }
        // Nor the request, its claims or adding proof to it, for anyone outside reach.
        if !allowed {
            let (status, _) = app.call(&client, "mdf_request", &[("id", id.as_str())]).await;
            assert!(status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN, "{who}: {status}");
            let (status, _) =
                post_proof(&app, &client, "add_mdf_proof", &[("id", id.as_str())], ("x.pdf", PDF.to_vec())).await;
            assert!(status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN, "{who}: {status}");
        }
    }
    // A guessed address, and a stranger: nothing.
    let guessed = format!("{}/mdf/proofs/{}", app.base, proofs[1]["id"].as_i64().unwrap_or(0) + 1000);
    assert_eq!(partner.get(&guessed).send().await.expect("asked").status(), StatusCode::NOT_FOUND);
    let stranger = app.client().get(&address).send().await.expect("asked");
    assert!(stranger.status().is_redirection(), "a stranger is sent to sign in");
    // Copperline cannot claim Bluepeak's request.
    let copperline = app.sign_in("partner@copperline.test").await;
    let (status, _) = claim(&app, &copperline, &id, "1", ("invoice.pdf", PDF.to_vec())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Sam rejects it with a reason; then Bluepeak may claim again.
    let sam = app.sign_in("cam@acme.test").await;
    let (status, body) = act(&app, &sam, &id, "reject_claim", " ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["reason"].is_string(), "{body}");
    let (status, body) = act(&app, &sam, &id, "reject_claim", "Attach the venue's invoice").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = claim(&app, &partner, &id, "780", ("invoice.pdf", PDF.to_vec())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, detail) = app.call(&partner, "mdf_request", &[("id", id.as_str())]).await;
    let states: Vec<&str> =
        detail["claims"].as_array().expect("claims").iter().filter_map(|c| c["state"].as_str()).collect();
    assert_eq!(states, ["Claimed", "Rejected"], "newest first");
    assert_eq!(detail["claims"][1]["reason"], "Attach the venue's invoice");
}

async fn coop_of(app: &TestApp, client: &reqwest::Client) -> Value {
    let (status, view) = app.call(client, "mdf_overview", &[]).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view["coop"].clone()
}

async fn co_op_funds_accrue_on_wins_and_are_drawn_on_like_mdf(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(BLUEPEAK).await;
    let sam = app.sign_in("cam@acme.test").await;
    let bluepeak = app.organisation_id("Bluepeak Systems").await;
    let (_, benefits) =
        app::incentives::store::tier_of(app.db(), bluepeak).await.expect("tier").expect("Bluepeak has a tier");
    assert!(benefits.coop_bp > 0, "the demo's Gold tier accrues co-op");
    assert_eq!(coop_of(&app, &partner).await, serde_json::json!([]), "no win yet, no co-op funds");

    // A 40,000 USD win accrues the tier's co-op rate of it, in the same transaction as the win.
    let deal = win_deal(&app, &partner, &sam, "Vandelay Industries", "vandelay.example", "40,000").await;
    let expected = app::money::share(40_000_00, benefits.coop_bp);
    let coop = coop_of(&app, &partner).await;
    assert_eq!(
        (coop[0]["accrued_minor"].as_i64(), coop[0]["committed_minor"].as_i64()),
        (Some(expected), Some(0)),
        "{coop}"
    );
    // Sam sees it among his partners'; the other manager does not, nor another partner.
    assert!(coop_of(&app, &sam).await.to_string().contains("Bluepeak Systems"));
    for other in ["cam2@acme.test", "partner@copperline.test"] {
        let client = app.sign_in(other).await;
        assert!(!coop_of(&app, &client).await.to_string().contains("Bluepeak"), "{other}");
    }

    // A request past what is available is refused; within it, it is drawn like MDF's.
    let money = |minor: i64| format!("{}.{:02}", minor / 100, minor % 100);
    let (status, body) = ask(&app, &partner, "coop", &money(expected + 1)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["fields"]["amount"].as_str().is_some_and(|m| m.contains("of your co-op funds is available")),
        "{body}"
    );
    let (status, id) = ask(&app, &partner, "coop", &money(expected)).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let id = id.as_i64().expect("id").to_string();
    assert_eq!(coop_of(&app, &partner).await[0]["committed_minor"].as_i64(), Some(expected));
    assert_eq!(act(&app, &sam, &id, "pre_approve", "").await.0, StatusCode::OK);
    assert_eq!(act(&app, &partner, &id, "mark_executed", "").await.0, StatusCode::OK);
    let (status, body) = claim(&app, &partner, &id, &money(expected), ("invoice.pdf", PDF.to_vec())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(act(&app, &sam, &id, "approve_claim", "").await.0, StatusCode::OK);
    let (_, statement) = app.call(&partner, "earnings", &[]).await;
    let line =
        statement["lines"].as_array().and_then(|lines| lines.iter().find(|line| line["kind"] == "coop")).cloned();
    assert_eq!(line.and_then(|line| line["amount_minor"].as_i64()), Some(expected), "{statement}");

    // Reopening the win as lost takes its accrual back (the claim already paid stays on the ledger).
    let deal = deal.to_string();
    let (status, body) = app.call(&sam, "reopen_deal", &[("id", deal.as_str()), ("reason", "Order cancelled")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(coop_of(&app, &partner).await[0]["accrued_minor"].as_i64(), Some(0));
    let (status, body) = ask(&app, &partner, "coop", "1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "nothing left to draw: {body}");
}

fn tile(dashboard: &Value, kpi: &str) -> Value {
    dashboard["tiles"].as_array().and_then(|tiles| tiles.iter().find(|t| t["kpi"] == kpi)).cloned().expect("a tile")
}

async fn program_and_mdf_roi_are_computed_from_the_ledger_and_funded_campaigns(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(BLUEPEAK).await;
    let sam = app.sign_in("cam@acme.test").await;
    // Bluepeak launches the demo's campaign; a prospect's form on its page is a lead, which
    // Bluepeak registers as a deal and wins for 50,000 USD.
    let (_, list) = app.call(&partner, "campaigns", &[]).await;
    let campaign = list["rows"][0]["id"].as_i64().expect("a campaign aimed at Bluepeak").to_string();
    let (status, address) = app.call(&partner, "launch_campaign", &[("campaign", campaign.as_str())]).await;
    assert_eq!(status, StatusCode::OK, "{address}");
    let form = [("name", "Ada"), ("email", "ada@initech.example"), ("company", "Initech")];
    let sent = app.client().post(address.as_str().expect("address")).form(&form).send().await.expect("form sent");
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let (_, leads) = app.call(&partner, "leads", &[]).await;
    let lead = leads["rows"][0]["id"].as_i64().expect("the lead").to_string();
    let (_, setup) = app.call(&partner, "deal_form", &[("lead", lead.as_str())]).await;
    let token = setup["form_token"].as_str().expect("token").to_owned();
    let close = support::in_a_month();
    let mut deal_form = support::deal_form(&token, "submit", "Initech", "initech.example", &close);
    deal_form.push(("lead", &lead));
    let (status, saved) = app.call(&partner, "save_deal", &deal_form).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let deal = saved["id"].as_i64().expect("deal");
    approve(&app, &sam, deal).await;
    let today = Utc::now().date_naive().to_string();
    let deal = deal.to_string();
    let won = [("id", deal.as_str()), ("outcome", "won"), ("final_amount", "50,000"), ("closed_on", today.as_str())];
    assert_eq!(app.call(&partner, "close_deal", &won).await.0, StatusCode::OK);

    // An MDF activity promoting that campaign, run and claimed for 1,000 USD, approved.
    let allocation = bluepeak_allocation(&app, &partner).await["id"].as_i64().expect("id").to_string();
    let ends = (Utc::now().date_naive() + Duration::days(1)).to_string();
    let request = [
        ("allocation", allocation.as_str()),
        ("kind", "digital"),
        ("title", "Initech outreach"),
        ("starts_on", today.as_str()),
        ("ends_on", ends.as_str()),
        ("amount", "1,000"),
        ("expected_outcome", "One enterprise deal"),
        ("campaign", campaign.as_str()),
    ];
    let (status, id) = app.call(&partner, "request_mdf", &request).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let id = id.as_i64().expect("id").to_string();
    assert_eq!(act(&app, &sam, &id, "pre_approve", "").await.0, StatusCode::OK);
    assert_eq!(act(&app, &partner, &id, "mark_executed", "").await.0, StatusCode::OK);
    assert_eq!(claim(&app, &partner, &id, "1,000", ("invoice.pdf", PDF.to_vec())).await.0, StatusCode::OK);
    assert_eq!(act(&app, &sam, &id, "approve_claim", "").await.0, StatusCode::OK);

    // Sam's dashboard this month: MDF ROI is the funded deal's revenue over the claim; Program
    // ROI weighs his partners' revenue by the 40 % gross margin against every entry booked.
    let (status, dashboard) = app.call(&sam, "dashboard", &[("period", "month")]).await;
    assert_eq!(status, StatusCode::OK, "{dashboard}");
    assert_eq!(tile(&dashboard, "MdfRoi")["value"]["Factor"].as_f64(), Some(50.0), "50,000 ÷ 1,000");
    let cost: i64 = app::on_db!(app.db(), pool => sqlx::query_scalar::<_, i64>(
        "SELECT CAST(SUM(e.amount_minor) AS BIGINT) FROM incentive_entries e JOIN organisations o ON o.id = e.organisation_id \
         JOIN users u ON u.id = o.channel_manager_id WHERE u.email = 'cam@acme.test' AND e.booked_at >= $1")
        .bind(support::month_start()).fetch_one(pool).await)
    .expect("cost");
    let revenue = tile(&dashboard, "TotalRevenue")["value"]["Money"].as_i64().expect("revenue");
    let roi = |margin_bp: i64| (app::money::share(revenue, margin_bp) - cost) as f64 / cost as f64;
    let shown = tile(&dashboard, "ProgramRoi")["value"]["Factor"].as_f64().expect("computed");
    assert!((shown - roi(4_000)).abs() < 1e-9, "{shown} against {}", roi(4_000));

    // An admin sets the gross margin: a bad one is named beside its field, a good one moves the ROI.
    let admin = app.sign_in(ADMIN).await;
    let settings = |margin: &'static str| {
        [
            ("leaderboard_names", "anonymous"),
            ("activation_days", "90"),
            ("activation_event", "won"),
            ("gross_margin", margin),
        ]
    };
    let (status, body) = app.call(&admin, "save_program_settings", &settings("150")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["gross_margin"].is_string(), "{body}");
    assert_eq!(app.call(&admin, "save_program_settings", &settings("55.5")).await.0, StatusCode::OK);
    let (_, dashboard) = app.call(&sam, "dashboard", &[("period", "month")]).await;
    let shown = tile(&dashboard, "ProgramRoi")["value"]["Factor"].as_f64().expect("computed");
    assert!((shown - roi(5_550)).abs() < 1e-9, "{shown} against {}", roi(5_550));
}
