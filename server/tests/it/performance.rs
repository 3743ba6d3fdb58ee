//! Performance measurement over HTTP on SQLite and on PostgreSQL: whose figures a dashboard
//! counts, what an anonymised leaderboard gives away (nothing), the live event stream, and, on
//! PostgreSQL, live events crossing from one server to another on the same database.

use crate::support;

use std::time::Duration;

use app::kpi::formulas::divide_rounded;
use app::on_db;
use reqwest::StatusCode;
use serde_json::Value;
use support::{Backend, TestApp, approve, hears, next_notice, open_stream, register, win_deal};

on_both_databases!(
    a_channel_managers_dashboard_counts_only_their_partners,
    an_anonymised_leaderboard_names_no_other_partner,
    bad_periods_and_settings_are_named_and_change_nothing,
    live_streams_need_a_session_and_carry_no_deal_data,
    a_scorecard_is_for_its_partner_and_their_managers_only,
    every_figure_is_the_total_of_the_list_behind_it,
    a_running_period_is_compared_with_as_many_days_of_the_one_before,
    a_partner_whose_health_fell_is_at_risk_and_says_by_how_much,
    the_directory_searches_filters_sorts_and_exports_within_reach,
);

mod postgres_only {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_event_committed_through_one_server_reaches_streams_on_another() {
        if crate::support::postgres_url().is_none() {
            return crate::support::say_postgres_skipped();
        }
        super::an_event_committed_through_one_server_reaches_streams_on_another(super::Backend::Postgres).await
    }
}

/// Signed-in clients for the people of these tests.
struct People {
    bluepeak: reqwest::Client,
    copperline: reqwest::Client,
    sam: reqwest::Client,
    rin: reqwest::Client,
    admin: reqwest::Client,
}

/// Bluepeak (Sam's partner) wins 10,000.00 and Copperline (Rin's) wins 20,000.00, today.
async fn two_partners_win(app: &TestApp) -> People {
    let (bluepeak, copperline) =
        (app.sign_in("partner@bluepeak.test").await, app.sign_in("partner@copperline.test").await);
    let (sam, rin, admin) =
        (app.sign_in("cam@acme.test").await, app.sign_in("cam2@acme.test").await, app.sign_in("admin@acme.test").await);
    win_deal(app, &bluepeak, &sam, "Wayne Enterprises", "wayne.com", "10,000.00").await;
    win_deal(app, &copperline, &rin, "Stark Industries", "stark.com", "20,000.00").await;
    People { bluepeak, copperline, sam, rin, admin }
}

/// Calls the server function behind a drill-down link (`/deals?…` or `/partners?…`) with its query.
async fn list_behind(app: &TestApp, client: &reqwest::Client, href: &str, extra: &[(&str, &str)]) -> Value {
    let url = reqwest::Url::parse(&format!("http://tessera.test{href}")).expect("a drill-down link");
    let endpoint = match url.path() {
        "/deals" => "list_deals",
        "/partners" => "list_partners",
        other => panic!("a figure links to {other}"),
    };
    let mut pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let form: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, list) = app.call(client, endpoint, &form).await;
    assert_eq!(status, StatusCode::OK, "{href}: {list}");
    list
}

/// The tile for a KPI on a dashboard response.
fn tile<'a>(dashboard: &'a Value, kpi: &str) -> &'a Value {
    dashboard["tiles"].as_array().expect("tiles").iter().find(|t| t["kpi"] == kpi).expect("the KPI has a tile")
}

fn chart<'a>(dashboard: &'a Value, id: &str) -> &'a Value {
    dashboard["charts"].as_array().expect("charts").iter().find(|c| c["id"] == id).expect("the chart is there")
}

