//! Deals and their timelines in the database: lists within a reach, one deal, the conflict
//! check's candidates, and the one writer of deal changes ([`insert`], [`apply`]), which records
//! the timeline line and queues the email in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

use super::plan::{Actor, LedgerEffect, Plan};
use super::schedule::Reminder;
use super::status::{DealStatus, TimelineKind};
use super::{Attribution, DealRecord, DealRow, DealSort, QueueRow, TimelineEntry};
use crate::audit::{self, AuditAction, Change};
use crate::auth::reach::Reach;
use crate::db::keyset::{After, KeyOrder};
use crate::db::{Conditions, Db, Tx};
use crate::events::DealOutcome;
use crate::incentives::{self, coop::WinBooking};
use crate::mail::{self, Message};
use crate::money::Currency;
use crate::notifications::{self, Notice};
use crate::webhooks;
use crate::{bind_all, execute_in, on_db, on_tx};

pub use super::narrowing::{DealFilter, Narrowing, push_tier_and_region};

pub mod agenda;
pub mod pipeline;

macro_rules! deal_row_columns {
    () => {
        "d.id, o.name AS partner_name, d.customer_company, d.customer_domain, d.amount_minor, d.currency, \
         d.status, d.expected_close_date, d.updated_at, d.possible_conflict, d.protected_until, \
         d.final_amount_minor, d.closed_on"
    };
}

macro_rules! open_deal_candidates {
    ($condition:literal) => {
        concat!(
            "SELECT d.id AS deal_id, d.organisation_id, o.channel_manager_id, o.name AS holder, d.customer_company, \
             d.company_key, d.customer_domain, d.status, COALESCE(d.submitted_at, d.created_at) AS registered_at, \
             d.amount_minor, d.currency FROM deals d JOIN organisations o ON o.id = d.organisation_id \
             WHERE d.status IN ('submitted', 'approved') AND d.organisation_id <> $1 AND ",
            $condition,
            " ORDER BY d.id LIMIT 20"
        )
    };
}

macro_rules! pipeline_candidates {
    ($condition:literal) => {
        concat!(
            "SELECT CAST(NULL AS BIGINT) AS deal_id, CAST(NULL AS BIGINT) AS organisation_id, \
             CAST(NULL AS BIGINT) AS channel_manager_id, owner AS holder, customer_company, company_key, \
             customer_domain, stage AS status, imported_at AS registered_at, amount_minor, currency \
             FROM vendor_pipeline WHERE ",
            $condition,
            " ORDER BY id LIMIT 20"
        )
    };
}

