//! What campaigns put on a home page: for marketing and admins each live campaign's figures (the
//! campaigns tile); for a partner the campaigns it may launch, its live pages, and leads waiting.

use super::CampaignState;
use super::launch::Counts;
use super::store::{self, launches};
use crate::db::Db;
use crate::error::AppError;
use crate::ui::agenda::{AgendaItem, AgendaSection, Urgency};

fn figures(counts: Counts) -> String {
    format!(
        "{} views · {} clicks · {} leads · {} deals (views to leads {})",
        counts.views,
        counts.clicks,
        counts.leads,
        counts.deals,
        Counts::rate(counts.leads, counts.views)
    )
}

/// Marketing's (and admins') campaigns: each published one with its launches and figures, each
/// draft waiting to be published.
pub async fn marketing_section(db: &Db) -> Result<AgendaSection, AppError> {
    let mut items = Vec::new();
    for campaign in store::campaigns(db).await? {
        let href = format!("/campaigns/{}", campaign.draft.id);
        match campaign.state {
            CampaignState::Published => {
                let launched = launches::launches(db, campaign.draft.id).await?;
                let total = launched.iter().fold(Counts::default(), |total, (_, counts)| total.add(*counts));
                items.push(AgendaItem {
                    title: campaign.draft.name,
                    badge: crate::text::count(launched.len() as i64, "launch", "launches"),
                    detail: figures(total),
                    href,
                    urgency: Urgency::Done,
                });
            }
            CampaignState::Draft => items.push(AgendaItem {
                title: campaign.draft.name,
                badge: "Draft".into(),
                detail: "Partners see it once it is published.".into(),
                href,
                urgency: Urgency::Waiting,
            }),
            CampaignState::Closed => {}
        }
    }
    Ok(AgendaSection::new("campaigns", "Campaigns", items, "No campaign yet: write the first one.")
        .with_more("All campaigns", "/campaigns"))
}

/// A partner's campaigns: leads waiting to be registered, its live landing pages with what they
/// brought, and the campaigns open to it that it has not launched.
pub async fn partner_section(db: &Db, organisation_id: i64) -> Result<AgendaSection, AppError> {
    let mut items = Vec::new();
    let waiting = launches::waiting_leads(db, organisation_id).await?;
    if waiting > 0 {
        items.push(AgendaItem {
            title: crate::text::count(waiting, "lead to follow up", "leads to follow up"),
            badge: "Leads".into(),
            detail: "Prospects who sent your landing pages' forms: register the real ones as deals.".into(),
            href: "/leads".into(),
            urgency: Urgency::Soon,
        });
    }
    let partner = store::partner(db, organisation_id, |_| String::new()).await?;
    let today = chrono::Utc::now().date_naive();
    for campaign in store::campaigns(db).await? {
        let aimed = partner
            .as_ref()
            .is_some_and(|partner| campaign.draft.audience.includes(partner.tier_id, partner.partner_type_id));
        if campaign.state != CampaignState::Published || !aimed {
            continue;
        }
        let href = format!("/campaigns/{}", campaign.draft.id);
        let launched = launches::launches(db, campaign.draft.id).await?;
        match launched.into_iter().find(|(launch, _)| launch.organisation_id == organisation_id) {
            Some((launch, counts)) => items.push(AgendaItem {
                title: campaign.draft.name,
                badge: if launch.paused { "Paused".into() } else { "Live".into() },
                detail: figures(counts),
                href,
                urgency: Urgency::Done,
            }),
            None if (campaign.draft.starts_on..=campaign.draft.ends_on).contains(&today) => items.push(AgendaItem {
                title: format!("Launch \u{201c}{}\u{201d}", campaign.draft.name),
                badge: "Campaign".into(),
                detail: format!(
                    "Open to you until {}: your own landing page, email and posts in minutes.",
                    campaign.draft.ends_on
                ),
                href,
                urgency: Urgency::Waiting,
            }),
            None => {}
        }
    }
    Ok(AgendaSection::new("campaigns", "Your campaigns", items, "No campaign is open to you right now.")
        .with_more("All campaigns", "/campaigns"))
}
