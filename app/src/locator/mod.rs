//! The public partner locator (`/locator`): the partners that chose to be listed, whose company
//! profile is complete and who have accepted the partner agreement, found by region, type, tier
//! and text, each with a page whose contact form sends that partner a lead (through the deals'
//! conflict check, like a landing page's). Plain server-rendered HTML with no script, so it works
//! without JavaScript and a vendor embeds it in its own site with an `<iframe>`. A partner admin
//! lists their organisation from its company profile page.

#[cfg(feature = "ssr")]
pub mod public;

use serde::{Deserialize, Serialize};

pub use crate::partners::profile::Listing;

/// The longest search text taken; the rest is ignored.
pub const MAX_QUERY: usize = 100;
/// The most partners one search shows.
pub const MAX_SHOWN: usize = 60;

/// A search as the locator's form sends it: any field may be empty (anything goes).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Search {
    pub q: String,
    pub region: String,
    pub partner_type: String,
    pub tier: String,
}

impl Search {
    /// Whether `listing` is one this search finds: the same region, type and tier where chosen
    /// (letter case aside), and every word of the text in its name, place or description.
    pub fn finds(&self, listing: &Listing) -> bool {
        let same = |chosen: &str, value: &str| chosen.trim().is_empty() || chosen.trim().eq_ignore_ascii_case(value);
        let haystack =
            format!("{} {} {} {}", listing.name, listing.city, listing.country, listing.about).to_lowercase();
        same(&self.region, &listing.region)
            && same(&self.partner_type, &listing.partner_type)
            && same(&self.tier, &listing.tier)
            && self.words().iter().all(|word| haystack.contains(word.as_str()))
    }

    /// The search text's words, lower case, at most [`MAX_QUERY`] characters of it.
    fn words(&self) -> Vec<String> {
        let text: String = self.q.chars().take(MAX_QUERY).collect();
        text.to_lowercase().split_whitespace().map(str::to_owned).collect()
    }

    /// What `listings` this search finds, higher tiers first, then by name; at most [`MAX_SHOWN`].
    pub fn run<'a>(&self, listings: &'a [Listing]) -> Vec<&'a Listing> {
        let mut found: Vec<&Listing> = listings.iter().filter(|listing| self.finds(listing)).collect();
        found.sort_by(|a, b| b.tier_rank.cmp(&a.tier_rank).then_with(|| a.name.cmp(&b.name)));
        found.truncate(MAX_SHOWN);
        found
    }
}

/// The choices of a filter: the distinct values `value` takes among `listings`, sorted.
pub fn choices(listings: &[Listing], value: impl Fn(&Listing) -> &str) -> Vec<String> {
    let mut values: Vec<String> =
        listings.iter().map(|listing| value(listing).to_owned()).filter(|value| !value.is_empty()).collect();
    values.sort();
    values.dedup();
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(name: &str, region: &str, partner_type: &str, tier: &str, rank: i64) -> Listing {
        Listing {
            id: rank,
            name: name.into(),
            region: region.into(),
            partner_type: partner_type.into(),
            tier: tier.into(),
            tier_rank: rank,
            city: "Denver".into(),
            country: "United States".into(),
            about: format!("{name} moves companies to the cloud."),
            ..Listing::default()
        }
    }

    fn listings() -> Vec<Listing> {
        vec![
            listing("Bluepeak Systems", "North America", "Reseller", "Gold", 3),
            listing("Copperline", "EMEA", "MSP", "Silver", 2),
            listing("Atlas Cloud", "North America", "MSP", "Platinum", 4),
        ]
    }

    fn names(search: &Search) -> Vec<String> {
        let all = listings();
        search.run(&all).into_iter().map(|listing| listing.name.clone()).collect()
    }

    #[test]
    fn a_search_narrows_by_each_filter_and_every_word() {
        let cases = [
            (Search::default(), vec!["Atlas Cloud", "Bluepeak Systems", "Copperline"]),
            (Search { region: "north america".into(), ..Search::default() }, vec!["Atlas Cloud", "Bluepeak Systems"]),
            (Search { partner_type: "MSP".into(), ..Search::default() }, vec!["Atlas Cloud", "Copperline"]),
            (Search { tier: "Gold".into(), ..Search::default() }, vec!["Bluepeak Systems"]),
            (Search { q: "BLUEPEAK cloud".into(), ..Search::default() }, vec!["Bluepeak Systems"]),
            (Search { q: "denver".into(), region: "EMEA".into(), ..Search::default() }, vec!["Copperline"]),
            (Search { q: "nowhere".into(), ..Search::default() }, vec![]),
        ];
        for (search, expected) in cases {
            assert_eq!(names(&search), expected, "{search:?}");
        }
    }

    #[test]
    fn filters_offer_the_values_listed_partners_have() {
        assert_eq!(choices(&listings(), |listing| &listing.region), ["EMEA", "North America"]);
        assert_eq!(choices(&listings(), |listing| &listing.tier), ["Gold", "Platinum", "Silver"]);
    }

    #[test]
    fn a_long_search_text_is_cut_not_refused() {
        let search = Search { q: "a".repeat(10_000), ..Search::default() };
        assert_eq!(search.words(), ["a".repeat(MAX_QUERY)]);
    }
}
