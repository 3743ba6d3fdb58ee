//! Structured logs through `tracing`. User text reaches the log only as a field value, which the
//! formatter quotes and escapes, so a line break typed into a form cannot start a forged line.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

pub fn init(filter: &str) {
    use std::io::IsTerminal;
    install(filter, std::io::stdout, std::io::stdout().is_terminal());
}

/// Logs to `writer`, without colours (tests read what was logged).
pub fn init_writing_to<W>(filter: &str, writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    install(filter, writer, false);
}

fn install<W>(filter: &str, writer: W, colours: bool)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // A second call (tests start several servers in one process) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(colours)
        .with_writer(writer)
        .try_init();
}
