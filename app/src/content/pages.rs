//! The content library's pages: the library (search, filters, cards; a manager's forms to add a
//! file or a link) and a manager's page of one item (its description, gating and downloads).

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::server::{AddContentLink, RemoveContent, SaveContent, UploadContent, content_item, content_library};
use super::{ContentCard, ContentChoices, ContentDetail, ContentInput, ContentKind, Library, LibraryQuery};
use crate::auth::Role;
use crate::auth::access::CONTENT_MANAGER_ROLES;
use crate::files::size_text;
use crate::layout::guarded_page;
use crate::ui::day_text as day;
use crate::ui::{
    Badge, CheckGroup, Field, FormError, FormErrors, Notice, ScrollTable, filter_choice, form_error, posted_error,
    tier_tone,
};

#[component]
pub fn ContentLibraryPage() -> impl IntoView {
    let query = use_query_map();
    let add_link = ServerAction::<AddContentLink>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = add_link.value().get() {
            navigate(&format!("/content/{id}"), Default::default());
        }
    });
    let source = move || LibraryQuery::from_query(|name| query.read().get(name));
    guarded_page(&Role::ALL, source, content_library, move |user, library| {
        // The search as the address has it now, read without tracking: the data already follows it.
        let query = LibraryQuery::from_query(|name| use_query_map().read_untracked().get(name));
        view! { <LibraryView library query partner=!user.role.is_vendor_staff() add_link/> }
    })
}

#[component]
fn LibraryView(
    library: Library,
    query: LibraryQuery,
    partner: bool,
    add_link: ServerAction<AddContentLink>,
) -> impl IntoView {
    let lead = match partner {
        true => {
            "Brochures, battlecards and links for selling Acme Cloud. Items marked with a tier open when you reach it."
        }
        false => {
            "What partners download and open to sell with. Each item can be kept for a tier and above, or for some partner types."
        }
    };
    let narrowed = query != LibraryQuery::default();
    let count = crate::text::count(library.items.len() as i64, "item", "items");
    view! {
        <h1>"Content library"</h1>
        <p class="lead">{lead}</p>
        {library.manage.clone().map(|choices| view! { <AddForms choices add_link/> })}
        <LibraryFilters tags=library.tags.clone() query=query.clone()/>
        {narrowed.then(|| view! {
            <p class="narrowing">{format!("Found {count}. ")} <a href="/content">"Show everything"</a></p>
        })}
        {library.items.is_empty().then(|| view! {
            <p class="muted">{if narrowed { "Nothing in the library answers that search." } else { "The library is empty for now." }}</p>
        })}
        <ul class="content-list">
            {library.items.into_iter().map(|card| view! { <ContentItem card manage=library.manage.is_some() partner/> }).collect_view()}
        </ul>
    }
}

/// Search, tag and kind, kept in the address.
#[component]
fn LibraryFilters(tags: Vec<String>, query: LibraryQuery) -> impl IntoView {
    let tags = tags.into_iter().map(|tag| (tag.clone(), tag)).collect();
    let kinds = vec![("file".to_owned(), "Files".to_owned()), ("link".to_owned(), "Links".to_owned())];
    view! {
        <Form method="GET" action="" attr:class="filters card" attr:role="search" attr:aria-label="Content library">
            <div class="field">
                <label for="filter-q">"Search"</label>
                <input id="filter-q" type="search" name="q" value=query.q.clone() placeholder="Title, description or tag"/>
            </div>
            {filter_choice("tag", "Tag", "Any tag", Some(query.tag.clone()), tags)}
            {filter_choice("kind", "Kind", "Files and links", Some(query.kind.clone()), kinds)}
            <button type="submit" class="button secondary">"Search"</button>
        </Form>
    }
}