async fn a_channel_managers_dashboard_counts_only_their_partners(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let People { bluepeak, copperline, sam, rin, admin } = two_partners_win(&app).await;
    // Waiting for a decision: one deal of Copperline's.
    register(&app, &copperline, "Oscorp", "oscorp.com").await;

    let (status, mine) = app.call(&sam, "dashboard", &[]).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(tile(&mine, "TotalRevenue")["value"]["Money"], 1_000_000, "only Bluepeak's win");
    assert_eq!(tile(&mine, "WinRate")["value"]["Share"]["numerator"], 1);
    assert_eq!(mine["approvals_waiting"], 0);
    assert_eq!(mine["scope"], "Your 12 partners");
    let gold: Vec<_> = chart(&mine, "revenue-by-tier")["bars"]
        .as_array()
        .expect("bars")
        .iter()
        .map(|b| (b["label"].clone(), b["value"].clone()))
        .collect();
    assert!(gold.contains(&(Value::from("Gold"), Value::from(1_000_000))), "{gold:?}");
    assert!(!gold.iter().any(|(_, value)| *value == 2_000_000), "Copperline's Silver win is not Sam's: {gold:?}");

    let (_, theirs) = app.call(&rin, "dashboard", &[]).await;
    assert_eq!(tile(&theirs, "TotalRevenue")["value"]["Money"], 2_000_000);
    assert_eq!(theirs["approvals_waiting"], 1);

    let (_, program) = app.call(&admin, "dashboard", &[]).await;
    assert_eq!(tile(&program, "TotalRevenue")["value"]["Money"], 3_000_000);
    assert_eq!(tile(&program, "SourcedRevenue")["value"]["Money"], 3_000_000);
    assert_eq!(tile(&program, "RegistrationVolume")["value"]["Count"], 3);
    let (certified, people) = certified_partner_people(&app).await;
    assert!(certified > 0 && people > certified, "the demo certifies some people: {certified} of {people}");
    let completion = &tile(&program, "TrainingCompletion")["value"]["Share"];
    assert_eq!((completion["numerator"].as_i64(), completion["denominator"].as_i64()), (Some(certified), Some(people)));
    assert_eq!(program["scope"], "The whole program: 24 partners");

    // The number links to the deals behind it, and that list, for Sam, is Bluepeak's one deal.
    let href = tile(&mine, "TotalRevenue")["href"].as_str().expect("a link").to_owned();
    let query: Vec<(String, String)> = href
        .trim_start_matches("/deals?")
        .split('&')
        .filter_map(|pair| pair.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect();
    let form: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, behind) = app.call(&sam, "list_deals", &form).await;
    assert_eq!(status, StatusCode::OK, "{behind}");
    assert_eq!(behind["total"], 1);
    assert_eq!(behind["rows"][0]["customer_company"], "Wayne Enterprises");

    for partner in [&bluepeak, &copperline] {
        assert_eq!(app.call(partner, "dashboard", &[]).await.0, StatusCode::FORBIDDEN);
    }
    let marketing = app.sign_in("marketing@acme.test").await;
    assert_eq!(app.call(&marketing, "dashboard", &[]).await.0, StatusCode::FORBIDDEN);
    app.stop().await;
}

async fn partner_names(app: &TestApp) -> Vec<String> {
    on_db!(app.db(), pool => sqlx::query_scalar("SELECT name FROM organisations WHERE kind = 'partner'")
        .fetch_all(pool).await)
    .expect("partner names")
}

async fn an_anonymised_leaderboard_names_no_other_partner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let People { bluepeak, admin, .. } = two_partners_win(&app).await;
    let copperline_id = app.organisation_id("Copperline IT").await.to_string();
    let others: Vec<String> = partner_names(&app).await.into_iter().filter(|n| n != "Bluepeak Systems").collect();

    let boards: [&[(&str, &str)]; 5] = [
        &[],
        &[("metric", "deals")],
        &[("within", "tier")],
        &[("within", "region")],
        &[("within", "tier"), ("tier", "Silver")],
    ];
    for form in boards {
        let (status, board) = app.call(&bluepeak, "leaderboard", form).await;
        assert_eq!(status, StatusCode::OK, "{board}");
        let text = board.to_string();
        for name in &others {
            assert!(!text.contains(name.as_str()), "{name} leaks through {form:?}: {text}");
        }
        assert!(!text.contains(&format!("\"partner_id\":{copperline_id}")), "{text}");
        assert_eq!(board["names_shown"], false);
    }
    let (_, board) = app.call(&bluepeak, "leaderboard", &[]).await;
    assert_eq!(board["rows"][0]["name"], "Anonymous partner", "Copperline leads, unnamed");
    assert_eq!(board["rows"][1]["name"], "Bluepeak Systems");
    assert_eq!(board["rows"][1]["own"], true);
    assert_eq!(board["rows"][1]["rank"], 2);
    assert_eq!(board["reps"][0]["name"], "Ava Moreau", "Bluepeak's own reps, by name");
    // Within its tier (Gold), Bluepeak leads; a partner cannot ask for another tier's board.
    let (_, gold) = app.call(&bluepeak, "leaderboard", &[("within", "tier"), ("tier", "Silver")]).await;
    assert_eq!(gold["group"], "Gold");
    assert_eq!(gold["rows"][0]["name"], "Bluepeak Systems");
    assert_eq!(gold["rows"][0]["rank"], 1);

    // The server-rendered page gives away no more than the data.
    let page = bluepeak.get(format!("{}/leaderboard", app.base)).send().await.expect("page");
    let html = page.text().await.expect("html");
    assert!(html.contains("Bluepeak Systems"));
    for name in &others {
        assert!(!html.contains(name.as_str()), "{name} is on the page");
    }

    // Once the program shows names, partners see each other.
    let named = [
        ("leaderboard_names", "named"),
        ("activation_days", "90"),
        ("activation_event", "won"),
        ("gross_margin", "40"),
    ];
    assert_eq!(app.call(&admin, "save_program_settings", &named).await.0, StatusCode::OK);
    let (_, board) = app.call(&bluepeak, "leaderboard", &[]).await;
    assert_eq!(board["names_shown"], true);
    assert_eq!(board["rows"][0]["name"], "Copperline IT");
    assert_eq!(board["rows"][0]["partner_id"], Value::Null, "a partner gets no link to another partner");
    app.stop().await;
}

