//! `tessera seed --demo`: the Acme Cloud program with 24 partners, safe to run again.

mod agreement;
mod api;
mod campaigns;
mod content;
mod incentives;
mod mdf;
mod notifications;
mod onboarding;
mod tiers;
mod training;
mod webhooks;

use app::auth::secrets::{PasswordHash, hash_password_blocking};
use app::db::Db;
use app::on_db;
use chrono::Utc;

pub const DEMO_PASSWORD: &str = "tessera-demo";
pub const VENDOR: &str = "Acme Cloud";

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("could not hash the demo password")]
    Hash,
    #[error("{0} does not pass its own checks")]
    Invalid(&'static str),
}

const REGIONS: [&str; 4] = ["North America", "EMEA", "APAC", "LATAM"];

/// (name, email domain, partner type, tier, people): the first two are the ones the README names.
const PARTNERS: [(&str, &str, &str, &str, usize); 24] = [
    ("Bluepeak Systems", "bluepeak.test", "Reseller", "Gold", 3),
    ("Copperline IT", "copperline.test", "MSP", "Silver", 2),
    ("Northwind Distribution", "northwind.test", "Distributor", "Platinum", 4),
    ("Helix Software", "helix.test", "ISV", "Registered", 1),
    ("Referra Partners", "referra.test", "Referral", "Registered", 1),
    ("Granite Integration", "granite.test", "System integrator", "Gold", 3),
    ("Lumen Networks", "lumen.test", "Reseller", "Silver", 2),
    ("Orbital Cloud Services", "orbital.test", "MSP", "Platinum", 4),
    ("Vantage Supply", "vantage.test", "Distributor", "Silver", 2),
    ("Quill Analytics", "quill.test", "ISV", "Gold", 2),
    ("Beacon Introductions", "beacon.test", "Referral", "Registered", 1),
    ("Keystone Consulting", "keystone.test", "System integrator", "Silver", 3),
    ("Saffron Tech", "saffron.test", "Reseller", "Registered", 1),
    ("Meridian Managed", "meridian.test", "MSP", "Gold", 3),
    ("Atlas Wholesale", "atlas.test", "Distributor", "Registered", 2),
    ("Pinecone Apps", "pinecone.test", "ISV", "Silver", 2),
    ("Harbor Referrals", "harbor.test", "Referral", "Registered", 1),
    ("Summit Solutions", "summit.test", "System integrator", "Platinum", 4),
    ("Ember Resellers", "ember.test", "Reseller", "Silver", 2),
    ("Tidewater Managed IT", "tidewater.test", "MSP", "Registered", 1),
    ("Cobalt Channel", "cobalt.test", "Distributor", "Gold", 3),
    ("Nimbus Labs", "nimbus.test", "ISV", "Registered", 1),
    ("Foxglove Advisors", "foxglove.test", "Referral", "Silver", 1),
    ("Ironbridge Systems", "ironbridge.test", "System integrator", "Registered", 2),
];

const FIRST_NAMES: [&str; 12] =
    ["Ava", "Mateo", "Priya", "Jonas", "Amara", "Kenji", "Lucía", "Tomasz", "Noor", "Ethan", "Zanele", "Ines"];
const LAST_NAMES: [&str; 12] = [
    "Okafor",
    "Lindqvist",
    "Natarajan",
    "Moreau",
    "Haddad",
    "Sato",
    "Fernández",
    "Kowalski",
    "Rahman",
    "Walsh",
    "Dlamini",
    "Costa",
];

/// (local part, role) of a partner's people, in order: the first is always the partner admin.
const PARTNER_PEOPLE: [(&str, &str); 4] =
    [("partner", "partner_admin"), ("rep", "partner_user"), ("sales", "partner_user"), ("ops", "partner_user")];

