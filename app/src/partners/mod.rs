//! The partner directory: every partner organisation a vendor person may see, and one
//! partner's profile with its people.

#[cfg(feature = "ssr")]
pub mod agenda;
#[cfg(feature = "ssr")]
pub mod export;
pub mod import;
#[cfg(feature = "ssr")]
pub mod logo;
mod pages;
pub mod profile;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

pub use pages::{CompanyProfilePage, PartnerPage, PartnersPage};

use serde::{Deserialize, Serialize};

use crate::team::TeamMember;

/// One partner organisation, as the directory lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PartnerRow {
    pub id: i64,
    pub name: String,
    pub partner_type: String,
    pub tier: String,
    pub region: String,
    pub channel_manager_id: Option<i64>,
    pub channel_manager: Option<String>,
    pub channel_manager_email: Option<String>,
    pub people: i64,
    /// The partner's health score now, as its scorecard shows it.
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub health: Option<crate::kpi::health::Health>,
}

/// One page of the directory and how many partners match in all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerList {
    pub rows: Vec<PartnerRow>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// What the directory's filters offer, within the viewer's reach.
    pub choices: DirectoryChoices,
    /// Vendor staff may export the directory as CSV.
    pub can_export: bool,
}

/// The tiers, regions, partner types and channel managers the directory can be filtered by.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryChoices {
    pub tiers: Vec<String>,
    pub regions: Vec<String>,
    pub types: Vec<String>,
    /// (user id, name)
    pub managers: Vec<(i64, String)>,
}

/// How the directory is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum DirectorySort {
    #[default]
    Name,
    /// The lowest health score first: who needs attention.
    HealthLowest,
    /// The latest to join first.
    Newest,
}

impl DirectorySort {
    pub const ALL: [DirectorySort; 3] = [DirectorySort::Name, DirectorySort::HealthLowest, DirectorySort::Newest];

    pub fn as_str(self) -> &'static str {
        match self {
            DirectorySort::Name => "name",
            DirectorySort::HealthLowest => "health",
            DirectorySort::Newest => "newest",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DirectorySort::Name => "Name",
            DirectorySort::HealthLowest => "Health, lowest first",
            DirectorySort::Newest => "Newest first",
        }
    }

    pub fn parse(raw: &str) -> Option<DirectorySort> {
        DirectorySort::ALL.into_iter().find(|sort| sort.as_str() == raw)
    }
}

impl PartnerList {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page.max(1)).max(1)
    }
}

/// The narrower directories a dashboard number links to: partners who joined, won a deal, or won
/// their first deal within dates; who reached a stage of activation; by tier or region.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PartnerDrill {
    pub joined_from: Option<String>,
    pub joined_to: Option<String>,
    pub won_from: Option<String>,
    pub won_to: Option<String>,
    pub first_win_from: Option<String>,
    pub first_win_to: Option<String>,
    /// "registered", "approved" or "won": has ever had a deal get that far.
    pub stage: Option<String>,
    pub tier: Option<String>,
    pub region: Option<String>,
    /// Text in the partner's name.
    pub q: Option<String>,
    /// A partner type by name.
    #[serde(rename = "type")]
    pub partner_type: Option<String>,
    /// A channel manager by user id.
    pub manager: Option<String>,
    /// A health band: `at_risk`, `watch` or `healthy`.
    pub health: Option<String>,
    /// `name` (the default), `health` (lowest first) or `newest`.
    pub sort: Option<String>,
}

