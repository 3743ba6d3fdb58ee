//! What tiers add to the homes: a partner's tier with the distance to the next and any warning,
//! and the tier changes waiting for a channel manager.

use super::engine::Direction;
use super::server::standing_of;
use super::store::{self, PendingProposal};
use crate::auth::reach::Reach;
use crate::db::Db;
use crate::error::AppError;
use crate::ui::agenda::{AgendaItem, AgendaSection, Urgency};

/// The partner home's "Your tier": its tier and the distance to the next, and any warning.
pub async fn partner_home_section(db: &Db, organisation_id: i64) -> Result<AgendaSection, AppError> {
    let standing = standing_of(db, organisation_id, false).await?;
    let mut items = Vec::new();
    let tier = standing.tier.clone().unwrap_or_else(|| "No tier yet".into());
    items.push(AgendaItem {
        title: tier.clone(),
        badge: "Your tier".into(),
        detail: standing.distance.clone().unwrap_or_else(|| "The program's highest tier.".into()),
        href: "/tier".into(),
        urgency: Urgency::Done,
    });
    if let Some(until) = standing.grace_until {
        items.push(AgendaItem {
            title: format!("Keep {tier}"),
            badge: "Grace period".into(),
            detail: format!("{} needed by {}.", standing.to_keep, until.format("%-d %B %Y")),
            href: "/tier".into(),
            urgency: Urgency::Soon,
        });
    }
    if let Some(alert) = standing.expiry_alert {
        items.push(AgendaItem {
            title: "Renew certifications".into(),
            badge: "Tier at risk".into(),
            detail: alert,
            href: "/training".into(),
            urgency: Urgency::Soon,
        });
    }
    Ok(AgendaSection::new("tier", "Your tier", items, "").with_more("Your tier and its benefits", "/tier"))
}

/// A channel manager's (or admin's) home: the tier changes waiting for them.
pub async fn manager_home_section(db: &Db, reach: Reach) -> Result<AgendaSection, AppError> {
    let (_, program) = store::current(db).await?;
    let pending: Vec<PendingProposal> =
        store::pending(db).await?.into_iter().filter(|proposal| reach.includes_partner(proposal)).collect();
    let count = pending.len();
    let items = pending
        .into_iter()
        .map(|proposal| AgendaItem {
            title: proposal.organisation_name,
            badge: match proposal.direction {
                Direction::Promotion => "Promotion".into(),
                Direction::Demotion => "Demotion".into(),
            },
            detail: format!(
                "{} → {}",
                proposal.from_tier_id.map(|id| program.name_of(id)).unwrap_or("no tier"),
                program.name_of(proposal.to_tier_id)
            ),
            href: "/tiers/approvals".into(),
            urgency: Urgency::Waiting,
        })
        .collect();
    let section = AgendaSection::new("tier-changes", "Tier changes to decide", items, "No tier change waits for you.");
    Ok(match count > AgendaSection::SHOWN {
        true => section.with_more(format!("All {count} tier changes"), "/tiers/approvals"),
        false => section,
    })
}
