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
