//! A message's HTML part, written from its text by a template: the vendor's name above, each
//! paragraph as typed, each web address a link. The text part is the message as written.

use minijinja::{Environment, context};
use serde::Serialize;

use super::Message;

const TEMPLATE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{ subject }}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1b1f24">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #dfe3e8;border-radius:8px;padding:24px">
<p style="margin:0 0 16px;font-size:13px;color:#5b6470">{{ vendor }} partner program</p>
{% for paragraph in paragraphs %}<p style="margin:0 0 14px;font-size:15px;line-height:1.5">{% for line in paragraph %}{% if not loop.first %}<br>{% endif %}{% for piece in line %}{% if piece.link %}<a href="{{ piece.text|address }}" style="color:#1a56c4">{{ piece.text|address }}</a>{% else %}{{ piece.text }}{% endif %}{% endfor %}{% endfor %}</p>
{% endfor %}<p style="margin:24px 0 0;font-size:12px;color:#5b6470">Sent by Tessera for {{ vendor }}.</p>
</div>
</body>
</html>
"#;

/// A run of a line: text, or a web address to link.
#[derive(Serialize)]
struct Piece<'a> {
    text: &'a str,
    link: bool,
}

/// An address escaped for an attribute and its link's text as itself: minijinja would also
/// write each `/` as `&#x2f;`, which is correct HTML but unreadable in a message's source.
fn address(text: &str) -> minijinja::Value {
    let escaped = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    minijinja::Value::from_safe_string(escaped)
}

/// A line cut into text and web addresses (`http://` or `https://` up to the next space).
fn pieces(line: &str) -> Vec<Piece<'_>> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = ["https://", "http://"].iter().filter_map(|scheme| rest.find(scheme)).min() {
        if at > 0 {
            found.push(Piece { text: &rest[..at], link: false });
        }
        let end = rest[at..].find(char::is_whitespace).map_or(rest.len(), |end| at + end);
        // A sentence's full stop or comma after an address is not part of it.
        let address = rest[at..end].trim_end_matches(['.', ',', ')', ';']);
        found.push(Piece { text: address, link: true });
        rest = &rest[at + address.len()..];
    }
    if !rest.is_empty() {
        found.push(Piece { text: rest, link: false });
    }
    found
}

/// The HTML part of `message`, from `vendor`.
pub fn html_part(vendor: &str, message: &Message) -> Result<String, minijinja::Error> {
    let mut environment = Environment::new();
    environment.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    environment.add_filter("address", |text: String| address(&text));
    environment.add_template("message.html", TEMPLATE)?;
    let paragraphs: Vec<Vec<Vec<Piece>>> = message
        .body
        .split("\n\n")
        .map(|paragraph| paragraph.lines().map(pieces).collect())
        .filter(|lines: &Vec<Vec<Piece>>| !lines.is_empty())
        .collect();
    environment.get_template("message.html")?.render(context! { vendor, subject => &message.subject, paragraphs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_part_links_each_address_and_escapes_the_rest() {
        let message = Message {
            subject: "A <new> lead".into(),
            body: "Ada <ada@x.test> of R&D sent the form.\n\nSee it:\nhttp://127.0.0.1:3000/leads?x=1&y=2.".into(),
        };
        let html = html_part("Acme & Co", &message).expect("renders");
        assert!(html.contains("Acme &amp; Co partner program"), "{html}");
        assert!(html.contains("Ada &lt;ada@x.test&gt; of R&amp;D sent the form."));
        assert!(html.contains(r#"<a href="http://127.0.0.1:3000/leads?x=1&amp;y=2" "#), "{html}");
        assert!(html.contains("See it:<br><a href"), "{html}");
        assert!(html.contains("<title>A &lt;new&gt; lead</title>"));
    }
}
