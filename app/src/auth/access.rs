//! Which roles may open which pages and invite whom: pure rules, shared by the navigation, the
//! pages and the server guard. Whose data a page shows is the reach rule's ([`super::reach`]).

use super::Role;

/// The roles `inviter` may invite into an organisation, given whether it is the vendor and
/// whether it is the inviter's own.
pub fn invitable_roles(inviter: Role, into_vendor: bool, own_organisation: bool) -> &'static [Role] {
    match (inviter, into_vendor) {
        (Role::Admin, true) => &[Role::Marketing, Role::ChannelManager, Role::Admin],
        (Role::Admin, false) => &[Role::PartnerUser, Role::PartnerAdmin],
        (Role::PartnerAdmin, false) if own_organisation => &[Role::PartnerUser, Role::PartnerAdmin],
        _ => &[],
    }
}

/// A place in the portal, shown in the navigation to the roles that may use it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
}

pub const HOME: NavItem = NavItem { label: "Home", href: "/" };
pub const PARTNERS: NavItem = NavItem { label: "Partners", href: "/partners" };
pub const MY_PARTNERS: NavItem = NavItem { label: "My partners", href: "/partners" };
pub const DEALS: NavItem = NavItem { label: "Deals", href: "/deals" };
pub const APPROVALS: NavItem = NavItem { label: "Approvals", href: "/deals/queue" };
pub const TEAM: NavItem = NavItem { label: "Team", href: "/team" };
pub const DASHBOARD: NavItem = NavItem { label: "Dashboard", href: "/dashboard" };
pub const LEADERBOARD: NavItem = NavItem { label: "Leaderboard", href: "/leaderboard" };
pub const SCORECARD: NavItem = NavItem { label: "Scorecard", href: "/scorecard" };
pub const ADMINISTRATION: NavItem = NavItem { label: "Administration", href: "/admin" };
pub const ONBOARDING: NavItem = NavItem { label: "Onboarding", href: "/onboarding/board" };
pub const TRAINING: NavItem = NavItem { label: "Training", href: "/training" };
pub const PROFILE: NavItem = NavItem { label: "Profile", href: "/profile" };
pub const TIER: NavItem = NavItem { label: "Tier", href: "/tier" };
pub const CONTENT: NavItem = NavItem { label: "Content", href: "/content" };
pub const CAMPAIGNS: NavItem = NavItem { label: "Campaigns", href: "/campaigns" };
pub const LEADS: NavItem = NavItem { label: "Leads", href: "/leads" };
pub const EARNINGS: NavItem = NavItem { label: "Earnings", href: "/earnings" };
pub const INCENTIVES: NavItem = NavItem { label: "Incentives", href: "/incentives" };
pub const SPIFFS: NavItem = NavItem { label: "SPIFFs", href: "/spiffs" };
pub const MDF: NavItem = NavItem { label: "MDF", href: "/mdf" };

/// The navigation for a role: only what that role may open.
pub fn nav_items(role: Role) -> &'static [NavItem] {
    match role {
        Role::Admin => &[
            HOME,
            DASHBOARD,
            PARTNERS,
            ONBOARDING,
            DEALS,
            APPROVALS,
            LEADERBOARD,
            TRAINING,
            CONTENT,
            CAMPAIGNS,
            INCENTIVES,
            MDF,
            TEAM,
            ADMINISTRATION,
        ],
        Role::ChannelManager => &[
            HOME,
            DASHBOARD,
            MY_PARTNERS,
            ONBOARDING,
            DEALS,
            APPROVALS,
            LEADS,
            INCENTIVES,
            MDF,
            LEADERBOARD,
            TRAINING,
            CONTENT,
            TEAM,
        ],
        Role::Marketing => &[HOME, CAMPAIGNS, SPIFFS, CONTENT, PARTNERS, LEADERBOARD, TRAINING, TEAM],
        Role::PartnerAdmin | Role::PartnerUser => &[
            HOME,
            DEALS,
            LEADS,
            EARNINGS,
            SPIFFS,
            MDF,
            TIER,
            SCORECARD,
            LEADERBOARD,
            TRAINING,
            CONTENT,
            CAMPAIGNS,
            TEAM,
            PROFILE,
        ],
    }
}

/// The item of `items` the page at `path` belongs to: the one whose address is the longest
/// whole-segment prefix of it (`/deals/queue` is Approvals, not Deals; `/deals/7` is Deals).
pub fn current_nav(items: &[NavItem], path: &str) -> Option<&'static str> {
    items
        .iter()
        .map(|item| item.href)
        .filter(|href| {
            path == *href || (*href != "/" && path.strip_prefix(href).is_some_and(|rest| rest.starts_with('/')))
        })
        .max_by_key(|href| href.len())
}

