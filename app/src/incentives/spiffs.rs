//! SPIFFs' pure rules: a time-boxed promotion pays a fixed amount for each won deal that meets its
//! rule (products, minimum size, a new customer, the partner's tier and type), or once for each
//! rep who wins one. Marketing writes a draft and launches it; from then its rule stands.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ledger::{EntryKind, NewEntry, WonDeal, quarter_of};
use crate::error::FieldErrors;
use crate::money::{Currency, Money};
use crate::tiers::audience::{Audience, AudienceChoices};

/// What a SPIFF pays for. Stored by [`Basis::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Basis {
    /// Every qualifying won deal.
    PerDeal,
    /// The first qualifying won deal of each rep (the person who registered it).
    PerRep,
}

impl Basis {
    pub const ALL: [Basis; 2] = [Basis::PerDeal, Basis::PerRep];

    pub fn as_str(self) -> &'static str {
        match self {
            Basis::PerDeal => "deal",
            Basis::PerRep => "rep",
        }
    }

    pub fn parse(raw: &str) -> Option<Basis> {
        Basis::ALL.into_iter().find(|basis| basis.as_str() == raw.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Basis::PerDeal => "Per qualifying deal",
            Basis::PerRep => "Per rep, for their first qualifying deal",
        }
    }
}

/// Where a SPIFF stands. Stored by [`SpiffState::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SpiffState {
    /// Marketing's to change; partners do not see it and it pays nothing.
    Draft,
    /// Shown to its audience and paying within its window.
    Launched,
}

impl SpiffState {
    pub fn as_str(self) -> &'static str {
        match self {
            SpiffState::Draft => "draft",
            SpiffState::Launched => "launched",
        }
    }

    pub fn parse(raw: &str) -> Option<SpiffState> {
        [SpiffState::Draft, SpiffState::Launched].into_iter().find(|state| state.as_str() == raw)
    }
}

/// Which won deals a SPIFF pays for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// A deal must name one of these products (in any case); none: any product.
    pub products: Vec<String>,
    /// The smallest final amount that qualifies, in the SPIFF's currency; 0: any.
    pub min_amount_minor: i64,
    /// Only a customer no deal was won with before.
    pub new_logo_only: bool,
    pub audience: Audience,
}

/// A SPIFF as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spiff {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub rule: Rule,
    pub basis: Basis,
    pub payout_minor: i64,
    pub currency: Currency,
    pub state: SpiffState,
}

/// What a won deal is judged on, besides its window: the facts the store gathers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WinFacts<'a> {
    pub won_on: NaiveDate,
    pub tier: Option<i64>,
    pub partner_type: Option<i64>,
    /// As the deal names them, comma-separated.
    pub products: &'a str,
    /// The final amount in the SPIFF's currency.
    pub amount_minor: i64,
    /// No other deal with the customer's domain was won.
    pub new_logo: bool,
    /// Who registered the deal.
    pub rep_id: i64,
    pub rep_name: &'a str,
}

/// Why a won deal does not earn a SPIFF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Miss {
    NotLaunched,
    OutsideWindow,
    Audience,
    Product,
    BelowMinimum,
    KnownCustomer,
}

/// Where a SPIFF stands on `today`, as people read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Draft,
    Upcoming,
    Open,
    Ended,
    /// Ended before its first day.
    Cancelled,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Draft => "Draft",
            Phase::Upcoming => "Starts soon",
            Phase::Open => "Open",
            Phase::Ended => "Ended",
            Phase::Cancelled => "Cancelled",
        }
    }
}

impl Spiff {
    pub fn phase(&self, today: NaiveDate) -> Phase {
        match self.state {
            SpiffState::Draft => Phase::Draft,
            SpiffState::Launched if self.ends_on < self.starts_on => Phase::Cancelled,
            SpiffState::Launched if today > self.ends_on => Phase::Ended,
            SpiffState::Launched if today < self.starts_on => Phase::Upcoming,
            SpiffState::Launched => Phase::Open,
        }
    }

