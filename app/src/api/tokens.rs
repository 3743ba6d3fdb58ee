//! API tokens, pure: what a token may be used for (its scopes), who may make one with which
//! scopes, the form that makes one and where a token stands. The secret and its hash are the
//! server's ([`crate::auth::secrets`]).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::error::FieldErrors;

/// What a token may be used for. Stored and sent by [`Scope::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Scope {
    DealsRead,
    DealsWrite,
    PartnersRead,
    PeopleRead,
    TiersRead,
    CertificationsRead,
    LeadsRead,
    CampaignsRead,
    MdfRead,
    LedgerRead,
}

impl Scope {
    pub const ALL: [Scope; 10] = [
        Scope::DealsRead,
        Scope::DealsWrite,
        Scope::PartnersRead,
        Scope::PeopleRead,
        Scope::TiersRead,
        Scope::CertificationsRead,
        Scope::LeadsRead,
        Scope::CampaignsRead,
        Scope::MdfRead,
        Scope::LedgerRead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::DealsRead => "deals:read",
            Scope::DealsWrite => "deals:write",
            Scope::PartnersRead => "partners:read",
            Scope::PeopleRead => "people:read",
            Scope::TiersRead => "tiers:read",
            Scope::CertificationsRead => "certifications:read",
            Scope::LeadsRead => "leads:read",
            Scope::CampaignsRead => "campaigns:read",
            Scope::MdfRead => "mdf:read",
            Scope::LedgerRead => "ledger:read",
        }
    }

    pub fn parse(value: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == value)
    }

    /// What the token page says it allows.
    pub fn label(self) -> &'static str {
        match self {
            Scope::DealsRead => "Read deals and their timelines",
            Scope::DealsWrite => "Register deals and move them through the workflow",
            Scope::PartnersRead => "Read partner organisations",
            Scope::PeopleRead => "Read partners' people: names, email addresses and roles",
            Scope::TiersRead => "Read partners' tiers and tier history",
            Scope::CertificationsRead => "Read the certifications partners' people hold",
            Scope::LeadsRead => "Read leads from partners' landing pages and the partner locator",
            Scope::CampaignsRead => "Read co-branded campaigns (a partner's: those open to it)",
            Scope::MdfRead => "Read requests for market development and co-op funds, and their claims' states",
            Scope::LedgerRead => "Read partners' incentive ledger entries: margins, rebates, SPIFFs and funds paid",
        }
    }

    /// The scopes whose tokens `role` may make: admins for the whole program, partner admins for
    /// their own organisation. Nobody else makes tokens.
    pub fn offered_to(role: Role) -> &'static [Scope] {
        match role {
            Role::Admin | Role::PartnerAdmin => &Scope::ALL,
            Role::ChannelManager | Role::Marketing | Role::PartnerUser => &[],
        }
    }
}

/// A token's scopes, stored as their names separated by spaces.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scopes(pub Vec<Scope>);

impl Scopes {
    pub fn allows(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    pub fn stored(&self) -> String {
        self.0.iter().map(|scope| scope.as_str()).collect::<Vec<_>>().join(" ")
    }

    /// The scopes of a stored list; a name no scope has (written by a later version) is left out.
    pub fn from_stored(stored: &str) -> Scopes {
        let mut scopes: Vec<Scope> = stored.split_whitespace().filter_map(Scope::parse).collect();
        scopes.sort();
        scopes.dedup();
        Scopes(scopes)
    }
}

impl TryFrom<String> for Scopes {
    type Error = String;
    fn try_from(value: String) -> Result<Scopes, String> {
        Ok(Scopes::from_stored(&value))
    }
}

/// How long a token may last, in days: the choices the form offers.
pub const LIFETIMES: [i64; 4] = [30, 90, 180, 365];

/// The form that makes a token, as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenInput {
    pub name: String,
    /// Each scope ticked, by name.
    pub scopes: Vec<String>,
    /// Days until it expires, one of [`LIFETIMES`].
    pub days: String,
}

/// A checked [`TokenInput`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewToken {
    pub name: String,
    pub scopes: Scopes,
    pub expires_at: DateTime<Utc>,
}

/// The longest name a token takes.
pub const NAME_CHARS: usize = 80;

