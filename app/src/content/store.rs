//! The content library in the database: items with their tags and partner types, and the
//! downloads counted per partner. One writer for the items ([`add`], [`change`], [`remove`]) and
//! one for the counts ([`count_download`]).

use chrono::{DateTime, Utc};

use super::{ContentChoices, ContentDraft, ContentKind, Gate, Standing};
use crate::audit::{self, AuditAction};
use crate::db::{Db, Tx};
use crate::files::FileStore;
use crate::{execute_in, on_db, on_tx};

crate::statements! {
    const ITEMS = "SELECT i.id, i.kind, i.title, i.description, i.url, i.file_hash, i.file_name, i.media_type, \
        i.size_bytes, i.tier_id, t.rank AS tier_rank, t.name AS tier_name, i.updated_at, \
        CAST(COALESCE((SELECT SUM(d.downloads) FROM content_downloads d WHERE d.item_id = i.id \
        AND ($1 = 0 OR d.organisation_id = $1)), 0) AS BIGINT) AS downloads \
        FROM content_items i LEFT JOIN tiers t ON t.id = i.tier_id ORDER BY i.updated_at DESC, i.id DESC";
    const TAGS = "SELECT item_id, tag FROM content_tags ORDER BY lower(tag)";
    const TYPES = "SELECT ct.item_id, pt.id, pt.name FROM content_types ct \
        JOIN partner_types pt ON pt.id = ct.partner_type_id ORDER BY pt.name";
    const STANDING = "SELECT COALESCE(t.rank, 0), o.partner_type_id FROM organisations o \
        LEFT JOIN tiers t ON t.id = o.tier_id WHERE o.id = $1 AND o.kind = 'partner'";
    const TIERS = "SELECT id, name FROM tiers WHERE rank > 0 ORDER BY rank";
    const ACTIVE_TYPES = "SELECT id, name FROM partner_types WHERE retired_at IS NULL ORDER BY name";
    const INSERT_ITEM = "INSERT INTO content_items (kind, title, description, url, file_hash, file_name, media_type, \
        size_bytes, tier_id, created_by, created_at, updated_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id";
    const UPDATE_ITEM = "UPDATE content_items SET title = $1, description = $2, url = $3, tier_id = $4, \
        updated_at = $5 WHERE id = $6";
    const ITEM_TITLE = "SELECT title, file_hash FROM content_items WHERE id = $1";
    const CLEAR_TAGS = "DELETE FROM content_tags WHERE item_id = $1";
    const CLEAR_TYPES = "DELETE FROM content_types WHERE item_id = $1";
    const CLEAR_DOWNLOADS = "DELETE FROM content_downloads WHERE item_id = $1";
    const DELETE_ITEM = "DELETE FROM content_items WHERE id = $1";
    const INSERT_TAG = "INSERT INTO content_tags (item_id, tag) VALUES ($1, $2)";
    const INSERT_TYPE = "INSERT INTO content_types (item_id, partner_type_id) VALUES ($1, $2)";
    const FILE_USERS = "SELECT COUNT(*) FROM content_items WHERE file_hash = $1";
    const COUNT_DOWNLOAD = "INSERT INTO content_downloads (item_id, organisation_id, downloads, last_at) \
        VALUES ($1, $2, 1, $3) ON CONFLICT (item_id, organisation_id) \
        DO UPDATE SET downloads = content_downloads.downloads + 1, last_at = excluded.last_at";
    const DOWNLOADERS = "SELECT o.name, d.downloads, d.last_at FROM content_downloads d \
        JOIN organisations o ON o.id = d.organisation_id WHERE d.item_id = $1 \
        ORDER BY d.downloads DESC, lower(o.name)";
}

/// What every writer of the library's files takes, so that no file is removed while another
/// item is being given it.
const FILES_KEY: &str = "content_files";