async fn bad_periods_and_settings_are_named_and_change_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.sign_in("admin@acme.test").await;
    let backwards = [("period", "custom"), ("from", "2026-03-01"), ("to", "2026-01-01")];
    let (status, body) = app.call(&admin, "dashboard", &backwards).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["to"].is_string(), "{body}");
    let (status, body) = app.call(&admin, "leaderboard", &[("period", "fortnight"), ("at", "soon")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["period"].is_string() && body["fields"]["at"].is_string(), "{body}");
    for within in ["tier:Mithril", "region:Atlantis", "galaxy"] {
        let (status, body) = app.call(&admin, "leaderboard", &[("within", within)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{within}: {body}");
        assert!(body["fields"]["within"].is_string(), "{within}: {body}");
    }
    assert_eq!(app.call(&admin, "leaderboard", &[("within", "tier:Gold")]).await.0, StatusCode::OK);
    let (status, body) = app.call(&admin, "list_deals", &[("closed_from", "yesterday")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["closed_from"].is_string(), "{body}");
    let (status, body) = app.call(&admin, "list_partners", &[("stage", "famous")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["stage"].is_string(), "{body}");

    let bad = [
        ("leaderboard_names", "everyone"),
        ("activation_days", "0"),
        ("activation_event", "won"),
        ("gross_margin", ""),
    ];
    let (status, body) = app.call(&admin, "save_program_settings", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["leaderboard_names"].is_string() && body["fields"]["activation_days"].is_string(), "{body}");
    assert!(body["fields"]["gross_margin"].is_string(), "an empty gross margin is named: {body}");
    let (_, settings) = app.call(&admin, "program_settings", &[]).await;
    assert_eq!(settings["leaderboard_names"], false);
    assert_eq!(settings["activation_days"], 90);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'program_settings.update'").await, 0);

    let cam = app.sign_in("cam@acme.test").await;
    let fine = [
        ("leaderboard_names", "named"),
        ("activation_days", "60"),
        ("activation_event", "registered"),
        ("gross_margin", "40"),
    ];
    assert_eq!(app.call(&cam, "save_program_settings", &fine).await.0, StatusCode::FORBIDDEN);
    app.stop().await;
}

/// The query pairs of a drill-down link, `/deals?a=1&b=2`, as a server-function form.
fn link_query(href: &str) -> Vec<(String, String)> {
    let (_, query) = href.split_once('?').expect("a query");
    query.split('&').filter_map(|pair| pair.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned()))).collect()
}

async fn a_scorecard_is_for_its_partner_and_their_managers_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let People { bluepeak, copperline, sam, admin, .. } = two_partners_win(&app).await;
    let (bluepeak_id, copperline_id) =
        (app.organisation_id("Bluepeak Systems").await, app.organisation_id("Copperline IT").await);
    let vendor_id = app.organisation_id("Acme Cloud").await;

    // A partner's own scorecard, without saying whose.
    let (status, own) = app.call(&bluepeak, "scorecard", &[]).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own["partner_name"], "Bluepeak Systems");
    assert_eq!(tile(&own, "TotalRevenue")["value"]["Money"], 1_000_000);
    assert_eq!(tile(&own, "WinRate")["value"]["Share"]["numerator"], 1);
    // Copperline's 20,000.00 is ahead in the program; Bluepeak leads Gold.
    assert_eq!((own["placings"][0]["rank"].clone(), own["placings"][0]["of"].clone()), (2.into(), 24.into()));
    assert_eq!(own["placings"][1]["group"], "Gold tier");
    assert_eq!(own["placings"][1]["rank"], 1);
    // Health, by hand. Active partners' revenue: 10,000 and 20,000, so the benchmark (75th percentile,
    // nearest rank) is 20,000 and revenue scores 50. Engagement: one deal registered in 90 days (⅓)
    // and sign-ins on one day of 15 for full marks: ½ × ⅓ + ½ × 1/15 = 20. Customer success: won 1
    // of 1 closed, 100. Competency: 2 of its 3 people certified (the demo's partner admin and
    // rep), 67. (0.5 × 40 + ⅔ × 25 + 0.2 × 20 + 1 × 15) / 100 = 55.7 → 56, yellow.
    let scores: Vec<Value> = own["parts"].as_array().expect("parts").iter().map(|p| p["score"].clone()).collect();
    assert_eq!(scores, [Value::from(50), Value::from(67), Value::from(20), Value::from(100)], "{}", own["parts"]);
    assert_eq!(own["parts"][1]["basis"], "2 of 3 people hold a valid certification");
    assert_eq!(own["health"]["score"], 56);
    assert_eq!(own["health"]["band"], "Yellow");
    let others: Vec<String> = partner_names(&app).await.into_iter().filter(|n| n != "Bluepeak Systems").collect();
    let text = own.to_string();
    assert!(others.iter().all(|name| !text.contains(name.as_str())), "no other partner is named: {text}");

    // Its numbers lead to its own deals, for the partner and for its channel manager.
    let href = tile(&own, "TotalRevenue")["href"].as_str().expect("a link").to_owned();
    assert!(href.contains(&format!("partner={bluepeak_id}")), "{href}");
    let query = link_query(&href);
    let form: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    for viewer in [&bluepeak, &sam] {
        let (status, behind) = app.call(viewer, "list_deals", &form).await;
        assert_eq!(status, StatusCode::OK, "{behind}");
        assert_eq!(behind["total"], 1);
        assert_eq!(behind["rows"][0]["customer_company"], "Wayne Enterprises");
    }
    let (status, body) = app.call(&admin, "list_deals", &[("partner", "seven")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["partner"].is_string(), "{body}");

    // Nobody else's: another partner's, or the vendor's, is "not found" — for a partner, and for a
    // channel manager outside their own partners.
    let id = |id: i64| id.to_string();
    for (viewer, asked, expected) in [
        (&bluepeak, id(bluepeak_id), StatusCode::OK),
        (&bluepeak, id(copperline_id), StatusCode::NOT_FOUND),
        (&copperline, id(bluepeak_id), StatusCode::NOT_FOUND),
        (&sam, id(bluepeak_id), StatusCode::OK),
        (&sam, id(copperline_id), StatusCode::NOT_FOUND),
        (&admin, id(copperline_id), StatusCode::OK),
        (&admin, id(vendor_id), StatusCode::NOT_FOUND),
        (&admin, id(999_999), StatusCode::NOT_FOUND),
    ] {
        let (status, body) = app.call(viewer, "scorecard", &[("partner_id", asked.as_str())]).await;
        assert_eq!(status, expected, "{asked}: {body}");
        assert_eq!(body["tiles"].is_array(), status == StatusCode::OK, "figures only with the scorecard: {body}");
    }
    // The channel manager's directory shows the same health beside each partner.
    let (_, directory) = app.call(&sam, "list_partners", &[]).await;
    let row =
        directory["rows"].as_array().expect("rows").iter().find(|row| row["id"] == bluepeak_id).expect("Bluepeak");
    assert_eq!(row["health"], own["health"], "{row}");
    let (_, theirs) = app.call(&admin, "scorecard", &[("partner_id", id(copperline_id).as_str())]).await;
    assert_eq!(tile(&theirs, "TotalRevenue")["value"]["Money"], 2_000_000);
    assert_eq!(theirs["placings"][0]["rank"], 1);
    // Vendor staff have no scorecard of their own.
    assert_eq!(app.call(&admin, "scorecard", &[]).await.0, StatusCode::NOT_FOUND);

    // The pages: the partner's own, and the partner's profile for its channel manager, rendered on the server.
    let page = |client: &reqwest::Client, path: String| {
        let (client, url) = (client.clone(), format!("{}{path}", app.base));
        async move { client.get(url).send().await.expect("page").text().await.expect("html") }
    };
    let html = page(&bluepeak, "/scorecard".into()).await;
    assert!(html.contains("Health score") && html.contains("Watch"), "{html}");
    let html = page(&sam, format!("/partners/{bluepeak_id}")).await;
    assert!(html.contains("Health score") && html.contains("Watch"), "{html}");
    let html = page(&sam, format!("/partners/{copperline_id}")).await;
    assert!(!html.contains("Health score") && !html.contains("20,000.00"), "{html}");
    app.stop().await;
}

async fn live_streams_need_a_session_and_carry_no_deal_data(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anonymous = app.client().get(format!("{}/live", app.base)).send().await.expect("request");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let copperline = app.sign_in("partner@copperline.test").await;
    let mut stream = open_stream(&copperline, &app.base).await;
    let (bluepeak, sam) = (app.sign_in("partner@bluepeak.test").await, app.sign_in("cam@acme.test").await);
    let id = register(&app, &bluepeak, "Wayne Enterprises", "wayne.com").await;
    approve(&app, &sam, id).await;
    let notice = next_notice(&mut stream, Duration::from_secs(5)).await.expect("a notice within 5 s");
    assert_eq!(notice["kind"], "deal");
    let keys: Vec<&String> = notice.as_object().expect("an object").keys().collect();
    assert_eq!(keys, ["at", "kind"], "nothing about whose deal: {notice}");
    app.stop().await;
}

async fn an_event_committed_through_one_server_reaches_streams_on_another(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (second_base, second) = app.second_server().await;
    let sam = app.sign_in("cam@acme.test").await;
    // Sessions live in the database: the same cookie works on either server.
    let mut stream = open_stream(&sam, &second_base).await;
    let (_, before) = app.call(&sam, "dashboard", &[]).await;
    let on_second = |endpoint: &'static str| {
        let (sam, base) = (sam.clone(), second_base.clone());
        async move {
            let response = sam.post(format!("{base}/api/{endpoint}")).send().await.expect("second server answers");
            serde_json::from_str::<Value>(&response.text().await.expect("body")).expect("json")
        }
    };
    assert_eq!(tile(&on_second("dashboard").await, "TotalRevenue")["value"]["Money"], 0);

    let bluepeak = app.sign_in("partner@bluepeak.test").await;
    win_deal(&app, &bluepeak, &sam, "Wayne Enterprises", "wayne.com", "10,000.00").await;
    // Sam was told the deal waited for them, through the first server: their bell on the second hears it.
    assert!(hears(&mut stream, "notification", Duration::from_secs(5)).await, "who was told, within 5 s");
    assert!(hears(&mut stream, "deal", Duration::from_secs(5)).await, "the other server's event within 5 s");
    // The second server re-reads what changed: its dashboard has the win committed through the first.
    assert_eq!(tile(&on_second("dashboard").await, "TotalRevenue")["value"]["Money"], 1_000_000);
    assert_eq!(tile(&before, "TotalRevenue")["value"]["Money"], 0);
    drop(stream);
    second.stop().await.expect("second server stops");
    app.stop().await;
}

