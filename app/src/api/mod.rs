//! Tessera for other systems: API tokens (made and revoked on `/api-tokens`), the REST API under
//! `/api/v1` with its OpenAPI document, and the reference page that reads it (`/developers`).

mod pages;
pub mod reference;
#[cfg(feature = "ssr")]
pub mod rest;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;
pub mod tokens;

pub use pages::ApiTokensPage;
pub use reference::DevelopersPage;