impl TokenInput {
    /// The token `role` asks for at `now`, or every field's problem at once.
    pub fn check(&self, role: Role, now: DateTime<Utc>) -> Result<NewToken, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.insert(
                "name".into(),
                "Name the token after what will use it, such as \u{201c}CRM sync\u{201d}.".into(),
            );
        } else if name.chars().count() > NAME_CHARS {
            errors.insert("name".into(), format!("Keep the name to {NAME_CHARS} characters."));
        }
        let offered = Scope::offered_to(role);
        let mut scopes = Vec::new();
        for raw in &self.scopes {
            match Scope::parse(raw.trim()).filter(|scope| offered.contains(scope)) {
                Some(scope) => scopes.push(scope),
                None => {
                    errors
                        .insert("scopes".into(), format!("\u{201c}{raw}\u{201d} is not a scope you can give a token."));
                }
            }
        }
        scopes.sort();
        scopes.dedup();
        if scopes.is_empty() && !errors.contains_key("scopes") {
            errors.insert("scopes".into(), "Tick at least one thing the token may do.".into());
        }
        let days = self.days.trim().parse::<i64>().ok().filter(|days| LIFETIMES.contains(days));
        if days.is_none() {
            errors.insert("days".into(), "Choose how long the token lasts: 30, 90, 180 or 365 days.".into());
        }
        match (errors.is_empty(), days) {
            (true, Some(days)) => {
                Ok(NewToken { name: name.to_owned(), scopes: Scopes(scopes), expires_at: now + Duration::days(days) })
            }
            _ => Err(errors),
        }
    }
}

/// Where a token stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
}

impl TokenState {
    pub fn at(expires_at: DateTime<Utc>, revoked_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> TokenState {
        match (revoked_at, now < expires_at) {
            (Some(_), _) => TokenState::Revoked,
            (None, false) => TokenState::Expired,
            (None, true) => TokenState::Active,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TokenState::Active => "Active",
            TokenState::Expired => "Expired",
            TokenState::Revoked => "Revoked",
        }
    }
}

/// One token as its organisation's token page lists it (never its secret or hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub scopes: Scopes,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_used_from: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenRow {
    pub fn state(&self, now: DateTime<Utc>) -> TokenState {
        TokenState::at(self.expires_at, self.revoked_at, now)
    }
}

/// What the token page shows: the organisation's tokens, what the form offers, and a secret just
/// made (shown this once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenPage {
    pub organisation: String,
    pub tokens: Vec<TokenRow>,
    pub offered: Vec<Scope>,
    pub fresh: Option<FreshToken>,
    pub now: DateTime<Utc>,
}

/// A token just made, with its secret: the only time anyone sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreshToken {
    pub id: i64,
    pub name: String,
    pub secret: String,
}

/// What every token's secret begins with, so a leaked one is recognised (and found by scanners).
pub const SECRET_PREFIX: &str = "tsr_";

/// The characters of a secret kept to tell tokens apart: the prefix and the next eight.
pub fn visible_prefix(secret: &str) -> String {
    secret.chars().take(SECRET_PREFIX.len() + 8).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).single().expect("time")
    }

    fn input(name: &str, scopes: &[&str], days: &str) -> TokenInput {
        TokenInput { name: name.into(), scopes: scopes.iter().map(|s| s.to_string()).collect(), days: days.into() }
    }

    #[test]
    fn a_token_is_made_with_its_scopes_and_expiry() {
        let token = input(" CRM sync ", &["deals:write", "deals:read", "deals:read"], "90")
            .check(Role::PartnerAdmin, now())
            .expect("valid");
        assert_eq!(token.name, "CRM sync");
        assert_eq!(token.scopes, Scopes(vec![Scope::DealsRead, Scope::DealsWrite]));
        assert_eq!(token.expires_at, now() + Duration::days(90));
        assert_eq!(token.scopes.stored(), "deals:read deals:write");
        assert_eq!(Scopes::from_stored("deals:write deals:read later:scope"), token.scopes);
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let errors = input("", &[], "7").check(Role::Admin, now()).expect_err("invalid");
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["days", "name", "scopes"]);
        let long = "x".repeat(NAME_CHARS + 1);
        let errors = input(&long, &["deals:delete"], "30").check(Role::Admin, now()).expect_err("invalid");
        assert!(errors["name"].contains("80"));
        assert!(errors["scopes"].contains("deals:delete"));
    }

    #[test]
    fn only_admins_and_partner_admins_make_tokens() {
        for role in Role::ALL {
            let made = input("Sync", &["deals:read"], "30").check(role, now());
            assert_eq!(made.is_ok(), matches!(role, Role::Admin | Role::PartnerAdmin), "{role:?}");
        }
    }

    #[test]
    fn a_token_is_active_until_it_expires_or_is_revoked() {
        let expires = now() + Duration::days(1);
        assert_eq!(TokenState::at(expires, None, now()), TokenState::Active);
        assert_eq!(TokenState::at(expires, None, expires), TokenState::Expired);
        assert_eq!(TokenState::at(expires, Some(now()), now()), TokenState::Revoked);
        assert_eq!(visible_prefix("tsr_abcdefghijklmnop"), "tsr_abcdefgh");
    }
}