/// Every number on the dashboard is the total of the list it links to: revenue the sum of the
/// won deals' final amounts (converted deal by deal from euros), counts the lists' lengths,
/// shares the lists narrowed by status, for the program and for one manager, over a month, a
/// quarter and a year of the demo history.
async fn every_figure_is_the_total_of_the_list_behind_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    tessera::history::demo_history(app.db()).await.expect("demo history");
    let euros = app.count("SELECT COUNT(*) FROM deals WHERE currency = 'EUR' AND status = 'won'").await;
    assert!(euros > 0, "the demo history has won deals in euros");
    let (admin, sam) = (app.sign_in("admin@acme.test").await, app.sign_in("cam@acme.test").await);
    let mut checked = 0;
    for (viewer, period) in [(&admin, "month"), (&admin, "quarter"), (&admin, "year"), (&sam, "year")] {
        let (status, dashboard) = app.call(viewer, "dashboard", &[("period", period)]).await;
        assert_eq!(status, StatusCode::OK, "{dashboard}");
        let currency = dashboard["currency"].as_str().expect("currency");
        let revenue = tile(&dashboard, "TotalRevenue")["value"]["Money"].as_i64().unwrap_or(-1);
        for figure in dashboard["tiles"].as_array().expect("tiles") {
            let (kpi, value) = (figure["kpi"].as_str().expect("kpi"), &figure["value"]);
            let Some(href) = figure["href"].as_str() else { continue };
            let list = list_behind(&app, viewer, href, &[]).await;
            let share = |part: &str| value["Share"][part].as_i64().unwrap_or(0);
            match kpi {
                "TotalRevenue" | "SourcedRevenue" | "InfluencedRevenue" => {
                    assert_eq!(list["worth"]["minor"], value["Money"], "{kpi} {period}: {href}");
                    assert_eq!(list["worth"]["currency"], currency);
                }
                "RegistrationVolume" => assert_eq!(list["total"], value["Count"], "{kpi} {period}"),
                "WinRate" => {
                    assert_eq!(list["total"].as_i64(), Some(share("denominator")), "{kpi} {period}");
                    let won = list_behind(&app, viewer, href, &[("status", "won")]).await;
                    assert_eq!(won["total"].as_i64(), Some(share("numerator")), "{kpi} {period}");
                }
                "ApprovalRate" => {
                    assert_eq!(list["total"].as_i64(), Some(share("denominator")), "{kpi} {period}");
                    let rejected = list_behind(&app, viewer, href, &[("status", "rejected")]).await;
                    let rejected = rejected["total"].as_i64().unwrap_or(-1);
                    assert_eq!(rejected, share("denominator") - share("numerator"), "{kpi} {period}");
                }
                "MedianApprovalTime" => {
                    assert_eq!(list["total"].as_i64().unwrap_or(0) > 0, !value["Median"].is_null(), "{kpi} {period}");
                }
                "ActivationRate" => assert_eq!(list["total"].as_i64(), Some(share("denominator")), "{kpi} {period}"),
                "ActivePartnerShare" => assert_eq!(list["total"].as_i64(), Some(share("numerator")), "{kpi} {period}"),
                "RevenuePerPartner" => {
                    let active = list["total"].as_i64().unwrap_or(-1);
                    let expected = if active == 0 { Value::Null } else { Value::from(divide_rounded(revenue, active)) };
                    assert_eq!(value["Money"], expected, "{kpi} {period}");
                }
                "TimeToFirstDeal" => {
                    assert_eq!(list["total"].as_i64().unwrap_or(0) > 0, !value["Median"].is_null(), "{kpi} {period}");
                }
                other => panic!("{other} links to a list this test does not know how to total"),
            }
            checked += 1;
        }
        let at_risk = list_behind(&app, viewer, "/partners?health=at_risk", &[]).await;
        assert_eq!(at_risk["total"], dashboard["at_risk"], "partners at risk, {period}");
        for id in ["revenue-by-month", "revenue-by-tier", "revenue-by-region"] {
            for bar in chart(&dashboard, id)["bars"].as_array().expect("bars") {
                let list = list_behind(&app, viewer, bar["href"].as_str().expect("bar link"), &[]).await;
                assert_eq!(list["worth"]["minor"], bar["value"], "{id} {period} {}", bar["label"]);
                checked += 1;
            }
        }
        for bar in chart(&dashboard, "pipeline-by-status")["bars"].as_array().expect("bars") {
            let list = list_behind(&app, viewer, bar["href"].as_str().expect("bar link"), &[]).await;
            assert_eq!(list["total"], bar["value"], "pipeline {period} {}", bar["label"]);
            let amount = app::deals::amount_text(list["worth"]["minor"].as_i64().unwrap_or(-1), currency);
            assert_eq!(bar["text"].as_str(), Some(format!("{} · {amount}", bar["value"]).as_str()), "{period}");
            checked += 1;
        }
    }
    assert!(checked > 60, "{checked} figures checked");
    app.stop().await;
}

