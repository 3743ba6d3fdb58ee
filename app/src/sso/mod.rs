//! Single sign-on with OpenID Connect: the vendor, and any partner that wants to, signs its people
//! in through its own identity provider (the authorization code flow with PKCE). A connection is
//! chosen by the email's domain; the first sign-in links the provider's identity to the person's
//! account (or turns their waiting invitation into one), and nobody without either gets in. The
//! vendor's connection may turn password sign-in off for its staff.
//!
//! What the provider said is judged by one pure rule, [`plan`]; the protocol is in `flow`, the
//! connections and sign-ins under way in `store`.

#[cfg(feature = "ssr")]
pub mod flow;
mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

pub use pages::{SingleSignOnForm, SingleSignOnPage};

use serde::{Deserialize, Serialize};

/// Where the provider sends the browser back to: register `{public_url}{CALLBACK_PATH}` with it.
pub const CALLBACK_PATH: &str = "/sso/callback";
/// Where a browser without JavaScript goes on to the provider from.
pub const ONWARD_PATH: &str = "/sso/onward";
/// How long a sign-in may take at the provider.
pub const ATTEMPT_MINUTES: i64 = 10;
/// The cookie that binds a sign-in under way to the browser that began it.
pub const ATTEMPT_COOKIE: &str = "tessera_sso";

/// Why single sign-on signed nobody in, as the sign-in page says it (`?sso=…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// The sign-in took too long, was used already, or began in another browser.
    Expired,
    /// The provider could not be reached or answered wrongly (the ID token did not verify).
    ProviderFailed,
    /// The person cancelled at the provider, or it refused them.
    Denied,
    /// The provider gave no email address, or did not say it verified it.
    NoVerifiedEmail,
    /// The email's domain is not one this connection signs in.
    OtherDomain,
    /// No account and no invitation for the address.
    NoAccount,
    /// The account belongs to another organisation than the connection's.
    OtherOrganisation,
    Deactivated,
    /// The account is linked to another identity at the provider, or the identity to another account.
    LinkedElsewhere,
}

impl Refusal {
    pub const ALL: [Refusal; 9] = [
        Refusal::Expired,
        Refusal::ProviderFailed,
        Refusal::Denied,
        Refusal::NoVerifiedEmail,
        Refusal::OtherDomain,
        Refusal::NoAccount,
        Refusal::OtherOrganisation,
        Refusal::Deactivated,
        Refusal::LinkedElsewhere,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Expired => "expired",
            Refusal::ProviderFailed => "provider",
            Refusal::Denied => "denied",
            Refusal::NoVerifiedEmail => "email",
            Refusal::OtherDomain => "domain",
            Refusal::NoAccount => "no_account",
            Refusal::OtherOrganisation => "organisation",
            Refusal::Deactivated => "deactivated",
            Refusal::LinkedElsewhere => "linked",
        }
    }

    pub fn parse(value: &str) -> Option<Refusal> {
        Refusal::ALL.into_iter().find(|refusal| refusal.as_str() == value)
    }

    /// What the person is told.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Expired => "That single sign-on took too long or was used already. Please start again.",
            Refusal::ProviderFailed => {
                "Your identity provider could not be reached or its answer could not be verified. Please try again \
                 in a moment, or tell your administrator."
            }
            Refusal::Denied => "Your identity provider did not sign you in.",
            Refusal::NoVerifiedEmail => {
                "Your identity provider did not give an email address it has verified, so Tessera cannot tell who you \
                 are. Ask your administrator."
            }
            Refusal::OtherDomain => {
                "Your identity provider signed you in with an address it does not sign in to Tessera for."
            }
            Refusal::NoAccount => {
                "There is no Tessera account or invitation for your address. Ask your administrator to invite you."
            }
            Refusal::OtherOrganisation => "Your Tessera account belongs to another organisation than this sign-on's.",
            Refusal::Deactivated => "Your Tessera account has been deactivated. Ask your administrator.",
            Refusal::LinkedElsewhere => {
                "Your Tessera account is linked to another identity at your provider. Ask your administrator."
            }
        }
    }
}