/// One item: what it is, who it is for, and its download or link (for a partner below its tier,
/// the tier that unlocks it instead).
#[component]
fn ContentItem(card: ContentCard, manage: bool, partner: bool) -> impl IntoView {
    let href = card.href();
    let what = match (&card.kind, &card.file) {
        (ContentKind::File, Some(file)) => format!("{} · {}", file.label, size_text(file.size_bytes)),
        _ => "Link".to_owned(),
    };
    let gate = card.unlocked_by.clone().map(|tier| match card.locked {
        true => view! { <Badge text=format!("Unlocks at {tier}") tone="neutral"/> }.into_any(),
        false => view! { <Badge text=format!("{tier} and above") tone=tier_tone(&tier)/> }.into_any(),
    });
    let types = (!card.types.is_empty()).then(|| view! { <Badge text=format!("For {}", card.types.join(", "))/> });
    let downloads = match (partner, card.downloads) {
        (_, 0) => None,
        (true, n) => Some(format!("You opened it {}", crate::text::count(n, "time", "times"))),
        (false, n) => Some(format!("Opened {} by partners", crate::text::count(n, "time", "times"))),
    };
    let action = match (card.locked, card.kind) {
        (true, _) => view! { <span class="muted small">{format!("Reach {} to open it.", card.unlocked_by.clone().unwrap_or_default())}</span> }.into_any(),
        (false, ContentKind::File) => {
            let name = card.file.as_ref().map(|file| file.name.clone()).unwrap_or_default();
            view! { <a class="button secondary" href=href rel="external" download=name>"Download"</a> }.into_any()
        }
        (false, ContentKind::Link) => {
            view! { <a class="button secondary" href=href rel="external noopener" target="_blank">"Open the link"</a> }.into_any()
        }
    };
    let title = match manage {
        true => view! { <h2><a href=format!("/content/{}", card.id)>{card.title.clone()}</a></h2> }.into_any(),
        false => view! { <h2>{card.title.clone()}</h2> }.into_any(),
    };
    view! {
        <li class="card content-item" class:locked=card.locked>
            {title}
            {(!card.description.is_empty()).then(|| view! { <p class="pre">{card.description.clone()}</p> })}
            <p class="badges">
                <Badge text=what/> {gate} {types}
                {card.tags.iter().map(|tag| view! { <span class="tag">{tag.clone()}</span> }).collect_view()}
            </p>
            <p class="actions">
                {action}
                {downloads.map(|text| view! { <span class="muted small">{text}</span> })}
            </p>
        </li>
    }
}

/// What the tier field offers: every tier, or one tier and those above.
fn tier_options(choices: &ContentChoices) -> Vec<(String, String)> {
    std::iter::once((String::new(), "Every tier".to_owned()))
        .chain(choices.tiers.iter().map(|(id, name)| (id.to_string(), format!("{name} and above"))))
        .collect()
}

fn type_options(choices: &ContentChoices) -> Vec<(String, String)> {
    choices.types.iter().map(|(id, name)| (id.to_string(), name.clone())).collect()
}

const TYPES_HINT: &str = "Tick none to keep it for every partner type. Partners of other types do not see it at all.";
const TAGS_HINT: &str = "Products or topics, separated by commas: Cloud, Security.";

/// The fields every item has: title, description, tags, tier and partner types (their ids begin
/// with `form`, as two forms share a page).
#[component]
fn DescriptionFields(
    form: &'static str,
    input: ContentInput,
    choices: ContentChoices,
    error: FormErrors,
) -> impl IntoView {
    let id = move |name: &str| format!("{form}-{name}");
    view! {
        <Field label="Title" name="title" id=id("title") error value=input.title required=true/>
        <Field label="Description" name="description" id=id("description") error value=input.description rows=3
            hint="What it is and when a partner uses it."/>
        <Field label="Tags" name="tags" id=id("tags") error value=input.tags hint=TAGS_HINT/>
        <Field label="Open to" name="tier" id=id("tier") error value=input.tier options=tier_options(&choices)
            hint="Partners below this tier see the item locked, with the tier that unlocks it."/>
        <CheckGroup legend="Partner types" name="types" id=id("types") error choices=type_options(&choices)
            checked=input.types hint=TYPES_HINT/>
    }
}

