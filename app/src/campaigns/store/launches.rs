//! Partners' launches of campaigns, their landing pages' visits and the leads they bring, with
//! their one writer each: [`save`] and [`set_paused`] for launches, [`add_visits`] for visits,
//! [`add_lead`] for leads.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

use super::super::launch::{Counts, Lead, LeadRow, Personal};
use crate::audit::{self, AuditAction};
use crate::auth::reach::Reach;
use crate::db::{Conditions, Db};
use crate::mail;
use crate::notifications::{self, Notice};
use crate::{bind_all, execute_in, on_db, on_tx};

macro_rules! launch_columns {
    () => {
        "SELECT id, campaign_id, organisation_id, slug, intro, cta_text, cta_url, posts, paused, launched_at \
         FROM campaign_launches"
    };
}

macro_rules! lead_columns {
    () => {
        "SELECT c.id, c.created_at AS received_at, c.name, c.email, c.company, c.phone, l.campaign_id, \
         m.name AS campaign, c.organisation_id, o.name AS partner, d.id AS deal_id, \
         c.possible_conflict FROM campaign_leads c LEFT JOIN campaign_launches l ON l.id = c.launch_id \
         LEFT JOIN campaigns m ON m.id = l.campaign_id \
         JOIN organisations o ON o.id = c.organisation_id LEFT JOIN deals d ON d.lead_id = c.id"
    };
}

crate::statements! {
    const BY_PARTNER = concat!(launch_columns!(), " WHERE campaign_id = $1 AND organisation_id = $2");
    const BY_SLUG = concat!(launch_columns!(), " WHERE slug = $1");
    const OF_CAMPAIGN = concat!(launch_columns!(), " WHERE campaign_id = $1");
    const UPSERT = "INSERT INTO campaign_launches (campaign_id, organisation_id, slug, intro, cta_text, cta_url, posts, \
        paused, launched_by, launched_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8, $9, $9) \
        ON CONFLICT (campaign_id, organisation_id) DO UPDATE SET intro = excluded.intro, cta_text = excluded.cta_text, \
        cta_url = excluded.cta_url, posts = excluded.posts, updated_at = excluded.updated_at RETURNING slug";
    const SET_PAUSED = "UPDATE campaign_launches SET paused = $1, updated_at = $2 WHERE id = $3 AND paused <> $1";
    const ADD_VISITS = "INSERT INTO campaign_visits (launch_id, day, views, clicks) VALUES ($1, $2, $3, $4) \
        ON CONFLICT (launch_id, day) DO UPDATE SET views = campaign_visits.views + excluded.views, \
        clicks = campaign_visits.clicks + excluded.clicks";
    const VISITS = "SELECT v.launch_id, CAST(SUM(v.views) AS BIGINT), CAST(SUM(v.clicks) AS BIGINT) \
        FROM campaign_visits v JOIN campaign_launches l ON l.id = v.launch_id WHERE l.campaign_id = $1 GROUP BY v.launch_id";
    const LEAD_COUNTS = "SELECT c.launch_id, COUNT(*), COUNT(d.submitted_at) FROM campaign_leads c \
        JOIN campaign_launches l ON l.id = c.launch_id LEFT JOIN deals d ON d.lead_id = c.id \
        WHERE l.campaign_id = $1 GROUP BY c.launch_id";
    const DAILY = "SELECT v.launch_id, v.day, CAST(v.views AS BIGINT), CAST(v.clicks AS BIGINT) FROM campaign_visits v \
        JOIN campaign_launches l ON l.id = v.launch_id WHERE l.campaign_id = $1 AND v.day >= $2";
    const WAITING = "SELECT COUNT(*) FROM campaign_leads c LEFT JOIN deals d ON d.lead_id = c.id \
        WHERE c.organisation_id = $1 AND d.id IS NULL";
    const SAME_LEAD = "SELECT COUNT(*) FROM campaign_leads WHERE launch_id = $1 AND email = $2 AND created_at > $3";
    const SAME_LOCATOR_LEAD = "SELECT COUNT(*) FROM campaign_leads WHERE launch_id IS NULL AND organisation_id = $1 \
        AND email = $2 AND created_at > $3";
    const INSERT_LEAD = "INSERT INTO campaign_leads (launch_id, organisation_id, name, email, company, phone, created_at, \
        possible_conflict) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
}

