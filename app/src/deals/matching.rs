//! Fuzzy company-name matching for the conflict check: legal forms and punctuation removed,
//! then Jaro–Winkler similarity, plus "one name is the other with more words".

/// Legal-form words that say nothing about which company it is.
const LEGAL_FORMS: &[&str] = &[
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "lp",
    "plc",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "ag",
    "kg",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "oy",
    "ab",
    "as",
    "aps",
    "pty",
    "kk",
    "pte",
];

/// Similarity at or above which two normalised names are a possible conflict.
pub const MATCH_THRESHOLD: f64 = 0.9;

/// Lower-case words of a company name, without punctuation or legal forms.
pub fn normalise_company_name(name: &str) -> String {
    let cleaned: String =
        name.to_lowercase().chars().map(|c| if c.is_alphanumeric() || c == '&' { c } else { ' ' }).collect();
    cleaned.split_whitespace().filter(|word| !LEGAL_FORMS.contains(word)).collect::<Vec<_>>().join(" ")
}

/// 0.0 (nothing alike) to 1.0 (the same company name).
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (normalise_company_name(a), normalise_company_name(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    strsim::jaro_winkler(&a, &b)
}

/// Whether two company names may well be the same customer.
pub fn names_match(a: &str, b: &str) -> bool {
    keys_match(&normalise_company_name(a), &normalise_company_name(b))
}

/// [`names_match`] for names already normalised (as stored beside each deal).
pub fn keys_match(na: &str, nb: &str) -> bool {
    if na.is_empty() || nb.is_empty() {
        return false;
    }
    if strsim::jaro_winkler(na, nb) >= MATCH_THRESHOLD {
        return true;
    }
    // "Globex" and "Globex Systems": every word of the shorter name opens the longer one.
    let (short, long) = if na.len() <= nb.len() { (na, nb) } else { (nb, na) };
    let short_words: Vec<_> = short.split(' ').collect();
    let long_words: Vec<_> = long.split(' ').collect();
    short.len() >= 4 && long_words.starts_with(&short_words)
}

/// The lookup key for candidates: the first two characters of the normalised name. Jaro–Winkler
/// rewards a shared start, so names that match at 0.9 almost always share it.
pub fn name_prefix(key: &str) -> String {
    key.chars().filter(|c| !c.is_whitespace()).take(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_forms_and_punctuation_do_not_count() {
        assert_eq!(normalise_company_name("Globex Inc."), "globex");
        assert_eq!(normalise_company_name("GLOBEX"), "globex");
        assert_eq!(normalise_company_name("Initech GmbH"), "initech");
        assert_eq!(normalise_company_name("  Acme   Corp., Ltd "), "acme");
        assert_eq!(normalise_company_name("Müller & Söhne AG"), "müller & söhne");
    }

    #[test]
    fn same_customer_written_differently_matches() {
        let pairs = [
            ("Globex Inc.", "GLOBEX"),
            ("Acme Corporation", "ACME Corp"),
            ("Globex", "Globex Systems"),
            ("Hooli, Inc.", "Hooli"),
            ("Wayne Enterprises", "Wayne Enterprise"),
            ("Umbrella Corp", "Umbrela Corp"),
        ];
        for (a, b) in pairs {
            assert!(names_match(a, b), "{a:?} ~ {b:?} (similarity {:.3})", name_similarity(a, b));
            assert!(names_match(b, a), "matching is symmetric: {b:?} ~ {a:?}");
        }
    }

    #[test]
    fn different_customers_do_not_match() {
        let pairs = [
            ("Initech GmbH", "Initrode"),
            ("Globex", "Soylent"),
            ("Stark Industries", "Wayne Industries"),
            ("Inc.", "Ltd"),
            ("", "Globex"),
            ("ABC", "ABC Logistics"),
        ];
        for (a, b) in pairs {
            assert!(!names_match(a, b), "{a:?} !~ {b:?} (similarity {:.3})", name_similarity(a, b));
        }
    }

    #[test]
    fn similarity_is_one_for_the_same_name_and_zero_for_nothing() {
        assert_eq!(name_similarity("Globex Inc.", "globex"), 1.0);
        assert_eq!(name_similarity("", "globex"), 0.0);
        let close = name_similarity("Initech", "Initrode");
        assert!(close > 0.5 && close < MATCH_THRESHOLD, "{close}");
    }
}
