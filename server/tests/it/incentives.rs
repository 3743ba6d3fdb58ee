//! The incentive ledger over HTTP, on SQLite and on PostgreSQL: a won deal accrues at its
//! partner's tier of that moment and a reopened one is clawed back; closing a quarter twice
//! approves once; a payout run is paid once whoever clicks; nobody reads another partner's ledger.

use crate::support;

use app::incentives::ledger::{self, EntryKind, NewEntry};
use app::on_db;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::Value;
use support::{Backend, TestApp, win_deal};

on_both_databases!(
    winning_accrues_at_the_tier_of_that_moment_and_reopening_claws_back,
    a_quarter_closes_once_and_a_payout_run_pays_once,
    nobody_reads_another_partners_ledger_or_pays_their_own,
    closing_a_quarter_books_each_partners_volume_rebate_once,
    a_partner_sees_its_rebate_forecast_and_admins_keep_the_schedules,
    the_demo_history_books_its_wins_and_co_op_beside_the_demos_mdf_claim,
);

/// Approvals of the ledger's entries, the demo's approved MDF claim aside (approved with the claim).
const APPROVALS: &str = "SELECT COUNT(*) FROM incentive_approvals a JOIN incentive_entries e ON e.id = a.entry_id \
    WHERE e.mdf_request_id IS NULL";
const BLUEPEAK: &str = "partner@bluepeak.test";
const MANAGER: &str = "cam@acme.test";
const ADMIN: &str = "admin@acme.test";

/// The demo program's (margin, registration) in basis points per tier, worked out by hand.
fn demo_rates(tier: &str) -> (i64, i64) {
    match tier {
        "Registered" => (1_000, 0),
        "Silver" => (1_500, 300),
        "Gold" => (2_000, 500),
        "Platinum" => (2_500, 700),
        other => panic!("no demo tier {other}"),
    }
}

async fn tier_name(app: &TestApp, organisation_id: i64) -> String {
    on_db!(app.db(), pool => sqlx::query_scalar("SELECT t.name FROM organisations o JOIN tiers t ON t.id = o.tier_id WHERE o.id = $1")
        .bind(organisation_id).fetch_one(pool).await)
    .expect("tier")
}

/// (kind, amount) of each entry the deal page shows.
fn earned(view: &Value) -> Vec<(String, i64)> {
    view["earnings"]
        .as_array()
        .expect("earnings")
        .iter()
        .map(|e| (e["kind"].as_str().unwrap_or("").to_owned(), e["amount_minor"].as_i64().unwrap_or(0)))
        .collect()
}

