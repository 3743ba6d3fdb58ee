//! The deal registration form: what each field must hold. Shared by the browser (as the partner
//! types) and the server (again, before anything is written); one source of truth.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::plan::Outcome;
use crate::auth::forms::EmailAddress;
use crate::error::FieldErrors;
use crate::money::{Currency, Money};

/// Whether the partner found the customer (sourced) or helped a vendor deal along (influenced).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    Sourced,
    Influenced,
}

impl Attribution {
    pub fn as_str(self) -> &'static str {
        match self {
            Attribution::Sourced => "sourced",
            Attribution::Influenced => "influenced",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Attribution::Sourced => "Sourced",
            Attribution::Influenced => "Influenced",
        }
    }

    pub fn parse(value: &str) -> Option<Attribution> {
        match value.trim() {
            "sourced" => Some(Attribution::Sourced),
            "influenced" => Some(Attribution::Influenced),
            _ => None,
        }
    }
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(Attribution);

/// The form as typed; field names are the form's input names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealInput {
    pub customer_company: String,
    pub customer_domain: String,
    pub contact_name: String,
    pub contact_email: String,
    pub amount: String,
    pub currency: String,
    pub expected_close_date: String,
    pub products: String,
    pub attribution: String,
    pub notes: String,
    /// The campaign lead it is registered from, if any: the deal counts for that campaign.
    #[serde(default)]
    pub lead: String,
}

impl DealInput {
    /// Every field as typed, by name, to give back with the messages.
    pub fn typed(&self) -> [(&'static str, String); 10] {
        [
            ("customer_company", self.customer_company.clone()),
            ("customer_domain", self.customer_domain.clone()),
            ("contact_name", self.contact_name.clone()),
            ("contact_email", self.contact_email.clone()),
            ("amount", self.amount.clone()),
            ("currency", self.currency.clone()),
            ("expected_close_date", self.expected_close_date.clone()),
            ("products", self.products.clone()),
            ("attribution", self.attribution.clone()),
            ("notes", self.notes.clone()),
        ]
    }
}

/// A deal that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidDeal {
    pub customer_company: String,
    /// As typed, trimmed and lower-cased; the server reduces it to the registrable domain.
    pub customer_domain: String,
    pub contact_name: String,
    pub contact_email: EmailAddress,
    pub amount: Money,
    pub expected_close_date: NaiveDate,
    pub products: Vec<String>,
    pub attribution: Attribution,
    pub notes: String,
}

pub const MAX_PRODUCTS: usize = 20;
pub const MAX_NOTES_CHARS: usize = 2000;
/// How far ahead a close date may lie.
pub const MAX_CLOSE_DAYS_AHEAD: i64 = 730;

/// A required single-line field: trimmed, not empty, at most `max` characters, no control characters.
fn required_text(value: &str, field: &str, max: usize, errors: &mut FieldErrors, empty: &str) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.insert(field.into(), empty.into());
    } else if value.chars().count() > max {
        errors.insert(field.into(), format!("Use at most {max} characters."));
    } else if let Err(message) = crate::text::one_line(value) {
        errors.insert(field.into(), message);
    }
    value.to_owned()
}

pub use crate::text::looks_like_domain;

/// Checks every field at once, so the form can show every message together.
pub fn validate_deal(input: &DealInput, today: NaiveDate) -> Result<ValidDeal, FieldErrors> {
    let mut errors = FieldErrors::new();
    let customer_company = required_text(
        &input.customer_company,
        "customer_company",
        200,
        &mut errors,
        "Enter the customer's company name.",
    );
    let customer_domain = input.customer_domain.trim().to_lowercase();
    if customer_domain.is_empty() {
        errors.insert("customer_domain".into(), "Enter the customer's web domain, like example.com.".into());
    } else if !looks_like_domain(&customer_domain) {
        errors.insert("customer_domain".into(), "Enter a domain like example.com.".into());
    }
    let contact_name =
        required_text(&input.contact_name, "contact_name", 100, &mut errors, "Enter the contact's name.");
    let contact_email = match input.contact_email.trim() {
        "" => {
            errors.insert("contact_email".into(), "Enter the contact's email address.".into());
            None
        }
        typed => EmailAddress::parse(typed).map_err(|message| errors.insert("contact_email".into(), message)).ok(),
    };
    let currency = Currency::parse(&input.currency);
    if currency.is_none() {
        errors.insert("currency".into(), "Choose a currency.".into());
    }
    let amount = currency.and_then(|currency| {
        Money::parse_positive(&input.amount, currency).map_err(|message| errors.insert("amount".into(), message)).ok()
    });
    let expected_close_date = match NaiveDate::parse_from_str(input.expected_close_date.trim(), "%Y-%m-%d") {
        Ok(date) if date < today => {
            errors.insert("expected_close_date".into(), "The expected close date is in the past.".into());
            None
        }
        Ok(date) if date > today + Duration::days(MAX_CLOSE_DAYS_AHEAD) => {
            errors.insert("expected_close_date".into(), "Choose a date within the next two years.".into());
            None
        }
        Ok(date) => Some(date),
        Err(_) => {
            errors.insert("expected_close_date".into(), "Enter the expected close date.".into());
            None
        }
    };
    let products: Vec<String> =
        input.products.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect();
    if crate::text::has_control_characters(&input.products) {
        errors.insert("products".into(), crate::text::ONE_LINE.into());
    } else if products.is_empty() {
        errors.insert("products".into(), "Name at least one product.".into());
    } else if products.len() > MAX_PRODUCTS {
        errors.insert("products".into(), format!("Name at most {MAX_PRODUCTS} products."));
    } else if products.iter().any(|p| p.chars().count() > 80) {
        errors.insert("products".into(), "A product name has at most 80 characters.".into());
    }
    let attribution = Attribution::parse(&input.attribution);
    if attribution.is_none() {
        errors.insert("attribution".into(), "Say whether you sourced or influenced this deal.".into());
    }
    let notes = input.notes.trim().to_owned();
    if notes.chars().count() > MAX_NOTES_CHARS {
        errors.insert("notes".into(), format!("Use at most {MAX_NOTES_CHARS} characters."));
    }
    match (contact_email, amount, expected_close_date, attribution) {
        (Some(contact_email), Some(amount), Some(expected_close_date), Some(attribution)) if errors.is_empty() => {
            Ok(ValidDeal {
                customer_company,
                customer_domain,
                contact_name,
                contact_email,
                amount,
                expected_close_date,
                products,
                attribution,
                notes,
            })
        }
        _ => Err(errors),
    }
}

