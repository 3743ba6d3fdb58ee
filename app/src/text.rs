//! Rules for text people type, shared by the browser and the server.

/// What a single-line field says when it holds a line break, a tab or another control character.
pub const ONE_LINE: &str = "Use one line of plain text, without line breaks or tabs.";

/// Whether `text` holds a control character (a line break, a tab, an escape…). Single-line fields
/// refuse them, so nothing typed can forge a line in a log, split a CSV row or hide in a name.
pub fn has_control_characters(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// `Err(ONE_LINE)` for text with a control character.
pub fn one_line(text: &str) -> Result<(), String> {
    if has_control_characters(text) { Err(ONE_LINE.to_owned()) } else { Ok(()) }
}

/// A required single line of at most `max` characters, trimmed; `Err(empty)` when it is blank.
/// The one rule for names and titles people type.
pub fn required_line<'a>(text: &'a str, max: usize, empty: &str) -> Result<&'a str, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(empty.to_owned());
    }
    one_line(text)?;
    if text.chars().count() > max {
        return Err(format!("Use at most {max} characters."));
    }
    Ok(text)
}

/// "1 partner", "3 partners": a count with its noun.
pub fn count(n: i64, one: &str, many: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// A quick check the browser can make; the server's domain normalisation is the final word.
pub fn looks_like_domain(value: &str) -> bool {
    let value = value.trim().trim_end_matches('.');
    value.contains('.') && !value.contains(char::is_whitespace) && !value.starts_with('.') && value.len() <= 253
}

/// An `http://` or `https://` address of a web domain, trimmed: the one rule for every address
/// a person types that others will open (a website, a link in the library). Nothing else passes,
/// so no `javascript:` or `data:` address can reach a page.
pub fn web_address(text: &str) -> Option<&str> {
    let text = text.trim();
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default().to_lowercase();
    (looks_like_domain(&host) && !text.contains(char::is_whitespace) && !has_control_characters(text)).then_some(text)
}

/// Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection), for
/// every export.
pub fn defuse_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_required_line_is_trimmed_present_single_and_short_enough() {
        assert_eq!(required_line("  Gold plan ", 9, "Name it."), Ok("Gold plan"));
        assert_eq!(required_line("   ", 9, "Name it."), Err("Name it.".to_owned()));
        assert_eq!(required_line("a\nb", 9, "Name it."), Err(ONE_LINE.to_owned()));
        assert_eq!(required_line("Platinum plan", 9, "Name it."), Err("Use at most 9 characters.".to_owned()));
    }

    #[test]
    fn only_web_addresses_of_a_domain_pass() {
        for good in ["https://acme.example/kit.pdf", " http://www.acme.example/a?b#c ", "https://acme.example"] {
            assert_eq!(web_address(good), Some(good.trim()), "{good}");
        }
        let bad = [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,<script>",
            "https://",
            "https://localhost/",
            "ftp://acme.example",
            "//acme.example",
            "https://a b.example",
            "https://acme.example/\nx",
            "acme.example",
        ];
        for bad in bad {
            assert_eq!(web_address(bad), None, "{bad}");
        }
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(defuse_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse_formula("Globex"), "Globex");
    }

    #[test]
    fn line_breaks_tabs_and_escapes_are_refused_and_everything_else_kept() {
        for bad in ["Globex\nINFO forged line", "a\rb", "tab\there", "esc\u{1b}[31m", "nul\u{0}"] {
            assert_eq!(one_line(bad), Err(ONE_LINE.to_owned()), "{bad:?}");
        }
        for good in ["Globex Inc.", "Zoë & Søn, S.A.", "株式会社", "O'Brien – Ltd"] {
            assert_eq!(one_line(good), Ok(()), "{good:?}");
        }
    }
}

/// The first and last days of a window typed as `YYYY-MM-DD` into the fields `starts_on` and
/// `ends_on`, at most `max_days` days long (the first and last included); each problem goes into
/// `fields`.
pub fn date_window(
    fields: &mut crate::error::FieldErrors,
    (starts_on, ends_on): (&str, &str),
    max_days: i64,
) -> (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) {
    let mut day = |name: &str, text: &str| {
        chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| fields.insert(name.to_owned(), "Enter a date, like 2027-03-01.".into()))
            .ok()
    };
    let (starts, ends) = (day("starts_on", starts_on), day("ends_on", ends_on));
    if let (Some(starts), Some(ends)) = (starts, ends) {
        if ends < starts {
            fields.insert("ends_on".into(), "End it on or after its first day.".into());
        } else if (ends - starts).num_days() + 1 > max_days {
            fields
                .insert("ends_on".into(), format!("Keep it to {max_days} days at most, the first and last included."));
        }
    }
    (starts, ends)
}
