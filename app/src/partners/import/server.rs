//! The partner import's server functions: admins only.

use leptos::prelude::*;

use super::{ImportProgress, ImportSummary, ImportView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::store::{self, Importer, Step},
    super::{BATCH, MAX_BYTES, parse},
    crate::auth::{Role, guard},
    crate::events::Event,
    crate::files::FileField,
    crate::state,
    chrono::Utc,
};

#[cfg(feature = "ssr")]
const UPLOAD: FileField = FileField { name: "file", called: "a CSV file of partners", max_bytes: MAX_BYTES };

/// Keeps an uploaded partner file and goes to its preview (a form with a file is a plain post).
/// A file that is not CSV with the required columns is refused at once; one with bad rows is kept
/// so its preview can name every one of them.
#[server(endpoint = "upload_partner_import", input = server_fn::codec::MultipartFormData)]
pub async fn upload_partner_import(data: server_fn::codec::MultipartData) -> Result<(), AppError> {
    let user = guard::require_role(&[Role::Admin])?;
    let db = state::db()?;
    let form = crate::files::read_form(data, UPLOAD).await?;
    let file = form.file.ok_or(AppError::Internal)?;
    let text = parse::decode(&file.bytes).map_err(|message| AppError::field("file", message))?;
    // The rows are read against nothing here: only whether the file is CSV with the right header.
    let parsed =
        parse::parse(&text, &parse::Catalogue::default()).map_err(|message| AppError::field("file", message))?;
    let name = crate::files::file_name(&file.name);
    let id = store::save(&db, (&name, &text, parsed.rows.len() + parsed.bad.len()), user.user_id, Utc::now()).await?;
    guard::redirect_form_post(&format!("/admin/partner-import/{id}"));
    Ok(())
}

/// The latest uploads.
#[server(endpoint = "partner_imports")]
pub async fn partner_imports() -> Result<Vec<ImportSummary>, AppError> {
    guard::require_role(&[Role::Admin])?;
    Ok(store::list(&state::db()?).await?)
}

/// An upload's preview, or what its import did.
#[server(endpoint = "partner_import")]
pub async fn partner_import(id: i64) -> Result<ImportView, AppError> {
    guard::require_role(&[Role::Admin])?;
    store::view(&state::db()?, id).await?.ok_or(AppError::NotFound)
}

/// Imports upload `id`: the next batch of rows for a page that shows a progress bar, the whole
/// file for a plain form post (then back to its page). Rows imported already are not imported
/// again, so a stopped import carries on where it stopped.
#[server(endpoint = "import_partners")]
pub async fn import_partners(id: i64) -> Result<ImportProgress, AppError> {
    let user = guard::require_role(&[Role::Admin])?;
    let state = state::server_state()?;
    let importer = Importer { user_id: user.user_id, name: &user.name, public_url: &state.settings.public_url };
    let whole = guard::plain_form_post();
    loop {
        let now = Utc::now();
        let progress = match store::step(&state.db, id, BATCH, &importer, now).await? {
            Step::NotFound => return Err(AppError::NotFound),
            Step::Bad(bad) => {
                // The preview names them all; the message (in the address, without JavaScript) a few.
                let rows: Vec<String> = bad.iter().take(5).map(super::BadRow::text).collect();
                return Err(AppError::field(
                    "import",
                    format!(
                        "{} of the file cannot be imported now (the program changed since it was uploaded); nothing more \
                         was imported. Mend them and upload the file again.\n{}",
                        super::rows_text(bad.len()),
                        rows.join("\n")
                    ),
                ));
            }
            Step::Went { progress, created } => {
                if let Some(&organisation_id) = created.last() {
                    state.events.publish(Event::Partner { organisation_id, at: now });
                }
                progress
            }
        };
        if progress.finished || !whole {
            guard::redirect_form_post(&format!("/admin/partner-import/{id}"));
            return Ok(progress);
        }
    }
}
