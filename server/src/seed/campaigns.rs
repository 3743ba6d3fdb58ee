//! The demo campaigns: one published to resellers and managed-service providers, one draft for
//! Gold and Platinum partners.

use app::campaigns::store::{self, Saved};
use app::campaigns::{CampaignInput, CampaignState, render};
use app::db::Db;
use chrono::{Duration, Utc};

use super::SeedError;

/// The campaigns, unless there are some already.
pub async fn demo(db: &Db, author: i64) -> Result<(), SeedError> {
    if !store::campaigns(db).await?.is_empty() {
        return Ok(());
    }
    let choices = store::audience_choices(db).await?;
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
        }
    }
    Ok(())
}