/// While a month or a year runs, each tile's earlier figure is that of as many days of the one
/// before (1–24 October against 1–24 November): the dashboard names those days, and a custom
/// range over them gives exactly the earlier figures.
async fn a_running_period_is_compared_with_as_many_days_of_the_one_before(backend: Backend) {
    use chrono::{Datelike, Duration, NaiveDate, Utc};
    let app = TestApp::spawn(backend).await;
    tessera::history::demo_history(app.db()).await.expect("demo history");
    let admin = app.sign_in("admin@acme.test").await;
    let today = Utc::now().date_naive();
    let month_start = today.with_day(1).expect("a first day");
    let last_month_start = (month_start - Duration::days(1)).with_day(1).expect("a first day");
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("1 January");
    let last_year_start = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).expect("1 January");
    let like_for_like = |start: NaiveDate, earlier_start: NaiveDate, earlier_end: NaiveDate| {
        (earlier_start, (earlier_start + (today - start)).min(earlier_end))
    };
    let cases = [
        ("month", like_for_like(month_start, last_month_start, month_start - Duration::days(1))),
        ("year", like_for_like(year_start, last_year_start, year_start - Duration::days(1))),
    ];
    for (period, (start, end)) in cases {
        let (status, running) = app.call(&admin, "dashboard", &[("period", period)]).await;
        assert_eq!(status, StatusCode::OK, "{running}");
        let named = (running["previous"]["start"].as_str(), running["previous"]["end"].as_str());
        assert_eq!(named, (Some(start.to_string().as_str()), Some(end.to_string().as_str())), "{period}");
        let (start, end) = (start.to_string(), end.to_string());
        let range = [("period", "custom"), ("from", start.as_str()), ("to", end.as_str())];
        let (status, earlier) = app.call(&admin, "dashboard", &range).await;
        assert_eq!(status, StatusCode::OK, "{earlier}");
        let mut compared = 0;
        for figure in running["tiles"].as_array().expect("tiles") {
            let kpi = &figure["kpi"];
            assert_eq!(figure["previous"], tile(&earlier, kpi.as_str().expect("kpi"))["value"], "{kpi}, {period}");
            compared += 1;
        }
        assert!(compared >= 10, "{compared} tiles compared for {period}");
    }
    let won = tile(&app.call(&admin, "dashboard", &[("period", "year")]).await.1, "TotalRevenue")["previous"].clone();
    assert!(won["Money"].as_i64().unwrap_or(0) > 0, "the demo history won something in last year's first days: {won}");
    app.stop().await;
}

