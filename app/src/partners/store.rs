use chrono::NaiveDate;
use sqlx::AssertSqlSafe;

use super::{PartnerDrill, PartnerRow};
use crate::auth::access::OrganisationFacts;
use crate::db::{Conditions, Db, Param};
use crate::error::FieldErrors;
use crate::{bind_all, on_db};

macro_rules! partner_row_select {
    () => {
        "SELECT o.id, o.name, COALESCE(pt.name, '') AS partner_type, COALESCE(t.name, '') AS tier, \
    COALESCE(o.region, '') AS region, cm.name AS channel_manager, cm.email AS channel_manager_email, \
    (SELECT COUNT(*) FROM users u WHERE u.organisation_id = o.id) AS people \
    FROM organisations o \
    LEFT JOIN partner_types pt ON pt.id = o.partner_type_id \
    LEFT JOIN tiers t ON t.id = o.tier_id \
    LEFT JOIN users cm ON cm.id = o.channel_manager_id"
    };
}

/// Checked drill-down values for the directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartnerNarrowing {
    pub joined: (Option<NaiveDate>, Option<NaiveDate>),
    pub won: (Option<NaiveDate>, Option<NaiveDate>),
    pub first_win: (Option<NaiveDate>, Option<NaiveDate>),
    pub stage: Option<&'static str>,
    pub tier: Option<String>,
    pub region: Option<String>,
}

impl PartnerNarrowing {
    pub fn parse(drill: &PartnerDrill) -> Result<PartnerNarrowing, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut date = |name: &str, raw: &Option<String>| {
            raw.as_deref().and_then(|raw| match NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
                Ok(date) => Some(date),
                Err(_) => {
                    errors.insert(name.into(), "Enter a date as YYYY-MM-DD.".into());
                    None
                }
            })
        };
        let joined = (date("joined_from", &drill.joined_from), date("joined_to", &drill.joined_to));
        let won = (date("won_from", &drill.won_from), date("won_to", &drill.won_to));
        let first_win = (date("first_win_from", &drill.first_win_from), date("first_win_to", &drill.first_win_to));
        let stage = match drill.stage.as_deref() {
            None => None,
            Some("registered") => Some("registered"),
            Some("approved") => Some("approved"),
            Some("won") => Some("won"),
            Some(_) => {
                errors.insert("stage".into(), "Choose registered, approved or won.".into());
                None
            }
        };
        let narrowing = PartnerNarrowing {
            joined,
            won,
            first_win,
            stage,
            tier: drill.tier.clone().map(|t| t.chars().take(100).collect()),
            region: drill.region.clone().map(|r| r.chars().take(100).collect()),
        };
        if errors.is_empty() { Ok(narrowing) } else { Err(errors) }
    }
}

fn directory_conditions(channel_manager: Option<i64>, narrowing: &PartnerNarrowing) -> Conditions {
    let mut conditions = Conditions::new(" WHERE o.kind = 'partner'");
    if let Some(id) = channel_manager {
        conditions.push(" AND o.channel_manager_id = $n", Param::Int(id));
    }
    conditions.push_times("o.created_at", narrowing.joined);
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
        Some("registered") => " AND EXISTS (SELECT 1 FROM deals s WHERE s.organisation_id = o.id AND s.submitted_at IS NOT NULL)",
        Some("approved") => {
            " AND EXISTS (SELECT 1 FROM deals s WHERE s.organisation_id = o.id AND s.decided_at IS NOT NULL AND s.status <> 'rejected')"
        }
        Some("won") => " AND EXISTS (SELECT 1 FROM deals s WHERE s.organisation_id = o.id AND s.status = 'won')",
        _ => "",
    });
    crate::deals::store::push_tier_and_region(&mut conditions, narrowing.tier.as_deref(), narrowing.region.as_deref());
    conditions
}

/// One page of partner organisations by name (only those assigned to `channel_manager` when
/// given), and how many match in all.
pub async fn list_partners(
    db: &Db,
    channel_manager: Option<i64>,
    narrowing: &PartnerNarrowing,
    page: i64,
    per_page: i64,
) -> Result<(Vec<PartnerRow>, i64), sqlx::Error> {
    let Conditions { sql: conditions, params } = directory_conditions(channel_manager, narrowing);
    let offset = (page.max(1) - 1) * per_page;
    let rows_sql =
        format!("{}{conditions} ORDER BY o.name, o.id LIMIT {per_page} OFFSET {offset}", partner_row_select!());
    let count_sql = format!("SELECT COUNT(*) FROM organisations o{conditions}");
    on_db!(db, pool => {
        let rows = bind_all!(sqlx::query_as(AssertSqlSafe(rows_sql)), &params).fetch_all(pool).await?;
        let total: i64 = bind_all!(sqlx::query_scalar(AssertSqlSafe(count_sql)), &params).fetch_one(pool).await?;
        Ok((rows, total))
    })
}

pub async fn partner(db: &Db, id: i64) -> Result<Option<PartnerRow>, sqlx::Error> {
    const SQL: &str = concat!(partner_row_select!(), " WHERE o.kind = 'partner' AND o.id = $1");
    on_db!(db, pool => sqlx::query_as(SQL).bind(id).fetch_optional(pool).await)
}

/// What access decisions about an organisation need; `None` if there is no such organisation.
pub async fn organisation_facts(db: &Db, id: i64) -> Result<Option<OrganisationFacts>, sqlx::Error> {
    let row: Option<(i64, String, Option<i64>)> = on_db!(db, pool => sqlx::query_as(
        "SELECT id, kind, channel_manager_id FROM organisations WHERE id = $1")
        .bind(id).fetch_optional(pool).await)?;
    Ok(row.map(|(id, kind, channel_manager_id)| OrganisationFacts {
        id,
        is_vendor: kind == "vendor",
        channel_manager_id,
    }))
}
