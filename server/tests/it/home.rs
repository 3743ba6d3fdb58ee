//! Each role's home lists what the demo data says needs that person, each item linking to where
//! it is done, and nothing of organisations beyond their reach; on SQLite and on PostgreSQL.

use crate::support;

use std::collections::BTreeSet;

use app::on_db;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::Value;
use support::{Backend, TestApp, approve, register, win_deal};

on_both_databases!(
    a_partners_home_lists_its_own_deals_needing_it_and_its_recent_wins,
    a_managers_home_lists_approvals_risk_and_protection_within_reach,
    an_admins_home_covers_the_program_and_its_setup,
    marketings_home_lists_only_what_exists_for_marketing,
);

async fn home(app: &TestApp, client: &reqwest::Client) -> Value {
    let (status, home) = app.call(client, "home_summary", &[]).await;
    assert_eq!(status, StatusCode::OK, "{home}");
    home
}

fn section_ids(home: &Value) -> Vec<String> {
    home["sections"].as_array().expect("sections").iter().map(|s| s["id"].as_str().unwrap_or("").to_owned()).collect()
}

fn section<'a>(home: &'a Value, id: &str) -> &'a Value {
    home["sections"].as_array().expect("sections").iter().find(|s| s["id"] == id).expect("the section is there")
}

