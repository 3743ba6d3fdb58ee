pub mod listing;
pub mod locator;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

use super::LogoFacts;
use super::logo::Logo;
use super::profile::CompanyProfile;
use super::{DirectoryChoices, DirectorySort, PartnerDrill, PartnerRow};
use crate::audit::{self, AuditAction};
use crate::auth::reach::Reach;
use crate::db::{Conditions, Db, Param, Tx};
use crate::deals::narrowing::parse_day;
use crate::error::FieldErrors;
use crate::kpi::health::Band;
use crate::{bind_all, execute_in, on_db, on_tx};

macro_rules! partner_row_select {
    () => {
        "SELECT o.id, o.name, COALESCE(pt.name, '') AS partner_type, COALESCE(t.name, '') AS tier, \
    COALESCE(o.region, '') AS region, o.channel_manager_id, cm.name AS channel_manager, cm.email AS channel_manager_email, \
    (SELECT COUNT(*) FROM users u WHERE u.organisation_id = o.id) AS people \
    FROM organisations o \
    LEFT JOIN partner_types pt ON pt.id = o.partner_type_id \
    LEFT JOIN tiers t ON t.id = o.tier_id \
    LEFT JOIN users cm ON cm.id = o.channel_manager_id"
    };
}

/// How far a partner's deals have ever got: a stage of the activation funnel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivationStage {
    Registered,
    Approved,
    Won,
}

impl ActivationStage {
    pub fn parse(raw: &str) -> Option<ActivationStage> {
        match raw {
            "registered" => Some(ActivationStage::Registered),
            "approved" => Some(ActivationStage::Approved),
            "won" => Some(ActivationStage::Won),
            _ => None,
        }
    }
}

/// Checked drill-down values for the directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartnerNarrowing {
    pub joined: (Option<NaiveDate>, Option<NaiveDate>),
    pub won: (Option<NaiveDate>, Option<NaiveDate>),
    pub first_win: (Option<NaiveDate>, Option<NaiveDate>),
    pub stage: Option<ActivationStage>,
    pub tier: Option<String>,
    pub region: Option<String>,
    pub search: Option<String>,
    pub partner_type: Option<String>,
    pub manager: Option<i64>,
    pub health: Option<Band>,
    pub sort: DirectorySort,
}

impl PartnerNarrowing {
    pub fn parse(drill: &PartnerDrill) -> Result<PartnerNarrowing, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut date = |name: &str, raw: &Option<String>| parse_day(name, raw, &mut errors);
        let joined = (date("joined_from", &drill.joined_from), date("joined_to", &drill.joined_to));
        let won = (date("won_from", &drill.won_from), date("won_to", &drill.won_to));
        let first_win = (date("first_win_from", &drill.first_win_from), date("first_win_to", &drill.first_win_to));
        let stage = drill.stage.as_deref().and_then(|raw| {
            let stage = ActivationStage::parse(raw);
            if stage.is_none() {
                errors.insert("stage".into(), "Choose registered, approved or won.".into());
            }
            stage
        });
        let manager = drill.manager.as_deref().map(str::trim).and_then(|raw| match raw.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.insert("manager".into(), "Choose a channel manager from the list.".into());
                None
            }
        });
        let health = drill.health.as_deref().and_then(|raw| {
            let band = Band::parse(raw);
            if band.is_none() {
                errors.insert("health".into(), "Choose at risk, watch or healthy.".into());
            }
            band
        });
        let sort = match drill.sort.as_deref() {
            None => DirectorySort::Name,
            Some(raw) => DirectorySort::parse(raw).unwrap_or_else(|| {
                errors.insert("sort".into(), "Choose an order from the list.".into());
                DirectorySort::Name
            }),
        };
        let short = |text: &Option<String>| text.as_deref().map(|t| t.trim().chars().take(100).collect::<String>());
        let narrowing = PartnerNarrowing {
            joined,
            won,
            first_win,
            stage,
            tier: short(&drill.tier),
            region: short(&drill.region),
            search: short(&drill.q).filter(|q| !q.is_empty()),
            partner_type: short(&drill.partner_type),
            manager,
            health,
            sort,
        };
        if errors.is_empty() { Ok(narrowing) } else { Err(errors) }
    }
}

