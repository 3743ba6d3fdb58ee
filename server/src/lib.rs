//! The `tessera` binary's own parts: configuration, startup, the HTTP router and its layers,
//! and the seeding commands. Everything a page or server function does lives in `app`.

pub mod assets;
pub mod config;
pub mod history;
mod layers;
mod live;
pub mod mail;
mod relay;
pub mod router;
pub mod scale;
pub mod seed;
mod sessions;
pub mod telemetry;
pub mod webhooks;

use std::net::SocketAddr;

use app::ServerContext;
use app::db::{Db, DbSetupError};
use app::events::EventBus;
use app::kpi::cache::FactCache;
use app::state::ServerState;
use leptos::config::LeptosOptions;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::config::Cli;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] DbSetupError),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error("the server failed: {0}")]
    Serve(std::io::Error),
    #[error("seeding failed: {0}")]
    Seed(#[from] seed::SeedError),
    #[error("{0}")]
    Mail(#[from] mail::MailError),
    #[error("the webhook sender cannot start: {0}")]
    Webhooks(#[from] reqwest::Error),
    #[error("the test message was not sent: {0}")]
    MailNotSent(String),
    #[error("no token made: {0}")]
    Token(String),
    #[error("nothing to do: say `tessera seed --demo` or `tessera seed --scale`")]
    NothingToSeed,
    #[error("cannot compress the site's files in {dir}: {source}")]
    Assets { dir: String, source: std::io::Error },
}

/// Opens the database and applies pending migrations.
pub async fn open_database(url: &str) -> Result<Db, StartError> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    Ok(db)
}

/// The Leptos settings cargo-leptos baked in or passed through the environment.
pub fn leptos_options() -> LeptosOptions {
    let mut options = leptos::config::get_configuration(None)
        .map(|configuration| configuration.leptos_options)
        .unwrap_or_else(|_| LeptosOptions::builder().output_name("tessera").build());
    if options.output_name.is_empty() {
        options.output_name = "tessera".into();
    }
    options
}

/// A server running in the background (used by `serve` and by the integration tests).
pub struct RunningServer {
    pub addr: SocketAddr,
    pub db: Db,
    pub events: EventBus,
    pub state: ServerState,
    pub facts: FactCache,
    /// Public landing pages, with their views and clicks not yet written.
    pub landing_pages: app::campaigns::public::PublicPages,
    shutdown: oneshot::Sender<()>,
    clock: tokio::task::JoinHandle<()>,
    /// Re-evaluates a partner's tier when one of its metrics changes.
    tiers: tokio::task::JoinHandle<()>,
    /// Writes landing pages' views and clicks every few seconds.
    tally: tokio::task::JoinHandle<()>,
    relay: Vec<tokio::task::JoinHandle<()>>,
    /// Sends the outbox's messages, when SMTP is configured.
    mailer: Option<tokio::task::JoinHandle<()>>,
    /// Sends webhook deliveries.
    webhooks: tokio::task::JoinHandle<()>,
    /// Tells live pages who was told something.
    notified: tokio::task::JoinHandle<()>,
    task: tokio::task::JoinHandle<Result<(), std::io::Error>>,
}

impl RunningServer {
    /// Stops accepting, lets requests in flight finish, closes the database.
    pub async fn stop(self) -> Result<(), StartError> {
        let _ = self.shutdown.send(());
        self.clock.abort();
        self.tiers.abort();
        self.tally.abort();
        self.relay.iter().for_each(|task| task.abort());
        if let Some(mailer) = &self.mailer {
            mailer.abort();
        }
        self.webhooks.abort();
        self.notified.abort();
        let served = self.task.await.unwrap_or(Ok(()));
        // What was counted since the last batch is written before the database closes.
        if let Err(error) = self.landing_pages.flush(&self.db).await {
            tracing::error!(%error, "landing pages' last views and clicks were not written");
        }
        self.db.close().await;
        served.map_err(StartError::Serve)
    }
}

/// Binds `cli.addr` (port 0 picks a free port) and serves in the background.
pub async fn start(cli: &Cli) -> Result<RunningServer, StartError> {
    let db = open_database(&cli.database_url).await?;
    let listener = TcpListener::bind(cli.addr).await.map_err(|source| StartError::Listen { addr: cli.addr, source })?;
    let addr = listener.local_addr().map_err(|source| StartError::Listen { addr: cli.addr, source })?;
    let mut settings = cli.settings();
    if cli.public_url.is_none() {
        settings.public_url = format!("http://{addr}");
    }
    let mailer = match &cli.smtp_url {
        Some(url) => {
            let mailer = mail::Mailer::new(url, &cli.mail_from)?;
            let retry = std::time::Duration::from_secs(cli.mail_retry_seconds.max(1));
            Some(tokio::spawn(mail::drain(db.clone(), mailer, retry)))
        }
        None => None,
    };
    let sender = webhooks::Sender::new(std::time::Duration::from_secs(cli.webhook_retry_seconds.max(1)))?;
    let webhooks = tokio::spawn(webhooks::drain(db.clone(), sender));
    let events = EventBus::new(format!("{}-{addr}", std::process::id()));
    let relay = relay::spawn(&db, &events);
    let notified = tokio::spawn(live::publish_notified(events.clone(), app::db::notified(), db.identity()));
    let state = ServerState::new(db.clone(), settings, events.clone());
    let clock = tokio::spawn(protection_clock(state.clone()));
    let tiers = tokio::spawn(app::tiers::server::follow_events(state.clone()));
    let facts = FactCache::new();
    let landing_pages = app::campaigns::public::PublicPages::default();
    let tally = tokio::spawn(write_tally(state.clone(), landing_pages.clone()));
    let context = ServerContext {
        state: state.clone(),
        facts: facts.clone(),
        checklists: Default::default(),
        landing_pages: landing_pages.clone(),
    };
    tokio::spawn(load_fact_cache(context.clone()));
    let (stopping_tx, stopping) = tokio::sync::watch::channel(false);
    let app = router::router(context, leptos_options(), stopping);
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
                // Live streams never finish by themselves: tell them to.
                let _ = stopping_tx.send(true);
            })
            .await
    });
    Ok(RunningServer {
        addr,
        db,
        events,
        state,
        facts,
        landing_pages,
        shutdown,
        clock,
        tiers,
        tally,
        relay,
        mailer,
        webhooks,
        notified,
        task,
    })
}