crate::statements! {
    const LEAD = "SELECT c.id, c.organisation_id, c.name, c.email, c.company, c.phone, c.created_at AS received_at, \
        m.name AS campaign, d.id AS deal_id FROM campaign_leads c \
        LEFT JOIN campaign_launches l ON l.id = c.launch_id LEFT JOIN campaigns m ON m.id = l.campaign_id \
        LEFT JOIN deals d ON d.lead_id = c.id WHERE c.id = $1";
    const RECORD = "SELECT d.id, d.organisation_id, o.name AS partner_name, u.name AS created_by_name, d.status, \
        d.customer_company, d.customer_domain, d.contact_name, d.contact_email, d.amount_minor, d.currency, \
        d.expected_close_date, d.products, d.attribution, d.notes, d.possible_conflict, d.created_at, \
        d.submitted_at, d.sla_due_at, d.decided_at, d.rejection_reason, d.protected_until, d.extension_status, \
        d.extension_reason, d.final_amount_minor, d.closed_on, d.reminded_14_at, d.reminded_3_at \
        FROM deals d JOIN organisations o ON o.id = d.organisation_id JOIN users u ON u.id = d.created_by \
        WHERE d.id = $1";
    const TIMELINE = "SELECT e.at, u.name AS actor, e.kind, e.from_status, e.to_status, e.note \
        FROM deal_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.deal_id = $1 ORDER BY e.at, e.id";
    const INSERT = "INSERT INTO deals (organisation_id, created_by, form_token, status, customer_company, \
        company_key, name_prefix, customer_domain, contact_name, contact_email, amount_minor, currency, \
        expected_close_date, products, attribution, notes, possible_conflict, created_at, updated_at, submitted_at, \
        sla_due_at, lead_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19, $20, $21) \
        ON CONFLICT (form_token) DO NOTHING RETURNING id";
    const BY_FORM_TOKEN = "SELECT id, status, possible_conflict FROM deals WHERE form_token = $1 AND created_by = $2";
    const BY_LEAD = "SELECT id, status, possible_conflict FROM deals WHERE lead_id = $1";
    const REPORTED = "SELECT d.id, d.organisation_id, o.name AS partner, d.customer_company, d.customer_domain, d.status, \
        d.amount_minor, d.currency, d.expected_close_date, d.final_amount_minor, d.closed_on \
        FROM deals d JOIN organisations o ON o.id = d.organisation_id WHERE d.id = $1";
    const INSERT_TIMELINE = "INSERT INTO deal_events (deal_id, actor_id, at, kind, from_status, to_status, note) \
        VALUES ($1, $2, $3, $4, $5, $6, $7)";
    const APPLY = "UPDATE deals SET status = $3, updated_at = $4, \
        submitted_at = COALESCE($5, submitted_at), sla_due_at = COALESCE($6, sla_due_at), \
        decided_at = COALESCE($7, decided_at), rejection_reason = COALESCE($8, rejection_reason), \
        protected_until = COALESCE($9, protected_until), final_amount_minor = COALESCE($10, final_amount_minor), \
        closed_on = COALESCE($11, closed_on), possible_conflict = COALESCE($12, possible_conflict), \
        extension_status = COALESCE($13, extension_status), extension_reason = COALESCE($14, extension_reason), \
        reminded_14_at = CASE WHEN $16 THEN NULL WHEN CAST($17 AS BIGINT) IS NOT NULL THEN COALESCE(reminded_14_at, $4) \
            ELSE reminded_14_at END, \
        reminded_3_at = CASE WHEN $16 THEN NULL WHEN CAST($17 AS BIGINT) = 3 THEN $4 ELSE reminded_3_at END \
        WHERE id = $1 AND status = $2 AND COALESCE(extension_status, 'none') = COALESCE($15, 'none') \
        AND (CAST($17 AS BIGINT) IS NULL OR (CAST($17 AS BIGINT) = 3 AND reminded_3_at IS NULL) \
            OR (CAST($17 AS BIGINT) = 14 AND reminded_14_at IS NULL))";
    const CREATOR = "SELECT created_by, organisation_id FROM deals WHERE id = $1";
    const SAME_DOMAIN_DEALS = open_deal_candidates!("d.customer_domain = $2");
    const SAME_DOMAIN_PIPELINE = pipeline_candidates!("customer_domain = $1");
    const NAMES_WITH_PREFIX = "SELECT DISTINCT company_key FROM deals \
        WHERE name_prefix = $1 AND status IN ('submitted', 'approved') AND organisation_id <> $2 \
        UNION SELECT company_key FROM vendor_pipeline WHERE name_prefix = $1";
    const SAME_NAME_DEALS = open_deal_candidates!("d.name_prefix = $2 AND d.company_key = $3");
    const SAME_NAME_PIPELINE = pipeline_candidates!("name_prefix = $1 AND company_key = $2");
    const ENDED = "SELECT id FROM deals WHERE status = 'approved' AND protected_until <= $1 \
        ORDER BY protected_until, id LIMIT $2";
    const REMINDER_3_DUE = "SELECT id FROM deals WHERE status = 'approved' AND protected_until <= $1 \
        AND reminded_3_at IS NULL ORDER BY protected_until, id LIMIT $2";
    const REMINDER_14_DUE = "SELECT id FROM deals WHERE status = 'approved' AND protected_until <= $1 \
        AND reminded_14_at IS NULL ORDER BY protected_until, id LIMIT $2";
}

