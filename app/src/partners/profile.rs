//! A partner's company profile: what it tells the program and, later, its prospects (its website,
//! contact, where it is and what it does). Its partner admin keeps it; once every field is filled
//! the profile is complete, which ticks the onboarding milestone.

use serde::{Deserialize, Serialize};

use crate::auth::forms::EmailAddress;
use crate::error::FieldErrors;
use crate::text::required_line;

pub const MAX_LINE: usize = 120;
pub const MAX_ABOUT: usize = 800;
/// The largest logo file taken, in bytes.
pub const MAX_LOGO_BYTES: usize = 1024 * 1024;
/// The widest or tallest a logo may be, in pixels: no viewer's browser should have to decode
/// more for a logo.
pub const MAX_LOGO_SIDE: u32 = 4096;

/// The profile as stored, and as its form sends it; an empty field is one not filled in yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CompanyProfile {
    /// The company's name, as the whole portal shows it.
    pub name: String,
    /// Its region, one of the program's regions.
    pub region: String,
    pub website: String,
    pub contact_email: String,
    pub phone: String,
    pub city: String,
    pub country: String,
    pub about: String,
}

/// A partner as the public partner locator shows it ([`crate::locator`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Listing {
    pub id: i64,
    pub name: String,
    pub region: String,
    pub partner_type: String,
    pub tier: String,
    /// Its tier's rank (higher first in a list).
    pub tier_rank: i64,
    pub city: String,
    pub country: String,
    pub website: String,
    pub contact_email: String,
    pub phone: String,
    pub about: String,
}

/// Whether a partner is listed in the public partner locator, as its company profile page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingStanding {
    pub listed: bool,
    /// What keeps a listed partner off the locator for now (its profile incomplete, the
    /// agreement not accepted); none when prospects see it.
    pub held_back: Option<String>,
}

impl ListingStanding {
    /// A partner `listed` or not, its profile complete or not, that must accept the current
    /// partner agreement by `agreement_due` (none: it has), at `now`: prospects see it when it is
    /// listed, its profile complete and it may use the portal.
    pub fn of(
        listed: bool,
        profile_complete: bool,
        agreement_due: Option<chrono::DateTime<chrono::Utc>>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> ListingStanding {
        let held_back = if !profile_complete {
            Some("Complete your company profile first: prospects see all of it.".to_owned())
        } else if agreement_due.is_some_and(|due| due <= now) {
            Some("Accept the partner agreement first.".to_owned())
        } else {
            None
        };
        ListingStanding { listed, held_back }
    }

    /// Whether prospects see it.
    pub fn shown(&self) -> bool {
        self.listed && self.held_back.is_none()
    }
}

impl CompanyProfile {
    /// Every field filled.
    pub fn complete(&self) -> bool {
        self.details().iter().chain([&self.name, &self.region].iter()).all(|field| !field.trim().is_empty())
    }

    /// Whether its partner admin has filled in anything beyond the name and region the program
    /// gave it.
    pub fn started(&self) -> bool {
        self.details().iter().any(|field| !field.trim().is_empty())
    }

    fn details(&self) -> [&String; 6] {
        [&self.website, &self.contact_email, &self.phone, &self.city, &self.country, &self.about]
    }
}

impl CompanyProfile {
    /// The profile as a form sent it, checked: every field's problem at once. Each field is required: a half-filled profile is still
    /// saved by filling the rest, never by a blank that hides what was there. The region is one of `regions` (the program's
    /// regions it may choose: those in use, and its own even when retired), written as the list writes it.
    pub fn check(&self, regions: &[String]) -> Result<CompanyProfile, FieldErrors> {
        let mut fields = FieldErrors::new();
        let mut keep = |name: &str, result: Result<String, String>| match result {
            Ok(value) => value,
            Err(problem) => {
                fields.insert(name.into(), problem);
                String::new()
            }
        };
        let name = keep("name", line(&self.name, "Enter your company's name.").map(|name| name.to_owned()));
        let region = keep(
            "region",
            regions
                .iter()
                .find(|region| region.to_lowercase() == self.region.trim().to_lowercase())
                .cloned()
                .ok_or_else(|| "Choose your region from the list.".to_owned()),
        );
        let website = keep("website", website(&self.website));
        let contact_email = keep(
            "contact_email",
            EmailAddress::parse(&self.contact_email)
                .map(|email| email.as_str().to_owned())
                .map_err(|_| "Enter the address prospects write to, like sales@company.com.".to_owned()),
        );
        let phone = keep("phone", phone(&self.phone));
        let city = keep("city", line(&self.city, "Enter the city of your main office."));
        let country = keep("country", line(&self.country, "Enter the country of your main office."));
        let about = keep("about", about(&self.about));
        if !fields.is_empty() {
            return Err(fields);
        }
        Ok(CompanyProfile { name, region, website, contact_email, phone, city, country, about })
    }
}

fn line(text: &str, empty: &str) -> Result<String, String> {
    required_line(text, MAX_LINE, empty).map(str::to_owned)
}

/// An `http(s)://` address of a web domain, nothing that could run script.
fn website(text: &str) -> Result<String, String> {
    let text = line(text, "Enter your website, like https://www.company.com.")?;
    crate::text::web_address(&text)
        .map(str::to_owned)
        .ok_or_else(|| "Enter your website's address, like https://www.company.com.".to_owned())
}

/// A phone number as people write one: digits with spaces, dashes, dots, brackets and a leading
/// plus; 6 to 20 digits.
fn phone(text: &str) -> Result<String, String> {
    let text = line(text, "Enter the phone number prospects call.")?;
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let allowed = text.chars().all(|c| c.is_ascii_digit() || " -.()".contains(c))
        || (text.starts_with('+') && text[1..].chars().all(|c| c.is_ascii_digit() || " -.()".contains(c)));
    if !allowed || !(6..=20).contains(&digits) {
        return Err("Enter a phone number of 6 to 20 digits, like +44 20 7946 0000.".to_owned());
    }
    Ok(text)
}

fn about(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Say in a few sentences what your company does and for whom.".to_owned());
    }
    if text.chars().count() > MAX_ABOUT {
        return Err(format!("Use at most {MAX_ABOUT} characters."));
    }
    Ok(text.replace("\r\n", "\n"))
}

