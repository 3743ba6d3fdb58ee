//! Deals, their timelines and the vendor's pipeline in the database.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

use super::status::DealStatus;
use super::{DealRecord, DealRow, DealSort, QueueRow, TimelineEntry};
use crate::bind_all;
use crate::db::{Conditions, Db, Param};
use crate::mail::Message;
use crate::on_db;

/// The deals a viewer may list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Organisation(i64),
    ChannelManager(i64),
    Everything,
}

#[derive(Clone, Debug)]
pub struct DealFilter {
    pub status: Option<DealStatus>,
    pub search: Option<String>,
    pub sort: DealSort,
    pub page: i64,
    pub per_page: i64,
    pub narrowing: Narrowing,
}

/// Date ranges (inclusive days) and attributes a list can be narrowed to, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Narrowing {
    pub closed: (Option<NaiveDate>, Option<NaiveDate>),
    pub submitted: (Option<NaiveDate>, Option<NaiveDate>),
    pub decided: (Option<NaiveDate>, Option<NaiveDate>),
    pub attribution: Option<String>,
    pub tier: Option<String>,
    pub region: Option<String>,
    pub partner: Option<i64>,
}

impl Narrowing {
    /// The drill-down values of a query, each bad one named.
    pub fn parse(drill: &super::DealDrill) -> Result<Narrowing, crate::error::FieldErrors> {
        let mut errors = crate::error::FieldErrors::new();
        let mut date = |name: &str, raw: &Option<String>| {
            raw.as_deref().map(str::trim).and_then(|raw| match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(date) => Some(date),
                Err(_) => {
                    errors.insert(name.into(), "Enter a date as YYYY-MM-DD.".into());
                    None
                }
            })
        };
        let mut narrowing = Narrowing {
            closed: (date("closed_from", &drill.closed_from), date("closed_to", &drill.closed_to)),
            submitted: (date("submitted_from", &drill.submitted_from), date("submitted_to", &drill.submitted_to)),
            decided: (date("decided_from", &drill.decided_from), date("decided_to", &drill.decided_to)),
            attribution: drill.attribution.clone(),
            tier: drill.tier.clone().map(|tier| tier.chars().take(100).collect()),
            region: drill.region.clone().map(|region| region.chars().take(100).collect()),
            partner: None,
        };
        if let Some(raw) = drill.partner.as_deref().map(str::trim) {
            match raw.parse::<i64>() {
                Ok(id) if id > 0 => narrowing.partner = Some(id),
                _ => {
                    errors.insert("partner".into(), "Choose a partner from the directory.".into());
                }
            }
        }
        if narrowing.attribution.as_deref().is_some_and(|a| a != "sourced" && a != "influenced") {
            errors.insert("attribution".into(), "Choose sourced or influenced.".into());
        }
        if errors.is_empty() { Ok(narrowing) } else { Err(errors) }
    }
}

macro_rules! deal_row_columns {
    () => {
        "d.id, o.name AS partner_name, d.customer_company, d.customer_domain, d.amount_minor, d.currency, \
         d.status, d.expected_close_date, d.updated_at, d.possible_conflict, d.protected_until"
    };
}

/// `FROM … WHERE …` for a scope and filter; every value is a bound parameter.
fn list_conditions(scope: Scope, filter: &DealFilter) -> Conditions {
    let mut conditions = Conditions::new(" FROM deals d JOIN organisations o ON o.id = d.organisation_id WHERE 1 = 1");
    match scope {
        Scope::Organisation(id) => conditions.push(" AND d.organisation_id = $n", Param::Int(id)),
        Scope::ChannelManager(id) => conditions.push(" AND o.channel_manager_id = $n", Param::Int(id)),
        Scope::Everything => {}
    }
    if let Some(status) = filter.status {
        conditions.push(" AND d.status = $n", Param::Text(status.as_str().into()));
    }
    if let Some(search) = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let escaped = search.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        conditions.push(
            " AND (lower(d.customer_company) LIKE $n ESCAPE '\\' OR d.customer_domain LIKE $n ESCAPE '\\')",
            Param::Text(format!("%{escaped}%")),
        );
    }
    let narrowing = &filter.narrowing;
    conditions.push_days("d.closed_on", narrowing.closed);
    conditions.push_times("d.submitted_at", narrowing.submitted);
    conditions.push_times("d.decided_at", narrowing.decided);
    if let Some(attribution) = &narrowing.attribution {
        conditions.push(" AND d.attribution = $n", Param::Text(attribution.clone()));
    }
    push_tier_and_region(&mut conditions, narrowing.tier.as_deref(), narrowing.region.as_deref());
    if let Some(partner) = narrowing.partner {
        conditions.push(" AND d.organisation_id = $n", Param::Int(partner));
    }
    conditions
}