impl PartnerDrill {
    const NAMES: [&str; 14] = [
        "joined_from",
        "joined_to",
        "won_from",
        "won_to",
        "first_win_from",
        "first_win_to",
        "stage",
        "tier",
        "region",
        "q",
        "type",
        "manager",
        "health",
        "sort",
    ];

    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> PartnerDrill {
        let value = |name: &str| get(name).filter(|value| !value.trim().is_empty());
        PartnerDrill {
            joined_from: value("joined_from"),
            joined_to: value("joined_to"),
            won_from: value("won_from"),
            won_to: value("won_to"),
            first_win_from: value("first_win_from"),
            first_win_to: value("first_win_to"),
            stage: value("stage"),
            tier: value("tier"),
            region: value("region"),
            q: value("q"),
            partner_type: value("type"),
            manager: value("manager"),
            health: value("health"),
            sort: value("sort"),
        }
    }

    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let values = [
            &self.joined_from,
            &self.joined_to,
            &self.won_from,
            &self.won_to,
            &self.first_win_from,
            &self.first_win_to,
            &self.stage,
            &self.tier,
            &self.region,
            &self.q,
            &self.partner_type,
            &self.manager,
            &self.health,
            &self.sort,
        ];
        Self::NAMES.into_iter().zip(values).filter_map(|(name, value)| value.clone().map(|v| (name, v))).collect()
    }

    /// The narrowing a dashboard link made (dates and stages), which the directory's own filters
    /// do not show; they keep it while the filters change.
    pub fn linked(&self) -> PartnerDrill {
        PartnerDrill {
            joined_from: self.joined_from.clone(),
            joined_to: self.joined_to.clone(),
            won_from: self.won_from.clone(),
            won_to: self.won_to.clone(),
            first_win_from: self.first_win_from.clone(),
            first_win_to: self.first_win_to.clone(),
            stage: self.stage.clone(),
            ..PartnerDrill::default()
        }
    }

    /// How the narrowing a dashboard link made reads above the directory.
    pub fn describe(&self) -> Vec<String> {
        let span = |label: &str, from: &Option<String>, to: &Option<String>| match (from, to) {
            (None, None) => None,
            (from, to) => {
                Some(format!("{label} {} – {}", from.as_deref().unwrap_or("…"), to.as_deref().unwrap_or("…")))
            }
        };
        [
            span("Joined", &self.joined_from, &self.joined_to),
            span("Won a deal", &self.won_from, &self.won_to),
            span("First win", &self.first_win_from, &self.first_win_to),
            self.stage.as_ref().map(|stage| match stage.as_str() {
                "registered" => "Has registered a deal".to_string(),
                "approved" => "Has had a deal approved".to_string(),
                "won" => "Has won a deal".to_string(),
                other => format!("Stage {other}"),
            }),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// A partner's logo as its pages show it: where to load it, and its size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct LogoFacts {
    pub media_type: String,
    pub width: i64,
    pub height: i64,
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
}

impl LogoFacts {
    /// The logo's address: a new upload gets a new one.
    pub fn src(&self, organisation_id: i64) -> String {
        format!("/logos/{organisation_id}?v={}", self.uploaded_at.timestamp_millis())
    }
}

/// A partner's logo, or its initials when it has none.
#[leptos::component]
pub fn PartnerLogo(organisation_id: i64, name: String, logo: Option<LogoFacts>) -> impl leptos::IntoView {
    use leptos::prelude::*;
    match logo {
        Some(logo) => view! {
            <img class="partner-logo" src=logo.src(organisation_id) alt=format!("{name} logo") width=logo.width height=logo.height/>
        }
        .into_any(),
        None => {
            let initials: String = name.split_whitespace().filter_map(|word| word.chars().next()).take(2).collect();
            view! { <span class="partner-logo partner-initials" aria-hidden="true">{initials.to_uppercase()}</span> }.into_any()
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerDetail {
    pub partner: PartnerRow,
    pub members: Vec<TeamMember>,
    /// Whether the viewer may invite people into this partner (admins may).
    pub can_invite: bool,
    /// Its acceptances of the partner agreement, for those who may see them (none otherwise).
    pub acceptances: Vec<crate::agreement::Acceptance>,
    pub profile: profile::CompanyProfile,
    /// Its people's certifications, for vendor staff (none for partner people, who see them
    /// under Training).
    pub certificates: Vec<crate::training::Certificate>,
    pub logo: Option<LogoFacts>,
    /// The channel managers an admin may give it (none for anyone else).
    pub managers: Vec<(i64, String)>,
    /// Whether the viewer may give it another channel manager (admins may).
    pub can_assign: bool,
}
