//! The content library: files and links marketing keeps for partners (brochures, battlecards,
//! price lists), tagged by product and gated by tier and partner type ([`access`]). Partners
//! browse and search what they may see; an item above their tier is shown locked, with the tier
//! that unlocks it. Each download or opened link is counted per partner and item.

#[cfg(feature = "ssr")]
pub mod file;
pub mod kinds;
mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(test)]
mod tests;

pub use pages::{ContentItemPage, ContentLibraryPage};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;
use crate::text::required_line;

pub const MAX_TITLE: usize = 120;
pub const MAX_DESCRIPTION: usize = 1_000;
/// Tags an item may carry, and the characters of each.
pub const MAX_TAGS: usize = 8;
pub const MAX_TAG: usize = 30;
pub const MAX_ADDRESS: usize = 2_000;
/// The largest file the library keeps.
pub const MAX_CONTENT_BYTES: usize = 25 * 1024 * 1024;

/// A file kept by Tessera, or a link to somewhere else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContentKind {
    File,
    Link,
}

impl ContentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContentKind::File => "file",
            ContentKind::Link => "link",
        }
    }

    pub fn parse(value: &str) -> Option<ContentKind> {
        [ContentKind::File, ContentKind::Link].into_iter().find(|kind| kind.as_str() == value)
    }
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(ContentKind);

/// Who an item is for: partners of the tier ranked `tier_rank` or a higher one (every tier when
/// `None`), of one of `types` (every type when empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gate {
    pub tier_rank: Option<i64>,
    pub types: Vec<i64>,
}

/// Where a partner stands for gating: its tier's rank and its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub tier_rank: i64,
    pub partner_type: Option<i64>,
}

/// What a viewer may do with an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Read it and download it.
    Open,
    /// See that it exists and which tier unlocks it, nothing more.
    Locked,
    /// Not for its partner type: not shown at all, and "not found" by its address.
    Hidden,
}

/// The one gating rule, for the library's list and for every download: vendor staff (no
/// standing) see everything; a partner of another type than the item names does not see it; a
/// partner below its tier sees it locked.
pub fn access(gate: &Gate, standing: Option<Standing>) -> Access {
    let Some(standing) = standing else { return Access::Open };
    let of_its_type = gate.types.is_empty() || standing.partner_type.is_some_and(|kind| gate.types.contains(&kind));
    match gate.tier_rank {
        _ if !of_its_type => Access::Hidden,
        Some(rank) if rank > standing.tier_rank => Access::Locked,
        _ => Access::Open,
    }
}

/// A kept file's facts, for its card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFacts {
    pub name: String,
    /// "PDF", "PowerPoint", …
    pub label: String,
    pub size_bytes: i64,
}

/// One item of the library as its viewer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentCard {
    pub id: i64,
    pub kind: ContentKind,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    /// The tier that unlocks it, when it is reserved for a tier and those above.
    pub unlocked_by: Option<String>,
    /// The partner types it is for (every type when empty).
    pub types: Vec<String>,
    /// Reserved for a tier the viewer's organisation has not reached.
    pub locked: bool,
    pub file: Option<FileFacts>,
    /// A link's address: only for those it is open to.
    pub url: Option<String>,
    /// Downloads and opened links: every partner's for vendor staff, a partner's own otherwise.
    pub downloads: i64,
    pub updated_at: DateTime<Utc>,
}

impl ContentCard {
    /// Where its download or link goes (counted on the way).
    pub fn href(&self) -> String {
        match self.kind {
            ContentKind::File => format!("/content/{}/file", self.id),
            ContentKind::Link => format!("/content/{}/link", self.id),
        }
    }
}

/// What the library's search form asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryQuery {
    /// Words to find in the title, description or tags.
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub tag: String,
    /// "file", "link" or empty for both.
    #[serde(default)]
    pub kind: String,
}

impl LibraryQuery {
    /// The search a page's address asks for (`get` reads one of its query's values).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> LibraryQuery {
        LibraryQuery {
            q: get("q").unwrap_or_default(),
            tag: get("tag").unwrap_or_default(),
            kind: get("kind").unwrap_or_default(),
        }
    }

    /// Whether `card` answers the query: every word of `q` somewhere in it (whatever the case),
    /// the tag among its tags, and its kind.
    pub fn matches(&self, card: &ContentCard) -> bool {
        let haystack = format!("{} {} {}", card.title, card.description, card.tags.join(" ")).to_lowercase();
        let words = self.q.to_lowercase();
        let tag = self.tag.trim();
        let kind = ContentKind::parse(&self.kind);
        words.split_whitespace().all(|word| haystack.contains(word))
            && (tag.is_empty() || card.tags.iter().any(|have| have.eq_ignore_ascii_case(tag)))
            && kind.is_none_or(|kind| card.kind == kind)
    }
}