/// An item as stored, with its gate.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredItem {
    pub id: i64,
    pub kind: ContentKind,
    pub title: String,
    pub description: String,
    pub url: Option<String>,
    pub file_hash: Option<String>,
    pub file_name: Option<String>,
    pub media_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub tier_id: Option<i64>,
    pub tier_rank: Option<i64>,
    pub tier_name: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// Every partner's downloads, or one partner's (see [`items`]).
    pub downloads: i64,
    #[sqlx(skip)]
    pub tags: Vec<String>,
    /// (id, name)
    #[sqlx(skip)]
    pub types: Vec<(i64, String)>,
}

impl StoredItem {
    pub fn gate(&self) -> Gate {
        Gate { tier_rank: self.tier_rank, types: self.types.iter().map(|(id, _)| *id).collect() }
    }
}

/// Every item, newest first, with its downloads: every partner's (`downloads_of` `None`) or the
/// partner `downloads_of`'s own.
pub async fn items(db: &Db, downloads_of: Option<i64>) -> Result<Vec<StoredItem>, sqlx::Error> {
    let (mut items, tags, types): (Vec<StoredItem>, Vec<(i64, String)>, Vec<(i64, i64, String)>) = on_db!(db, pool => {
        let items = sqlx::query_as(ITEMS).bind(downloads_of.unwrap_or(0)).fetch_all(pool).await?;
        let tags = sqlx::query_as(TAGS).fetch_all(pool).await?;
        let types = sqlx::query_as(TYPES).fetch_all(pool).await?;
        (items, tags, types)
    });
    for item in &mut items {
        item.tags = tags.iter().filter(|(id, _)| *id == item.id).map(|(_, tag)| tag.clone()).collect();
        item.types =
            types.iter().filter(|(id, ..)| *id == item.id).map(|(_, kind, name)| (*kind, name.clone())).collect();
    }
    Ok(items)
}

/// One item, with every partner's downloads.
pub async fn item(db: &Db, id: i64) -> Result<Option<StoredItem>, sqlx::Error> {
    Ok(items(db, None).await?.into_iter().find(|item| item.id == id))
}

/// Where the partner `organisation_id` stands for gating; `None` for the vendor.
pub async fn standing(db: &Db, organisation_id: i64) -> Result<Option<Standing>, sqlx::Error> {
    let row: Option<(i64, Option<i64>)> =
        on_db!(db, pool => sqlx::query_as(STANDING).bind(organisation_id).fetch_optional(pool).await)?;
    Ok(row.map(|(tier_rank, partner_type)| Standing { tier_rank, partner_type }))
}

/// The program's tiers and active partner types, for a manager's forms.
pub async fn choices(db: &Db) -> Result<ContentChoices, sqlx::Error> {
    on_db!(db, pool => {
        let tiers = sqlx::query_as(TIERS).fetch_all(pool).await?;
        let types = sqlx::query_as(ACTIVE_TYPES).fetch_all(pool).await?;
        Ok(ContentChoices { tiers, types })
    })
}

/// The partners that downloaded item `id`: (name, downloads, last), most first.
pub async fn downloaders(db: &Db, id: i64) -> Result<Vec<(String, i64, DateTime<Utc>)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(DOWNLOADERS).bind(id).fetch_all(pool).await)
}

/// A file the library keeps, as [`add`] is given it.
#[derive(Clone, Debug)]
pub struct NewFile<'a> {
    pub bytes: &'a [u8],
    pub name: &'a str,
    pub media_type: &'a str,
}

