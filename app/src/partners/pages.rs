use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::profile::{CompanyProfile, ListingStanding};
use super::server::{
    AssignChannelManager, CompanyProfileView, RemoveLogo, SaveCompanyProfile, SetLocatorListing, UploadLogo,
    list_partners, own_company_profile, partner_profile,
};
use super::{DirectoryChoices, DirectorySort, PartnerDetail, PartnerDrill, PartnerList, PartnerLogo};
use crate::auth::Role;
use crate::auth::access::{OWN_ONBOARDING_ROLES, PARTNER_DIRECTORY_ROLES};
use crate::error::AppError;
use crate::kpi::ScorecardView;
use crate::kpi::health::Band;
use crate::kpi::scorecard::load_scorecard;
use crate::layout::guarded_page;
use crate::live::{LiveBadge, use_live};
use crate::onboarding::ChecklistCard;
use crate::onboarding::server::{MarkStep, onboarding_checklist};
use crate::team::server::Invite;
use crate::team::{InviteForm, MemberTable};
use crate::training::CertificateTable;
use crate::ui::{
    Badge, Field, FormError, FormErrors, Notice, Pager, ScrollTable, encode_query, filter_choice, form_error,
    posted_error, tier_tone,
};

#[component]
pub fn PartnersPage() -> impl IntoView {
    let query = use_query_map();
    let source = move || {
        let query = query.read();
        (query.get("page").and_then(|p| p.parse().ok()), PartnerDrill::from_query(|name| query.get(name)))
    };
    guarded_page(
        PARTNER_DIRECTORY_ROLES,
        source,
        |(page, drill)| list_partners(page, drill),
        |user, list| {
            view! { <PartnerDirectory role=user.role list/> }
        },
    )
}

#[component]
fn PartnerDirectory(role: Role, list: PartnerList) -> impl IntoView {
    let title = if role == Role::ChannelManager { "My partners" } else { "Partners" };
    let query = use_query_map();
    let drill = PartnerDrill::from_query(|name| query.read_untracked().get(name));
    let narrowed = drill.describe();
    let choices = list.choices.clone();
    view! {
        <div class="page-head">
            <h1>{title}</h1>
            <p><a href="/locator">"The public partner locator"</a>
                {(role == Role::Admin).then(|| view! { " · " <a href="/admin/partner-import">"Import partners"</a> })}</p>
        </div>
        <DirectoryFilters choices drill=drill.clone() managers=role != Role::ChannelManager/>
        {(!narrowed.is_empty()).then(|| view! {
            <p class="narrowing" data-testid="narrowing">
                "Showing only: " {narrowed.join(" · ")} " " <a href="/partners">"Show all partners"</a>
            </p>
        })}
        <PartnerTable list drill/>
    }
}

