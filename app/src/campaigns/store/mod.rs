//! Campaigns in the database, with their one writer ([`save`], [`set_state`]), and the facts of
//! the partners a campaign targets.

pub mod launches;

use chrono::{DateTime, NaiveDate, Utc};

use super::render::PartnerFacts;
use super::{Audience, CampaignDraft, CampaignState, Editable, Texts};
use crate::audit::{self, AuditAction};
use crate::db::{Db, Tx};
use crate::{execute_in, on_db, on_tx};

macro_rules! partner_columns {
    () => {
        "SELECT o.id, o.name, COALESCE(t.name, '') AS tier, o.tier_id, o.partner_type_id, o.channel_manager_id, \
        o.website, o.contact_email, o.phone, COALESCE(a.name, '') AS contact_name, \
        CAST(l.width AS BIGINT) AS width, CAST(l.height AS BIGINT) AS height, l.uploaded_at \
        FROM organisations o LEFT JOIN tiers t ON t.id = o.tier_id \
        LEFT JOIN organisation_logos l ON l.organisation_id = o.id \
        LEFT JOIN users a ON a.id = (SELECT MIN(u.id) FROM users u WHERE u.organisation_id = o.id \
            AND u.role = 'partner_admin' AND u.deactivated_at IS NULL)"
    };
}

crate::statements! {
    const CAMPAIGNS = "SELECT id, name, summary, headline, intro, body, cta_text, email_subject, email_body, posts, \
        starts_on, ends_on, edit_intro, edit_cta, choose_posts, state FROM campaigns ORDER BY starts_on DESC, id DESC";
    const TIERS = "SELECT campaign_id, tier_id FROM campaign_tiers";
    const TYPES = "SELECT campaign_id, partner_type_id FROM campaign_types";
    const NAME_TAKEN = "SELECT COUNT(*) FROM campaigns WHERE lower(name) = lower($1) AND id <> $2";
    const INSERT = "INSERT INTO campaigns (name, summary, headline, intro, body, cta_text, email_subject, email_body, \
        posts, starts_on, ends_on, edit_intro, edit_cta, choose_posts, state, created_by, created_at, updated_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'draft', $15, $16, $16) RETURNING id";
    const UPDATE = "UPDATE campaigns SET name = $1, summary = $2, headline = $3, intro = $4, body = $5, cta_text = $6, \
        email_subject = $7, email_body = $8, posts = $9, starts_on = $10, ends_on = $11, edit_intro = $12, \
        edit_cta = $13, choose_posts = $14, updated_at = $15 WHERE id = $16";
    const CLEAR_TIERS = "DELETE FROM campaign_tiers WHERE campaign_id = $1";
    const CLEAR_TYPES = "DELETE FROM campaign_types WHERE campaign_id = $1";
    const INSERT_TIER = "INSERT INTO campaign_tiers (campaign_id, tier_id) VALUES ($1, $2)";
    const INSERT_TYPE = "INSERT INTO campaign_types (campaign_id, partner_type_id) VALUES ($1, $2)";
    const SET_STATE = "UPDATE campaigns SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4";
    const PARTNERS = concat!(partner_columns!(), " WHERE o.kind = 'partner' ORDER BY o.name");
    const PARTNER = concat!(partner_columns!(), " WHERE o.kind = 'partner' AND o.id = $1");
    const VENDOR = "SELECT name FROM organisations WHERE kind = 'vendor' ORDER BY id LIMIT 1";
}

#[derive(sqlx::FromRow)]
struct CampaignRecord {
    id: i64,
    name: String,
    summary: String,
    headline: String,
    intro: String,
    body: String,
    cta_text: String,
    email_subject: String,
    email_body: String,
    posts: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    edit_intro: bool,
    edit_cta: bool,
    choose_posts: bool,
    state: CampaignState,
}

/// A stored campaign: its content and settings, and where it is in its life.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCampaign {
    pub draft: CampaignDraft,
    pub state: CampaignState,
}