/// The ids an agenda section links to under `prefix` ("/deals/", "/partners/"), in order.
fn linked_ids(section: &Value, prefix: &str) -> Vec<i64> {
    section["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|item| item["href"].as_str()?.strip_prefix(prefix)?.parse().ok())
        .collect()
}

async fn ids(app: &TestApp, sql: &'static str, bind: i64) -> BTreeSet<i64> {
    let found: Vec<i64> =
        on_db!(app.db(), pool => sqlx::query_scalar(sql).bind(bind).fetch_all(pool).await).expect("query");
    found.into_iter().collect()
}

/// The demo program with its eighteen months of deals, as `tessera run` shows it.
async fn demo_with_history(backend: Backend) -> TestApp {
    let app = TestApp::spawn(backend).await;
    tessera::history::demo_history(app.db()).await.expect("demo history");
    app
}

async fn a_partners_home_lists_its_own_deals_needing_it_and_its_recent_wins(backend: Backend) {
    let app = demo_with_history(backend).await;
    let bluepeak = app.organisation_id("Bluepeak Systems").await;
    let partner = app.sign_in("partner@bluepeak.test").await;
    let manager = app.sign_in("cam@acme.test").await;
    // A decision made just now, and another partner's deal that must not appear.
    let approved = register(&app, &partner, "Initech", "initech.example").await;
    approve(&app, &manager, approved).await;
    let won = win_deal(&app, &partner, &manager, "Hooli", "hooli.example", "90,000").await;
    let northwind = app.sign_in("partner@northwind.test").await;
    let elsewhere = register(&app, &northwind, "Umbrella Corp", "umbrella.example").await;

    for email in ["partner@bluepeak.test", "rep@bluepeak.test"] {
        let client = app.sign_in(email).await;
        let home = home(&app, &client).await;
        assert_eq!(home["actions"][0]["href"], "/deals/new", "{email}: registering a deal is the first action");
        assert_eq!(section_ids(&home), ["needs-you", "tier", "recent-wins", "campaigns", "earnings"]);
        // The win just now accrued Gold's 20 % margin and 5 % registration discount on 90,000.
        let earnings = section(&home, "earnings");
        let titles: Vec<&str> =
            earnings["items"].as_array().expect("items").iter().filter_map(|item| item["title"].as_str()).collect();
        assert!(titles.contains(&"22,500.00 USD owed to you"), "{earnings}");
        assert!(titles.iter().any(|title| title.starts_with("Volume rebate of ")), "{earnings}");
        // The demo's launch brought three leads no one has registered yet.
        let campaigns = section(&home, "campaigns");
        assert_eq!(campaigns["items"][0]["title"], "3 leads to follow up", "{campaigns}");
        assert_eq!(campaigns["items"][0]["href"], "/leads");
        assert!(
            campaigns["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|item| item["title"] == "Back up every server" && item["badge"] == "Live"),
            "{campaigns}"
        );

        let since = Utc::now() - Duration::days(7);
        let until = Utc::now() + Duration::days(14);
        let mut needing =
            ids(&app, "SELECT id FROM deals WHERE organisation_id = $1 AND status = 'draft'", bluepeak).await;
        let answered: Vec<i64> = on_db!(app.db(), pool => sqlx::query_scalar(
            "SELECT DISTINCT d.id FROM deals d JOIN deal_events e ON e.deal_id = d.id WHERE d.organisation_id = $1 \
             AND e.kind IN ('approved', 'rejected', 'extension_approved', 'extension_declined') AND e.at >= $2")
            .bind(bluepeak).bind(since).fetch_all(pool).await)
        .expect("answers");
        let ending: Vec<i64> = on_db!(app.db(), pool => sqlx::query_scalar(
            "SELECT id FROM deals WHERE organisation_id = $1 AND status = 'approved' AND protected_until <= $2")
            .bind(bluepeak).bind(until).fetch_all(pool).await)
        .expect("ending");
        needing.extend(answered);
        needing.extend(ending);
        let listed = linked_ids(section(&home, "needs-you"), "/deals/");
        assert!(listed.contains(&approved), "{email}: the approval just made is listed: {listed:?}");
        assert!(!listed.contains(&elsewhere), "{email}: another partner's deal is not");
        let listed: BTreeSet<i64> = listed.into_iter().collect();
        assert!(listed.is_subset(&needing), "{email}: only deals needing them: {listed:?} of {needing:?}");
        assert_eq!(listed.len(), needing.len().min(6), "{email}: every one, up to six");

        let wins: Vec<i64> = on_db!(app.db(), pool => sqlx::query_scalar(
            "SELECT id FROM deals WHERE organisation_id = $1 AND status = 'won' AND closed_on >= $2 \
             ORDER BY closed_on DESC, id DESC LIMIT 6")
            .bind(bluepeak).bind((Utc::now() - Duration::days(90)).date_naive()).fetch_all(pool).await)
        .expect("wins");
        assert_eq!(linked_ids(section(&home, "recent-wins"), "/deals/"), wins, "{email}: the latest wins");
        assert!(wins.contains(&won), "{email}: the win of today is among them");
        assert_eq!(home["organisation"]["name"], "Bluepeak Systems");
        assert!(home["overview"].is_null(), "no program overview for a partner");
    }
    app.stop().await;
}

async fn a_managers_home_lists_approvals_risk_and_protection_within_reach(backend: Backend) {
    let app = demo_with_history(backend).await;
    let northwind = app.sign_in("partner@northwind.test").await;
    let copperline = app.sign_in("partner@copperline.test").await;
    let mine = register(&app, &northwind, "Umbrella Corp", "umbrella.example").await;
    let theirs = register(&app, &copperline, "Soylent", "soylent.example").await;
    // One of Sam's waiting deals is overdue.
    on_db!(app.db(), pool => sqlx::query("UPDATE deals SET sla_due_at = $1 WHERE id = $2")
        .bind(Utc::now() - Duration::days(2)).bind(mine).execute(pool).await.map(|_| ()))
    .expect("overdue");

    let sam = app.sign_in("cam@acme.test").await;
    // And the protection of one of Sam's partners' deals ends in five days.
    let ending = register(&app, &northwind, "Vandelay Industries", "vandelay.example").await;
    approve(&app, &sam, ending).await;
    on_db!(app.db(), pool => sqlx::query("UPDATE deals SET protected_until = $1 WHERE id = $2")
        .bind(Utc::now() + Duration::days(5)).bind(ending).execute(pool).await.map(|_| ()))
    .expect("ending soon");
    let sam_id: i64 = app.count("SELECT id FROM users WHERE email = 'cam@acme.test'").await;
    let home = home(&app, &sam).await;
    assert_eq!(section_ids(&home), ["approvals", "at-risk", "tier-changes", "protection", "mdf"]);
    // The demo's search ads and the claim for its case-study video wait for Sam, Bluepeak's
    // manager (oldest first); Copperline's request is another's.
    let mdf = section(&home, "mdf");
    let titles: Vec<&str> =
        mdf["items"].as_array().expect("items").iter().filter_map(|item| item["title"].as_str()).collect();
    assert_eq!(
        titles,
        ["Bluepeak Systems: Search ads for Acme Vault", "Bluepeak Systems: Case-study video with Harbor Freight Lines"],
        "{mdf}"
    );
    assert!(mdf["items"][1]["detail"].as_str().is_some_and(|d| d.contains("check the claim's proof")), "{mdf}");

    let approvals = section(&home, "approvals");
    let listed = linked_ids(approvals, "/deals/");
    assert_eq!(listed.first(), Some(&mine), "the overdue approval comes first: {listed:?}");
    assert_eq!(approvals["items"][0]["urgency"], "Overdue");
    assert!(!listed.contains(&theirs), "another manager's partner's deal is not listed");
    let waiting = ids(
        &app,
        "SELECT d.id FROM deals d JOIN organisations o ON o.id = d.organisation_id \
        WHERE d.status = 'submitted' AND o.channel_manager_id = $1",
        sam_id,
    )
    .await;
    assert!(listed.iter().all(|id| waiting.contains(id)), "{listed:?} of {waiting:?}");
    let deals = if waiting.len() == 1 { "deal" } else { "deals" };
    assert_eq!(approvals["more"]["text"], format!("Open the approval queue ({} {deals})", waiting.len()));

    let in_reach =
        ids(&app, "SELECT id FROM organisations WHERE kind = 'partner' AND channel_manager_id = $1", sam_id).await;
    for partner in linked_ids(section(&home, "at-risk"), "/partners/") {
        assert!(in_reach.contains(&partner), "at-risk partner {partner} is Sam's");
    }
    // The home lists the directory's partners at risk, the weakest first: red, or fallen 10 points.
    let (_, at_risk) = app.call(&sam, "list_partners", &[("health", "at_risk"), ("sort", "health")]).await;
    let rows = at_risk["rows"].as_array().expect("rows");
    for row in rows {
        let (score, earlier) = (row["health"]["score"].as_i64().unwrap_or(100), row["health"]["earlier"].as_i64());
        assert!(score < 50 || earlier.is_some_and(|earlier| earlier - score >= 10), "at risk: {row}");
    }
    let expected: Vec<i64> = rows.iter().filter_map(|row| row["id"].as_i64()).take(6).collect();
    assert_eq!(linked_ids(section(&home, "at-risk"), "/partners/"), expected);

    let protected: Vec<i64> = on_db!(app.db(), pool => sqlx::query_scalar(
        "SELECT d.id FROM deals d JOIN organisations o ON o.id = d.organisation_id \
         WHERE d.status = 'approved' AND o.channel_manager_id = $1 \
         AND (d.extension_status = 'requested' OR d.protected_until <= $2)")
        .bind(sam_id).bind(Utc::now() + Duration::days(14)).fetch_all(pool).await)
    .expect("protection ending");
    let protected: BTreeSet<i64> = protected.into_iter().collect();
    let listed: BTreeSet<i64> = linked_ids(section(&home, "protection"), "/deals/").into_iter().collect();
    assert!(listed.is_subset(&protected), "{listed:?} of {protected:?}");
    assert_eq!(listed.len(), protected.len().min(6));
    assert!(listed.contains(&ending) || listed.len() == 6, "the deal ending in five days is listed: {listed:?}");
    app.stop().await;
}

async fn an_admins_home_covers_the_program_and_its_setup(backend: Backend) {
    let app = demo_with_history(backend).await;
    let admin = app.sign_in("admin@acme.test").await;
    let home = home(&app, &admin).await;
    assert_eq!(
        section_ids(&home),
        ["approvals", "at-risk", "tier-changes", "protection", "mdf", "setup", "incentives", "campaigns"]
    );
    let waiting = app.count("SELECT COUNT(*) FROM deals WHERE status = 'submitted'").await;
    assert_eq!(section(&home, "approvals")["more"]["text"], format!("Open the approval queue ({waiting} deals)"));
    // The demo never imports the vendor's pipeline; a partner without a channel manager shows too.
    let setup = section(&home, "setup");
    assert!(setup["items"].as_array().expect("items").iter().any(|item| item["href"] == "/deals/pipeline"), "{setup}");
    let helix = app.organisation_id("Helix Software").await;
    on_db!(app.db(), pool => sqlx::query("UPDATE organisations SET channel_manager_id = NULL WHERE id = $1")
        .bind(helix).execute(pool).await.map(|_| ()))
    .expect("unassign");
    let home = self::home(&app, &admin).await;
    let setup = section(&home, "setup");
    assert_eq!(linked_ids(setup, "/partners/"), [helix], "{setup}");
    assert_eq!(home["overview"]["partners"], 24);
    app.stop().await;
}

async fn marketings_home_lists_only_what_exists_for_marketing(backend: Backend) {
    let app = demo_with_history(backend).await;
    let marketing = app.sign_in("marketing@acme.test").await;
    let home = home(&app, &marketing).await;
    assert_eq!(section_ids(&home), ["campaigns", "new-partners"]);
    let hrefs: Vec<&str> =
        home["actions"].as_array().expect("actions").iter().filter_map(|a| a["href"].as_str()).collect();
    assert_eq!(hrefs, ["/campaigns/new", "/partners"], "links only to pages marketing can open");
    // The campaigns tile: the published campaign's launch and figures, the draft waiting.
    let campaigns = section(&home, "campaigns");
    let items = campaigns["items"].as_array().expect("items");
    let backup = items.iter().find(|item| item["title"] == "Back up every server").expect("the published campaign");
    assert_eq!(backup["badge"], "1 launch");
    assert!(
        backup["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains(" views · ") && detail.contains("3 leads · 0 deals")),
        "{backup}"
    );
    assert!(items.iter().any(|item| item["title"] == "Migration week" && item["badge"] == "Draft"), "{campaigns}");
    let since = (Utc::now() - Duration::days(90)).date_naive();
    // A partner joins when it first accepts the agreement; one in the program before onboarding,
    // or one that accepted nothing yet, when it was added.
    let joined: Vec<i64> = on_db!(app.db(), pool => sqlx::query_scalar(
        "SELECT o.id FROM organisations o WHERE o.kind = 'partner' AND CASE WHEN o.onboarded_at IS NOT NULL \
         THEN o.created_at ELSE COALESCE((SELECT MIN(a.accepted_at) FROM agreement_acceptances a \
         WHERE a.organisation_id = o.id), o.created_at) END >= $1 ORDER BY o.name, o.id LIMIT 6")
        .bind(since.and_hms_opt(0, 0, 0).expect("midnight").and_utc()).fetch_all(pool).await)
    .expect("new partners");
    assert_eq!(linked_ids(section(&home, "new-partners"), "/partners/"), joined);
    assert!(!joined.is_empty(), "two demo partners joined this month");
    app.stop().await;
}
