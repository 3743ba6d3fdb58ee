//! The audit log for admins (`/admin/audit`): every entry, newest first, narrowed by what was
//! done, by text and by dates, each with who (and through which API token), from where, and each
//! field before and after; and the same list as CSV (`/admin/audit.csv`).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::audit::{AuditAction, AuditEntry};
use crate::auth::access::ADMINISTRATION_ROLES;
use crate::error::AppError;
use crate::layout::guarded_page;
use crate::ui::ScrollTable;

/// A page of the log, and the entry the next (older) page starts before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub older: Option<i64>,
}

/// The list's narrowing as the address has it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    pub action: Option<String>,
    pub q: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub before: Option<String>,
}

impl AuditQuery {
    fn from_address(get: impl Fn(&str) -> Option<String>) -> AuditQuery {
        let value = |name: &str| get(name).filter(|value| !value.trim().is_empty());
        AuditQuery {
            action: value("action"),
            q: value("q"),
            from: value("from"),
            to: value("to"),
            before: value("before"),
        }
    }

    /// The address of this narrowing (`path` with its query), without the page.
    pub fn address(&self, path: &str) -> String {
        let pairs = [("action", &self.action), ("q", &self.q), ("from", &self.from), ("to", &self.to)];
        let query: Vec<String> = pairs
            .iter()
            .filter_map(|(name, value)| {
                value.as_ref().map(|value| format!("{name}={}", crate::ui::encode_query(value)))
            })
            .collect();
        match query.is_empty() {
            true => path.to_owned(),
            false => format!("{path}?{}", query.join("&")),
        }
    }

    /// The checked filter, each bad value named.
    #[cfg(feature = "ssr")]
    pub fn filter(&self) -> Result<crate::audit::AuditFilter, AppError> {
        let mut errors = crate::error::FieldErrors::new();
        let action = self.action.as_deref().and_then(|raw| {
            let action = AuditAction::parse(raw);
            if action.is_none() {
                errors.insert("action".into(), "Choose something done from the list.".into());
            }
            action
        });
        let days = (
            crate::deals::narrowing::parse_day("from", &self.from, &mut errors),
            crate::deals::narrowing::parse_day("to", &self.to, &mut errors),
        );
        let before = self.before.as_deref().and_then(|raw| {
            let before = raw.trim().parse::<i64>().ok();
            if before.is_none() {
                errors.insert("before".into(), "Go to older entries from the list's own link.".into());
            }
            before
        });
        let search = self.q.as_ref().map(|q| q.trim().chars().take(100).collect::<String>()).filter(|q| !q.is_empty());
        match errors.is_empty() {
            true => Ok(crate::audit::AuditFilter { action, search, days, before }),
            false => Err(AppError::invalid(errors)),
        }
    }
}

/// The most entries a page shows.
#[cfg(feature = "ssr")]
const PER_PAGE: i64 = 50;
/// The most entries one export holds.
pub const MAX_EXPORT: i64 = 100_000;

/// A page of the audit log: admins only.
#[server(endpoint = "audit_log")]
pub async fn audit_log(#[server(flatten)] query: AuditQuery) -> Result<AuditPage, AppError> {
    crate::auth::guard::require_role(ADMINISTRATION_ROLES)?;
    let filter = query.filter()?;
    let mut entries = crate::audit::entries(&crate::state::db()?, &filter, PER_PAGE + 1).await?;
    let older = match entries.len() as i64 > PER_PAGE {
        true => {
            entries.truncate(PER_PAGE as usize);
            entries.last().map(|entry| entry.id)
        }
        false => None,
    };
    Ok(AuditPage { entries, older })
}

/// The entries matching `query` as CSV, for an admin.
#[cfg(feature = "ssr")]
pub async fn audit_csv(
    db: &crate::db::Db,
    user: &crate::auth::SessionUser,
    query: &AuditQuery,
) -> Result<String, AppError> {
    if !ADMINISTRATION_ROLES.contains(&user.role) {
        return Err(AppError::Forbidden);
    }
    let entries = crate::audit::entries(db, &query.filter()?, MAX_EXPORT).await?;
    write(&entries).map_err(|error| {
        tracing::error!(%error, "cannot write the audit CSV");
        AppError::Internal
    })
}