/// Everyone the demo signs in as, for the README and the run command's banner.
pub const DEMO_SIGN_INS: [(&str, &str); 9] = [
    ("admin@acme.test", "Program admin"),
    ("cam@acme.test", "Channel manager (Bluepeak's)"),
    ("cam2@acme.test", "Channel manager (Copperline's)"),
    ("marketing@acme.test", "Channel marketing"),
    ("partner@bluepeak.test", "Partner admin, Bluepeak Systems"),
    ("rep@bluepeak.test", "Partner user, Bluepeak Systems"),
    ("partner@copperline.test", "Partner admin, Copperline IT"),
    ("partner@granite.test", "Partner admin, Granite Integration (new agreement version to accept)"),
    ("partner@ironbridge.test", "Partner admin, Ironbridge Systems (new: agreement not yet accepted)"),
];

fn person_name(index: usize) -> String {
    format!("{} {}", FIRST_NAMES[index % FIRST_NAMES.len()], LAST_NAMES[(index * 5 + 3) % LAST_NAMES.len()])
}

/// Loads the demo program. Rows that exist already are left as they are.
pub async fn demo(db: &Db, files: &app::files::FileStore) -> Result<String, SeedError> {
    // One hash for every demo account: argon2id is slow by design, and these share a password anyway.
    let hash = tokio::task::spawn_blocking(|| hash_password_blocking(DEMO_PASSWORD))
        .await
        .map_err(|_| SeedError::Hash)?
        .map_err(|_| SeedError::Hash)?;
    let vendor = organisation(db, VENDOR, "vendor", None, None, None, None).await?;
    let staff = [
        ("admin@acme.test", "Morgan Reyes", "admin"),
        ("cam@acme.test", "Sam Achterberg", "channel_manager"),
        ("cam2@acme.test", "Rin Takahashi", "channel_manager"),
        ("marketing@acme.test", "Lea Brandt", "marketing"),
    ];
    for (email, name, role) in staff {
        user(db, vendor, email, name, role, &hash).await?;
    }
    let cams = [user_id(db, "cam@acme.test").await?, user_id(db, "cam2@acme.test").await?];
    let mut people = 0;
    for (index, (name, domain, partner_type, tier, headcount)) in PARTNERS.into_iter().enumerate() {
        let region = REGIONS[index % REGIONS.len()];
        let cam = cams[index % cams.len()];
        let id = organisation(db, name, "partner", Some(partner_type), Some(tier), Some(region), Some(cam)).await?;
        for (slot, (local, role)) in PARTNER_PEOPLE.into_iter().take(headcount).enumerate() {
            user(db, id, &format!("{local}@{domain}"), &person_name(index * 4 + slot), role, &hash).await?;
            people += 1;
        }
    }
    let admin = user_id(db, "admin@acme.test").await?;
    agreement::demo(db, admin).await?;
    onboarding::demo(db).await?;
    let marketing = user_id(db, "marketing@acme.test").await?;
    training::demo(db, marketing).await?;
    company_profiles(db).await?;
    retired_list_values(db, admin).await?;
    tiers::demo(db, admin).await?;
    incentives::demo(db, admin, marketing).await?;
    content::demo(db, files, marketing).await?;
    campaigns::demo(db, marketing).await?;
    mdf::demo(db, files, admin).await?;
    api::demo(db).await?;
    webhooks::demo(db, admin).await?;
    let mut report = format!(
        "Demo data ready: {VENDOR} with 4 staff and {} partners ({people} partner people).\n\
         Sign in at the portal with any of these (password: {DEMO_PASSWORD}):\n",
        PARTNERS.len()
    );
    for (email, who) in DEMO_SIGN_INS {
        report.push_str(&format!("  {email:<26} {who}\n"));
    }
    Ok(report)
}

/// The demo ledger from the demo history's won deals (see [`incentives::demo_history`]).
pub async fn demo_ledger(db: &Db, public_url: &str) -> Result<(), SeedError> {
    let admin = user_id(db, "admin@acme.test").await?;
    incentives::demo_history(db, admin, public_url).await
}

/// The demo's notifications, with links under `public_url` (see [`notifications::demo`]).
pub async fn demo_notifications(db: &Db, public_url: &str) -> Result<(), SeedError> {
    notifications::demo(db, public_url).await
}

