//! Live fan-out, against a running release server with the scale data (`benches/live.sh` sets it
//! all up): STREAMS open live streams on one server, as that many open dashboards and leaderboards
//! hold, and EVENTS deals submitted one after another through the same server. For every notice on
//! every stream: the time from the event's timestamp to the notice's arrival. The server takes that
//! timestamp before the deal's transaction commits, so each figure includes the commit itself.
//!
//! With `reread`, every stream's page then re-reads its figures (a dashboard for admins and channel
//! managers, a leaderboard for everyone else) as the browser does, and the time until the fresh
//! figures arrive is reported too.
//!
//!   cargo bench -p tessera --bench live -- URL [STREAMS] [EVENTS] [reread]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use common::{ms, percentile, sign_in, submission};
use futures_util::future::join_all;
use tokio::sync::mpsc;

mod common;

/// How many people's sessions hold the streams (each holds STREAMS / SESSIONS of them).
const SESSIONS: usize = 100;
/// The pause between one submission's answer and the next: longer when every page re-reads.
const BETWEEN_EVENTS: Duration = Duration::from_millis(200);
const BETWEEN_EVENTS_REREADING: Duration = Duration::from_secs(1);

/// The people watching: the demo's vendor staff, then the scale data's partner admins.
fn viewers(count: usize) -> Vec<String> {
    let mut emails: Vec<String> =
        ["admin@acme.test", "cam@acme.test", "cam2@acme.test", "marketing@acme.test"].map(String::from).into();
    let partners = count.saturating_sub(emails.len());
    emails.extend((1..=partners).map(|n| format!("admin{n}@partner{n}.scale.test")));
    emails.truncate(count);
    emails
}

/// When a notice (or the figures re-read after it) arrived, for the event stamped `at`.
struct Arrival {
    at: DateTime<Utc>,
    notice: DateTime<Utc>,
    figures: Option<DateTime<Utc>>,
}

/// A page following one stream. For every notice that arrives it reports the arrival; when it
/// re-reads, it then posts to its page's server function as the browser does, and reports when
/// the fresh figures arrived.
struct Page {
    client: reqwest::Client,
    /// `{base}/api/dashboard` or `{base}/api/leaderboard`, when re-reading.
    reread: Option<String>,
}

