//! The public side of a launched campaign: its landing page at `/p/{slug}` (no sign-in, no
//! script), the lead form it posts, the call to action's counting redirect, and the partner's logo
//! as the page shows it. Pages are rendered once and kept a few seconds; views and clicks are
//! counted in memory and written in batches ([`PublicPages::flush`]), so counting never waits on
//! the database; senders of the form are held to a few a minute each.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};

use super::launch::{Lead, LeadInput};
use super::render::{self, LandingLinks, PartnerFacts};
use super::store::launches::{self, Added, LeadSource, StoredLaunch};
use super::store::{self, StoredCampaign};
use super::{CampaignState, Texts};
use crate::db::Db;
use crate::error::{AppError, FieldErrors};
use crate::state::ServerState;
use crate::text::web_address;

/// How long a rendered page is served before it is read again (a change on another server shows
/// within this; on the server that made it, at once).
const PAGE_TTL: Duration = Duration::from_secs(10);
/// The most pages kept at once; past it the cache starts again.
const MAX_PAGES: usize = 10_000;
/// How many forms one client address may send in [`SEND_WINDOW`].
pub const SENDS_PER_WINDOW: u32 = 10;
pub const SEND_WINDOW: Duration = Duration::from_secs(600);

/// A landing page that is live: its launch, what it shows, and the page rendered.
#[derive(Debug)]
pub struct LivePage {
    pub launch: StoredLaunch,
    pub campaign: String,
    /// The vendor's name, as the page says it.
    pub vendor: String,
    pub facts: PartnerFacts,
    pub texts: Texts,
    /// The page as a visitor first sees it.
    pub html: String,
    /// Where the call to action sends the visitor.
    pub cta_target: String,
}

#[derive(Clone, Debug)]
struct Cached {
    page: Option<Arc<LivePage>>,
    at: Instant,
}

