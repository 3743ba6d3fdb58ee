//! Markdown that people write (the partner agreement; later, lessons) turned into HTML that is
//! safe to show: comrak, a CommonMark implementation, in its safe mode, with raw HTML escaped so
//! it shows as typed and links that could run script left out.

use comrak::nodes::NodeValue;
use comrak::{Arena, Options, format_html, parse_document};

/// `markdown` as HTML, safe to put in a page under its section's heading: the text's headings
/// move two levels down (`#` becomes `<h3>`), so a page keeps one `<h1>` and its outline.
pub fn to_html(markdown: &str) -> String {
    let mut options = Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options.render.escape = true;
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &options);
    for node in root.descendants() {
        if let NodeValue::Heading(heading) = &mut node.data_mut().value {
            heading.level = (heading.level + 2).min(6);
        }
    }
    let mut html = String::new();
    // Writing into a String cannot fail; an empty text is the worst that can come of it.
    if format_html(root, &options, &mut html).is_err() {
        html.clear();
    }
    html
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn headings_lists_and_links_are_rendered_under_the_page_headings() {
        let html =
            to_html("# Terms\n\n## Fees\n\n1. **Fees** are due\n2. See [the portal](https://acme.example/terms)");
        assert!(html.contains("<h3>Terms</h3>") && html.contains("<h4>Fees</h4>"), "{html}");
        assert!(html.contains("<strong>Fees</strong>"), "{html}");
        assert!(html.contains(r#"<a href="https://acme.example/terms">the portal</a>"#), "{html}");
        assert!(to_html("###### Small").contains("<h6>Small</h6>"));
    }

    #[test]
    fn raw_html_shows_as_typed_and_script_links_are_dropped() {
        let html = to_html("<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)> [x](javascript:alert(1))");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }
}