/// Who the provider says signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asserted {
    /// Lower case.
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    /// The issuer and its subject: the identity, for good.
    pub subject: String,
    /// The person's name, as a new account takes it.
    pub name: Option<String>,
}

/// The account with the asserted address, as the rule needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub user_id: i64,
    pub organisation_id: i64,
    pub active: bool,
    pub subject: Option<String>,
}

/// What the connection and the database say of the asserted person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing<'a> {
    /// The connection's organisation and its email domains.
    pub organisation_id: i64,
    pub domains: &'a [String],
    pub account: Option<Account>,
    /// The account the identity is linked to already, if any.
    pub subject_owner: Option<i64>,
    /// A waiting invitation for the address into the connection's organisation.
    pub invitation: Option<i64>,
}

/// What signing in does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Signs the account in, linking the identity to it first when `link`.
    SignIn { user_id: i64, link: bool },
    /// Turns the waiting invitation into an account linked to the identity, and signs it in.
    Accept { invitation_id: i64 },
}

/// The one rule of who a provider's answer signs in: a verified address of one of the
/// connection's domains, whose account is in the connection's organisation, active, and linked
/// to this identity or to none (nor the identity to another account); with no account, a waiting
/// invitation into that organisation.
pub fn plan(asserted: &Asserted, standing: &Standing<'_>) -> Result<Plan, Refusal> {
    let email = match (&asserted.email, asserted.email_verified) {
        // Only an address the provider vouches for links an account: one a person typed there
        // could be anyone's.
        (Some(email), Some(true)) => email,
        _ => return Err(Refusal::NoVerifiedEmail),
    };
    let domain = email.rsplit_once('@').map(|(_, domain)| domain).unwrap_or_default();
    if !standing.domains.iter().any(|known| known == domain) {
        return Err(Refusal::OtherDomain);
    }
    let owner_differs = |user_id: i64| standing.subject_owner.is_some_and(|owner| owner != user_id);
    match (&standing.account, standing.invitation) {
        (Some(account), _) if account.organisation_id != standing.organisation_id => Err(Refusal::OtherOrganisation),
        (Some(account), _) if !account.active => Err(Refusal::Deactivated),
        (Some(account), _)
            if account.subject.as_ref().is_some_and(|linked| *linked != asserted.subject)
                || owner_differs(account.user_id) =>
        {
            Err(Refusal::LinkedElsewhere)
        }
        (Some(account), _) => Ok(Plan::SignIn { user_id: account.user_id, link: account.subject.is_none() }),
        (None, _) if standing.subject_owner.is_some() => Err(Refusal::LinkedElsewhere),
        (None, Some(invitation_id)) => Ok(Plan::Accept { invitation_id }),
        (None, None) => Err(Refusal::NoAccount),
    }
}

/// A connection as the administration lists it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionView {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation: String,
    pub is_vendor: bool,
    pub issuer: String,
    pub client_id: String,
    pub domains: Vec<String>,
    pub staff_passwords_off: bool,
}

/// The administration's page: the connections, who may have one, and the address to register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SingleSignOnView {
    pub connections: Vec<ConnectionView>,
    /// (id, name) of the vendor first, then the partners.
    pub organisations: Vec<(i64, String)>,
    pub callback_url: String,
}

/// The domains a form lists (commas, spaces or lines between), in lower case, each once.
pub fn domains_of(text: &str) -> Vec<String> {
    let mut domains: Vec<String> = text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .map(|domain| domain.trim().trim_start_matches('@').trim_end_matches('.').to_lowercase())
        .filter(|domain| !domain.is_empty())
        .collect();
    domains.sort();
    domains.dedup();
    domains
}

#[cfg(test)]
mod tests;
