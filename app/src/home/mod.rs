//! The first page after signing in: a short list of what needs this person now, each item
//! linking to where it is done.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::{Role, SessionUser};
use crate::layout::guarded_page;
use crate::partners::PartnerRow;
use crate::ui::agenda::{Agenda, AgendaLink, AgendaSection};
use crate::ui::{Badge, tier_tone};

#[cfg(feature = "ssr")]
pub mod store;

/// A person's home: what they start from, what needs them (each item linking to where it is
/// done), and for vendor staff an overview of their partners, for partner people their own
/// organisation. A feature adds its sections in [`home_summary`], for the roles it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeData {
    pub actions: Vec<AgendaLink>,
    pub sections: Vec<AgendaSection>,
    pub overview: Option<Overview>,
    pub organisation: Option<PartnerRow>,
}

/// The partners in a vendor person's reach, their people, and their spread over tiers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub partners: i64,
    pub people: i64,
    pub by_tier: Vec<(String, i64)>,
}

#[cfg(feature = "ssr")]
fn link(text: &str, href: &str) -> AgendaLink {
    AgendaLink { text: text.into(), href: href.into() }
}

#[server(endpoint = "home_summary")]
pub async fn home_summary() -> Result<HomeData, crate::error::AppError> {
    use crate::auth::{guard, reach::Reach};
    use crate::{deals, partners};
    let user = guard::signed_in()?;
    let db = crate::state::db()?;
    // Taken before the first `.await`, while the request's context is certainly there.
    let checklists = crate::onboarding::server::checklist_cache()?;
    let reach = Reach::of(&user);
    let now = chrono::Utc::now();
    let overview = || async {
        let (partners, people, by_tier) = store::vendor_overview(&db, reach).await?;
        Ok::<_, crate::error::AppError>(Some(Overview { partners, people, by_tier }))
    };
    let home = match user.role {
        Role::PartnerAdmin | Role::PartnerUser => {
            let organisation =
                partners::store::partner(&db, user.organisation_id).await?.ok_or(crate::error::AppError::NotFound)?;
            let mut sections = deals::agenda::partner_sections(&db, reach, now).await?;
            // Until its checklist is done, a new partner's home starts with what to do next.
            if let Some(onboarding) =
                crate::onboarding::server::home_section(&db, &checklists, user.organisation_id).await?
            {
                sections.insert(0, onboarding);
            }
            sections.insert(
                1.min(sections.len()),
                crate::tiers::agenda::partner_home_section(&db, user.organisation_id).await?,
            );
            sections.push(crate::campaigns::agenda::partner_section(&db, user.organisation_id).await?);
            sections.push(crate::incentives::agenda::partner_section(&db, user.organisation_id, now).await?);
            HomeData {
                actions: vec![link("Register a deal", "/deals/new")],
                sections,
                overview: None,
                organisation: Some(organisation),
            }
        }
        Role::ChannelManager | Role::Admin => {
            let mut sections = deals::agenda::manager_sections(&db, reach, now).await?;
            sections.insert(1, partners::agenda::at_risk(&db, &crate::kpi::cache::fact_cache()?, reach).await?);
            sections.insert(2, crate::tiers::agenda::manager_home_section(&db, reach).await?);
            sections.push(crate::incentives::mdf::agenda::manager_section(&db, reach).await?);
            if user.role == Role::Admin {
                let mut gaps = partners::agenda::setup_gaps(&db).await?;
                gaps.extend(deals::agenda::pipeline_gap(&db).await?);
                sections.push(AgendaSection::new(
                    "setup",
                    "Program setup",
                    gaps,
                    "Every partner has a channel manager and people, and the vendor pipeline is imported.",
                ));
                sections.push(crate::incentives::agenda::admin_section(&db, now).await?);
                sections.push(crate::campaigns::agenda::marketing_section(&db).await?);
            }
            HomeData {
                actions: vec![link("Approval queue", "/deals/queue"), link("Dashboard", "/dashboard")],
                sections,
                overview: overview().await?,
                organisation: None,
            }
        }
        Role::Marketing => HomeData {
            actions: vec![link("New campaign", "/campaigns/new"), link("Partner directory", "/partners")],
            sections: vec![
                crate::campaigns::agenda::marketing_section(&db).await?,
                partners::agenda::newest(&db, reach, now).await?,
            ],
            overview: overview().await?,
            organisation: None,
        },
    };
    Ok(home)
}

#[component]
pub fn HomePage() -> impl IntoView {
    guarded_page(&Role::ALL, || (), |_| home_summary(), |user, home| view! { <Home user=user.clone() home/> })
}

fn greeting(user: &SessionUser) -> String {
    let first = user.name.split_whitespace().next().unwrap_or(&user.name);
    format!("Welcome, {first}")
}

fn role_intro(role: Role) -> &'static str {
    match role {
        Role::Admin => "What needs you across the partner program today.",
        Role::ChannelManager => "What your partners need from you today.",
        Role::Marketing => "How your campaigns are doing, and who joined the program lately.",
        Role::PartnerAdmin | Role::PartnerUser => "Your deals, and what needs you next.",
    }
}

#[component]
fn Home(user: SessionUser, home: HomeData) -> impl IntoView {
    let HomeData { actions, sections, overview, organisation } = home;
    view! {
        <h1>{greeting(&user)}</h1>
        <p class="lead">{role_intro(user.role)}</p>
        <p class="home-actions">
            {actions.into_iter().enumerate().map(|(n, action)| {
                let class = if n == 0 { "button primary" } else { "button secondary" };
                view! { <a class=class href=action.href>{action.text}</a> }
            }).collect_view()}
        </p>
        <Agenda sections/>
        {overview.map(|overview| view! { <OverviewCard overview/> })}
        {organisation.map(|organisation| view! { <PartnershipCard organisation/> })}
    }
}

#[component]
fn OverviewCard(overview: Overview) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="tiers-title">
            <h2 id="tiers-title">"Your partners"</h2>
            <p>{overview.partners} " partner organisations, " {overview.people} " partner people."</p>
            <ul class="tier-list">
                {overview.by_tier.into_iter().map(|(tier, count)| view! {
                    <li><Badge text=tier.clone() tone=tier_tone(&tier)/> <span class="count">{count}</span></li>
                }).collect_view()}
            </ul>
            <p><a href="/partners">"Open the partner directory"</a></p>
        </section>
    }
}

#[component]
fn PartnershipCard(organisation: PartnerRow) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="cam-title">
            <h2 id="cam-title">"Your channel manager"</h2>
            {match (organisation.channel_manager.clone(), organisation.channel_manager_email.clone()) {
                (Some(name), Some(email)) => view! {
                    <p>{name} " — " <a class="email" href=format!("mailto:{email}")>{email.clone()}</a></p>
                }.into_any(),
                _ => view! { <p class="muted">"No channel manager is assigned yet."</p> }.into_any(),
            }}
            <p>
                <Badge text=organisation.tier.clone() tone=tier_tone(&organisation.tier)/>
                " " {organisation.partner_type.clone()} " · " {organisation.region.clone()}
            </p>
            <p><a href="/team">"See your team"</a></p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greeting_uses_the_first_name() {
        let user = SessionUser {
            user_id: 1,
            name: "Priya Natarajan".into(),
            email: "p@x.test".into(),
            role: Role::PartnerAdmin,
            organisation_id: 2,
            organisation_name: "Bluepeak Systems".into(),
            agreement: Default::default(),
        };
        assert_eq!(greeting(&user), "Welcome, Priya");
    }
}
