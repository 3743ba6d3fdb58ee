//! API tokens in the database: their one writer ([`create`], [`revoke`]), the organisation's list,
//! and who a presented secret acts for.

use chrono::{DateTime, Utc};

use super::tokens::{NewToken, Scopes, TokenRow};
use crate::audit::{self, AuditAction};
use crate::auth::SessionUser;
use crate::db::Db;
use crate::{agreement_due_column, on_db, on_tx, session_user_columns};

crate::statements! {
    const INSERT = "INSERT INTO api_tokens (organisation_id, created_by, name, prefix, token_hash, scopes, \
        created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    const OF_ORGANISATION = "SELECT t.id, t.name, t.prefix, t.scopes, u.name AS created_by, t.created_at, \
        t.expires_at, t.last_used_at, t.last_used_from, t.revoked_at FROM api_tokens t \
        JOIN users u ON u.id = t.created_by WHERE t.organisation_id = $1 \
        ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC, t.id DESC LIMIT 200";
    const REVOKE = "UPDATE api_tokens SET revoked_at = $1, revoked_by = $2 \
        WHERE id = $3 AND organisation_id = $4 AND revoked_at IS NULL RETURNING name";
    const CALLER = concat!(
        "SELECT ", session_user_columns!(), ", t.id AS token_id, t.name AS token_name, t.scopes, t.expires_at, \
        t.revoked_at, t.last_used_at, ", agreement_due_column!(), " FROM api_tokens t ",
        "JOIN users u ON u.id = t.created_by JOIN organisations o ON o.id = u.organisation_id ",
        "WHERE t.token_hash = $1 AND t.organisation_id = u.organisation_id AND u.deactivated_at IS NULL"
    );
    const MARK_USED = "UPDATE api_tokens SET last_used_at = $1, last_used_from = $2 WHERE id = $3";
}

/// Makes a token for `by`'s organisation, with its audit entry; its id.
pub async fn create(
    db: &Db,
    by: &SessionUser,
    token: &NewToken,
    (prefix, hash): (&str, &str),
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(tx, conn => sqlx::query_scalar(INSERT)
        .bind(by.organisation_id)
        .bind(by.user_id)
        .bind(&token.name)
        .bind(prefix)
        .bind(hash)
        .bind(token.scopes.stored())
        .bind(now)
        .bind(token.expires_at)
        .fetch_one(conn)
        .await)?;
    let subject = format!(
        "{} (token {id}: {}), until {}",
        token.name,
        token.scopes.stored(),
        token.expires_at.format("%Y-%m-%d")
    );
    audit::record(&mut tx, by.user_id, AuditAction::CreatedApiToken, &subject, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Revokes token `id` of `by`'s organisation, with its audit entry; `false` when there is no such
/// token there still active.
pub async fn revoke(db: &Db, by: &SessionUser, id: i64, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let name: Option<String> = on_tx!(tx, conn => sqlx::query_scalar(REVOKE)
        .bind(now)
        .bind(by.user_id)
        .bind(id)
        .bind(by.organisation_id)
        .fetch_optional(conn)
        .await)?;
    let Some(name) = name else {
        tx.rollback().await?;
        return Ok(false);
    };
    audit::record(&mut tx, by.user_id, AuditAction::RevokedApiToken, &format!("{name} (token {id})"), now).await?;
    tx.commit().await?;
    Ok(true)
}

/// The tokens of an organisation, active ones first, newest first.
pub async fn of_organisation(db: &Db, organisation_id: i64) -> Result<Vec<TokenRow>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(OF_ORGANISATION).bind(organisation_id).fetch_all(pool).await)
}

/// Who a token's secret acts for: its creator (as they are now) and the token's standing.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TokenCaller {
    #[sqlx(flatten)]
    pub user: SessionUser,
    pub token_id: i64,
    pub token_name: String,
    #[sqlx(try_from = "String")]
    pub scopes: Scopes,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub agreement_due: Option<DateTime<Utc>>,
}

/// The token whose secret hashes to `hash`, if any (revoked and expired ones too, so the answer can
/// say which); `None` also when its creator was deactivated.
pub async fn caller(db: &Db, hash: &str) -> Result<Option<TokenCaller>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(CALLER).bind(hash).fetch_optional(pool).await)
}

/// Records when and from where a token was last used.
pub async fn mark_used(db: &Db, id: i64, from: &str, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_db!(db, pool => sqlx::query(MARK_USED).bind(at).bind(from).bind(id).execute(pool).await.map(|_| ()))?;
    Ok(())
}
