//! The demo's volume rebate schedules, and the demo ledger from the demo history: every won deal's margin and registration discount at
//! its partner's tier, booked the day it was won; every quarter before the last closed, paid in
//! a payout run; the last ended quarter left for the admin to close; and one won deal of the
//! README's partner reopened as lost, so its statement shows a clawback. Three SPIFFs: one open
//! to Gold and Platinum partners, a draft for marketing to launch, and one that ran last summer
//! (whose qualifying wins of the history earned it).

use app::auth::Role;
use app::db::Db;
use app::deals::plan::{Actor, DealCommand, plan};
use app::incentives::ledger::{self, WonDeal};
use app::incentives::rebates::ScheduleInput;
use app::incentives::spiffs::SpiffInput;
use app::incentives::store::{self, spiffs};
use app::money::Currency;
use app::on_db;
use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::SeedError;

type WonRow = (i64, i64, String, i64, String, NaiveDate);

/// The volume rebate schedules the demo tiers name: Silver's incremental, Gold's and Platinum's
/// retroactive (quarterly won revenue in US dollars = rate in %).
const SCHEDULES: [(&str, &str, &str); 3] = [
    ("Silver quarterly", "incremental", "100,000 = 1\n250,000 = 1.5"),
    ("Gold quarterly", "retroactive", "250,000 = 2\n500,000 = 3"),
    ("Platinum quarterly", "retroactive", "0 = 2\n500,000 = 3"),
];

/// The demo's rebate schedules and SPIFFs, once.
pub async fn demo(db: &Db, admin: i64, marketing: i64) -> Result<(), SeedError> {
    if !store::schedules(db).await?.is_empty() {
        return Ok(());
    }
    for (name, method, bands) in SCHEDULES {
        let input = ScheduleInput { name: name.into(), method: method.into(), bands: bands.into() };
        let schedule = input.check(Currency::USD).map_err(|_| SeedError::Invalid("a demo rebate schedule"))?;
        store::save_schedule(db, &schedule, admin, Utc::now() - Duration::days(200)).await?;
    }
    demo_spiffs(db, marketing).await
}

/// A demo SPIFF, as marketing would type it.
struct DemoSpiff {
    name: &'static str,
    description: &'static str,
    /// Its first and last days, in days from today.
    days: (i64, i64),
    products: &'static str,
    min_amount: &'static str,
    new_logo_only: bool,
    tiers: &'static [&'static str],
    basis: &'static str,
    payout: &'static str,
    launched: bool,
}

const SPIFFS: [DemoSpiff; 3] = [
    DemoSpiff {
        name: "Vault for new customers",
        description: "Bring a new customer to Acme Vault: every won deal of 5,000 USD or more earns your company 750 USD.",
        days: (-30, 60),
        products: "Vault",
        min_amount: "5,000",
        new_logo_only: true,
        tiers: &["Gold", "Platinum"],
        basis: "deal",
        payout: "750",
        launched: true,
    },
    DemoSpiff {
        name: "First Backup Pro win",
        description: "Each rep's first won Backup Pro deal earns 250 USD.",
        days: (7, 97),
        products: "Backup Pro",
        min_amount: "",
        new_logo_only: false,
        tiers: &["Silver"],
        basis: "rep",
        payout: "250",
        launched: false,
    },
    DemoSpiff {
        name: "Platform summer sprint",
        description: "Platform deals of 20,000 USD or more won this summer earn 300 USD each.",
        days: (-160, -70),
        products: "Acme Cloud Platform",
        min_amount: "20,000",
        new_logo_only: false,
        tiers: &[],
        basis: "deal",
        payout: "300",
        launched: true,
    },
];

async fn demo_spiffs(db: &Db, marketing: i64) -> Result<(), SeedError> {
    let choices = app::tiers::store::audience_choices(db).await?;
    let now = Utc::now();
    for demo in SPIFFS {
        let tiers = demo
            .tiers
            .iter()
            .filter_map(|tier| choices.tiers.iter().find(|(_, named)| named == tier).map(|(id, _)| id.to_string()))
            .collect();
        let starts_on = now + Duration::days(demo.days.0);
        let input = SpiffInput {
            name: demo.name.into(),
            description: demo.description.into(),
            starts_on: starts_on.date_naive().to_string(),
            ends_on: (now + Duration::days(demo.days.1)).date_naive().to_string(),
            products: demo.products.into(),
            min_amount: demo.min_amount.into(),
            new_logo_only: demo.new_logo_only.then(|| "on".to_owned()),
            tiers,
            types: Vec::new(),
            basis: demo.basis.into(),
            payout: demo.payout.into(),
        };
        // Written a week before its first day.
        let written = starts_on - Duration::days(7);
        let spiff = input
            .check(&choices, Currency::USD, written.date_naive())
            .map_err(|_| SeedError::Invalid("a demo SPIFF"))?;
        if let spiffs::Created::Created(id) = spiffs::create(db, &spiff, marketing, written).await?
            && demo.launched
        {
            spiffs::launch(db, id, spiff.starts_on, marketing, written + Duration::days(1)).await?;
        }
    }
    Ok(())
}