/// How often landing pages' views and clicks counted in memory are written.
const TALLY_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Writes landing pages' views and clicks in batches, so a visitor never waits on the database.
async fn write_tally(state: ServerState, pages: app::campaigns::public::PublicPages) {
    let mut tick = tokio::time::interval(TALLY_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(error) = pages.flush(&state.db).await {
            tracing::error!(%error, "landing pages' views and clicks not written; trying again");
        }
    }
}

/// The KPI fact cache is loaded as the server starts, so no page waits for it (requests that
/// arrive while it loads share the load).
async fn load_fact_cache(context: ServerContext) {
    let started = std::time::Instant::now();
    match context.facts.load(&context.state.db).await {
        Ok(()) => tracing::info!(seconds = started.elapsed().as_secs_f64(), "KPI fact cache loaded"),
        Err(error) => tracing::error!(%error, "KPI fact cache not loaded; the first page that needs it will try again"),
    }
}

/// Once a minute: reminders before deal protection ends, and expiry at its end; reminders before
/// certifications end; every partner's tier once a day.
async fn protection_clock(state: ServerState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match app::deals::jobs::run(&state, chrono::Utc::now()).await {
            Ok(report) if report.expired + report.reminders > 0 => {
                tracing::info!(expired = report.expired, reminders = report.reminders, "protection clock ran");
            }
            Ok(_) => {}
            Err(error) => tracing::error!(error = %error, "protection clock failed; trying again in a minute"),
        }
        match app::training::server::send_reminders(&state, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "certification reminders sent"),
            Err(error) => tracing::error!(error = %error, "certification reminders failed; trying again in a minute"),
        }
        match app::tiers::server::nightly(&state, chrono::Utc::now()).await {
            Ok(Some(report)) => tracing::info!(
                evaluated = report.evaluated,
                changed = report.changed,
                proposed = report.proposed,
                graces_started = report.graces_started,
                "every partner's tier evaluated"
            ),
            Ok(None) => {}
            Err(error) => tracing::error!(error = %error, "tier evaluation failed; trying again in a minute"),
        }
    }
}

pub async fn serve(cli: &Cli) -> Result<(), StartError> {
    let server = start(cli).await?;
    tracing::info!(addr = %server.addr, database = server.db.backend_name(), "Tessera is listening on http://{}", server.addr);
    termination().await;
    tracing::info!("shutting down: finishing requests in flight");
    server.stop().await
}

pub async fn migrate(cli: &Cli) -> Result<(), StartError> {
    let db = open_database(&cli.database_url).await?;
    tracing::info!(database = db.backend_name(), "migrations applied");
    db.close().await;
    Ok(())
}

/// The site's `pkg` directory, as cargo-leptos configured it.
pub fn pkg_dir() -> std::path::PathBuf {
    let options = leptos_options();
    std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref())
}

