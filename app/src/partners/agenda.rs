//! What the partner directory puts on a vendor person's home: partners whose health is red, the
//! newest partners, and partners set up only halfway (no channel manager, nobody joined).

use chrono::{DateTime, Duration, Utc};

use super::store::{self, PartnerNarrowing};
use super::{DirectorySort, PartnerRow};
use crate::auth::reach::Reach;
use crate::db::Db;
use crate::error::AppError;
use crate::kpi::cache::FactCache;
use crate::kpi::health::{Band, Health};
use crate::ui::agenda::{AgendaItem, AgendaSection, Urgency};

/// How many partners a home reads to find those at risk or new.
const READ: i64 = 1_000;
/// How far back "new partners" go.
pub const NEW_PARTNER_DAYS: i64 = 90;

fn partner_href(id: i64) -> String {
    format!("/partners/{id}")
}

fn tier_and_region(row: &PartnerRow) -> String {
    [row.tier.as_str(), row.region.as_str()].into_iter().filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" · ")
}

/// Partners within `reach` at risk (health in the red band or falling), the lowest score first.
pub fn at_risk_items(rows: &[PartnerRow]) -> Vec<AgendaItem> {
    let mut at_risk: Vec<(&PartnerRow, Health)> =
        rows.iter().filter_map(|row| row.health.filter(Health::at_risk).map(|health| (row, health))).collect();
    at_risk.sort_by_key(|(_, health)| health.score);
    at_risk
        .into_iter()
        .map(|(row, health)| AgendaItem {
            title: row.name.clone(),
            badge: match health.falling() {
                true => format!("Health {} · falling", health.score),
                false => format!("Health {}", health.score),
            },
            detail: match (health.falling(), health.trend_text()) {
                (true, Some(trend)) => {
                    format!("{}. Health {trend}: open the scorecard to see which part fell.", tier_and_region(row))
                }
                _ => format!("{}. Open the scorecard to see which part is weak.", tier_and_region(row)),
            },
            href: partner_href(row.id),
            urgency: Urgency::Soon,
        })
        .collect()
}

/// The directory's partners at risk, as a home section.
pub async fn at_risk(db: &Db, facts: &FactCache, reach: Reach) -> Result<AgendaSection, AppError> {
    let narrowing =
        PartnerNarrowing { health: Some(Band::Red), sort: DirectorySort::HealthLowest, ..PartnerNarrowing::default() };
    let (rows, total) = super::server::directory(db, facts, reach, &narrowing, 1, READ).await?;
    let items = at_risk_items(&rows);
    let section =
        AgendaSection::new("at-risk", "Partners at risk", items, "No partner's health is in the red band or falling.");
    Ok(match total > AgendaSection::SHOWN as i64 {
        true => section.with_more(format!("All {total} partners at risk"), "/partners?health=at_risk&sort=health"),
        false => section,
    })
}

/// Partners within `reach` who joined in the last [`NEW_PARTNER_DAYS`] days, by name.
pub async fn newest(db: &Db, reach: Reach, now: DateTime<Utc>) -> Result<AgendaSection, AppError> {
    let since = (now - Duration::days(NEW_PARTNER_DAYS)).date_naive();
    let narrowing = PartnerNarrowing { joined: (Some(since), None), ..PartnerNarrowing::default() };
    let (rows, total) = store::list_partners(db, reach, &narrowing, 1, READ).await?;
    let items = rows
        .iter()
        .map(|row| AgendaItem {
            title: row.name.clone(),
            badge: "New".into(),
            detail: format!("{}. {} on Tessera.", tier_and_region(row), people(row.people)),
            href: partner_href(row.id),
            urgency: Urgency::Waiting,
        })
        .collect();
    let section = AgendaSection::new("new-partners", "New partners", items, "No partner joined in the last 90 days.");
    Ok(if total > AgendaSection::SHOWN as i64 {
        section.with_more(format!("All {total} new partners"), format!("/partners?joined_from={since}"))
    } else {
        section
    })
}

fn people(count: i64) -> String {
    match count {
        0 => "Nobody".into(),
        1 => "1 person".into(),
        n => format!("{n} people"),
    }
}

/// Partners set up halfway: nobody looks after them, or nobody of theirs has joined.
pub async fn setup_gaps(db: &Db) -> Result<Vec<AgendaItem>, AppError> {
    let unmanaged = store::without_manager(db).await?.into_iter().map(|(id, name)| AgendaItem {
        title: name,
        badge: "No channel manager".into(),
        detail: "Only admins can approve its deals until a channel manager is assigned.".into(),
        href: partner_href(id),
        urgency: Urgency::Soon,
    });
    let empty = store::without_people(db).await?.into_iter().map(|(id, name)| AgendaItem {
        title: name,
        badge: "Nobody joined".into(),
        detail: "Invite its first person so it can register deals.".into(),
        href: partner_href(id),
        urgency: Urgency::Waiting,
    });
    Ok(unmanaged.chain(empty).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, health: Option<Health>) -> PartnerRow {
        PartnerRow {
            id,
            name: format!("Partner {id}"),
            partner_type: "Reseller".into(),
            tier: "Gold".into(),
            region: "EMEA".into(),
            channel_manager_id: None,
            channel_manager: None,
            channel_manager_email: None,
            people: 2,
            health,
        }
    }

    #[test]
    fn red_and_falling_partners_are_at_risk_the_weakest_first() {
        let scored = |score| Some(Health::of(score));
        let was = |score, earlier| Some(Health { earlier: Some(earlier), ..Health::of(score) });
        let rows = [
            row(1, scored(45)),
            row(2, scored(80)),
            row(3, scored(12)),
            row(4, None),
            row(5, scored(50)),
            row(6, was(66, 81)),
            row(7, was(70, 79)),
        ];
        let items = at_risk_items(&rows);
        let listed: Vec<_> = items.iter().map(|item| (item.href.as_str(), item.badge.as_str())).collect();
        assert_eq!(
            listed,
            [("/partners/3", "Health 12"), ("/partners/1", "Health 45"), ("/partners/6", "Health 66 · falling")]
        );
        assert!(items[0].detail.starts_with("Gold · EMEA."), "{}", items[0].detail);
        assert_eq!(
            items[2].detail,
            "Gold · EMEA. Health down 15 points in 30 days: open the scorecard to see which part fell."
        );
    }
}
