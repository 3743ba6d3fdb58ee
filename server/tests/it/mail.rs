//! Email over SMTP, on SQLite and on PostgreSQL, with a real mail server (Python's aiosmtpd,
//! which the test command installs) on loopback: a message reaches it as text and HTML from the
//! vendor; while it is down the message is kept and tried again, and arrives once it is back;
//! `tessera mail test` sends one at once. Without the mail server's Python, these say they were
//! skipped.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use reqwest::StatusCode;
use support::{Backend, TestApp};

on_both_databases!(a_message_kept_while_the_mail_server_is_down_arrives_once_it_is_back, mail_test_sends_at_once);

/// The Python that has aiosmtpd: `TESSERA_TEST_PYTHON`, or the test command's own.
fn python() -> Option<PathBuf> {
    let path = std::env::var("TESSERA_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/venv/bin/python"));
    let works =
        std::process::Command::new(&path).args(["-c", "import aiosmtpd"]).status().is_ok_and(|status| status.success());
    works.then_some(path)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|a| a.port())
        .expect("port")
}

/// A real SMTP server on `port`, keeping what it receives in a Maildir.
struct MailServer {
    child: std::process::Child,
    maildir: PathBuf,
}

impl MailServer {
    async fn start(python: &Path, port: u16, dir: &Path) -> MailServer {
        let maildir = dir.join("maildir");
        let child = std::process::Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .spawn()
            .expect("aiosmtpd starts");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        MailServer { child, maildir }
    }

    /// Every message received so far, whole.
    fn received(&self) -> Vec<String> {
        let mut found = Vec::new();
        for folder in ["new", "cur"] {
            for file in std::fs::read_dir(self.maildir.join(folder)).into_iter().flatten().flatten() {
                found.push(std::fs::read_to_string(file.path()).unwrap_or_default());
            }
        }
        found
    }

    /// Waits (up to 20 s) for a message to `to` whose text contains `needle`.
    async fn wait_for(&self, to: &str, needle: &str) -> String {
        for _ in 0..200 {
            if let Some(found) = self
                .received()
                .into_iter()
                .find(|message| message.contains(&format!("To: {to}")) && message.contains(needle))
            {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no message to {to} with {needle:?} arrived; received: {:?}", self.received().len());
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn a_message_kept_while_the_mail_server_is_down_arrives_once_it_is_back(backend: Backend) {
    let Some(python) = python() else { return support::say_skipped("aiosmtpd") };
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let app = TestApp::spawn_with(
        backend,
        &["--smtp-url", &url, "--mail-from", "partners@acme.test", "--mail-retry-seconds", "1"],
    )
    .await;
    let dir = tempfile::tempdir().expect("dir");

    // The mail server is down: a reset is requested, tried, and kept with why.
    let (status, _) = app.call(&app.client(), "request_password_reset", &[("email", "rep@bluepeak.test")]).await;
    assert_eq!(status, StatusCode::OK);
    let pending = "SELECT COUNT(*) FROM outbox WHERE recipient = 'rep@bluepeak.test' AND sent_at IS NULL \
        AND attempts >= 1 AND last_error IS NOT NULL";
    let mut tried = 0;
    for _ in 0..100 {
        tried = app.count(pending).await;
        if tried == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(tried, 1, "tried, failed, and kept");

    // Back up: the next try delivers it, as text and HTML, from the vendor.
    let server = MailServer::start(&python, port, dir.path()).await;
    let message = server.wait_for("rep@bluepeak.test", "Reset your Tessera password").await;
    assert!(message.contains("From: \"Acme Cloud partner program\" <partners@acme.test>"), "{message}");
    assert!(
        message.contains("multipart/alternative") && message.contains("text/plain") && message.contains("text/html")
    );
    assert!(message.contains("/reset-password?token="), "the link travels");
    let sent = "SELECT COUNT(*) FROM outbox WHERE recipient = 'rep@bluepeak.test' AND sent_at IS NOT NULL";
    for _ in 0..50 {
        if app.count(sent).await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.count(sent).await, 1);
    let copies = server.received().iter().filter(|m| m.contains("To: rep@bluepeak.test")).count();
    assert_eq!(copies, 1, "sent once");
    drop(server);
    app.stop().await;
}

async fn mail_test_sends_at_once(backend: Backend) {
    let Some(python) = python() else { return support::say_skipped("aiosmtpd") };
    let port = free_port();
    let dir = tempfile::tempdir().expect("dir");
    let server = MailServer::start(&python, port, dir.path()).await;
    let app = TestApp::spawn(backend).await;
    let cli = |port: u16| {
        let url = format!("smtp://127.0.0.1:{port}");
        let args =
            ["tessera", "--database-url", app.database_url(), "--smtp-url", &url, "--mail-from", "partners@acme.test"];
        tessera::config::Cli::try_parse_from(args).expect("parses")
    };
    tessera::mail_test(&cli(port), "ops@example.test").await.expect("sent");
    let message = server.wait_for("ops@example.test", "Tessera can send email").await;
    assert!(message.contains("text/html") && message.contains("From: \"Acme Cloud partner program\""));
    let unreachable = tessera::mail_test(&cli(free_port()), "ops@example.test").await;
    assert!(unreachable.is_err(), "an unreachable server is reported");
    app.stop().await;
}
