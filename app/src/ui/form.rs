//! Forms: one field component for every control (input, select, text area) with its label,
//! hint, inline error and `aria-describedby`, and the form-level summary that links to each field
//! with a message and shows every message no field on the form claims.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;
use server_fn::error::ServerFnUrlError;

use crate::error::AppError;

/// A form's error, and the fields that show their own messages. Each [`Field`] claims its name
/// (with its label) as it is built, before anything renders, so [`FormError`] links to each field
/// with a message and shows in full exactly the messages no field shows: none is lost.
#[derive(Clone, Copy)]
pub struct FormErrors {
    error: Signal<Option<AppError>>,
    /// Each field's name, with its control's id and its label.
    claimed: StoredValue<BTreeMap<String, (String, String)>>,
}

/// What a form's summary says: the fields to correct (id, label) in the order of the form, and
/// the messages no field shows.
#[derive(Clone, Debug, Default, PartialEq)]
struct Summary {
    fields: Vec<(String, String)>,
    messages: Vec<String>,
}

impl FormErrors {
    pub fn new(error: Signal<Option<AppError>>) -> FormErrors {
        FormErrors { error, claimed: StoredValue::new(BTreeMap::new()) }
    }

    /// The message for one field, if the form's error carries one.
    pub fn message(&self, name: &str) -> Option<String> {
        self.error.get().and_then(|error| error.field_message(name))
    }

    /// What was typed in one field, when the error the page opened with gives it back (a post
    /// without JavaScript). Read once: in the browser, the fields keep what is typed themselves.
    pub fn typed_untracked(&self, name: &str) -> Option<String> {
        self.error.get_untracked().and_then(|error| error.typed(name))
    }

    pub fn get(&self) -> Option<AppError> {
        self.error.get()
    }

    fn claim(&self, name: &str, id: &str, label: &str) {
        self.claimed.update_value(|claimed| {
            claimed.insert(name.to_owned(), (id.to_owned(), label.to_owned()));
        });
    }

    fn summary(&self) -> Summary {
        match self.error.get() {
            None => Summary::default(),
            Some(AppError::Invalid { fields, .. }) => self.claimed.with_value(|claimed| {
                let mut summary = Summary::default();
                for (name, message) in fields {
                    match claimed.get(name.as_str()) {
                        Some((id, label)) => summary.fields.push((id.clone(), label.clone())),
                        None => summary.messages.push(message),
                    }
                }
                summary
            }),
            Some(other) => Summary { fields: Vec::new(), messages: vec![other.to_string()] },
        }
    }
}

/// The errors of a form posted through `action`: the action's last result once hydrated, or,
/// after a plain form post without JavaScript, the error the server put in the page's address.
pub fn form_error<S>(action: ServerAction<S>) -> FormErrors
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let posted = posted_error(S::PATH);
    FormErrors::new(Signal::derive(move || match action.value().get() {
        Some(result) => result.err(),
        None => posted.get(),
    }))
}