/// Health 30 days ago is the same score over the windows ending that day: a partner whose people
/// signed in on 15 days three to four months ago and on 3 days this week scored 50 then (half of
/// engagement, its one measurable part: the demo adds its people today, so there was nobody to
/// count for competency) and 4 now (3 of 15 sign-in days, 2 of engagement's 20, and none of its 3
/// people certified, 0 of competency's 25: 2 of 45): at risk, and the directory, the scorecard and
/// the export say it fell by 46.
async fn a_partner_whose_health_fell_is_at_risk_and_says_by_how_much(backend: Backend) {
    use chrono::{Duration, Utc};
    let app = TestApp::spawn(backend).await;
    let bluepeak = app.organisation_id("Bluepeak Systems").await;
    let someone = app.count("SELECT id FROM users WHERE email = 'rep@bluepeak.test'").await;
    on_db!(app.db(), pool => sqlx::query("DELETE FROM certifications WHERE organisation_id = $1")
        .bind(bluepeak).execute(pool).await.map(|done| done.rows_affected()))
    .expect("nobody certified");
    let now = Utc::now();
    let mut tx = app.db().begin().await.expect("a transaction");
    for days_ago in (95..110).chain(1..4) {
        let at = now - Duration::days(days_ago);
        app::audit::record(&mut tx, someone, app::audit::AuditAction::SignedIn, "test", at).await.expect("a sign-in");
    }
    tx.commit().await.expect("commit");
    let sam = app.sign_in("cam@acme.test").await;
    let (status, scorecard) = app.call(&sam, "scorecard", &[("partner_id", &bluepeak.to_string())]).await;
    assert_eq!(status, StatusCode::OK, "{scorecard}");
    assert_eq!(scorecard["health"], serde_json::json!({ "score": 4, "band": "Red", "earlier": 50 }));
    let (_, listed) = app.call(&sam, "list_partners", &[("q", "Bluepeak"), ("health", "at_risk")]).await;
    assert_eq!(listed["rows"][0]["health"]["earlier"], 50, "{listed}");
    let csv = sam
        .get(format!("{}/partners/export.csv?q=Bluepeak", app.base))
        .send()
        .await
        .expect("the export")
        .text()
        .await
        .expect("its text");
    assert!(csv.contains("down 46 points in 30 days"), "{csv}");
    app.stop().await;
}

