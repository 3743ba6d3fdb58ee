//! The partner agreement in the database: its versions and acceptances, each written by one
//! function here, in the transaction of its audit entry (and, for a new version, its emails).

use chrono::{DateTime, Utc};

use super::{Acceptance, NewVersion, VersionSummary};
use crate::audit::{self, AuditAction};
use crate::db::{Db, Tx};
use crate::mail;
use crate::{execute_in, on_db, on_tx};

macro_rules! acceptance_columns {
    () => {
        "SELECT a.id, a.organisation_id, o.name AS organisation_name, v.number AS version_number, \
         v.title AS version_title, u.name AS person_name, u.email AS person_email, a.typed_name, a.accepted_at, \
         a.client_address FROM agreement_acceptances a JOIN organisations o ON o.id = a.organisation_id \
         JOIN agreement_versions v ON v.id = a.version_id JOIN users u ON u.id = a.user_id "
    };
}

crate::statements! {
    const CURRENT = "SELECT id, number, title, body, published_at, required_from FROM agreement_versions \
        ORDER BY number DESC LIMIT 1";
    const VERSIONS = "SELECT v.number, v.title, v.published_at, v.required_from, u.name AS published_by, \
        (SELECT COUNT(*) FROM agreement_acceptances a WHERE a.version_id = v.id) AS accepted_by \
        FROM agreement_versions v JOIN users u ON u.id = v.published_by ORDER BY v.number DESC";
    const PARTNERS = "SELECT COUNT(*) FROM organisations WHERE kind = 'partner'";
    const ACCEPTANCES_OF = concat!(acceptance_columns!(), "WHERE a.organisation_id = $1 ORDER BY v.number DESC");
    const ACCEPTANCE = concat!(acceptance_columns!(), "WHERE a.id = $1");
    const HAS_ACCEPTED = "SELECT COUNT(*) FROM agreement_acceptances WHERE organisation_id = $1 AND version_id = $2";
    const NEXT_NUMBER = "SELECT COALESCE(MAX(number), 0) + 1 FROM agreement_versions";
    const INSERT_VERSION = "INSERT INTO agreement_versions (number, title, body, published_by, published_at, required_from) \
        VALUES ($1, $2, $3, $4, $5, $6)";
    const PARTNER_ADMINS = "SELECT u.email FROM users u JOIN organisations o ON o.id = u.organisation_id \
        WHERE o.kind = 'partner' AND u.role = 'partner_admin' AND u.deactivated_at IS NULL ORDER BY u.id";
    const INSERT_ACCEPTANCE = "INSERT INTO agreement_acceptances \
        (organisation_id, version_id, user_id, typed_name, accepted_at, client_address) VALUES ($1, $2, $3, $4, $5, $6) \
        ON CONFLICT (organisation_id, version_id) DO NOTHING";
}

/// A version as stored: its Markdown, not yet rendered.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredVersion {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub body: String,
    pub published_at: DateTime<Utc>,
    pub required_from: DateTime<Utc>,
}

/// The version in force: the newest published.
pub async fn current(db: &Db) -> Result<Option<StoredVersion>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(CURRENT).fetch_optional(pool).await)
}

/// Every version, newest first, with how many partners accepted each.
pub async fn versions(db: &Db) -> Result<Vec<VersionSummary>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(VERSIONS).fetch_all(pool).await)
}

/// How many partner organisations the program has.
pub async fn partner_count(db: &Db) -> Result<i64, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(PARTNERS).fetch_one(pool).await)
}

/// An organisation's acceptances, newest version first.
pub async fn acceptances_of(db: &Db, organisation_id: i64) -> Result<Vec<Acceptance>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(ACCEPTANCES_OF).bind(organisation_id).fetch_all(pool).await)
}

pub async fn acceptance(db: &Db, id: i64) -> Result<Option<Acceptance>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(ACCEPTANCE).bind(id).fetch_optional(pool).await)
}

pub async fn has_accepted(db: &Db, organisation_id: i64, version_id: i64) -> Result<bool, sqlx::Error> {
    let count: i64 = on_db!(db, pool => sqlx::query_scalar(HAS_ACCEPTED)
        .bind(organisation_id).bind(version_id).fetch_one(pool).await)?;
    Ok(count > 0)
}

/// Publishes `version` as the next number, by `by` at `now`: it is current at once. With a `link`
/// to the agreement page, every active partner admin is told by email (outbox); the demo data's
/// versions, published before it begins, go without. Publications are made one at a time.
pub async fn publish(
    db: &Db,
    by: i64,
    version: &NewVersion,
    link: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("agreement.publish").await?;
    let number: i64 = on_tx!(tx, conn => sqlx::query_scalar(NEXT_NUMBER).fetch_one(conn).await)?;
    let required_from = version.deadline.required_from(now);
    execute_in!(
        tx,
        sqlx::query(INSERT_VERSION)
            .bind(number)
            .bind(&version.title)
            .bind(&version.body)
            .bind(by)
            .bind(now)
            .bind(required_from)
    )?;
    if let Some(link) = link {
        let admins: Vec<String> = on_tx!(tx, conn => sqlx::query_scalar(PARTNER_ADMINS).fetch_all(conn).await)?;
        let due = (required_from > now).then_some(required_from);
        let message = mail::agreement_published(&version.title, number, due, link);
        for admin in &admins {
            mail::queue(&mut tx, admin, &message, now).await?;
        }
    }
    audit::record(&mut tx, by, AuditAction::PublishedAgreement, &format!("version {number}: {}", version.title), now)
        .await?;
    tx.commit().await?;
    Ok(number)
}

/// Who accepts, for whom, and how.
#[derive(Clone, Copy, Debug)]
pub struct Signature<'a> {
    pub organisation_id: i64,
    pub organisation_name: &'a str,
    pub version_id: i64,
    pub version_number: i64,
    pub user_id: i64,
    pub typed_name: &'a str,
    pub client_address: &'a str,
}

/// Records that `signature`'s organisation accepted the version; `false` when it had already
/// (nothing written, nothing audited).
pub async fn accept(db: &Db, signature: Signature<'_>, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let mut tx: Tx = db.begin().await?;
    let inserted = execute_in!(
        tx,
        sqlx::query(INSERT_ACCEPTANCE)
            .bind(signature.organisation_id)
            .bind(signature.version_id)
            .bind(signature.user_id)
            .bind(signature.typed_name)
            .bind(now)
            .bind(signature.client_address)
    )?;
    if inserted == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let subject = format!("{} accepted version {}", signature.organisation_name, signature.version_number);
    audit::record(&mut tx, signature.user_id, AuditAction::AcceptedAgreement, &subject, now).await?;
    tx.commit().await?;
    Ok(true)
}