/// The organisation `o` in a tier and region, by name, when given.
pub fn push_tier_and_region(conditions: &mut Conditions, tier: Option<&str>, region: Option<&str>) {
    if let Some(tier) = tier {
        conditions.push(" AND o.tier_id IN (SELECT id FROM tiers WHERE name = $n)", Param::Text(tier.into()));
    }
    if let Some(region) = region {
        conditions.push(" AND COALESCE(o.region, '') = $n", Param::Text(region.into()));
    }
}

/// One page of deals and how many match in all.
pub async fn list(db: &Db, scope: Scope, filter: &DealFilter) -> Result<(Vec<DealRow>, i64), sqlx::Error> {
    let Conditions { sql: conditions, params } = list_conditions(scope, filter);
    let order = match filter.sort {
        DealSort::RecentlyUpdated => "d.updated_at DESC, d.id DESC",
        DealSort::CloseDate => "d.expected_close_date, d.id",
        DealSort::AmountHighest => "d.amount_minor DESC, d.id DESC",
        DealSort::Customer => "lower(d.customer_company), d.id",
    };
    let offset = (filter.page.max(1) - 1) * filter.per_page;
    let rows_sql = format!(
        "SELECT {}{conditions} ORDER BY {order} LIMIT {} OFFSET {offset}",
        deal_row_columns!(),
        filter.per_page
    );
    let count_sql = format!("SELECT COUNT(*){conditions}");
    on_db!(db, pool => {
        let rows = bind_all!(sqlx::query_as(AssertSqlSafe(rows_sql)), &params).fetch_all(pool).await?;
        let total: i64 = bind_all!(sqlx::query_scalar(AssertSqlSafe(count_sql)), &params).fetch_one(pool).await?;
        Ok((rows, total))
    })
}

/// Every deal in a scope, for the CSV export, newest first (at most `limit`).
pub async fn export_rows(db: &Db, scope: Scope, filter: &DealFilter, limit: i64) -> Result<Vec<DealRow>, sqlx::Error> {
    let Conditions { sql: conditions, params } = list_conditions(scope, filter);
    let sql = format!("SELECT {}{conditions} ORDER BY d.updated_at DESC, d.id DESC LIMIT {limit}", deal_row_columns!());
    on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql)), &params).fetch_all(pool).await)
}

pub async fn record(db: &Db, id: i64) -> Result<Option<DealRecord>, sqlx::Error> {
    const SQL: &str = "SELECT d.id, d.organisation_id, o.name AS partner_name, u.name AS created_by_name, d.status, \
        d.customer_company, d.customer_domain, d.contact_name, d.contact_email, d.amount_minor, d.currency, \
        d.expected_close_date, d.products, d.attribution, d.notes, d.possible_conflict, d.created_at, \
        d.submitted_at, d.sla_due_at, d.decided_at, d.rejection_reason, d.protected_until, d.extension_status, \
        d.extension_reason, d.final_amount_minor, d.closed_on \
        FROM deals d JOIN organisations o ON o.id = d.organisation_id JOIN users u ON u.id = d.created_by \
        WHERE d.id = $1";
    on_db!(db, pool => sqlx::query_as(SQL).bind(id).fetch_optional(pool).await)
}

