//! The locator's pages, rendered on the server as plain HTML with no script (so they work without
//! JavaScript and inside a vendor's `<iframe>`): the search and its results, a partner's page
//! with its contact form, and what sending that form does.

use std::sync::LazyLock;

use chrono::Utc;
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use super::{Listing, Search, choices};
use crate::campaigns::launch::{Lead, LeadInput};
use crate::campaigns::public::{FormState, lead_form_as, possible_conflict};
use crate::campaigns::render::FormField;
use crate::campaigns::store::launches::{self, Added, LeadSource};
use crate::error::AppError;
use crate::partners::store::locator as store;
use crate::state::ServerState;
use crate::text::web_address;

/// The layouts, parsed once; the landing pages' styles and lead form with a few of the locator's own.
static LAYOUTS: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let layouts = [
        ("document.html", include_str!("layouts/document.html")),
        ("search.html", include_str!("layouts/search.html")),
        ("partner.html", include_str!("layouts/partner.html")),
        ("landing.css", include_str!("../campaigns/layouts/landing.css")),
        ("lead-form.html", include_str!("../campaigns/layouts/lead-form.html")),
        ("locator.css", include_str!("layouts/locator.css")),
    ];
    for (name, source) in layouts {
        if let Err(error) = env.add_template(name, source) {
            // A layout is part of the program: the unit tests render every one.
            tracing::error!(%error, name, "a locator layout does not parse");
        }
    }
    env
});

#[derive(Serialize)]
struct Filter {
    name: &'static str,
    label: &'static str,
    choices: Vec<String>,
    chosen: String,
}

#[derive(Serialize)]
struct SearchPage<'a> {
    vendor: &'a str,
    search: &'a Search,
    filters: Vec<Filter>,
    found: Vec<&'a Listing>,
    /// More partners matched than are shown.
    more: bool,
}

#[derive(Serialize)]
struct PartnerPage<'a> {
    vendor: &'a str,
    partner: &'a Listing,
    website_href: Option<&'a str>,
    form_action: String,
    notice: Option<String>,
    fields: Vec<FormField>,
    trap: &'static str,
}

fn render(name: &str, context: impl Serialize) -> Result<String, AppError> {
    LAYOUTS.get_template(name).and_then(|layout| layout.render(context)).map_err(|error| {
        tracing::error!(%error, name, "a locator page did not render");
        AppError::Internal
    })
}

/// The search page: the form (its filters offering what listed partners have) and what it finds.
pub fn search_page(vendor: &str, listings: &[Listing], search: &Search) -> Result<String, AppError> {
    let filter = |name, label, value: fn(&Listing) -> &str, chosen: &str| Filter {
        name,
        label,
        choices: choices(listings, value),
        chosen: chosen.trim().to_owned(),
    };
    let filters = vec![
        filter("region", "Region", |listing| &listing.region, &search.region),
        filter("partner_type", "Type", |listing| &listing.partner_type, &search.partner_type),
        filter("tier", "Tier", |listing| &listing.tier, &search.tier),
    ];
    let found = search.run(listings);
    let more = listings.iter().filter(|listing| search.finds(listing)).count() > found.len();
    render("search.html", SearchPage { vendor, search, filters, found, more })
}

/// Partner `partner`'s page, its contact form as `form` left it.
pub fn partner_page(vendor: &str, partner: &Listing, form: Option<FormState>) -> Result<String, AppError> {
    let links = lead_form_as(format!("/locator/{}", partner.id), &partner.name, form);
    render(
        "partner.html",
        PartnerPage {
            vendor,
            partner,
            website_href: web_address(&partner.website),
            form_action: links.form_action.unwrap_or_default(),
            notice: links.notice,
            fields: links.fields,
            trap: links.trap,
        },
    )
}

/// The search page for `search`, read now.
pub async fn search(state: &ServerState, search: &Search) -> Result<String, AppError> {
    let vendor = crate::campaigns::store::vendor_name(&state.db).await?;
    search_page(&vendor, &store::shown(&state.db, Utc::now()).await?, search)
}

