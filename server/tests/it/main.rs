//! The HTTP integration tests, one test binary for all of them: each module starts the real
//! `tessera` server with a fresh database per test (SQLite, and PostgreSQL when the test command
//! started one) and talks to it as browsers and API clients do. One binary links once; a binary
//! per file linked twenty times, which was most of the tests' build time.

#[macro_use]
mod support;

mod access;
mod agreement;
mod api;
mod approvals;
mod audit;
mod campaigns;
mod content;
mod deals;
mod home;
mod house;
mod identity;
mod imports;
mod incentives;
mod locator;
mod mail;
mod mdf;
mod notifications;
mod onboarding;
mod performance;
mod profile;
mod security;
mod spiffs;
mod sso;
mod tiers;
mod training;
mod webhooks;