pub async fn timeline(db: &Db, deal_id: i64) -> Result<Vec<TimelineEntry>, sqlx::Error> {
    const SQL: &str = "SELECT e.at, COALESCE(u.name, 'Tessera') AS actor, e.kind, e.from_status, e.to_status, e.note \
        FROM deal_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.deal_id = $1 ORDER BY e.at, e.id";
    on_db!(db, pool => sqlx::query_as(SQL).bind(deal_id).fetch_all(pool).await)
}

/// Submitted deals waiting for a decision, the earliest due first; a channel manager's own partners only when given.
pub async fn queue(db: &Db, channel_manager: Option<i64>) -> Result<Vec<QueueRow>, sqlx::Error> {
    const SQL: &str = "SELECT d.id, o.name AS partner_name, d.customer_company, d.customer_domain, d.amount_minor, \
        d.currency, d.submitted_at, d.sla_due_at, d.possible_conflict \
        FROM deals d JOIN organisations o ON o.id = d.organisation_id \
        WHERE d.status = 'submitted' AND ($1 IS NULL OR o.channel_manager_id = $1) \
        ORDER BY d.sla_due_at, d.id LIMIT 500";
    on_db!(db, pool => sqlx::query_as(SQL).bind(channel_manager).fetch_all(pool).await)
}

/// A deal as the form wrote it, with the keys the conflict check looks it up by.
pub struct NewDeal<'a> {
    pub organisation_id: i64,
    pub created_by: i64,
    pub form_token: &'a str,
    pub status: DealStatus,
    pub customer_company: &'a str,
    pub company_key: &'a str,
    pub name_prefix: &'a str,
    pub customer_domain: &'a str,
    pub contact_name: &'a str,
    pub contact_email: &'a str,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub expected_close_date: NaiveDate,
    pub products: &'a str,
    pub attribution: &'a str,
    pub notes: &'a str,
    pub possible_conflict: bool,
    pub now: DateTime<Utc>,
    pub sla_due_at: Option<DateTime<Utc>>,
}

/// The deal a form created: `created` is false when the same form had already been saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub id: i64,
    pub status: DealStatus,
    pub possible_conflict: bool,
    pub created: bool,
}

const INSERT_EVENT: &str = "INSERT INTO deal_events (deal_id, actor_id, at, kind, from_status, to_status, note) \
    VALUES ($1, $2, $3, $4, $5, $6, $7)";
const INSERT_OUTBOX: &str = "INSERT INTO outbox (recipient, subject, body, created_at) VALUES ($1, $2, $3, $4)";

/// Writes a new deal and its first timeline entry, once per form token.
pub async fn insert(db: &Db, deal: &NewDeal<'_>) -> Result<Option<Saved>, sqlx::Error> {
    const SQL: &str = "INSERT INTO deals (organisation_id, created_by, form_token, status, customer_company, \
        company_key, name_prefix, customer_domain, contact_name, contact_email, amount_minor, currency, \
        expected_close_date, products, attribution, notes, possible_conflict, created_at, updated_at, submitted_at, \
        sla_due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19, $20) \
        ON CONFLICT (form_token) DO NOTHING RETURNING id";
    let submitted = deal.status == DealStatus::Submitted;
    let (kind, note) =
        if submitted { ("submitted", "Registered and submitted") } else { ("created", "Saved as a draft") };
    let gate = db.write_gate().await;
    let inserted: Option<i64> = on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        let id: Option<i64> = sqlx::query_scalar(SQL)
            .bind(deal.organisation_id).bind(deal.created_by).bind(deal.form_token).bind(deal.status.as_str())
            .bind(deal.customer_company).bind(deal.company_key).bind(deal.name_prefix).bind(deal.customer_domain)
            .bind(deal.contact_name).bind(deal.contact_email).bind(deal.amount_minor).bind(deal.currency)
            .bind(deal.expected_close_date).bind(deal.products).bind(deal.attribution).bind(deal.notes)
            .bind(deal.possible_conflict).bind(deal.now).bind(submitted.then_some(deal.now)).bind(deal.sla_due_at)
            .fetch_optional(&mut *tx).await?;
        if let Some(id) = id {
            sqlx::query(INSERT_EVENT).bind(id).bind(deal.created_by).bind(deal.now).bind(kind)
                .bind(None::<String>).bind(deal.status.as_str()).bind(note).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok::<_, sqlx::Error>(id)
    })?;
    drop(gate);
    if let Some(id) = inserted {
        return Ok(Some(Saved { id, status: deal.status, possible_conflict: deal.possible_conflict, created: true }));
    }
    // The same form again: answer with the deal it already created (only to the person who created it).
    let existing: Option<(i64, String, bool)> = on_db!(db, pool => sqlx::query_as(
        "SELECT id, status, possible_conflict FROM deals WHERE form_token = $1 AND created_by = $2")
        .bind(deal.form_token).bind(deal.created_by).fetch_optional(pool).await)?;
    Ok(existing.and_then(|(id, status, possible_conflict)| {
        DealStatus::parse(&status).map(|status| Saved { id, status, possible_conflict, created: false })
    }))
}