    /// Whether a partner of `tier` and `partner_type` is offered it on `today`: launched, open or
    /// about to open, and aimed at it.
    pub fn offered_to(&self, tier: Option<i64>, partner_type: Option<i64>, today: NaiveDate) -> bool {
        matches!(self.phase(today), Phase::Open | Phase::Upcoming) && self.rule.audience.includes(tier, partner_type)
    }

    /// The first day of a draft launched on `today`: its own, or today when that has passed (a
    /// win before its launch does not earn it).
    pub fn launch_from(&self, today: NaiveDate) -> NaiveDate {
        self.starts_on.max(today)
    }

    /// The last day it has when ended early on `today`: today while it is open (deals won today
    /// still earn it), the day before its first while it is to come (cancelled); `None` when it
    /// is not launched or ends by today anyway.
    pub fn end_early(&self, today: NaiveDate) -> Option<NaiveDate> {
        match self.phase(today) {
            Phase::Open if self.ends_on > today => Some(today),
            Phase::Upcoming => self.starts_on.pred_opt(),
            _ => None,
        }
    }

    /// Whether a deal won with `win`'s facts earns this SPIFF, and why not (paid per rep, only
    /// while the rep holds none of it: see [`earned`]).
    pub fn judge(&self, win: &WinFacts<'_>) -> Result<(), Miss> {
        let named = |product: &str| {
            win.products.split(',').map(str::trim).any(|named| named.eq_ignore_ascii_case(product.trim()))
        };
        if self.state != SpiffState::Launched {
            Err(Miss::NotLaunched)
        } else if win.won_on < self.starts_on || win.won_on > self.ends_on {
            Err(Miss::OutsideWindow)
        } else if !self.rule.audience.includes(win.tier, win.partner_type) {
            Err(Miss::Audience)
        } else if !self.rule.products.is_empty() && !self.rule.products.iter().any(|product| named(product)) {
            Err(Miss::Product)
        } else if win.amount_minor < self.rule.min_amount_minor {
            Err(Miss::BelowMinimum)
        } else if self.rule.new_logo_only && !win.new_logo {
            Err(Miss::KnownCustomer)
        } else {
            Ok(())
        }
    }

    /// The rule in words: "Backup Pro or Vault · from 10,000.00 USD · new customers only".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        parts.push(match self.rule.products.is_empty() {
            true => "Any product".to_owned(),
            false => self.rule.products.join(" or "),
        });
        if self.rule.min_amount_minor > 0 {
            parts.push(format!(
                "from {}",
                Money { minor: self.rule.min_amount_minor, currency: self.currency }.display()
            ));
        }
        if self.rule.new_logo_only {
            parts.push("new customers only".to_owned());
        }
        parts.join(" · ")
    }
}

