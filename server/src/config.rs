//! Configuration from flags and environment.

use std::net::SocketAddr;

use app::state::Settings;
use clap::{Parser, Subcommand};

#[derive(Clone, Debug, Parser)]
#[command(name = "tessera", version, about = "Tessera partner relationship management portal")]
pub struct Cli {
    /// `sqlite://path/to/file.db` (the default, embedded) or `postgres://user@host/db`.
    #[arg(long, env = "TESSERA_DATABASE_URL", default_value = "sqlite://data/tessera.db", global = true)]
    pub database_url: String,

    /// Address to listen on.
    #[arg(long, env = "TESSERA_ADDR", default_value = "127.0.0.1:3000", global = true)]
    pub addr: SocketAddr,

    /// The address people reach Tessera at, used in links in emails (default: http://ADDR).
    /// An https address also marks the session cookie `Secure`.
    #[arg(long, env = "TESSERA_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// How long a session lasts, in hours.
    #[arg(long, env = "TESSERA_SESSION_HOURS", default_value_t = 24 * 14, global = true)]
    pub session_hours: i64,

    /// Where uploaded files are kept (the content library's, under `files/`). Servers sharing a
    /// database must share this folder too.
    #[arg(long, env = "TESSERA_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: std::path::PathBuf,

    /// The reverse proxies in front of Tessera (IP addresses, comma-separated): a request from one
    /// is from the client its `X-Forwarded-For` names (per-client limits, like the landing pages'
    /// form, count that client). None by default: the connecting address is the client.
    #[arg(long, env = "TESSERA_TRUSTED_PROXIES", value_delimiter = ',', global = true)]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// How many requests each API token may make a minute (in each server process); past it the
    /// API answers 429 with `Retry-After`.
    #[arg(long, env = "TESSERA_API_REQUESTS_PER_MINUTE", default_value_t = 600, global = true)]
    pub api_requests_per_minute: u32,

    /// The mail server: `smtps://user:password@host` (TLS), `smtp://user:password@host:587?tls=required`
    /// (STARTTLS), or `smtp://host:port` (unencrypted, for a relay on the same machine). Unset,
    /// messages wait in the outbox.
    #[arg(long, env = "TESSERA_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,

    /// The address messages come from (their name is the vendor's partner program).
    #[arg(long, env = "TESSERA_MAIL_FROM", default_value = "tessera@localhost", global = true)]
    pub mail_from: String,

    /// Seconds before a message the mail server did not take is tried again; twice as long after
    /// each further failure, at most an hour.
    #[arg(long, env = "TESSERA_MAIL_RETRY_SECONDS", default_value_t = 30, global = true)]
    pub mail_retry_seconds: u64,

    /// Seconds before a webhook delivery that got no 2xx answer is tried again; twice as long
    /// after each further failure (at most an hour), for a day.
    #[arg(long, env = "TESSERA_WEBHOOK_RETRY_SECONDS", default_value_t = 30, global = true)]
    pub webhook_retry_seconds: u64,

    /// Log filter, e.g. `info` or `tessera=debug,info`.
    #[arg(long, env = "TESSERA_LOG", default_value = "info", global = true)]
    pub log: String,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Clone, Debug, Subcommand)]
