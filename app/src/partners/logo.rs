//! A partner's logo: what is taken, and how it is kept and served. The type is read from the
//! content (a script named `logo.png` is no image); PNG, JPEG and WebP are kept as sent and served
//! with their own type and a policy that runs nothing; an SVG is refused when it holds anything
//! that could run or load (script, event handlers, outside links, embedded HTML), and otherwise
//! written again by `usvg` from what it draws, so nothing else it held survives.

use usvg::roxmltree;

use super::profile::{MAX_LOGO_BYTES, MAX_LOGO_SIDE as MAX_SIDE};

/// The image types a logo may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogoKind {
    Png,
    Jpeg,
    Webp,
    Svg,
}

impl LogoKind {
    pub const ALL: [LogoKind; 4] = [LogoKind::Png, LogoKind::Jpeg, LogoKind::Webp, LogoKind::Svg];

    pub fn media_type(self) -> &'static str {
        match self {
            LogoKind::Png => "image/png",
            LogoKind::Jpeg => "image/jpeg",
            LogoKind::Webp => "image/webp",
            LogoKind::Svg => "image/svg+xml",
        }
    }

    pub fn parse(media_type: &str) -> Option<LogoKind> {
        LogoKind::ALL.into_iter().find(|kind| kind.media_type() == media_type)
    }

    pub fn extension(self) -> &'static str {
        match self {
            LogoKind::Png => "png",
            LogoKind::Jpeg => "jpg",
            LogoKind::Webp => "webp",
            LogoKind::Svg => "svg",
        }
    }
}

/// A logo that passed every check, ready to keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logo {
    pub kind: LogoKind,
    pub body: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

pub const NOT_AN_IMAGE: &str = "This file is not a PNG, JPEG, WebP or SVG image, whatever its name says.";

/// The uploaded bytes checked as a logo, or the sentence saying why they are not one.
pub fn check(bytes: &[u8]) -> Result<Logo, String> {
    if bytes.is_empty() {
        return Err("Choose an image file to upload.".into());
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(crate::files::size_refusal(bytes.len(), LOGO_FIELD));
    }
    match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Png) => raster(LogoKind::Png, bytes),
        Ok(imagesize::ImageType::Jpeg) => raster(LogoKind::Jpeg, bytes),
        Ok(imagesize::ImageType::Webp) => raster(LogoKind::Webp, bytes),
        Ok(other) => Err(format!("This is a {other:?} image; a logo is a PNG, JPEG, WebP or SVG image.")),
        Err(_) if looks_like_markup(bytes) => svg(bytes),
        Err(_) => Err(NOT_AN_IMAGE.into()),
    }
}

fn raster(kind: LogoKind, bytes: &[u8]) -> Result<Logo, String> {
    let name = kind.extension().to_uppercase();
    let size = imagesize::blob_size(bytes)
        .map_err(|_| format!("This file begins like a {name} image but cannot be read as one."))?;
    let (width, height) =
        (u32::try_from(size.width).unwrap_or(u32::MAX), u32::try_from(size.height).unwrap_or(u32::MAX));
    if width == 0 || height == 0 {
        return Err(format!("This {name} image has no pixels."));
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "The image is {width} × {height} pixels; a logo may be at most {MAX_SIDE} pixels on a side."
        ));
    }
    Ok(Logo { kind, body: bytes.to_vec(), width, height })
}

/// Text that begins (after a byte order mark and blanks) with `<`: it may be an SVG.
fn looks_like_markup(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().find(|byte| !byte.is_ascii_whitespace()) == Some(&b'<')
}

const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

fn svg(bytes: &[u8]) -> Result<Logo, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| NOT_AN_IMAGE.to_owned())?;
    // No document type: that is where entity expansion (and its bombs) would come from.
    let document = roxmltree::Document::parse(text).map_err(|error| match error {
        roxmltree::Error::DtdDetected => "This SVG declares a document type (DTD), which a logo may not.".to_owned(),
        _ => NOT_AN_IMAGE.to_owned(),
    })?;
    let root = document.root_element();
    if root.tag_name().name() != "svg" || root.tag_name().namespace() != Some(SVG_NAMESPACE) {
        return Err(NOT_AN_IMAGE.into());
    }
    if let Some(found) = document.descendants().filter(roxmltree::Node::is_element).find_map(hostile) {
        return Err(format!(
            "This SVG holds {found}, which a logo may not: save it again as a plain drawing, or upload a PNG."
        ));
    }
    if let Some(problem) = fans_out(&document) {
        return Err(problem);
    }
    if document.descendants().any(|node| node.is_element() && node.tag_name().name() == "text") {
        return Err("This SVG holds text, which would show in whatever font the viewer has: convert its text to \
            outlines (paths) and upload it again."
            .into());
    }
    // Images inside are never fetched: every link was refused above, and these resolvers load nothing.
    let options = usvg::Options {
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(text, &options).map_err(|error| format!("This SVG cannot be read: {error}."))?;
    let written = tree.to_string(&usvg::WriteOptions::default()).into_bytes();
    if written.len() > MAX_LOGO_BYTES {
        let most = MAX_LOGO_BYTES / (1024 * 1024);
        return Err(format!("Written out plainly, this SVG is more than {most} MB: simplify it, or upload a PNG."));
    }
    let size = tree.size();
    let (width, height) = (size.width().round().max(1.0), size.height().round().max(1.0));
    if width > MAX_SIDE as f32 || height > MAX_SIDE as f32 {
        return Err(format!("This SVG says it is {width} × {height}; a logo may be at most {MAX_SIDE} on a side."));
    }
    Ok(Logo { kind: LogoKind::Svg, body: written, width: width as u32, height: height as u32 })
}