/// `FROM … WHERE …` for a reach and filter; every value is a bound parameter.
fn list_conditions(reach: Reach, filter: &DealFilter) -> Conditions {
    let mut conditions = Conditions::new(" FROM deals d JOIN organisations o ON o.id = d.organisation_id WHERE 1 = 1");
    reach.narrow(&mut conditions, "o");
    filter.narrow(&mut conditions);
    conditions
}

/// One page of deals and how many match in all.
pub async fn list(db: &Db, reach: Reach, filter: &DealFilter) -> Result<(Vec<DealRow>, i64), sqlx::Error> {
    let Conditions { sql: conditions, params } = list_conditions(reach, filter);
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

/// A deals list row with its partner's id, for the REST API.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct KeyedDeal {
    #[sqlx(flatten)]
    pub row: DealRow,
    pub organisation_id: i64,
}

fn page_after_sql(
    reach: Reach,
    filter: &DealFilter,
    (order, after): (KeyOrder, Option<After>),
    limit: i64,
) -> Conditions {
    let mut conditions = list_conditions(reach, filter);
    if let Some(after) = after {
        order.continue_after(after, &mut conditions, "d");
    }
    let Conditions { sql: conditions, params } = conditions;
    let sql = format!(
        "SELECT {}, d.organisation_id{conditions} ORDER BY {} LIMIT {limit}",
        deal_row_columns!(),
        order.order_by("d")
    );
    Conditions { sql, params }
}

/// At most `limit` deals within a reach, filtered (not paged: `filter.page` is not read), in
/// `order` after `after`.
pub async fn page_after(
    db: &Db,
    reach: Reach,
    filter: &DealFilter,
    keyset: (KeyOrder, Option<After>),
    limit: i64,
) -> Result<Vec<KeyedDeal>, sqlx::Error> {
    let Conditions { sql, params } = page_after_sql(reach, filter, keyset, limit);
    on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql)), &params).fetch_all(pool).await)
}

/// What a deal counts for in the figures, as [`DealRow::value_minor`] reads it.
macro_rules! deal_value {
    () => {
        "CASE WHEN d.status = 'won' AND d.final_amount_minor > 0 THEN d.final_amount_minor ELSE d.amount_minor END"
    };
}

fn worth_sql(reach: Reach, filter: &DealFilter, reporting: Currency) -> Conditions {
    let Conditions { sql: conditions, params } = list_conditions(reach, filter);
    // Deals in the reporting currency add up in one group; every other value stays apart, so
    // that converting it rounds once per deal, as the figures do.
    let sql = format!(
        "SELECT d.currency, CAST(SUM({value}) AS BIGINT) AS worth, COUNT(*) AS deals{conditions} \
         GROUP BY d.currency, CASE WHEN d.currency = '{code}' THEN 0 ELSE {value} END",
        value = deal_value!(),
        code = reporting.code(),
    );
    Conditions { sql, params }
}

/// What the matching deals are worth: (currency, sum of their values, how many), with deals in
/// `reporting` in one row per currency and others in one row per (currency, value).
pub async fn worth(
    db: &Db,
    reach: Reach,
    filter: &DealFilter,
    reporting: Currency,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    let Conditions { sql, params } = worth_sql(reach, filter, reporting);
    on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql)), &params).fetch_all(pool).await)
}

/// Every deal within a reach, for the CSV export, newest first (at most `limit`).
pub async fn export_rows(db: &Db, reach: Reach, filter: &DealFilter, limit: i64) -> Result<Vec<DealRow>, sqlx::Error> {
    let Conditions { sql: conditions, params } = list_conditions(reach, filter);
    let sql = format!("SELECT {}{conditions} ORDER BY d.updated_at DESC, d.id DESC LIMIT {limit}", deal_row_columns!());
    on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql)), &params).fetch_all(pool).await)
}

