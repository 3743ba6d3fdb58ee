//! Tiers over HTTP, on SQLite and on PostgreSQL: a won deal re-evaluates its partner and, under
//! the approval policy, proposes a promotion its channel manager approves (or declines), with
//! history; a certification about to end raises the alert; configuration is the admin's, checked
//! whole; and nobody reads another partner's standing.

use crate::support;

use std::time::Duration;

use app::on_db;
use reqwest::StatusCode;
use serde_json::Value;
use support::{Backend, TestApp, win_deal};

on_both_databases!(
    a_won_deal_proposes_a_promotion_the_channel_manager_approves,
    a_declined_promotion_is_in_the_history_and_not_proposed_again,
    a_certification_about_to_end_raises_the_alert,
    only_admins_change_the_configuration_and_a_bad_one_changes_nothing,
    nobody_reads_another_partners_standing_or_decides_for_another_manager,
    a_draft_is_previewed_with_its_backtest_then_discarded_or_published,
    the_program_economics_are_public_only_when_the_admin_says_so,
    under_the_automatic_policy_without_grace_a_partner_below_its_tier_moves_down_at_once,
    a_proposal_overtaken_by_a_new_configuration_cannot_be_approved,
    the_simulators_one_pass_reads_the_figures_each_moment_reads_alone,
    a_course_a_tier_unlocks_is_closed_to_partners_below_it,
);

/// Registered in the demo, Rin Takahashi's (cam2) partner.
const HELIX: &str = "partner@helix.test";

/// The demo program's rows as the configuration form sends them, with `change` applied to one field.
fn program_form(change: Option<(usize, &str, &str)>) -> Vec<(String, String)> {
    let rows: [[&str; 5]; 4] = [
        ["Registered", "", "", "", ""],
        ["Silver", "100000", "", "3", ""],
        ["Gold", "125000", "2", "4", ""],
        ["Platinum", "400000", "2", "6", "15"],
    ];
    let mut form =
        vec![("approval".to_owned(), "channel_manager".to_owned()), ("grace_days".to_owned(), "60".to_owned())];
    for (row, [name, revenue, certified, won, registered]) in rows.into_iter().enumerate() {
        let id = (row + 1).to_string();
        for (field, value) in [
            ("id", id.as_str()),
            ("name", name),
            ("revenue", revenue),
            ("certified_people", certified),
            ("won_deals", won),
            ("registered_deals", registered),
            ("margin", "10"),
            ("support", "standard"),
        ] {
            let value = match change {
                Some((at, changed, new)) if at == row && changed == field => new,
                _ => value,
            };
            form.push((format!("tiers[{row}][{field}]"), value.to_owned()));
        }
    }
    form
}

/// Saves the form's configuration: "preview" keeps it as the draft, "publish" publishes it.
async fn save(app: &TestApp, client: &reqwest::Client, intent: &str, form: &[(String, String)]) -> (StatusCode, Value) {
    let mut form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    form.push(("intent", intent));
    app.call(client, "save_program", &form).await
}

async fn publish(app: &TestApp, client: &reqwest::Client, form: &[(String, String)]) -> (StatusCode, Value) {
    save(app, client, "publish", form).await
}

async fn standing(app: &TestApp, client: &reqwest::Client, organisation: Option<i64>) -> (StatusCode, Value) {
    match organisation {
        Some(id) => app.call(client, "tier_standing", &[("organisation_id", &id.to_string())]).await,
        None => app.call(client, "tier_standing", &[]).await,
    }
}

