//! The vendor pipeline import: admins load the vendor's own opportunities from CSV, and the
//! conflict check compares every registration with them.

use leptos::prelude::*;

use super::when;
use crate::auth::Role;
use crate::deals::PIPELINE_COLUMNS;
use crate::deals::server::{ImportPipeline, pipeline_status};
use crate::layout::guarded_page;
use crate::ui::{Field, FormError, Notice, form_error};

#[component]
pub fn PipelinePage() -> impl IntoView {
    let import = ServerAction::<ImportPipeline>::new();
    guarded_page(
        &[Role::Admin],
        move || import.version().get(),
        |_| pipeline_status(),
        move |_, summary| {
            let error = form_error(import);
            let last = summary.last_import.map(|at| format!(", last imported {}", when(at))).unwrap_or_default();
            view! {
                <h1>"Vendor pipeline"</h1>
                <p class="muted">"The vendor's own opportunities. The conflict check compares every registration with them."</p>
                <p data-testid="pipeline-summary">{format!("{} opportunities{last}", summary.opportunities)}</p>
                {move || match import.value().get() {
                    Some(Ok(done)) => Some(view! { <Notice text=format!("Imported {} opportunities.", done.rows) tone="success"/> }),
                    _ => None,
                }}
                <section class="card" aria-labelledby="pipeline-import">
                    <h2 id="pipeline-import">"Import from CSV"</h2>
                    <p class="hint">"The first row names the columns: "
                        <code>{PIPELINE_COLUMNS.join(",")}</code>
                        ". A row with the same reference replaces the earlier one. If any row is wrong, nothing is imported."</p>
                    <FormError error/>
                    <ActionForm action=import attr:novalidate=true>
                        <Field label="CSV" name="csv" rows=8 error/>
                        <button type="submit" class="button primary">"Import"</button>
                    </ActionForm>
                </section>
            }
        },
    )
}