/// Submitted deals waiting for a decision within a reach, the earliest due first.
pub async fn queue(db: &Db, reach: Reach) -> Result<Vec<QueueRow>, sqlx::Error> {
    let mut conditions = Conditions::new(
        "SELECT d.id, o.name AS partner_name, d.customer_company, d.customer_domain, d.amount_minor, \
         d.currency, d.submitted_at, d.sla_due_at, d.possible_conflict \
         FROM deals d JOIN organisations o ON o.id = d.organisation_id WHERE d.status = 'submitted'",
    );
    reach.narrow(&mut conditions, "o");
    let Conditions { sql, params } = conditions;
    let sql = sql + " ORDER BY d.sla_due_at, d.id LIMIT 500";
    on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql)), &params).fetch_all(pool).await)
}

fn waiting_sql(reach: Reach) -> Conditions {
    let mut conditions = Conditions::new(
        "SELECT COUNT(*) FROM deals d JOIN organisations o ON o.id = d.organisation_id WHERE d.status = 'submitted'",
    );
    reach.narrow(&mut conditions, "o");
    conditions
}

/// How many submitted deals wait for a decision within a reach.
pub async fn waiting(db: &Db, reach: Reach) -> Result<i64, sqlx::Error> {
    let Conditions { sql, params } = waiting_sql(reach);
    on_db!(db, pool => bind_all!(sqlx::query_scalar(AssertSqlSafe(sql)), &params).fetch_one(pool).await)
}

/// SQL this module assembles at run time, in its fullest form, for the test that prepares every statement.
pub fn assembled_statements() -> Vec<String> {
    let filter = DealFilter::fullest();
    let reach = Reach::Assigned { channel_manager_id: 1 };
    let Conditions { sql, .. } = list_conditions(reach, &filter);
    vec![
        format!("SELECT {}{sql} ORDER BY d.id LIMIT 1", deal_row_columns!()),
        format!("SELECT COUNT(*){sql}"),
        waiting_sql(reach).sql,
        worth_sql(reach, &filter, Currency::EUR).sql,
        page_after_sql(reach, &filter, (KeyOrder::UpdatedDescending, Some(After::Updated(Utc::now(), 1))), 2).sql,
    ]
}

/// A lead as a deal registration starts from it (read here; campaigns keep leads).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LeadSource {
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    pub email: String,
    pub company: String,
    pub phone: String,
    pub received_at: DateTime<Utc>,
    /// The campaign whose landing page it came from; none from the public partner locator.
    pub campaign: Option<String>,
    /// The deal already registered from it.
    pub deal_id: Option<i64>,
}

pub async fn lead(db: &Db, id: i64) -> Result<Option<LeadSource>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(LEAD).bind(id).fetch_optional(pool).await)
}

pub async fn record(db: &Db, id: i64) -> Result<Option<DealRecord>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(RECORD).bind(id).fetch_optional(pool).await)
}

pub async fn timeline(db: &Db, deal_id: i64) -> Result<Vec<TimelineEntry>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(TIMELINE).bind(deal_id).fetch_all(pool).await)
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
    pub attribution: Attribution,
    pub notes: &'a str,
    pub possible_conflict: bool,
    /// The campaign lead it was registered from.
    pub lead_id: Option<i64>,
    pub now: DateTime<Utc>,
    pub sla_due_at: Option<DateTime<Utc>>,
    /// The portal's address, for the link in what the channel manager is told.
    pub public_url: &'a str,
}

/// Whom a change of a deal tells besides its timeline: the person who registered it (`creator`,
/// the plan's message) and, as it is submitted, its partner's channel manager (with a link under
/// `public_url`; none: nobody, as for the demo's history).
#[derive(Clone, Copy, Debug, Default)]
pub struct Telling<'a> {
    pub creator: Option<&'a Message>,
    pub public_url: Option<&'a str>,
}

/// The deal a form created: `created` is false when the same form had already been saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub id: i64,
    pub status: DealStatus,
    pub possible_conflict: bool,
    pub created: bool,
}