/// Search, filters and order, kept in the address; a dashboard link's narrowing rides along.
#[component]
fn DirectoryFilters(choices: DirectoryChoices, drill: PartnerDrill, managers: bool) -> impl IntoView {
    let named = |names: Vec<String>| names.into_iter().map(|name| (name.clone(), name)).collect::<Vec<_>>();
    let bands = Band::ALL.into_iter().map(|band| (band.as_str().to_owned(), band.label().to_owned())).collect();
    let sort = drill.sort.clone().unwrap_or_default();
    let people = choices.managers.into_iter().map(|(id, name)| (id.to_string(), name)).collect();
    view! {
        <Form method="GET" action="" attr:class="filters card" attr:role="search" attr:aria-label="Partners">
            <div class="field">
                <label for="filter-q">"Search"</label>
                <input id="filter-q" type="search" name="q" value=drill.q.clone() placeholder="Partner name"/>
            </div>
            {filter_choice("health", "Health", "Any health", drill.health.clone(), bands)}
            {filter_choice("tier", "Tier", "Any tier", drill.tier.clone(), named(choices.tiers))}
            {filter_choice("region", "Region", "Any region", drill.region.clone(), named(choices.regions))}
            {filter_choice("type", "Type", "Any type", drill.partner_type.clone(), named(choices.types))}
            {managers.then(|| filter_choice("manager", "Channel manager", "Any manager", drill.manager.clone(), people))}
            <div class="field">
                <label for="filter-sort">"Sort by"</label>
                <select id="filter-sort" name="sort">
                    {DirectorySort::ALL.into_iter().map(|option| view! {
                        <option value=option.as_str() selected=sort == option.as_str()>{option.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            {drill.linked().pairs().into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
            <button type="submit" class="button secondary">"Apply"</button>
        </Form>
    }
}

/// `/partners?…` with the current narrowing and another page.
fn directory_page(drill: &PartnerDrill, page: i64) -> String {
    let mut pairs: Vec<String> =
        drill.pairs().into_iter().map(|(name, value)| format!("{name}={}", encode_query(&value))).collect();
    pairs.push(format!("page={page}"));
    format!("/partners?{}", pairs.join("&"))
}

#[component]
fn PartnerTable(list: PartnerList, drill: PartnerDrill) -> impl IntoView {
    let pages = list.pages();
    let plural = if list.total == 1 { "" } else { "s" };
    let summary = format!("{} partner organisation{plural} · page {} of {pages}", list.total, list.page);
    let export = format!("/partners/export.csv?{}", directory_page(&drill, 1).trim_start_matches("/partners?"));
    let previous = (list.page > 1).then(|| directory_page(&drill, list.page - 1));
    let next = (list.page < pages).then(|| directory_page(&drill, list.page + 1));
    let rows = list.rows;
    view! {
        <div class="list-head">
            <p class="muted" data-testid="partner-count">{summary}</p>
            {list.can_export.then(|| view! { <a class="button secondary" href=export rel="external" download="partners.csv">"Export CSV"</a> })}
        </div>
        <div class="card">
        <ScrollTable label="Partner organisations">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Partner"</th>
                        <th scope="col" class="optional">"Type"</th>
                        <th scope="col">"Tier"</th>
                        <th scope="col" class="optional">"Region"</th>
                        <th scope="col" class="optional">"Channel manager"</th>
                        <th scope="col" class="numeric optional">"People"</th>
                        <th scope="col">"Health"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <td><a href=format!("/partners/{}", row.id)>{row.name}</a></td>
                            <td class="optional">{row.partner_type}</td>
                            <td><Badge text=row.tier.clone() tone=tier_tone(&row.tier)/></td>
                            <td class="optional">{row.region}</td>
                            <td class="optional">{row.channel_manager.unwrap_or_else(|| "—".into())}</td>
                            <td class="numeric optional">{row.people}</td>
                            <td data-testid="partner-health">{match row.health {
                                Some(health) => view! {
                                    <Badge text=format!("{} · {}", health.score, health.band.label()) tone=health.band.tone()/>
                                    {health.falling().then(|| view! {
                                        " " <Badge text="Falling" tone="danger" title=health.trend_text()/>
                                    })}
                                }.into_any(),
                                None => view! { <span class="muted">"n/a"</span> }.into_any(),
                            }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollTable>
        </div>
        <Pager previous next/>
    }
}

#[component]
pub fn PartnerPage() -> impl IntoView {
    let params = use_params_map();
    let invite = ServerAction::<Invite>::new();
    let mark = ServerAction::<MarkStep>::new();
    let assign = ServerAction::<AssignChannelManager>::new();
    let live = use_live();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i64>().ok());
    let source =
        move || (id(), (invite.version().get(), mark.version().get(), assign.version().get()), live.version.get());
    // The scorecard only once the profile may be seen: someone who may not see it is told so once.
    let load = |(id, _, _): (Option<i64>, (usize, usize, usize), u64)| async move {
        let id = id.ok_or(AppError::NotFound)?;
        let profile = partner_profile(id).await?;
        let checklist = onboarding_checklist(Some(id)).await.ok().filter(|view| view.onboarding);
        Ok((profile, load_scorecard(Some(id)).await, checklist))
    };
    guarded_page(&Role::ALL, source, load, move |_, (profile, scorecard, checklist)| {
        view! {
            <PartnerProfileView invite assign profile/>
            {checklist.map(|view| view! { <ChecklistCard view mark/> })}
            <div class="page-head"><h2>"Scorecard"</h2><LiveBadge live/></div>
            {match scorecard {
                Ok(scorecard) => view! { <ScorecardView scorecard/> }.into_any(),
                Err(error) => view! { <Notice text=error.to_string() tone="error"/> }.into_any(),
            }}
        }
    })
}

#[component]
fn PartnerProfileView(
    invite: ServerAction<Invite>,
    assign: ServerAction<AssignChannelManager>,
    profile: PartnerDetail,
) -> impl IntoView {
    let partner = profile.partner;
    let managers = profile.managers;
    view! {
        <p class="crumbs"><a href="/partners">"Partners"</a> " / " {partner.name.clone()}</p>
        <div class="page-head">
            <PartnerLogo organisation_id=partner.id name=partner.name.clone() logo=profile.logo.clone()/>
            <h1>{partner.name.clone()}</h1>
        </div>
        <dl class="facts card">
            <div><dt>"Type"</dt><dd>{partner.partner_type.clone()}</dd></div>
            <div><dt>"Tier"</dt><dd><Badge text=partner.tier.clone() tone=tier_tone(&partner.tier)/>
                " " <a href=format!("/partners/{}/tier", partner.id)>"Standing and history"</a></dd></div>
            <div><dt>"Region"</dt><dd>{partner.region.clone()}</dd></div>
            <div><dt>"Channel manager"</dt><dd>{partner.channel_manager.clone().unwrap_or_else(|| "—".into())}</dd></div>
        </dl>
        {profile.can_assign.then(|| {
            // A deactivated manager is no choice for anyone else, but stays this partner's until changed.
            let mut managers = managers.clone();
            if let (Some(id), Some(name)) = (partner.channel_manager_id, partner.channel_manager.clone())
                && !managers.iter().any(|(manager, _)| *manager == id)
            {
                managers.push((id, format!("{name} (deactivated)")));
            }
            view! { <ManagerForm organisation_id=partner.id current=partner.channel_manager_id managers assign/> }
        })}
        <ProfileFacts profile=profile.profile.clone()/>
        <div class="columns">
            <section class="card" aria-labelledby="people-title">
                <h2 id="people-title">"People"</h2>
                <MemberTable members=profile.members/>
            </section>
            {(!profile.acceptances.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="partner-agreement-title">
                    <h2 id="partner-agreement-title">"Partner agreement"</h2>
                    <crate::agreement::AcceptanceTable acceptances=profile.acceptances.clone()/>
                </section>
            })}
            {(!profile.certificates.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="partner-certifications-title">
                    <h2 id="partner-certifications-title">"Certifications"</h2>
                    <CertificateTable certificates=profile.certificates.clone() partner_column=false/>
                </section>
            })}
            {profile.can_invite.then(|| view! {
                <section class="card" aria-labelledby="invite-partner-title">
                    <h2 id="invite-partner-title">"Invite to this partner"</h2>
                    <InviteForm action=invite organisation_id=Some(partner.id)
                        roles=vec![Role::PartnerAdmin, Role::PartnerUser]/>
                </section>
            })}
        </div>
    }
}

/// An admin gives the partner a channel manager, or another one: the partner is in the new
/// manager's reach (and no longer in the old one's) from the next page either opens.
#[component]
fn ManagerForm(
    organisation_id: i64,
    current: Option<i64>,
    managers: Vec<(i64, String)>,
    assign: ServerAction<AssignChannelManager>,
) -> impl IntoView {
    let error = form_error(assign);
    let mut options = vec![(String::new(), "No channel manager".to_owned())];
    options.extend(managers.into_iter().map(|(id, name)| (id.to_string(), name)));
    let assigned = move || {
        matches!(assign.value().get(), Some(Ok(()))).then(|| {
            view! { <Notice text="Channel manager assigned." tone="success"/> }
        })
    };
    view! {
        <section class="card" aria-labelledby="manager-title">
            <h2 id="manager-title">"Channel manager"</h2>
            {assigned}
            <ActionForm action=assign attr:class="filters">
                <input type="hidden" name="organisation_id" value=organisation_id/>
                <Field label="Looked after by" name="manager" error options value=current.map(|id| id.to_string()).unwrap_or_default()
                    hint="They see the partner, approve its deals and decide its tier changes."/>
                <button type="submit" class="button secondary">"Assign"</button>
            </ActionForm>
            <FormError error/>
        </section>
    }
}

/// What a company profile says, as a card; a profile nobody filled in says so.
#[component]
fn ProfileFacts(profile: CompanyProfile) -> impl IntoView {
    if !profile.started() {
        return view! { <p class="muted">"No company profile yet: the partner admin fills it in."</p> }.into_any();
    }
    let or_dash = |text: &str| if text.is_empty() { "—".to_owned() } else { text.to_owned() };
    let place = [profile.city.as_str(), profile.country.as_str()]
        .iter()
        .filter(|part| !part.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    let website = (!profile.website.is_empty()).then(|| {
        let href = profile.website.clone();
        view! { <a href=href rel="noopener noreferrer external">{profile.website.clone()}</a> }
    });
    view! {
        <section class="card" aria-labelledby="company-profile-title">
            <h2 id="company-profile-title">"Company profile"</h2>
            <dl class="facts">
                <div><dt>"Website"</dt><dd class="break">{website}</dd></div>
                <div><dt>"Contact"</dt><dd class="break">{or_dash(&profile.contact_email)}</dd></div>
                <div><dt>"Phone"</dt><dd>{or_dash(&profile.phone)}</dd></div>
                <div><dt>"Where"</dt><dd>{or_dash(&place)}</dd></div>
            </dl>
            {(!profile.about.is_empty()).then(|| view! { <p class="pre">{profile.about.clone()}</p> })}
        </section>
    }
    .into_any()
}

/// The partner's own company profile: its partner admin edits it; its other people read it.
#[component]
pub fn CompanyProfilePage() -> impl IntoView {
    let save = ServerAction::<SaveCompanyProfile>::new();
    let list = ServerAction::<SetLocatorListing>::new();
    guarded_page(
        OWN_ONBOARDING_ROLES,
        move || (save.version().get(), list.version().get()),
        |_| own_company_profile(),
        move |user, view| {
            let heading = format!("{}: company profile", user.organisation_name);
            view! {
                <h1>{heading}</h1>
                <p class="lead">"What the program and your prospects learn about you. Every field filled completes your profile."</p>
                {match view.can_edit {
                    true => view! {
                        <ProfileForm view=view.clone() save/>
                        <LogoCard view=view.clone()/>
                        {view.listing.map(|listing| view! { <LocatorCard listing list/> })}
                    }.into_any(),
                    false => view! {
                        <PartnerLogo organisation_id=view.organisation_id name=view.profile.name.clone() logo=view.logo/>
                        <ProfileFacts profile=view.profile/>
                        <p class="muted">"Your partner admin keeps the profile up to date."</p>
                    }.into_any(),
                }}
            }
        },
    )
}

/// Whether prospects find the partner in the public locator, and the button that changes it.
#[component]
fn LocatorCard(listing: ListingStanding, list: ServerAction<SetLocatorListing>) -> impl IntoView {
    let error = form_error(list);
    let (state, tone) = match (&listing.held_back, listing.listed) {
        (_, false) => ("Not listed", "neutral"),
        (Some(_), true) => ("Listed, not shown yet", "warning"),
        (None, true) => ("Listed", "success"),
    };
    view! {
        <section class="card" aria-labelledby="locator">
            <h2 id="locator">"Partner locator " <Badge text=state tone/></h2>
            <p>"The vendor's public " <a href="/locator">"partner locator"</a> " lets prospects find you by region, \
                type, tier and name, read your profile and send you their details: each comes to your leads."</p>
            {listing.held_back.map(|reason| view! { <Notice text=reason tone="warning"/> })}
            <FormError error/>
            <ActionForm action=list>
                <input type="hidden" name="listed" value=(!listing.listed).to_string()/>
                <button type="submit" class="button secondary">
                    {if listing.listed { "Take us off the locator" } else { "List us in the locator" }}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn ProfileForm(view: CompanyProfileView, save: ServerAction<SaveCompanyProfile>) -> impl IntoView {
    let error = form_error(save);
    let profile = view.profile;
    let saved = move || {
        matches!(save.value().get(), Some(Ok(()))).then(|| view! { <Notice text="Profile saved." tone="success"/> })
    };
    view! {
        {(!profile.complete()).then(|| view! { <Notice text="Fill in every field to complete your profile: it is a step of your onboarding." tone="warning"/> })}
        {saved}
        <section class="card">
            <ActionForm action=save attr:class="stack">
                <div class="field-row">
                    <Field label="Company name" name="name" error value=profile.name required=true autocomplete="organization"
                        hint="As the program and your prospects see it."/>
                    <Field label="Region" name="region" error value=profile.region required=true
                        options=view.regions.iter().map(|region| (region.clone(), region.clone())).collect()/>
                </div>
                <Field label="Website" name="website" kind="url" error value=profile.website required=true autocomplete="url"
                    hint="Its address, like https://www.company.com."/>
                <div class="field-row">
                    <Field label="Contact email" name="contact_email" kind="email" error value=profile.contact_email required=true
                        autocomplete="email"/>
                    <Field label="Phone" name="phone" kind="tel" error value=profile.phone required=true autocomplete="tel"/>
                </div>
                <div class="field-row">
                    <Field label="City" name="city" error value=profile.city required=true autocomplete="address-level2"/>
                    <Field label="Country" name="country" error value=profile.country required=true autocomplete="country-name"/>
                </div>
                <Field label="About the company" name="about" error value=profile.about rows=5 required=true
                    hint="A few sentences: what you do and for whom."/>
                <FormError error/>
                <button type="submit" class="button primary">"Save the profile"</button>
            </ActionForm>
        </section>
    }
}

/// What the logo field says it takes.
static LOGO_HINT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "PNG, JPEG, WebP or SVG, at most {} MB and {} pixels on a side. An SVG may not hold scripts, links or text \
         (convert text to outlines).",
        super::profile::MAX_LOGO_BYTES / (1024 * 1024),
        super::profile::MAX_LOGO_SIDE
    )
});

/// The partner's logo and the form that replaces or removes it. The file goes up in a plain form
/// post, with JavaScript or without; a refusal comes back in the page's address.
#[component]
fn LogoCard(view: CompanyProfileView) -> impl IntoView {
    use server_fn::ServerFn;
    let remove = ServerAction::<RemoveLogo>::new();
    let upload = <UploadLogo as ServerFn>::PATH;
    let error = FormErrors::new(posted_error(upload));
    let removed = move || {
        matches!(remove.value().get(), Some(Ok(()))).then(|| view! { <Notice text="Logo removed." tone="success"/> })
    };
    let has_logo = view.logo.is_some();
    view! {
        <section class="card" aria-labelledby="logo-title">
            <h2 id="logo-title">"Logo"</h2>
            {removed}
            <PartnerLogo organisation_id=view.organisation_id name=view.profile.name.clone() logo=view.logo.clone()/>
            <form method="post" action=upload enctype="multipart/form-data" class="stack">
                <Field label="Logo file" name="logo" kind="file" error required=true accept="image/png,image/jpeg,image/webp,image/svg+xml"
                    hint=LOGO_HINT.clone()/>
                <FormError error/>
                <button type="submit" class="button secondary">"Upload the logo"</button>
            </form>
            {has_logo.then(|| view! {
                <ActionForm action=remove>
                    <button type="submit" class="button secondary">"Remove the logo"</button>
                </ActionForm>
            })}
        </section>
    }
}
