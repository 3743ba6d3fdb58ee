//! Co-branded campaigns: marketing writes a campaign once (a landing page, an email and social
//! posts, with partner placeholders), targets tiers and partner types and a launch window, sees it
//! rendered for every targeted partner, and publishes it. Rendering is [`render`]'s: marketing's
//! texts as plain-text templates, Tessera's layouts with auto-escaping.

#[cfg(feature = "ssr")]
pub mod agenda;
pub mod launch;
mod leads;
mod pages;
#[cfg(feature = "ssr")]
pub mod public;
#[cfg(feature = "ssr")]
pub mod render;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(test)]
mod tests;

pub use crate::tiers::audience::{Audience, AudienceChoices};
pub use leads::LeadsPage;
pub use pages::{CampaignEditorPage, CampaignPage, CampaignsPage};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;
use crate::text::required_line;

/// The placeholders marketing's texts may use, with what each becomes.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("company", "the partner's company name"),
    ("contact_name", "the name of the person who launched it"),
    ("contact_email", "the partner's contact email"),
    ("phone", "the partner's phone number"),
    ("website", "the partner's website"),
    ("link", "the partner's tracked link to its landing page"),
];

pub const MAX_NAME: usize = 120;
pub const MAX_LINE: usize = 200;
pub const MAX_TEXT: usize = 4_000;
/// Social posts a campaign offers, and the characters of each.
pub const MAX_POSTS: usize = 6;
pub const MAX_POST: usize = 600;
/// How long a launch window may be.
pub const MAX_WINDOW_DAYS: i64 = 366;

/// Where a campaign is in its life: written, open to partners, or closed to new launches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum CampaignState {
    Draft,
    Published,
    Closed,
}

impl CampaignState {
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignState::Draft => "draft",
            CampaignState::Published => "published",
            CampaignState::Closed => "closed",
        }
    }

    pub fn parse(value: &str) -> Option<CampaignState> {
        [CampaignState::Draft, CampaignState::Published, CampaignState::Closed]
            .into_iter()
            .find(|state| state.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            CampaignState::Draft => "Draft",
            CampaignState::Published => "Published",
            CampaignState::Closed => "Closed",
        }
    }
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(CampaignState);

/// What marketing may let partners change when they launch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Editable {
    pub intro: bool,
    pub call_to_action: bool,
    pub posts: bool,
}

/// A campaign as marketing sends it from its editor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignInput {
    /// Empty or 0 for a new campaign.
    #[serde(default)]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub summary: String,
    pub headline: String,
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub cta_text: String,
    pub email_subject: String,
    #[serde(default)]
    pub email_body: String,
    /// The social posts, separated by a line holding only `---`.
    #[serde(default)]
    pub posts: String,
    pub starts_on: String,
    pub ends_on: String,
    #[serde(default)]
    pub tiers: Vec<String>,
    #[serde(default)]
    pub types: Vec<String>,
    /// Ticked boxes send `on`.
    #[serde(default)]
    pub edit_intro: Option<String>,
    #[serde(default)]
    pub edit_cta: Option<String>,
    #[serde(default)]
    pub choose_posts: Option<String>,
}

/// A campaign's content and settings, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignDraft {
    pub id: i64,
    pub name: String,
    pub summary: String,
    pub texts: Texts,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub audience: Audience,
    pub editable: Editable,
}

/// A campaign's texts, each a template with placeholders.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    pub headline: String,
    pub intro: String,
    pub body: String,
    pub cta_text: String,
    pub email_subject: String,
    pub email_body: String,
    pub posts: Vec<String>,
}

/// The posts of a text that separates them with a line holding only `---`.
pub fn split_posts(text: &str) -> Vec<String> {
    let mut posts = vec![String::new()];
    for line in text.replace("\r\n", "\n").lines() {
        match line.trim() == "---" {
            true => posts.push(String::new()),
            false => {
                let post = posts.last_mut().expect("one post at least");
                post.push_str(line);
                post.push('\n');
            }
        }
    }
    posts.into_iter().map(|post| post.trim().to_owned()).filter(|post| !post.is_empty()).collect()
}