/// A line of a deal's timeline. Written only through [`record_timeline`].
pub struct TimelineLine<'a> {
    pub deal_id: i64,
    pub actor_id: Option<i64>,
    pub at: DateTime<Utc>,
    pub kind: TimelineKind,
    pub from: Option<DealStatus>,
    pub to: DealStatus,
    pub note: &'a str,
}

/// The one writer of deal timelines: a line in the transaction of the change it records.
pub async fn record_timeline(tx: &mut Tx, line: &TimelineLine<'_>) -> Result<(), sqlx::Error> {
    execute_in!(
        tx,
        sqlx::query(INSERT_TIMELINE)
            .bind(line.deal_id)
            .bind(line.actor_id)
            .bind(line.at)
            .bind(line.kind)
            .bind(line.from)
            .bind(line.to)
            .bind(line.note)
    )?;
    Ok(())
}

/// Writes a new deal and its first timeline line, once per form token and once per lead: a second
/// deal from the same lead (a resent form, another tab) is answered with the first.
pub async fn insert(db: &Db, deal: &NewDeal<'_>) -> Result<Option<Saved>, sqlx::Error> {
    let submitted = deal.status == DealStatus::Submitted;
    let (kind, note) = if submitted {
        (TimelineKind::Submitted, "Registered and submitted")
    } else {
        (TimelineKind::Created, "Saved as a draft")
    };
    let mut tx = db.begin().await?;
    if let Some(lead) = deal.lead_id {
        tx.exclude_others("deal_leads").await?;
        let existing: Option<(i64, DealStatus, bool)> =
            on_tx!(tx, conn => sqlx::query_as(BY_LEAD).bind(lead).fetch_optional(conn).await)?;
        if let Some((id, status, possible_conflict)) = existing {
            tx.rollback().await?;
            return Ok(Some(Saved { id, status, possible_conflict, created: false }));
        }
    }
    let id: Option<i64> = on_tx!(tx, conn => sqlx::query_scalar(INSERT)
        .bind(deal.organisation_id).bind(deal.created_by).bind(deal.form_token).bind(deal.status)
        .bind(deal.customer_company).bind(deal.company_key).bind(deal.name_prefix).bind(deal.customer_domain)
        .bind(deal.contact_name).bind(deal.contact_email).bind(deal.amount_minor).bind(deal.currency)
        .bind(deal.expected_close_date).bind(deal.products).bind(deal.attribution).bind(deal.notes)
        .bind(deal.possible_conflict).bind(deal.now).bind(submitted.then_some(deal.now)).bind(deal.sla_due_at)
        .bind(deal.lead_id).fetch_optional(conn).await)?;
    if let Some(id) = id {
        let line = TimelineLine {
            deal_id: id,
            actor_id: Some(deal.created_by),
            at: deal.now,
            kind,
            from: None,
            to: deal.status,
            note,
        };
        record_timeline(&mut tx, &line).await?;
        let subject = format!("deal {id}: {} ({})", deal.customer_company, deal.status.as_str());
        audit::record(&mut tx, deal.created_by, AuditAction::RegisteredDeal, &subject, deal.now).await?;
        if submitted {
            report(&mut tx, id, DealOutcome::Submitted, deal.amount_minor, deal.now).await?;
            tell_waiting(&mut tx, id, deal.public_url, deal.now).await?;
        }
    }
    tx.commit().await?;
    if let Some(id) = id {
        return Ok(Some(Saved { id, status: deal.status, possible_conflict: deal.possible_conflict, created: true }));
    }
    // The same form again: answer with the deal it already created (only to the person who created it).
    let existing: Option<(i64, DealStatus, bool)> = on_db!(db, pool => sqlx::query_as(BY_FORM_TOKEN)
        .bind(deal.form_token).bind(deal.created_by).fetch_optional(pool).await)?;
    Ok(existing.map(|(id, status, possible_conflict)| Saved { id, status, possible_conflict, created: false }))
}

