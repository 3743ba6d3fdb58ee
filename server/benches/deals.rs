//! Deal registration under load, against a running release server with the scale data
//! (`benches/deals.sh` sets it all up):
//!   1. the conflict check as partners type: latency percentiles over many checks;
//!   2. 32 clients submitting deals for 60 s: submissions per second, then every acknowledged
//!      deal is looked up in the database, and the database is checked for any deal nobody was told of.
//!
//!   cargo bench -p tessera --bench deals -- URL DATABASE_URL [SECONDS] [CLIENTS]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use app::db::Db;
use app::on_db;
use common::{ms, percentile, sign_in, submission};

mod common;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let (Some(base), Some(database_url)) = (args.first(), args.get(1)) else {
        eprintln!("usage: cargo bench -p tessera --bench deals -- URL DATABASE_URL [SECONDS] [CLIENTS]");
        std::process::exit(2);
    };
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(60);
    let clients: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(32);
    let db = Db::connect(database_url).await.expect("database");

    // Customers to type: half already registered (from the scale data), half new.
    let known: Vec<(String, String)> = on_db!(&db, pool => sqlx::query_as(
        "SELECT customer_company, customer_domain FROM deals WHERE id % 997 = 0 LIMIT 2000")
        .fetch_all(pool).await)
    .expect("sample customers");
    let deals_before: i64 =
        on_db!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM deals").fetch_one(pool).await).expect("count");
    println!("database: {deals_before} deals before the run");

    // 1. The conflict check: 4 partners typing at once, 5,000 checks.
    let checkers = 4;
    let per_checker = 1250;
    let known = Arc::new(known);
    let mut tasks = Vec::new();
    for checker in 0..checkers {
        let (base, known) = (base.clone(), known.clone());
        tasks.push(tokio::spawn(async move {
            let client = sign_in(&base, "rep@bluepeak.test").await;
            let mut latencies = Vec::with_capacity(per_checker);
            let mut conflicts = 0;
            for n in 0..per_checker {
                let (company, domain) = if n % 2 == 0 {
                    let (c, d) = &known[(n * 7 + checker) % known.len()];
                    (c.clone(), format!("www.{d}"))
                } else {
                    (format!("Brand New Prospect {checker}-{n}"), format!("prospect-{checker}-{n}.example"))
                };
                let started = Instant::now();
                let response = client
                    .post(format!("{base}/api/deal_check"))
                    .form(&[("customer_company", company.as_str()), ("customer_domain", domain.as_str())])
                    .send()
                    .await
                    .expect("check");
                let ok = response.status().is_success();
                let body = response.text().await.unwrap_or_default();
                latencies.push(started.elapsed());
                assert!(ok, "conflict check failed: {body}");
                if body.contains("\"possible_conflict\":true") {
                    conflicts += 1;
                }
            }
            (latencies, conflicts)
        }));
    }
    let mut latencies = Vec::new();
    let mut conflicts = 0;
    for task in tasks {
        let (mut l, c) = task.await.expect("checker");
        latencies.append(&mut l);
        conflicts += c;
    }
    latencies.sort();
    let p95 = percentile(&latencies, 95.0);
    println!(
        "conflict check: {} checks by {checkers} clients ({conflicts} flagged): p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} the target: p95 < 20 ms)",
        latencies.len(),
        ms(percentile(&latencies, 50.0)),
        ms(p95),
        ms(percentile(&latencies, 99.0)),
        ms(latencies[latencies.len() - 1]),
        if p95 < Duration::from_millis(20) { "meets" } else { "MISSES" }
    );

    // 2. Submissions: `clients` partners' browsers submitting for `seconds`.
    let run = format!("bench{}", std::process::id());
    let partners: Vec<String> = on_db!(&db, pool => sqlx::query_scalar(
        "SELECT email FROM users WHERE email LIKE 'admin%@partner%.scale.test' ORDER BY id LIMIT 32")
        .fetch_all(pool).await)
    .expect("partner accounts");
    let close = (chrono::Utc::now() + chrono::Duration::days(60)).date_naive().to_string();
    let refused = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client_index in 0..clients {
        let email = partners.get(client_index % partners.len().max(1)).cloned().unwrap_or("rep@bluepeak.test".into());
        let (base, run, close, refused) = (base.clone(), run.clone(), close.clone(), refused.clone());
        tasks.push(tokio::spawn(async move {
            let client = sign_in(&base, &email).await;
            let mut acknowledged: Vec<(String, i64)> = Vec::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let token = format!("{run}-{client_index}-{n}-token");
                // Customers of every sort: the first letters spread over the alphabet, as real names do.
                let letters = b"abcdefghijklmnopqrstuvwxyz";
                let seed = (client_index as u64 * 7919 + n * 104_729) as usize;
                let (first, second) = (letters[seed % 26] as char, letters[(seed / 26) % 26] as char);
                let company = format!("{}{second}ton Prospect {client_index}-{n}", first.to_ascii_uppercase());
                let domain = format!("load-{client_index}-{n}.example");
                let form = submission(&token, &company, &domain, &close);
                match client.post(format!("{base}/api/save_deal")).form(&form).send().await {
                    Ok(response) if response.status().is_success() => {
                        let body: serde_json::Value = response.json().await.unwrap_or_default();
                        match body["id"].as_i64() {
                            Some(id) => acknowledged.push((token, id)),
                            None => {
                                refused.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    _ => {
                        refused.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            acknowledged
        }));
    }
    let mut acknowledged = Vec::new();
    for task in tasks {
        acknowledged.append(&mut task.await.expect("client"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let rate = acknowledged.len() as f64 / elapsed;

    // Every acknowledged deal is there with its own token; nothing else was created.
    let stored: Vec<(String, i64)> = on_db!(&db, pool => sqlx::query_as(
        "SELECT form_token, id FROM deals WHERE form_token LIKE $1")
        .bind(format!("{run}-%")).fetch_all(pool).await)
    .expect("stored deals");
    let stored_map: std::collections::HashMap<_, _> = stored.iter().cloned().collect();
    let lost = acknowledged.iter().filter(|(token, id)| stored_map.get(token) != Some(id)).count();
    let unacknowledged = stored.len().saturating_sub(acknowledged.len());
    let deals_after: i64 =
        on_db!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM deals").fetch_one(pool).await).expect("count");
    println!(
        "submissions: {} deals in {elapsed:.1} s by {clients} clients = {rate:.0} submissions/s; refused {}; \
         lost {lost}; created but not acknowledged {unacknowledged}; deals {deals_before} -> {deals_after} ({} the target: >= 500/s, none lost or duplicated)",
        acknowledged.len(),
        refused.load(Ordering::Relaxed),
        if rate >= 500.0 && lost == 0 && unacknowledged == 0 && deals_after - deals_before == acknowledged.len() as i64
        {
            "meets"
        } else {
            "MISSES"
        }
    );
    db.close().await;
}
