//! The design system's components: form fields with inline errors, notices, badges, stat cards.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;
use server_fn::error::ServerFnUrlError;

use crate::error::AppError;

/// The error to show for a form: the action's last result once hydrated, or, after a plain
/// form post without JavaScript, the error the server put in the page's address.
pub fn form_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let query = use_query_map();
    Signal::derive(move || {
        if let Some(result) = action.value().get() {
            return result.err();
        }
        let query = query.read();
        match (query.get("__path"), query.get("__err")) {
            (Some(path), Some(encoded)) if path == S::PATH => Some(ServerFnUrlError::<AppError>::decode_err(&encoded)),
            _ => None,
        }
    })
}

/// After the action succeeds, loads `path` afresh, so every part of the page sees the new session.
pub fn reload_on_success<S>(action: ServerAction<S>, path: &'static str)
where
    S: ServerFn<Error = AppError, Output = ()> + Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            #[cfg(feature = "hydrate")]
            if let Some(window) = web_sys::window() {
                let _ = window.location().set_href(path);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = path;
        }
    });
}

/// A labelled input with its inline error. `name` is the server function's argument name.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(default = false)] required: bool,
    /// Called with the new value as the person types (for checks as they type).
    #[prop(optional, into)]
    on_input: Option<Callback<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = move || error.get().and_then(|error| error.field_message(name));
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if message().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || message().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
            <input
                id=id.clone()
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                required=required
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby=described_by
                on:input=move |ev| {
                    if let Some(on_input) = on_input {
                        on_input.run(event_target_value(&ev));
                    }
                }
            />
            {move || message().map(|text| view! { <p class="field-error" id=error_id.clone()>{text}</p> })}
        </div>
    }
}

/// The form-level message: anything not about one field (those show next to their field).
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        let text = match error.get()? {
            AppError::Invalid { fields } => fields.get("form").cloned()?,
            other => other.to_string(),
        };
        Some(view! { <div class="notice notice-error" role="alert">{text}</div> })
    }
}

#[component]
pub fn Notice(#[prop(into)] text: String, #[prop(default = "info")] tone: &'static str) -> impl IntoView {
    view! { <div class=format!("notice notice-{tone}") role="status">{text}</div> }
}

#[component]
pub fn Badge(#[prop(into)] text: String, #[prop(default = "neutral")] tone: &'static str) -> impl IntoView {
    view! { <span class=format!("badge badge-{tone}")>{text}</span> }
}

#[component]
pub fn Stat(label: &'static str, #[prop(into)] value: String) -> impl IntoView {
    view! {
        <div class="card stat">
            <p class="stat-label">{label}</p>
            <p class="stat-value">{value}</p>
        </div>
    }
}

/// A table that scrolls sideways on narrow screens; focusable so keyboard users can scroll it too.
#[component]
pub fn ScrollTable(label: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="table-wrap" role="region" aria-label=label tabindex="0">
            {children()}
        </div>
    }
}

/// The badge tone of a tier, so tiers look the same on every page.
pub fn tier_tone(tier: &str) -> &'static str {
    match tier {
        "Platinum" => "platinum",
        "Gold" => "gold",
        "Silver" => "silver",
        _ => "neutral",
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode_query(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// "Previous page" and "Next page" links under a paged list, each shown when there is such a page.
#[component]
pub fn Pager(previous: Option<String>, next: Option<String>) -> impl IntoView {
    view! {
        <nav class="pager" aria-label="Pages">
            {previous.map(|href| view! { <a class="button secondary" href=href rel="prev">"Previous page"</a> })}
            {next.map(|href| view! { <a class="button secondary" href=href rel="next">"Next page"</a> })}
        </nav>
    }
}

/// Field errors of a page's query (a period, a filter) as one alert, a line per field.
#[component]
pub fn FieldAlert(fields: crate::error::FieldErrors) -> impl IntoView {
    view! {
        <div class="notice error" role="alert">
            {fields.into_iter().map(|(field, message)| view! { <p data-field=field>{message}</p> }).collect_view()}
        </div>
    }
}