fn directory_conditions(reach: Reach, narrowing: &PartnerNarrowing) -> Conditions {
    let mut conditions = Conditions::new(" WHERE o.kind = 'partner'");
    reach.narrow(&mut conditions, "o");
    conditions.push_times(crate::kpi::store::partner_start!(), narrowing.joined);
    if narrowing.won != (None, None) {
        conditions
            .sql
            .push_str(" AND EXISTS (SELECT 1 FROM deals w WHERE w.organisation_id = o.id AND w.status = 'won'");
        conditions.push_days("w.closed_on", narrowing.won);
        conditions.sql.push(')');
    }
    if narrowing.first_win != (None, None) {
        // The first win is in the range: a win in it, and none before it.
        conditions
            .sql
            .push_str(" AND EXISTS (SELECT 1 FROM deals w WHERE w.organisation_id = o.id AND w.status = 'won'");
        conditions.push_days("w.closed_on", narrowing.first_win);
        conditions.sql.push(')');
        if let Some(from) = narrowing.first_win.0 {
            conditions.push(
                " AND NOT EXISTS (SELECT 1 FROM deals e WHERE e.organisation_id = o.id AND e.status = 'won' AND e.closed_on < $n)",
                Param::Date(from),
            );
        }
    }
    conditions.sql.push_str(match narrowing.stage {
        Some(ActivationStage::Registered) => {
            " AND EXISTS (SELECT 1 FROM deals s WHERE s.organisation_id = o.id AND s.submitted_at IS NOT NULL)"
        }
        Some(ActivationStage::Approved) => {
            " AND EXISTS (SELECT 1 FROM deals s WHERE s.organisation_id = o.id AND s.decided_at IS NOT NULL AND s.status <> 'rejected')"
        }
        Some(ActivationStage::Won) => {
            " AND EXISTS (SELECT 1 FROM deals s WHERE s.organisation_id = o.id AND s.status = 'won')"
        }
        None => "",
    });
    crate::deals::narrowing::push_tier_and_region(
        &mut conditions,
        narrowing.tier.as_deref(),
        narrowing.region.as_deref(),
    );
    if let Some(search) = &narrowing.search {
        conditions.push(" AND lower(o.name) LIKE $n ESCAPE '\\'", Param::Text(crate::db::contains_pattern(search)));
    }
    if let Some(partner_type) = &narrowing.partner_type {
        conditions.push(
            " AND o.partner_type_id IN (SELECT id FROM partner_types WHERE name = $n)",
            Param::Text(partner_type.clone()),
        );
    }
    if let Some(manager) = narrowing.manager {
        conditions.push(" AND o.channel_manager_id = $n", Param::Int(manager));
    }
    conditions
}

fn order(sort: DirectorySort) -> &'static str {
    match sort {
        DirectorySort::Newest => "o.created_at DESC, o.id DESC",
        DirectorySort::Name | DirectorySort::HealthLowest => "o.name, o.id",
    }
}

/// One page of partner organisations within `reach` by name, and how many match in all.
pub async fn list_partners(
    db: &Db,
    reach: Reach,
    narrowing: &PartnerNarrowing,
    page: i64,
    per_page: i64,
) -> Result<(Vec<PartnerRow>, i64), sqlx::Error> {
    let Conditions { sql: conditions, params } = directory_conditions(reach, narrowing);
    let offset = (page.max(1) - 1) * per_page;
    let rows_sql = format!(
        "{}{conditions} ORDER BY {} LIMIT {per_page} OFFSET {offset}",
        partner_row_select!(),
        order(narrowing.sort)
    );
    let count_sql = format!("SELECT COUNT(*) FROM organisations o{conditions}");
    on_db!(db, pool => {
        let rows = bind_all!(sqlx::query_as(AssertSqlSafe(rows_sql)), &params).fetch_all(pool).await?;
        let total: i64 = bind_all!(sqlx::query_scalar(AssertSqlSafe(count_sql)), &params).fetch_one(pool).await?;
        Ok((rows, total))
    })
}

