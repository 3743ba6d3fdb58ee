//! Live updates in the browser. A page that shows live figures calls [`use_live`]: once hydrated
//! the tab listens to the server's `/live` event stream, and the page's `version` goes up on every
//! notice of a change, which its resources track to fetch a fresh snapshot; `told` goes up when
//! the signed-in person was told something (the bell re-reads its count). A tab has one
//! connection, made by the app ([`provide_live`]) and opened by the first page or bell that
//! listens; it stays open across pages. A dropped connection is retried with back-off (1, 2, 4 …
//! 30 seconds); after reconnecting both numbers go up, so nothing that happened while it was away
//! is missed. Notices carry no data of their own, only that something changed: each page
//! re-reads through its own, access-checked, server function.

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
    /// Goes up whenever something changed that a page may show.
    pub version: ReadSignal<u64>,
    /// Goes up whenever the signed-in person was told something.
    pub told: ReadSignal<u64>,
    pub state: ReadSignal<LiveState>,
}

/// What a notice from the server means to a tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heard {
    /// Something changed: pages re-read.
    Changed,
    /// The person was told something: the bell re-reads.
    Told,
    /// Notices were missed: everything re-reads.
    Everything,
}

impl Heard {
    /// The meaning of a notice's JSON text (`{"kind": …}`).
    pub fn of(notice: &str) -> Heard {
        #[derive(serde::Deserialize)]
        struct Notice {
            kind: String,
        }
        match serde_json::from_str::<Notice>(notice).map(|notice| notice.kind) {
            Ok(kind) if kind == "notification" => Heard::Told,
            Ok(kind) if kind != "resync" => Heard::Changed,
            _ => Heard::Everything,
        }
    }
}

/// Seconds to wait before reconnecting after `failures` failed attempts in a row.
pub fn backoff_seconds(failures: u32) -> u32 {
    1u32.checked_shl(failures.min(5)).unwrap_or(32).min(30)
}

/// The tab's one connection to the live stream, and what it has heard (only the browser hears).
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct Channel {
    live: Live,
    set_version: WriteSignal<u64>,
    set_told: WriteSignal<u64>,
    set_state: WriteSignal<LiveState>,
    opened: StoredValue<bool>,
}

impl Channel {
    fn new() -> Channel {
        let (version, set_version) = signal(0u64);
        let (told, set_told) = signal(0u64);
        let (state, set_state) = signal(LiveState::Waiting);
        Channel {
            live: Live { version, told, state },
            set_version,
            set_told,
            set_state,
            opened: StoredValue::new(false),
        }
    }

    #[cfg(feature = "hydrate")]
    fn open(self) {
        if !self.opened.get_value() {
            self.opened.set_value(true);
            browser::connect(self, 0);
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn hear(self, heard: Heard) {
        if heard != Heard::Told {
            self.set_version.try_update(|version| *version += 1);
        }
        if heard != Heard::Changed {
            self.set_told.try_update(|told| *told += 1);
        }
    }
}

/// Makes the tab's live channel, once, in the app: it is opened by the first page that listens.
pub fn provide_live() {
    provide_context(Channel::new());
}

/// The tab's live channel, opened once the page is hydrated.
pub fn use_live() -> Live {
    let channel = use_context::<Channel>().unwrap_or_else(Channel::new);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| channel.open());
    channel.live
}

/// The connection's state as a component shows it: as the server rendered it (`Waiting`) until the
/// component has hydrated, then as it is. The tab's one connection may have opened before a page
/// (its chunk loaded late) hydrates, and hydration must find what the server wrote.
pub fn shown_state(live: Live) -> Signal<LiveState> {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    Signal::derive(move || if hydrated.get() { live.state.get() } else { LiveState::Waiting })
}

/// "Live" or "Reconnecting…", next to a live page's title.
#[component]
pub fn LiveBadge(live: Live) -> impl IntoView {
    let state = shown_state(live);
    let text = move || match state.get() {
        LiveState::Waiting => "",
        LiveState::Connected => "● Live",
        LiveState::Reconnecting => "Reconnecting…",
    };
    let class = move || match state.get() {
        LiveState::Connected => "live-badge connected",
        _ => "live-badge",
    };
    view! { <span class=class data-live=move || format!("{:?}", state.get()).to_lowercase() role="status">{text}</span> }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::EventSource;

    use super::{Channel, Heard, LiveState, backoff_seconds};

    pub fn connect(channel: Channel, failures: u32) {
        let Ok(source) = EventSource::new("/live") else {
            retry(channel, failures);
            return;
        };
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |message: web_sys::MessageEvent| {
            let text = message.data().as_string().unwrap_or_default();
            channel.hear(Heard::of(&text));
        });
        let opened = std::rc::Rc::new(std::cell::Cell::new(false));
        let opened_here = opened.clone();
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            opened_here.set(true);
            channel.set_state.try_set(LiveState::Connected);
            // Back after a break: fetch what changed meanwhile.
            if failures > 0 {
                channel.hear(Heard::Everything);
            }
        });
        let failed = source.clone();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            failed.close();
            channel.set_state.try_set(LiveState::Reconnecting);
            // A connection that worked for a while starts the back-off again from one second.
            let failures = if opened.get() { 1 } else { failures + 1 };
            retry(channel, failures);
        });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // The handlers live as long as the connection; there is one per (re)connection.
        on_message.forget();
        on_open.forget();
        on_error.forget();
    }

    fn retry(channel: Channel, failures: u32) {
        let wait = std::time::Duration::from_secs(u64::from(backoff_seconds(failures.saturating_sub(1))));
        set_timeout(move || connect(channel, failures), wait);
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

    #[test]
    fn a_notice_tells_the_bell_or_the_page_or_both() {
        assert_eq!(Heard::of(r#"{"kind":"notification","at":"2026-12-04T00:00:00Z"}"#), Heard::Told);
        assert_eq!(Heard::of(r#"{"kind":"deal","at":"2026-12-04T00:00:00Z"}"#), Heard::Changed);
        assert_eq!(Heard::of(r#"{"kind":"resync"}"#), Heard::Everything);
        assert_eq!(Heard::of("not json"), Heard::Everything);
    }
}
