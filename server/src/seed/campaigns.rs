//! The demo campaigns: one published to resellers and managed-service providers, launched by
//! Bluepeak with a week of views and clicks and three leads; one draft for Gold and Platinum partners.

use app::campaigns::launch::{LaunchInput, Lead};
use app::campaigns::store::launches::{self, StoredLaunch};
use app::campaigns::store::{self, Saved};
use app::campaigns::{CampaignInput, CampaignState, render};
use app::db::Db;
use app::on_db;
use chrono::{DateTime, Duration, Utc};

use super::SeedError;

/// The campaigns, unless there are some already.
pub async fn demo(db: &Db, author: i64) -> Result<(), SeedError> {
    if !store::campaigns(db).await?.is_empty() {
        return Ok(());
    }
    let choices = app::tiers::store::audience_choices(db).await?;
    let ids = |names: &[&str], from: &[(i64, String)]| -> Vec<String> {
        from.iter().filter(|(_, name)| names.contains(&name.as_str())).map(|(id, _)| id.to_string()).collect()
    };
    let today = Utc::now().date_naive();
    let backup = CampaignInput {
        name: "Back up every server".into(),
        summary: "Acme Cloud Backup for small and mid-sized businesses: a landing page, an email and three posts.".into(),
        headline: "{{ company }} keeps every server backed up".into(),
        intro: "Hourly backups of every server, kept for a year, restored in minutes. {{ company }} sets it up and watches over it for you.".into(),
        body: "Acme Cloud Backup copies every server and database once an hour to two regions.\n\n\
            When something breaks, {{ company }} restores a file, a server or a whole site: most restores take under ten minutes."
            .into(),
        cta_text: "Book a backup check".into(),
        email_subject: "Is every server of yours backed up?".into(),
        email_body: "Hello,\n\nMost businesses find out what their backups miss on the day they need them. \
            {{ company }} checks yours for free and shows what Acme Cloud Backup would keep safe.\n\n\
            Reply to this email or call {{ phone }}.\n\n{{ contact_name }}, {{ company }}"
            .into(),
        posts: "Do you know what your backups miss? {{ company }} checks them for free: {{ link }}\n---\n\
            Hourly backups, restored in minutes. Ask {{ company }} about Acme Cloud Backup: {{ link }}\n---\n\
            New: free backup checks for small businesses. {{ link }}"
            .into(),
        starts_on: (today - Duration::days(10)).to_string(),
        ends_on: (today + Duration::days(50)).to_string(),
        types: ids(&["MSP", "Reseller"], &choices.types),
        edit_intro: Some("on".into()),
        edit_cta: Some("on".into()),
        choose_posts: Some("on".into()),
        ..CampaignInput::default()
    };
    let migration = CampaignInput {
        name: "Migration week".into(),
        summary: "A week of free migration assessments for customers moving to Acme Cloud.".into(),
        headline: "Move to Acme Cloud with {{ company }}".into(),
        intro: "A free assessment of what moves first, what it costs and how long it takes.".into(),
        cta_text: "Book an assessment".into(),
        email_subject: "A free migration assessment from {{ company }}".into(),
        email_body: "Hello,\n\nDuring migration week {{ company }} assesses your servers for free.".into(),
        posts: "Migration week: a free assessment from {{ company }}. {{ link }}".into(),
        starts_on: (today + Duration::days(20)).to_string(),
        ends_on: (today + Duration::days(27)).to_string(),
        tiers: ids(&["Gold", "Platinum"], &choices.tiers),
        ..CampaignInput::default()
    };
    let now = Utc::now() - Duration::days(12);
    for (input, publish) in [(backup, true), (migration, false)] {
        let draft = input.check(&choices, render::check_template).map_err(|_| SeedError::Invalid("a demo campaign"))?;
        let Saved::Saved(id) = store::save(db, &draft, (author, now)).await? else {
            return Err(SeedError::Invalid("a demo campaign's name"));
        };
        if publish {
            let moved = (CampaignState::Draft, CampaignState::Published);
            store::set_state(db, (id, &draft.name), moved, (author, now + Duration::days(1))).await?;
            bluepeak_launches(db, id, now + Duration::days(4)).await?;
        }
    }
    Ok(())
}

/// Bluepeak launches campaign `id` `at`, in its own words and with two of the three posts, and
/// its page draws views and clicks every day since, and three leads.
async fn bluepeak_launches(db: &Db, id: i64, at: DateTime<Utc>) -> Result<(), SeedError> {
    let (organisation, launcher): (i64, i64) = on_db!(db, pool => sqlx::query_as(
        "SELECT o.id, u.id FROM organisations o JOIN users u ON u.organisation_id = o.id \
         WHERE o.name = 'Bluepeak Systems' AND u.email = 'partner@bluepeak.test'")
        .fetch_one(pool).await)?;
    let campaign = store::campaign(db, id).await?.ok_or(SeedError::Invalid("the demo campaign"))?;
    let input = LaunchInput {
        campaign: id.to_string(),
        intro: "Bluepeak has looked after servers in the region for fifteen years. We set up Acme Cloud Backup in a day and check every restore ourselves.".into(),
        cta_text: "Book a free backup check".into(),
        cta_url: String::new(),
        posts: vec!["0".into(), "1".into()],
    };
    let personal =
        input.check(&campaign.draft, render::check_template).map_err(|_| SeedError::Invalid("the demo launch"))?;
    let slug = launches::new_slug().map_err(|_| SeedError::Invalid("randomness for the demo launch"))?;
    launches::save(db, (id, &campaign.draft.name), (organisation, &slug), &personal, (launcher, at)).await?;
    let launch: StoredLaunch =
        launches::launch_of(db, id, organisation).await?.ok_or(SeedError::Invalid("the demo launch"))?;
    let days = (Utc::now() - at).num_days().max(1);
    let visits: Vec<_> = (0..=days)
        .map(|day| {
            let views = 18 + (day * 7) % 13;
            (launch.id, (at + Duration::days(day)).date_naive(), views, views / 4)
        })
        .collect();
    launches::add_visits(db, &visits).await?;
    let leads = [
        ("Dana Whitfield", "dana@harbourdental.example", "Harbour Dental", "+1 555 0142", 2),
        ("Omar Haddad", "omar.haddad@northwindfreight.example", "Northwind Freight", "", 4),
        ("Grace Liu", "grace@lakesidelaw.example", "Lakeside Law", "+1 555 0199", 6),
    ];
    for (name, email, company, phone, day) in leads {
        let lead = Lead { name: name.into(), email: email.into(), company: company.into(), phone: phone.into() };
        let link = "/leads";
        launches::add_lead(
            db,
            launches::LeadSource::Landing(&launch),
            (Some(&campaign.draft.name), link),
            &lead,
            false,
            at + Duration::days(day) + Duration::hours(3),
        )
        .await?;
    }
    Ok(())
}
