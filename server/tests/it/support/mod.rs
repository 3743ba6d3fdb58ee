//! Starts the real `tessera` server on a random port with a fresh database (a SQLite file in a
//! temporary directory, or a new database on the throwaway PostgreSQL the test command starts),
//! loads the demo data, and talks to it over HTTP.

#![allow(dead_code)] // Each test binary uses its own share of these helpers.

use std::sync::{Arc, Mutex};

use app::db::Db;
use app::on_db;
use chrono::{Duration, Utc};
use clap::Parser;
use reqwest::StatusCode;
use serde_json::Value;
use tessera::RunningServer;
use tessera::config::Cli;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    server: Option<RunningServer>,
    url: String,
    /// The data directory (uploaded files), shared by a second server.
    pub data: String,
    /// The per-test PostgreSQL database, dropped when the test stops the server.
    postgres_database: Option<String>,
    /// The command line the server was started with, to start it again.
    args: Vec<String>,
    _dir: tempfile::TempDir,
}

fn unique_name() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("tessera_test_{}_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed), nanos)
}

/// What every test server logs (at `info`), kept for the tests that read it, and shown on
/// standard error too with TESSERA_TEST_LOG=1.
fn capture_log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: std::sync::OnceLock<Arc<Mutex<Vec<u8>>>> = std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let echo = std::env::var("TESSERA_TEST_LOG").is_ok_and(|value| !value.is_empty());
        tessera::telemetry::init_writing_to("info", move || Capture { log: sink.clone(), echo });
        log
    })
    .clone()
}

struct Capture {
    log: Arc<Mutex<Vec<u8>>>,
    echo: bool,
}

impl std::io::Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.log.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend_from_slice(bytes);
        if self.echo {
            std::io::stderr().write_all(bytes)?;
        }
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything the test servers logged so far.
pub fn logged() -> String {
    String::from_utf8_lossy(&capture_log().lock().unwrap_or_else(std::sync::PoisonError::into_inner)).into_owned()
}

/// Says once per test binary that tests needing `what` did not run (the test command installs it).
pub fn say_skipped(what: &str) {
    use std::io::Write;
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        let _ = writeln!(std::io::stderr(), "skipped: {what} is not installed (scripts/setup.sh --test installs it)");
    });
}

/// The throwaway PostgreSQL the test command starts, if it was started.
pub fn postgres_url() -> Option<String> {
    std::env::var("TESSERA_TEST_POSTGRES_URL").ok().filter(|url| !url.is_empty())
}

/// Says once per test binary, past the test harness's output capture, that the PostgreSQL half
/// did not run.
pub fn say_postgres_skipped() {
    use std::io::Write;
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "PostgreSQL skipped: TESSERA_TEST_POSTGRES_URL is not set (scripts/test.sh starts a throwaway PostgreSQL)"
        );
    });
}

