//! The partner import's pages: upload a file (`/admin/partner-import`), then its preview and the
//! import with a progress bar (`/admin/partner-import/{id}`).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

use super::server::{ImportPartners, UploadPartnerImport, import_partners, partner_import, partner_imports};
use super::{COLUMNS, EXAMPLE_PATH, ImportProgress, ImportSummary, ImportView, MAX_ROWS, RowOutcome, rows_text};
use crate::auth::access::ADMINISTRATION_ROLES;
use crate::error::AppError;
use crate::layout::guarded_page;
use crate::ui::{Field, FormError, FormErrors, Notice, ScrollTable, posted_error, when};

const PAGE: &str = "/admin/partner-import";

/// What each column holds, as the upload page explains it.
fn column_hint(column: &str) -> &'static str {
    match column {
        "company" => "The partner's name (required). A partner of that name already here is left as it is.",
        "admin_email" => "Its first admin, invited by email (required).",
        "partner_type" => "One of the program's partner types.",
        "tier" => "One of the program's tiers; the entry tier when empty.",
        "region" => "One of the program's regions.",
        "channel_manager" => "The sign-in email of the channel manager who looks after it.",
        "website" => "Like https://www.company.com.",
        _ => "Where its main office is.",
    }
}

#[component]
pub fn PartnerImportsPage() -> impl IntoView {
    guarded_page(
        ADMINISTRATION_ROLES,
        || (),
        |_| partner_imports(),
        |_, imports: Vec<ImportSummary>| {
            let upload = <UploadPartnerImport as ServerFn>::PATH;
            let error = FormErrors::new(posted_error(upload));
            view! {
                <p class="crumbs"><a href="/admin">"Administration"</a> " / Import partners"</p>
                <h1>"Import partners"</h1>
                <p class="lead">"Add partner organisations from a CSV file and invite each one's first admin by email. \
                    You see every row before anything is written."</p>
                <section class="card" aria-labelledby="import-upload">
                    <h2 id="import-upload">"Upload a file"</h2>
                    <form method="post" action=upload enctype="multipart/form-data" class="stack">
                        <Field label="CSV file" name="file" kind="file" error required=true accept=".csv,text/csv"
                            hint=format!("Saved from a spreadsheet as CSV (Excel's \u{201c}CSV UTF-8\u{201d} included; \
                                commas or semicolons). At most {MAX_ROWS} rows.")/>
                        <FormError error/>
                        <button type="submit" class="button primary">"Upload and preview"</button>
                    </form>
                    <p><a href=EXAMPLE_PATH download="partners.csv">"Download an example file"</a></p>
                </section>
                <section class="card" aria-labelledby="import-columns">
                    <h2 id="import-columns">"Columns"</h2>
                    <p class="hint">"The first row names the columns, in any order."</p>
                    <dl class="columns-list">
                        {COLUMNS.iter().map(|column| view! {
                            <dt><code>{*column}</code></dt>
                            <dd>{column_hint(column)}</dd>
                        }).collect_view()}
                    </dl>
                </section>
                <section class="card" aria-labelledby="import-history">
                    <h2 id="import-history">"Recent uploads"</h2>
                    {match imports.is_empty() {
                        true => view! { <p class="muted">"No file uploaded yet."</p> }.into_any(),
                        false => view! { <Uploads imports/> }.into_any(),
                    }}
                </section>
            }
        },
    )
}