/// A change to a deal: the columns it sets (`None` leaves a column alone) and its timeline entry.
#[derive(Clone, Debug, Default)]
pub struct Change {
    pub submitted_at: Option<DateTime<Utc>>,
    pub sla_due_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    pub protected_until: Option<DateTime<Utc>>,
    pub final_amount_minor: Option<i64>,
    pub closed_on: Option<NaiveDate>,
    pub possible_conflict: Option<bool>,
    pub extension_status: Option<String>,
    pub extension_reason: Option<String>,
    /// The protection end moved: the reminders go out again before the new end.
    pub reset_reminders: bool,
}

/// Who changed a deal, when, from and to which status, and what the timeline says.
pub struct Event<'a> {
    pub deal_id: i64,
    pub actor_id: Option<i64>,
    pub at: DateTime<Utc>,
    pub kind: &'a str,
    pub from: DealStatus,
    pub to: DealStatus,
    pub note: &'a str,
    /// Only if the extension is in this state (`"none"` for never requested).
    pub extension_was: Option<&'a str>,
}

/// Applies `change` if the deal is still in `event.from` (and its extension in `extension_was`),
/// records the event, and queues `mail`; all or nothing. False when the deal had moved on meanwhile.
pub async fn apply(
    db: &Db,
    event: &Event<'_>,
    change: &Change,
    mail: Option<(&str, &Message)>,
) -> Result<bool, sqlx::Error> {
    const SQL: &str = "UPDATE deals SET status = $3, updated_at = $4, \
        submitted_at = COALESCE($5, submitted_at), sla_due_at = COALESCE($6, sla_due_at), \
        decided_at = COALESCE($7, decided_at), rejection_reason = COALESCE($8, rejection_reason), \
        protected_until = COALESCE($9, protected_until), final_amount_minor = COALESCE($10, final_amount_minor), \
        closed_on = COALESCE($11, closed_on), possible_conflict = COALESCE($12, possible_conflict), \
        extension_status = COALESCE($13, extension_status), extension_reason = COALESCE($14, extension_reason), \
        reminded_14_at = CASE WHEN $16 THEN NULL ELSE reminded_14_at END, \
        reminded_3_at = CASE WHEN $16 THEN NULL ELSE reminded_3_at END \
        WHERE id = $1 AND status = $2 AND ($15 IS NULL OR COALESCE(extension_status, 'none') = $15)";
    let _gate = db.write_gate().await;
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        let updated = sqlx::query(SQL)
            .bind(event.deal_id).bind(event.from.as_str()).bind(event.to.as_str()).bind(event.at)
            .bind(change.submitted_at).bind(change.sla_due_at).bind(change.decided_at)
            .bind(change.rejection_reason.as_deref()).bind(change.protected_until).bind(change.final_amount_minor)
            .bind(change.closed_on).bind(change.possible_conflict).bind(change.extension_status.as_deref())
            .bind(change.extension_reason.as_deref()).bind(event.extension_was).bind(change.reset_reminders)
            .execute(&mut *tx).await?.rows_affected();
        if updated == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query(INSERT_EVENT).bind(event.deal_id).bind(event.actor_id).bind(event.at).bind(event.kind)
            .bind(event.from.as_str()).bind(event.to.as_str()).bind(event.note).execute(&mut *tx).await?;
        if let Some((recipient, message)) = mail {
            sqlx::query(INSERT_OUTBOX).bind(recipient).bind(&message.subject).bind(&message.body).bind(event.at)
                .execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(true)
    })
}

