//! Money: integer minor units with a currency, never floating point.

#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

/// The currencies Tessera accepts, with the digits of their minor unit (ISO 4217).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    USD,
    EUR,
    GBP,
    CAD,
    AUD,
    CHF,
    SEK,
    JPY,
    INR,
    BRL,
}

impl Currency {
    pub const ALL: [Currency; 10] = [
        Currency::USD,
        Currency::EUR,
        Currency::GBP,
        Currency::CAD,
        Currency::AUD,
        Currency::CHF,
        Currency::SEK,
        Currency::JPY,
        Currency::INR,
        Currency::BRL,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Currency::USD => "USD",
            Currency::EUR => "EUR",
            Currency::GBP => "GBP",
            Currency::CAD => "CAD",
            Currency::AUD => "AUD",
            Currency::CHF => "CHF",
            Currency::SEK => "SEK",
            Currency::JPY => "JPY",
            Currency::INR => "INR",
            Currency::BRL => "BRL",
        }
    }

    pub fn parse(code: &str) -> Option<Currency> {
        let code = code.trim().to_ascii_uppercase();
        Currency::ALL.into_iter().find(|currency| currency.code() == code)
    }

    /// Digits after the decimal point (JPY has none).
    pub fn minor_digits(self) -> u32 {
        match self {
            Currency::JPY => 0,
            _ => 2,
        }
    }
}

/// Converts minor units of any currency into the reporting currency's.
#[derive(Clone, Debug, Default)]
pub struct Conversion {
    reporting: String,
    /// (currency, its value in US dollar millionths ÷ 10^its minor digits)
    rates: Vec<(String, i128, i128)>,
    reporting_usd_micros: i128,
    reporting_scale: i128,
}

fn scale(code: &str) -> i128 {
    10_i128.pow(Currency::parse(code).map(Currency::minor_digits).unwrap_or(2))
}

impl Conversion {
    pub fn new(reporting: &str, usd_rates: &[(String, i64)]) -> Conversion {
        let rates: Vec<_> =
            usd_rates.iter().map(|(code, micros)| (code.clone(), *micros as i128, scale(code))).collect();
        let reporting_usd_micros = rates.iter().find(|(code, _, _)| code == reporting).map_or(1_000_000, |r| r.1);
        Conversion { reporting: reporting.into(), rates, reporting_usd_micros, reporting_scale: scale(reporting) }
    }

    /// `minor` units of `currency` in reporting minor units, rounded to the nearest; 0 for a
    /// currency without a rate (which the deal form does not accept).
    pub fn convert(&self, minor: i64, currency: &str) -> i64 {
        if currency == self.reporting {
            return minor;
        }
        let Some((_, usd_micros, from_scale)) = self.rates.iter().find(|(code, _, _)| code == currency) else {
            return 0;
        };
        let numerator = minor as i128 * usd_micros * self.reporting_scale;
        let denominator = self.reporting_usd_micros * from_scale;
        ((numerator + denominator / 2) / denominator) as i64
    }

    /// The currency amounts are converted into.
    pub fn reporting(&self) -> &str {
        &self.reporting
    }

    /// The reporting currency as a [`Currency`] (US dollars for a code Tessera does not know).
    pub fn currency(&self) -> Currency {
        Currency::parse(&self.reporting).unwrap_or(Currency::USD)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

/// The largest amount a form accepts: a trillion in major units.
const MAX_MAJOR: i64 = 1_000_000_000_000;

impl Money {
    /// Parses what a person typed, e.g. `12,500.50` or `12500`, as a positive amount.
    pub fn parse_positive(raw: &str, currency: Currency) -> Result<Money, String> {
        let cleaned: String = raw.trim().chars().filter(|c| *c != ',' && *c != '_' && !c.is_whitespace()).collect();
        if cleaned.is_empty() {
            return Err("Enter the amount.".into());
        }
        let digits = currency.minor_digits();
        let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
        let well_formed = !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && fraction.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            return Err("Enter the amount as a number, like 12,500.00.".into());
        }
        if fraction.len() > digits as usize {
            return Err(match digits {
                0 => format!("{} has no decimal places.", currency.code()),
                n => format!("Use at most {n} decimal places."),
            });
        }
        let major: i64 = whole.parse().map_err(|_| "That amount is too large.".to_string())?;
        if major > MAX_MAJOR {
            return Err("That amount is too large.".into());
        }
        let scale = 10_i64.pow(digits);
        let fraction_value: i64 = if fraction.is_empty() {
            0
        } else {
            fraction.parse::<i64>().unwrap_or(0) * 10_i64.pow(digits - fraction.len() as u32)
        };
        let minor = major * scale + fraction_value;
        if minor <= 0 {
            return Err("The amount must be more than zero.".into());
        }
        Ok(Money { minor, currency })
    }

    /// `12,500.50 USD`: grouped digits, the currency's decimals, and its code.
    pub fn display(self) -> String {
        let digits = self.currency.minor_digits();
        let scale = 10_i64.pow(digits);
        let (major, fraction) = (self.minor.abs() / scale, self.minor.abs() % scale);
        let grouped = group_thousands(major);
        let sign = if self.minor < 0 { "-" } else { "" };
        match digits {
            0 => format!("{sign}{grouped} {}", self.currency.code()),
            n => format!("{sign}{grouped}.{fraction:0width$} {}", self.currency.code(), width = n as usize),
        }
    }
}

/// An amount in minor units of the currency coded `currency`, as [`Money::display`] writes it
/// (`12,500.00 USD`), or the raw figures if the currency is unknown.
pub fn amount_text(minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Some(currency) => Money { minor, currency }.display(),
        None => format!("{minor} {currency}"),
    }
}