/// The server functions a stranger (no session) may call: signing in and out, invitations and
/// password resets. The server's gate answers every other one 401 before reading its arguments.
pub const PUBLIC_SERVER_FNS: &[&str] = &[
    "current_user",
    "sign_in",
    "start_single_sign_on",
    "sign_out",
    "request_password_reset",
    "reset_password",
    "invitation",
    "accept_invitation",
    "program_economics",
    "api_reference",
];

/// Roles that may open the partner directory.
pub const PARTNER_DIRECTORY_ROLES: &[Role] = &[Role::Admin, Role::ChannelManager, Role::Marketing];
/// Roles that may see deals (partners their own, managers their partners', admins all).
pub const DEAL_ROLES: &[Role] = &[Role::Admin, Role::ChannelManager, Role::PartnerAdmin, Role::PartnerUser];
/// Roles that register deals.
pub const DEAL_PARTNER_ROLES: &[Role] = &[Role::PartnerAdmin, Role::PartnerUser];
/// Roles that decide on deals.
pub const DEAL_MANAGER_ROLES: &[Role] = &[Role::Admin, Role::ChannelManager];
/// Roles that see the managers' dashboard (admins: the whole program; channel managers: their partners).
pub const DASHBOARD_ROLES: &[Role] = &[Role::Admin, Role::ChannelManager];
/// Roles with a scorecard of their own (vendor staff open partners' scorecards from the directory).
pub const OWN_SCORECARD_ROLES: &[Role] = &[Role::PartnerAdmin, Role::PartnerUser];
/// Roles that may open program administration.
pub const ADMINISTRATION_ROLES: &[Role] = &[Role::Admin];
/// Roles that see partners' agreement acceptances and receipts (partner people their own,
/// channel managers their partners', admins all).
pub const AGREEMENT_RECORD_ROLES: &[Role] = &[Role::Admin, Role::ChannelManager, Role::PartnerAdmin, Role::PartnerUser];

/// Roles that see the onboarding board and confirm or skip partners' steps (channel managers
/// their partners', admins all).
pub const ONBOARDING_BOARD_ROLES: &[Role] = &[Role::Admin, Role::ChannelManager];
/// Roles with an onboarding checklist of their own.
pub const OWN_ONBOARDING_ROLES: &[Role] = &[Role::PartnerAdmin, Role::PartnerUser];
/// Who writes training courses.
pub const TRAINING_AUTHOR_ROLES: &[Role] = &[Role::Admin, Role::Marketing];
/// Who keeps the content library: adds, changes and removes its files and links.
pub const CONTENT_MANAGER_ROLES: &[Role] = &[Role::Admin, Role::Marketing];
/// Who writes, publishes and closes co-branded campaigns.
pub const CAMPAIGN_MANAGER_ROLES: &[Role] = &[Role::Admin, Role::Marketing];
/// Who launches a campaign under a partner's name: its people.
pub const CAMPAIGN_PARTNER_ROLES: &[Role] = &[Role::PartnerAdmin, Role::PartnerUser];
/// Who takes courses and is certified: a partner's people.
pub const TRAINEE_ROLES: &[Role] = &[Role::PartnerAdmin, Role::PartnerUser];
/// Who sees the certifications of the people within their reach.
pub const CERTIFICATION_ROLES: &[Role] = &[Role::Admin, Role::ChannelManager, Role::Marketing, Role::PartnerAdmin];
/// Who reads an earnings statement: a partner's people their own; admins and channel managers
/// a partner's within reach.
pub const EARNINGS_ROLES: &[Role] = &[Role::Admin, Role::ChannelManager, Role::PartnerAdmin, Role::PartnerUser];
/// Who sees what the vendor owes partners (channel managers: their partners).
pub const INCENTIVE_ROLES: &[Role] = &[Role::Admin, Role::ChannelManager];
/// Who closes quarters and approves and pays payout runs.
pub const INCENTIVE_ADMIN_ROLES: &[Role] = &[Role::Admin];
/// Who may create, launch and end SPIFFs (everyone signed in sees those open to them).
pub const SPIFF_MANAGER_ROLES: &[Role] = &[Role::Admin, Role::Marketing];
/// Who takes part in market development funds: a partner's people request them; admins and
/// channel managers allocate them and decide on requests within reach.
pub const MDF_ROLES: &[Role] = &[Role::Admin, Role::ChannelManager, Role::PartnerAdmin, Role::PartnerUser];
pub const MDF_MANAGER_ROLES: &[Role] = &[Role::Admin, Role::ChannelManager];
/// Who sets each quarter's MDF budget.
pub const MDF_BUDGET_ROLES: &[Role] = &[Role::Admin];
/// Who keeps API tokens: admins for the whole program, partner admins for their organisation.
pub const API_TOKEN_ROLES: &[Role] = &[Role::Admin, Role::PartnerAdmin];
/// Who sees their own organisation's tier (`/tier`): a partner's people.
pub const OWN_TIER_ROLES: &[Role] = &[Role::PartnerAdmin, Role::PartnerUser];
/// Who approves or declines tier changes and has partners evaluated now (whose partners: reach).
pub const TIER_DECISION_ROLES: &[Role] = &[Role::Admin, Role::ChannelManager];