/// `compress-assets`: brotli and gzip copies of the site's files, once per build.
pub fn compress_assets(dir: Option<std::path::PathBuf>, quick: bool) -> Result<(), StartError> {
    let dir = dir.unwrap_or_else(pkg_dir);
    let started = std::time::Instant::now();
    let effort = if quick { assets::Effort::Quick } else { assets::Effort::Best };
    let count = assets::compress_dir(&dir, effort)
        .map_err(|source| StartError::Assets { dir: dir.display().to_string(), source })?;
    println!("Compressed {count} files in {} in {:.1} s.", dir.display(), started.elapsed().as_secs_f64());
    Ok(())
}

/// `mail test`: sends a test message to `to` through the configured mail server at once (not
/// through the outbox), and says whether it took it.
pub async fn mail_test(cli: &Cli, to: &str) -> Result<(), StartError> {
    let Some(url) = &cli.smtp_url else {
        return Err(StartError::MailNotSent("no mail server is configured: set TESSERA_SMTP_URL".into()));
    };
    let mailer = mail::Mailer::new(url, &cli.mail_from)?;
    let db = open_database(&cli.database_url).await?;
    let vendor = app::mail::store::vendor_name(&db).await.map_err(DbSetupError::from);
    db.close().await;
    match mailer.send(&vendor?, to, &app::mail::test_message(&cli.settings().public_url)).await {
        mail::Sent::Accepted => Ok(()),
        mail::Sent::Later(error) | mail::Sent::Refused(error) => Err(StartError::MailNotSent(error)),
    }
}

/// `token`: makes an API token for the person with `email` and prints its secret.
pub async fn token(cli: &Cli, email: &str, name: String, scopes: Vec<String>, days: i64) -> Result<(), StartError> {
    let db = open_database(&cli.database_url).await?;
    let person = match app::auth::store::credentials(&db, email).await.map_err(DbSetupError::from)? {
        Some((id, _)) => app::auth::store::user_by_id(&db, id).await.map_err(DbSetupError::from)?,
        None => None,
    };
    let Some(person) = person else {
        db.close().await;
        return Err(StartError::Token(format!("no active account has the address {email}")));
    };
    let input = app::api::tokens::TokenInput { name, scopes, days: days.to_string() };
    let made = app::api::server::issue(&db, &person, &input).await;
    db.close().await;
    match made {
        Ok(fresh) => {
            println!("{}", fresh.secret);
            Ok(())
        }
        Err(app::error::AppError::Invalid { fields, .. }) => {
            let said: Vec<String> = fields.into_iter().map(|(field, message)| format!("{field}: {message}")).collect();
            Err(StartError::Token(said.join("; ")))
        }
        Err(error) => Err(StartError::Token(error.to_string())),
    }
}

/// `outbox`: the newest messages waiting in the outbox, whole, for whoever runs the server.
pub async fn outbox(cli: &Cli, to: Option<&str>, last: i64) -> Result<(), StartError> {
    let db = open_database(&cli.database_url).await?;
    let messages = app::mail::newest(&db, to, last.clamp(1, 1000)).await.map_err(DbSetupError::from)?;
    db.close().await;
    if messages.is_empty() {
        println!("The outbox holds no message{}.", to.map(|to| format!(" to {to}")).unwrap_or_default());
    }
    for message in messages {
        println!(
            "To: {}\nDate: {}\nSubject: {}\nStatus: {}\n\n{}\n",
            message.recipient,
            message.created_at.to_rfc2822(),
            message.subject,
            message.standing(),
            message.body
        );
    }
    Ok(())
}

/// `seed --demo`, and `seed --scale` (which loads the demo data first, for its sign-ins).
pub async fn seed(cli: &Cli, demo: bool, history: bool, scale: Option<(usize, usize)>) -> Result<(), StartError> {
    if !demo && scale.is_none() {
        return Err(StartError::NothingToSeed);
    }
    let db = open_database(&cli.database_url).await?;
    let report = seed::demo(&db, &app::files::FileStore::new(&cli.data_dir)).await?;
    if history {
        let deals = history::demo_history(&db).await?;
        seed::demo_standings(&db).await?;
        seed::demo_ledger(&db, &cli.settings().public_url).await?;
        println!(
            "Demo history: {deals} deals over eighteen months, every partner's tier evaluated, and their incentives \
             on the ledger."
        );
    }
    seed::demo_notifications(&db, &cli.settings().public_url).await?;
    if let Some((partners, deals)) = scale {
        let scale = scale::scale(&db, partners, deals).await?;
        println!(
            "Scale data ready: {} partners, {} deals, {} timeline events, {} ledger entries in {:.1} s.",
            scale.partners, scale.deals, scale.events, scale.entries, scale.seconds
        );
    }
    db.close().await;
    println!("{report}");
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn termination() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