#[cfg(feature = "ssr")]
fn write(entries: &[AuditEntry]) -> Result<String, csv::Error> {
    use crate::text::defuse_formula;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["Entry", "When (UTC)", "Who", "API token", "Action", "What", "Subject", "From", "Changes"])?;
    for entry in entries {
        writer.write_record([
            entry.id.to_string(),
            entry.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            defuse_formula(entry.actor.as_deref().unwrap_or_default()),
            defuse_formula(entry.token.as_deref().unwrap_or_default()),
            entry.action.as_str().to_owned(),
            entry.action.label().to_owned(),
            defuse_formula(&entry.subject),
            entry.client.clone().unwrap_or_default(),
            defuse_formula(&changes_text(entry)),
        ])?;
    }
    let bytes = writer.into_inner().map_err(|error| csv::Error::from(error.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Each changed field as `field: before → after`, separated by semicolons.
fn changes_text(entry: &AuditEntry) -> String {
    let changes: Vec<String> = entry
        .changes
        .0
        .iter()
        .map(|change| format!("{}: {} \u{2192} {}", change.field, change.before, change.after))
        .collect();
    changes.join("; ")
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let address = use_query_map();
    let query = move || AuditQuery::from_address(|name| address.read().get(name));
    guarded_page(ADMINISTRATION_ROLES, query, audit_log, move |_, page: AuditPage| {
        let current = query();
        view! { <AuditList page current/> }
    })
}

#[component]
fn AuditList(page: AuditPage, current: AuditQuery) -> impl IntoView {
    let actions: Vec<(String, String)> = std::iter::once((String::new(), "Anything".to_owned()))
        .chain(AuditAction::ALL.into_iter().map(|action| (action.as_str().to_owned(), action.label().to_owned())))
        .collect();
    let chosen = current.action.clone().unwrap_or_default();
    let export = current.address("/admin/audit.csv");
    let older = page.older.map(|older| {
        let base = current.address("/admin/audit");
        let joiner = if base.contains('?') { '&' } else { '?' };
        format!("{base}{joiner}before={older}")
    });
    view! {
        <p class="crumbs"><a href="/admin">"Administration"</a> " / Audit log"</p>
        <div class="page-head">
            <h1>"Audit log"</h1>
            <a class="button secondary" href=export download="audit.csv">"Export as CSV"</a>
        </div>
        <p class="lead">"Every change people made, through the portal or an API token: who, when, from which address, \
            and each field before and after. Entries are never changed or removed."</p>
        <form method="get" action="/admin/audit" class="filters card" aria-label="Narrow the audit log">
            <div class="field">
                <label for="audit-action">"Done"</label>
                <select id="audit-action" name="action">
                    {actions.into_iter().map(|(value, label)| {
                        let selected = value == chosen;
                        view! { <option value=value selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="audit-q">"Who or what"</label>
                <input id="audit-q" name="q" type="search" value=current.q.clone()/>
            </div>
            <div class="field">
                <label for="audit-from">"From"</label>
                <input id="audit-from" name="from" type="date" value=current.from.clone()/>
            </div>
            <div class="field">
                <label for="audit-to">"To"</label>
                <input id="audit-to" name="to" type="date" value=current.to.clone()/>
            </div>
            <button type="submit" class="button secondary">"Show"</button>
        </form>
        {match page.entries.is_empty() {
            true => view! { <crate::ui::Notice text="No entry matches."/> }.into_any(),
            false => view! { <Entries entries=page.entries/> }.into_any(),
        }}
        {older.map(|older| view! { <p><a href=older>"Older entries"</a></p> })}
    }
}

#[component]
fn Entries(entries: Vec<AuditEntry>) -> impl IntoView {
    view! {
        <ScrollTable label="Audit log">
            <table class="stacked" data-testid="audit-entries">
                <thead><tr><th scope="col">"When (UTC)"</th><th scope="col">"Who"</th><th scope="col">"What"</th>
                    <th scope="col">"Detail"</th><th scope="col">"From"</th></tr></thead>
                <tbody>
                    {entries.into_iter().map(|entry| {
                        let changes = changes_text(&entry);
                        let who = match (&entry.actor, &entry.token) {
                            (Some(actor), Some(token)) => format!("{actor} (API token \u{201c}{token}\u{201d})"),
                            (Some(actor), None) => actor.clone(),
                            (None, _) => "\u{2014}".to_owned(),
                        };
                        view! {
                            <tr>
                                <td data-label="When">{entry.at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                <td data-label="Who">{who}</td>
                                <td data-label="What">{entry.action.label()}</td>
                                <td data-label="Detail" class="break">{entry.subject.clone()}
                                    {(!changes.is_empty()).then(|| view! { <br/><span class="muted">{changes}</span> })}</td>
                                <td data-label="From">{entry.client.clone().unwrap_or_else(|| "\u{2014}".into())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollTable>
    }
}
