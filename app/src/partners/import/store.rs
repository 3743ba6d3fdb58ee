//! Partner imports in the database: the uploaded files, and the one writer that turns their rows
//! into partner organisations with their first admins invited ([`step`]).

use chrono::{DateTime, Duration, Utc};

use super::parse::{Catalogue, parse};
use super::{
    BadRow, Existing, ImportProgress, ImportRow, ImportSummary, ImportView, RowOutcome, SHOWN_ROWS, from_position, plan,
};
use crate::audit::{self, AuditAction};
use crate::auth::{Role, secrets, store as auth_store};
use crate::db::{Db, Tx};
use crate::error::AppError;
use crate::partners::store::{NewPartner, add_partner};
use crate::{execute_in, mail, on_db, on_tx};

crate::statements! {
    const SAVE = "INSERT INTO partner_imports (file_name, content, total, uploaded_by, uploaded_at) \
        VALUES ($1, $2, $3, $4, $5) RETURNING id";
    const STORED = "SELECT i.file_name, i.content, i.total, i.done, i.created, i.unchanged, u.name AS uploaded_by, \
        i.uploaded_at, i.finished_at FROM partner_imports i JOIN users u ON u.id = i.uploaded_by WHERE i.id = $1";
    const LIST = "SELECT i.id, i.file_name, u.name AS uploaded_by, i.uploaded_at, i.total, i.done, i.created, i.finished_at \
        FROM partner_imports i JOIN users u ON u.id = i.uploaded_by ORDER BY i.uploaded_at DESC, i.id DESC LIMIT 20";
    const ADVANCE = "UPDATE partner_imports SET done = $1, created = $2, unchanged = $3, finished_at = $4 WHERE id = $5";
    const PARTNER_TYPES = "SELECT id, name FROM partner_types WHERE retired_at IS NULL ORDER BY name";
    const TIERS = "SELECT id, name FROM tiers WHERE rank > 0 ORDER BY rank";
    const REGIONS = "SELECT name FROM regions WHERE retired_at IS NULL ORDER BY name";
    const CHANNEL_MANAGERS = "SELECT id, lower(email) FROM users \
        WHERE role = 'channel_manager' AND deactivated_at IS NULL ORDER BY id";
    const ORGANISATIONS = "SELECT name, kind = 'vendor' FROM organisations";
    const PEOPLE = "SELECT lower(u.email), o.name FROM users u JOIN organisations o ON o.id = u.organisation_id";
}

/// An uploaded file as kept.
#[derive(sqlx::FromRow)]
struct Stored {
    file_name: String,
    content: String,
    total: i64,
    done: i64,
    created: i64,
    unchanged: i64,
    uploaded_by: String,
    uploaded_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

impl Stored {
    fn progress(&self) -> ImportProgress {
        ImportProgress {
            done: count(self.done),
            total: count(self.total),
            created: count(self.created),
            unchanged: count(self.unchanged),
            finished: self.finished_at.is_some(),
        }
    }
}

fn count(value: i64) -> usize {
    usize::try_from(value).unwrap_or(0)
}

/// Keeps an uploaded file of `rows` rows, by `by` at `now`; answers its id.
pub async fn save(
    db: &Db,
    (file_name, content, rows): (&str, &str, usize),
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let rows = i64::try_from(rows).unwrap_or(i64::MAX);
    on_db!(db, pool => sqlx::query_scalar(SAVE).bind(file_name).bind(content).bind(rows).bind(by).bind(now).fetch_one(pool).await)
}

/// The latest uploads, newest first.
pub async fn list(db: &Db) -> Result<Vec<ImportSummary>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(LIST).fetch_all(pool).await)
}

/// What the rows are read against, and who exists already: read in `tx`, so they hold while it
/// runs (its writer takes the keys the lists' and the profiles' writers take).
async fn facts(tx: &mut Tx) -> Result<(Catalogue, Existing), sqlx::Error> {
    on_tx!(tx, conn => {
        let catalogue = Catalogue {
            partner_types: sqlx::query_as(PARTNER_TYPES).fetch_all(&mut *conn).await?,
            tiers: sqlx::query_as(TIERS).fetch_all(&mut *conn).await?,
            regions: sqlx::query_scalar(REGIONS).fetch_all(&mut *conn).await?,
            channel_managers: sqlx::query_as(CHANNEL_MANAGERS).fetch_all(&mut *conn).await?,
        };
        let existing = Existing {
            organisations: sqlx::query_as::<_, (String, bool)>(ORGANISATIONS).fetch_all(&mut *conn).await?
                .into_iter().map(|(name, vendor)| (name.to_lowercase(), vendor)).collect(),
            people: sqlx::query_as::<_, (String, String)>(PEOPLE).fetch_all(&mut *conn).await?.into_iter().collect(),
        };
        Ok((catalogue, existing))
    })
}

/// An uploaded file read afresh: `None` if there is no such upload.
async fn stored(tx: &mut Tx, id: i64) -> Result<Option<Stored>, sqlx::Error> {
    on_tx!(tx, conn => sqlx::query_as(STORED).bind(id).fetch_optional(conn).await)
}