pub enum Command {
    /// Serve the portal (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Load data into the database.
    Seed {
        /// The demo program: Acme Cloud and 24 partners (idempotent).
        #[arg(long)]
        demo: bool,
        /// With the demo program, eighteen months of its partners' deals (once).
        #[arg(long)]
        history: bool,
        /// A large program for benchmarks: the demo data plus `--partners` partners and `--deals` deals.
        #[arg(long)]
        scale: bool,
        #[arg(long, default_value_t = 10_000)]
        partners: usize,
        #[arg(long, default_value_t = 1_000_000)]
        deals: usize,
    },
    /// Compress the site's static files (`target/site/pkg` by default) at the highest brotli and
    /// gzip levels, once, after each build; the server sends the compressed copies as they are.
    CompressAssets {
        /// The directory of the site's files (the `pkg` folder of the site root).
        dir: Option<std::path::PathBuf>,
        /// Quicker, lower levels (for the debug build the tests load).
        #[arg(long)]
        quick: bool,
    },
    /// Make an API token for an admin (the whole program) or a partner admin (their organisation)
    /// and print its secret, once: for automation, such as the API's schema tests.
    Token {
        /// The person the token acts for.
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "Command line")]
        name: String,
        /// Its scopes, comma-separated (deals:read, deals:write, partners:read, people:read, tiers:read,
        /// certifications:read, leads:read).
        #[arg(long, value_delimiter = ',', default_value = "deals:read")]
        scopes: Vec<String>,
        /// Days until it expires: 30, 90, 180 or 365.
        #[arg(long, default_value_t = 30)]
        days: i64,
    },
    /// Email: `tessera mail test ADDRESS` sends a test message through the mail server at once.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Print the newest messages waiting in the outbox, whole, links included: until email is
    /// sent by SMTP, this is how whoever runs the server passes an invitation or reset link on.
    Outbox {
        /// Only the messages to this address.
        #[arg(long)]
        to: Option<String>,
        /// How many messages, newest first.
        #[arg(long, default_value_t = 10)]
        last: i64,
    },
}

#[derive(Clone, Debug, Subcommand)]
pub enum MailCommand {
    /// Send a test message to ADDRESS through the configured mail server, and say whether it took it.
    Test { address: String },
}

impl Cli {
    pub fn settings(&self) -> Settings {
        let public_url =
            self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.addr)).trim_end_matches('/').to_owned();
        Settings {
            session_ttl: chrono::Duration::hours(self.session_hours.max(1)),
            secure_cookies: public_url.starts_with("https://"),
            public_url,
            data_dir: self.data_dir.clone(),
            trusted_proxies: self.trusted_proxies.clone(),
            api_requests_per_minute: self.api_requests_per_minute.max(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_embedded_database_on_loopback() {
        let cli = Cli::try_parse_from(["tessera"]).expect("parses");
        assert_eq!(cli.database_url, "sqlite://data/tessera.db");
        assert_eq!(cli.addr.to_string(), "127.0.0.1:3000");
        assert!(cli.command.is_none());
        let settings = cli.settings();
        assert_eq!(settings.public_url, "http://127.0.0.1:3000");
        assert!(!settings.secure_cookies);
    }

    #[test]
    fn an_https_public_url_makes_cookies_secure() {
        let cli =
            Cli::try_parse_from(["tessera", "--public-url", "https://partners.acme.test/", "serve"]).expect("parses");
        let settings = cli.settings();
        assert_eq!(settings.public_url, "https://partners.acme.test");
        assert!(settings.secure_cookies);
    }

    #[test]
    fn outbox_takes_a_recipient_and_a_count() {
        let cli =
            Cli::try_parse_from(["tessera", "outbox", "--to", "rep@bluepeak.test", "--last", "1"]).expect("parses");
        assert!(
            matches!(cli.command, Some(Command::Outbox { to: Some(ref to), last: 1 }) if to == "rep@bluepeak.test")
        );
    }

    #[test]
    fn seed_takes_the_demo_flag() {
        let cli = Cli::try_parse_from(["tessera", "seed", "--demo"]).expect("parses");
        assert!(matches!(cli.command, Some(Command::Seed { demo: true, history: false, scale: false, .. })));
        let cli = Cli::try_parse_from(["tessera", "seed", "--demo", "--history"]).expect("parses");
        assert!(matches!(cli.command, Some(Command::Seed { demo: true, history: true, .. })));
        let cli =
            Cli::try_parse_from(["tessera", "seed", "--scale", "--partners", "50", "--deals", "900"]).expect("parses");
        assert!(matches!(cli.command, Some(Command::Seed { scale: true, partners: 50, deals: 900, .. })));
    }
}
