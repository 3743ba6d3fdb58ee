use leptos::prelude::*;

use super::Lists;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::store::{self, Refused},
    super::{ListChange, ProgramList},
    crate::auth::access::ADMINISTRATION_ROLES,
    crate::auth::guard,
    crate::state,
    chrono::Utc,
};

/// Both lists, with how much uses each value: admins only.
#[server(endpoint = "program_lists")]
pub async fn program_lists() -> Result<Lists, AppError> {
    guard::require_role(ADMINISTRATION_ROLES)?;
    Ok(store::lists(&state::db()?).await?)
}

/// An admin's change to a list: `change` is `add` (with `name`), or `retire`, `restore` or
/// `delete` (with the value's `id`). A value in use is never deleted.
#[server(endpoint = "change_program_list")]
pub async fn change_program_list(
    list: String,
    change: String,
    id: Option<i64>,
    name: Option<String>,
) -> Result<(), AppError> {
    let user = guard::require_role(ADMINISTRATION_ROLES)?;
    let list = ProgramList::parse(&list).ok_or_else(|| AppError::field("list", "Choose partner types or regions."))?;
    let change = ListChange::parse(&change)
        .ok_or_else(|| AppError::field("change", "Choose to add, retire, restore or delete."))?;
    let state = state::server_state()?;
    let name = name.unwrap_or_default();
    match store::change(&state.db, list, change, id, &name, (user.user_id, Utc::now())).await? {
        Ok(_) => {}
        Err(Refused::NotFound) => return Err(AppError::NotFound),
        Err(Refused::Field("name", message)) => {
            return Err(AppError::invalid_keeping([("name".to_owned(), message)].into(), [("name", name)]));
        }
        Err(Refused::Field(field, message)) => return Err(AppError::field(field, message)),
    }
    guard::redirect_form_post("/admin/lists");
    Ok(())
}