async fn fresh_postgres_database() -> (String, String) {
    let admin_url = postgres_url().expect("the PostgreSQL tests run only with TESSERA_TEST_POSTGRES_URL");
    let name = unique_name();
    let admin = sqlx::PgPool::connect(&admin_url).await.expect("connect to the test PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.expect("create database");
    admin.close().await;
    let (base, _) = admin_url.rsplit_once('/').expect("URL names a database");
    (format!("{base}/{name}"), name)
}

async fn drop_postgres_database(name: &str) {
    let Some(admin_url) = postgres_url() else { return };
    let admin = sqlx::PgPool::connect(&admin_url).await.expect("connect to the test PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&admin)
        .await
        .expect("drop the test database");
    admin.close().await;
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, &[]).await
    }

    /// A server started with more command-line settings (`--public-url https://…`, say).
    pub async fn spawn_with(backend: Backend, settings: &[&str]) -> TestApp {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (url, postgres_database) = match backend {
            Backend::Sqlite => (format!("sqlite://{}", dir.path().join("tessera.db").display()), None),
            Backend::Postgres => {
                let (url, name) = fresh_postgres_database().await;
                (url, Some(name))
            }
        };
        let log = "info";
        let data = dir.path().join("data").display().to_string();
        let mut args =
            vec!["tessera", "--database-url", &url, "--addr", "127.0.0.1:0", "--log", log, "--data-dir", &data];
        args.extend_from_slice(settings);
        let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
        let cli = Cli::try_parse_from(&args).expect("test configuration parses");
        capture_log();
        let server = tessera::start(&cli).await.expect("server starts");
        tessera::seed::demo(&server.db, &server.state.files).await.expect("demo data loads");
        TestApp {
            base: format!("http://{}", server.addr),
            server: Some(server),
            url,
            data,
            postgres_database,
            args,
            _dir: dir,
        }
    }

    /// Stops the server and starts it again on the same database and settings (at a new address),
    /// as after a restart: whatever it had in memory is gone.
    pub async fn restart(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("server stops cleanly");
        }
        let cli = Cli::try_parse_from(&self.args).expect("test configuration parses");
        let server = tessera::start(&cli).await.expect("server starts again");
        self.base = format!("http://{}", server.addr);
        self.server = Some(server);
    }

    /// The database this server runs on.
    pub fn database_url(&self) -> &str {
        &self.url
    }

    /// Another `tessera` server on the same database (as behind a load balancer), and its base URL.
    pub async fn second_server(&self) -> (String, RunningServer) {
        let args = [
            "tessera",
            "--database-url",
            &self.url,
            "--addr",
            "127.0.0.1:0",
            "--log",
            "warn",
            "--data-dir",
            &self.data,
        ];
        let cli = Cli::try_parse_from(args).expect("test configuration parses");
        let server = tessera::start(&cli).await.expect("second server starts");
        (format!("http://{}", server.addr), server)
    }

    pub fn db(&self) -> &Db {
        &self.server.as_ref().expect("running").db
    }

    pub fn events(&self) -> &app::events::EventBus {
        &self.server.as_ref().expect("running").events
    }

    pub fn facts(&self) -> &app::kpi::cache::FactCache {
        &self.server.as_ref().expect("running").facts
    }

    /// Writes the landing pages' views and clicks counted so far (the server does every few seconds).
    pub async fn write_tally(&self) {
        let server = self.server.as_ref().expect("running");
        server.landing_pages.flush(&server.db).await.expect("views and clicks written");
    }

    /// What the server shares with its server functions and jobs.
    pub fn state(&self) -> app::state::ServerState {
        self.server.as_ref().expect("running").state.clone()
    }

    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("server stops cleanly");
        }
        if let Some(name) = self.postgres_database.take() {
            drop_postgres_database(&name).await;
        }
    }

    /// A browser-like client with its own cookie jar, not following redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Calls a server function with form-encoded arguments; returns the status and JSON body.
    pub async fn call(&self, client: &reqwest::Client, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let response = client
            .post(format!("{}/api/{endpoint}", self.base))
            .form(form)
            .send()
            .await
            .expect("request reaches the server");
        let status = response.status();
        let text = response.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, json)
    }

    /// Posts a form with one file (`field`: the file's name and bytes) to a server function, as a
    /// browser does; returns the status and JSON body.
    pub async fn post_file(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        fields: &[(&str, &str)],
        (field, name, bytes): (&str, &str, Vec<u8>),
    ) -> (StatusCode, Value) {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        let response = client
            .post(format!("{}/api/{endpoint}", self.base))
            .multipart(form.part(field.to_owned(), part))
            .send()
            .await
            .expect("request reaches the server");
        let status = response.status();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// Every file kept under the data directory.
    pub fn kept_files(&self) -> Vec<std::path::PathBuf> {
        let root = std::path::Path::new(&self.data).join("files");
        let mut found = Vec::new();
        for folder in std::fs::read_dir(root).into_iter().flatten().flatten() {
            for file in std::fs::read_dir(folder.path()).into_iter().flatten().flatten() {
                found.push(file.path());
            }
        }
        found.sort();
        found
    }

    pub async fn sign_in(&self, email: &str) -> reqwest::Client {
        let client = self.client();
        let (status, body) = self.call(&client, "sign_in", &[("email", email), ("password", "tessera-demo")]).await;
        assert_eq!(status, StatusCode::OK, "{email} signs in: {body}");
        client
    }

    pub async fn organisation_id(&self, name: &str) -> i64 {
        on_db!(self.db(), pool => sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
            .bind(name).fetch_one(pool).await)
        .expect("organisation exists")
    }

    pub async fn count(&self, sql: &'static str) -> i64 {
        on_db!(self.db(), pool => sqlx::query_scalar(sql).fetch_one(pool).await).expect("count query")
    }

    /// The last link the outbox holds for `recipient`.
    pub async fn last_link_for(&self, recipient: &str) -> Option<String> {
        let body: Option<String> = on_db!(self.db(), pool => sqlx::query_scalar(
            "SELECT body FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1")
            .bind(recipient).fetch_optional(pool).await)
        .expect("outbox query");
        body.and_then(|body| body.split_whitespace().find(|word| word.starts_with("http")).map(str::to_owned))
    }
}