async fn follow(page: Page, mut stream: reqwest::Response, arrivals: mpsc::UnboundedSender<Arrival>) {
    let mut buffer = String::new();
    while let Ok(Some(chunk)) = stream.chunk().await {
        let notice = Utc::now();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        let mut stamps = Vec::new();
        while let Some(end) = buffer.find("\n\n") {
            let message: String = buffer.drain(..end + 2).collect();
            stamps.extend(
                message
                    .lines()
                    .filter_map(|line| line.strip_prefix("data:"))
                    .filter_map(|data| serde_json::from_str::<serde_json::Value>(data.trim()).ok())
                    .filter_map(|notice| notice["at"].as_str().and_then(|at| at.parse::<DateTime<Utc>>().ok())),
            );
        }
        if stamps.is_empty() {
            continue;
        }
        // Notices that arrive together are one re-read, as the page's resource refetches once.
        let figures = match &page.reread {
            Some(url) => match page.client.post(url).send().await {
                Ok(response) if response.status().is_success() => response.bytes().await.ok().map(|_| Utc::now()),
                _ => None,
            },
            None => None,
        };
        for at in stamps {
            if arrivals.send(Arrival { at, notice, figures }).is_err() {
                return;
            }
        }
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let Some(base) = args.first().cloned() else {
        eprintln!("usage: cargo bench -p tessera --bench live -- URL [STREAMS] [EVENTS] [reread]");
        std::process::exit(2);
    };
    let streams: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let events: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(50);
    let reread = args.get(3).is_some_and(|mode| mode == "reread");

    let emails = viewers(SESSIONS.min(streams));
    let mut sessions = Vec::new();
    for group in emails.chunks(10) {
        sessions.extend(join_all(group.iter().map(|email| sign_in(&base, email))).await);
    }

    let (sender, mut arrivals) = mpsc::unbounded_channel();
    let opening = Instant::now();
    let indices: Vec<usize> = (0..streams).collect();
    for batch in indices.chunks(100) {
        let opened =
            join_all(batch.iter().map(|&i| sessions[i % sessions.len()].get(format!("{base}/live")).send())).await;
        for (&i, stream) in batch.iter().zip(opened) {
            let stream = stream.expect("a live stream opens");
            assert_eq!(stream.status(), reqwest::StatusCode::OK, "a live stream opens");
            let session = i % sessions.len();
            // Admins and channel managers watch the dashboard; everyone else a leaderboard.
            let endpoint = if emails[session].starts_with("admin@") || emails[session].starts_with("cam") {
                "dashboard"
            } else {
                "leaderboard"
            };
            let page =
                Page { client: sessions[session].clone(), reread: reread.then(|| format!("{base}/api/{endpoint}")) };
            tokio::spawn(follow(page, stream, sender.clone()));
        }
    }
    drop(sender);
    println!("{streams} live streams open ({} sessions) in {:.1} s", sessions.len(), opening.elapsed().as_secs_f64());

    // Deals submitted one at a time by a partner, each one event on the bus.
    let publisher = sign_in(&base, "partner@bluepeak.test").await;
    let run = format!("live{}", std::process::id());
    let close = (Utc::now() + chrono::Duration::days(60)).date_naive().to_string();
    let mut submissions = Vec::with_capacity(events);
    for n in 0..events {
        let token = format!("{run}-{n}-token");
        let company = format!("Live Fan-out Prospect {run}-{n}");
        let domain = format!("{run}-{n}.example");
        let form = submission(&token, &company, &domain, &close);
        let started = Instant::now();
        let response = publisher.post(format!("{base}/api/save_deal")).form(&form).send().await.expect("submit");
        assert!(response.status().is_success(), "the deal is submitted: {}", response.text().await.unwrap_or_default());
        submissions.push(started.elapsed());
        tokio::time::sleep(if reread { BETWEEN_EVENTS_REREADING } else { BETWEEN_EVENTS }).await;
    }
    // Time for the last notices (and re-reads) to arrive.
    tokio::time::sleep(Duration::from_secs(if reread { 10 } else { 3 })).await;

    let mut by_event: HashMap<DateTime<Utc>, Vec<Duration>> = HashMap::new();
    let mut figures: Vec<Duration> = Vec::new();
    let since = |at: DateTime<Utc>, then: DateTime<Utc>| (then - at).to_std().unwrap_or(Duration::ZERO);
    while let Ok(arrival) = arrivals.try_recv() {
        by_event.entry(arrival.at).or_default().push(since(arrival.at, arrival.notice));
        figures.extend(arrival.figures.map(|then| since(arrival.at, then)));
    }
    let mut all: Vec<Duration> = by_event.values().flatten().copied().collect();
    all.sort();
    figures.sort();
    let mut slowest: Vec<Duration> =
        by_event.values().filter_map(|latencies| latencies.iter().max().copied()).collect();
    slowest.sort();
    submissions.sort();
    let expected = streams * events;
    let p95 = percentile(&all, 95.0);
    println!(
        "{events} deals submitted: {} events seen, {} of {expected} notices arrived ({} missing)",
        by_event.len(),
        all.len(),
        expected.saturating_sub(all.len())
    );
    println!(
        "event to arrival, every notice on every stream: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} the target: p95 < 250 ms)",
        ms(percentile(&all, 50.0)),
        ms(p95),
        ms(percentile(&all, 99.0)),
        ms(all.last().copied().unwrap_or_default()),
        if p95 < Duration::from_millis(250) && all.len() == expected { "meets" } else { "MISSES" }
    );
    println!(
        "per event, until the last of the {streams} streams has it: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms(percentile(&slowest, 50.0)),
        ms(percentile(&slowest, 95.0)),
        ms(slowest.last().copied().unwrap_or_default())
    );
    if reread {
        println!(
            "event to fresh figures, every stream re-reading its dashboard or leaderboard: {} re-reads, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            figures.len(),
            ms(percentile(&figures, 50.0)),
            ms(percentile(&figures, 95.0)),
            ms(figures.last().copied().unwrap_or_default())
        );
    }
    println!(
        "submitting a deal (the request that commits it): median {:.1} ms, p95 {:.1} ms",
        ms(percentile(&submissions, 50.0)),
        ms(percentile(&submissions, 95.0))
    );
}