/// Partner `id`'s page, if prospects may see it.
pub async fn partner(state: &ServerState, id: i64, form: Option<FormState<'_>>) -> Result<Option<String>, AppError> {
    let Some(partner) = store::shown_one(&state.db, id, Utc::now()).await? else { return Ok(None) };
    let vendor = crate::campaigns::store::vendor_name(&state.db).await?;
    partner_page(&vendor, &partner, form).map(Some)
}

/// What became of a contact form sent to a partner.
pub enum Sent {
    /// Kept (or the same person had already written within the day, or a robot filled the trap).
    Thanked,
    /// A field's problem: the page again, with the fields as sent.
    Refused(String),
}

/// A contact form sent to partner `id`: checked, kept as its lead (once per person and day,
/// marked when another partner registered that customer already), its admins told. None when
/// prospects may not see that partner.
pub async fn send(state: &ServerState, id: i64, input: &LeadInput) -> Result<Option<Sent>, AppError> {
    let Some(partner) = store::shown_one(&state.db, id, Utc::now()).await? else { return Ok(None) };
    if !input.website_url.trim().is_empty() {
        tracing::info!(partner = id, "the locator's trap field was filled; nothing kept");
        return Ok(Some(Sent::Thanked));
    }
    let lead: Lead = match input.check() {
        Ok(lead) => lead,
        Err(problems) => {
            let vendor = crate::campaigns::store::vendor_name(&state.db).await?;
            let html = partner_page(&vendor, &partner, Some(FormState::Refused(input, &problems)))?;
            return Ok(Some(Sent::Refused(html)));
        }
    };
    let conflict = possible_conflict(&state.db, &lead, partner.id).await?;
    let link = format!("{}/leads", state.settings.public_url.trim_end_matches('/'));
    let source = LeadSource::Locator { organisation_id: partner.id };
    match launches::add_lead(&state.db, source, (None, &link), &lead, conflict, Utc::now()).await? {
        Added::Added(lead) => tracing::info!(partner = id, lead, conflict, "a lead arrived from the partner locator"),
        Added::Duplicate => tracing::info!(partner = id, "the same person wrote through the locator again; kept once"),
    }
    Ok(Some(Sent::Thanked))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bluepeak() -> Listing {
        Listing {
            id: 7,
            name: "Bluepeak <Systems>".into(),
            region: "North America".into(),
            partner_type: "Reseller".into(),
            tier: "Gold".into(),
            tier_rank: 3,
            city: "Denver".into(),
            country: "United States".into(),
            website: "javascript:alert(1)".into(),
            contact_email: "sales@bluepeak.test".into(),
            phone: "+1 555 0100".into(),
            about: "Cloud <script>alert(1)</script> migrations.".into(),
        }
    }

    #[test]
    fn every_layout_renders_and_shows_text_as_text() {
        let listings = [bluepeak()];
        let html = search_page("Acme Cloud", &listings, &Search::default()).expect("search page");
        assert!(html.contains("Acme Cloud partner locator") && html.contains(r#"href="/locator/7""#), "{html}");
        assert!(html.contains("Bluepeak &lt;Systems&gt;") && !html.contains("<script>"), "{html}");
        assert!(html.contains("<option selected>") || html.contains("<option>North America</option>"), "{html}");
        let page = partner_page("Acme Cloud", &bluepeak(), None).expect("partner page");
        // minijinja writes a slash in a value as `&#x2f;`, which the browser reads as `/`.
        assert!(page.contains(r#"action="&#x2f;locator&#x2f;7""#) && page.contains("name=\"website_url\""), "{page}");
        assert!(!page.contains("javascript:"), "a website that is no web address is no link: {page}");
    }

    #[test]
    fn a_search_that_finds_nothing_says_what_to_try() {
        let listings = [bluepeak()];
        let html = search_page("Acme Cloud", &listings, &Search { q: "nowhere".into(), ..Search::default() })
            .expect("search page");
        assert!(html.contains("No partner matches this search"), "{html}");
    }
}