async fn deal_view(app: &TestApp, client: &reqwest::Client, id: i64) -> Value {
    let (status, view) = app.call(client, "deal_detail", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view
}

async fn winning_accrues_at_the_tier_of_that_moment_and_reopening_claws_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let partner = app.sign_in(BLUEPEAK).await;
    let manager = app.sign_in(MANAGER).await;
    let bluepeak = app.organisation_id("Bluepeak Systems").await;
    let (margin, registration) = demo_rates(&tier_name(&app, bluepeak).await);

    let first = win_deal(&app, &partner, &manager, "Initech", "initech.com", "10,000.00").await;
    let view = deal_view(&app, &partner, first).await;
    assert_eq!(
        earned(&view),
        [
            ("margin".to_owned(), 10_000_00 * margin / 10_000),
            ("registration".to_owned(), 10_000_00 * registration / 10_000)
        ]
        .into_iter()
        .filter(|(_, amount)| *amount != 0)
        .collect::<Vec<_>>()
    );

    // Promoted to Platinum: the next win accrues at Platinum's rates, the first keeps its own.
    on_db!(app.db(), pool => sqlx::query("UPDATE organisations SET tier_id = (SELECT id FROM tiers WHERE name = 'Platinum') WHERE id = $1")
        .bind(bluepeak).execute(pool).await.map(|_| ()))
    .expect("promote");
    let second = win_deal(&app, &partner, &manager, "Hooli", "hooli.com", "2,000.00").await;
    assert_eq!(
        earned(&deal_view(&app, &partner, second).await),
        [("margin".to_owned(), 500_00), ("registration".to_owned(), 140_00)]
    );
    assert_eq!(earned(&deal_view(&app, &partner, first).await).len(), earned(&view).len());

    // A partner cannot reopen; a manager must say why; then every entry is reversed once.
    let id = second.to_string();
    let (status, _) = app.call(&partner, "reopen_deal", &[("id", &id), ("reason", "no")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app.call(&manager, "reopen_deal", &[("id", &id), ("reason", " ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["reason"].is_string(), "{body}");
    assert_eq!(deal_view(&app, &partner, second).await["deal"]["status"], "won", "nothing changed");
    let (status, body) = app.call(&manager, "reopen_deal", &[("id", &id), ("reason", "Order cancelled")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view = deal_view(&app, &partner, second).await;
    assert_eq!(view["deal"]["status"], "lost");
    assert_eq!(
        earned(&view),
        [
            ("margin".to_owned(), 500_00),
            ("registration".to_owned(), 140_00),
            ("margin".to_owned(), -500_00),
            ("registration".to_owned(), -140_00)
        ]
    );
    assert_eq!(view["earnings"][2]["reverses"], view["earnings"][0]["id"]);
    let (status, _) = app.call(&manager, "reopen_deal", &[("id", &id), ("reason", "Again")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a lost deal is not reopened twice");

    // The statement: both deals' entries, and a total that is the first deal's alone.
    let (status, statement) = app.call(&partner, "earnings", &[]).await;
    assert_eq!(status, StatusCode::OK, "{statement}");
    assert_eq!(
        statement["lines"].as_array().map(Vec::len),
        Some(earned(&view).len() + earned(&deal_view(&app, &partner, first).await).len())
    );
    let total = &statement["totals"][0];
    assert_eq!(total[0], "USD");
    assert_eq!(total[1]["accrued"], 10_000_00 * (margin + registration) / 10_000);
    let csv = partner.get(format!("{}/earnings.csv", app.base)).send().await.expect("csv");
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await.expect("body");
    assert_eq!(csv.lines().count(), 1 + statement["lines"].as_array().map_or(0, Vec::len), "{csv}");
    assert!(csv.contains("Reversal of entry #"), "{csv}");
}

/// Books `amount` of margin for `organisation_id` in the quarter before this one, as a deal won then would have.
async fn book_last_quarter(app: &TestApp, organisation_id: i64, amount: i64) -> chrono::NaiveDate {
    book_margin_last_quarter(app, organisation_id, amount, None).await
}

/// Books `amount` of margin on `basis` (a won deal's final amount) in the quarter before this one.
async fn book_margin_last_quarter(
    app: &TestApp,
    organisation_id: i64,
    amount: i64,
    basis: Option<i64>,
) -> chrono::NaiveDate {
    let last_quarter = ledger::quarter_of(ledger::quarter_of(Utc::now().date_naive()) - Duration::days(1));
    let at = last_quarter.and_hms_opt(12, 0, 0).expect("noon").and_utc();
    let entry = NewEntry {
        organisation_id,
        kind: EntryKind::Margin,
        deal_id: None,
        amount_minor: amount,
        currency: "USD".into(),
        basis_minor: basis,
        rate_bp: None,
        period_start: last_quarter,
        description: "Margin booked last quarter".into(),
        reverses: None,
        booked_by: None,
        booked_at: at,
        spiff_id: None,
        rep_id: None,
        mdf_request_id: None,
    };
    let mut tx = app.db().begin().await.expect("begin");
    app::incentives::store::append(&mut tx, &[entry]).await.expect("append");
    tx.commit().await.expect("commit");
    last_quarter
}

fn quarter_key(start: chrono::NaiveDate) -> String {
    ledger::quarter_key(start)
}

async fn a_quarter_closes_once_and_a_payout_run_pays_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in(ADMIN).await;
    let bluepeak = app.organisation_id("Bluepeak Systems").await;
    let copperline = app.organisation_id("Copperline IT").await;
    let quarter = book_last_quarter(&app, bluepeak, 1_234_00).await;
    book_last_quarter(&app, copperline, 99_00).await;
    let key = quarter_key(quarter);

    // The preview says what closing approves, and changes nothing.
    let (status, owed) = app.call(&admin, "incentive_liabilities", &[("close", &key)]).await;
    assert_eq!(status, StatusCode::OK, "{owed}");
    assert_eq!(owed["preview"]["entries"], 2);
    assert_eq!(owed["preview"]["totals"][0], serde_json::json!(["USD", 1_333_00]));
    assert_eq!(app.count(APPROVALS).await, 0);

    // The running quarter cannot close; an unknown one is named.
    let running = quarter_key(ledger::quarter_of(Utc::now().date_naive()));
    let (status, body) = app.call(&admin, "close_period", &[("period", &running)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = app.call(&admin, "close_period", &[("period", "next spring")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["period"].is_string(), "{body}");

    // Closing twice approves once.
    for _ in 0..2 {
        let (status, body) = app.call(&admin, "close_period", &[("period", &key)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert_eq!(app.count(APPROVALS).await, 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM incentive_periods").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'incentives.close_period'").await, 1);
    // An entry of the closed quarter booked after its close (a win committing just after it) goes
    // into the first quarter still open, so it is approved when that one closes.
    book_last_quarter(&app, copperline, 1_00).await;
    let late: chrono::NaiveDate = on_db!(app.db(), pool => sqlx::query_scalar(
        "SELECT period_start FROM incentive_entries WHERE amount_minor = 100").fetch_one(pool).await)
    .expect("the late entry");
    assert_eq!(late, ledger::next_quarter(quarter));

    // One run holds both entries; a second waits for the first to be paid.
    let (status, run) = app.call(&admin, "approve_payout_run", &[("period", &key)]).await;
    assert_eq!(status, StatusCode::OK, "{run}");
    let run = run.as_i64().expect("run id");
    let (status, body) = app.call(&admin, "approve_payout_run", &[("period", &key)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let csv = admin.get(format!("{}/incentives/runs/{run}.csv", app.base)).send().await.expect("csv");
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await.expect("body");
    assert!(csv.contains("Bluepeak Systems,\"1,234.00 USD\",123400,USD,1"), "{csv}");
    assert_eq!(csv.lines().count(), 3, "{csv}");

    // Two admins mark it paid at once: it is paid once, each partner's admins told once.
    let second_admin = app.sign_in(ADMIN).await;
    let run_text = run.to_string();
    let form = [("run", run_text.as_str())];
    let (first, second) =
        tokio::join!(app.call(&admin, "mark_run_paid", &form), app.call(&second_admin, "mark_run_paid", &form));
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY], "{first:?} {second:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'payout.paid'").await, 1);
    let told: i64 = on_db!(app.db(), pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE recipient = $1 AND subject LIKE '%incentives are paid%'")
        .bind(BLUEPEAK).fetch_one(pool).await)
    .expect("outbox");
    assert_eq!(told, 1);
    let (status, _) = app.call(&admin, "mark_run_paid", &[("run", "999999")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The partner's statement shows it paid, in the run.
    let partner = app.sign_in(BLUEPEAK).await;
    let (status, statement) = app.call(&partner, "earnings", &[("period", &key)]).await;
    assert_eq!(status, StatusCode::OK, "{statement}");
    assert_eq!(statement["lines"][0]["status"], "paid");
    assert_eq!(statement["lines"][0]["run_id"], run);
    assert_eq!(statement["totals"][0][1]["paid"], 1_234_00);
}

async fn nobody_reads_another_partners_ledger_or_pays_their_own(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let bluepeak = app.organisation_id("Bluepeak Systems").await;
    let copperline = app.organisation_id("Copperline IT").await;
    let quarter = book_last_quarter(&app, copperline, 500_00).await;
    let key = quarter_key(quarter);
    let partner = app.sign_in(BLUEPEAK).await;
    let other = copperline.to_string();

    // Another partner's statement, by id, as data or as a file: not found.
    let (status, _) = app.call(&partner, "earnings", &[("partner", &other)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let csv = partner.get(format!("{}/earnings.csv?partner={other}", app.base)).send().await.expect("csv");
    assert_eq!(csv.status(), StatusCode::NOT_FOUND);
    let (status, own) = app.call(&partner, "earnings", &[("partner", &bluepeak.to_string())]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["lines"].as_array().map(Vec::len), Some(0), "Copperline's entry is not Bluepeak's");

    // A partner neither sees the vendor's liabilities nor closes, approves or pays.
    for (endpoint, form) in [
        ("incentive_liabilities", vec![]),
        ("close_period", vec![("period", key.as_str())]),
        ("approve_payout_run", vec![("period", key.as_str())]),
        ("mark_run_paid", vec![("run", "1")]),
    ] {
        let (status, _) = app.call(&partner, endpoint, &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{endpoint}");
    }
    let csv = partner.get(format!("{}/incentives/runs/1.csv", app.base)).send().await.expect("csv");
    assert_eq!(csv.status(), StatusCode::FORBIDDEN);
    // Marketing sees every partner for campaigns, but no partner's ledger, as data or as a file.
    let marketing = app.sign_in("marketing@acme.test").await;
    let (status, _) = app.call(&marketing, "earnings", &[("partner", &other)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let csv = marketing.get(format!("{}/earnings.csv?partner={other}", app.base)).send().await.expect("csv");
    assert_eq!(csv.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count(APPROVALS).await, 0);

    // A channel manager reads their own partners' statements and liabilities only, and closes nothing.
    let sam = app.sign_in(MANAGER).await;
    let (status, owed) = app.call(&sam, "incentive_liabilities", &[]).await;
    assert_eq!(status, StatusCode::OK, "{owed}");
    let (status, _) = app.call(&sam, "close_period", &[("period", &key)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let sams: Vec<i64> = on_db!(app.db(), pool => sqlx::query_scalar(
        "SELECT o.id FROM organisations o JOIN users u ON u.id = o.channel_manager_id WHERE u.email = $1")
        .bind(MANAGER).fetch_all(pool).await)
    .expect("sam's partners");
    let copperline_is_sams = sams.contains(&copperline);
    let (status, _) = app.call(&sam, "earnings", &[("partner", &other)]).await;
    assert_eq!(status, if copperline_is_sams { StatusCode::OK } else { StatusCode::NOT_FOUND });
    let listed = owed["by_partner"].as_array().expect("by partner").iter().any(|row| row[0][1] == copperline);
    assert_eq!(listed, copperline_is_sams);
}

async fn closing_a_quarter_books_each_partners_volume_rebate_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in(ADMIN).await;
    let partner = app.sign_in(BLUEPEAK).await;
    let bluepeak = app.organisation_id("Bluepeak Systems").await;
    // Bluepeak is Gold, whose demo schedule is retroactive: 2 % from 250,000, 3 % from 500,000 USD a quarter.
    assert_eq!(tier_name(&app, bluepeak).await, "Gold");
    // Two deals won last quarter: their margins' basis is the quarter's revenue.
    let quarter = book_margin_last_quarter(&app, bluepeak, 40_000_00, Some(200_000_00)).await;
    book_margin_last_quarter(&app, bluepeak, 20_000_00, Some(100_000_00)).await;
    let key = quarter_key(quarter);

    // The preview names the rebates closing books; closing books them, approved; closing again adds nothing.
    let (status, owed) = app.call(&admin, "incentive_liabilities", &[("close", &key)]).await;
    assert_eq!(status, StatusCode::OK, "{owed}");
    assert_eq!(owed["preview"]["rebates"], 1, "{owed}");
    assert_eq!(owed["preview"]["rebate_minor"], 6_000_00, "2 % of 300,000.00 reached retroactively");
    for _ in 0..2 {
        let (status, body) = app.call(&admin, "close_period", &[("period", &key)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let rebates: Vec<(i64, i64, String)> = on_db!(app.db(), pool => sqlx::query_as(
        "SELECT organisation_id, amount_minor, currency FROM incentive_entries WHERE kind = 'rebate'")
        .fetch_all(pool).await)
    .expect("rebates");
    assert_eq!(rebates, [(bluepeak, 6_000_00, "USD".to_owned())]);
    let (status, statement) = app.call(&partner, "earnings", &[("period", &key)]).await;
    assert_eq!(status, StatusCode::OK, "{statement}");
    let rebate = statement["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|line| line["kind"] == "rebate")
        .cloned()
        .expect("a rebate line");
    assert_eq!(
        (rebate["status"].as_str(), rebate["basis_minor"].as_i64(), rebate["rate_bp"].as_i64()),
        (Some("approved"), Some(300_000_00), Some(200))
    );
}

async fn a_partner_sees_its_rebate_forecast_and_admins_keep_the_schedules(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in(ADMIN).await;
    let copperline = app.sign_in("partner@copperline.test").await;
    let manager = app.sign_in("cam2@acme.test").await;
    // Copperline is Silver, whose demo schedule is incremental: 1 % from 100,000, 1.5 % from 250,000 USD.
    win_deal(&app, &copperline, &manager, "Initech", "initech.com", "150,000.00").await;
    let (status, statement) = app.call(&copperline, "earnings", &[]).await;
    assert_eq!(status, StatusCode::OK, "{statement}");
    let forecast = &statement["forecast"];
    assert_eq!(forecast["schedule"], "Silver quarterly");
    assert_eq!(forecast["revenue_minor"], 150_000_00);
    assert_eq!(forecast["accrual_minor"], 500_00, "1 % of the 50,000 above 100,000");
    assert_eq!(forecast["next"], serde_json::json!([250_000_00, 150, 100_000_00]));

    // A schedule with mistakes is named field by field and nothing is saved; a partner saves none.
    let audited = || app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'rebate_schedule.change'");
    let before = audited().await;
    let bad = [("name", ""), ("method", "sometimes"), ("bands", "500000 = 3\n250000 = 2")];
    let (status, body) = app.call(&admin, "save_rebate_schedule", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"]["bands"], "Line 2: each threshold must be above the one before.");
    assert!(body["fields"]["name"].is_string() && body["fields"]["method"].is_string(), "{body}");
    let (status, _) = app
        .call(&copperline, "save_rebate_schedule", &[("name", "Mine"), ("method", "retroactive"), ("bands", "0 = 50")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(audited().await, before);

    // Silver's schedule changed to retroactive: the forecast follows at once.
    let silver = [("name", "Silver quarterly"), ("method", "retroactive"), ("bands", "100,000 = 1\n250,000 = 1.5")];
    let (status, body) = app.call(&admin, "save_rebate_schedule", &silver).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, statement) = app.call(&copperline, "earnings", &[]).await;
    assert_eq!(statement["forecast"]["accrual_minor"], 1_500_00, "1 % of all 150,000");
    let (_, owed) = app.call(&admin, "incentive_liabilities", &[]).await;
    let schedules = owed["schedules"].as_array().expect("schedules");
    assert_eq!(schedules.len(), 3, "changed, not added: {owed}");
    assert!(
        schedules
            .iter()
            .any(|row| row["schedule"]["name"] == "Silver quarterly" && row["tiers"] == serde_json::json!(["Silver"]))
    );
}

/// README command 1's ledger: the demo (with its approved MDF claim already on the ledger) and
/// eighteen months of deals, whose wins are booked with their co-op accruals, once.
async fn the_demo_history_books_its_wins_and_co_op_beside_the_demos_mdf_claim(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM incentive_entries WHERE kind = 'mdf'").await, 1, "the demo's claim");
    tessera::history::demo_history(app.db()).await.expect("demo history");
    tessera::seed::demo_ledger(app.db(), "http://127.0.0.1").await.expect("demo ledger");
    let wins = "SELECT COUNT(*) FROM incentive_entries WHERE deal_id IS NOT NULL";
    let booked = app.count(wins).await;
    assert!(booked > 0, "the history's wins are on the ledger");
    assert!(app.count("SELECT COUNT(*) FROM coop_accruals").await > 0, "and accrued co-op funds");
    tessera::seed::demo_ledger(app.db(), "http://127.0.0.1").await.expect("demo ledger again");
    assert_eq!(app.count(wins).await, booked, "booked once");
}