/// What the directory's filters offer within `reach`: the tiers, regions and types its partners
/// have, and the channel managers who look after them.
pub async fn choices(db: &Db, reach: Reach) -> Result<DirectoryChoices, sqlx::Error> {
    let Conditions { sql: conditions, params } = directory_conditions(reach, &PartnerNarrowing::default());
    let [tiers, regions, types] = choice_sql(&conditions);
    let managers = managers_sql(&conditions);
    on_db!(db, pool => {
        let mut names = Vec::new();
        for sql in [tiers, regions, types] {
            names.push(bind_all!(sqlx::query_scalar::<_, String>(AssertSqlSafe(sql)), &params).fetch_all(pool).await?);
        }
        let managers = bind_all!(sqlx::query_as(AssertSqlSafe(managers)), &params).fetch_all(pool).await?;
        let [tiers, regions, types]: [Vec<String>; 3] = names.try_into().unwrap_or_default();
        Ok(DirectoryChoices { tiers, regions, types, managers })
    })
}

fn choice_sql(conditions: &str) -> [String; 3] {
    [
        format!(
            "SELECT t.name FROM tiers t WHERE t.id IN (SELECT o.tier_id FROM organisations o{conditions}) ORDER BY t.rank, t.name"
        ),
        format!(
            "SELECT DISTINCT o.region FROM organisations o{conditions} AND o.region IS NOT NULL AND o.region <> '' ORDER BY o.region"
        ),
        format!(
            "SELECT pt.name FROM partner_types pt WHERE pt.id IN (SELECT o.partner_type_id FROM organisations o{conditions}) ORDER BY pt.name"
        ),
    ]
}

fn managers_sql(conditions: &str) -> String {
    format!(
        "SELECT u.id, u.name FROM users u WHERE u.id IN (SELECT o.channel_manager_id FROM organisations o{conditions}) ORDER BY u.name, u.id"
    )
}

crate::statements! {
    const ADD_PARTNER = "INSERT INTO organisations \
        (name, kind, partner_type_id, tier_id, region, channel_manager_id, website, city, country, created_at) \
        VALUES ($1, 'partner', $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id";
    const PARTNER = concat!(partner_row_select!(), " WHERE o.kind = 'partner' AND o.id = $1");
    const WITHOUT_MANAGER = "SELECT o.id, o.name FROM organisations o \
        WHERE o.kind = 'partner' AND o.channel_manager_id IS NULL ORDER BY o.name, o.id LIMIT 50";
    const WITHOUT_PEOPLE = "SELECT o.id, o.name FROM organisations o WHERE o.kind = 'partner' \
        AND NOT EXISTS (SELECT 1 FROM users u WHERE u.organisation_id = o.id) ORDER BY o.name, o.id LIMIT 50";
    const PROFILE = "SELECT name, COALESCE(region, '') AS region, website, contact_email, phone, city, country, about \
        FROM organisations WHERE id = $1 AND kind = 'partner'";
    const NAME_TAKEN = "SELECT name FROM organisations WHERE lower(name) = lower($1) AND id <> $2";
    const SAVE_PROFILE = "UPDATE organisations SET name = $1, region = $2, website = $3, contact_email = $4, phone = $5, \
        city = $6, country = $7, about = $8, profile_completed_at = COALESCE(profile_completed_at, $9) \
        WHERE id = $10 AND kind = 'partner'";
    const REGION_CHOICES = "SELECT r.name FROM regions r WHERE r.retired_at IS NULL \
        OR lower(r.name) = (SELECT lower(o.region) FROM organisations o WHERE o.id = $1) ORDER BY r.name";
    const LOGO_FACTS = "SELECT media_type, CAST(width AS BIGINT) AS width, CAST(height AS BIGINT) AS height, \
        uploaded_at FROM organisation_logos WHERE organisation_id = $1";
    const LOGO = "SELECT media_type, body FROM organisation_logos WHERE organisation_id = $1";
    const SAVE_LOGO = "INSERT INTO organisation_logos (organisation_id, media_type, body, width, height, uploaded_by, uploaded_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (organisation_id) DO UPDATE SET media_type = excluded.media_type, \
        body = excluded.body, width = excluded.width, height = excluded.height, uploaded_by = excluded.uploaded_by, \
        uploaded_at = excluded.uploaded_at";
    const REMOVE_LOGO = "DELETE FROM organisation_logos WHERE organisation_id = $1";
    const CHANNEL_MANAGERS = "SELECT id, name FROM users WHERE role = 'channel_manager' AND deactivated_at IS NULL \
        ORDER BY name, id";
    const ASSIGN_MANAGER = "UPDATE organisations SET channel_manager_id = $1 WHERE id = $2 AND kind = 'partner'";
}

