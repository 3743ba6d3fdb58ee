//! What a deals list is narrowed to: a status, a search, and the drill-down a dashboard or
//! scorecard number links to, each checked and turned into bound SQL conditions.

use chrono::NaiveDate;

use super::status::DealStatus;
use super::{Attribution, DealDrill, DealSort};
use crate::db::{Conditions, Param};
use crate::error::FieldErrors;

#[derive(Clone, Debug)]
pub struct DealFilter {
    pub status: Option<DealStatus>,
    pub search: Option<String>,
    pub sort: DealSort,
    pub page: i64,
    pub per_page: i64,
    pub narrowing: Narrowing,
}

/// Date ranges (inclusive days) and attributes a list can be narrowed to, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Narrowing {
    pub closed: (Option<NaiveDate>, Option<NaiveDate>),
    pub submitted: (Option<NaiveDate>, Option<NaiveDate>),
    pub decided: (Option<NaiveDate>, Option<NaiveDate>),
    pub attribution: Option<Attribution>,
    pub tier: Option<String>,
    pub region: Option<String>,
    pub partner: Option<i64>,
}

/// The longest search a list takes; longer text is cut (a database's pattern matcher has limits).
pub const MAX_SEARCH_CHARS: usize = 100;

/// A day as YYYY-MM-DD, or a message for `name`.
pub fn parse_day(name: &str, raw: &Option<String>, errors: &mut FieldErrors) -> Option<NaiveDate> {
    raw.as_deref().map(str::trim).and_then(|raw| match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            errors.insert(name.into(), "Enter a date as YYYY-MM-DD.".into());
            None
        }
    })
}

impl Narrowing {
    /// Narrowed to dates, as every figure's drill-down is.
    pub fn is_dated(&self) -> bool {
        [self.closed, self.submitted, self.decided].iter().any(|(from, to)| from.is_some() || to.is_some())
    }

    /// The drill-down values of a query, each bad one named.
    pub fn parse(drill: &DealDrill) -> Result<Narrowing, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut day = |name: &str, raw: &Option<String>| parse_day(name, raw, &mut errors);
        let closed = (day("closed_from", &drill.closed_from), day("closed_to", &drill.closed_to));
        let submitted = (day("submitted_from", &drill.submitted_from), day("submitted_to", &drill.submitted_to));
        let decided = (day("decided_from", &drill.decided_from), day("decided_to", &drill.decided_to));
        let mut narrowing = Narrowing {
            closed,
            submitted,
            decided,
            attribution: None,
            tier: drill.tier.clone().map(|tier| tier.chars().take(100).collect()),
            region: drill.region.clone().map(|region| region.chars().take(100).collect()),
            partner: None,
        };
        if let Some(raw) = drill.partner.as_deref().map(str::trim) {
            match raw.parse::<i64>() {
                Ok(id) if id > 0 => narrowing.partner = Some(id),
                _ => {
                    errors.insert("partner".into(), "Choose a partner from the directory.".into());
                }
            }
        }
        if let Some(raw) = drill.attribution.as_deref() {
            match Attribution::parse(raw) {
                Some(attribution) => narrowing.attribution = Some(attribution),
                None => {
                    errors.insert("attribution".into(), "Choose sourced or influenced.".into());
                }
            }
        }
        if errors.is_empty() { Ok(narrowing) } else { Err(errors) }
    }
}

/// The organisation `o` in a tier and region, by name, when given.
pub fn push_tier_and_region(conditions: &mut Conditions, tier: Option<&str>, region: Option<&str>) {
    if let Some(tier) = tier {
        conditions.push(" AND o.tier_id IN (SELECT id FROM tiers WHERE name = $n)", Param::Text(tier.into()));
    }
    if let Some(region) = region {
        conditions.push(" AND COALESCE(o.region, '') = $n", Param::Text(region.into()));
    }
}

impl DealFilter {
    /// Adds this filter's conditions on deals `d` of organisations `o`.
    pub fn narrow(&self, conditions: &mut Conditions) {
        if let Some(status) = self.status {
            conditions.push(" AND d.status = $n", Param::Text(status.as_str().into()));
        }
        if let Some(search) = self.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let search: String = search.chars().take(MAX_SEARCH_CHARS).collect();
            conditions.push(
                " AND (lower(d.customer_company) LIKE $n ESCAPE '\\' OR d.customer_domain LIKE $n ESCAPE '\\')",
                Param::Text(crate::db::contains_pattern(&search)),
            );
        }
        let narrowing = &self.narrowing;
        conditions.push_days("d.closed_on", narrowing.closed);
        conditions.push_times("d.submitted_at", narrowing.submitted);
        conditions.push_times("d.decided_at", narrowing.decided);
        if let Some(attribution) = narrowing.attribution {
            conditions.push(" AND d.attribution = $n", Param::Text(attribution.as_str().into()));
        }
        push_tier_and_region(conditions, narrowing.tier.as_deref(), narrowing.region.as_deref());
        if let Some(partner) = narrowing.partner {
            conditions.push(" AND d.organisation_id = $n", Param::Int(partner));
        }
    }

    /// A filter using every condition, for the test that prepares every statement.
    pub fn fullest() -> DealFilter {
        let day = NaiveDate::MIN;
        DealFilter {
            status: Some(DealStatus::Won),
            search: Some("globex".into()),
            sort: DealSort::RecentlyUpdated,
            page: 1,
            per_page: 1,
            narrowing: Narrowing {
                closed: (Some(day), Some(day)),
                submitted: (Some(day), Some(day)),
                decided: (Some(day), Some(day)),
                attribution: Some(Attribution::Sourced),
                tier: Some("Gold".into()),
                region: Some("EMEA".into()),
                partner: Some(1),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_drill_down_value_is_named() {
        let drill = DealDrill {
            closed_from: Some("yesterday".into()),
            attribution: Some("both".into()),
            partner: Some("seven".into()),
            ..DealDrill::default()
        };
        let errors = Narrowing::parse(&drill).expect_err("invalid");
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["attribution", "closed_from", "partner"]);
    }

    #[test]
    fn a_long_search_is_cut_before_it_reaches_the_database() {
        let filter = DealFilter { search: Some("%".repeat(60_000)), ..DealFilter::fullest() };
        let mut conditions = Conditions::new("");
        filter.narrow(&mut conditions);
        let pattern = conditions.params.iter().find_map(|param| match param {
            Param::Text(text) if text.starts_with('%') && text.len() > 10 => Some(text.clone()),
            _ => None,
        });
        // 100 escaped percent signs between the two wildcards.
        assert_eq!(pattern.map(|p| p.len()), Some(2 + 2 * MAX_SEARCH_CHARS));
    }
}
