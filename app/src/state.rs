//! What the running server shares with every page render and server function: the database,
//! the settings and the event bus, provided as Leptos context. Features with server-side state
//! of their own (the KPI fact cache) provide it as context beside this, so this module depends on
//! no feature.

use std::sync::Arc;

use leptos::prelude::use_context;

use crate::db::Db;
use crate::error::AppError;
use crate::events::EventBus;
use crate::files::FileStore;

/// Cloned for every page render and server function, so a clone is one shared pointer.
#[derive(Clone, Debug)]
pub struct ServerState(Arc<Shared>);

/// What [`ServerState`] shares.
#[derive(Debug)]
pub struct Shared {
    pub db: Db,
    pub settings: Settings,
    pub events: EventBus,
    /// The files people upload, under the data directory.
    pub files: FileStore,
}

impl ServerState {
    pub fn new(db: Db, settings: Settings, events: EventBus) -> ServerState {
        let files = FileStore::new(&settings.data_dir);
        ServerState(Arc::new(Shared { db, settings, events, files }))
    }
}

impl std::ops::Deref for ServerState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

#[derive(Clone, Debug)]
pub struct Settings {
    /// How long a session lasts after signing in.
    pub session_ttl: chrono::Duration,
    /// Add `Secure` to the session cookie and `Strict-Transport-Security` to responses (served over https).
    pub secure_cookies: bool,
    /// Where links in emails point, e.g. `http://127.0.0.1:3000`.
    pub public_url: String,
    /// Where uploaded files are kept (`files/` under it). Servers sharing a database share it too.
    pub data_dir: std::path::PathBuf,
    /// The reverse proxies in front of Tessera, whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How many requests an API token may make a minute (in each server process).
    pub api_requests_per_minute: u32,
}

impl Settings {
    /// The client behind a request from `peer`: `peer` itself, unless it is a trusted proxy; then
    /// the nearest address in `forwarded` (`X-Forwarded-For`, read right to left) that is not a
    /// trusted proxy too. What a client writes there itself is never believed past the proxies.
    pub fn client_ip(&self, peer: std::net::IpAddr, forwarded: Option<&str>) -> std::net::IpAddr {
        if !self.trusted_proxies.contains(&peer) {
            return peer;
        }
        let hops = forwarded.unwrap_or_default().rsplit(',').map(str::trim);
        hops.map_while(|hop| hop.parse::<std::net::IpAddr>().ok())
            .find(|hop| !self.trusted_proxies.contains(hop))
            .unwrap_or(peer)
    }
}

/// A value the server provided as context, or an internal error (a bug in the server's set-up).
pub fn provided<T: Clone + Send + Sync + 'static>() -> Result<T, AppError> {
    use_context::<T>().ok_or_else(|| {
        tracing::error!(missing = std::any::type_name::<T>(), "server context missing");
        AppError::Internal
    })
}

pub fn server_state() -> Result<ServerState, AppError> {
    provided::<ServerState>()
}

pub fn db() -> Result<Db, AppError> {
    server_state().map(|state| state.db.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn behind(proxies: &[&str]) -> Settings {
        Settings {
            session_ttl: chrono::Duration::hours(1),
            secure_cookies: false,
            public_url: "http://127.0.0.1:3000".into(),
            data_dir: "data".into(),
            trusted_proxies: proxies.iter().map(|ip| ip.parse().expect("ip")).collect(),
            api_requests_per_minute: 600,
        }
    }

    #[test]
    fn the_client_is_the_peer_unless_a_trusted_proxy_forwarded_it() {
        let ip = |text: &str| text.parse::<std::net::IpAddr>().expect("ip");
        let direct = behind(&[]);
        assert_eq!(
            direct.client_ip(ip("203.0.113.9"), Some("198.51.100.1")),
            ip("203.0.113.9"),
            "a client's own header is not believed"
        );
        let proxied = behind(&["10.0.0.2", "10.0.0.3"]);
        assert_eq!(proxied.client_ip(ip("10.0.0.2"), Some("198.51.100.7")), ip("198.51.100.7"));
        assert_eq!(
            proxied.client_ip(ip("10.0.0.2"), Some("1.2.3.4, 198.51.100.7, 10.0.0.3")),
            ip("198.51.100.7"),
            "the nearest untrusted hop, not what the client wrote first"
        );
        assert_eq!(proxied.client_ip(ip("10.0.0.2"), None), ip("10.0.0.2"));
        assert_eq!(proxied.client_ip(ip("10.0.0.2"), Some("garbage")), ip("10.0.0.2"));
        assert_eq!(
            proxied.client_ip(ip("203.0.113.9"), Some("198.51.100.7")),
            ip("203.0.113.9"),
            "only a trusted proxy forwards"
        );
    }
}