/// A partner's launch of a campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredLaunch {
    pub id: i64,
    pub campaign_id: i64,
    pub organisation_id: i64,
    pub slug: String,
    pub personal: Personal,
    pub paused: bool,
    pub launched_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct LaunchRecord {
    id: i64,
    campaign_id: i64,
    organisation_id: i64,
    slug: String,
    intro: String,
    cta_text: String,
    cta_url: String,
    posts: String,
    paused: bool,
    launched_at: DateTime<Utc>,
}

impl From<LaunchRecord> for StoredLaunch {
    fn from(record: LaunchRecord) -> StoredLaunch {
        StoredLaunch {
            id: record.id,
            campaign_id: record.campaign_id,
            organisation_id: record.organisation_id,
            slug: record.slug,
            personal: Personal {
                intro: record.intro,
                cta_text: record.cta_text,
                cta_url: record.cta_url,
                posts: record.posts.split(',').filter_map(|at| at.trim().parse().ok()).collect(),
            },
            paused: record.paused,
            launched_at: record.launched_at,
        }
    }
}

/// Partner `organisation_id`'s launch of campaign `campaign_id`, if it launched it.
pub async fn launch_of(db: &Db, campaign_id: i64, organisation_id: i64) -> Result<Option<StoredLaunch>, sqlx::Error> {
    let found: Option<LaunchRecord> = on_db!(db, pool => sqlx::query_as(BY_PARTNER)
        .bind(campaign_id).bind(organisation_id).fetch_optional(pool).await)?;
    Ok(found.map(StoredLaunch::from))
}

/// The launch whose landing page is at `slug`.
pub async fn launch_at(db: &Db, slug: &str) -> Result<Option<StoredLaunch>, sqlx::Error> {
    let found: Option<LaunchRecord> =
        on_db!(db, pool => sqlx::query_as(BY_SLUG).bind(slug).fetch_optional(pool).await)?;
    Ok(found.map(StoredLaunch::from))
}

/// Every launch of campaign `campaign_id`, with its figures.
pub async fn launches(db: &Db, campaign_id: i64) -> Result<Vec<(StoredLaunch, Counts)>, sqlx::Error> {
    let (records, visits, leads): (Vec<LaunchRecord>, Vec<(i64, i64, i64)>, Vec<(i64, i64, i64)>) = on_db!(db, pool => {
        let records = sqlx::query_as(OF_CAMPAIGN).bind(campaign_id).fetch_all(pool).await?;
        let visits = sqlx::query_as(VISITS).bind(campaign_id).fetch_all(pool).await?;
        let leads = sqlx::query_as(LEAD_COUNTS).bind(campaign_id).fetch_all(pool).await?;
        (records, visits, leads)
    });
    let mut counts: HashMap<i64, Counts> = HashMap::new();
    for (launch, views, clicks) in visits {
        let counts = counts.entry(launch).or_default();
        (counts.views, counts.clicks) = (views, clicks);
    }
    for (launch, leads, deals) in leads {
        let counts = counts.entry(launch).or_default();
        (counts.leads, counts.deals) = (leads, deals);
    }
    Ok(records
        .into_iter()
        .map(|record| {
            let counts = counts.get(&record.id).copied().unwrap_or_default();
            (StoredLaunch::from(record), counts)
        })
        .collect())
}

/// How many characters of a fresh token a landing page's address takes: 22 of base64, 132 random bits.
const SLUG_CHARS: usize = 22;

/// A new landing page's address: unguessable, and short enough for a post.
pub fn new_slug() -> Result<String, crate::error::AppError> {
    let mut slug = crate::auth::secrets::new_token()?;
    slug.truncate(SLUG_CHARS);
    Ok(slug)
}

