//! A partner's launch of a campaign: what it changes of marketing's texts (as far as marketing
//! allowed), the public landing page it gets, the leads that page brings, and what it counts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{CampaignDraft, MAX_LINE, MAX_TEXT, Texts, template_text};
use crate::error::FieldErrors;
use crate::text::web_address;

/// What a partner sends from a campaign's launch form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchInput {
    /// The campaign's id (as the form sends it).
    pub campaign: String,
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub cta_text: String,
    #[serde(default)]
    pub cta_url: String,
    /// The positions of the posts it shares.
    #[serde(default)]
    pub posts: Vec<String>,
}

/// What a partner changed of a campaign: empty texts keep marketing's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Personal {
    pub intro: String,
    pub cta_text: String,
    /// Where the call to action leads; empty for the partner's website, or the lead form.
    pub cta_url: String,
    /// The positions of the posts it shares among the campaign's.
    pub posts: Vec<usize>,
}

impl LaunchInput {
    /// Every field's problem at once; what marketing did not let partners change is kept as
    /// marketing wrote it, whatever was sent.
    pub fn check(
        &self,
        campaign: &CampaignDraft,
        check_template: impl Fn(&str) -> Result<(), String>,
    ) -> Result<Personal, FieldErrors> {
        let mut fields = FieldErrors::new();
        let editable = campaign.editable;
        let mut text = |name: &str, typed: &str, max: usize, allowed: bool| match allowed {
            true => template_text(&mut fields, (name, typed), (max, None), &check_template),
            false => String::new(),
        };
        let intro = text("intro", &self.intro, MAX_TEXT, editable.intro);
        let cta_text = text("cta_text", &self.cta_text, MAX_LINE, editable.call_to_action);
        let cta_url = match (editable.call_to_action, self.cta_url.trim()) {
            (false, _) | (true, "") => String::new(),
            (true, url) if url.chars().count() > MAX_LINE * 2 => {
                fields.insert("cta_url".into(), format!("Use at most {} characters.", MAX_LINE * 2));
                String::new()
            }
            (true, url) => match web_address(url) {
                Some(url) => url.to_owned(),
                None => {
                    fields.insert(
                        "cta_url".into(),
                        "Enter a web address starting with https://, like https://example.com/book.".into(),
                    );
                    String::new()
                }
            },
        };
        let offered = campaign.texts.posts.len();
        let posts = match editable.posts {
            false => (0..offered).collect(),
            true => {
                let mut chosen: Vec<usize> = Vec::new();
                for sent in &self.posts {
                    match sent.trim().parse::<usize>().ok().filter(|at| *at < offered) {
                        Some(at) if !chosen.contains(&at) => chosen.push(at),
                        Some(_) => {}
                        None => {
                            fields.insert("posts".into(), "Choose from the campaign's posts.".into());
                        }
                    }
                }
                chosen.sort_unstable();
                chosen
            }
        };
        if !fields.is_empty() {
            return Err(fields);
        }
        Ok(Personal { intro, cta_text, cta_url, posts })
    }
}

impl Personal {
    /// The form's values: the partner's own texts, or marketing's where it kept them.
    pub fn input(&self, campaign: &CampaignDraft) -> LaunchInput {
        let own = |mine: &str, theirs: &str| if mine.is_empty() { theirs.to_owned() } else { mine.to_owned() };
        LaunchInput {
            campaign: campaign.id.to_string(),
            intro: own(&self.intro, &campaign.texts.intro),
            cta_text: own(&self.cta_text, &campaign.texts.cta_text),
            cta_url: self.cta_url.clone(),
            posts: self.posts.iter().map(usize::to_string).collect(),
        }
    }

    /// Marketing's texts with this partner's changes: its own introduction and call to action
    /// where it wrote them, only the posts it shares.
    pub fn apply(&self, texts: &Texts) -> Texts {
        let own = |mine: &str, theirs: &str| if mine.is_empty() { theirs.to_owned() } else { mine.to_owned() };
        Texts {
            intro: own(&self.intro, &texts.intro),
            cta_text: own(&self.cta_text, &texts.cta_text),
            posts: self.posts.iter().filter_map(|at| texts.posts.get(*at).cloned()).collect(),
            ..texts.clone()
        }
    }