/// A manager's two ways in: upload a file (a plain form with the file, JavaScript or not) or add
/// a link. Each opens by itself when its last post was refused.
#[component]
fn AddForms(choices: ContentChoices, add_link: ServerAction<AddContentLink>) -> impl IntoView {
    use server_fn::ServerFn;
    let upload = <UploadContent as ServerFn>::PATH;
    let upload_error = FormErrors::new(posted_error(upload));
    let link_error = form_error(add_link);
    let accept = super::kinds::ACCEPTED;
    let file_hint = format!(
        "{} files of at most {}. The type is read from the file itself, and must be what its name says.",
        super::kinds::kept_text(),
        size_text(super::MAX_CONTENT_BYTES as i64)
    );
    view! {
        <section class="card" aria-labelledby="add-title">
            <h2 id="add-title">"Add to the library"</h2>
            <details open=move || upload_error.get().is_some()>
                <summary>"Upload a file"</summary>
                <form method="post" action=upload enctype="multipart/form-data" class="stack">
                    <Field label="File" name="file" id="upload-file" kind="file" error=upload_error required=true accept hint=file_hint/>
                    <DescriptionFields form="upload" input=ContentInput::default() choices=choices.clone() error=upload_error/>
                    <FormError error=upload_error/>
                    <button type="submit" class="button primary">"Upload the file"</button>
                </form>
            </details>
            <details open=move || link_error.get().is_some()>
                <summary>"Add a link"</summary>
                <ActionForm action=add_link attr:class="stack">
                    <Field label="Address" name="url" id="link-url" kind="url" error=link_error required=true
                        hint="Where it goes, beginning with https://."/>
                    <DescriptionFields form="link" input=ContentInput::default() choices error=link_error/>
                    <FormError error=link_error/>
                    <button type="submit" class="button primary">"Add the link"</button>
                </ActionForm>
            </details>
        </section>
    }
}

/// The id in the address (`/content/{id}`); 0 when it is not a number (answered "not found").
fn id_param() -> impl Fn() -> i64 + Send + Sync + Copy + 'static {
    let params = use_params_map();
    move || params.read().get("id").and_then(|id| id.parse().ok()).unwrap_or(0)
}

#[component]
pub fn ContentItemPage() -> impl IntoView {
    let save = ServerAction::<SaveContent>::new();
    let remove = ServerAction::<RemoveContent>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            navigate("/content", Default::default());
        }
    });
    let id = id_param();
    guarded_page(
        CONTENT_MANAGER_ROLES,
        move || (id(), save.version().get()),
        |(id, _)| content_item(id),
        move |_, detail| view! { <ItemDetail detail save remove/> },
    )
}

#[component]
fn ItemDetail(
    detail: ContentDetail,
    save: ServerAction<SaveContent>,
    remove: ServerAction<RemoveContent>,
) -> impl IntoView {
    let error = form_error(save);
    let card = detail.card;
    let saved =
        move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <Notice text="Saved." tone="success"/> });
    let link = card.kind == ContentKind::Link;
    let opened = detail.downloads.iter().map(|(_, count, _)| count).sum::<i64>();
    view! {
        <p class="crumbs"><a href="/content">"Content library"</a> " / " {card.title.clone()}</p>
        <h1>{card.title.clone()}</h1>
        {saved}
        <ul class="content-list">
            <ContentItem card=card.clone() manage=false partner=false/>
        </ul>
        <section class="card" aria-labelledby="edit-title">
            <h2 id="edit-title">"Describe it"</h2>
            <ActionForm action=save attr:class="stack">
                <input type="hidden" name="id" value=card.id.to_string()/>
                {link.then(|| view! {
                    <Field label="Address" name="url" kind="url" error value=detail.input.url.clone() required=true/>
                })}
                <DescriptionFields form="edit" input=detail.input choices=detail.choices error/>
                <FormError error/>
                <button type="submit" class="button primary">"Save"</button>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="downloads-title">
            <h2 id="downloads-title">{format!("Opened by partners: {}", crate::text::count(opened, "time", "times"))}</h2>
            {match detail.downloads.is_empty() {
                true => view! { <p class="muted">"No partner has opened it yet."</p> }.into_any(),
                false => view! {
                    <ScrollTable label="Partners that opened it">
                        <table>
                            <thead><tr><th scope="col">"Partner"</th><th scope="col">"Times"</th><th scope="col">"Last"</th></tr></thead>
                            <tbody>
                                {detail.downloads.into_iter().map(|(name, count, last)| view! {
                                    <tr><td>{name}</td><td>{count}</td><td>{day(last)}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </ScrollTable>
                }.into_any(),
            }}
        </section>
        <section class="card" aria-labelledby="remove-title">
            <h2 id="remove-title">"Remove it"</h2>
            <p>"Partners no longer see it, and its download counts go with it."</p>
            <ActionForm action=remove>
                <input type="hidden" name="id" value=card.id.to_string()/>
                <button type="submit" class="button danger">"Remove from the library"</button>
            </ActionForm>
        </section>
    }
}