pub async fn demo_history(db: &Db, admin: i64, public_url: &str) -> Result<(), SeedError> {
    let booked: i64 =
        // Won deals' entries: the demo's approved MDF claim, booked before, is not the history's.
        on_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM incentive_entries WHERE deal_id IS NOT NULL")
            .fetch_one(pool).await)?;
    if booked > 0 {
        return Ok(());
    }
    let won: Vec<WonRow> = on_db!(db, pool => sqlx::query_as(
        "SELECT id, organisation_id, customer_company, COALESCE(final_amount_minor, amount_minor), currency, closed_on \
         FROM deals WHERE status = 'won' AND closed_on IS NOT NULL ORDER BY closed_on, id")
        .fetch_all(pool).await)?;
    let mut tiers = std::collections::HashMap::new();
    let conversion = app::money::store::conversion(db).await?;
    let mut tx = db.begin().await?;
    for (deal_id, organisation_id, company, amount, currency, closed_on) in &won {
        if !tiers.contains_key(organisation_id) {
            tiers.insert(*organisation_id, store::tier_of(db, *organisation_id).await?);
        }
        let tier = tiers.get(organisation_id).and_then(Option::as_ref);
        let deal = WonDeal {
            deal_id: *deal_id,
            organisation_id: *organisation_id,
            customer_company: company,
            final_amount_minor: *amount,
            currency,
        };
        let at = noon(*closed_on);
        let tier = tier.map(|(name, benefits)| (name.as_str(), benefits));
        let mut entries = ledger::deal_won(&deal, tier, at);
        entries.extend(spiffs::earned_by(db, &deal, *closed_on, at).await?);
        let coop = app::incentives::coop::accrual(&deal, tier, &conversion, at);
        store::book_win(&mut tx, &app::incentives::coop::WinBooking { entries, coop }).await?;
    }
    tx.commit().await?;

    // Every quarter before the last ended one: closed five days after its end, paid ten days later.
    let now = Utc::now();
    let last_ended = ledger::quarter_of(ledger::quarter_of(now.date_naive()) - Duration::days(1));
    let quarters: Vec<NaiveDate> = store::periods(db).await?.into_iter().map(|(start, _, _)| start).collect();
    let link = format!("{public_url}/earnings");
    for start in quarters.into_iter().rev().filter(|start| *start < last_ended) {
        let end = noon(ledger::next_quarter(start));
        store::close(db, start, admin, end + Duration::days(5)).await?;
        if let Ok(run) = store::approve_run(db, start, admin, end + Duration::days(10)).await? {
            store::pay_run(db, run, admin, end + Duration::days(15), &link).await?;
        }
    }
    reopen_one(db, admin, now).await
}

fn noon(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc()
}

/// The README partner's oldest won deal, reopened as lost three weeks ago: the customer
/// cancelled, and what it earned is clawed back from the next payout.
async fn reopen_one(db: &Db, admin: i64, now: DateTime<Utc>) -> Result<(), SeedError> {
    let deal: Option<i64> = on_db!(db, pool => sqlx::query_scalar(
        "SELECT d.id FROM deals d JOIN organisations o ON o.id = d.organisation_id \
         WHERE o.name = $1 AND d.status = 'won' ORDER BY d.closed_on, d.id LIMIT 1")
        .bind(super::PARTNERS[0].0).fetch_optional(pool).await)?;
    let Some(deal_id) = deal else {
        return Ok(());
    };
    let Some(deal) = app::deals::store::record(db, deal_id).await? else {
        return Ok(());
    };
    let at = now - Duration::days(21);
    let reopen = DealCommand::Reopen { reason: "The customer cancelled the order before paying.".into() };
    let admin = Actor::Person { user_id: admin, role: Role::Admin };
    let change = plan(&deal.state(), admin, &reopen, at).map_err(|_| SeedError::Invalid("the demo's reopened deal"))?;
    // As the deal's page does it, through the one writer of deal changes (no email: it is history).
    app::deals::store::apply(db, deal_id, admin, &change, Default::default(), &Default::default(), at).await?;
    Ok(())
}
