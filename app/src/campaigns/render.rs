//! Rendering a campaign for a partner. Marketing's texts are templates with partner placeholders
//! (`{{ company }}`, …), rendered by minijinja as plain text; the landing page and the email are
//! Tessera's own HTML layouts (`layouts/`), rendered with auto-escaping. So whatever a partner's
//! profile or a marketer's text holds is shown as text, never run as markup, and an address goes
//! into a link only when it is a web address.

use std::sync::LazyLock;

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use super::{PLACEHOLDERS, Texts};
use crate::text::web_address;

/// The most template instructions one text may run: plenty for placeholders, nothing for a loop
/// that would keep the server busy.
const FUEL: u64 = 5_000;

/// The layouts, parsed once.
static LAYOUTS: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let layouts = [
        ("document.html", include_str!("layouts/document.html")),
        ("landing.html", include_str!("layouts/landing.html")),
        ("landing-body.html", include_str!("layouts/landing-body.html")),
        ("lead-form.html", include_str!("layouts/lead-form.html")),
        ("landing.css", include_str!("layouts/landing.css")),
        ("email.html", include_str!("layouts/email.html")),
        ("unavailable.html", include_str!("layouts/unavailable.html")),
    ];
    for (name, source) in layouts {
        if let Err(error) = env.add_template(name, source) {
            // A layout is part of the program: the unit tests render every one.
            tracing::error!(%error, name, "a campaign layout does not parse");
        }
    }
    env
});

/// Marketing's texts are rendered here: plain text out, every placeholder required to be known.
static TEXTS: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env
});

/// What a campaign shows of a partner (its company profile, its logo, who launched it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PartnerFacts {
    pub company: String,
    pub contact_name: String,
    pub contact_email: String,
    pub phone: String,
    pub website: String,
    /// Where its logo is served, and its size in pixels; none without a logo.
    pub logo: Option<(String, i64, i64)>,
}