/// Launches campaign `campaign_id` for partner `organisation_id` at `slug` (a new launch), or
/// keeps what it changed (a launch made before keeps its own address, whatever `slug` says), by
/// `by` at `now`, with its audit entry. The launch's address.
pub async fn save(
    db: &Db,
    (campaign_id, name): (i64, &str),
    (organisation_id, slug): (i64, &str),
    personal: &Personal,
    (by, now): (i64, DateTime<Utc>),
) -> Result<String, sqlx::Error> {
    let posts = personal.posts.iter().map(usize::to_string).collect::<Vec<_>>().join(",");
    let mut tx = db.begin().await?;
    let slug: String = on_tx!(tx, conn => sqlx::query_scalar(UPSERT)
        .bind(campaign_id).bind(organisation_id).bind(slug).bind(&personal.intro).bind(&personal.cta_text)
        .bind(&personal.cta_url).bind(&posts).bind(by).bind(now)
        .fetch_one(conn).await)?;
    audit::record(&mut tx, by, AuditAction::LaunchedCampaign, &format!("Launched campaign {name}"), now).await?;
    tx.commit().await?;
    Ok(slug)
}

/// Pauses or resumes launch `id` of campaign `name`, by `by` at `now`; `false` when it already was.
pub async fn set_paused(
    db: &Db,
    (id, name): (i64, &str),
    paused: bool,
    (by, now): (i64, DateTime<Utc>),
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let changed = execute_in!(tx, sqlx::query(SET_PAUSED).bind(paused).bind(now).bind(id))?;
    if changed == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let said = format!("{} the landing page of campaign {name}", if paused { "Paused" } else { "Resumed" });
    audit::record(&mut tx, by, AuditAction::LaunchedCampaign, &said, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// The views and clicks of campaign `campaign_id`'s launches on each day since `from`: (launch, day, views, clicks).
pub async fn daily(db: &Db, campaign_id: i64, from: NaiveDate) -> Result<Vec<(i64, NaiveDate, i64, i64)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(DAILY).bind(campaign_id).bind(from).fetch_all(pool).await)
}

/// Adds views and clicks counted in memory: (launch, day, views, clicks).
pub async fn add_visits(db: &Db, visits: &[(i64, NaiveDate, i64, i64)]) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    for (launch, day, views, clicks) in visits {
        execute_in!(tx, sqlx::query(ADD_VISITS).bind(launch).bind(day).bind(views).bind(clicks))?;
    }
    tx.commit().await
}

/// Whether a lead was kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    Added(i64),
    /// The same person sent the same page's form within the day: one lead.
    Duplicate,
}

/// How long a second form from the same address on the same landing page (or to the same
/// partner through the locator) is the same lead.
pub const SAME_LEAD_HOURS: i64 = 24;

/// Where a lead came from.
#[derive(Clone, Copy, Debug)]
pub enum LeadSource<'a> {
    /// A partner's landing page of a campaign.
    Landing(&'a StoredLaunch),
    /// The public partner locator's contact form, to partner `organisation_id`.
    Locator { organisation_id: i64 },
}

impl LeadSource<'_> {
    fn organisation_id(self) -> i64 {
        match self {
            LeadSource::Landing(launch) => launch.organisation_id,
            LeadSource::Locator { organisation_id } => organisation_id,
        }
    }
}

