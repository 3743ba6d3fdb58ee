//! The webhook pages for admins: `/admin/webhooks` (every endpoint, and a form for a new one) and
//! `/admin/webhooks/:id` (its signing secret, how to check a signature, its delivery log with
//! "Send again", and a test event).

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::server::{CreateWebhook, SendTestWebhook, SendWebhookAgain, SetWebhookEnabled, webhook, webhooks};
use super::{DeliveryRow, EndpointRow, EndpointView, EventKind, WebhooksView};
use crate::auth::access::ADMINISTRATION_ROLES;
use crate::error::AppError;
use crate::layout::guarded_page;
use crate::ui::{Badge, CheckGroup, Field, FormError, Notice, ScrollTable, day_text, form_error};

fn moment(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let create = ServerAction::<CreateWebhook>::new();
    // With JavaScript, on to the new endpoint's page (its secret), as a plain form post goes.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/admin/webhooks/{id}"), Default::default());
        }
    });
    guarded_page(
        ADMINISTRATION_ROLES,
        move || create.version().get(),
        |_| webhooks(),
        move |_, page: WebhooksView| {
            view! {
                <div class="page-head">
                    <h1>"Webhooks"</h1>
                </div>
                <p class="lead">"Tessera tells your other systems what happens in the program as it happens: it posts \
                    each event as signed JSON to the endpoints below, tries again for a day when an endpoint \
                    does not answer, and keeps a log of every delivery. See the " <a href="/developers#webhooks">"API reference"</a>
                    " for the body and the signature."</p>
                <EndpointList endpoints=page.endpoints.clone()/>
                <NewEndpoint create/>
            }
        },
    )
}

