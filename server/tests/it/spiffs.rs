//! SPIFFs over HTTP, on SQLite and on PostgreSQL: a launched SPIFF pays each qualifying win (a
//! draft nothing; below its minimum nothing), per rep only a rep's first, again after a
//! clawback; only marketing and admins run them; a partner sees those open to it and only what
//! it earned; a refused form stores nothing.

use crate::support;

use reqwest::StatusCode;
use serde_json::Value;
use support::{Backend, TestApp, win_deal};

on_both_databases!(
    a_launched_spiff_pays_qualifying_wins_and_a_rep_once,
    only_marketing_runs_spiffs_and_partners_see_their_own,
);

const MARKETING: &str = "marketing@acme.test";
const MANAGER: &str = "cam@acme.test";

/// Creates a SPIFF open from today for 30 days on deals naming Backup Pro (as the test deals
/// do), paying `payout` per `basis`, from `min_amount`; its id.
async fn create(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    basis: &str,
    min_amount: &str,
    extra: &[(&str, &str)],
) -> i64 {
    let today = chrono::Utc::now().date_naive();
    let (starts, ends) = (today.to_string(), (today + chrono::Duration::days(30)).to_string());
    let mut form = vec![
        ("name", name),
        ("starts_on", starts.as_str()),
        ("ends_on", ends.as_str()),
        ("products", "Vault, backup pro"),
        ("min_amount", min_amount),
        ("basis", basis),
        ("payout", "400"),
    ];
    form.extend_from_slice(extra);
    let (status, id) = app.call(client, "create_spiff", &form).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    id.as_i64().expect("id")
}