/// The most `<use>` elements an SVG logo may hold: each copies what it points at, so they are
/// few, and none points at something holding another.
pub const MAX_USES: usize = 50;

/// Why the SVG's `<use>` elements could multiply what it draws past a logo's measure, if they could.
fn fans_out(document: &roxmltree::Document) -> Option<String> {
    let uses: Vec<roxmltree::Node> =
        document.descendants().filter(|node| node.is_element() && node.tag_name().name() == "use").collect();
    if uses.len() > MAX_USES {
        return Some(format!(
            "This SVG repeats shapes {} times (<use>); a logo may do so at most {MAX_USES} times.",
            uses.len()
        ));
    }
    let target = |node: &roxmltree::Node| {
        let id = node.attributes().find(|attribute| attribute.name() == "href")?.value().trim().strip_prefix('#')?;
        document.descendants().find(|other| other.attribute("id") == Some(id))
    };
    let nested = uses
        .iter()
        .filter_map(target)
        .any(|target| target.descendants().any(|node| node.is_element() && node.tag_name().name() == "use"));
    nested.then(|| "This SVG repeats shapes that repeat shapes (<use> within <use>), which a logo may not.".to_owned())
}

/// What in one element could run or load something, named for the person who uploaded it.
fn hostile(node: roxmltree::Node) -> Option<String> {
    let name = node.tag_name().name();
    match name {
        "script" => return Some("a script (<script>)".into()),
        "foreignObject" | "iframe" | "embed" | "object" => return Some(format!("embedded content (<{name}>)")),
        _ => {}
    }
    for attribute in node.attributes() {
        let (local, value) = (attribute.name(), attribute.value().trim());
        if local.len() > 2 && local.as_bytes()[..2].eq_ignore_ascii_case(b"on") {
            return Some(format!("an event handler ({local}=…)"));
        }
        if local == "href" && !value.starts_with('#') {
            return Some("a link to something outside it (href=…)".into());
        }
        if local == "style" && loads_from_outside(value) {
            return Some("a style that loads something from outside it".into());
        }
        if matches!(name, "set" | "animate") && local == "attributeName" && value.ends_with("href") {
            return Some("an animation that changes a link".into());
        }
    }
    if name == "style" && node.children().filter_map(|child| child.text()).any(loads_from_outside) {
        return Some("a style that loads something from outside it".into());
    }
    None
}

/// CSS that fetches: `@import`, or `url(…)` anywhere but to a part of the same file.
fn loads_from_outside(css: &str) -> bool {
    let css = css.to_ascii_lowercase();
    css.contains("@import")
        || css.match_indices("url(").any(|(at, _)| !css[at + 4..].trim_start_matches([' ', '"', '\'']).starts_with('#'))
}

