//! The conflict check: other partners' open registrations and the vendor's pipeline that look
//! like the same customer, by registrable domain or by a similar company name.

use std::collections::HashSet;

use super::store::{self, Candidate};
use super::{ConflictMatch, amount_text, matching};
use crate::auth::reach::{Reach, Reachable};
use crate::db::Db;
use crate::error::AppError;

/// Matches for a customer among other partners' open registrations and the vendor pipeline.
pub async fn find(
    db: &Db,
    company: &str,
    registrable_domain: Option<&str>,
    exclude_organisation: i64,
) -> Result<Vec<(Candidate, &'static str)>, AppError> {
    let mut found = Vec::new();
    if let Some(domain) = registrable_domain {
        for candidate in store::same_domain(db, domain, exclude_organisation).await? {
            found.push((candidate, "Same domain"));
        }
    }
    let key = matching::normalise_company_name(company);
    let prefix = matching::name_prefix(&key);
    if !prefix.is_empty() {
        let names = store::names_with_prefix(db, &prefix, exclude_organisation).await?;
        for name in names.iter().filter(|name| matching::keys_match(&key, name)).take(10) {
            for candidate in store::same_name(db, &prefix, name, exclude_organisation).await? {
                found.push((candidate, "Similar company name"));
            }
        }
    }
    let mut seen = HashSet::new();
    found.retain(|(c, _)| seen.insert((c.deal_id, c.customer_company.clone(), c.customer_domain.clone())));
    Ok(found)
}

/// What a viewer with `reach` may see of each match: who holds it, its status and date always;
/// the amount and a link to the registration only when the holder is within reach.
pub fn as_seen_with(reach: Reach, found: Vec<(Candidate, &'static str)>) -> Vec<ConflictMatch> {
    found
        .into_iter()
        .map(|(candidate, reason)| {
            let within = reach.includes(&candidate);
            let pipeline = candidate.is_vendor();
            ConflictMatch {
                deal_id: candidate.deal_id.filter(|_| within),
                amount: within.then(|| amount_text(candidate.amount_minor, &candidate.currency)),
                holder: candidate.holder,
                pipeline,
                customer_company: candidate.customer_company,
                customer_domain: candidate.customer_domain,
                status: candidate.status,
                registered_on: candidate.registered_at.date_naive(),
                reason: reason.into(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn candidate(deal_id: Option<i64>, organisation_id: Option<i64>, channel_manager_id: Option<i64>) -> Candidate {
        Candidate {
            deal_id,
            organisation_id,
            channel_manager_id,
            holder: "Copperline IT".into(),
            customer_company: "Globex".into(),
            company_key: "globex".into(),
            customer_domain: "globex.com".into(),
            status: "approved".into(),
            registered_at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).single().expect("time"),
            amount_minor: 5_000_00,
            currency: "USD".into(),
        }
    }

    #[test]
    fn a_manager_sees_another_managers_registration_without_its_amount_or_link() {
        let found = vec![
            (candidate(Some(7), Some(3), Some(11)), "Same domain"),
            (candidate(Some(8), Some(2), Some(10)), "Same domain"),
            (candidate(None, None, None), "Similar company name"),
        ];
        let seen = as_seen_with(Reach::Assigned { channel_manager_id: 10 }, found);
        let other = &seen[0];
        assert_eq!((other.holder.as_str(), other.status.as_str()), ("Copperline IT", "approved"));
        assert_eq!(other.registered_on.to_string(), "2026-11-02");
        assert_eq!((other.deal_id, other.amount.as_deref()), (None, None), "outside reach");
        assert_eq!((seen[1].deal_id, seen[1].amount.as_deref()), (Some(8), Some("5,000.00 USD")), "within reach");
        assert!(seen[2].pipeline && seen[2].amount.is_some(), "the vendor's own pipeline is the manager's vendor's");
        let admin = as_seen_with(Reach::Program, vec![(candidate(Some(7), Some(3), Some(11)), "Same domain")]);
        assert_eq!(admin[0].deal_id, Some(7));
    }
}