/// The email of the person who registered a deal (decisions are sent to them).
pub async fn creator_email(db: &Db, deal_id: i64) -> Result<Option<String>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(
        "SELECT u.email FROM deals d JOIN users u ON u.id = d.created_by WHERE d.id = $1")
        .bind(deal_id).fetch_optional(pool).await)
}

/// An open registration or pipeline entry that may be the same customer.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Candidate {
    pub deal_id: Option<i64>,
    pub holder: String,
    pub customer_company: String,
    pub company_key: String,
    pub customer_domain: String,
    pub status: String,
    pub amount_minor: i64,
    pub currency: String,
}

macro_rules! open_deal_candidates {
    ($condition:literal) => {
        concat!(
            "SELECT d.id AS deal_id, o.name AS holder, d.customer_company, d.company_key, d.customer_domain, \
             d.status, d.amount_minor, d.currency FROM deals d JOIN organisations o ON o.id = d.organisation_id \
             WHERE d.status IN ('submitted', 'approved') AND d.organisation_id <> $1 AND ",
            $condition,
            " ORDER BY d.id LIMIT 20"
        )
    };
}

macro_rules! pipeline_candidates {
    ($condition:literal) => {
        concat!(
            "SELECT CAST(NULL AS BIGINT) AS deal_id, owner AS holder, customer_company, company_key, \
             customer_domain, stage AS status, amount_minor, currency FROM vendor_pipeline WHERE ",
            $condition,
            " ORDER BY id LIMIT 20"
        )
    };
}

/// Other partners' open registrations, and pipeline entries, for the same registrable domain.
pub async fn same_domain(db: &Db, domain: &str, exclude_organisation: i64) -> Result<Vec<Candidate>, sqlx::Error> {
    const DEALS: &str = open_deal_candidates!("d.customer_domain = $2");
    const PIPELINE: &str = pipeline_candidates!("customer_domain = $1");
    on_db!(db, pool => {
        let mut found: Vec<Candidate> =
            sqlx::query_as(DEALS).bind(exclude_organisation).bind(domain).fetch_all(pool).await?;
        found.extend(sqlx::query_as::<_, Candidate>(PIPELINE).bind(domain).fetch_all(pool).await?);
        Ok(found)
    })
}

/// The distinct normalised names that share `prefix`, among other partners' open registrations and the pipeline.
pub async fn names_with_prefix(db: &Db, prefix: &str, exclude_organisation: i64) -> Result<Vec<String>, sqlx::Error> {
    const SQL: &str = "SELECT DISTINCT company_key FROM deals \
        WHERE name_prefix = $1 AND status IN ('submitted', 'approved') AND organisation_id <> $2 \
        UNION SELECT company_key FROM vendor_pipeline WHERE name_prefix = $1";
    on_db!(db, pool => sqlx::query_scalar(SQL).bind(prefix).bind(exclude_organisation).fetch_all(pool).await)
}

/// Open registrations and pipeline entries with exactly this normalised name.
pub async fn same_name(
    db: &Db,
    prefix: &str,
    key: &str,
    exclude_organisation: i64,
) -> Result<Vec<Candidate>, sqlx::Error> {
    const DEALS: &str = open_deal_candidates!("d.name_prefix = $2 AND d.company_key = $3");
    const PIPELINE: &str = pipeline_candidates!("name_prefix = $1 AND company_key = $2");
    on_db!(db, pool => {
        let mut found: Vec<Candidate> =
            sqlx::query_as(DEALS).bind(exclude_organisation).bind(prefix).bind(key).fetch_all(pool).await?;
        found.extend(sqlx::query_as::<_, Candidate>(PIPELINE).bind(prefix).bind(key).fetch_all(pool).await?);
        Ok(found)
    })
}