/// The error the server put in the page's address after a plain form post to the server function
/// at `path` (a form with a file is always posted so, JavaScript or not).
pub fn posted_error(path: &'static str) -> Signal<Option<AppError>> {
    let query = use_query_map();
    Signal::derive(move || {
        let query = query.read();
        match (query.get("__path"), query.get("__err")) {
            (Some(posted), Some(encoded)) if posted == path => Some(ServerFnUrlError::<AppError>::decode_err(&encoded)),
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

/// One labelled control with its hint and inline error: an input (`kind`; a `checkbox` sends
/// `on` when ticked, its label beside it), a select (`options`, `value` chosen) or a text area
/// (`rows`). `name` is the server function's argument name (`tiers[2][name]` for a field of a
/// list's row).
#[component]
pub fn Field(
    #[prop(into)] label: String,
    #[prop(into)] name: Oco<'static, str>,
    error: FormErrors,
    /// The control's id, when two forms of a page have a field of the same name (`field-{name}`
    /// otherwise).
    #[prop(optional, into)]
    id: Option<String>,
    #[prop(default = "text")] kind: &'static str,
    /// Choices (value, label): the field is a select.
    #[prop(optional)]
    options: Option<Vec<(String, String)>>,
    /// Lines: the field is a text area of this many rows.
    #[prop(optional)]
    rows: Option<u32>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    /// The file types a file input offers.
    #[prop(optional)]
    accept: Option<&'static str>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(default = false)] required: bool,
    /// A check box ticked to begin with.
    #[prop(default = false)]
    checked: bool,
    /// Called with the new value as the person types or chooses (for checks as they type).
    #[prop(optional, into)]
    on_input: Option<Callback<String>>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("field-{name}"));
    error.claim(&name, &id, &label);
    // What was typed comes back with the messages after a post without JavaScript.
    let value = error.typed_untracked(&name).or(value);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let claimed_name = StoredValue::new(name.to_string());
    let message = move || claimed_name.with_value(|name| error.message(name));
    let has_hint = hint.is_some();
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if message().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || message().is_some().then_some("true");
    let changed = move |ev: leptos::ev::Event| {
        if let Some(on_input) = on_input {
            on_input.run(event_target_value(&ev));
        }
    };
    let checkbox = kind == "checkbox";
    let control = match (options, rows) {
        _ if checkbox => view! {
            <input id=id.clone() name=name type="checkbox" value="on" checked=checked required=required aria-invalid=invalid
                aria-describedby=described_by/>
        }
        .into_any(),
        (Some(options), _) => view! {
            <select id=id.clone() name=name required=required aria-invalid=invalid aria-describedby=described_by
                on:change=changed>
                {options.into_iter().map(|(option, text)| {
                    let selected = value.as_deref() == Some(option.as_str());
                    view! { <option value=option selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        }
        .into_any(),
        (None, Some(rows)) => view! {
            <textarea id=id.clone() name=name rows=rows required=required aria-invalid=invalid
                aria-describedby=described_by on:input=changed>{value}</textarea>
        }
        .into_any(),
        (None, None) => view! {
            <input id=id.clone() name=name type=kind autocomplete=autocomplete accept=accept value=value required=required
                aria-invalid=invalid aria-describedby=described_by on:input=changed/>
        }
        .into_any(),
    };
    view! {
        <div class="field" class:field-check=checkbox class:field-invalid=move || message().is_some()>
            {(!checkbox).then(|| view! { <label for=id.clone()>{label.clone()}</label> })}
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
            {control}
            {checkbox.then(|| view! { <label for=id.clone()>{label.clone()}</label> })}
            {move || message().map(|text| view! { <p class="field-error pre" id=error_id.clone()>{text}</p> })}
        </div>
    }
}

/// A group of check boxes sent as `name[]` (one value per ticked box), one per choice (value,
/// label), those in `checked` ticked; its message (under `name`) beside the group.
#[component]
pub fn CheckGroup(
    #[prop(into)] legend: String,
    name: &'static str,
    /// The start of its boxes' ids, when two forms of a page have a group of the same name
    /// (`field-{name}` otherwise).
    #[prop(optional, into)]
    id: Option<String>,
    error: FormErrors,
    choices: Vec<(String, String)>,
    checked: Vec<String>,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let base = id.unwrap_or_else(|| format!("field-{name}"));
    let first = format!("{base}-0");
    error.claim(name, &first, &legend);
    let error_id = format!("{base}-error");
    let message = move || error.message(name);
    view! {
        <fieldset class="field check-group" class:field-invalid=move || message().is_some()>
            <legend>{legend}</legend>
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            {choices.into_iter().enumerate().map(|(at, (value, label))| {
                let id = format!("{base}-{at}");
                let ticked = checked.contains(&value);
                view! {
                    <label class="check" for=id.clone()>
                        <input id=id.clone() type="checkbox" name=format!("{name}[]") value=value checked=ticked/>
                        {label}
                    </label>
                }
            }).collect_view()}
            {move || message().map(|text| view! { <p class="field-error" id=error_id.clone()>{text}</p> })}
        </fieldset>
    }
}

/// Whether the person is in a text field (the summary then changes as they correct it, and must
/// not take the focus away); after a submit, the focus is on the button.
fn typing() -> bool {
    #[cfg(feature = "hydrate")]
    {
        let active =
            web_sys::window().and_then(|window| window.document()).and_then(|document| document.active_element());
        active.is_some_and(|element| matches!(element.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// The form-level summary: a link to each [`Field`] with a message, and every message no field
/// shows beside itself. With JavaScript, focus moves to it when it appears, so a keyboard or
/// screen reader user hears what to correct and can jump to each field.
#[component]
pub fn FormError(error: FormErrors) -> impl IntoView {
    let summary = Memo::new(move |_| error.summary());
    let alert = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if summary.with(|summary| summary != &Summary::default())
            && !typing()
            && let Some(alert) = alert.get()
        {
            let _ = alert.focus();
        }
    });
    move || {
        let Summary { fields, messages } = summary.get();
        (!fields.is_empty() || !messages.is_empty()).then(|| {
            let links = (!fields.is_empty()).then(|| {
                view! {
                    <p>"Please correct:"</p>
                    <ul class="error-links">
                        {fields.into_iter().map(|(id, label)| view! { <li><a href=format!("#{id}")>{label}</a></li> }).collect_view()}
                    </ul>
                }
            });
            view! {
                <div class="notice notice-error" role="alert" tabindex="-1" node_ref=alert data-testid="form-errors">
                    {messages.into_iter().map(|message| view! { <p class="pre">{message}</p> }).collect_view()}
                    {links}
                </div>
            }
        })
    }
}