/// The landing pages' cache, their views and clicks not yet written, and the form's senders.
#[derive(Clone, Debug, Default)]
pub struct PublicPages(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    pages: Mutex<HashMap<String, Cached>>,
    /// (launch, day) → (views, clicks) since the last flush.
    tally: Mutex<HashMap<(i64, NaiveDate), (i64, i64)>>,
    /// Client address → (when its window began, forms sent in it).
    senders: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

/// The address of a landing page, as its partner shares it.
pub fn address(public_url: &str, slug: &str) -> String {
    format!("{}/p/{slug}", public_url.trim_end_matches('/'))
}

/// Where a launched page's logo is served to anyone, `at` its upload time (so a new logo is a new address).
fn logo_src(slug: &str, at: DateTime<Utc>) -> String {
    format!("/p/{slug}/logo?v={}", at.timestamp_millis())
}

/// Whether a slug could be one Tessera made (what is looked up at all).
fn plausible(slug: &str) -> bool {
    (16..=64).contains(&slug.len()) && slug.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A campaign's texts rendered for a launch: the partner's own where it changed them, only the
/// posts it shares, `{{ link }}` its page.
pub fn launched_texts(campaign: &StoredCampaign, launch: &StoredLaunch, facts: &PartnerFacts, link: &str) -> Texts {
    let texts = launch.personal.apply(&campaign.draft.texts);
    render::render_texts(&texts, facts, link)
}

/// Where a launch's call to action leads: the address the partner gave, else its website, else its page's form.
pub fn cta_target(launch: &StoredLaunch, facts: &PartnerFacts) -> String {
    match (web_address(&launch.personal.cta_url), web_address(&facts.website)) {
        (Some(url), _) | (None, Some(url)) => url.to_owned(),
        (None, None) => format!("/p/{}?from=cta#lead-form", launch.slug),
    }
}

impl PublicPages {
    /// The landing page at `slug` if it is live (launched, not paused); `None` otherwise.
    pub async fn live(&self, state: &ServerState, slug: &str) -> Result<Option<Arc<LivePage>>, AppError> {
        if !plausible(slug) {
            return Ok(None);
        }
        if let Some(cached) = self.pages().get(slug).filter(|cached| cached.at.elapsed() < PAGE_TTL) {
            return Ok(cached.page.clone());
        }
        let page = load(state, slug).await?.map(Arc::new);
        let mut pages = self.pages();
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert(slug.to_owned(), Cached { page: page.clone(), at: Instant::now() });
        Ok(page)
    }

    /// Drops `slug`'s page, so the next visitor sees what changed.
    pub fn forget(&self, slug: &str) {
        self.pages().remove(slug);
    }

    fn pages(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached>> {
        self.0.pages.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn tally(&self) -> std::sync::MutexGuard<'_, HashMap<(i64, NaiveDate), (i64, i64)>> {
        self.0.tally.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts a view of launch `id`'s page.
    pub fn count_view(&self, id: i64) {
        self.tally().entry((id, Utc::now().date_naive())).or_default().0 += 1;
    }

    /// Counts a click on launch `id`'s call to action.
    pub fn count_click(&self, id: i64) {
        self.tally().entry((id, Utc::now().date_naive())).or_default().1 += 1;
    }

    /// Writes the views and clicks counted since the last flush. What is written leaves memory only
    /// once the database has it, so neither a failed write nor a server stopping midway loses it.
    pub async fn flush(&self, db: &Db) -> Result<usize, sqlx::Error> {
        let counted: Vec<(i64, NaiveDate, i64, i64)> =
            self.tally().iter().map(|(&(id, day), &(views, clicks))| (id, day, views, clicks)).collect();
        if counted.is_empty() {
            return Ok(0);
        }
        launches::add_visits(db, &counted).await?;
        let mut tally = self.tally();
        for (id, day, views, clicks) in &counted {
            if let Some(kept) = tally.get_mut(&(*id, *day)) {
                (kept.0, kept.1) = (kept.0 - views, kept.1 - clicks);
                if *kept == (0, 0) {
                    tally.remove(&(*id, *day));
                }
            }
        }
        Ok(counted.len())
    }

    /// Whether `client` may send a form now; if not, how long until it may.
    pub fn admit(&self, client: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let mut senders = self.0.senders.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if senders.len() > 100_000 {
            senders.retain(|_, (began, _)| now.duration_since(*began) < SEND_WINDOW);
        }
        let (began, sent) = senders.entry(client).or_insert((now, 0));
        if now.duration_since(*began) >= SEND_WINDOW {
            (*began, *sent) = (now, 0);
        }
        if *sent >= SENDS_PER_WINDOW {
            return Err(SEND_WINDOW.saturating_sub(now.duration_since(*began)));
        }
        *sent += 1;
        Ok(())
    }
}

/// Reads and renders the page at `slug`, if it is live.
async fn load(state: &ServerState, slug: &str) -> Result<Option<LivePage>, AppError> {
    let Some(launch) = launches::launch_at(&state.db, slug).await? else { return Ok(None) };
    if launch.paused {
        return Ok(None);
    }
    let Some(campaign) = store::campaign(&state.db, launch.campaign_id).await? else { return Ok(None) };
    if campaign.state != CampaignState::Published {
        return Ok(None);
    }
    let Some(partner) = store::partner(&state.db, launch.organisation_id, |at| logo_src(slug, at)).await? else {
        return Ok(None);
    };
    // A partner whose tier or type has left the campaign's audience no longer runs it.
    if !campaign.draft.audience.includes(partner.tier_id, partner.partner_type_id) {
        return Ok(None);
    }
    let link = address(&state.settings.public_url, slug);
    let texts = launched_texts(&campaign, &launch, &partner.facts, &link);
    let vendor = store::vendor_name(&state.db).await?;
    let html = render_page((&vendor, &texts, &partner.facts), &launch.slug, None)?;
    Ok(Some(LivePage {
        vendor,
        cta_target: cta_target(&launch, &partner.facts),
        campaign: campaign.draft.name,
        facts: partner.facts,
        texts,
        html,
        launch,
    }))
}

/// What a landing page's form left to say: a thank-you, or the fields as sent with their problems.
pub enum FormState<'a> {
    Sent,
    Refused(&'a LeadInput, &'a FieldErrors),
}

/// The landing page at `slug` of `vendor`'s campaign `texts` for the partner of `facts`, its form live.
pub fn render_page(
    (vendor, texts, facts): (&str, &Texts, &PartnerFacts),
    slug: &str,
    form: Option<FormState>,
) -> Result<String, AppError> {
    let links = LandingLinks {
        cta_href: Some(format!("/p/{slug}/go")),
        ..lead_form_as(format!("/p/{slug}"), &facts.company, form)
    };
    render::landing_page(vendor, texts, facts, &links).map_err(|error| {
        tracing::error!(%error, "a landing page did not render");
        AppError::Internal
    })
}

/// The lead form posting to `action`, as `form` left it: empty, thanking the sender (`company`
/// will be in touch), or with the fields as sent and their problems.
pub fn lead_form_as(action: String, company: &str, form: Option<FormState>) -> LandingLinks {
    let mut links = render::lead_form(Some(action));
    match form {
        None => {}
        Some(FormState::Sent) => {
            links.notice = Some(format!("Thank you: {company} will be in touch soon."));
        }
        Some(FormState::Refused(input, problems)) => {
            links.notice = Some("Please check the fields marked below.".into());
            for field in &mut links.fields {
                field.value = match field.name {
                    "name" => input.name.clone(),
                    "email" => input.email.clone(),
                    "company" => input.company.clone(),
                    "phone" => input.phone.clone(),
                    _ => String::new(),
                };
                field.error = problems.get(field.name).cloned();
            }
        }
    }
    links
}

/// What became of a form sent from a landing page.
pub enum Sent {
    /// Kept (or the same lead already was, or a robot filled the trap): thank the sender.
    Thanked,
    /// A field's problem: the page again, with the fields as sent.
    Refused(String),
}

/// A form sent from `page`: checked, kept once per person and day, its partner told.
pub async fn send(state: &ServerState, page: &LivePage, input: &LeadInput) -> Result<Sent, AppError> {
    if !input.website_url.trim().is_empty() {
        tracing::info!(launch = page.launch.id, "a landing page's trap field was filled; nothing kept");
        return Ok(Sent::Thanked);
    }
    let lead: Lead = match input.check() {
        Ok(lead) => lead,
        Err(problems) => {
            let html = render_page(
                (&page.vendor, &page.texts, &page.facts),
                &page.launch.slug,
                Some(FormState::Refused(input, &problems)),
            )?;
            return Ok(Sent::Refused(html));
        }
    };
    let link = format!("{}/leads", state.settings.public_url.trim_end_matches('/'));
    let conflict = possible_conflict(&state.db, &lead, page.launch.organisation_id).await?;
    let source = LeadSource::Landing(&page.launch);
    match launches::add_lead(&state.db, source, (Some(&page.campaign), &link), &lead, conflict, Utc::now()).await? {
        Added::Added(id) => tracing::info!(launch = page.launch.id, lead = id, "a lead arrived from a landing page"),
        Added::Duplicate => tracing::info!(launch = page.launch.id, "the same lead sent the form again; kept once"),
    }
    Ok(Sent::Thanked)
}

/// Whether a partner other than `organisation_id` has registered a deal for `lead`'s company (by
/// its name, or the domain of its email address unless a webmail's): the deals' own conflict check.
pub async fn possible_conflict(db: &Db, lead: &Lead, organisation_id: i64) -> Result<bool, AppError> {
    let domain = crate::deals::domain::customer_domain_of_email(&lead.email);
    Ok(!crate::deals::conflicts::find(db, &lead.company, domain.as_deref(), organisation_id).await?.is_empty())
}

/// The page after its form was sent: thanks.
pub fn thanked(page: &LivePage) -> Result<String, AppError> {
    render_page((page.vendor.as_str(), &page.texts, &page.facts), &page.launch.slug, Some(FormState::Sent))
}
