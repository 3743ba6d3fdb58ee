//! The program's performance settings, on the administration page: whether leaderboards show
//! partners' names, what activates a new partner, and the gross margin Program ROI weighs revenue by.

use leptos::prelude::*;

use crate::kpi::server::SaveProgramSettings;
use crate::kpi::{ActivationEvent, ProgramSettings};
use crate::ui::{Field, FormError, Notice, form_error};

#[component]
pub fn PerformanceSettings(settings: ProgramSettings, save: ServerAction<SaveProgramSettings>) -> impl IntoView {
    let error = form_error(save);
    let names = vec![
        ("anonymous".to_owned(), "Anonymised: each partner sees only its own name".to_owned()),
        ("named".to_owned(), "By name".to_owned()),
    ];
    let shown = if settings.leaderboard_names { "named" } else { "anonymous" };
    let events = vec![
        (ActivationEvent::Won.as_str().to_owned(), "Winning its first deal".to_owned()),
        (ActivationEvent::Registered.as_str().to_owned(), "Registering its first deal".to_owned()),
    ];
    view! {
        <section class="card" aria-labelledby="performance-settings-title">
            <h2 id="performance-settings-title">"Performance settings"</h2>
            <ActionForm action=save attr:class="stack">
                <Field label="Leaderboards show partners" name="leaderboard_names" options=names value=shown error/>
                <Field label="A new partner is activated by" name="activation_event" options=events
                    value=settings.activation_event.as_str() error/>
                <Field label="Within this many days of joining" name="activation_days" kind="number"
                    value=settings.activation_days.to_string() error required=true/>
                <Field label="Gross margin on partner revenue (%)" name="gross_margin"
                    value=crate::tiers::form::percent_input(settings.gross_margin_bp) error required=true
                    hint="Program ROI weighs partner revenue by it."/>
                <FormError error/>
                {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <Notice text="Settings saved." tone="success"/> })}
                <button type="submit" class="button primary">"Save settings"</button>
            </ActionForm>
            <p class="muted small">"Reporting currency: " {settings.reporting_currency} "."</p>
        </section>
    }
}
