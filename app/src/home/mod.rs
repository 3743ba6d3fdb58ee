//! The first page after signing in: what matters to this role today.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::{Role, SessionUser};
use crate::layout::guarded_page;
use crate::partners::PartnerRow;
use crate::ui::{Badge, Stat, tier_tone};

#[cfg(feature = "ssr")]
pub mod store;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HomeSummaryData {
    /// Vendor staff: the partners in their scope (all, or a channel manager's own).
    Vendor { partners: i64, people: i64, by_tier: Vec<(String, i64)> },
    /// Partner people: their own organisation.
    Partner { organisation: PartnerRow },
}

#[server(endpoint = "home_summary")]
pub async fn home_summary() -> Result<HomeSummaryData, crate::error::AppError> {
    use crate::auth::{guard, reach::Reach};
    let user = guard::signed_in()?;
    let db = crate::state::db()?;
    if user.role.is_vendor_staff() {
        let (partners, people, by_tier) = store::vendor_overview(&db, Reach::of(&user)).await?;
        Ok(HomeSummaryData::Vendor { partners, people, by_tier })
    } else {
        let organisation = crate::partners::store::partner(&db, user.organisation_id)
            .await?
            .ok_or(crate::error::AppError::NotFound)?;
        Ok(HomeSummaryData::Partner { organisation })
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    guarded_page(&Role::ALL, || (), |_| home_summary(), |user, summary| view! { <Home user=user.clone() summary/> })
}

fn greeting(user: &SessionUser) -> String {
    let first = user.name.split_whitespace().next().unwrap_or(&user.name);
    format!("Welcome, {first}")
}

fn role_intro(role: Role) -> &'static str {
    match role {
        Role::Admin => "You run the partner program: partners, tiers, people and settings.",
        Role::ChannelManager => "Your partners at a glance. Approvals and reviews will gather here.",
        Role::Marketing => "Partners you can reach with co-branded campaigns.",
        Role::PartnerAdmin => "Your company's partnership: tier, channel manager and team.",
        Role::PartnerUser => "Your company's partnership and who to ask for help.",
    }
}

#[component]
fn Home(user: SessionUser, summary: HomeSummaryData) -> impl IntoView {
    view! {
        <h1>{greeting(&user)}</h1>
        <p class="lead">{role_intro(user.role)}</p>
        {match summary {
                    HomeSummaryData::Vendor { partners, people, by_tier } => view! {
                        <div class="stats">
                            <Stat label="Partner organisations" value=partners.to_string()/>
                            <Stat label="Partner people" value=people.to_string()/>
                        </div>
                        <section class="card" aria-labelledby="tiers-title">
                            <h2 id="tiers-title">"Partners by tier"</h2>
                            <ul class="tier-list">
                                {by_tier.into_iter().map(|(tier, count)| view! {
                                    <li><Badge text=tier.clone() tone=tier_tone(&tier)/> <span class="count">{count}</span></li>
                                }).collect_view()}
                            </ul>
                            <p><a href="/partners">"Open the partner directory"</a></p>
                        </section>
                    }.into_any(),
                    HomeSummaryData::Partner { organisation } => view! { <PartnerHome organisation/> }.into_any(),
                }}
    }
}

#[component]
fn PartnerHome(organisation: PartnerRow) -> impl IntoView {
    view! {
        <div class="stats">
            <div class="card stat">
                <p class="stat-label">"Your tier"</p>
                <p class="stat-value"><Badge text=organisation.tier.clone() tone=tier_tone(&organisation.tier)/></p>
            </div>
            <Stat label="Partner type" value=organisation.partner_type.clone()/>
            <Stat label="Region" value=organisation.region.clone()/>
            <Stat label="People on Tessera" value=organisation.people.to_string()/>
        </div>
        <section class="card" aria-labelledby="cam-title">
            <h2 id="cam-title">"Your channel manager"</h2>
            {match (organisation.channel_manager.clone(), organisation.channel_manager_email.clone()) {
                (Some(name), Some(email)) => view! {
                    <p>{name} " — " <a href=format!("mailto:{email}")>{email.clone()}</a></p>
                }.into_any(),
                _ => view! { <p class="muted">"No channel manager is assigned yet."</p> }.into_any(),
            }}
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
        };
        assert_eq!(greeting(&user), "Welcome, Priya");
    }
}