/// The outcome form of an approved deal: won or lost, the final amount in the deal's currency,
/// and the day it closed (not in the future). Every bad field is named.
pub fn validate_outcome(
    outcome: &str,
    final_amount: &str,
    closed_on: &str,
    currency: Currency,
    today: NaiveDate,
) -> Result<(Outcome, Money, NaiveDate), FieldErrors> {
    let mut errors = FieldErrors::new();
    let outcome = match outcome {
        "won" => Some(Outcome::Won),
        "lost" => Some(Outcome::Lost),
        _ => {
            errors.insert("outcome".into(), "Choose won or lost.".into());
            None
        }
    };
    let amount = Money::parse_positive(final_amount, currency)
        .map_err(|message| errors.insert("final_amount".into(), message))
        .ok();
    let date = match NaiveDate::parse_from_str(closed_on.trim(), "%Y-%m-%d") {
        Ok(date) if date > today => {
            errors.insert("closed_on".into(), "The close date cannot be in the future.".into());
            None
        }
        Ok(date) => Some(date),
        Err(_) => {
            errors.insert("closed_on".into(), "Enter the date the deal closed.".into());
            None
        }
    };
    match (outcome, amount, date) {
        (Some(outcome), Some(amount), Some(date)) if errors.is_empty() => Ok((outcome, amount, date)),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outcome_needs_won_or_lost_an_amount_and_a_past_day() {
        let ok = validate_outcome("won", "1,000.50", "2026-11-24", Currency::EUR, today()).expect("valid");
        assert_eq!(ok, (Outcome::Won, Money { minor: 100_050, currency: Currency::EUR }, today()));
        let errors = validate_outcome("maybe", "-1", "2026-11-25", Currency::USD, today()).expect_err("invalid");
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["closed_on", "final_amount", "outcome"]);
        let errors = validate_outcome("lost", "10", "", Currency::USD, today()).expect_err("invalid");
        assert_eq!(errors.get("closed_on").map(String::as_str), Some("Enter the date the deal closed."));
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
    }

    fn good() -> DealInput {
        DealInput {
            customer_company: "Globex Inc.".into(),
            customer_domain: "WWW.Globex.com".into(),
            contact_name: "Hank Scorpio".into(),
            contact_email: "hank@globex.com".into(),
            amount: "125,000.00".into(),
            currency: "usd".into(),
            expected_close_date: "2027-02-15".into(),
            products: "Cloud Suite, Backup Pro".into(),
            attribution: "sourced".into(),
            notes: "Met at the partner summit.".into(),
            lead: String::new(),
        }
    }

    #[test]
    fn a_complete_form_is_a_valid_deal() {
        let deal = validate_deal(&good(), today()).expect("valid");
        assert_eq!(deal.amount, Money { minor: 12_500_000, currency: Currency::USD });
        assert_eq!(deal.customer_domain, "www.globex.com");
        assert_eq!(deal.products, ["Cloud Suite", "Backup Pro"]);
        assert_eq!(deal.attribution, Attribution::Sourced);
        assert_eq!(deal.contact_email.as_str(), "hank@globex.com");
    }

    #[test]
    fn an_empty_form_gets_a_message_for_every_required_field() {
        let errors = validate_deal(&DealInput::default(), today()).expect_err("invalid");
        let fields: Vec<_> = errors.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            [
                "attribution",
                "contact_email",
                "contact_name",
                "currency",
                "customer_company",
                "customer_domain",
                "expected_close_date",
                "products"
            ]
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        type Spoil = fn(&mut DealInput);
        let cases: [(Spoil, &str); 12] = [
            (|d| d.customer_domain = "globex".into(), "customer_domain"),
            (|d| d.contact_email = "hank at globex".into(), "contact_email"),
            (|d| d.amount = "-10".into(), "amount"),
            (|d| d.amount = "10.001".into(), "amount"),
            (|d| d.currency = "XYZ".into(), "currency"),
            (|d| d.expected_close_date = "2026-11-23".into(), "expected_close_date"),
            (|d| d.expected_close_date = "2030-01-01".into(), "expected_close_date"),
            (|d| d.attribution = "both".into(), "attribution"),
            (|d| d.notes = "x".repeat(MAX_NOTES_CHARS + 1), "notes"),
            (|d| d.customer_company = "Globex\nINFO tessera: forged".into(), "customer_company"),
            (|d| d.contact_name = "Hank\tScorpio".into(), "contact_name"),
            (|d| d.products = "Cloud\r\nSuite".into(), "products"),
        ];
        for (spoil, field) in cases {
            let mut input = good();
            spoil(&mut input);
            let errors = validate_deal(&input, today()).expect_err(field);
            assert_eq!(errors.keys().collect::<Vec<_>>(), [field], "only {field} is wrong");
        }
    }

    #[test]
    fn closing_today_is_allowed() {
        let mut input = good();
        input.expected_close_date = "2026-11-24".into();
        assert!(validate_deal(&input, today()).is_ok());
    }
}
