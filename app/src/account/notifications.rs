//! `/notifications`: a person's newest notifications, each opening its page (and marked read),
//! "Mark all as read", and which kinds come by email too. Every part works as a plain form without
//! JavaScript. What they are and who writes them is [`crate::notifications`]'.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::auth::Role;
use crate::layout::guarded_page;
use crate::live::use_live;
use crate::notifications::server::{OpenNotification, ReadAllNotifications, SaveNotificationSettings, notifications};
use crate::notifications::{Inbox, Kind, Notification};
use crate::ui::{CheckGroup, FormError, Notice, form_error, minute_text};

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let open = ServerAction::<OpenNotification>::new();
    let read_all = ServerAction::<ReadAllNotifications>::new();
    let save = ServerAction::<SaveNotificationSettings>::new();
    let live = use_live();
    // With JavaScript, on to the page a notification is about, as a plain form post goes.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(path)) = open.value().get() {
            navigate(&path, Default::default());
        }
    });
    let source = move || (live.told.get(), read_all.version().get(), save.version().get());
    guarded_page(
        &Role::ALL,
        source,
        |_| notifications(),
        move |_, inbox: Inbox| {
            view! {
                <div class="page-head"><h1>"Notifications"</h1></div>
                <NotificationList notifications=inbox.notifications.clone() unread=inbox.unread open read_all/>
                <EmailSettings inbox save/>
            }
        },
    )
}

#[component]
fn NotificationList(
    notifications: Vec<Notification>,
    unread: i64,
    open: ServerAction<OpenNotification>,
    read_all: ServerAction<ReadAllNotifications>,
) -> impl IntoView {
    let error = form_error(open);
    if notifications.is_empty() {
        return view! { <section class="card"><Notice text="Nothing yet: what concerns you will show here."/></section> }
            .into_any();
    }
    let summary = match unread {
        0 => "All read.".to_owned(),
        1 => "1 unread.".to_owned(),
        unread => format!("{unread} unread."),
    };
    view! {
        <section class="card" aria-labelledby="newest">
            <h2 id="newest">"Newest"</h2>
            <div class="actions">
                <p class="muted" role="status" data-testid="unread-summary">{summary}</p>
                {(unread > 0).then(|| view! {
                    <ActionForm action=read_all>
                        <button type="submit" class="button secondary">"Mark all as read"</button>
                    </ActionForm>
                })}
            </div>
            <FormError error/>
            <ul class="notifications" role="list">
                {notifications.into_iter().map(|notification| {
                    let unread = notification.read_at.is_none();
                    view! {
                        <li class:unread=unread data-testid="notification">
                            <ActionForm action=open>
                                <input type="hidden" name="id" value=notification.id/>
                                <button type="submit" class="notification-link">
                                    {unread.then(|| view! { <span class="visually-hidden">"Unread: "</span> })}
                                    <span class="notification-title">{notification.title.clone()}</span>
                                    <span class="muted">{format!("{} · {} (UTC)", kind_text(notification.kind), minute_text(notification.created_at))}</span>
                                </button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

fn kind_text(kind: Kind) -> &'static str {
    match kind {
        Kind::Deal => "Deal",
        Kind::DealWaiting => "Approval",
        Kind::Funds => "Funds",
        Kind::FundsWaiting => "Approval",
        Kind::Certification => "Certification",
        Kind::Lead => "Lead",
        Kind::Payout => "Payout",
    }
}

#[component]
fn EmailSettings(inbox: Inbox, save: ServerAction<SaveNotificationSettings>) -> impl IntoView {
    let error = form_error(save);
    if inbox.settings.is_empty() {
        return ().into_any();
    }
    let choices: Vec<(String, String)> = inbox
        .settings
        .iter()
        .map(|setting| (setting.kind.as_str().to_owned(), setting.kind.label().to_owned()))
        .collect();
    let checked: Vec<String> =
        inbox.settings.iter().filter(|setting| setting.email).map(|setting| setting.kind.as_str().to_owned()).collect();
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    view! {
        <section class="card" aria-labelledby="by-email">
            <h2 id="by-email">"By email too"</h2>
            <ActionForm action=save attr:class="stack">
                <CheckGroup legend="Also send me an email when" name="email" error choices checked
                    hint="Every notification shows here and on the bell; these also come to your inbox."/>
                <FormError error/>
                <p class="actions">
                    <button type="submit" class="button primary">"Save"</button>
                    {move || saved().then(|| view! { <span role="status" class="muted">"Saved."</span> })}
                </p>
            </ActionForm>
        </section>
    }
    .into_any()
}