#[component]
fn EndpointList(endpoints: Vec<EndpointRow>) -> impl IntoView {
    if endpoints.is_empty() {
        return view! { <section class="card"><h2>"Endpoints"</h2><Notice text="No endpoint yet."/></section> }
            .into_any();
    }
    view! {
        <section class="card" aria-labelledby="endpoints">
            <h2 id="endpoints">"Endpoints"</h2>
            <ScrollTable label="Endpoints">
                <table class="stacked">
                    <thead><tr><th scope="col">"Address"</th><th scope="col">"Events"</th><th scope="col">"Deliveries"</th>
                        <th scope="col">"Status"</th></tr></thead>
                    <tbody>
                        {endpoints.into_iter().map(|endpoint| {
                            let kinds = endpoint.kinds.iter().map(|kind| kind.as_str()).collect::<Vec<_>>().join(", ");
                            let counts = format!("{} delivered, {} waiting, {} given up", endpoint.delivered, endpoint.waiting, endpoint.gave_up);
                            let (status, tone) = if endpoint.enabled { ("On", "success") } else { ("Off", "neutral") };
                            view! {
                                <tr data-testid="endpoint-row">
                                    <th scope="row"><a href=format!("/admin/webhooks/{}", endpoint.id)>{endpoint.url.clone()}</a>
                                        {(!endpoint.description.is_empty()).then(|| view! { <br/><span class="muted">{endpoint.description.clone()}</span> })}</th>
                                    <td data-label="Events">{kinds}</td>
                                    <td data-label="Deliveries">{counts}</td>
                                    <td data-label="Status"><Badge text=status tone/></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollTable>
        </section>
    }
    .into_any()
}

#[component]
fn NewEndpoint(create: ServerAction<CreateWebhook>) -> impl IntoView {
    let error = form_error(create);
    let kinds: Vec<(String, String)> = EventKind::SUBSCRIBABLE
        .iter()
        .map(|kind| (kind.as_str().to_owned(), format!("{} ({})", kind.label(), kind.as_str())))
        .collect();
    view! {
        <section class="card" aria-labelledby="new-endpoint">
            <h2 id="new-endpoint">"New endpoint"</h2>
            <ActionForm action=create attr:class="stack" attr:novalidate=true>
                <Field label="Address" name="url" kind="url" error required=true
                    hint="Where Tessera posts events, such as https://crm.example.com/tessera."/>
                <Field label="Description" name="description" error hint="What receives them, such as \u{201c}CRM sync\u{201d} (optional)."/>
                <CheckGroup legend="Send these events" name="events" error choices=kinds checked=Vec::new()/>
                <FormError error/>
                <p class="actions"><button type="submit" class="button primary">"Add the endpoint"</button></p>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn WebhookPage() -> impl IntoView {
    let params = use_params_map();
    let toggle = ServerAction::<SetWebhookEnabled>::new();
    let ping = ServerAction::<SendTestWebhook>::new();
    let again = ServerAction::<SendWebhookAgain>::new();
    let source = move || {
        let id = params.read().get("id").and_then(|id| id.parse::<i64>().ok());
        (id, toggle.version().get(), ping.version().get(), again.version().get())
    };
    let load = |(id, ..): (Option<i64>, usize, usize, usize)| async move {
        match id {
            Some(id) => webhook(id).await,
            None => Err(AppError::NotFound),
        }
    };
    guarded_page(ADMINISTRATION_ROLES, source, load, move |_, page: EndpointView| {
        view! { <EndpointDetail page toggle ping again/> }
    })
}

#[component]
fn EndpointDetail(
    page: EndpointView,
    toggle: ServerAction<SetWebhookEnabled>,
    ping: ServerAction<SendTestWebhook>,
    again: ServerAction<SendWebhookAgain>,
) -> impl IntoView {
    let EndpointView { endpoint, secret, deliveries } = page;
    let id = endpoint.id;
    let toggle_error = form_error(toggle);
    let ping_error = form_error(ping);
    let (status, tone) = if endpoint.enabled { ("On", "success") } else { ("Off", "neutral") };
    let kinds = endpoint.kinds.iter().map(|kind| kind.label()).collect::<Vec<_>>().join("; ");
    let turn = (!endpoint.enabled).to_string();
    view! {
        <div class="page-head">
            <h1>"Webhook endpoint"</h1>
            <p><a href="/admin/webhooks">"All endpoints"</a></p>
        </div>
        <section class="card" aria-labelledby="endpoint">
            <h2 id="endpoint"><code data-testid="endpoint-url">{endpoint.url.clone()}</code> " " <Badge text=status tone/></h2>
            {(!endpoint.description.is_empty()).then(|| view! { <p>{endpoint.description.clone()}</p> })}
            <p><strong>"Events: "</strong>{kinds}</p>
            <p class="muted">{format!("Added {}", day_text(endpoint.created_at))}</p>
            <p><strong>"Signing secret: "</strong><code class="secret" data-testid="endpoint-secret">{secret}</code></p>
            <p class="muted">"Each delivery carries " <code>"Tessera-Signature: t=TIMESTAMP,v1=SIGNATURE"</code>
                ": the HMAC-SHA256, keyed with this secret, of the timestamp, a full stop and the body, in hex. \
                Compute it and compare; refuse a timestamp more than five minutes old. The "
                <a href="/developers#webhooks">"API reference"</a> " has an example."</p>
            <FormError error=toggle_error/>
            <FormError error=ping_error/>
            <div class="actions">
                <ActionForm action=toggle>
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="enabled" value=turn/>
                    <button type="submit" class="button secondary">{if endpoint.enabled { "Turn off" } else { "Turn on" }}</button>
                </ActionForm>
                {endpoint.enabled.then(|| view! {
                    <ActionForm action=ping>
                        <input type="hidden" name="id" value=id/>
                        <button type="submit" class="button secondary">"Send a test event"</button>
                    </ActionForm>
                })}
            </div>
        </section>
        <DeliveryLog deliveries again/>
    }
}

#[component]
fn DeliveryLog(deliveries: Vec<DeliveryRow>, again: ServerAction<SendWebhookAgain>) -> impl IntoView {
    let error = form_error(again);
    if deliveries.is_empty() {
        return view! { <section class="card"><h2>"Deliveries"</h2><Notice text="Nothing sent yet."/></section> }
            .into_any();
    }
    view! {
        <section class="card" aria-labelledby="deliveries">
            <h2 id="deliveries">"Deliveries"</h2>
            <p class="muted">"The newest hundred. A delivery that did not get a 2xx answer is tried again after 30 seconds, \
                then twice as long each time (at most an hour apart), for a day."</p>
            <FormError error/>
            <ScrollTable label="Deliveries">
                <table class="stacked">
                    <thead><tr><th scope="col">"Event"</th><th scope="col">"Made"</th><th scope="col">"Status"</th>
                        <th scope="col">"Answer"</th><th scope="col">"Tries"</th><th scope="col">"Next try"</th>
                        <th scope="col"><span class="visually-hidden">"Send again"</span></th></tr></thead>
                    <tbody>
                        {deliveries.into_iter().map(|delivery| {
                            let answer = match (delivery.response_status, delivery.duration_ms, delivery.last_error.clone()) {
                                (Some(status), Some(ms), _) => format!("HTTP {status} in {ms} ms"),
                                (None, _, Some(error)) => error,
                                _ => "\u{2014}".to_owned(),
                            };
                            let next = delivery.next_attempt_at.map(moment).unwrap_or_else(|| "\u{2014}".to_owned());
                            let label = format!("Send {} again", delivery.event_id);
                            view! {
                                <tr data-testid="delivery-row">
                                    <th scope="row"><code>{delivery.event_id.clone()}</code><br/>{delivery.kind.as_str()}</th>
                                    <td data-label="Made">{moment(delivery.created_at)}</td>
                                    <td data-label="Status"><Badge text=delivery.state.label() tone=delivery.state.tone()/></td>
                                    <td data-label="Answer">{answer}</td>
                                    <td data-label="Tries">{delivery.attempts}</td>
                                    <td data-label="Next try">{next}</td>
                                    <td>
                                        <ActionForm action=again attr:aria-label=label>
                                            <input type="hidden" name="id" value=delivery.id/>
                                            <button type="submit" class="button secondary small">"Send again"</button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollTable>
        </section>
    }
    .into_any()
}