/// Adds an item (a file kept under the data directory first, or a link), by `by` at `now`, with
/// its audit entry; its id.
pub async fn add(
    db: &Db,
    files: &FileStore,
    draft: &ContentDraft,
    file: Option<NewFile<'_>>,
    (by, now): (i64, DateTime<Utc>),
) -> Result<i64, AddError> {
    let mut tx = db.begin().await?;
    tx.exclude_others(FILES_KEY).await?;
    let kept = match &file {
        Some(file) => Some(files.put(file.bytes).await.map_err(AddError::File)?),
        None => None,
    };
    let kind = if file.is_some() { ContentKind::File } else { ContentKind::Link };
    let id: i64 = on_tx!(tx, conn => sqlx::query_scalar(INSERT_ITEM)
        .bind(kind)
        .bind(&draft.title)
        .bind(&draft.description)
        .bind(&draft.url)
        .bind(&kept)
        .bind(file.as_ref().map(|file| file.name))
        .bind(file.as_ref().map(|file| file.media_type))
        .bind(file.as_ref().map(|file| file.bytes.len() as i64))
        .bind(draft.tier)
        .bind(by)
        .bind(now)
        .fetch_one(conn)
        .await)?;
    describe(&mut tx, id, draft).await?;
    audit::record(&mut tx, by, AuditAction::ChangedContent, &format!("Added {}", draft.title), now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Why an item was not added.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("cannot keep the file: {0}")]
    File(std::io::Error),
}

/// The item's tags and partner types, as `draft` says.
async fn describe(tx: &mut Tx, id: i64, draft: &ContentDraft) -> Result<(), sqlx::Error> {
    execute_in!(tx, sqlx::query(CLEAR_TAGS).bind(id))?;
    execute_in!(tx, sqlx::query(CLEAR_TYPES).bind(id))?;
    for tag in &draft.tags {
        execute_in!(tx, sqlx::query(INSERT_TAG).bind(id).bind(tag))?;
    }
    for kind in &draft.types {
        execute_in!(tx, sqlx::query(INSERT_TYPE).bind(id).bind(kind))?;
    }
    Ok(())
}

/// Changes item `id`'s description (and a link's address), by `by` at `now`, with its audit
/// entry; `false` when there is no such item.
pub async fn change(
    db: &Db,
    id: i64,
    draft: &ContentDraft,
    (by, now): (i64, DateTime<Utc>),
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let changed = execute_in!(
        tx,
        sqlx::query(UPDATE_ITEM)
            .bind(&draft.title)
            .bind(&draft.description)
            .bind(&draft.url)
            .bind(draft.tier)
            .bind(now)
            .bind(id)
    )?;
    if changed == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    describe(&mut tx, id, draft).await?;
    audit::record(&mut tx, by, AuditAction::ChangedContent, &format!("Changed {}", draft.title), now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Removes item `id` with its counts, by `by` at `now`, with its audit entry; its file too when no
/// other item has the same one. `false` when there is no such item.
pub async fn remove(db: &Db, files: &FileStore, id: i64, (by, now): (i64, DateTime<Utc>)) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others(FILES_KEY).await?;
    let found: Option<(String, Option<String>)> =
        on_tx!(tx, conn => sqlx::query_as(ITEM_TITLE).bind(id).fetch_optional(conn).await)?;
    let Some((title, hash)) = found else {
        tx.rollback().await?;
        return Ok(false);
    };
    execute_in!(tx, sqlx::query(CLEAR_TAGS).bind(id))?;
    execute_in!(tx, sqlx::query(CLEAR_TYPES).bind(id))?;
    execute_in!(tx, sqlx::query(CLEAR_DOWNLOADS).bind(id))?;
    execute_in!(tx, sqlx::query(DELETE_ITEM).bind(id))?;
    audit::record(&mut tx, by, AuditAction::ChangedContent, &format!("Removed {title}"), now).await?;
    if let Some(hash) = hash {
        let users: i64 = on_tx!(tx, conn => sqlx::query_scalar(FILE_USERS).bind(&hash).fetch_one(conn).await)?;
        // Removed before the commit, under the key every upload takes: no upload can be given
        // this file between the count and the removal. A file left by a failed removal is only
        // space; it is kept again, whole, by the next upload of the same content.
        if users == 0
            && let Err(error) = files.remove(&hash).await
        {
            tracing::warn!(%error, "a removed item's file stays on disk");
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// Counts one download (or opened link) of item `id` by the partner `organisation_id` at `now`.
pub async fn count_download(db: &Db, id: i64, organisation_id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    execute_in!(tx, sqlx::query(COUNT_DOWNLOAD).bind(id).bind(organisation_id).bind(now))?;
    tx.commit().await
}
