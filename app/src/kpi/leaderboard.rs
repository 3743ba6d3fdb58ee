//! Leaderboards: partners ranked by won revenue or won deals in a period, over the program or
//! within a tier or region, kept live by the event bus.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Leaderboard;
use super::server::PeriodQuery;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::cache::fact_cache,
    super::compute,
    super::{LeaderboardMetric, RepStanding, Standing, store},
    crate::auth::guard,
    crate::auth::reach::Reach,
    crate::deals::amount_text,
    crate::state,
    chrono::Utc,
};

/// A leaderboard's query: the period, what to rank by, and which group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeaderboardQuery {
    #[serde(flatten)]
    pub period: PeriodQuery,
    pub metric: Option<String>,
    /// "all", "tier" or "region" (a partner's own), or "tier:Gold" or "region:EMEA".
    pub within: Option<String>,
    pub tier: Option<String>,
    pub region: Option<String>,
}

/// Which partners a board ranks: all, or one tier or region (by name, or a partner's own).
#[cfg(feature = "ssr")]
#[derive(Debug, PartialEq, Eq)]
enum Group {
    All,
    Tier(Option<String>),
    Region(Option<String>),
}

#[cfg(feature = "ssr")]
impl Group {
    /// `within` is "all", "tier" or "region", or the page's one choice naming the group
    /// ("tier:Gold", "region:EMEA"); `tier` and `region` may name it instead.
    fn parse(within: Option<&str>, tier: Option<String>, region: Option<String>) -> Result<Group, AppError> {
        let (kind, name) = match within.unwrap_or("").split_once(':') {
            Some((kind, name)) => (kind, Some(name.to_owned())),
            None => (within.unwrap_or(""), None),
        };
        match (kind, name) {
            ("" | "all", None) => Ok(Group::All),
            ("tier", name) => Ok(Group::Tier(name.or(tier))),
            ("region", name) => Ok(Group::Region(name.or(region))),
            _ => Err(AppError::field("within", "Choose all partners, a tier or a region.")),
        }
    }
}

/// How many lines a leaderboard shows before the viewer's own.
#[cfg(feature = "ssr")]
const BOARD_LINES: usize = 25;

