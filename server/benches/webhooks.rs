//! Webhook delivery: a Tessera server (release build, in this process, on a fresh SQLite file, or
//! on PostgreSQL with TESSERA_BENCH_POSTGRES_URL naming an empty database) with one endpoint on a
//! receiver on loopback. Each round queues EVENTS events in one transaction, as changes do, and
//! times the sender until the receiver has every one. The baseline, in the same rounds: the same
//! number of posts of the same size sent straight to the receiver, 64 at a time (as the sender
//! sends), without Tessera. Target (issue 16): 10,000 events delivered in under 60 s.
//!
//!   cargo bench -p tessera --bench webhooks -- [EVENTS] [ROUNDS]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use app::webhooks::store;
use app::webhooks::{EndpointInput, EventKind};
use chrono::Utc;
use clap::Parser;

async fn receive(axum::extract::State(count): axum::extract::State<Arc<AtomicUsize>>, body: String) -> &'static str {
    if !body.is_empty() {
        count.fetch_add(1, Ordering::SeqCst);
    }
    "ok"
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Sends `events` posts of `body` straight to `url`, 64 at a time; how long it took.
async fn baseline(client: &reqwest::Client, url: &str, body: &str, events: usize) -> Duration {
    let started = Instant::now();
    let mut sent = 0;
    while sent < events {
        let mut batch = tokio::task::JoinSet::new();
        for _ in sent..(sent + 64).min(events) {
            let request = client.post(url).header("content-type", "application/json").body(body.to_owned());
            batch.spawn(async move { request.send().await.map(|response| response.status().is_success()) });
        }
        while let Some(done) = batch.join_next().await {
            assert!(matches!(done, Ok(Ok(true))), "the receiver answered");
        }
        sent = (sent + 64).min(events);
    }
    started.elapsed()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).filter(|arg| !arg.starts_with("--")).collect();
    let events: usize = args.first().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let rounds: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(3);

    let count = Arc::new(AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/tessera", listener.local_addr()?);
    let receiver = axum::Router::new().route("/tessera", axum::routing::post(receive)).with_state(count.clone());
    tokio::spawn(async move { axum::serve(listener, receiver).await });

    let dir = tempfile::tempdir()?;
    let database = match std::env::var("TESSERA_BENCH_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => format!("sqlite://{}", dir.path().join("bench.db").display()),
    };
    let data = dir.path().join("data").display().to_string();
    let cli = tessera::config::Cli::try_parse_from([
        "tessera",
        "--database-url",
        &database,
        "--addr",
        "127.0.0.1:0",
        "--log",
        "warn",
        "--data-dir",
        &data,
    ])?;
    let server = tessera::start(&cli).await?;
    tessera::seed::demo(&server.db, &server.state.files).await?;
    let db = server.db.clone();
    let admin: i64 = app::on_db!(&db, pool => sqlx::query_scalar("SELECT id FROM users WHERE email = 'admin@acme.test'")
        .fetch_one(pool).await)?;
    let input = EndpointInput { url: url.clone(), description: "Benchmark".into(), events: vec!["deal.won".into()] };
    let endpoint = input.check().map_err(|errors| format!("{errors:?}"))?;
    store::create(&db, admin, &endpoint, "whsec_benchmark", Utc::now()).await?;

    let data = serde_json::json!({ "deal": { "id": 1, "organisation_id": 2, "partner": "Bluepeak Systems",
        "customer_company": "Benchmark Industries", "status": "won", "amount_minor": 4_500_000, "currency": "USD" } });
    let sample = app::webhooks::body(1, EventKind::DealWon, Utc::now(), &data.to_string());
    let client = reqwest::Client::new();
    println!(
        "{events} events a round, {rounds} rounds, on {}",
        if database.starts_with("sqlite") { "SQLite" } else { "PostgreSQL" }
    );
    let (mut delivered_rates, mut baseline_rates, mut totals) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=rounds {
        let direct = baseline(&client, &url, &sample, events).await;
        count.store(0, Ordering::SeqCst);
        let started = Instant::now();
        let mut tx = db.begin().await?;
        for _ in 0..events {
            store::record(&mut tx, EventKind::DealWon, &data, Utc::now()).await?;
        }
        tx.commit().await?;
        let queued = started.elapsed();
        let deadline = Instant::now() + Duration::from_secs(300);
        while count.load(Ordering::SeqCst) < events {
            if Instant::now() > deadline {
                return Err(format!("only {} of {events} delivered in 300 s", count.load(Ordering::SeqCst)).into());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let total = started.elapsed();
        let sending = total - queued;
        let rate = events as f64 / sending.as_secs_f64();
        let direct_rate = events as f64 / direct.as_secs_f64();
        println!(
            "round {round}: queued in {:.2} s, delivered {:.2} s later ({rate:.0}/s), all in {:.2} s; \
             baseline (straight to the receiver): {:.2} s ({direct_rate:.0}/s)",
            queued.as_secs_f64(),
            sending.as_secs_f64(),
            total.as_secs_f64(),
            direct.as_secs_f64()
        );
        delivered_rates.push(rate);
        baseline_rates.push(direct_rate);
        totals.push(total.as_secs_f64());
    }
    let waiting: i64 = app::on_db!(&db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM webhook_deliveries WHERE delivered_at IS NULL AND gave_up_at IS NULL").fetch_one(pool).await)?;
    let (rate, direct, total) = (median(delivered_rates), median(baseline_rates), median(totals));
    println!(
        "median: {events} events queued and delivered in {total:.2} s ({rate:.0} deliveries/s); baseline {direct:.0} posts/s; \
         Tessera at {:.0}% of the baseline; deliveries left waiting: {waiting}",
        rate / direct * 100.0
    );
    println!("target: {events} in under 60 s: {}", if total < 60.0 && waiting == 0 { "met" } else { "MISSED" });
    server.stop().await?;
    Ok(())
}