/// A partner's company profile (`None` for an organisation that is no partner).
pub async fn profile(db: &Db, organisation_id: i64) -> Result<Option<CompanyProfile>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(PROFILE).bind(organisation_id).fetch_optional(pool).await)
}

/// What saving a profile came to.
#[derive(Debug, PartialEq, Eq)]
pub enum ProfileSaved {
    Saved,
    /// No partner has this id.
    NotFound,
    /// Another organisation has this name already (as it writes it).
    NameTaken(String),
    /// The region chosen was retired or deleted before the profile was saved.
    RegionGone,
}

/// Saves a partner's company profile, by `by` at `now`, with its audit entry; the first time it is
/// complete is kept as the onboarding milestone.
pub async fn save_profile(
    db: &Db,
    organisation_id: i64,
    profile: &CompanyProfile,
    by: i64,
    now: DateTime<Utc>,
) -> Result<ProfileSaved, sqlx::Error> {
    let mut tx = db.begin().await?;
    // The lists' writer takes the same key: a region is not retired or deleted while it is chosen.
    tx.exclude_others("program_lists").await?;
    let regions: Vec<String> =
        on_tx!(tx, conn => sqlx::query_scalar(REGION_CHOICES).bind(organisation_id).fetch_all(conn).await)?;
    if !regions.contains(&profile.region) {
        tx.rollback().await?;
        return Ok(ProfileSaved::RegionGone);
    }
    tx.exclude_others("organisation_names").await?;
    let taken: Option<String> = on_tx!(tx, conn => sqlx::query_scalar(NAME_TAKEN).bind(&profile.name).bind(organisation_id).fetch_optional(conn).await)?;
    if let Some(taken) = taken {
        tx.rollback().await?;
        return Ok(ProfileSaved::NameTaken(taken));
    }
    let completed = profile.complete().then_some(now);
    let saved = execute_in!(
        tx,
        sqlx::query(SAVE_PROFILE)
            .bind(&profile.name)
            .bind(&profile.region)
            .bind(&profile.website)
            .bind(&profile.contact_email)
            .bind(&profile.phone)
            .bind(&profile.city)
            .bind(&profile.country)
            .bind(&profile.about)
            .bind(completed)
            .bind(organisation_id)
    )?;
    if saved == 0 {
        tx.rollback().await?;
        return Ok(ProfileSaved::NotFound);
    }
    audit::record(&mut tx, by, AuditAction::ChangedCompanyProfile, &profile.name, now).await?;
    tx.commit().await?;
    Ok(ProfileSaved::Saved)
}

/// The regions a partner may choose for itself: those not retired, and its own.
pub async fn region_choices(db: &Db, organisation_id: i64) -> Result<Vec<String>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(REGION_CHOICES).bind(organisation_id).fetch_all(pool).await)
}

/// A partner's logo as its pages show it (no bytes), if it has one.
pub async fn logo_facts(db: &Db, organisation_id: i64) -> Result<Option<LogoFacts>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(LOGO_FACTS).bind(organisation_id).fetch_optional(pool).await)
}

/// A partner's logo file: its media type and bytes.
pub async fn logo(db: &Db, organisation_id: i64) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(LOGO).bind(organisation_id).fetch_optional(pool).await)
}

