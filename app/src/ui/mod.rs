//! The design system's components: form fields with inline errors ([`form`]), notices, badges,
//! stat cards, tables, pagers, and the agenda a home lists ([`agenda`]).

pub mod agenda;
mod form;

pub use form::{CheckGroup, Field, FormError, FormErrors, form_error, posted_error, reload_on_success};

use leptos::prelude::*;

#[component]
pub fn Notice(#[prop(into)] text: String, #[prop(default = "info")] tone: &'static str) -> impl IntoView {
    view! { <div class=format!("notice notice-{tone}") role="status">{text}</div> }
}

/// A moment as pages show it: "2026-12-05 03:18 UTC".
pub fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A short label in a tone; `title` is the hover text that says more, when there is more to say.
#[component]
pub fn Badge(
    #[prop(into)] text: String,
    #[prop(default = "neutral")] tone: &'static str,
    #[prop(optional_no_strip)] title: Option<String>,
) -> impl IntoView {
    view! { <span class=format!("badge badge-{tone}") title=title>{text}</span> }
}

/// One filter of a search form kept in the address: a select named `id` of `choices` (value,
/// label), with "any" first and `current` chosen.
pub fn filter_choice(
    id: &'static str,
    label: &'static str,
    any: &'static str,
    current: Option<String>,
    choices: Vec<(String, String)>,
) -> impl IntoView {
    let current = current.unwrap_or_default();
    view! {
        <div class="field">
            <label for=format!("filter-{id}")>{label}</label>
            <select id=format!("filter-{id}") name=id>
                <option value="" selected=current.is_empty()>{any}</option>
                {choices.into_iter().map(|(value, text)| {
                    let selected = value == current;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
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

/// A day as pages write one (UTC): `2026-12-03`.
pub fn day_text(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// A moment as pages write one (UTC), to the minute: `2026-12-03 14:05`.
pub fn minute_text(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
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