/// The library for its viewer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Library {
    /// The items the query finds, newest first.
    pub items: Vec<ContentCard>,
    /// Every tag of the items the viewer may see, for the filter.
    pub tags: Vec<String>,
    /// Marketing and admins: add, change and remove items.
    pub manage: Option<ContentChoices>,
}

/// The choices a manager's forms offer: the program's tiers and active partner types, (id, name).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentChoices {
    pub tiers: Vec<(i64, String)>,
    pub types: Vec<(i64, String)>,
}

/// One item with what its manager may change, and who downloaded it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentDetail {
    pub card: ContentCard,
    pub input: ContentInput,
    pub choices: ContentChoices,
    /// Partners that downloaded it, most downloads first: (name, downloads, last).
    pub downloads: Vec<(String, i64, DateTime<Utc>)>,
}

/// What a manager sends to describe an item (and, for a link, where it goes).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Comma-separated: "Cloud, Security".
    #[serde(default)]
    pub tags: String,
    /// The id of the tier that unlocks it; empty for every tier.
    #[serde(default)]
    pub tier: String,
    /// The ids of the partner types it is for; none for every type.
    #[serde(default)]
    pub types: Vec<String>,
    /// A link's address (not sent for a file).
    #[serde(default)]
    pub url: String,
}

/// An item's description, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentDraft {
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub tier: Option<i64>,
    pub types: Vec<i64>,
    pub url: Option<String>,
}

impl ContentInput {
    /// Every field's problem at once; a link (`kind`) must have a web address, a file none.
    pub fn check(&self, kind: ContentKind, choices: &ContentChoices) -> Result<ContentDraft, FieldErrors> {
        let mut fields = FieldErrors::new();
        let title = required_line(&self.title, MAX_TITLE, "Give the item a title.")
            .map_err(|problem| fields.insert("title".into(), problem))
            .unwrap_or_default()
            .to_owned();
        let description = self.description.trim().replace("\r\n", "\n");
        if description.chars().count() > MAX_DESCRIPTION {
            fields.insert("description".into(), format!("Use at most {MAX_DESCRIPTION} characters."));
        }
        let tags = tags(&self.tags).map_err(|problem| fields.insert("tags".into(), problem)).unwrap_or_default();
        let tier = match self.tier.trim() {
            "" => None,
            chosen => {
                let found = choices.tiers.iter().find(|(id, _)| id.to_string() == chosen).map(|(id, _)| *id);
                if found.is_none() {
                    fields.insert("tier".into(), "Choose a tier from the list, or every tier.".into());
                }
                found
            }
        };
        let mut types = Vec::new();
        for chosen in &self.types {
            match choices.types.iter().find(|(id, _)| id.to_string() == chosen.trim()) {
                Some((id, _)) if !types.contains(id) => types.push(*id),
                Some(_) => {}
                None => {
                    fields.insert("types".into(), "Choose partner types from the list, or none for every type.".into());
                }
            }
        }
        let url = match kind {
            ContentKind::File => None,
            ContentKind::Link => {
                let address = self.url.trim();
                match crate::text::web_address(address) {
                    Some(address) if address.chars().count() <= MAX_ADDRESS => Some(address.to_owned()),
                    Some(_) => {
                        fields.insert("url".into(), format!("Use an address of at most {MAX_ADDRESS} characters."));
                        None
                    }
                    None => {
                        fields.insert(
                            "url".into(),
                            "Enter the address it links to, beginning with https://, like https://www.acme.example/guide."
                                .into(),
                        );
                        None
                    }
                }
            }
        };
        if !fields.is_empty() {
            return Err(fields);
        }
        Ok(ContentDraft { title, description, tags, tier, types, url })
    }
}

/// Comma-separated tags, each trimmed, one line, at most [`MAX_TAG`] characters; the same tag
/// twice (whatever its case) is kept once.
pub fn tags(text: &str) -> Result<Vec<String>, String> {
    let mut kept: Vec<String> = Vec::new();
    for tag in text.split(',').map(str::trim).filter(|tag| !tag.is_empty()) {
        crate::text::one_line(tag)?;
        if tag.chars().count() > MAX_TAG {
            return Err(format!("Keep each tag to {MAX_TAG} characters: \u{201c}{tag}\u{201d} is longer."));
        }
        if !kept.iter().any(|have| have.to_lowercase() == tag.to_lowercase()) {
            kept.push(tag.to_owned());
        }
    }
    if kept.len() > MAX_TAGS {
        return Err(format!("Use at most {MAX_TAGS} tags."));
    }
    Ok(kept)
}
