//! The bell beside a person's name: how many notifications are unread, kept live; a link to
//! `/notifications` (the page is [`crate::account`]'s).

use leptos::prelude::*;

use crate::live::{shown_state, use_live};

/// The bell in the header, with `unread` as the page was rendered; once hydrated it re-reads the
/// count whenever the person is told something, on any of their tabs or devices.
#[component]
pub fn Bell(unread: i64) -> impl IntoView {
    let count = RwSignal::new(unread);
    let live = use_live();
    let state = shown_state(live);
    // Reads may finish out of order: only the newest one's count is shown.
    let asked = StoredValue::new(0u64);
    Effect::new(move |seen: Option<u64>| {
        let told = live.told.get();
        if seen.is_some_and(|seen| seen != told) {
            asked.update_value(|asked| *asked += 1);
            let this = asked.get_value();
            leptos::task::spawn_local(async move {
                if let Ok(unread) = super::server::unread_notifications().await
                    && asked.try_get_value() == Some(this)
                {
                    count.try_set(unread);
                }
            });
        }
        told
    });
    let label = move || match count.get() {
        0 => "Notifications".to_owned(),
        1 => "Notifications, 1 unread".to_owned(),
        unread => format!("Notifications, {unread} unread"),
    };
    view! {
        <a class="bell" href="/notifications" data-testid="bell" aria-label=label title=label
            data-live=move || format!("{:?}", state.get()).to_lowercase()>
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"/>
            </svg>
            {move || (count.get() > 0).then(|| view! { <span class="nav-count" data-testid="unread-count">{count.get()}</span> })}
        </a>
    }
}