/// Partners ranked by won revenue or won deals in a period, over the whole program or within a
/// tier or region. Partners see other partners' names only when the program shows names, and
/// always see their own position and their reps' standings.
#[server(endpoint = "leaderboard")]
pub async fn load_leaderboard(#[server(flatten)] query: LeaderboardQuery) -> Result<Leaderboard, AppError> {
    let user = guard::signed_in()?;
    let period = query.period.period()?;
    let LeaderboardQuery { metric, within, tier, region, .. } = query;
    let asked = Group::parse(within.as_deref(), tier, region)?;
    let metric = metric.as_deref().and_then(LeaderboardMetric::parse).unwrap_or(LeaderboardMetric::Revenue);
    let state = state::server_state()?;
    let cache = fact_cache()?;
    let settings = store::program_settings(&state.db).await?;
    let currency = settings.reporting_currency.clone();
    // The group pickers: every tier and region for vendor staff; a partner's own (below) for partners.
    let (tiers, regions) = match user.role.is_vendor_staff() {
        true => store::tiers_and_regions(&state.db).await?,
        false => Default::default(),
    };
    let facts = cache.read(&state.db, &currency).await?;
    let partners = facts.partners();
    let memos = &cache.memos;
    let values = memos
        .leaderboards
        .get(facts.version(), (period, metric), || compute::partner_scores(facts.deals(), &partners, period, metric))
        .await;
    let is_partner = !user.role.is_vendor_staff();
    let own = partners.iter().position(|p| is_partner && p.id == user.organisation_id);
    let reps = match own {
        Some(_) => {
            let every_partners =
                memos.reps.get(facts.version(), period, || compute::rep_scores(facts.deals(), period)).await;
            every_partners.get(&user.organisation_id).cloned().unwrap_or_default()
        }
        None => Vec::new(),
    };
    drop(facts);

    // A partner's tier and region boards are its own tier's and region's.
    let own_partner = own.map(|position| &partners[position]);
    let (within, group) = match asked {
        Group::Tier(name) => ("tier", own_partner.map(|p| p.tier.clone()).or(name).or_else(|| tiers.first().cloned())),
        Group::Region(name) => {
            ("region", own_partner.map(|p| p.region.clone()).or(name).or_else(|| regions.first().cloned()))
        }
        Group::All => ("all", None),
    };
    // Vendor staff choose among the program's tiers and regions: another name is a mistake, not an empty board.
    let known = match within {
        "tier" => &tiers,
        _ => &regions,
    };
    if own_partner.is_none() && group.as_ref().is_some_and(|name| !known.contains(name)) {
        return Err(AppError::field(
            "within",
            format!("The program has no {within} of that name. Choose one from the list."),
        ));
    }
    let members: Vec<usize> = (0..partners.len())
        .filter(|&position| match (within, &group) {
            ("tier", Some(name)) => partners[position].tier == *name,
            ("region", Some(name)) => partners[position].region == *name,
            _ => true,
        })
        .collect();
    let group_total: i64 = members.iter().map(|&position| values[position]).sum();
    let ranked = compute::rank(&values, members.iter().copied());
    let names_shown = user.role.is_vendor_staff() || settings.leaderboard_names;
    let reach = Reach::of(&user);
    let value_text = |value: i64| match metric {
        LeaderboardMetric::Revenue => amount_text(value, &currency),
        LeaderboardMetric::WonDeals => value.to_string(),
    };
    let standing = |(rank, position): (usize, usize)| {
        let partner = &partners[position];
        let is_own = Some(position) == own;
        let named = names_shown || is_own;
        // Vendor staff follow a line to the partner's page when the partner is within their reach.
        let linkable = user.role.is_vendor_staff() && reach.includes(partner);
        Standing {
            rank,
            name: if named { partner.name.clone() } else { "Anonymous partner".into() },
            partner_id: linkable.then_some(partner.id),
            tier: named.then(|| partner.tier.clone()),
            region: named.then(|| partner.region.clone()),
            value: values[position],
            value_text: value_text(values[position]),
            share_permille: (group_total > 0).then(|| values[position] * 1000 / group_total),
            own: is_own,
        }
    };
    let rows: Vec<Standing> = ranked.iter().take(BOARD_LINES).copied().map(standing).collect();
    let own_standing =
        ranked.iter().skip(BOARD_LINES).find(|(_, position)| Some(*position) == own).copied().map(standing);

    let reps = if reps.is_empty() {
        Vec::new()
    } else {
        let names = store::people_names(&state.db, user.organisation_id).await?;
        let revenue: Vec<i64> = reps.iter().map(|(_, revenue, _)| *revenue).collect();
        compute::rank(&revenue, 0..reps.len())
            .into_iter()
            .map(|(rank, index)| {
                let (user_id, revenue, won_deals) = reps[index];
                RepStanding {
                    rank,
                    name: names
                        .iter()
                        .find(|(id, _)| *id == user_id)
                        .map_or_else(|| "Former colleague".into(), |n| n.1.clone()),
                    revenue_text: amount_text(revenue, &currency),
                    won_deals,
                    own: user_id == user.user_id,
                }
            })
            .collect()
    };
    let (tiers, regions) = match own_partner {
        Some(partner) => (vec![partner.tier.clone()], vec![partner.region.clone()]),
        None => (tiers, regions),
    };
    Ok(Leaderboard {
        period,
        metric,
        within: within.into(),
        group: group.unwrap_or_else(|| "All partners".into()),
        tiers,
        regions,
        names_shown,
        rows,
        own: own_standing,
        ranked: ranked.len(),
        reps,
        as_of: Utc::now(),
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_all_a_tier_or_a_region_and_nothing_else() {
        let gold = || Some("Gold".to_owned());
        assert_eq!(Group::parse(None, None, None), Ok(Group::All));
        assert_eq!(Group::parse(Some("all"), gold(), None), Ok(Group::All));
        assert_eq!(Group::parse(Some("tier:Gold"), None, None), Ok(Group::Tier(gold())));
        assert_eq!(Group::parse(Some("tier"), gold(), None), Ok(Group::Tier(gold())));
        assert_eq!(Group::parse(Some("region"), None, None), Ok(Group::Region(None)));
        assert_eq!(Group::parse(Some("region:EMEA"), gold(), None), Ok(Group::Region(Some("EMEA".into()))));
        for bad in ["everyone", "all:Gold", "galaxy:Andromeda"] {
            let error = Group::parse(Some(bad), None, None).expect_err(bad);
            assert!(error.field_message("within").is_some(), "{bad}");
        }
    }
}