/// Keeps `logo` as the partner's (replacing any), or removes it (`None`), with its audit entry;
/// `false` when there was no logo to remove.
pub async fn save_logo(
    db: &Db,
    (organisation_id, name): (i64, &str),
    logo: Option<&Logo>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let said = match logo {
        Some(logo) => {
            execute_in!(
                tx,
                sqlx::query(SAVE_LOGO)
                    .bind(organisation_id)
                    .bind(logo.kind.media_type())
                    .bind(&logo.body)
                    .bind(i64::from(logo.width))
                    .bind(i64::from(logo.height))
                    .bind(by)
                    .bind(now)
            )?;
            format!("{name}: new logo ({} × {}, {})", logo.width, logo.height, logo.kind.extension().to_uppercase())
        }
        None => {
            if execute_in!(tx, sqlx::query(REMOVE_LOGO).bind(organisation_id))? == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            format!("{name}: logo removed")
        }
    };
    audit::record(&mut tx, by, AuditAction::ChangedLogo, &said, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// The channel managers who may look after partners (active ones), as (user id, name).
pub async fn channel_managers(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(CHANNEL_MANAGERS).fetch_all(pool).await)
}

/// Gives the partner `organisation_id` the channel manager `manager` (or none), with its audit
/// entry. Reach follows at once: every request reads the partner's manager afresh.
pub async fn assign_manager(
    db: &Db,
    (organisation_id, name): (i64, &str),
    manager: Option<(i64, &str)>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    execute_in!(tx, sqlx::query(ASSIGN_MANAGER).bind(manager.map(|(id, _)| id)).bind(organisation_id))?;
    let said = match manager {
        Some((_, manager)) => format!("{name}: looked after by {manager}"),
        None => format!("{name}: no channel manager"),
    };
    audit::record(&mut tx, by, AuditAction::AssignedChannelManager, &said, now).await?;
    tx.commit().await
}

/// Partner organisations no channel manager looks after (their deals have no approver but admins).
pub async fn without_manager(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(WITHOUT_MANAGER).fetch_all(pool).await)
}

/// Partner organisations nobody of theirs has joined yet.
pub async fn without_people(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(WITHOUT_PEOPLE).fetch_all(pool).await)
}

/// A partner organisation as it is added (by an import): its name, where it stands in the
/// program, and what of its profile is known.
pub struct NewPartner<'a> {
    pub name: &'a str,
    pub partner_type_id: Option<i64>,
    pub tier_id: i64,
    pub region: Option<&'a str>,
    pub channel_manager_id: Option<i64>,
    pub website: &'a str,
    pub city: &'a str,
    pub country: &'a str,
}

/// Adds a partner organisation within `tx` at `now`; `None` (nothing written) if an organisation
/// has its name already, as the database compares names.
pub async fn add_partner(
    tx: &mut Tx,
    partner: &NewPartner<'_>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    on_tx!(tx, conn => sqlx::query_scalar(ADD_PARTNER)
        .bind(partner.name).bind(partner.partner_type_id).bind(partner.tier_id).bind(partner.region)
        .bind(partner.channel_manager_id).bind(partner.website).bind(partner.city).bind(partner.country).bind(now)
        .fetch_optional(conn).await)
}

pub async fn partner(db: &Db, id: i64) -> Result<Option<PartnerRow>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(PARTNER).bind(id).fetch_optional(pool).await)
}

/// SQL this module assembles at run time, in its fullest form, for the test that prepares every statement.
pub fn assembled_statements() -> Vec<String> {
    let day = Some(NaiveDate::MIN);
    let narrowing = PartnerNarrowing {
        joined: (day, day),
        won: (day, day),
        first_win: (day, day),
        stage: Some(ActivationStage::Approved),
        tier: Some("Gold".into()),
        region: Some("EMEA".into()),
        search: Some("blue".into()),
        partner_type: Some("Reseller".into()),
        manager: Some(1),
        health: Some(Band::Red),
        sort: DirectorySort::Newest,
    };
    let Conditions { sql, .. } = directory_conditions(Reach::Own { organisation_id: 1 }, &narrowing);
    let mut statements = vec![
        format!("{}{sql} ORDER BY {} LIMIT 1", partner_row_select!(), order(narrowing.sort)),
        format!("SELECT COUNT(*) FROM organisations o{sql}"),
        managers_sql(&sql),
    ];
    statements.extend(choice_sql(&sql));
    statements
}
