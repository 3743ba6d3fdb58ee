//! Program administration: the shape of the program, what people changed, and the outbox.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::audit::AuditEntry;
use crate::auth::access::ADMINISTRATION_ROLES;
use crate::kpi::server::{SaveProgramSettings, load_program_settings};
use crate::kpi::{PerformanceSettings, ProgramSettings};
use crate::layout::guarded_page;
use crate::mail::OutboxMessage;
use crate::ui::ScrollTable;

pub mod audit;
#[cfg(feature = "ssr")]
pub mod store;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramFacts {
    pub by_type: Vec<(String, i64)>,
    pub by_region: Vec<(String, i64)>,
    pub people_by_role: Vec<(String, i64)>,
    pub audit: Vec<AuditEntry>,
    pub outbox: Vec<OutboxMessage>,
}

#[server(endpoint = "program_overview")]
pub async fn program_overview() -> Result<ProgramFacts, crate::error::AppError> {
    crate::auth::guard::require_role(ADMINISTRATION_ROLES)?;
    Ok(store::program_overview(&crate::state::db()?).await?)
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let save = ServerAction::<SaveProgramSettings>::new();
    let load = |_| async { Ok((program_overview().await?, load_program_settings().await?)) };
    guarded_page(
        ADMINISTRATION_ROLES,
        move || save.version().get(),
        load,
        move |_, (overview, settings)| {
            view! { <Administration overview settings save/> }
        },
    )
}

#[component]
fn CountTable(title: &'static str, rows: Vec<(String, i64)>) -> impl IntoView {
    view! {
        <section class="card">
            <h2>{title}</h2>
            <table>
                <tbody>
                    {rows.into_iter().map(|(name, count)| view! {
                        <tr><th scope="row">{name}</th><td class="numeric">{count}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn Administration(
    overview: ProgramFacts,
    settings: ProgramSettings,
    save: ServerAction<SaveProgramSettings>,
) -> impl IntoView {
    view! {
        <h1>"Administration"</h1>
        <p class="home-actions"><a class="button secondary" href="/admin/agreement">"Partner agreement"</a>
            " " <a class="button secondary" href="/admin/onboarding">"Onboarding checklists"</a>
            " " <a class="button secondary" href="/admin/program">"Program and tiers"</a>
            " " <a class="button secondary" href="/admin/lists">"Partner types and regions"</a>
            " " <a class="button secondary" href="/admin/partner-import">"Import partners"</a>
            " " <a class="button secondary" href="/admin/sso">"Single sign-on"</a>
            " " <a class="button secondary" href="/api-tokens">"API tokens"</a>
            " " <a class="button secondary" href="/admin/webhooks">"Webhooks"</a>
            " " <a class="button secondary" href="/admin/audit">"Audit log"</a></p>
        <PerformanceSettings settings save/>
        <div class="columns three">
            <CountTable title="Partners by type" rows=overview.by_type/>
            <CountTable title="Partners by region" rows=overview.by_region/>
            <CountTable title="People by role" rows=overview.people_by_role/>
        </div>
        <section class="card" aria-labelledby="audit-title">
            <h2 id="audit-title">"Recent activity"</h2>
            <p><a href="/admin/audit">"The whole audit log"</a>" (filters, CSV export)"</p>
            <ScrollTable label="Recent activity">
                <table>
                    <thead><tr><th scope="col">"When (UTC)"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Detail"</th></tr></thead>
                    <tbody>
                        {overview.audit.into_iter().map(|entry| view! {
                            <tr>
                                <td>{entry.at.format("%Y-%m-%d %H:%M").to_string()}</td>
                                <td>{entry.actor.unwrap_or_else(|| "—".into())}</td>
                                <td>{entry.action.label()}</td>
                                <td class="break">{entry.subject}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollTable>
        </section>
        <section class="card" aria-labelledby="outbox-title">
            <h2 id="outbox-title">"Outbox"</h2>
            <p class="muted">"Emails Tessera has queued (invitations, password resets, deal decisions), newest first, \
                and whether the mail server took each (once one is configured: TESSERA_SMTP_URL). \
                Links in them are hidden here: they open accounts, and only their recipient may use them."</p>
            {overview.outbox.into_iter().map(|message| {
                let standing = message.standing();
                view! {
                    <details class="message">
                        <summary>{message.created_at.format("%Y-%m-%d %H:%M").to_string()} " · " {message.recipient} " · " {message.subject}</summary>
                        <p class="muted">{standing}</p>
                        <pre>{message.body}</pre>
                    </details>
                }
            }).collect_view()}
        </section>
    }
}
