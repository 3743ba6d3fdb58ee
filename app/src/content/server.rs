//! The content library's server functions: the library as its viewer may see it, a manager's
//! item with who downloaded it, adding a file or a link, changing and removing an item; and, for
//! the router, a download or link opened through the one gating rule, counted.

use leptos::prelude::*;

use super::{ContentDetail, ContentInput, Library, LibraryQuery};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::store::{self, StoredItem},
    super::{Access, ContentCard, ContentChoices, ContentKind, FileFacts, MAX_CONTENT_BYTES, Standing, access, file},
    crate::auth::access::CONTENT_MANAGER_ROLES,
    crate::auth::{SessionUser, guard},
    crate::files::{FileField, PostedForm},
    crate::state::{self, ServerState},
    chrono::Utc,
};

/// The file field of the upload form.
#[cfg(feature = "ssr")]
const UPLOAD: FileField = FileField { name: "file", called: "a file for the library", max_bytes: MAX_CONTENT_BYTES };

/// The caller's standing for gating: `None` for vendor staff, who see every item.
#[cfg(feature = "ssr")]
async fn standing_of(db: &crate::db::Db, user: &SessionUser) -> Result<Option<Standing>, AppError> {
    if user.role.is_vendor_staff() {
        return Ok(None);
    }
    store::standing(db, user.organisation_id).await?.map(Some).ok_or(AppError::NotFound)
}

/// An item as a viewer of `standing` sees it (`None` when it is not for them).
#[cfg(feature = "ssr")]
fn card(item: StoredItem, standing: Option<Standing>) -> Option<ContentCard> {
    let access = access(&item.gate(), standing);
    if access == Access::Hidden {
        return None;
    }
    let file = match (&item.file_name, &item.media_type) {
        (Some(name), Some(media_type)) => Some(FileFacts {
            name: name.clone(),
            label: super::kinds::kept_type(media_type).map_or("File", |kind| kind.label).to_owned(),
            size_bytes: item.size_bytes.unwrap_or(0),
        }),
        _ => None,
    };
    Some(ContentCard {
        id: item.id,
        kind: item.kind,
        title: item.title,
        description: item.description,
        tags: item.tags,
        unlocked_by: item.tier_name,
        types: item.types.into_iter().map(|(_, name)| name).collect(),
        locked: access == Access::Locked,
        file,
        url: item.url.filter(|_| access == Access::Open),
        downloads: item.downloads,
        updated_at: item.updated_at,
    })
}

/// The library as the caller may see it, searched and filtered as `query` asks: every item for
/// vendor staff; for a partner's people, the items for its type, those above its tier locked.
#[server(endpoint = "content_library")]
pub async fn content_library(#[server(flatten)] query: LibraryQuery) -> Result<Library, AppError> {
    let user = guard::signed_in()?;
    let db = state::db()?;
    let standing = standing_of(&db, &user).await?;
    let downloads_of = standing.is_some().then_some(user.organisation_id);
    let visible: Vec<ContentCard> =
        store::items(&db, downloads_of).await?.into_iter().filter_map(|item| card(item, standing)).collect();
    let mut tags: Vec<String> = Vec::new();
    for tag in visible.iter().flat_map(|card| &card.tags) {
        if !tags.iter().any(|have| have.eq_ignore_ascii_case(tag)) {
            tags.push(tag.clone());
        }
    }
    tags.sort_by_key(|tag| tag.to_lowercase());
    let manage = match CONTENT_MANAGER_ROLES.contains(&user.role) {
        true => Some(store::choices(&db).await?),
        false => None,
    };
    Ok(Library { items: visible.into_iter().filter(|card| query.matches(card)).collect(), tags, manage })
}

/// One item for its managers, with what they may change and who downloaded it.
#[server(endpoint = "content_item")]
pub async fn content_item(id: i64) -> Result<ContentDetail, AppError> {
    guard::require_role(CONTENT_MANAGER_ROLES)?;
    let db = state::db()?;
    let item = store::item(&db, id).await?.ok_or(AppError::NotFound)?;
    let choices = choices_for(&db, &item).await?;
    let input = ContentInput {
        title: item.title.clone(),
        description: item.description.clone(),
        tags: item.tags.join(", "),
        tier: item.tier_id.map(|id| id.to_string()).unwrap_or_default(),
        types: item.types.iter().map(|(id, _)| id.to_string()).collect(),
        url: item.url.clone().unwrap_or_default(),
    };
    let card = card(item, None).ok_or(AppError::NotFound)?;
    Ok(ContentDetail { card, input, choices, downloads: store::downloaders(&db, id).await? })
}

/// The choices for an item's form: the program's tiers and active types, and any retired type
/// the item already names (kept until its manager takes it off).
#[cfg(feature = "ssr")]
async fn choices_for(db: &crate::db::Db, item: &StoredItem) -> Result<ContentChoices, AppError> {
    let mut choices = store::choices(db).await?;
    for (id, name) in &item.types {
        if !choices.types.iter().any(|(have, _)| have == id) {
            choices.types.push((*id, format!("{name} (retired)")));
        }
    }
    Ok(choices)
}