/// The upload `id` as its page shows it, read against the program as it is now.
pub async fn view(db: &Db, id: i64) -> Result<Option<ImportView>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let Some(stored) = stored(&mut tx, id).await? else {
        tx.rollback().await?;
        return Ok(None);
    };
    let (catalogue, existing) = facts(&mut tx).await?;
    tx.rollback().await?;
    let (planned, bad) = planned(&stored.content, &catalogue, &existing);
    let (left, bad, _) = from_position(planned, bad, count(stored.done));
    let new_partners = left.iter().filter(|(_, outcome)| *outcome == RowOutcome::New).count();
    Ok(Some(ImportView {
        id,
        file_name: stored.file_name.clone(),
        uploaded_by: stored.uploaded_by.clone(),
        uploaded_at: stored.uploaded_at,
        finished_at: stored.finished_at,
        progress: stored.progress(),
        new_partners,
        already_there: left.len() - new_partners,
        shown: left.into_iter().take(SHOWN_ROWS).map(|(row, outcome)| (row.shown, outcome)).collect(),
        bad,
    }))
}

/// The file's rows read against the program and who exists: each good row's outcome, and the bad
/// rows (a file that cannot be read at all is one bad row, its first).
fn planned(content: &str, catalogue: &Catalogue, existing: &Existing) -> (Vec<(ImportRow, RowOutcome)>, Vec<BadRow>) {
    match parse(content, catalogue) {
        Ok(parsed) => plan(parsed, existing),
        Err(message) => (Vec::new(), vec![BadRow { line: 1, problems: vec![message] }]),
    }
}

/// What one step of an import came to.
#[derive(Debug)]
pub enum Step {
    /// Rows were imported (or the import had finished already).
    Went {
        progress: ImportProgress,
        created: Vec<i64>,
    },
    /// The file has bad rows now (the program or its people changed since the preview): nothing
    /// more is imported.
    Bad(Vec<BadRow>),
    NotFound,
}

/// Who imports, and where the invitations' links lead.
pub struct Importer<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub public_url: &'a str,
}

/// Imports the next `rows` rows of upload `id` at `now`, in one transaction that also counts them
/// done: each new partner with its admin invited (the invitation's email queued) and its audit
/// entry; a partner whose name is taken is left as it is. The rows not imported yet are read
/// against the program again first: while one of them has gone bad since the preview, none is
/// imported.
pub async fn step(db: &Db, id: i64, rows: usize, by: &Importer<'_>, now: DateTime<Utc>) -> Result<Step, AppError> {
    let mut tx = db.begin().await?;
    // The lists' writer and the profiles' writer take these: no region is retired and no name
    // taken while rows are checked and written.
    tx.exclude_others("program_lists").await?;
    tx.exclude_others("organisation_names").await?;
    let Some(stored) = stored(&mut tx, id).await? else {
        tx.rollback().await?;
        return Ok(Step::NotFound);
    };
    if stored.finished_at.is_some() {
        tx.rollback().await?;
        return Ok(Step::Went { progress: stored.progress(), created: Vec::new() });
    }
    let (catalogue, existing) = facts(&mut tx).await?;
    let (planned, bad) = planned(&stored.content, &catalogue, &existing);
    // Only rows not imported yet are held to the program as it is now.
    let (left, bad, total) = from_position(planned, bad, count(stored.done));
    if !bad.is_empty() {
        tx.rollback().await?;
        return Ok(Step::Bad(bad));
    }
    let mut progress = ImportProgress { total, ..stored.progress() };
    let mut created = Vec::new();
    for (row, outcome) in left.iter().take(rows) {
        let added = match outcome {
            RowOutcome::AlreadyThere => None,
            RowOutcome::New => add(&mut tx, row, (&stored.file_name, by), now).await?,
        };
        match added {
            Some(organisation_id) => {
                progress.created += 1;
                created.push(organisation_id);
            }
            None => progress.unchanged += 1,
        }
        progress.done += 1;
    }
    progress.finished = progress.done >= progress.total;
    let finished_at = progress.finished.then_some(now);
    let as_stored = |value: usize| i64::try_from(value).unwrap_or(i64::MAX);
    execute_in!(
        tx,
        sqlx::query(ADVANCE)
            .bind(as_stored(progress.done))
            .bind(as_stored(progress.created))
            .bind(as_stored(progress.unchanged))
            .bind(finished_at)
            .bind(id)
    )?;
    tx.commit().await?;
    Ok(Step::Went { progress, created })
}

/// Adds a row's partner, through the organisations' writer, and invites its first admin through
/// the invitations' writer, with its audit entry; `None` (nothing written) if the database finds
/// its name taken after all.
async fn add(
    tx: &mut Tx,
    row: &ImportRow,
    (file_name, by): (&str, &Importer<'_>),
    now: DateTime<Utc>,
) -> Result<Option<i64>, AppError> {
    let partner = NewPartner {
        name: &row.company,
        partner_type_id: row.partner_type_id,
        tier_id: row.tier_id,
        region: row.region.as_deref(),
        channel_manager_id: row.channel_manager_id,
        website: &row.website,
        city: &row.city,
        country: &row.country,
    };
    let Some(organisation_id) = add_partner(tx, &partner, now).await? else { return Ok(None) };
    let token = secrets::new_token()?;
    let link = format!("{}/invitation?token={token}", by.public_url);
    let message = mail::invitation(by.name, &row.company, Role::PartnerAdmin.label(), &link);
    let invitation = auth_store::NewInvitation {
        token_hash: &secrets::token_hash(&token),
        email: &row.admin_email,
        role: Role::PartnerAdmin,
        organisation_id,
        invited_by: by.user_id,
        now,
        expires_at: now + Duration::days(mail::INVITATION_DAYS),
    };
    auth_store::invite_in(tx, invitation, &message).await?;
    let said = format!("{} from {file_name}", row.company);
    audit::record(tx, by.user_id, AuditAction::ImportedPartner, &said, now).await?;
    Ok(Some(organisation_id))
}
