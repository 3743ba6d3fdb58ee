//! Campaigns' server functions: the list its viewer may see, a campaign with its targeted
//! partners' readiness, the editor's load and save, publishing and closing; and, for the router,
//! a campaign's landing page or email rendered for one partner.

use leptos::prelude::*;

use super::launch::{LaunchInput, LeadList};
use super::{AudienceChoices, CampaignDetail, CampaignInput, CampaignList};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::launch::{Counts, LaunchView, Personal},
    super::public::{self, PublicPages},
    super::render::{self, LandingLinks, PartnerFacts},
    super::store::launches::{self, StoredLaunch},
    super::store::{self, CampaignPartner, Saved, StoredCampaign},
    super::{CampaignRow, CampaignState, Readiness},
    crate::auth::access::{CAMPAIGN_MANAGER_ROLES, CAMPAIGN_PARTNER_ROLES},
    crate::auth::reach::Reach,
    crate::auth::{SessionUser, guard},
    crate::state::{self, ServerState},
    chrono::Utc,
};

#[cfg(feature = "ssr")]
fn may_manage(user: &SessionUser) -> bool {
    CAMPAIGN_MANAGER_ROLES.contains(&user.role)
}

/// The list's row of a campaign, its audience named.
#[cfg(feature = "ssr")]
fn row(campaign: &StoredCampaign, choices: &AudienceChoices) -> CampaignRow {
    CampaignRow {
        id: campaign.draft.id,
        name: campaign.draft.name.clone(),
        summary: campaign.draft.summary.clone(),
        state: campaign.state,
        starts_on: campaign.draft.starts_on,
        ends_on: campaign.draft.ends_on,
        audience: choices.describe(&campaign.draft.audience),
    }
}

/// Every partner with what campaigns show of it, each logo at the address signed-in people load it from.
#[cfg(feature = "ssr")]
async fn partners(db: &crate::db::Db) -> Result<Vec<CampaignPartner>, AppError> {
    Ok(store::partners(db, |id, at| format!("/logos/{id}?v={}", at.timestamp_millis())).await?)
}

/// The partners within the caller's reach that `campaign` aims at: for vendor staff whatever its
/// state (a channel manager, their own partners); for a partner's people their own organisation,
/// once the campaign is published.
#[cfg(feature = "ssr")]
fn targeted<'a>(
    user: &SessionUser,
    campaign: &StoredCampaign,
    partners: &'a [CampaignPartner],
) -> Vec<&'a CampaignPartner> {
    let reach = Reach::of(user);
    let shown = user.role.is_vendor_staff() || campaign.state == CampaignState::Published;
    partners
        .iter()
        .filter(|partner| shown && reach.includes_partner(*partner))
        .filter(|partner| campaign.draft.audience.includes(partner.tier_id, partner.partner_type_id))
        .collect()
}

/// The campaigns the caller may see: every one for vendor staff; the published ones aimed at
/// their organisation for a partner's people.
#[server(endpoint = "campaigns")]
pub async fn campaigns() -> Result<CampaignList, AppError> {
    let user = guard::signed_in()?;
    let db = state::db()?;
    let choices = crate::tiers::store::audience_choices(&db).await?;
    let partners = partners(&db).await?;
    let rows = store::campaigns(&db)
        .await?
        .iter()
        .filter(|campaign| user.role.is_vendor_staff() || !targeted(&user, campaign, &partners).is_empty())
        .map(|campaign| row(campaign, &choices))
        .collect();
    Ok(CampaignList { rows, can_manage: may_manage(&user) })
}

/// What is missing for a partner's co-branded pages to be whole.
#[cfg(feature = "ssr")]
fn missing(facts: &PartnerFacts) -> Vec<String> {
    let checks = [
        (facts.logo.is_none(), "a logo"),
        (facts.contact_name.is_empty(), "a partner admin to name as the contact"),
        (facts.contact_email.is_empty(), "a contact email"),
        (facts.phone.is_empty(), "a phone number"),
        (facts.website.is_empty(), "a website"),
    ];
    checks.into_iter().filter(|(lacking, _)| *lacking).map(|(_, what)| what.to_owned()).collect()
}