/// What was typed in an item's form, given back with its messages.
#[cfg(feature = "ssr")]
fn typed(input: &ContentInput) -> [(&'static str, String); 4] {
    [
        ("title", input.title.clone()),
        ("description", input.description.clone()),
        ("tags", input.tags.clone()),
        ("url", input.url.clone()),
    ]
}

/// Adds a link to the library: marketing and admins. Its id.
#[server(endpoint = "add_content_link")]
pub async fn add_content_link(#[server(flatten)] input: ContentInput) -> Result<i64, AppError> {
    let user = guard::require_role(CONTENT_MANAGER_ROLES)?;
    let state = state::server_state()?;
    let choices = store::choices(&state.db).await?;
    let draft =
        input.check(ContentKind::Link, &choices).map_err(|fields| AppError::invalid_keeping(fields, typed(&input)))?;
    let id = store::add(&state.db, &state.files, &draft, None, (user.user_id, Utc::now())).await.map_err(added)?;
    guard::redirect_form_post(&format!("/content/{id}"));
    Ok(id)
}

#[cfg(feature = "ssr")]
fn added(error: store::AddError) -> AppError {
    tracing::error!(%error, "a library item was not added");
    AppError::Internal
}

/// Adds a file to the library (the form's `file`, with its title, description, tags, tier and
/// types): marketing and admins. The file's type is read from its content and must agree with its
/// name; at most 25 MB. Anything refused is said beside its field, and nothing is kept.
#[server(endpoint = "upload_content", input = server_fn::codec::MultipartFormData)]
pub async fn upload_content(data: server_fn::codec::MultipartData) -> Result<(), AppError> {
    let user = guard::require_role(CONTENT_MANAGER_ROLES)?;
    let state = state::server_state()?;
    let form = crate::files::read_form(data, UPLOAD).await?;
    let input = input_of(&form);
    let choices = store::choices(&state.db).await?;
    let sent = form.file.ok_or(AppError::Internal)?;
    let checked = file::check(&sent.name, &sent.bytes);
    let draft = match (input.check(ContentKind::File, &choices), checked.clone()) {
        (Ok(draft), Ok(_)) => draft,
        (drafted, checked) => {
            let mut fields = drafted.err().unwrap_or_default();
            if let Err(message) = checked {
                fields.insert(UPLOAD.name.to_owned(), message);
            }
            return Err(AppError::invalid_keeping(fields, typed(&input)));
        }
    };
    let checked = checked.map_err(|_| AppError::Internal)?;
    let file = store::NewFile { bytes: &sent.bytes, name: &checked.name, media_type: checked.kind.media_type };
    let id =
        store::add(&state.db, &state.files, &draft, Some(file), (user.user_id, Utc::now())).await.map_err(added)?;
    guard::redirect_form_post(&format!("/content/{id}"));
    Ok(())
}

/// The item's fields of a posted form with a file.
#[cfg(feature = "ssr")]
fn input_of(form: &PostedForm) -> ContentInput {
    ContentInput {
        title: form.text("title"),
        description: form.text("description"),
        tags: form.text("tags"),
        tier: form.text("tier"),
        types: form.all("types[]"),
        url: String::new(),
    }
}

/// Changes an item's title, description, tags, gating (and a link's address): marketing and admins.
#[server(endpoint = "save_content")]
pub async fn save_content(id: i64, #[server(flatten)] input: ContentInput) -> Result<(), AppError> {
    let user = guard::require_role(CONTENT_MANAGER_ROLES)?;
    let state = state::server_state()?;
    let item = store::item(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let choices = choices_for(&state.db, &item).await?;
    let draft = input.check(item.kind, &choices).map_err(|fields| AppError::invalid_keeping(fields, typed(&input)))?;
    if !store::change(&state.db, id, &draft, (user.user_id, Utc::now())).await? {
        return Err(AppError::NotFound);
    }
    guard::redirect_form_post(&format!("/content/{id}"));
    Ok(())
}

/// Removes an item, its counts and (unless another item has the same) its file: marketing and admins.
#[server(endpoint = "remove_content")]
pub async fn remove_content(id: i64) -> Result<(), AppError> {
    let user = guard::require_role(CONTENT_MANAGER_ROLES)?;
    let state = state::server_state()?;
    if !store::remove(&state.db, &state.files, id, (user.user_id, Utc::now())).await? {
        return Err(AppError::NotFound);
    }
    guard::redirect_form_post("/content");
    Ok(())
}

/// What opening an item gives: a kept file, or the address a link goes to.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opened {
    File { hash: String, name: String, media_type: String },
    Link(String),
}

/// Opens item `id` as a file (`kind` File) or a link for `user`, through the one gating rule:
/// "not found" for an item that is not for them (or not of that kind), "reserved" for one above
/// their tier. A partner's opening is counted.
#[cfg(feature = "ssr")]
pub async fn open(state: &ServerState, user: &SessionUser, id: i64, kind: ContentKind) -> Result<Opened, AppError> {
    let standing = standing_of(&state.db, user).await?;
    let item = store::item(&state.db, id).await?.filter(|item| item.kind == kind).ok_or(AppError::NotFound)?;
    match access(&item.gate(), standing) {
        Access::Hidden => return Err(AppError::NotFound),
        Access::Locked => {
            let tier = item.tier_name.clone().unwrap_or_default();
            return Err(AppError::Locked {
                message: format!("{} is for {tier} partners and above: reach {tier} to open it.", item.title),
            });
        }
        Access::Open => {}
    }
    let opened = match (item.url, item.file_hash, item.file_name, item.media_type) {
        (Some(url), ..) if kind == ContentKind::Link => Opened::Link(url),
        (_, Some(hash), Some(name), Some(media_type)) => Opened::File { hash, name, media_type },
        _ => return Err(AppError::Internal),
    };
    if standing.is_some() {
        store::count_download(&state.db, id, user.organisation_id, Utc::now()).await?;
    }
    Ok(opened)
}