    /// What a partner that has not launched starts from: marketing's texts, every post.
    pub fn of_campaign(campaign: &CampaignDraft) -> Personal {
        Personal { posts: (0..campaign.texts.posts.len()).collect(), ..Personal::default() }
    }
}

/// A landing page's figures: views, clicks on its call to action, leads, and deals registered from its leads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub views: i64,
    pub clicks: i64,
    pub leads: i64,
    pub deals: i64,
}

impl Counts {
    pub fn add(self, other: Counts) -> Counts {
        Counts {
            views: self.views + other.views,
            clicks: self.clicks + other.clicks,
            leads: self.leads + other.leads,
            deals: self.deals + other.deals,
        }
    }

    /// `part` of `whole` as a whole percentage, "–" of nothing.
    pub fn rate(part: i64, whole: i64) -> String {
        match whole {
            0 => "–".to_owned(),
            whole => format!("{} %", (part * 100 + whole / 2) / whole),
        }
    }
}

/// A partner's launch as the partner sees it on the campaign's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchView {
    /// The public landing page's address, whole.
    pub address: String,
    pub paused: bool,
    pub launched_at: DateTime<Utc>,
    pub counts: Counts,
}

/// One lead of a partner's pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = Lead))]
pub struct LeadRow {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub name: String,
    pub email: String,
    pub company: String,
    pub phone: String,
    /// The campaign whose landing page it came from, and its name; none when it came from the
    /// public partner locator.
    pub campaign_id: Option<i64>,
    pub campaign: Option<String>,
    pub organisation_id: i64,
    pub partner: String,
    /// The deal registered from it.
    pub deal_id: Option<i64>,
    /// Another partner had already registered a deal for this customer when it came.
    pub possible_conflict: bool,
}

/// The leads its viewer may see: a partner's own, a channel manager's partners', every one for
/// the rest of vendor staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadList {
    pub rows: Vec<LeadRow>,
    /// Whether the viewer registers deals (a partner's people).
    pub can_register: bool,
    /// The most the list holds (the newest).
    pub shown: usize,
}

/// Limits of the lead form's fields.
pub const MAX_LEAD_FIELD: usize = 120;
pub const MAX_PHONE: usize = 40;

/// What a prospect sends from a landing page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadInput {
    pub name: String,
    pub email: String,
    pub company: String,
    pub phone: String,
    /// The field people leave empty and robots fill in ([`super::render::TRAP`]).
    pub website_url: String,
}

/// A lead's fields, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lead {
    pub name: String,
    /// Lower case, so the same person is the same lead.
    pub email: String,
    pub company: String,
    pub phone: String,
}

impl LeadInput {
    /// Every field's problem at once.
    pub fn check(&self) -> Result<Lead, FieldErrors> {
        let mut fields = FieldErrors::new();
        let mut line = |name: &str, value: &str, max: usize, empty: Option<&str>| -> String {
            let value = value.trim();
            let problem = match value.chars().count() {
                0 => empty.map(str::to_owned),
                count if count > max => Some(format!("Use at most {max} characters.")),
                _ if crate::text::has_control_characters(value) => {
                    Some("Use letters, digits and punctuation only.".to_owned())
                }
                _ => None,
            };
            if let Some(problem) = problem {
                fields.insert(name.to_owned(), problem);
            }
            value.to_owned()
        };
        let name = line("name", &self.name, MAX_LEAD_FIELD, Some("Enter your name."));
        let company = line("company", &self.company, MAX_LEAD_FIELD, Some("Enter your company's name."));
        let phone = line("phone", &self.phone, MAX_PHONE, None);
        let email = match crate::auth::forms::EmailAddress::parse(&self.email) {
            Ok(email) => email.as_str().to_owned(),
            Err(problem) => {
                fields.insert("email".into(), problem);
                String::new()
            }
        };
        if !fields.is_empty() {
            return Err(fields);
        }
        Ok(Lead { name, email, company, phone })
    }
}