/// The one writer of leads: keeps `lead` from `source` (of `campaign`; none from the locator), marked `possible_conflict` when another partner registered the customer already,
/// unless the same email sent the same form within [`SAME_LEAD_HOURS`]; tells the partner's
/// admins, with `link` to their leads, and the webhooks.
pub async fn add_lead(
    db: &Db,
    source: LeadSource<'_>,
    (campaign, link): (Option<&str>, &str),
    lead: &Lead,
    possible_conflict: bool,
    now: DateTime<Utc>,
) -> Result<Added, sqlx::Error> {
    let organisation_id = source.organisation_id();
    let launch_id = match source {
        LeadSource::Landing(launch) => Some(launch.id),
        LeadSource::Locator { .. } => None,
    };
    let mut tx = db.begin().await?;
    tx.exclude_others("campaign_leads").await?;
    let since = now - chrono::Duration::hours(SAME_LEAD_HOURS);
    let same: i64 = on_tx!(tx, conn => match launch_id {
        Some(launch) => sqlx::query_scalar(SAME_LEAD).bind(launch).bind(&lead.email).bind(since).fetch_one(conn).await,
        None => sqlx::query_scalar(SAME_LOCATOR_LEAD).bind(organisation_id).bind(&lead.email).bind(since)
            .fetch_one(conn).await,
    })?;
    if same > 0 {
        tx.rollback().await?;
        return Ok(Added::Duplicate);
    }
    let id: i64 = on_tx!(tx, conn => sqlx::query_scalar(INSERT_LEAD)
        .bind(launch_id).bind(organisation_id).bind(&lead.name).bind(&lead.email).bind(&lead.company)
        .bind(&lead.phone).bind(now).bind(possible_conflict).fetch_one(conn).await)?;
    let message = mail::lead_captured(&lead.name, &lead.company, campaign, link);
    let notice = Notice { kind: notifications::Kind::Lead, message, path: "/leads".to_owned() };
    notifications::store::tell_partner_admins(&mut tx, organisation_id, &notice, now).await?;
    let data = serde_json::json!({
        "lead_id": id,
        "organisation_id": organisation_id,
        "source": if launch_id.is_some() { "landing_page" } else { "locator" },
        "campaign": campaign,
        "name": lead.name,
        "email": lead.email,
        "company": lead.company,
        "phone": lead.phone,
        "possible_conflict": possible_conflict,
    });
    crate::webhooks::store::record(&mut tx, crate::webhooks::EventKind::LeadCaptured, &data, now).await?;
    tx.commit().await?;
    Ok(Added::Added(id))
}

#[derive(sqlx::FromRow)]
struct LeadRecord {
    id: i64,
    received_at: DateTime<Utc>,
    name: String,
    email: String,
    company: String,
    phone: String,
    campaign_id: Option<i64>,
    campaign: Option<String>,
    organisation_id: i64,
    partner: String,
    deal_id: Option<i64>,
    possible_conflict: bool,
}

impl LeadRecord {
    fn row(self) -> LeadRow {
        LeadRow {
            id: self.id,
            received_at: self.received_at,
            name: self.name,
            email: self.email,
            company: self.company,
            phone: self.phone,
            campaign_id: self.campaign_id,
            campaign: self.campaign,
            organisation_id: self.organisation_id,
            partner: self.partner,
            deal_id: self.deal_id,
            possible_conflict: self.possible_conflict,
        }
    }
}

fn leads_sql(reach: Reach) -> Conditions {
    let mut sql = Conditions::new(concat!(lead_columns!(), " WHERE 1 = 1"));
    reach.narrow(&mut sql, "o");
    sql.sql.push_str(&format!(" ORDER BY c.created_at DESC, c.id DESC LIMIT {LEADS_SHOWN}"));
    sql
}

/// The newest leads of the partners within `reach`, newest first.
pub async fn leads(db: &Db, reach: Reach) -> Result<Vec<LeadRow>, sqlx::Error> {
    let sql = leads_sql(reach);
    let records: Vec<LeadRecord> =
        on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql.sql)), &sql.params).fetch_all(pool).await)?;
    Ok(records.into_iter().map(LeadRecord::row).collect())
}

/// How many of partner `organisation_id`'s leads are not yet registered as deals.
pub async fn waiting_leads(db: &Db, organisation_id: i64) -> Result<i64, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(WAITING).bind(organisation_id).fetch_one(pool).await)
}

/// The most leads a list shows, newest first.
pub const LEADS_SHOWN: usize = 500;

/// SQL this module assembles at run time, for the test that prepares every statement.
pub fn assembled_statements() -> Vec<String> {
    vec![leads_sql(Reach::Assigned { channel_manager_id: 1 }).sql]
}