impl CampaignInput {
    /// Every field's problem at once. `check_template` says whether a text is a template the
    /// campaign can use (the server's renderer; the browser checks the rest).
    pub fn check(
        &self,
        choices: &AudienceChoices,
        check_template: impl Fn(&str) -> Result<(), String>,
    ) -> Result<CampaignDraft, FieldErrors> {
        let mut fields = FieldErrors::new();
        let id = match self.id.trim() {
            "" => 0,
            id => id.parse::<i64>().ok().filter(|id| *id >= 0).unwrap_or_else(|| {
                fields.insert("id".into(), "This is not a campaign of this program. Reload the page.".into());
                0
            }),
        };
        let name = required_line(&self.name, MAX_NAME, "Name the campaign, as marketing and partners will know it.")
            .map_err(|problem| fields.insert("name".into(), problem))
            .unwrap_or_default()
            .to_owned();
        let summary = self.summary.trim().to_owned();
        if summary.chars().count() > MAX_LINE * 2 {
            fields.insert("summary".into(), format!("Use at most {} characters.", MAX_LINE * 2));
        }
        let mut template = |name: &str, text: &str, required: Option<&str>, max: usize| {
            template_text(&mut fields, (name, text), (max, required), &check_template)
        };
        let headline = template("headline", &self.headline, Some("Write the landing page's headline."), MAX_LINE);
        let intro = template("intro", &self.intro, None, MAX_TEXT);
        let body = template("body", &self.body, None, MAX_TEXT);
        let cta_text = template("cta_text", &self.cta_text, None, MAX_LINE);
        let email_subject =
            template("email_subject", &self.email_subject, Some("Write the email's subject."), MAX_LINE);
        let email_body = template("email_body", &self.email_body, None, MAX_TEXT);
        let posts = split_posts(&self.posts);
        if posts.len() > MAX_POSTS {
            fields.insert("posts".into(), format!("Offer at most {MAX_POSTS} posts."));
        } else if let Some(problem) = posts.iter().find_map(|post| match post.chars().count() > MAX_POST {
            true => Some(format!("Keep each post to {MAX_POST} characters.")),
            false => check_template(post).err(),
        }) {
            fields.insert("posts".into(), problem);
        }
        let (starts_on, ends_on) =
            crate::text::date_window(&mut fields, (&self.starts_on, &self.ends_on), MAX_WINDOW_DAYS);
        let audience = choices.choose(&self.tiers, &self.types, &mut fields);
        let editable = Editable {
            intro: self.edit_intro.is_some(),
            call_to_action: self.edit_cta.is_some(),
            posts: self.choose_posts.is_some(),
        };
        if !fields.is_empty() {
            return Err(fields);
        }
        Ok(CampaignDraft {
            id,
            name,
            summary,
            texts: Texts { headline, intro, body, cta_text, email_subject, email_body, posts },
            starts_on: starts_on.unwrap_or_default(),
            ends_on: ends_on.unwrap_or_default(),
            audience,
            editable,
        })
    }
}

/// One of a campaign's texts as typed, trimmed and with `\n` line ends. Its problem goes into
/// `fields` under `name`: empty when `required` says what to write, longer than `max`, or no
/// template `check_template` accepts.
fn template_text(
    fields: &mut FieldErrors,
    (name, text): (&str, &str),
    (max, required): (usize, Option<&str>),
    check_template: &impl Fn(&str) -> Result<(), String>,
) -> String {
    let text = text.trim().replace("\r\n", "\n");
    let problem = match (text.is_empty(), required) {
        (true, Some(empty)) => Some(empty.to_owned()),
        (true, None) => None,
        _ if text.chars().count() > max => Some(format!("Use at most {max} characters.")),
        _ => check_template(&text).err(),
    };
    if let Some(problem) = problem {
        fields.insert(name.to_owned(), problem);
    }
    text
}

impl CampaignDraft {
    /// The form's values for this campaign.
    pub fn input(&self) -> CampaignInput {
        let ticked = |on: bool| on.then(|| "on".to_owned());
        CampaignInput {
            id: self.id.to_string(),
            name: self.name.clone(),
            summary: self.summary.clone(),
            headline: self.texts.headline.clone(),
            intro: self.texts.intro.clone(),
            body: self.texts.body.clone(),
            cta_text: self.texts.cta_text.clone(),
            email_subject: self.texts.email_subject.clone(),
            email_body: self.texts.email_body.clone(),
            posts: self.texts.posts.join("\n---\n"),
            starts_on: self.starts_on.to_string(),
            ends_on: self.ends_on.to_string(),
            tiers: self.audience.tiers.iter().map(i64::to_string).collect(),
            types: self.audience.types.iter().map(i64::to_string).collect(),
            edit_intro: ticked(self.editable.intro),
            edit_cta: ticked(self.editable.call_to_action),
            choose_posts: ticked(self.editable.posts),
        }
    }
}

/// One row of marketing's campaign list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    pub summary: String,
    pub state: CampaignState,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// "Gold, Platinum · MSP", or "Every partner".
    pub audience: String,
}

/// The campaigns its viewer may see: every one for marketing and admins; for a partner, the
/// published ones it is targeted by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignList {
    pub rows: Vec<CampaignRow>,
    pub can_manage: bool,
}

/// A targeted partner's readiness: what its co-branded pages will lack.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    pub organisation_id: i64,
    pub name: String,
    pub tier: String,
    pub missing: Vec<String>,
    /// When it launched the campaign, and what its landing page has brought since.
    pub launched: Option<chrono::DateTime<chrono::Utc>>,
    pub counts: launch::Counts,
}

/// A campaign for its viewer: its settings; for its managers each targeted partner's readiness
/// (its preview is served at [`CampaignDetail::landing_href`]); for a partner, its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignDetail {
    pub row: CampaignRow,
    pub draft: CampaignDraft,
    pub can_manage: bool,
    /// The partners it targets (the viewer's own organisation only, for a partner).
    pub readiness: Vec<Readiness>,
    /// The social posts as the first of `readiness` will see them (a launched partner, with its page's link).
    pub posts: Vec<String>,
    /// For a partner's people who may launch it: the launch form's values (its own, once launched).
    pub personal: Option<launch::LaunchInput>,
    /// The partner's launch, once it has launched.
    pub launch: Option<launch::LaunchView>,
    /// For vendor staff: the funnel from view to deal, and views day by day, over the partners in reach.
    pub charts: Vec<crate::kpi::Chart>,
}

impl CampaignDetail {
    /// The landing page as `organisation_id`'s prospects will see it.
    pub fn landing_href(&self, organisation_id: i64) -> String {
        format!("/campaigns/{}/preview/{organisation_id}", self.draft.id)
    }

    /// The email as `organisation_id` sends it.
    pub fn email_href(&self, organisation_id: i64) -> String {
        format!("/campaigns/{}/email/{organisation_id}", self.draft.id)
    }
}
