//! `tessera`: serve the portal, apply migrations, or load demo data.

use clap::Parser;

// Server rendering allocates many small strings; mimalloc serves them faster than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use tessera::config::{Cli, Command, MailCommand};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    tessera::telemetry::init(&cli.log);
    let outcome = match cli.command.clone().unwrap_or(Command::Serve) {
        Command::Serve => tessera::serve(&cli).await,
        Command::Migrate => tessera::migrate(&cli).await,
        Command::Seed { demo, history, scale, partners, deals } => {
            tessera::seed(&cli, demo, history, scale.then_some((partners, deals))).await
        }
        Command::Token { email, name, scopes, days } => tessera::token(&cli, &email, name, scopes, days).await,
        Command::Mail { command: MailCommand::Test { address } } => {
            let sent = tessera::mail_test(&cli, &address).await;
            if sent.is_ok() {
                println!("The mail server took the test message to {address}.");
            }
            sent
        }
        Command::Outbox { to, last } => tessera::outbox(&cli, to.as_deref(), last).await,
        Command::CompressAssets { dir, quick } => tessera::compress_assets(dir, quick),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "tessera stopped");
            eprintln!("tessera: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
