//! The demo's API tokens: the program admin's CRM sync (used an hour ago) and Bluepeak's, so the
//! token pages show what a working integration looks like. Their secrets are random and never
//! shown: anyone trying the API makes a token of their own (README, "REST API").

use app::api::store;
use app::api::tokens::TokenInput;
use app::auth::SessionUser;
use app::db::Db;
use app::on_db;
use chrono::{Duration, Utc};

use super::SeedError;

/// (whose, name, scopes, days, used this many minutes ago).
const TOKENS: [(&str, &str, &[&str], &str, Option<i64>); 2] = [
    ("admin@acme.test", "Salesforce sync", &["deals:read", "deals:write", "partners:read"], "365", Some(60)),
    ("partner@bluepeak.test", "HubSpot deal sync", &["deals:read", "deals:write"], "90", None),
];

pub async fn demo(db: &Db) -> Result<(), SeedError> {
    let made: i64 = on_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens").fetch_one(pool).await)?;
    if made > 0 {
        return Ok(());
    }
    let now = Utc::now();
    for (email, name, scopes, days, used) in TOKENS {
        let id: i64 = on_db!(db, pool => sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email).fetch_one(pool).await)?;
        let person: SessionUser =
            app::auth::store::user_by_id(db, id).await?.ok_or(SeedError::Invalid("a demo person"))?;
        let input =
            TokenInput { name: name.into(), scopes: scopes.iter().map(|s| s.to_string()).collect(), days: days.into() };
        let token = input.check(person.role, now).map_err(|_| SeedError::Invalid("a demo API token"))?;
        let secret = app::auth::secrets::new_token().map_err(|_| SeedError::Invalid("a random token"))?;
        let secret = format!("{}{secret}", app::api::tokens::SECRET_PREFIX);
        let hash = app::auth::secrets::token_hash(&secret);
        let token_id = store::create(
            db,
            &person,
            &token,
            (&app::api::tokens::visible_prefix(&secret), &hash),
            now - Duration::days(3),
        )
        .await?;
        if let Some(minutes) = used {
            store::mark_used(db, token_id, "203.0.113.24", now - Duration::minutes(minutes)).await?;
        }
    }
    Ok(())
}