async fn launch(app: &TestApp, client: &reqwest::Client, id: i64) {
    let (status, body) = app.call(client, "launch_spiff", &[("id", &id.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// (SPIFF id, rep id, amount) of each SPIFF entry of deal `deal`, reversals included, in order.
async fn spiff_entries(app: &TestApp, deal: i64) -> Vec<(i64, Option<i64>, i64)> {
    app::on_db!(app.db(), pool => sqlx::query_as(
        "SELECT spiff_id, rep_id, amount_minor FROM incentive_entries WHERE deal_id = $1 AND kind = 'spiff' ORDER BY id")
        .bind(deal).fetch_all(pool).await)
    .expect("entries")
}

/// The SPIFF named `name` as `client` sees it on the SPIFFs page, if listed.
async fn listed(app: &TestApp, client: &reqwest::Client, name: &str) -> Option<Value> {
    let (status, view) = app.call(client, "spiffs", &[]).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view["rows"].as_array().expect("rows").iter().find(|row| row["spiff"]["name"] == name).cloned()
}

async fn a_launched_spiff_pays_qualifying_wins_and_a_rep_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let marketing = app.sign_in(MARKETING).await;
    let manager = app.sign_in(MANAGER).await;
    let partner = app.sign_in("partner@bluepeak.test").await;
    let rep = app.sign_in("rep@bluepeak.test").await;
    let per_deal = create(&app, &marketing, "Backup push", "deal", "10,000", &[]).await;

    // A draft pays nothing.
    let before = win_deal(&app, &partner, &manager, "Initech", "initech.com", "50,000.00").await;
    assert_eq!(spiff_entries(&app, before).await, []);

    // Launched: a win at the minimum exactly earns it; a cent below does not.
    launch(&app, &marketing, per_deal).await;
    let at_minimum = win_deal(&app, &partner, &manager, "Globex", "globex.com", "10,000.00").await;
    assert_eq!(spiff_entries(&app, at_minimum).await, [(per_deal, None, 400_00)]);
    let below = win_deal(&app, &partner, &manager, "Hooli", "hooli.com", "9,999.99").await;
    assert_eq!(spiff_entries(&app, below).await, []);

    // Per rep: a rep's first qualifying win only; another rep earns their own.
    let per_rep = create(&app, &marketing, "First backup win", "rep", "", &[]).await;
    launch(&app, &marketing, per_rep).await;
    let partner_user: i64 =
        app::on_db!(app.db(), pool => sqlx::query_scalar("SELECT id FROM users WHERE email = 'partner@bluepeak.test'")
        .fetch_one(pool).await)
        .expect("user");
    let first = win_deal(&app, &partner, &manager, "Umbrella", "umbrella.com", "20,000.00").await;
    assert_eq!(spiff_entries(&app, first).await, [(per_deal, None, 400_00), (per_rep, Some(partner_user), 400_00)]);
    let second = win_deal(&app, &partner, &manager, "Soylent", "soylent.com", "20,000.00").await;
    assert_eq!(spiff_entries(&app, second).await, [(per_deal, None, 400_00)], "the rep holds it already");
    let colleague = win_deal(&app, &rep, &manager, "Tyrell", "tyrell.com", "20,000.00").await;
    assert_eq!(spiff_entries(&app, colleague).await.len(), 2, "another rep earns their own");

    // Reopened as lost: both SPIFFs are clawed back, and the rep's next win earns it again.
    let (status, body) =
        app.call(&manager, "reopen_deal", &[("id", &first.to_string()), ("reason", "Cancelled")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        spiff_entries(&app, first).await,
        [
            (per_deal, None, 400_00),
            (per_rep, Some(partner_user), 400_00),
            (per_deal, None, -400_00),
            (per_rep, Some(partner_user), -400_00)
        ]
    );
    let again = win_deal(&app, &partner, &manager, "Cyberdyne", "cyberdyne.com", "20,000.00").await;
    assert_eq!(spiff_entries(&app, again).await, [(per_deal, None, 400_00), (per_rep, Some(partner_user), 400_00)]);

    // New customers only: a domain won before does not earn it.
    let new_logo = create(&app, &marketing, "New logos", "deal", "", &[("new_logo_only", "on")]).await;
    launch(&app, &marketing, new_logo).await;
    let known = win_deal(&app, &partner, &manager, "Globex Europe", "globex.com", "20,000.00").await;
    assert!(
        !spiff_entries(&app, known).await.iter().any(|(spiff, _, _)| *spiff == new_logo),
        "globex.com was won before"
    );
    let fresh = win_deal(&app, &partner, &manager, "Wonka", "wonka.com", "20,000.00").await;
    assert!(spiff_entries(&app, fresh).await.iter().any(|(spiff, _, _)| *spiff == new_logo));

    // The partner's page adds up what it earned of each: net of the clawback.
    let row = listed(&app, &partner, "Backup push").await.expect("listed");
    assert_eq!((row["paid_minor"].as_i64(), row["deals"].as_i64()), (Some(6 * 400_00), Some(6)), "{row}");
    let row = listed(&app, &partner, "First backup win").await.expect("listed");
    assert_eq!((row["paid_minor"].as_i64(), row["deals"].as_i64()), (Some(2 * 400_00), Some(2)), "{row}");
}

async fn only_marketing_runs_spiffs_and_partners_see_their_own(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let marketing = app.sign_in(MARKETING).await;
    let manager = app.sign_in(MANAGER).await;
    let bluepeak = app.sign_in("partner@bluepeak.test").await;
    let copperline = app.sign_in("partner@copperline.test").await;
    let stored = "SELECT COUNT(*) FROM spiffs";
    let demo = app.count(stored).await;

    // Refused: every field's problem at once, and nothing stored.
    let (status, body) = app
        .call(
            &marketing,
            "create_spiff",
            &[
                ("name", " "),
                ("starts_on", "soon"),
                ("ends_on", ""),
                ("basis", "logo"),
                ("payout", "0"),
                ("tiers[]", "999"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    for field in ["name", "starts_on", "ends_on", "basis", "payout", "tiers"] {
        assert!(body["fields"][field].is_string(), "{field}: {body}");
    }
    assert_eq!(app.count(stored).await, demo);

    // Partners and channel managers neither create, launch nor end.
    let silver: String =
        app::on_db!(app.db(), pool => sqlx::query_scalar("SELECT CAST(id AS TEXT) FROM tiers WHERE name = 'Silver'")
        .fetch_one(pool).await)
        .expect("silver");
    let for_silver = create(&app, &marketing, "Silver sprint", "deal", "", &[("tiers[]", silver.as_str())]).await;
    create(&app, &marketing, "Quiet draft", "deal", "", &[]).await;
    for client in [&bluepeak, &manager] {
        let whole = [
            ("name", "Mine"),
            ("starts_on", "2030-01-01"),
            ("ends_on", "2030-01-31"),
            ("basis", "deal"),
            ("payout", "1"),
        ];
        let (status, _) = app.call(client, "create_spiff", &whole).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        for endpoint in ["launch_spiff", "end_spiff"] {
            let (status, _) = app.call(client, endpoint, &[("id", &for_silver.to_string())]).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{endpoint}");
        }
    }
    let (status, _) = app.call(&marketing, "launch_spiff", &[("id", "999999")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    launch(&app, &marketing, for_silver).await;
    let (status, body) = app.call(&marketing, "launch_spiff", &[("id", &for_silver.to_string())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "launched already: {body}");

    // Copperline (Silver) sees the Silver SPIFF; Bluepeak (Gold) does not; nobody sees the draft.
    assert!(listed(&app, &copperline, "Silver sprint").await.is_some());
    assert!(listed(&app, &bluepeak, "Silver sprint").await.is_none());
    assert!(listed(&app, &copperline, "Quiet draft").await.is_none());
    assert!(listed(&app, &manager, "Quiet draft").await.is_none(), "drafts are marketing's");
    assert_eq!(listed(&app, &marketing, "Quiet draft").await.expect("marketing's draft")["phase"], "Draft");

    // Copperline earns it; Bluepeak's page of an open-to-all SPIFF counts only Bluepeak's.
    let everyone = create(&app, &marketing, "Everyone", "deal", "", &[]).await;
    launch(&app, &marketing, everyone).await;
    let copperline_id = app.organisation_id("Copperline IT").await;
    let theirs: String = app::on_db!(app.db(), pool => sqlx::query_scalar(
        "SELECT u.email FROM organisations o JOIN users u ON u.id = o.channel_manager_id WHERE o.id = $1")
        .bind(copperline_id).fetch_one(pool).await)
    .expect("Copperline's channel manager");
    let copperlines_manager = app.sign_in(&theirs).await;
    win_deal(&app, &copperline, &copperlines_manager, "Initech", "initech.com", "12,000.00").await;
    let row = listed(&app, &copperline, "Everyone").await.expect("listed");
    assert_eq!(row["paid_minor"].as_i64(), Some(400_00));
    let row = listed(&app, &bluepeak, "Everyone").await.expect("listed");
    assert_eq!(
        (row["paid_minor"].as_i64(), row["deals"].as_i64()),
        (Some(0), Some(0)),
        "Copperline's earnings are not Bluepeak's"
    );

    // Ended early: it stops paying from tomorrow, and is listed as ended only once the day is over.
    let (status, body) = app.call(&marketing, "end_spiff", &[("id", &everyone.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let row = listed(&app, &marketing, "Everyone").await.expect("listed");
    assert_eq!(row["spiff"]["ends_on"], chrono::Utc::now().date_naive().to_string());
    let (status, _) = app.call(&marketing, "end_spiff", &[("id", &everyone.to_string())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "ended already");
}