#[component]
fn Uploads(imports: Vec<ImportSummary>) -> impl IntoView {
    view! {
        <ScrollTable label="Recent uploads">
            <table class="stacked" data-testid="imports">
                <thead><tr><th scope="col">"File"</th><th scope="col">"Uploaded"</th><th scope="col">"Rows"</th>
                    <th scope="col">"Imported"</th></tr></thead>
                <tbody>
                    {imports.into_iter().map(|import| {
                        let state = match (import.finished_at, import.done) {
                            (Some(at), _) => format!("{} new partners, {}", import.created, when(at)),
                            (None, 0) => "Not yet".to_owned(),
                            (None, done) => format!("{done} of {} rows so far", import.total),
                        };
                        view! {
                            <tr>
                                <td data-label="File" class="break">
                                    <a href=format!("{PAGE}/{}", import.id)>{import.file_name}</a></td>
                                <td data-label="Uploaded">{format!("{} by {}", when(import.uploaded_at), import.uploaded_by)}</td>
                                <td data-label="Rows">{import.total}</td>
                                <td data-label="Imported">{state}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollTable>
    }
}

#[component]
pub fn PartnerImportPage() -> impl IntoView {
    let params = use_params_map();
    // Bumped when an import the page ran stops, so the page reads the upload afresh.
    let ran = RwSignal::new(0usize);
    let source = move || (params.read().get("id").and_then(|id| id.parse::<i64>().ok()), ran.get());
    let load = |(id, _): (Option<i64>, usize)| async move {
        match id {
            Some(id) => partner_import(id).await,
            None => Err(AppError::NotFound),
        }
    };
    guarded_page(ADMINISTRATION_ROLES, source, load, move |_, page: ImportView| view! { <Preview page ran/> })
}

#[component]
fn Preview(page: ImportView, ran: RwSignal<usize>) -> impl IntoView {
    let ImportView {
        id, file_name, uploaded_by, uploaded_at, bad, new_partners, already_there, shown, progress, ..
    } = page;
    let head = view! {
        <p class="crumbs"><a href="/admin">"Administration"</a> " / " <a href=PAGE>"Import partners"</a></p>
        <h1 class="break">{file_name}</h1>
        <p class="muted">{format!("Uploaded by {uploaded_by}, {}", when(uploaded_at))}</p>
    };
    let started = progress.done > 0;
    let body = if progress.finished {
        view! {
            <Notice tone="success" text=format!(
                "Imported: {} new partners, each one's admin invited by email; {} already partners, left as they were.",
                progress.created, progress.unchanged)/>
            <p><a class="button secondary" href="/partners">"See the partners"</a></p>
        }
        .into_any()
    } else if !bad.is_empty() {
        let said = match started {
            false => format!(
                "{} cannot be imported, so nothing has been. Mend them in the spreadsheet and upload \
                the file again.",
                rows_text(bad.len())
            ),
            true => format!(
                "{} not imported yet cannot be now (the program changed), so no more have been. Mend \
                them in the spreadsheet and upload the file again: the partners imported already are left as they are.",
                rows_text(bad.len())
            ),
        };
        view! {
            <div class="notice notice-error" role="alert" data-testid="bad-rows">
                <p>{said}</p>
                <ul>{bad.iter().map(|row| view! { <li>{row.text()}</li> }).collect_view()}</ul>
            </div>
            <p><a class="button secondary" href=PAGE>"Upload a file"</a></p>
        }
        .into_any()
    } else {
        view! { <Run id new_partners already_there progress ran/> }.into_any()
    };
    view! {
        {head}
        {body}
        {(!shown.is_empty()).then(|| view! { <Rows shown/> })}
    }
}

/// The import's summary, its button and its progress bar.
#[component]
fn Run(
    id: i64,
    new_partners: usize,
    already_there: usize,
    progress: ImportProgress,
    ran: RwSignal<usize>,
) -> impl IntoView {
    let current = RwSignal::new(progress);
    let running = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let posted = posted_error(<ImportPartners as ServerFn>::PATH);
    let errors = FormErrors::new(Signal::derive(move || error.get().or_else(|| posted.get())));
    // With JavaScript the rows go in batches and the bar moves; without, the form posts the whole
    // import and the page comes back when it is done.
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if running.get_untracked() {
            return;
        }
        running.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            loop {
                match import_partners(id).await {
                    Ok(progress) => {
                        current.set(progress);
                        if progress.finished {
                            break;
                        }
                    }
                    Err(failed) => {
                        // Said here, the page as it is: reading it afresh would lose the message.
                        error.set(Some(failed));
                        running.set(false);
                        return;
                    }
                }
            }
            running.set(false);
            ran.update(|ran| *ran += 1);
        });
    };
    let started = progress.done > 0;
    let action = <ImportPartners as ServerFn>::PATH;
    let summary = format!(
        "{new_partners} new partners, each one's admin invited by email; {already_there} already partners, left as they are."
    );
    view! {
        <section class="card" aria-labelledby="import-run">
            <h2 id="import-run">"Ready to import"</h2>
            <p data-testid="import-summary">{summary}</p>
            {move || {
                let progress = current.get();
                (running.get() || progress.done > 0).then(|| view! {
                    <p class="import-progress">
                        <progress max=progress.total value=progress.done aria-label="Rows imported"
                            data-testid="import-progress"></progress>
                        " " {format!("{} of {} rows ({}%)", progress.done, progress.total, progress.percent())}
                    </p>
                })
            }}
            <FormError error=errors/>
            {match new_partners == 0 && !started {
                true => view! { <p class="muted">"Nothing to import: every partner in the file is here already."</p> }.into_any(),
                false => view! {
                    <form method="post" action=action on:submit=on_submit>
                        <input type="hidden" name="id" value=id/>
                        <button type="submit" class="button primary" disabled=move || running.get()>
                            {match started {
                                true => "Carry on importing".to_owned(),
                                false => format!("Import {new_partners} partners"),
                            }}
                        </button>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}

/// The file's first rows, with what importing each does.
#[component]
fn Rows(shown: Vec<(super::ShownRow, RowOutcome)>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="import-rows">
            <h2 id="import-rows">"The file's rows"</h2>
            <ScrollTable label="The file's rows">
                <table class="stacked" data-testid="import-rows">
                    <thead><tr><th scope="col">"Row"</th><th scope="col">"Company"</th><th scope="col">"Admin"</th>
                        <th scope="col">"Type"</th><th scope="col">"Tier"</th><th scope="col">"Region"</th>
                        <th scope="col">"Importing it"</th></tr></thead>
                    <tbody>
                        {shown.into_iter().map(|(row, outcome)| view! {
                            <tr>
                                <td data-label="Row">{row.line}</td>
                                <td data-label="Company" class="break">{row.company}</td>
                                <td data-label="Admin" class="break">{row.admin_email}</td>
                                <td data-label="Type">{row.partner_type}</td>
                                <td data-label="Tier">{row.tier}</td>
                                <td data-label="Region">{row.region}</td>
                                <td data-label="Importing it">{outcome.label()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollTable>
        </section>
    }
}
