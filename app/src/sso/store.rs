//! Single sign-on in the database: the connections and their one writer ([`save`], [`remove`]),
//! the sign-ins under way, and what [`super::plan`] needs to know of the person.

use chrono::{DateTime, Duration, Utc};

use super::{ATTEMPT_MINUTES, Account, ConnectionView};
use crate::audit::{self, AuditAction};
use crate::db::Db;
use crate::{execute_in, on_db, on_tx};

crate::statements! {
    const CONNECTIONS = "SELECT c.id, c.organisation_id, o.name AS organisation, o.kind = 'vendor' AS is_vendor, c.issuer, \
        c.client_id, c.staff_passwords_off FROM sso_connections c JOIN organisations o ON o.id = c.organisation_id \
        ORDER BY o.kind = 'vendor' DESC, o.name";
    const DOMAINS = "SELECT domain, connection_id FROM sso_domains ORDER BY domain";
    const ORGANISATIONS = "SELECT id, name FROM organisations ORDER BY kind = 'vendor' DESC, name";
    const ORGANISATION_KIND = "SELECT kind = 'vendor' FROM organisations WHERE id = $1";
    const FOR_DOMAIN = "SELECT c.id, c.organisation_id, c.issuer, c.client_id, c.client_secret \
        FROM sso_domains d JOIN sso_connections c ON c.id = d.connection_id WHERE d.domain = $1";
    const BY_ID = "SELECT id, organisation_id, issuer, client_id, client_secret FROM sso_connections WHERE id = $1";
    const DOMAINS_OF = "SELECT domain FROM sso_domains WHERE connection_id = $1 ORDER BY domain";
    const TAKEN_DOMAINS = "SELECT d.domain, o.name FROM sso_domains d JOIN sso_connections c ON c.id = d.connection_id \
        JOIN organisations o ON o.id = c.organisation_id WHERE c.organisation_id <> $1";
    const CONNECTION_OF = "SELECT id, issuer FROM sso_connections WHERE organisation_id = $1";
    const UNLINK = "UPDATE users SET sso_subject = NULL WHERE organisation_id = $1 \
        AND substr(sso_subject, 1, length(CAST($2 AS TEXT)) + 1) = CAST($2 AS TEXT) || ' '";
    const INSERT_CONNECTION = "INSERT INTO sso_connections \
        (organisation_id, issuer, client_id, client_secret, staff_passwords_off, updated_by, updated_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    const UPDATE_CONNECTION = "UPDATE sso_connections SET issuer = $1, client_id = $2, \
        client_secret = CASE WHEN $3 = '' THEN client_secret ELSE $3 END, staff_passwords_off = $4, updated_by = $5, \
        updated_at = $6 WHERE id = $7";
    const FORGET_DOMAINS = "DELETE FROM sso_domains WHERE connection_id = $1";
    const ADD_DOMAIN = "INSERT INTO sso_domains (domain, connection_id) VALUES ($1, $2)";
    const FORGET_ATTEMPTS = "DELETE FROM sso_attempts WHERE connection_id = $1";
    const DELETE_CONNECTION = "DELETE FROM sso_connections WHERE id = $1";
    const CONNECTION_NAME = "SELECT o.name, c.organisation_id, c.issuer FROM sso_connections c \
        JOIN organisations o ON o.id = c.organisation_id WHERE c.id = $1";
    const BEGIN_ATTEMPT = "INSERT INTO sso_attempts (state_hash, browser_hash, connection_id, nonce, verifier, url, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7)";
    const URL_FOR_BROWSER = "SELECT url FROM sso_attempts WHERE browser_hash = $1 AND created_at > $2 \
        ORDER BY created_at DESC LIMIT 1";
    const FORGET_OLD_ATTEMPTS = "DELETE FROM sso_attempts WHERE created_at < $1";
    const TAKE_ATTEMPT = "DELETE FROM sso_attempts WHERE state_hash = $1 \
        RETURNING browser_hash, connection_id, nonce, verifier, url, created_at";
    const ACCOUNT = "SELECT id AS user_id, organisation_id, deactivated_at IS NULL AS active, sso_subject AS subject \
        FROM users WHERE email = $1";
    const SUBJECT_OWNER = "SELECT id FROM users WHERE sso_subject = $1";
    const LINK = "UPDATE users SET sso_subject = $1 WHERE id = $2 AND (sso_subject IS NULL OR sso_subject = $1)";
}

/// A connection as the sign-in flow needs it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Connection {
    pub id: i64,
    pub organisation_id: i64,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