/// Every campaign, the latest window first.
pub async fn campaigns(db: &Db) -> Result<Vec<StoredCampaign>, sqlx::Error> {
    let (records, tiers, types): (Vec<CampaignRecord>, Vec<(i64, i64)>, Vec<(i64, i64)>) = on_db!(db, pool => {
        let records = sqlx::query_as(CAMPAIGNS).fetch_all(pool).await?;
        let tiers = sqlx::query_as(TIERS).fetch_all(pool).await?;
        let types = sqlx::query_as(TYPES).fetch_all(pool).await?;
        (records, tiers, types)
    });
    Ok(records
        .into_iter()
        .map(|record| StoredCampaign {
            state: record.state,
            draft: CampaignDraft {
                id: record.id,
                audience: Audience::of(record.id, &tiers, &types),
                name: record.name,
                summary: record.summary,
                texts: Texts {
                    headline: record.headline,
                    intro: record.intro,
                    body: record.body,
                    cta_text: record.cta_text,
                    email_subject: record.email_subject,
                    email_body: record.email_body,
                    posts: super::split_posts(&record.posts),
                },
                starts_on: record.starts_on,
                ends_on: record.ends_on,
                editable: Editable {
                    intro: record.edit_intro,
                    call_to_action: record.edit_cta,
                    posts: record.choose_posts,
                },
            },
        })
        .collect())
}

pub async fn campaign(db: &Db, id: i64) -> Result<Option<StoredCampaign>, sqlx::Error> {
    Ok(campaigns(db).await?.into_iter().find(|campaign| campaign.draft.id == id))
}

/// The vendor's name, as co-branded pages say it ("with Acme Cloud").
pub async fn vendor_name(db: &Db) -> Result<String, sqlx::Error> {
    let name: Option<String> = on_db!(db, pool => sqlx::query_scalar(VENDOR).fetch_optional(pool).await)?;
    Ok(name.unwrap_or_else(|| "the vendor".to_owned()))
}

/// Why a campaign was not saved.
#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    Saved(i64),
    NotFound,
    NameTaken,
}

/// Creates the campaign (`draft.id` 0, as a draft) or changes it, by `by` at `now`, with its audit
/// entry.
pub async fn save(db: &Db, draft: &CampaignDraft, (by, now): (i64, DateTime<Utc>)) -> Result<Saved, sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.exclude_others("campaign_names").await?;
    let taken: i64 =
        on_tx!(tx, conn => sqlx::query_scalar(NAME_TAKEN).bind(&draft.name).bind(draft.id).fetch_one(conn).await)?;
    if taken > 0 {
        tx.rollback().await?;
        return Ok(Saved::NameTaken);
    }
    let texts = &draft.texts;
    let posts = texts.posts.join("\n---\n");
    let id = match draft.id {
        0 => on_tx!(tx, conn => sqlx::query_scalar(INSERT)
            .bind(&draft.name).bind(&draft.summary).bind(&texts.headline).bind(&texts.intro).bind(&texts.body)
            .bind(&texts.cta_text).bind(&texts.email_subject).bind(&texts.email_body).bind(&posts)
            .bind(draft.starts_on).bind(draft.ends_on).bind(draft.editable.intro).bind(draft.editable.call_to_action)
            .bind(draft.editable.posts).bind(by).bind(now)
            .fetch_one(conn).await)?,
        id => {
            let changed = execute_in!(
                tx,
                sqlx::query(UPDATE)
                    .bind(&draft.name)
                    .bind(&draft.summary)
                    .bind(&texts.headline)
                    .bind(&texts.intro)
                    .bind(&texts.body)
                    .bind(&texts.cta_text)
                    .bind(&texts.email_subject)
                    .bind(&texts.email_body)
                    .bind(&posts)
                    .bind(draft.starts_on)
                    .bind(draft.ends_on)
                    .bind(draft.editable.intro)
                    .bind(draft.editable.call_to_action)
                    .bind(draft.editable.posts)
                    .bind(now)
                    .bind(id)
            )?;
            if changed == 0 {
                tx.rollback().await?;
                return Ok(Saved::NotFound);
            }
            id
        }
    };
    audience(&mut tx, id, &draft.audience).await?;
    let said = format!("{} campaign {}", if draft.id == 0 { "Created" } else { "Changed" }, draft.name);
    audit::record(&mut tx, by, AuditAction::ChangedCampaign, &said, now).await?;
    tx.commit().await?;
    Ok(Saved::Saved(id))
}