/// `basis_points` (hundredths of a percent) of `amount_minor`: Tessera's one rounding rule for
/// every share of an amount (margins, discounts, rebates, accruals). The exact product is rounded
/// to the nearest minor unit, halves away from zero, so an amount and its reversal round alike.
pub fn share(amount_minor: i64, basis_points: i64) -> i64 {
    round_basis_points(amount_minor as i128 * basis_points as i128)
}

/// An exact amount in ten-thousandths of a minor unit (an amount times basis points, or a sum of
/// such products) rounded by [`share`]'s rule: to the nearest minor unit, halves away from zero.
pub fn round_basis_points(exact: i128) -> i64 {
    let rounded = (exact.abs() + 5_000) / 10_000;
    (rounded * exact.signum()) as i64
}

fn group_thousands(value: i64) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len() + text.len() / 3);
    for (index, ch) in text.chars().enumerate() {
        if index > 0 && (text.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_become_integer_minor_units() {
        let cases = [
            ("12,500.50", Currency::USD, 1_250_050),
            ("12500", Currency::USD, 1_250_000),
            (" 0.5 ", Currency::EUR, 50),
            ("1.05", Currency::GBP, 105),
            ("1 000 000", Currency::SEK, 100_000_000),
            ("1500000", Currency::JPY, 1_500_000),
        ];
        for (raw, currency, minor) in cases {
            assert_eq!(Money::parse_positive(raw, currency), Ok(Money { minor, currency }), "{raw:?}");
        }
    }

    #[test]
    fn bad_amounts_say_what_is_wrong() {
        let cases = [
            ("", Currency::USD, "Enter the amount."),
            ("abc", Currency::USD, "Enter the amount as a number, like 12,500.00."),
            ("-5", Currency::USD, "Enter the amount as a number, like 12,500.00."),
            ("1e6", Currency::USD, "Enter the amount as a number, like 12,500.00."),
            (".5", Currency::USD, "Enter the amount as a number, like 12,500.00."),
            ("1.234", Currency::USD, "Use at most 2 decimal places."),
            ("10.5", Currency::JPY, "JPY has no decimal places."),
            ("0", Currency::USD, "The amount must be more than zero."),
            ("0.00", Currency::USD, "The amount must be more than zero."),
            ("99999999999999999999", Currency::USD, "That amount is too large."),
            ("1000000000001", Currency::USD, "That amount is too large."),
        ];
        for (raw, currency, message) in cases {
            assert_eq!(Money::parse_positive(raw, currency), Err(message.to_string()), "{raw:?}");
        }
    }

    #[test]
    fn money_displays_grouped_with_its_code() {
        assert_eq!(Money { minor: 1_250_050, currency: Currency::USD }.display(), "12,500.50 USD");
        assert_eq!(Money { minor: 5, currency: Currency::EUR }.display(), "0.05 EUR");
        assert_eq!(Money { minor: 1_500_000, currency: Currency::JPY }.display(), "1,500,000 JPY");
        assert_eq!(Money { minor: -100_000, currency: Currency::GBP }.display(), "-1,000.00 GBP");
    }

    #[test]
    fn shares_round_to_the_nearest_minor_unit_halves_away_from_zero() {
        let cases = [
            (100_000_00, 1_500, 15_000_00),
            // 0.5 % of 0.99: 0.495 cents → 0 cents; of 1.00: 0.5 → 1 (the half goes up).
            (99, 50, 0),
            (100, 50, 1),
            (-100, 50, -1),
            (12_345, 333, 411), // 411.0885
            (0, 1_000, 0),
            (i64::MAX / 10_000, 10_000, i64::MAX / 10_000),
        ];
        for (amount, basis_points, expected) in cases {
            assert_eq!(share(amount, basis_points), expected, "{amount} at {basis_points} bp");
            assert_eq!(share(-amount, basis_points), -expected, "a reversal rounds alike");
        }
    }

    #[test]
    fn currency_codes_parse_in_any_case() {
        for currency in Currency::ALL {
            assert_eq!(Currency::parse(&currency.code().to_lowercase()), Some(currency));
        }
        assert_eq!(Currency::parse("XYZ"), None);
    }

    fn rates() -> Vec<(String, i64)> {
        [("USD", 1_000_000), ("EUR", 1_080_000), ("JPY", 6_700), ("GBP", 1_270_000)]
            .into_iter()
            .map(|(code, micros)| (code.to_string(), micros))
            .collect()
    }

    #[test]
    fn amounts_convert_through_the_dollar_with_each_currencys_decimals() {
        let to_usd = Conversion::new("USD", &rates());
        assert_eq!(to_usd.convert(10_000, "USD"), 10_000);
        // 100.00 EUR = 108.00 USD
        assert_eq!(to_usd.convert(10_000, "EUR"), 10_800);
        // 1,000 JPY (no decimals) = 6.70 USD
        assert_eq!(to_usd.convert(1_000, "JPY"), 670);
        let to_eur = Conversion::new("EUR", &rates());
        // 127.00 USD = 117.59 EUR (127 / 1.08 = 117.5925…)
        assert_eq!(to_eur.convert(12_700, "USD"), 11_759);
        assert_eq!(to_eur.convert(5, "XYZ"), 0);
    }
}