/// The partner directory: search, filters and orders on the server, each within the viewer's
/// reach; bad values are named; the CSV holds what the page lists.
async fn the_directory_searches_filters_sorts_and_exports_within_reach(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    tessera::history::demo_history(app.db()).await.expect("demo history");
    let (admin, sam) = (app.sign_in("admin@acme.test").await, app.sign_in("cam@acme.test").await);
    let names = |list: &Value| -> Vec<String> {
        list["rows"].as_array().expect("rows").iter().map(|row| row["name"].as_str().unwrap_or("").to_owned()).collect()
    };

    let (_, found) = app.call(&admin, "list_partners", &[("q", "BLUEPEAK")]).await;
    assert_eq!(names(&found), ["Bluepeak Systems"]);
    let (_, none) = app.call(&admin, "list_partners", &[("q", "100%_")]).await;
    assert_eq!(none["total"], 0, "wildcards are taken literally");

    let (_, all) = app.call(&admin, "list_partners", &[]).await;
    let total = all["total"].as_i64().expect("total");
    let choices = &all["choices"];
    let mut by_tier = 0;
    for tier in choices["tiers"].as_array().expect("tiers") {
        let (_, list) = app.call(&admin, "list_partners", &[("tier", tier.as_str().expect("tier"))]).await;
        assert!(list["rows"].as_array().expect("rows").iter().all(|row| row["tier"] == *tier), "{tier}");
        by_tier += list["total"].as_i64().expect("total");
    }
    assert_eq!(by_tier, total, "every partner is in one tier");
    let (mut by_band, mut falling_elsewhere) = (0, 0);
    for band in ["at_risk", "watch", "healthy"] {
        let (status, list) = app.call(&admin, "list_partners", &[("health", band), ("sort", "health")]).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let scores: Vec<i64> = list["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|row| row["health"]["score"].as_i64().unwrap_or(-1))
            .collect();
        assert!(scores.windows(2).all(|pair| pair[0] <= pair[1]), "lowest first: {scores:?}");
        let expected = match band {
            "at_risk" => "Red",
            "watch" => "Yellow",
            _ => "Green",
        };
        for row in list["rows"].as_array().expect("rows") {
            let health = &row["health"];
            let fell = health["earlier"].as_i64().unwrap_or(0) - health["score"].as_i64().unwrap_or(0);
            // At risk also holds a partner of a higher band whose score fell 10 points in 30 days.
            match (band, health["band"] == expected) {
                (_, true) => by_band += 1,
                ("at_risk", false) if fell >= 10 => falling_elsewhere += 1,
                _ => panic!("{band}: {row}"),
            }
        }
    }
    assert!(by_band <= total);
    assert!(falling_elsewhere >= 1, "the demo history has a partner whose health is falling but not yet red");
    // On the page, hovering a Falling badge says by how much.
    let page = admin.get(format!("{}/partners?health=at_risk", app.base)).send().await.expect("directory");
    let html = page.text().await.expect("body");
    let falling = html.split("<span ").find(|tag| tag.contains(">Falling")).expect("a Falling badge");
    assert!(falling.contains(r#"title="down "#), "with its trend: {falling}");

    // A channel manager's directory and its choices are their own partners'.
    let (_, mine) = app.call(&sam, "list_partners", &[]).await;
    let sam_id = app.count("SELECT id FROM users WHERE email = 'cam@acme.test'").await;
    assert_eq!(mine["choices"]["managers"].as_array().map(Vec::len), Some(1));
    assert_eq!(mine["choices"]["managers"][0][0], sam_id);
    let (_, others) = app.call(&sam, "list_partners", &[("q", "Copperline")]).await;
    assert_eq!(others["total"], 0, "Copperline is not Sam's");

    let (status, bad) =
        app.call(&admin, "list_partners", &[("health", "purple"), ("sort", "size"), ("manager", "x")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["health", "sort", "manager"] {
        assert!(bad["fields"][field].is_string(), "{field}: {bad}");
    }

    let csv = admin.get(format!("{}/partners/export.csv?region=EMEA", app.base)).send().await.expect("export");
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.expect("body");
    let (_, emea) = app.call(&admin, "list_partners", &[("region", "EMEA")]).await;
    assert_eq!(text.lines().count() as i64, emea["total"].as_i64().expect("total") + 1, "a header and every partner");
    assert!(text.starts_with("Partner,Type,Tier,Region,"));
    assert!(text.lines().skip(1).all(|line| line.contains(",EMEA,")), "{text}");
    let partner = app.sign_in("partner@bluepeak.test").await;
    let refused = partner.get(format!("{}/partners/export.csv", app.base)).send().await.expect("export");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

/// (certified, all) partner people today, counted from the tables: those holding a certification
/// whose term includes today, of those not deactivated.
async fn certified_partner_people(app: &TestApp) -> (i64, i64) {
    let today = chrono::Utc::now().date_naive();
    let rows: Vec<(i64, chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> = on_db!(app.db(), pool =>
        sqlx::query_as("SELECT c.user_id, c.earned_at, c.expires_at FROM certifications c \
            JOIN users u ON u.id = c.user_id WHERE u.deactivated_at IS NULL").fetch_all(pool).await)
    .expect("certifications");
    let mut certified: Vec<i64> = rows
        .into_iter()
        .filter(|(_, earned, ends)| earned.date_naive() <= today && today < ends.date_naive())
        .map(|(user, ..)| user)
        .collect();
    certified.sort_unstable();
    certified.dedup();
    let people = app
        .count(
            "SELECT COUNT(*) FROM users u JOIN organisations o ON o.id = u.organisation_id \
            WHERE o.kind = 'partner' AND u.deactivated_at IS NULL",
        )
        .await;
    (certified.len() as i64, people)
}
