//! The demo's program: its tiers' requirements and benefits, published by the admin months ago.
//! With the demo history loaded, every partner is evaluated as it stood 40 days ago and today,
//! so the demo shows partners in their grace period, promotions waiting for a channel manager,
//! and one already approved.

use app::db::Db;
use app::money::Currency;
use app::tiers::form::{CourseUnlockForm, ProgramForm, TierForm};
use app::tiers::store::{self, Decided};
use chrono::{Duration, Utc};

use super::SeedError;

/// (requirements: revenue in US dollars, certified people, won deals, registered deals;
/// benefits: margin %, deal-registration points, co-op %, rebate %, rebate schedule, support).
type Row = ([&'static str; 4], [&'static str; 4], &'static str, &'static str);

const DEMO_TIERS: [Row; 4] = [
    (["", "", "", ""], ["10", "0", "0", "0"], "", "community"),
    (["100000", "", "3", ""], ["15", "3", "1", "0.5"], "Silver quarterly", "standard"),
    (["125000", "2", "4", ""], ["20", "5", "2", "1"], "Gold quarterly", "priority"),
    (["400000", "2", "6", "15"], ["25", "7", "3", "2"], "Platinum quarterly", "dedicated"),
];

/// Whose promotion the admin approved in the demo.
pub const APPROVED: &str = "Saffron Tech";

pub async fn demo(db: &Db, admin: i64) -> Result<(), SeedError> {
    let (_, starter) = store::current(db).await?;
    let tiers = starter
        .tiers
        .iter()
        .zip(DEMO_TIERS)
        .map(|(tier, (asks, gives, schedule, support))| TierForm {
            id: tier.id.to_string(),
            name: tier.name.clone(),
            revenue: asks[0].into(),
            certified_people: asks[1].into(),
            won_deals: asks[2].into(),
            registered_deals: asks[3].into(),
            margin: gives[0].into(),
            registration: gives[1].into(),
            coop: gives[2].into(),
            rebate: gives[3].into(),
            rebate_schedule: schedule.into(),
            support: support.into(),
            remove: None,
        })
        .collect();
    // Gold (the third row) unlocks the migration course; the others are open to every partner.
    let courses = app::training::store::published_titles(db)
        .await?
        .into_iter()
        .map(|(id, title)| CourseUnlockForm {
            course: id.to_string(),
            tier: if title == super::training::MIGRATION { "2".into() } else { String::new() },
        })
        .collect();
    let form = ProgramForm {
        approval: "channel_manager".into(),
        grace_days: "60".into(),
        public: Some("on".into()),
        tiers,
        courses,
    };
    let program = form.check(Currency::USD).map_err(|_| SeedError::Invalid("the demo program"))?;
    store::publish(db, &program, admin, Utc::now() - Duration::days(200)).await?;
    Ok(())
}

/// Every partner evaluated 40 days ago (graces start, promotions are proposed), one promotion
/// approved ten days later, and every partner evaluated again today.
pub async fn demo_standings(db: &Db, admin: i64, approved: i64) -> Result<(), SeedError> {
    let now = Utc::now();
    store::evaluate(db, None, now - Duration::days(40)).await?;
    let proposal = store::pending(db).await?.into_iter().find(|proposal| proposal.organisation_id == approved);
    if let Some(proposal) = proposal {
        let reason = "Five deals won this year and a strong pipeline.";
        if store::decide(db, proposal.id, true, reason, admin, now - Duration::days(30)).await? == Decided::Gone {
            return Err(SeedError::Invalid("the demo's approved promotion"));
        }
    }
    store::evaluate(db, None, now).await?;
    Ok(())
}