// ---------------------------------------------------------------------------------------------
// Live streams, as a hydrated page holds one

/// Reads a server-sent event stream until a `data:` line arrives (or `wait` passes).
pub async fn next_notice(stream: &mut reqwest::Response, wait: std::time::Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut buffer = String::new();
    loop {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk()).await.ok()?.ok()??;
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        if let Some(line) = buffer.lines().find_map(|line| line.strip_prefix("data:")) {
            return serde_json::from_str(line.trim()).ok();
        }
    }
}

/// Whether a notice of `kind` arrives on `stream` within `wait`.
pub async fn hears(stream: &mut reqwest::Response, kind: &str, wait: std::time::Duration) -> bool {
    let deadline = tokio::time::Instant::now() + wait;
    let mut buffer = String::new();
    loop {
        let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(deadline, stream.chunk()).await else { return false };
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        let heard = buffer
            .lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
            .any(|notice| notice["kind"] == kind);
        if heard {
            return true;
        }
    }
}

pub async fn open_stream(client: &reqwest::Client, base: &str) -> reqwest::Response {
    let stream = client.get(format!("{base}/live")).send().await.expect("stream opens");
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    stream
}

// ---------------------------------------------------------------------------------------------
// Deals, as partners and managers make them

/// The first moment of this month, UTC.
pub fn month_start() -> chrono::DateTime<Utc> {
    let today = Utc::now().date_naive();
    app::db::start_of(today - chrono::Duration::days(i64::from(chrono::Datelike::day(&today)) - 1))
}

pub fn in_a_month() -> String {
    (Utc::now() + Duration::days(30)).date_naive().to_string()
}

pub async fn form_token(app: &TestApp, client: &reqwest::Client) -> String {
    let (status, setup) = app.call(client, "deal_form", &[]).await;
    assert_eq!(status, StatusCode::OK, "{setup}");
    setup["form_token"].as_str().expect("token").to_owned()
}

pub fn deal_form<'a>(
    token: &'a str,
    intent: &'a str,
    company: &'a str,
    domain: &'a str,
    close: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("form_token", token),
        ("intent", intent),
        ("customer_company", company),
        ("customer_domain", domain),
        ("contact_name", "Hank Scorpio"),
        ("contact_email", "hank@example.com"),
        ("amount", "125,000.00"),
        ("currency", "USD"),
        ("expected_close_date", close),
        ("products", "Cloud Suite, Backup Pro"),
        ("attribution", "sourced"),
        ("notes", ""),
    ]
}

/// Registers (submits) a deal and returns its id.
pub async fn register(app: &TestApp, client: &reqwest::Client, company: &str, domain: &str) -> i64 {
    let token = form_token(app, client).await;
    let close = in_a_month();
    let (status, saved) = app.call(client, "save_deal", &deal_form(&token, "submit", company, domain, &close)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    saved["id"].as_i64().expect("id")
}

pub async fn approve(app: &TestApp, manager: &reqwest::Client, id: i64) {
    let (status, body) = app.call(manager, "decide_deal", &[("id", &id.to_string()), ("decision", "approve")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Registers a deal for the signed-in partner, has `manager` approve it, and closes it won for `amount` today.
pub async fn win_deal(
    app: &TestApp,
    partner: &reqwest::Client,
    manager: &reqwest::Client,
    company: &str,
    domain: &str,
    amount: &str,
) -> i64 {
    let id = register(app, partner, company, domain).await;
    approve(app, manager, id).await;
    let today = Utc::now().date_naive().to_string();
    let id_text = id.to_string();
    let won = [("id", id_text.as_str()), ("outcome", "won"), ("final_amount", amount), ("closed_on", today.as_str())];
    let (status, body) = app.call(partner, "close_deal", &won).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    id
}

/// The token in a link like `http://…/invitation?token=abc`.
pub fn token_of(link: &str) -> String {
    link.split_once("token=").map(|(_, token)| token.to_owned()).expect("link carries a token")
}

/// Runs each named `async fn(Backend)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() { super::$test($crate::support::Backend::Sqlite).await }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    if $crate::support::postgres_url().is_none() {
                        return $crate::support::say_postgres_skipped();
                    }
                    super::$test($crate::support::Backend::Postgres).await
                }
            )*
        }
    };
}