/// The one writer of deal changes: applies `plan` to deal `deal_id` if it is still where the plan
/// found it, records the timeline line, tells whom `telling` says (the plan's message to whoever
/// registered the deal; the channel manager of a deal submitted) and books its ledger effect
/// (`booking` when won; reversals when reopened), all or nothing. False when the deal had moved
/// on meanwhile.
pub async fn apply(
    db: &Db,
    deal_id: i64,
    actor: Actor,
    plan: &Plan,
    telling: Telling<'_>,
    booking: &WinBooking,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let change = &plan.change;
    let mut tx = db.begin().await?;
    let updated = execute_in!(
        tx,
        sqlx::query(APPLY)
            .bind(deal_id)
            .bind(plan.from)
            .bind(plan.to)
            .bind(now)
            .bind(change.submitted_at)
            .bind(change.sla_due_at)
            .bind(change.decided_at)
            .bind(change.rejection_reason.as_deref())
            .bind(change.protected_until)
            .bind(change.final_amount_minor)
            .bind(change.closed_on)
            .bind(change.possible_conflict)
            .bind(change.extension.and_then(|e| e.as_stored()))
            .bind(change.extension_reason.as_deref())
            .bind(plan.extension_was.as_stored())
            .bind(change.reset_reminders)
            .bind(change.reminded.map(Reminder::days))
    )?;
    if updated == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let line = TimelineLine {
        deal_id,
        actor_id: actor.user_id(),
        at: now,
        kind: plan.timeline,
        from: Some(plan.from),
        to: plan.to,
        note: &plan.note,
    };
    record_timeline(&mut tx, &line).await?;
    // The protection clock's moves are on the timeline; a person's are audited too.
    if let Some(person) = actor.user_id() {
        let subject = format!("deal {deal_id}: {} to {}", plan.from.as_str(), plan.to.as_str());
        let changes = [Change::of("status", plan.from.as_str(), plan.to.as_str())];
        audit::record_changes(&mut tx, person, AuditAction::MovedDeal, &subject, &changes, now).await?;
    }
    if let Some(message) = telling.creator {
        let creator: i64 = on_tx!(tx, conn => sqlx::query_scalar(CREATOR).bind(deal_id).fetch_one(conn).await)?;
        let notice =
            Notice { kind: notifications::Kind::Deal, message: message.clone(), path: format!("/deals/{deal_id}") };
        notifications::store::tell(&mut tx, creator, &notice, now).await?;
    }
    if let Some((outcome, amount_minor)) = plan.event {
        report(&mut tx, deal_id, outcome, amount_minor, now).await?;
        if let (DealOutcome::Submitted, Some(public_url)) = (outcome, telling.public_url) {
            tell_waiting(&mut tx, deal_id, public_url, now).await?;
        }
    }
    match plan.ledger {
        LedgerEffect::None => {}
        LedgerEffect::Accrue => incentives::store::book_win(&mut tx, booking).await?,
        LedgerEffect::Reverse => {
            incentives::store::reverse_deal(&mut tx, deal_id, &plan.note, actor.user_id(), now).await?
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// A deal's fields as a webhook reports them.
#[derive(sqlx::FromRow, serde::Serialize)]
struct Reported {
    id: i64,
    organisation_id: i64,
    partner: String,
    customer_company: String,
    customer_domain: String,
    status: DealStatus,
    amount_minor: i64,
    currency: String,
    expected_close_date: NaiveDate,
    final_amount_minor: Option<i64>,
    closed_on: Option<NaiveDate>,
}

/// Tells deal `deal_id`'s channel manager that it waits for their decision.
async fn tell_waiting(tx: &mut Tx, deal_id: i64, public_url: &str, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let deal: Reported = on_tx!(tx, conn => sqlx::query_as(REPORTED).bind(deal_id).fetch_one(conn).await)?;
    let amount = crate::money::amount_text(deal.amount_minor, &deal.currency);
    let message =
        mail::deal_waiting(&deal.partner, &deal.customer_company, &amount, &format!("{public_url}/deals/{deal_id}"));
    let notice = Notice { kind: notifications::Kind::DealWaiting, message, path: format!("/deals/{deal_id}") };
    notifications::store::tell_manager(tx, deal.organisation_id, &notice, at).await
}

/// Reports a deal's move to the endpoints that want it, in the transaction of the move.
async fn report(
    tx: &mut Tx,
    deal_id: i64,
    outcome: DealOutcome,
    amount_minor: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let kind = webhooks::EventKind::of_deal(outcome);
    if !webhooks::store::wanted(tx, kind).await? {
        return Ok(());
    }
    let deal: Reported = on_tx!(tx, conn => sqlx::query_as(REPORTED).bind(deal_id).fetch_one(conn).await)?;
    let data = serde_json::json!({ "deal": deal, "outcome": outcome, "amount_minor": amount_minor });
    webhooks::store::record(tx, kind, &data, at).await
}

/// Approved deals whose protection ended by `now`, at most `limit`.
pub async fn protection_ended(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(ENDED).bind(now).bind(limit).fetch_all(pool).await)
}

/// Approved deals whose protection ends by `horizon` and that have not had `reminder`, at most `limit`.
pub async fn reminder_due(
    db: &Db,
    reminder: Reminder,
    horizon: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let sql = match reminder {
        Reminder::ThreeDays => REMINDER_3_DUE,
        Reminder::FourteenDays => REMINDER_14_DUE,
    };
    on_db!(db, pool => sqlx::query_scalar(sql).bind(horizon).bind(limit).fetch_all(pool).await)
}

/// An open registration or pipeline entry that may be the same customer.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Candidate {
    /// The partner's registration and its organisation, or `None` for the vendor's own pipeline.
    pub deal_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub channel_manager_id: Option<i64>,
    pub holder: String,
    pub customer_company: String,
    pub company_key: String,
    pub customer_domain: String,
    pub status: String,
    pub registered_at: DateTime<Utc>,
    pub amount_minor: i64,
    pub currency: String,
}

impl crate::auth::reach::Reachable for Candidate {
    fn organisation_id(&self) -> i64 {
        self.organisation_id.unwrap_or(0)
    }
    fn channel_manager_id(&self) -> Option<i64> {
        self.channel_manager_id
    }
    /// A pipeline entry is the vendor's own.
    fn is_vendor(&self) -> bool {
        self.organisation_id.is_none()
    }
}

/// Other partners' open registrations, and pipeline entries, for the same registrable domain.
pub async fn same_domain(db: &Db, domain: &str, exclude_organisation: i64) -> Result<Vec<Candidate>, sqlx::Error> {
    on_db!(db, pool => {
        let mut found: Vec<Candidate> =
            sqlx::query_as(SAME_DOMAIN_DEALS).bind(exclude_organisation).bind(domain).fetch_all(pool).await?;
        found.extend(sqlx::query_as::<_, Candidate>(SAME_DOMAIN_PIPELINE).bind(domain).fetch_all(pool).await?);
        Ok(found)
    })
}

/// The distinct normalised names that share `prefix`, among other partners' open registrations and the pipeline.
pub async fn names_with_prefix(db: &Db, prefix: &str, exclude_organisation: i64) -> Result<Vec<String>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(NAMES_WITH_PREFIX).bind(prefix).bind(exclude_organisation).fetch_all(pool).await)
}

/// Open registrations and pipeline entries with exactly this normalised name.
pub async fn same_name(
    db: &Db,
    prefix: &str,
    key: &str,
    exclude_organisation: i64,
) -> Result<Vec<Candidate>, sqlx::Error> {
    on_db!(db, pool => {
        let mut found: Vec<Candidate> = sqlx::query_as(SAME_NAME_DEALS)
            .bind(exclude_organisation).bind(prefix).bind(key).fetch_all(pool).await?;
        found.extend(sqlx::query_as::<_, Candidate>(SAME_NAME_PIPELINE).bind(prefix).bind(key).fetch_all(pool).await?);
        Ok(found)
    })
}