async fn audience(tx: &mut Tx, id: i64, audience: &Audience) -> Result<(), sqlx::Error> {
    execute_in!(tx, sqlx::query(CLEAR_TIERS).bind(id))?;
    execute_in!(tx, sqlx::query(CLEAR_TYPES).bind(id))?;
    for tier in &audience.tiers {
        execute_in!(tx, sqlx::query(INSERT_TIER).bind(id).bind(tier))?;
    }
    for kind in &audience.types {
        execute_in!(tx, sqlx::query(INSERT_TYPE).bind(id).bind(kind))?;
    }
    Ok(())
}

/// Moves campaign `id` from `from` to `to`, by `by` at `now`, with its audit entry; `false` when it
/// was not in `from` (changed meanwhile, or no such campaign).
pub async fn set_state(
    db: &Db,
    (id, name): (i64, &str),
    (from, to): (CampaignState, CampaignState),
    (by, now): (i64, DateTime<Utc>),
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let changed = execute_in!(tx, sqlx::query(SET_STATE).bind(to).bind(now).bind(id).bind(from))?;
    if changed == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let said = format!("{} campaign {name}", to.label());
    audit::record(&mut tx, by, AuditAction::ChangedCampaign, &said, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// A partner as campaigns see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignPartner {
    pub id: i64,
    pub channel_manager_id: Option<i64>,
    pub tier: String,
    pub tier_id: Option<i64>,
    pub partner_type_id: Option<i64>,
    pub facts: PartnerFacts,
}

#[derive(sqlx::FromRow)]
struct PartnerRecord {
    id: i64,
    name: String,
    tier: String,
    tier_id: Option<i64>,
    partner_type_id: Option<i64>,
    channel_manager_id: Option<i64>,
    website: String,
    contact_email: String,
    phone: String,
    contact_name: String,
    width: Option<i64>,
    height: Option<i64>,
    uploaded_at: Option<DateTime<Utc>>,
}

impl crate::auth::reach::Reachable for CampaignPartner {
    fn organisation_id(&self) -> i64 {
        self.id
    }
    fn channel_manager_id(&self) -> Option<i64> {
        self.channel_manager_id
    }
}

impl PartnerRecord {
    fn partner(self, logo_src: impl Fn(i64, DateTime<Utc>) -> String) -> CampaignPartner {
        CampaignPartner {
            id: self.id,
            channel_manager_id: self.channel_manager_id,
            tier: self.tier,
            tier_id: self.tier_id,
            partner_type_id: self.partner_type_id,
            facts: PartnerFacts {
                logo: match (self.width, self.height, self.uploaded_at) {
                    (Some(width), Some(height), Some(at)) => Some((logo_src(self.id, at), width, height)),
                    _ => None,
                },
                company: self.name,
                contact_name: self.contact_name,
                contact_email: self.contact_email,
                phone: self.phone,
                website: self.website,
            },
        }
    }
}

/// Every partner with the facts its campaigns show: the company profile, its partner admin as
/// the contact, and where its logo is served (`logo_src` of the partner's id and upload time).
pub async fn partners(
    db: &Db,
    logo_src: impl Fn(i64, DateTime<Utc>) -> String,
) -> Result<Vec<CampaignPartner>, sqlx::Error> {
    let records: Vec<PartnerRecord> = on_db!(db, pool => sqlx::query_as(PARTNERS).fetch_all(pool).await)?;
    Ok(records.into_iter().map(|record| record.partner(&logo_src)).collect())
}

/// Partner `id` as [`partners`] has it, its logo at `logo_src` of its upload time.
pub async fn partner(
    db: &Db,
    id: i64,
    logo_src: impl Fn(DateTime<Utc>) -> String,
) -> Result<Option<CampaignPartner>, sqlx::Error> {
    let record: Option<PartnerRecord> =
        on_db!(db, pool => sqlx::query_as(PARTNER).bind(id).fetch_optional(pool).await)?;
    Ok(record.map(|record| record.partner(|_, at| logo_src(at))))
}