/// The logo field of the upload form.
pub const LOGO_FIELD: crate::files::FileField =
    crate::files::FileField { name: "logo", called: "a logo", max_bytes: MAX_LOGO_BYTES };

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1 × 1 PNG.
    pub const PIXEL_PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00,
        0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF,
        0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];

    const PLAIN_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">
        <style>.mark { fill: #0a6 }</style><rect class="mark" width="40" height="40"/>
        <circle cx="80" cy="20" r="18" fill="url(#shade)"/>
        <defs><linearGradient id="shade"><stop offset="0" stop-color="#036"/></linearGradient></defs></svg>"##;

    #[test]
    fn png_is_kept_as_sent_with_its_size() {
        let logo = check(PIXEL_PNG).expect("a PNG");
        assert_eq!((logo.kind, logo.width, logo.height), (LogoKind::Png, 1, 1));
        assert_eq!(logo.body, PIXEL_PNG);
    }

    #[test]
    fn a_plain_svg_is_written_again_from_what_it_draws() {
        let logo = check(PLAIN_SVG.as_bytes()).expect("a plain SVG");
        assert_eq!((logo.kind, logo.width, logo.height), (LogoKind::Svg, 120, 40));
        let written = String::from_utf8(logo.body).expect("text");
        assert!(written.contains("<svg") && written.contains("<path"), "{written}");
        assert!(!written.contains("<style"), "styles are applied, not kept: {written}");
    }

    #[test]
    fn what_is_not_an_image_is_named_whatever_the_file_is_called() {
        assert_eq!(check(b"<script>alert(1)</script>"), Err(NOT_AN_IMAGE.into()));
        assert_eq!(check(b"#!/bin/sh\nrm -rf /\n"), Err(NOT_AN_IMAGE.into()));
        assert_eq!(check(b"<html><body>hi</body></html>"), Err(NOT_AN_IMAGE.into()));
        assert_eq!(check(b"<svg>no namespace</svg>"), Err(NOT_AN_IMAGE.into()));
        assert_eq!(check(b""), Err("Choose an image file to upload.".into()));
        let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
        assert!(check(gif).expect_err("a GIF").contains("a logo is a PNG, JPEG, WebP or SVG image"));
        let mut truncated = PIXEL_PNG[..12].to_vec();
        truncated.extend_from_slice(b"garbage");
        assert!(check(&truncated).expect_err("no PNG").contains("cannot be read"));
    }

    #[test]
    fn too_large_a_file_is_refused_with_its_size() {
        let mut big = PIXEL_PNG.to_vec();
        big.resize(MAX_LOGO_BYTES + 300 * 1024, 0);
        assert_eq!(check(&big), Err("The file is 1.3 MB; a logo may be at most 1 MB.".into()));
    }

    #[test]
    fn an_svg_that_could_run_or_load_anything_is_refused_and_says_what() {
        let wrap = |inner: &str| {
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">{inner}</svg>"#
            )
        };
        let cases = [
            ("<script>alert(1)</script>", "a script"),
            (r#"<rect width="5" height="5" onclick="alert(1)"/>"#, "an event handler (onclick=…)"),
            (r#"<rect width="5" height="5" ONLOAD="alert(1)"/>"#, "an event handler"),
            (r#"<a href="javascript:alert(1)"><rect width="5" height="5"/></a>"#, "a link to something outside it"),
            (
                r#"<image xlink:href="https://tracker.example/pixel.png" width="5" height="5"/>"#,
                "a link to something outside it",
            ),
            (r#"<image href="/etc/passwd" width="5" height="5"/>"#, "a link to something outside it"),
            (
                r#"<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>"#,
                "embedded content",
            ),
            (r#"<style>@import url(https://evil.example/x.css);</style>"#, "a style that loads"),
            (r#"<rect width="5" height="5" style="fill: url(https://evil.example/x)"/>"#, "a style that loads"),
            (
                r##"<a href="#x"><set attributeName="href" to="javascript:alert(1)"/></a>"##,
                "an animation that changes a link",
            ),
        ];
        for (inner, said) in cases {
            let refused = check(wrap(inner).as_bytes()).expect_err(inner);
            assert!(refused.contains(said), "{inner}: {refused}");
        }
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>"#;
        assert!(check(bomb.as_bytes()).expect_err("a DTD").contains("document type"));
        let text = wrap("<text x=\"1\" y=\"9\">Initech</text>");
        assert!(check(text.as_bytes()).expect_err("text").contains("outlines"));
        let wide = wrap("<rect 中x=\"1\" width=\"5\" height=\"5\"/>");
        assert!(check(wide.as_bytes()).is_ok(), "an attribute named in any script is only an attribute");
    }

    #[test]
    fn an_svg_whose_shapes_multiply_or_that_is_huge_is_refused() {
        let wrap =
            |inner: &str| format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{inner}</svg>"#);
        let few = wrap(r##"<defs><rect id="r" width="2" height="2"/></defs><use href="#r"/><use href="#r" x="4"/>"##);
        assert!(check(few.as_bytes()).is_ok());
        let nested = wrap(
            r##"<defs><rect id="r" width="2" height="2"/><g id="g"><use href="#r"/><use href="#r" x="3"/></g></defs><use href="#g"/>"##,
        );
        assert!(check(nested.as_bytes()).expect_err("nested").contains("<use> within <use>"));
        let many = wrap(&r##"<use href="#r"/>"##.repeat(MAX_USES + 1));
        assert!(check(many.as_bytes()).expect_err("many").contains("at most 50 times"));
        let huge = r#"<svg xmlns="http://www.w3.org/2000/svg" width="5000000000" height="10"><rect width="5" height="5"/></svg>"#;
        assert!(check(huge.as_bytes()).expect_err("huge").contains("at most 4096 on a side"));
    }
}