#[derive(sqlx::FromRow)]
struct Listed {
    id: i64,
    organisation_id: i64,
    organisation: String,
    is_vendor: bool,
    issuer: String,
    client_id: String,
    staff_passwords_off: bool,
}

/// Every connection with its domains, the vendor's first.
pub async fn connections(db: &Db) -> Result<Vec<ConnectionView>, sqlx::Error> {
    let (listed, domains): (Vec<Listed>, Vec<(String, i64)>) = on_db!(db, pool => {
        (sqlx::query_as(CONNECTIONS).fetch_all(pool).await?, sqlx::query_as(DOMAINS).fetch_all(pool).await?)
    });
    Ok(listed
        .into_iter()
        .map(|c| ConnectionView {
            domains: domains.iter().filter(|(_, id)| *id == c.id).map(|(domain, _)| domain.clone()).collect(),
            id: c.id,
            organisation_id: c.organisation_id,
            organisation: c.organisation,
            is_vendor: c.is_vendor,
            issuer: c.issuer,
            client_id: c.client_id,
            staff_passwords_off: c.staff_passwords_off,
        })
        .collect())
}

/// Every organisation that may have a connection, as (id, name): the vendor first.
pub async fn organisations(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(ORGANISATIONS).fetch_all(pool).await)
}

/// Whether organisation `id` is the vendor; `None` if there is no such organisation.
pub async fn is_vendor(db: &Db, id: i64) -> Result<Option<bool>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(ORGANISATION_KIND).bind(id).fetch_optional(pool).await)
}

/// The connection that signs in addresses at `domain`.
pub async fn for_domain(db: &Db, domain: &str) -> Result<Option<Connection>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(FOR_DOMAIN).bind(domain).fetch_optional(pool).await)
}

/// Connection `id` with its domains.
pub async fn connection(db: &Db, id: i64) -> Result<Option<(Connection, Vec<String>)>, sqlx::Error> {
    on_db!(db, pool => {
        let Some(connection) = sqlx::query_as(BY_ID).bind(id).fetch_optional(pool).await? else { return Ok(None) };
        Ok(Some((connection, sqlx::query_scalar(DOMAINS_OF).bind(id).fetch_all(pool).await?)))
    })
}

/// A connection as its form saves it.
pub struct Saved<'a> {
    pub organisation_id: i64,
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// Empty: keep the secret it has.
    pub client_secret: &'a str,
    pub domains: &'a [String],
    pub staff_passwords_off: bool,
}