#[cfg(test)]
mod listing_tests {
    use super::ListingStanding;
    use chrono::{Duration, Utc};

    #[test]
    fn prospects_see_a_listed_partner_with_a_whole_profile_that_may_use_the_portal() {
        let now = Utc::now();
        let cases = [
            ((true, true, None), true),
            ((true, true, Some(now + Duration::days(3))), true),
            ((true, true, Some(now)), false),
            ((true, false, None), false),
            ((false, true, None), false),
        ];
        for ((listed, complete, due), shown) in cases {
            assert_eq!(ListingStanding::of(listed, complete, due, now).shown(), shown, "{listed} {complete} {due:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions() -> Vec<String> {
        vec!["EMEA".into(), "APAC".into()]
    }

    fn good() -> CompanyProfile {
        CompanyProfile {
            name: " Initech ".into(),
            region: "emea".into(),
            website: "https://www.initech.example/partners".into(),
            contact_email: " Sales@Initech.example ".into(),
            phone: "+44 20 7946 0000".into(),
            city: "London".into(),
            country: "United Kingdom".into(),
            about: "We run cloud migrations for mid-sized firms.".into(),
        }
    }

    #[test]
    fn a_filled_profile_is_complete_and_its_email_is_normalised() {
        let profile = good().check(&regions()).expect("accepted");
        assert!(profile.complete() && profile.started());
        assert_eq!(profile.contact_email, "sales@initech.example");
        assert_eq!((profile.name.as_str(), profile.region.as_str()), ("Initech", "EMEA"));
        assert!(!CompanyProfile { about: String::new(), ..profile.clone() }.complete());
        let given = CompanyProfile { name: "Initech".into(), region: "EMEA".into(), ..CompanyProfile::default() };
        assert!(!given.started() && !given.complete());
    }

    #[test]
    fn every_wrong_field_is_named_at_once() {
        let input = CompanyProfile {
            name: " ".into(),
            region: "Atlantis".into(),
            website: "javascript:alert(1)".into(),
            contact_email: "sales".into(),
            phone: "call us".into(),
            city: "Lon\ndon".into(),
            country: String::new(),
            about: "x".repeat(MAX_ABOUT + 1),
        };
        let fields = input.check(&regions()).expect_err("refused");
        let named: Vec<&str> = fields.keys().map(String::as_str).collect();
        assert_eq!(named, ["about", "city", "contact_email", "country", "name", "phone", "region", "website"]);
    }

    #[test]
    fn websites_and_phone_numbers_as_people_write_them() {
        for good in ["https://initech.example", "http://www.initech.example/", "https://initech.example/a?b#c"] {
            assert!(website(good).is_ok(), "{good}");
        }
        for bad in ["initech.example", "https://", "https://localhost", "ftp://initech.example", "https://a b.example"]
        {
            assert!(website(bad).is_err(), "{bad}");
        }
        for good in ["+1 (555) 010-0199", "020 7946 0000", "555.010.0199"] {
            assert!(phone(good).is_ok(), "{good}");
        }
        for bad in ["12345", "+1 555 010 0199 ext. 4", "++15550100199", "1".repeat(21).as_str()] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }
}