/// The pending proposals `client` sees, waiting up to five seconds for one for `organisation`
/// (the engine runs on the event bus, just after the request that won the deal).
async fn proposals_once(app: &TestApp, client: &reqwest::Client, organisation: i64) -> Vec<Value> {
    for _ in 0..50 {
        let (status, list) = app.call(client, "tier_approvals", &[]).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let list = list.as_array().cloned().unwrap_or_default();
        if list.iter().any(|proposal| proposal["organisation_id"] == organisation) {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no proposal for organisation {organisation}");
}

/// Helix wins three deals of 40,000.00 USD: 120,000.00 and three won deals meet Silver's
/// 100,000.00 and three.
async fn helix_qualifies_for_silver(app: &TestApp) -> (reqwest::Client, reqwest::Client, i64) {
    let (partner, manager) = (app.sign_in(HELIX).await, app.sign_in("cam2@acme.test").await);
    for (company, domain) in
        [("Initech", "initech.example"), ("Globex", "globex.example"), ("Umbrella", "umbrella.example")]
    {
        win_deal(app, &partner, &manager, company, domain, "40,000.00").await;
    }
    (partner, manager, app.organisation_id("Helix Software").await)
}

async fn a_won_deal_proposes_a_promotion_the_channel_manager_approves(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (partner, manager, helix) = helix_qualifies_for_silver(&app).await;
    let proposals = proposals_once(&app, &manager, helix).await;
    let proposal = proposals.iter().find(|p| p["organisation_id"] == helix).expect("Helix's");
    assert_eq!((proposal["from_tier"].as_str(), proposal["to_tier"].as_str()), (Some("Registered"), Some("Silver")));
    assert_eq!(proposal["explanation"], "Meets every requirement of Silver: moves up from Registered.");
    // Until approved, the partner stays where it was and is told the change waits.
    let (_, before) = standing(&app, &partner, None).await;
    assert_eq!(before["tier"], "Registered");
    assert_eq!(before["pending"], "A change to Silver awaits its channel manager's approval.");

    let id = proposal["id"].as_i64().expect("id").to_string();
    let (status, body) = app
        .call(
            &manager,
            "decide_tier_change",
            &[("id", &id), ("decision", "approve"), ("reason", "Three wins in a month.")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, after) = standing(&app, &partner, None).await;
    assert_eq!(after["tier"], "Silver");
    assert_eq!(after["pending"], Value::Null);
    let entry = &after["history"][0];
    assert_eq!(
        (entry["kind"].as_str(), entry["from_tier"].as_str(), entry["to_tier"].as_str()),
        (Some("promoted"), Some("Registered"), Some("Silver"))
    );
    assert_eq!(
        (entry["decided_by"].as_str(), entry["reason"].as_str()),
        (Some("Rin Takahashi"), Some("Three wins in a month."))
    );
    // Decided once: a second decision finds nothing.
    let (status, _) =
        app.call(&manager, "decide_tier_change", &[("id", &id), ("decision", "approve"), ("reason", "")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'tier.decide'").await, 1);
    app.stop().await;
}

async fn a_declined_promotion_is_in_the_history_and_not_proposed_again(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (partner, manager, helix) = helix_qualifies_for_silver(&app).await;
    let proposals = proposals_once(&app, &manager, helix).await;
    let id = proposals.iter().find(|p| p["organisation_id"] == helix).expect("Helix's")["id"].to_string();
    // Declining asks why.
    let (status, body) =
        app.call(&manager, "decide_tier_change", &[("id", &id), ("decision", "decline"), ("reason", " ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["reason"].is_string(), "{body}");
    let (status, body) = app
        .call(
            &manager,
            "decide_tier_change",
            &[("id", &id), ("decision", "decline"), ("reason", "Wins were one customer's.")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Evaluating again proposes nothing for 30 days.
    let (status, body) = app.call(&manager, "evaluate_tiers", &[("organisation_id", &helix.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, after) = standing(&app, &partner, None).await;
    assert_eq!((after["tier"].as_str(), &after["pending"]), (Some("Registered"), &Value::Null));
    assert_eq!(after["history"][0]["kind"], "declined");
    assert_eq!(after["history"][0]["reason"], "Wins were one customer's.");
    assert!(after["explanation"].as_str().unwrap_or_default().contains("declined that change"), "{after}");
    app.stop().await;
}

async fn a_certification_about_to_end_raises_the_alert(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in("admin@acme.test").await;
    // Tiers by certified people alone: Bluepeak's two (one ending within 30 days) meet Gold.
    let mut form = program_form(None);
    for (key, value) in form.iter_mut() {
        if key.ends_with("[revenue]") || key.ends_with("[won_deals]") || key.ends_with("[registered_deals]") {
            value.clear();
        }
        if key == "tiers[1][certified_people]" {
            *value = "1".into();
        }
        if key == "tiers[3][certified_people]" {
            *value = "3".into();
        }
    }
    let (status, body) = publish(&app, &admin, &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let partner = app.sign_in("partner@bluepeak.test").await;
    let (status, view) = standing(&app, &partner, None).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!((view["tier"].as_str(), &view["grace_until"]), (Some("Gold"), &Value::Null), "{view}");
    let alert = view["expiry_alert"].as_str().expect("the alert");
    assert!(
        alert.starts_with("1 certification ends within 30 days") && alert.contains("would move to Silver"),
        "{alert}"
    );
    // The home says so too.
    let (_, home) = app.call(&partner, "home_summary", &[]).await;
    let tier =
        home["sections"].as_array().and_then(|s| s.iter().find(|s| s["id"] == "tier")).expect("the tier section");
    assert!(tier["items"].as_array().is_some_and(|items| items.iter().any(|i| i["badge"] == "Tier at risk")), "{tier}");
    // Copperline's one certification has ended: below Silver, with nothing more to lose by it.
    let (_, copperline) = standing(&app, &app.sign_in("partner@copperline.test").await, None).await;
    assert_eq!(copperline["expiry_alert"], Value::Null);
    app.stop().await;
}

async fn only_admins_change_the_configuration_and_a_bad_one_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for email in [HELIX, "marketing@acme.test", "cam@acme.test"] {
        let client = app.sign_in(email).await;
        let (status, _) = publish(&app, &client, &program_form(None)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email} publishes");
        let (status, _) = app.call(&client, "program_configuration", &[]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email} reads the configuration");
    }
    let (status, _) = app.call(&app.sign_in(HELIX).await, "evaluate_tiers", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let admin = app.sign_in("admin@acme.test").await;
    let versions = app.count("SELECT COUNT(*) FROM program_versions").await;
    // Gold asking for less revenue than Silver, and a new tier with a bad margin: refused whole.
    let mut bad = program_form(Some((2, "revenue", "90,000")));
    bad.push(("tiers[4][name]".into(), "Diamond".into()));
    bad.push(("tiers[4][revenue]".into(), "900000".into()));
    bad.push(("tiers[4][margin]".into(), "120".into()));
    let (status, body) = publish(&app, &admin, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["fields"]["tiers[2][revenue]"],
        "Gold asks for less than Silver (100,000.00 USD of won revenue): a higher tier asks for at least as much."
    );
    assert!(body["fields"]["tiers[4][margin]"].is_string(), "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM program_versions").await, versions);
    assert_eq!(app.count("SELECT COUNT(*) FROM tiers WHERE name = 'Diamond'").await, 0);

    // A good one: Silver renamed, a tier added on top; the old version is kept.
    let mut good = program_form(Some((1, "name", "Silver Plus")));
    good.push(("tiers[4][name]".into(), "Diamond".into()));
    for (field, value) in [
        ("revenue", "900000"),
        ("certified_people", "3"),
        ("won_deals", "10"),
        ("registered_deals", "20"),
        ("support", "dedicated"),
    ] {
        good.push((format!("tiers[4][{field}]"), value.into()));
    }
    let (status, body) = publish(&app, &admin, &good).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, view) = app.call(&admin, "program_configuration", &[]).await;
    let names: Vec<&str> =
        view["program"]["tiers"].as_array().expect("tiers").iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, ["Registered", "Silver Plus", "Gold", "Platinum", "Diamond"]);
    assert_eq!(view["versions"].as_array().map(Vec::len), Some(versions as usize + 1));
    assert_eq!(view["versions"][0]["published_by"], "Morgan Reyes");
    let silver_plus: i64 = on_db!(app.db(), pool => sqlx::query_scalar("SELECT COUNT(*) FROM organisations o JOIN tiers t ON t.id = o.tier_id WHERE t.name = 'Silver Plus'")
        .fetch_one(pool).await)
    .expect("count");
    assert!(silver_plus > 0, "Silver's partners are Silver Plus's");
    app.stop().await;
}

async fn nobody_reads_another_partners_standing_or_decides_for_another_manager(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, _, helix) = helix_qualifies_for_silver(&app).await;
    let bluepeak = app.organisation_id("Bluepeak Systems").await;
    let helix_person = app.sign_in(HELIX).await;
    let (status, _) = standing(&app, &helix_person, Some(bluepeak)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another partner's standing");
    let (status, own) = standing(&app, &helix_person, Some(helix)).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    let (status, _) = app.call(&helix_person, "tier_approvals", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Sam (cam) manages Bluepeak, not Helix: Helix's standing and proposal are not his.
    let sam = app.sign_in("cam@acme.test").await;
    let (status, _) = standing(&app, &sam, Some(helix)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let proposals = proposals_once(&app, &app.sign_in("cam2@acme.test").await, helix).await;
    let id = proposals.iter().find(|p| p["organisation_id"] == helix).expect("Helix's")["id"].to_string();
    let (status, list) = app.call(&sam, "tier_approvals", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.as_array().is_some_and(|list| list.iter().all(|p| p["organisation_id"] != helix)), "{list}");
    let (status, _) =
        app.call(&sam, "decide_tier_change", &[("id", &id), ("decision", "approve"), ("reason", "")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.call(&sam, "evaluate_tiers", &[("organisation_id", &helix.to_string())]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) FROM tier_history").await, 0);
    app.stop().await;
}

async fn a_draft_is_previewed_with_its_backtest_then_discarded_or_published(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in("admin@acme.test").await;
    let versions = app.count("SELECT COUNT(*) FROM program_versions").await;
    // Silver asks one certified person instead of revenue and won deals.
    let mut draft = program_form(Some((1, "certified_people", "1")));
    for (key, value) in draft.iter_mut() {
        if key == "tiers[1][revenue]" || key == "tiers[1][won_deals]" {
            value.clear();
        }
    }
    let (status, body) = save(&app, &admin, "preview", &draft).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM program_versions").await, versions, "nothing published");
    assert_eq!(app.count("SELECT COUNT(*) FROM tier_proposals").await, 0, "nobody evaluated");

    let (_, view) = app.call(&admin, "program_configuration", &[]).await;
    assert_eq!(view["form"]["tiers"][1]["certified_people"], "1", "the form holds the draft");
    let simulation = &view["draft"]["simulation"];
    let points = simulation["points"].as_array().expect("points");
    assert_eq!(points.len(), 5, "today and four quarter ends");
    assert_eq!(points[0]["label"], "Today");
    let partners = app.count("SELECT COUNT(*) FROM organisations WHERE kind = 'partner'").await;
    for point in points {
        let total = ["up", "down", "stay"].iter().map(|k| point[*k].as_i64().unwrap_or(-1)).sum::<i64>();
        assert_eq!(total, partners, "every partner counted once at {}", point["label"]);
    }
    // Registered partners with a certified person move up today: Helix among them.
    let registered_certified: i64 = on_db!(app.db(), pool => sqlx::query_scalar(
        "SELECT COUNT(DISTINCT o.id) FROM organisations o JOIN tiers t ON t.id = o.tier_id \
         JOIN certifications c ON c.organisation_id = o.id JOIN users u ON u.id = c.user_id \
         WHERE t.name = 'Registered' AND c.expires_at > $1 AND u.deactivated_at IS NULL")
        .bind(chrono::Utc::now()).fetch_one(pool).await)
    .expect("count");
    assert_eq!(points[0]["up"].as_i64(), Some(registered_certified));
    let moves = points[0]["moves"].as_array().expect("moves");
    assert!(
        moves.iter().any(|m| m["partner"] == "Helix Software" && m["from"] == "Registered" && m["to"] == "Silver"),
        "{moves:?}"
    );

    // Discarded: the form shows the published configuration again.
    let (status, _) = app.call(&admin, "discard_program_draft", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let (_, view) = app.call(&admin, "program_configuration", &[]).await;
    assert_eq!((&view["draft"], &view["form"]["tiers"][1]["revenue"]), (&Value::Null, &Value::from("100000")));
    // Previewed again and published: a new version, the draft gone, Helix proposed for Silver.
    assert_eq!(save(&app, &admin, "preview", &draft).await.0, StatusCode::OK);
    assert_eq!(publish(&app, &admin, &draft).await.0, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM program_versions").await, versions + 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM program_drafts").await, 0);
    let helix = app.organisation_id("Helix Software").await;
    let proposals = proposals_once(&app, &app.sign_in("cam2@acme.test").await, helix).await;
    assert!(proposals.iter().any(|p| p["organisation_id"] == helix && p["to_tier"] == "Silver"));
    // Marketing previews nothing.
    let (status, _) = save(&app, &app.sign_in("marketing@acme.test").await, "preview", &draft).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.stop().await;
}

async fn the_program_economics_are_public_only_when_the_admin_says_so(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let stranger = app.client();
    // The demo program is public: a 250,000.00 USD deal at Gold earns 20 % margin, 5 points for
    // registering it and a 1 % rebate.
    let (status, view) = app.call(&stranger, "program_economics", &[("amount", "250,000")]).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let gold = view["earnings"].as_array().and_then(|e| e.iter().find(|t| t["tier"] == "Gold")).cloned().expect("Gold");
    assert_eq!(
        (gold["margin_minor"].as_i64(), gold["registration_minor"].as_i64(), gold["rebate_minor"].as_i64()),
        (Some(5_000_000), Some(1_250_000), Some(250_000))
    );
    let (status, body) = app.call(&stranger, "program_economics", &[("amount", "a lot")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["amount"].is_string(), "{body}");
    // Made private: strangers are told it does not exist; partners still see it.
    let admin = app.sign_in("admin@acme.test").await;
    let (_, configuration) = app.call(&admin, "program_configuration", &[]).await;
    let mut form: Vec<(String, String)> = vec![
        ("approval".into(), "channel_manager".into()),
        ("grace_days".into(), "60".into()),
        ("intent".into(), "publish".into()),
    ];
    for (row, tier) in configuration["form"]["tiers"].as_array().expect("rows").iter().enumerate() {
        for (field, value) in tier.as_object().expect("a row") {
            if let Some(value) = value.as_str() {
                form.push((format!("tiers[{row}][{field}]"), value.to_owned()));
            }
        }
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, body) = app.call(&admin, "save_program", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.call(&stranger, "program_economics", &[]).await.0, StatusCode::NOT_FOUND);
    let (status, view) = app.call(&app.sign_in(HELIX).await, "program_economics", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["amount_minor"], 10_000_000, "100,000.00 unless asked");
    app.stop().await;
}

async fn under_the_automatic_policy_without_grace_a_partner_below_its_tier_moves_down_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in("admin@acme.test").await;
    let mut form = program_form(None);
    for (key, value) in form.iter_mut() {
        match key.as_str() {
            "approval" => *value = "automatic".into(),
            "grace_days" => *value = "0".into(),
            _ => {}
        }
    }
    let (status, body) = publish(&app, &admin, &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Without the demo history, Lumen (Silver) has won nothing: Registered at once, by the program.
    let lumen = app.organisation_id("Lumen Networks").await;
    let (status, view) = standing(&app, &admin, Some(lumen)).await;
    assert_eq!((status, &view["tier"]), (StatusCode::OK, &Value::from("Registered")), "{view}");
    let entry = &view["history"][0];
    assert_eq!(
        (entry["kind"].as_str(), entry["from_tier"].as_str(), entry["to_tier"].as_str()),
        (Some("demoted"), Some("Silver"), Some("Registered"))
    );
    assert_eq!(entry["decided_by"], Value::Null, "the program applied it");
    assert!(entry["why"].as_str().unwrap_or_default().contains("0-day grace period"), "{entry}");
    assert_eq!(app.count("SELECT COUNT(*) FROM tier_proposals").await, 0, "nothing waits for approval");
    app.stop().await;
}

async fn a_proposal_overtaken_by_a_new_configuration_cannot_be_approved(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, manager, helix) = helix_qualifies_for_silver(&app).await;
    let proposals = proposals_once(&app, &manager, helix).await;
    let id = proposals.iter().find(|p| p["organisation_id"] == helix).expect("Helix's")["id"].to_string();
    // Silver is removed before anyone decides: the proposal is withdrawn, not applied.
    let admin = app.sign_in("admin@acme.test").await;
    let mut form = program_form(None);
    form.push(("tiers[1][remove]".into(), "on".into()));
    let (status, body) = publish(&app, &admin, &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) =
        app.call(&manager, "decide_tier_change", &[("id", &id), ("decision", "approve"), ("reason", "")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let helix_tier: String = on_db!(app.db(), pool => sqlx::query_scalar(
        "SELECT t.name FROM organisations o JOIN tiers t ON t.id = o.tier_id WHERE o.id = $1")
        .bind(helix).fetch_one(pool).await)
    .expect("Helix's tier");
    assert_eq!(helix_tier, "Registered");
    app.stop().await;
}

/// The simulator reads every partner's figures at its five moments in one pass over the deals;
/// on eighteen months of demo history they are exactly those each moment's own reading gives.
async fn the_simulators_one_pass_reads_the_figures_each_moment_reads_alone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    tessera::history::demo_history(app.db()).await.expect("demo history");
    let moments = app::tiers::simulate::points(chrono::Utc::now()).map(|(_, at)| at);
    let together = app::tiers::store::metrics_at_moments(app.db(), &moments).await.expect("one pass");
    assert_eq!(together.len(), moments.len());
    for (at, figures) in moments.iter().zip(&together) {
        let alone = app::tiers::store::metrics(app.db(), None, *at).await.expect("one moment");
        assert!(alone.values().any(|(metrics, _)| metrics.revenue_minor > 0 && metrics.registered_deals > 0), "{at}");
        assert_eq!(figures, &alone, "the figures at {at}");
    }
    app.stop().await;
}

/// In the demo, Gold unlocks the migration course: Bluepeak (Gold) takes it, Copperline (Silver)
/// is told which tier unlocks it and can neither open it nor answer its quiz, until the admin
/// opens the course to every partner.
async fn a_course_a_tier_unlocks_is_closed_to_partners_below_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let course =
        app.count("SELECT id FROM courses WHERE title = 'Migrating a customer to Acme Cloud'").await.to_string();
    let card = |catalogue: &Value| {
        catalogue["courses"].as_array().and_then(|all| all.iter().find(|c| c["id"].to_string() == course)).cloned()
    };
    let (gold, silver) = (app.sign_in("rep@bluepeak.test").await, app.sign_in("rep@copperline.test").await);
    let (_, catalogue) = app.call(&gold, "training_catalogue", &[]).await;
    let seen = card(&catalogue).expect("listed");
    assert_eq!((seen["unlocked_by"].as_str(), seen["locked"].as_bool()), (Some("Gold"), Some(false)), "{seen}");
    assert_eq!(app.call(&gold, "training_course", &[("id", &course)]).await.0, StatusCode::OK);

    let (_, catalogue) = app.call(&silver, "training_catalogue", &[]).await;
    assert_eq!(card(&catalogue).map(|seen| seen["locked"].clone()), Some(Value::Bool(true)), "{catalogue}");
    let (status, body) = app.call(&silver, "training_course", &[("id", &course)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| m.starts_with("Gold partners and those above")), "{body}");
    let attempts = || app.count("SELECT COUNT(*) FROM course_attempts");
    let before = attempts().await;
    let answers = [("course_id", course.as_str()), ("revision", "1"), ("answers[a]", "1.1"), ("answers[b]", "2.2")];
    assert_eq!(app.call(&silver, "submit_attempt", &answers).await.0, StatusCode::FORBIDDEN);
    assert_eq!(attempts().await, before, "no attempt recorded");

    // The tiers page names what Gold unlocks; published with the course open to all, Copperline takes it.
    let (_, standing) = app.call(&silver, "tier_standing", &[]).await;
    let gold_tier = standing["tiers"].as_array().and_then(|tiers| tiers.iter().find(|t| t["name"] == "Gold")).cloned();
    assert_eq!(
        gold_tier.map(|t| t["courses"].clone()),
        Some(serde_json::json!(["Migrating a customer to Acme Cloud"]))
    );
    let admin = app.sign_in("admin@acme.test").await;
    let (status, body) = publish(&app, &admin, &program_form(None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.call(&silver, "training_course", &[("id", &course)]).await.0, StatusCode::OK);
    app.stop().await;
}