/// Saves the connection of an organisation (adding it, or changing the one it has) with its
/// audit entry, by `by` at `now`; `Err` names a domain another organisation's connection has.
pub async fn save(db: &Db, saved: &Saved<'_>, by: i64, now: DateTime<Utc>) -> Result<Result<(), String>, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("sso_connections").await?;
    let taken: Vec<(String, String)> =
        on_tx!(tx, conn => sqlx::query_as(TAKEN_DOMAINS).bind(saved.organisation_id).fetch_all(conn).await)?;
    if let Some((domain, owner)) = taken.iter().find(|(domain, _)| saved.domains.contains(domain)) {
        tx.rollback().await?;
        return Ok(Err(format!("{domain} signs in through {owner}'s connection already.")));
    }
    let existing: Option<(i64, String)> =
        on_tx!(tx, conn => sqlx::query_as(CONNECTION_OF).bind(saved.organisation_id).fetch_optional(conn).await)?;
    let id = match existing {
        Some((id, issuer)) => {
            if issuer != saved.issuer {
                // Identities at the provider it had mean nothing at the new one.
                execute_in!(tx, sqlx::query(UNLINK).bind(saved.organisation_id).bind(&issuer))?;
            }
            execute_in!(
                tx,
                sqlx::query(UPDATE_CONNECTION)
                    .bind(saved.issuer)
                    .bind(saved.client_id)
                    .bind(saved.client_secret)
                    .bind(saved.staff_passwords_off)
                    .bind(by)
                    .bind(now)
                    .bind(id)
            )?;
            execute_in!(tx, sqlx::query(FORGET_DOMAINS).bind(id))?;
            id
        }
        None => on_tx!(tx, conn => sqlx::query_scalar(INSERT_CONNECTION)
            .bind(saved.organisation_id).bind(saved.issuer).bind(saved.client_id).bind(saved.client_secret)
            .bind(saved.staff_passwords_off).bind(by).bind(now).fetch_one(conn).await)?,
    };
    for domain in saved.domains {
        execute_in!(tx, sqlx::query(ADD_DOMAIN).bind(domain).bind(id))?;
    }
    let (name, _, _): (String, i64, String) =
        on_tx!(tx, conn => sqlx::query_as(CONNECTION_NAME).bind(id).fetch_one(conn).await)?;
    let passwords = if saved.staff_passwords_off { "; staff passwords off" } else { "" };
    let said = format!("{name}: {} for {}{passwords}", saved.issuer, saved.domains.join(", "));
    audit::record(&mut tx, by, AuditAction::ChangedSingleSignOn, &said, now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Removes connection `id` (its domains, sign-ins under way and the links of its people to their
/// identities there), with its audit entry; `false` if there is no such connection.
pub async fn remove(db: &Db, id: i64, by: i64, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("sso_connections").await?;
    let named: Option<(String, i64, String)> =
        on_tx!(tx, conn => sqlx::query_as(CONNECTION_NAME).bind(id).fetch_optional(conn).await)?;
    let Some((name, organisation_id, issuer)) = named else {
        tx.rollback().await?;
        return Ok(false);
    };
    execute_in!(tx, sqlx::query(UNLINK).bind(organisation_id).bind(&issuer))?;
    execute_in!(tx, sqlx::query(FORGET_DOMAINS).bind(id))?;
    execute_in!(tx, sqlx::query(FORGET_ATTEMPTS).bind(id))?;
    execute_in!(tx, sqlx::query(DELETE_CONNECTION).bind(id))?;
    audit::record(&mut tx, by, AuditAction::ChangedSingleSignOn, &format!("{name}: removed"), now).await?;
    tx.commit().await?;
    Ok(true)
}

/// A sign-in under way, as its callback takes it back.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Attempt {
    pub browser_hash: String,
    pub connection_id: i64,
    pub nonce: String,
    pub verifier: String,
    /// The provider's address the browser is sent to.
    pub url: String,
    pub created_at: DateTime<Utc>,
}

/// Keeps a sign-in under way by its state's hash (forgetting those too old to finish).
pub async fn begin_attempt(db: &Db, state_hash: &str, attempt: &Attempt) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let too_old = attempt.created_at - Duration::minutes(ATTEMPT_MINUTES);
    execute_in!(tx, sqlx::query(FORGET_OLD_ATTEMPTS).bind(too_old))?;
    execute_in!(
        tx,
        sqlx::query(BEGIN_ATTEMPT)
            .bind(state_hash)
            .bind(&attempt.browser_hash)
            .bind(attempt.connection_id)
            .bind(&attempt.nonce)
            .bind(&attempt.verifier)
            .bind(&attempt.url)
            .bind(attempt.created_at)
    )?;
    tx.commit().await
}

/// Where the sign-in this browser began (the hash of its cookie) sends it, while it may.
pub async fn url_for_browser(db: &Db, browser_hash: &str, now: DateTime<Utc>) -> Result<Option<String>, sqlx::Error> {
    let since = now - Duration::minutes(ATTEMPT_MINUTES);
    on_db!(db, pool => sqlx::query_scalar(URL_FOR_BROWSER).bind(browser_hash).bind(since).fetch_optional(pool).await)
}

/// Takes the sign-in under way with the state's hash, once: a second callback finds nothing.
pub async fn take_attempt(db: &Db, state_hash: &str) -> Result<Option<Attempt>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let attempt = on_tx!(tx, conn => sqlx::query_as(TAKE_ATTEMPT).bind(state_hash).fetch_optional(conn).await)?;
    tx.commit().await?;
    Ok(attempt)
}

/// The account with sign-in address `email`, and the account linked to `subject` already.
pub async fn standing_of(db: &Db, email: &str, subject: &str) -> Result<(Option<Account>, Option<i64>), sqlx::Error> {
    on_db!(db, pool => {
        let account = sqlx::query_as::<_, (i64, i64, bool, Option<String>)>(ACCOUNT).bind(email).fetch_optional(pool).await?;
        let owner = sqlx::query_scalar(SUBJECT_OWNER).bind(subject).fetch_optional(pool).await?;
        Ok((account.map(|(user_id, organisation_id, active, subject)| Account { user_id, organisation_id, active, subject }), owner))
    })
}

/// Links identity `subject` to account `user_id`; `false` if the account is linked to another
/// identity by now (a sign-in at the same moment won).
pub async fn link(db: &Db, user_id: i64, subject: &str) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let linked = execute_in!(tx, sqlx::query(LINK).bind(subject).bind(user_id))?;
    tx.commit().await?;
    Ok(linked == 1)
}