/// The SPIFF entries of a won deal: one for each SPIFF it earns (`win` judged in each SPIFF's
/// currency). An entry paid per rep names the rep; the ledger's writer books it only while the
/// rep holds none of that SPIFF, under its lock, so two wins at once pay a rep once.
pub fn earned(spiffs: &[(Spiff, WinFacts<'_>)], deal: &WonDeal<'_>, at: DateTime<Utc>) -> Vec<NewEntry> {
    spiffs
        .iter()
        .filter(|(spiff, win)| spiff.judge(win).is_ok())
        .map(|(spiff, win)| {
            let per_rep = spiff.basis == Basis::PerRep;
            let description = match per_rep {
                true => format!(
                    "SPIFF \u{201c}{}\u{201d}: {}'s first qualifying deal ({})",
                    spiff.name, win.rep_name, deal.customer_company
                ),
                false => format!("SPIFF \u{201c}{}\u{201d} on {}", spiff.name, deal.customer_company),
            };
            NewEntry {
                organisation_id: deal.organisation_id,
                kind: EntryKind::Spiff,
                deal_id: Some(deal.deal_id),
                amount_minor: spiff.payout_minor,
                currency: spiff.currency.code().to_owned(),
                basis_minor: None,
                rate_bp: None,
                period_start: quarter_of(at.date_naive()),
                description,
                reverses: None,
                booked_by: None,
                booked_at: at,
                spiff_id: Some(spiff.id),
                rep_id: per_rep.then_some(win.rep_id),
                mdf_request_id: None,
            }
        })
        .collect()
}

/// The most days a SPIFF may run, its first and last included.
pub const MAX_WINDOW_DAYS: i64 = 366;
pub const MAX_PRODUCTS: usize = 20;

/// A SPIFF as marketing types it; field names are the form's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpiffInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub starts_on: String,
    pub ends_on: String,
    /// Comma-separated; empty for any product.
    #[serde(default)]
    pub products: String,
    #[serde(default)]
    pub min_amount: String,
    /// A ticked box sends `on`.
    #[serde(default)]
    pub new_logo_only: Option<String>,
    #[serde(default)]
    pub tiers: Vec<String>,
    #[serde(default)]
    pub types: Vec<String>,
    pub basis: String,
    pub payout: String,
}

impl SpiffInput {
    /// The fields as typed, to give back with the messages.
    pub fn typed(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.clone()),
            ("description", self.description.clone()),
            ("starts_on", self.starts_on.clone()),
            ("ends_on", self.ends_on.clone()),
            ("products", self.products.clone()),
            ("min_amount", self.min_amount.clone()),
            ("basis", self.basis.clone()),
            ("payout", self.payout.clone()),
        ]
    }

    /// The draft SPIFF it describes (id 0), paying in `currency`, or every field's problem.
    /// It must not have ended before `today`.
    pub fn check(&self, choices: &AudienceChoices, currency: Currency, today: NaiveDate) -> Result<Spiff, FieldErrors> {
        let mut fields = FieldErrors::new();
        let name = crate::text::required_line(&self.name, 80, "Name the SPIFF, as partners will see it.")
            .map_err(|problem| fields.insert("name".into(), problem))
            .unwrap_or_default()
            .to_owned();
        let description = self.description.trim().replace("\r\n", "\n");
        if description.chars().count() > 1_000 {
            fields.insert("description".into(), "Use at most 1,000 characters.".into());
        }
        let (starts_on, ends_on) =
            crate::text::date_window(&mut fields, (&self.starts_on, &self.ends_on), MAX_WINDOW_DAYS);
        if ends_on.is_some_and(|ends| ends < today) && !fields.contains_key("ends_on") {
            fields.insert("ends_on".into(), "End it today or later: a SPIFF pays for deals won from now on.".into());
        }
        let products: Vec<String> =
            self.products.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect();
        if crate::text::has_control_characters(&self.products) {
            fields.insert("products".into(), crate::text::ONE_LINE.into());
        } else if products.len() > MAX_PRODUCTS {
            fields.insert("products".into(), format!("Name at most {MAX_PRODUCTS} products."));
        } else if products.iter().any(|p| p.chars().count() > 100) {
            fields.insert("products".into(), "Keep each product's name to 100 characters.".into());
        }
        let min_amount_minor = match self.min_amount.trim() {
            // Nothing, or nothing but zeros: any size.
            raw if raw.chars().all(|c| matches!(c, '0' | '.' | ',' | ' ')) => 0,
            raw => Money::parse_positive(raw, currency)
                .map(|money| money.minor)
                .map_err(|problem| fields.insert("min_amount".into(), problem))
                .unwrap_or_default(),
        };
        let audience = choices.choose(&self.tiers, &self.types, &mut fields);
        let basis = Basis::parse(&self.basis);
        if basis.is_none() {
            fields.insert("basis".into(), "Choose per deal or per rep.".into());
        }
        let payout_minor = Money::parse_positive(&self.payout, currency)
            .map(|money| money.minor)
            .map_err(|problem| fields.insert("payout".into(), problem))
            .unwrap_or_default();
        match (starts_on, ends_on, basis) {
            (Some(starts_on), Some(ends_on), Some(basis)) if fields.is_empty() => Ok(Spiff {
                id: 0,
                name,
                description,
                starts_on,
                ends_on,
                rule: Rule { products, min_amount_minor, new_logo_only: self.new_logo_only.is_some(), audience },
                basis,
                payout_minor,
                currency,
                state: SpiffState::Draft,
            }),
            _ => Err(fields),
        }
    }
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(Basis, SpiffState);