/// Every partner's tier standing from the demo history (see [`tiers::demo_standings`]).
pub async fn demo_standings(db: &Db) -> Result<(), SeedError> {
    let admin = user_id(db, "admin@acme.test").await?;
    let approved: i64 = on_db!(db, pool => sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
        .bind(tiers::APPROVED).fetch_one(pool).await)?;
    tiers::demo_standings(db, admin, approved).await
}

async fn organisation(
    db: &Db,
    name: &str,
    kind: &str,
    partner_type: Option<&str>,
    tier: Option<&str>,
    region: Option<&str>,
    channel_manager: Option<i64>,
) -> Result<i64, SeedError> {
    let now = Utc::now();
    let id = on_db!(db, pool => {
        sqlx::query(
            "INSERT INTO organisations (name, kind, partner_type_id, tier_id, region, channel_manager_id, created_at) \
             VALUES ($1, $2, (SELECT id FROM partner_types WHERE name = $3), (SELECT id FROM tiers WHERE name = $4), \
                     $5, $6, $7) \
             ON CONFLICT DO NOTHING")
            .bind(name).bind(kind).bind(partner_type).bind(tier).bind(region).bind(channel_manager).bind(now)
            .execute(pool).await?;
        sqlx::query_scalar::<_, i64>("SELECT id FROM organisations WHERE lower(name) = lower($1)")
            .bind(name).fetch_one(pool).await?
    });
    Ok(id)
}