/// Where partner people are sent until their organisation accepts the partner agreement.
pub const AGREEMENT_PATH: &str = "/agreement";
/// The server functions someone signed in reaches before their organisation has accepted the
/// partner agreement (besides the public ones): reading it and accepting it.
pub const BEFORE_AGREEMENT_SERVER_FNS: &[&str] = &["agreement", "accept_agreement"];

/// The server functions that take a file, sent as `multipart/form-data`; every other takes a
/// plain form.
pub const FILE_SERVER_FNS: &[&str] =
    &["upload_logo", "upload_content", "claim_mdf", "add_mdf_proof", "upload_partner_import"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_navigation_highlights_the_most_specific_place_only() {
        let items = nav_items(Role::ChannelManager);
        assert_eq!(current_nav(items, "/deals/queue"), Some("/deals/queue"));
        assert_eq!(current_nav(items, "/deals/17"), Some("/deals"));
        assert_eq!(current_nav(items, "/deals"), Some("/deals"));
        assert_eq!(current_nav(items, "/"), Some("/"));
        assert_eq!(current_nav(items, "/partners/4"), Some("/partners"));
        assert_eq!(current_nav(items, "/dealsroom"), None);
        assert_eq!(current_nav(items, "/sign-in"), None);
    }

    #[test]
    fn invitations_follow_the_organisation_chart() {
        // The least privileged first: what an invitation offers unless the inviter chooses more.
        assert_eq!(invitable_roles(Role::Admin, true, true), [Role::Marketing, Role::ChannelManager, Role::Admin]);
        assert_eq!(invitable_roles(Role::Admin, false, false), [Role::PartnerUser, Role::PartnerAdmin]);
        assert_eq!(invitable_roles(Role::PartnerAdmin, false, true), [Role::PartnerUser, Role::PartnerAdmin]);
        assert!(invitable_roles(Role::PartnerAdmin, false, false).is_empty());
        assert!(invitable_roles(Role::PartnerUser, false, true).is_empty());
        assert!(invitable_roles(Role::ChannelManager, false, false).is_empty());
        assert!(invitable_roles(Role::Marketing, true, true).is_empty());
    }

    #[test]
    fn navigation_shows_only_what_the_role_may_open() {
        for role in Role::ALL {
            let hrefs: Vec<_> = nav_items(role).iter().map(|item| item.href).collect();
            assert_eq!(hrefs.contains(&"/admin"), ADMINISTRATION_ROLES.contains(&role), "{role:?}");
            assert_eq!(hrefs.contains(&"/partners"), PARTNER_DIRECTORY_ROLES.contains(&role), "{role:?}");
            assert_eq!(hrefs.contains(&"/deals"), DEAL_ROLES.contains(&role), "{role:?}");
            assert_eq!(hrefs.contains(&"/deals/queue"), DEAL_MANAGER_ROLES.contains(&role), "{role:?}");
            assert_eq!(hrefs.contains(&"/dashboard"), DASHBOARD_ROLES.contains(&role), "{role:?}");
            assert_eq!(hrefs.contains(&"/tier"), OWN_TIER_ROLES.contains(&role), "{role:?}");
            assert_eq!(hrefs.contains(&"/incentives"), INCENTIVE_ROLES.contains(&role), "{role:?}");
            assert_eq!(hrefs.contains(&"/earnings"), OWN_TIER_ROLES.contains(&role), "{role:?}");
            assert!(hrefs.contains(&"/leaderboard"), "{role:?}");
            assert_eq!(hrefs.first(), Some(&"/"));
        }
    }
}