/// Whether `text` is a template a campaign can use: placeholders only (no instructions, so no
/// loop), each one known (the message names the first stranger and lists what may be used).
pub fn check_template(text: &str) -> Result<(), String> {
    if text.contains("{%") || text.contains("{#") {
        return Err(
            "Use placeholders only, like {{ company }}: a text holds no {% instructions %} or {# notes #}.".into()
        );
    }
    let template = TEXTS.template_from_str(text).map_err(|error| {
        format!(
            "This does not read as a template: {}. Placeholders are written {{{{ company }}}}.",
            error.detail().unwrap_or("a mistake")
        )
    })?;
    let mut unknown: Vec<String> = template
        .undeclared_variables(false)
        .into_iter()
        .filter(|name| !PLACEHOLDERS.iter().any(|(known, _)| known == name))
        .collect();
    unknown.sort();
    match unknown.first() {
        None => Ok(()),
        Some(name) => Err(format!(
            "{{{{ {name} }}}} is not a placeholder. Use {}.",
            PLACEHOLDERS.iter().map(|(name, _)| format!("{{{{ {name} }}}}")).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// The placeholders' values for `partner`, with `link` (the tracked link of a launched campaign).
#[derive(Serialize)]
struct Values<'a> {
    company: &'a str,
    contact_name: &'a str,
    contact_email: &'a str,
    phone: &'a str,
    website: &'a str,
    link: &'a str,
}

fn values<'a>(partner: &'a PartnerFacts, link: &'a str) -> Values<'a> {
    Values {
        company: &partner.company,
        contact_name: &partner.contact_name,
        contact_email: &partner.contact_email,
        phone: &partner.phone,
        website: &partner.website,
        link,
    }
}

/// One of marketing's texts for `partner`, as plain text. A text that was checked renders; one
/// that fails anyway (its fuel spent) says so in its place rather than failing the page.
pub fn render_text(template: &str, partner: &PartnerFacts, link: &str) -> String {
    TEXTS.render_str(template, values(partner, link)).unwrap_or_else(|error| {
        tracing::warn!(%error, "a campaign text did not render");
        String::new()
    })
}

/// Paragraphs: the text split at blank lines, each trimmed, empty ones left out.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|paragraph| paragraph.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Every text of a campaign rendered for `partner`, `link` in place of `{{ link }}`: the same
/// texts, as plain text now.
pub fn render_texts(texts: &Texts, partner: &PartnerFacts, link: &str) -> Texts {
    let text = |template: &str| render_text(template, partner, link);
    Texts {
        headline: text(&texts.headline),
        intro: text(&texts.intro),
        body: text(&texts.body),
        cta_text: text(&texts.cta_text),
        email_subject: text(&texts.email_subject),
        email_body: text(&texts.email_body),
        posts: texts.posts.iter().map(|post| text(post)).collect(),
    }
}

/// A field of the landing page's lead form.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FormField {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub required: bool,
    pub value: String,
    pub error: Option<String>,
}

/// Where a landing page's links go, and its form's state.
#[derive(Clone, Debug, Default)]
pub struct LandingLinks {
    /// Where the form posts; none in a preview (its button is disabled).
    pub form_action: Option<String>,
    /// Where the call to action goes (the tracked redirect); none without one.
    pub cta_href: Option<String>,
    pub notice: Option<String>,
    pub fields: Vec<FormField>,
    /// The name of the field people leave empty and robots fill in.
    pub trap: &'static str,
}

/// The name of the lead form's field that people leave empty and robots fill in.
pub const TRAP: &str = "website_url";

/// The lead form, empty, posting to `form_action` (none in a preview).
pub fn lead_form(form_action: Option<String>) -> LandingLinks {
    let field = |name, label, kind, autocomplete, required| FormField {
        name,
        label,
        kind,
        autocomplete,
        required,
        ..FormField::default()
    };
    LandingLinks {
        form_action,
        cta_href: None,
        notice: None,
        fields: vec![
            field("name", "Your name", "text", "name", true),
            field("email", "Work email", "email", "email", true),
            field("company", "Company", "text", "organization", true),
            field("phone", "Phone (optional)", "tel", "tel", false),
        ],
        trap: TRAP,
    }
}

#[derive(Serialize)]
struct Landing<'a> {
    vendor: &'a str,
    company: &'a str,
    logo_src: Option<&'a str>,
    headline: &'a str,
    intro: Vec<String>,
    body: Vec<String>,
    cta_text: &'a str,
    cta_href: Option<&'a str>,
    form_action: Option<&'a str>,
    notice: Option<&'a str>,
    fields: &'a [FormField],
    trap: &'a str,
    contact_name: &'a str,
    contact_email: &'a str,
    phone: &'a str,
    website: &'a str,
    website_href: Option<&'a str>,
}

fn landing<'a>(vendor: &'a str, texts: &'a Texts, partner: &'a PartnerFacts, links: &'a LandingLinks) -> Landing<'a> {
    Landing {
        vendor,
        company: &partner.company,
        logo_src: partner.logo.as_ref().map(|(src, ..)| src.as_str()),
        headline: &texts.headline,
        intro: paragraphs(&texts.intro),
        body: paragraphs(&texts.body),
        cta_text: &texts.cta_text,
        cta_href: links.cta_href.as_deref().filter(|_| !texts.cta_text.trim().is_empty()),
        form_action: links.form_action.as_deref(),
        notice: links.notice.as_deref(),
        fields: &links.fields,
        trap: links.trap,
        contact_name: &partner.contact_name,
        contact_email: &partner.contact_email,
        phone: &partner.phone,
        website: &partner.website,
        website_href: web_address(&partner.website),
    }
}

/// Why a layout did not render: a bug in Tessera, never in what people typed.
#[derive(Debug, thiserror::Error)]
#[error("a campaign layout did not render: {0}")]
pub struct LayoutError(#[from] minijinja::Error);

/// The landing page, whole (its own document, styles inline, no script).
pub fn landing_page(
    vendor: &str,
    texts: &Texts,
    partner: &PartnerFacts,
    links: &LandingLinks,
) -> Result<String, LayoutError> {
    Ok(LAYOUTS.get_template("landing.html")?.render(landing(vendor, texts, partner, links))?)
}

/// What an address that is no live landing page shows: the same for one never launched, paused
/// or ended, so it tells nothing of which.
pub fn unavailable_page() -> String {
    LAYOUTS.get_template("unavailable.html").and_then(|layout| layout.render(())).unwrap_or_else(|error| {
        tracing::error!(%error, "the unavailable page did not render");
        "This page is not available.".to_owned()
    })
}

/// The landing page's body alone, for a preview inside Tessera's own pages.
pub fn landing_preview(
    vendor: &str,
    texts: &Texts,
    partner: &PartnerFacts,
    links: &LandingLinks,
) -> Result<String, LayoutError> {
    Ok(LAYOUTS.get_template("landing-body.html")?.render(landing(vendor, texts, partner, links))?)
}

#[derive(Serialize)]
struct Email<'a> {
    vendor: &'a str,
    subject: &'a str,
    company: &'a str,
    logo_src: Option<&'a str>,
    logo_width: i64,
    logo_height: i64,
    headline: &'a str,
    paragraphs: Vec<String>,
    cta_text: &'a str,
    cta_href: Option<&'a str>,
    contact_name: &'a str,
    contact_email: &'a str,
    phone: &'a str,
    website: &'a str,
    website_href: Option<&'a str>,
}

/// The email as a document mail clients render: tables and inline styles, a logo at most 240
/// pixels wide (its height kept in proportion), the call to action as a button.
pub fn email_html(
    vendor: &str,
    texts: &Texts,
    partner: &PartnerFacts,
    cta_href: Option<&str>,
) -> Result<String, LayoutError> {
    let (logo_width, logo_height) = match &partner.logo {
        Some((_, width, height)) if *width > 0 && *height > 0 => email_logo_size(*width, *height),
        _ => (0, 0),
    };
    let email = Email {
        vendor,
        subject: &texts.email_subject,
        company: &partner.company,
        logo_src: partner.logo.as_ref().map(|(src, ..)| src.as_str()),
        logo_width,
        logo_height,
        headline: &texts.headline,
        paragraphs: paragraphs(&texts.email_body),
        cta_text: &texts.cta_text,
        cta_href: cta_href.filter(|_| !texts.cta_text.trim().is_empty()),
        contact_name: &partner.contact_name,
        contact_email: &partner.contact_email,
        phone: &partner.phone,
        website: &partner.website,
        website_href: web_address(&partner.website),
    };
    Ok(LAYOUTS.get_template("email.html")?.render(email)?)
}

/// A logo's size in the email: at most 240 pixels wide and 80 high, in proportion.
pub fn email_logo_size(width: i64, height: i64) -> (i64, i64) {
    let shown = width.min(240);
    match height * shown / width {
        tall if tall > 80 => ((width * 80 / height).max(1), 80),
        high => (shown, high.max(1)),
    }
}
