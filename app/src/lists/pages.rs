//! The page where an admin keeps the partner types and regions lists (`/admin/lists`).

use leptos::prelude::*;

use super::server::{ChangeProgramList, program_lists};
use super::{ListChange, ListValue, Lists, ProgramList};
use crate::auth::access::ADMINISTRATION_ROLES;
use crate::layout::guarded_page;
use crate::ui::{Badge, Field, FormError, ScrollTable, form_error};

#[component]
pub fn ProgramListsPage() -> impl IntoView {
    let changes = ProgramList::ALL.map(|_| ServerAction::<ChangeProgramList>::new());
    guarded_page(
        ADMINISTRATION_ROLES,
        move || changes.map(|change| change.version().get()),
        |_| program_lists(),
        move |_, lists: Lists| {
            view! {
                <p class="crumbs"><a href="/admin">"Administration"</a> " / Partner types and regions"</p>
                <h1>"Partner types and regions"</h1>
                <p class="lead">"The directory, the dashboard, the leaderboard and onboarding group partners by these. \
                    A value no partner uses may be deleted; one in use is retired instead: its partners keep it, \
                    nobody new is given it, and it can be restored."</p>
                <div class="columns">
                    {ProgramList::ALL.into_iter().zip(changes).map(|(list, change)| {
                        view! { <ListSection list values=lists.of(list).to_vec() change/> }
                    }).collect_view()}
                </div>
            }
        },
    )
}

#[component]
fn ListSection(list: ProgramList, values: Vec<ListValue>, change: ServerAction<ChangeProgramList>) -> impl IntoView {
    let error = form_error(change);
    let title_id = format!("list-{}", list.as_str());
    view! {
        <section class="card" aria-labelledby=title_id.clone() data-testid=title_id.clone()>
            <h2 id=title_id.clone()>{list.title()}</h2>
            <FormError error/>
            <ScrollTable label=list.title()>
                <table class="stacked">
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Used by"</th><th scope="col">"Status"</th>
                        <th scope="col"><span class="visually-hidden">"Change"</span></th></tr></thead>
                    <tbody>
                        {values.into_iter().map(|value| view! { <ValueRow list value change/> }).collect_view()}
                    </tbody>
                </table>
            </ScrollTable>
            <ActionForm action=change attr:class="filters">
                <input type="hidden" name="list" value=list.as_str()/>
                <input type="hidden" name="change" value=ListChange::Add.as_str()/>
                <Field label=format!("New {}", list.one()) name="name" id=format!("field-{}-name", list.as_str()) error required=true/>
                <button type="submit" class="button secondary">"Add"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn ValueRow(list: ProgramList, value: ListValue, change: ServerAction<ChangeProgramList>) -> impl IntoView {
    let used_by = value.in_use_text().unwrap_or_else(|| "Nothing".into());
    let (status, tone) = if value.retired { ("Retired", "neutral") } else { ("In use", "success") };
    let status = if !value.retired && !value.in_use() { "Unused" } else { status };
    let button = |change: ListChange, text: &'static str| {
        view! { <button type="submit" name="change" value=change.as_str() class="button secondary small">{text}</button> }
    };
    let keep = match value.retired {
        true => button(ListChange::Restore, "Restore"),
        false => button(ListChange::Retire, "Retire"),
    };
    let delete = (!value.in_use()).then(|| view! { " " {button(ListChange::Delete, "Delete")} });
    view! {
        <tr>
            <th scope="row">{value.name.clone()}</th>
            <td data-label="Used by">{used_by}</td>
            <td data-label="Status"><Badge text=status tone/></td>
            <td>
                <ActionForm action=change attr:class="button-row" attr:aria-label=format!("Change {}", value.name)>
                    <input type="hidden" name="list" value=list.as_str()/>
                    <input type="hidden" name="id" value=value.id/>
                    {keep}
                    {delete}
                </ActionForm>
            </td>
        </tr>
    }
}
