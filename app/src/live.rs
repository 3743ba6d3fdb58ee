//! Live updates in the browser. A page that shows live figures calls [`use_live`]: once hydrated
//! it listens to the server's `/live` event stream, and its `version` goes up on every notice,
//! which the page's resources track to fetch a fresh snapshot. A dropped connection is retried
//! with back-off (1, 2, 4 … 30 seconds); after reconnecting the page fetches a fresh snapshot
//! too, so nothing that happened while it was away is missed. Notices carry no data of their
//! own, only that something changed: each page re-reads through its own, access-checked, server function.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveState {
    /// Server-rendered, or not connected yet.
    Waiting,
    Connected,
    Reconnecting,
}

#[derive(Clone, Copy)]
pub struct Live {
    pub version: ReadSignal<u64>,
    pub state: ReadSignal<LiveState>,
}

/// Seconds to wait before reconnecting after `failures` failed attempts in a row.
pub fn backoff_seconds(failures: u32) -> u32 {
    1u32.checked_shl(failures.min(5)).unwrap_or(32).min(30)
}

pub fn use_live() -> Live {
    let (version, set_version) = signal(0u64);
    let (state, set_state) = signal(LiveState::Waiting);
    #[cfg(feature = "hydrate")]
    browser::listen(set_version, set_state);
    #[cfg(not(feature = "hydrate"))]
    let _ = (set_version, set_state);
    Live { version, state }
}

/// "Live" or "Reconnecting…", next to a live page's title.
#[component]
pub fn LiveBadge(live: Live) -> impl IntoView {
    let text = move || match live.state.get() {
        LiveState::Waiting => "",
        LiveState::Connected => "● Live",
        LiveState::Reconnecting => "Reconnecting…",
    };
    let class = move || match live.state.get() {
        LiveState::Connected => "live-badge connected",
        _ => "live-badge",
    };
    view! { <span class=class data-live=move || format!("{:?}", live.state.get()).to_lowercase() role="status">{text}</span> }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::EventSource;

    use super::{LiveState, backoff_seconds};

    /// The open connection, held by the page; gone (and closed) when the page goes.
    type Connection = StoredValue<Option<EventSource>, LocalStorage>;

    pub fn listen(set_version: WriteSignal<u64>, set_state: WriteSignal<LiveState>) {
        let connection: Connection = StoredValue::new_local(None);
        on_cleanup(move || {
            if let Some(Some(source)) = connection.try_get_value() {
                source.close();
            }
        });
        Effect::new(move |_| connect(connection, set_version, set_state, 0));
    }

    fn connect(
        connection: Connection,
        set_version: WriteSignal<u64>,
        set_state: WriteSignal<LiveState>,
        failures: u32,
    ) {
        // The page has gone: stop.
        if connection.try_get_value().is_none() {
            return;
        }
        let Ok(source) = EventSource::new("/live") else {
            retry(connection, set_version, set_state, failures);
            return;
        };
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
            set_version.try_update(|version| *version += 1);
        });
        let opened = std::rc::Rc::new(std::cell::Cell::new(false));
        let opened_here = opened.clone();
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            opened_here.set(true);
            set_state.try_set(LiveState::Connected);
            // Back after a break: fetch what changed meanwhile.
            if failures > 0 {
                set_version.try_update(|version| *version += 1);
            }
        });
        let failed = source.clone();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            failed.close();
            set_state.try_set(LiveState::Reconnecting);
            // A connection that worked for a while starts the back-off again from one second.
            let failures = if opened.get() { 1 } else { failures + 1 };
            retry(connection, set_version, set_state, failures);
        });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // The handlers live as long as the connection; there is one per (re)connection.
        on_message.forget();
        on_open.forget();
        on_error.forget();
        connection.try_set_value(Some(source));
    }

    fn retry(connection: Connection, set_version: WriteSignal<u64>, set_state: WriteSignal<LiveState>, failures: u32) {
        let wait = std::time::Duration::from_secs(u64::from(backoff_seconds(failures.saturating_sub(1))));
        set_timeout(move || connect(connection, set_version, set_state, failures), wait);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnecting_backs_off_to_thirty_seconds() {
        let waits: Vec<u32> = (0..8).map(backoff_seconds).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30, 30]);
    }
}