async fn user(
    db: &Db,
    organisation_id: i64,
    email: &str,
    name: &str,
    role: &str,
    hash: &PasswordHash,
) -> Result<(), SeedError> {
    on_db!(db, pool => sqlx::query(
        "INSERT INTO users (organisation_id, email, name, role, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email) DO NOTHING")
        .bind(organisation_id).bind(email).bind(name).bind(role).bind(hash.as_str()).bind(Utc::now())
        .execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// The cities partners' main offices are in, by region.
const CITIES: [(&str, &str); 4] =
    [("Chicago", "United States"), ("Lyon", "France"), ("Osaka", "Japan"), ("Bogotá", "Colombia")];

/// A company profile for every partner in the program before onboarding, unless it has one; the
/// partners still onboarding fill in their own (it is a step of their checklist).
async fn company_profiles(db: &Db) -> Result<(), SeedError> {
    use app::partners::profile::CompanyProfile;
    use app::partners::store;
    for (index, (name, domain, partner_type, ..)) in PARTNERS.into_iter().enumerate() {
        let onboarding = onboarding::ONBOARDING.iter().any(|(joiner, _)| *joiner == name);
        if onboarding || agreement::NOT_ACCEPTED.contains(&name) {
            continue;
        }
        let Some((admin, organisation_id)) = person(db, &format!("partner@{domain}")).await? else { continue };
        let Some(given) = store::profile(db, organisation_id).await? else { continue };
        if index < DEMO_LOGOS && store::logo_facts(db, organisation_id).await?.is_none() {
            let logo = app::partners::logo::check(demo_logo(index).as_bytes())
                .map_err(|_| SeedError::Invalid("a demo logo"))?;
            store::save_logo(db, (organisation_id, name), Some(&logo), admin, Utc::now()).await?;
        }
        if given.complete() {
            continue;
        }
        let (city, country) = CITIES[index % CITIES.len()];
        let input = CompanyProfile {
            website: format!("https://www.{domain}"),
            contact_email: format!("sales@{domain}"),
            phone: format!("+1 555 01{:02} {:04}", index, 1000 + index * 37),
            city: city.into(),
            country: country.into(),
            about: format!(
                "{name} is a {} working with mid-sized companies on cloud infrastructure, backup and migration.",
                partner_type.to_lowercase()
            ),
            ..given
        };
        let regions = store::region_choices(db, organisation_id).await?;
        let profile = input.check(&regions).map_err(|_| SeedError::Invalid("a demo company profile"))?;
        store::save_profile(db, organisation_id, &profile, admin, Utc::now()).await?;
        // Listed in the public partner locator by their partner admins, all but Copperline's
        // (whose admin shows how to list it).
        if !NOT_LISTED.contains(&name) {
            store::locator::set_listed(db, organisation_id, true, admin, Utc::now()).await?;
        }
    }
    Ok(())
}

/// The demo partners whose admins have not listed them in the public partner locator.
const NOT_LISTED: [&str; 1] = ["Copperline IT"];

/// A partner type and a region the program no longer gives anyone, so the lists show how a
/// retired value reads.
async fn retired_list_values(db: &Db, admin: i64) -> Result<(), SeedError> {
    use app::lists::{ListChange, ProgramList, store};
    for (list, name) in [(ProgramList::PartnerTypes, "Agent"), (ProgramList::Regions, "Nordics")] {
        if store::values(db, list).await?.iter().any(|value| value.name == name) {
            continue;
        }
        let now = Utc::now();
        store::change(db, list, ListChange::Add, None, name, (admin, now))
            .await?
            .map_err(|_| SeedError::Invalid(name))?;
        let Some(added) = store::values(db, list).await?.into_iter().find(|value| value.name == name) else { continue };
        store::change(db, list, ListChange::Retire, Some(added.id), "", (admin, now))
            .await?
            .map_err(|_| SeedError::Invalid(name))?;
    }
    Ok(())
}

/// How many partners the demo gives a logo (the first ones, the README's among them).
const DEMO_LOGOS: usize = 8;

/// A demo partner's logo: an SVG of two shapes in its own colour, nothing else.
fn demo_logo(index: usize) -> String {
    const COLOURS: [&str; 8] = ["#0b6e99", "#b5542b", "#4a7c2a", "#6b4fa0", "#a0325a", "#2a7c74", "#8a6d1d", "#34495e"];
    let colour = COLOURS[index % COLOURS.len()];
    let (x, r) = (20 + (index * 7) % 24, 10 + (index * 3) % 8);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">
            <rect x="4" y="4" width="88" height="88" rx="20" fill="{colour}"/>
            <circle cx="{x}" cy="48" r="{r}" fill="#ffffff" opacity="0.9"/>
            <path d="M48 24 L76 48 L48 72 Z" fill="#ffffff" opacity="0.75"/>
        </svg>"##
    )
}

/// The person with `email` and their organisation, if the demo has them.
async fn person(db: &Db, email: &str) -> Result<Option<(i64, i64)>, SeedError> {
    Ok(on_db!(db, pool => sqlx::query_as("SELECT id, organisation_id FROM users WHERE email = $1")
        .bind(email).fetch_optional(pool).await)?)
}

async fn user_id(db: &Db, email: &str) -> Result<i64, SeedError> {
    Ok(
        on_db!(db, pool => sqlx::query_scalar("SELECT id FROM users WHERE email = $1").bind(email).fetch_one(pool).await)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_program_covers_every_type_region_and_tier() {
        let types: std::collections::BTreeSet<_> = PARTNERS.iter().map(|p| p.2).collect();
        assert_eq!(types.len(), 6);
        let tiers: std::collections::BTreeSet<_> = PARTNERS.iter().map(|p| p.3).collect();
        assert_eq!(tiers, ["Gold", "Platinum", "Registered", "Silver"].into_iter().collect());
        assert!(PARTNERS.iter().all(|p| (1..=4).contains(&p.4)));
        let names: std::collections::BTreeSet<_> = PARTNERS.iter().map(|p| p.0).collect();
        assert_eq!(names.len(), 24, "partner names are unique");
    }

    #[test]
    fn the_readme_partners_have_the_people_it_names() {
        let bluepeak = PARTNERS.iter().find(|p| p.0 == "Bluepeak Systems").expect("Bluepeak");
        assert!(bluepeak.4 >= 2, "partner@ and rep@bluepeak.test");
        assert_eq!(PARTNER_PEOPLE[0], ("partner", "partner_admin"));
        assert_eq!(PARTNER_PEOPLE[1], ("rep", "partner_user"));
        assert_eq!(PARTNERS[1].0, "Copperline IT");
    }
}