/// The campaign `id` as its viewer may see it, with the readiness of each partner it targets
/// within their reach; a partner's people see only a published campaign aimed at them.
/// "Not found" otherwise.
#[server(endpoint = "campaign_view")]
pub async fn campaign_view(id: i64) -> Result<CampaignDetail, AppError> {
    let user = guard::signed_in()?;
    let state = state::server_state()?;
    let campaign = store::campaign(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let partners = partners(&state.db).await?;
    let targeted = targeted(&user, &campaign, &partners);
    if targeted.is_empty() && !user.role.is_vendor_staff() {
        return Err(AppError::NotFound);
    }
    let launched = launches::launches(&state.db, id).await?;
    let launch_of =
        |organisation_id: i64| launched.iter().find(|(launch, _)| launch.organisation_id == organisation_id);
    let readiness: Vec<Readiness> = targeted
        .iter()
        .map(|partner| Readiness {
            organisation_id: partner.id,
            name: partner.facts.company.clone(),
            tier: partner.tier.clone(),
            missing: missing(&partner.facts),
            launched: launch_of(partner.id).map(|(launch, _)| launch.launched_at),
            counts: launch_of(partner.id).map(|(_, counts)| *counts).unwrap_or_default(),
        })
        .collect();
    // A partner sees its own launch: the posts it shares with its page's link, and the form to change them.
    let own = match user.role.is_vendor_staff() {
        true => None,
        false => launch_of(user.organisation_id),
    };
    let posts = match targeted.first() {
        Some(partner) => {
            let link = match own {
                Some((launch, _)) => public::address(&state.settings.public_url, &launch.slug),
                None => format!("{}/p/…", state.settings.public_url),
            };
            campaign.draft.texts.posts.iter().map(|post| render::render_text(post, &partner.facts, &link)).collect()
        }
        None => campaign.draft.texts.posts.clone(),
    };
    let may_launch = CAMPAIGN_PARTNER_ROLES.contains(&user.role) && campaign.state == CampaignState::Published;
    let personal = may_launch.then(|| match own {
        Some((launch, _)) => launch.personal.input(&campaign.draft),
        None => Personal::of_campaign(&campaign.draft).input(&campaign.draft),
    });
    let launch = own.map(|(launch, counts)| LaunchView {
        address: public::address(&state.settings.public_url, &launch.slug),
        paused: launch.paused,
        launched_at: launch.launched_at,
        counts: *counts,
    });
    let charts = match user.role.is_vendor_staff() {
        true => {
            let reached: Vec<i64> =
                targeted.iter().filter_map(|partner| launch_of(partner.id)).map(|(launch, _)| launch.id).collect();
            report_charts(&state.db, &campaign, &readiness, &reached).await?
        }
        false => Vec::new(),
    };
    let choices = crate::tiers::store::audience_choices(&state.db).await?;
    Ok(CampaignDetail {
        row: row(&campaign, &choices),
        draft: campaign.draft,
        can_manage: may_manage(&user),
        readiness,
        posts,
        personal,
        launch,
        charts,
    })
}

/// How many days of views the report draws.
#[cfg(feature = "ssr")]
const REPORT_DAYS: i64 = 14;

/// The report's charts over the partners in reach (`readiness`, and `reached`: their launches):
/// the funnel from view to deal, and views on each of the last [`REPORT_DAYS`] days of the window.
#[cfg(feature = "ssr")]
async fn report_charts(
    db: &crate::db::Db,
    campaign: &StoredCampaign,
    readiness: &[Readiness],
    reached: &[i64],
) -> Result<Vec<crate::kpi::Chart>, AppError> {
    use crate::kpi::{Bar, Chart};
    let total = readiness.iter().fold(Counts::default(), |total, partner| total.add(partner.counts));
    let step = |label: &str, value: i64, href: &str| Bar {
        label: label.into(),
        value,
        text: value.to_string(),
        href: href.into(),
    };
    let funnel = Chart {
        id: "campaign-funnel".into(),
        title: "From view to lead to deal".into(),
        columns: false,
        bars: vec![
            step("Views", total.views, "#readiness-title"),
            step("Clicks", total.clicks, "#readiness-title"),
            step("Leads", total.leads, "/leads"),
            step("Deals", total.deals, "/leads"),
        ],
    };
    let last = Utc::now().date_naive().min(campaign.draft.ends_on);
    let first = (last - chrono::Duration::days(REPORT_DAYS - 1)).max(campaign.draft.starts_on);
    let visits = launches::daily(db, campaign.draft.id, first).await?;
    let bars = first
        .iter_days()
        .take_while(|day| *day <= last)
        .map(|day| {
            let views: i64 = visits
                .iter()
                .filter(|(launch, on, ..)| *on == day && reached.contains(launch))
                .map(|(_, _, views, _)| views)
                .sum();
            Bar {
                label: day.format("%d %b").to_string(),
                value: views,
                text: crate::text::count(views, "view", "views"),
                href: "#readiness-title".into(),
            }
        })
        .collect();
    let daily = Chart { id: "campaign-views".into(), title: "Views each day".into(), columns: true, bars };
    Ok(vec![funnel, daily])
}

/// A campaign's form: the one `id` (0 for a new one, its window the coming month) with the tiers
/// and types it may target. Marketing and admins only.
#[server(endpoint = "campaign_for_editing")]
pub async fn campaign_for_editing(id: i64) -> Result<(CampaignInput, AudienceChoices), AppError> {
    guard::require_role(CAMPAIGN_MANAGER_ROLES)?;
    let db = state::db()?;
    let choices = crate::tiers::store::audience_choices(&db).await?;
    let input = match id {
        0 => {
            let today = Utc::now().date_naive();
            CampaignInput {
                starts_on: today.to_string(),
                ends_on: (today + chrono::Duration::days(30)).to_string(),
                cta_text: "Book a call".into(),
                edit_intro: Some("on".into()),
                edit_cta: Some("on".into()),
                choose_posts: Some("on".into()),
                ..CampaignInput::default()
            }
        }
        id => store::campaign(&db, id).await?.ok_or(AppError::NotFound)?.draft.input(),
    };
    Ok((input, choices))
}

/// Creates (`id` empty) or changes a campaign: marketing and admins. Every text is checked as a
/// template of known placeholders. Its id.
#[server(endpoint = "save_campaign")]
pub async fn save_campaign(#[server(flatten)] input: CampaignInput) -> Result<i64, AppError> {
    let user = guard::require_role(CAMPAIGN_MANAGER_ROLES)?;
    let db = state::db()?;
    let choices = crate::tiers::store::audience_choices(&db).await?;
    let typed = [
        ("name", input.name.clone()),
        ("summary", input.summary.clone()),
        ("headline", input.headline.clone()),
        ("intro", input.intro.clone()),
        ("body", input.body.clone()),
        ("cta_text", input.cta_text.clone()),
        ("email_subject", input.email_subject.clone()),
        ("email_body", input.email_body.clone()),
        ("posts", input.posts.clone()),
        ("starts_on", input.starts_on.clone()),
        ("ends_on", input.ends_on.clone()),
    ];
    let draft = input
        .check(&choices, render::check_template)
        .map_err(|fields| AppError::invalid_keeping(fields, typed.clone()))?;
    let id = match store::save(&db, &draft, (user.user_id, Utc::now())).await? {
        Saved::Saved(id) => id,
        Saved::NotFound => return Err(AppError::NotFound),
        Saved::NameTaken => {
            let message = "Another campaign has this name: give this one its own.".to_owned();
            return Err(AppError::invalid_keeping([("name".to_owned(), message)].into(), typed));
        }
    };
    guard::redirect_form_post(&format!("/campaigns/{id}"));
    Ok(id)
}

/// Publishes a draft (partners it targets see it and may launch it) or closes a published campaign
/// (`to` "published" or "closed"): marketing and admins.
#[server(endpoint = "change_campaign_state")]
pub async fn change_campaign_state(id: i64, to: String) -> Result<(), AppError> {
    let user = guard::require_role(CAMPAIGN_MANAGER_ROLES)?;
    let db = state::db()?;
    let campaign = store::campaign(&db, id).await?.ok_or(AppError::NotFound)?;
    let from = match CampaignState::parse(&to) {
        Some(CampaignState::Published) => CampaignState::Draft,
        Some(CampaignState::Closed) => CampaignState::Published,
        _ => return Err(AppError::field("to", "Publish a draft, or close a published campaign.")),
    };
    let to = CampaignState::parse(&to).ok_or(AppError::Internal)?;
    if campaign.state != from {
        let message = format!("This campaign is {}: reload the page.", campaign.state.label().to_lowercase());
        return Err(AppError::field("to", message));
    }
    if !store::set_state(&db, (id, &campaign.draft.name), (from, to), (user.user_id, Utc::now())).await? {
        return Err(AppError::field("to", "This campaign changed meanwhile: reload the page."));
    }
    guard::redirect_form_post(&format!("/campaigns/{id}"));
    Ok(())
}

/// The campaign `id` a partner's people may launch (or change their launch of): published and
/// aimed at their organisation. "Not found" otherwise.
#[cfg(feature = "ssr")]
async fn launchable(
    state: &ServerState,
    user: &SessionUser,
    id: i64,
) -> Result<(StoredCampaign, CampaignPartner), AppError> {
    let campaign = store::campaign(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let partners = partners(&state.db).await?;
    let partner =
        targeted(user, &campaign, &partners).into_iter().find(|partner| partner.id == user.organisation_id).cloned();
    Ok((campaign, partner.ok_or(AppError::NotFound)?))
}

/// Launches a campaign under the caller's organisation, with what marketing let it change (or
/// keeps what it changed of its launch): a partner's people, within the launch window for a
/// first launch. The landing page's address; the same one after every change.
#[server(endpoint = "launch_campaign")]
pub async fn launch_campaign(#[server(flatten)] input: LaunchInput) -> Result<String, AppError> {
    let user = guard::require_role(CAMPAIGN_PARTNER_ROLES)?;
    let state = state::server_state()?;
    let id = input.campaign.trim().parse::<i64>().map_err(|_| AppError::NotFound)?;
    let (campaign, _) = launchable(&state, &user, id).await?;
    let typed =
        [("intro", input.intro.clone()), ("cta_text", input.cta_text.clone()), ("cta_url", input.cta_url.clone())];
    let personal = input
        .check(&campaign.draft, render::check_template)
        .map_err(|fields| AppError::invalid_keeping(fields, typed.clone()))?;
    let now = Utc::now();
    let existing = launches::launch_of(&state.db, campaign.draft.id, user.organisation_id).await?;
    if existing.is_none() {
        let today = now.date_naive();
        let draft = &campaign.draft;
        if today < draft.starts_on || today > draft.ends_on {
            let message = match today < draft.starts_on {
                true => format!("This campaign opens for launches on {}.", draft.starts_on),
                false => format!("This campaign took launches until {}.", draft.ends_on),
            };
            return Err(AppError::field("form", message));
        }
    }
    let fresh = launches::new_slug()?;
    let named = (campaign.draft.id, campaign.draft.name.as_str());
    let slug = launches::save(&state.db, named, (user.organisation_id, &fresh), &personal, (user.user_id, now)).await?;
    state::provided::<PublicPages>()?.forget(&slug);
    guard::redirect_form_post(&format!("/campaigns/{}", campaign.draft.id));
    Ok(public::address(&state.settings.public_url, &slug))
}

/// Pauses (its address then answers that it is not available) or resumes the caller's
/// organisation's landing page for campaign `campaign`.
#[server(endpoint = "pause_landing_page")]
pub async fn pause_landing_page(campaign: i64, paused: bool) -> Result<(), AppError> {
    let user = guard::require_role(CAMPAIGN_PARTNER_ROLES)?;
    let state = state::server_state()?;
    let (stored, _) = launchable(&state, &user, campaign).await?;
    let launch: StoredLaunch =
        launches::launch_of(&state.db, campaign, user.organisation_id).await?.ok_or(AppError::NotFound)?;
    launches::set_paused(&state.db, (launch.id, &stored.draft.name), paused, (user.user_id, Utc::now())).await?;
    state::provided::<PublicPages>()?.forget(&launch.slug);
    guard::redirect_form_post(&format!("/campaigns/{campaign}"));
    Ok(())
}

/// The leads the caller may see: a partner's own, a channel manager's partners', every one for
/// the rest of vendor staff; newest first.
#[server(endpoint = "leads")]
pub async fn leads() -> Result<LeadList, AppError> {
    let user = guard::signed_in()?;
    let db = state::db()?;
    let rows = launches::leads(&db, Reach::of(&user)).await?;
    let can_register = crate::auth::access::DEAL_PARTNER_ROLES.contains(&user.role);
    Ok(LeadList { rows, can_register, shown: launches::LEADS_SHOWN })
}

/// Which of a campaign's documents to render.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Document {
    Landing,
    Email,
}

/// Campaign `id`'s landing page or email as partner `organisation_id`'s prospects will see it,
/// for those it is [`targeted`] at within the caller's reach. "Not found" otherwise.
#[cfg(feature = "ssr")]
pub async fn preview(
    state: &ServerState,
    user: &SessionUser,
    (id, organisation_id): (i64, i64),
    document: Document,
) -> Result<String, AppError> {
    let campaign = store::campaign(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let partners = partners(&state.db).await?;
    let targeted = targeted(user, &campaign, &partners);
    let partner = targeted.into_iter().find(|partner| partner.id == organisation_id).ok_or(AppError::NotFound)?;
    let launch = launches::launch_of(&state.db, id, organisation_id).await?;
    // Launched, the email links to its page and shows its logo at whole public addresses (mail clients load them from afar).
    let (texts, email_facts, cta) = match &launch {
        Some(launch) => {
            let link = public::address(&state.settings.public_url, &launch.slug);
            let mut facts = partner.facts.clone();
            facts.logo = facts.logo.map(|(src, width, height)| {
                let version = src.split_once("?v=").map(|(_, version)| version).unwrap_or_default();
                (format!("{link}/logo?v={version}"), width, height)
            });
            (public::launched_texts(&campaign, launch, &partner.facts, &link), facts, format!("{link}/go"))
        }
        None => {
            let link = format!("{}/p/…", state.settings.public_url);
            (render::render_texts(&campaign.draft.texts, &partner.facts, &link), partner.facts.clone(), "#".to_owned())
        }
    };
    let vendor = store::vendor_name(&state.db).await?;
    let rendered = match document {
        Document::Landing => {
            let links = LandingLinks { cta_href: Some("#".into()), ..render::lead_form(None) };
            render::landing_page(&vendor, &texts, &partner.facts, &links)
        }
        Document::Email => render::email_html(&vendor, &texts, &email_facts, Some(&cta)),
    };
    rendered.map_err(|error| {
        tracing::error!(%error, "a campaign preview did not render");
        AppError::Internal
    })
}
