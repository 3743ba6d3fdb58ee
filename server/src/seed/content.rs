//! The demo content library: files open to every partner, reserved for Silver or Gold and above,
//! and kept for managed-service providers only, two links, and downloads by Bluepeak and others.

use app::content::store::{self, NewFile};
use app::content::{ContentInput, ContentKind, file};
use app::db::Db;
use app::files::FileStore;
use chrono::{Duration, Utc};

use super::SeedError;

/// (title, description, tags, tier, partner types, file name or address, the file's lines)
type Item = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static [&'static str],
);

const ITEMS: &[Item] = &[
    (
        "Acme Cloud overview brochure",
        "Four pages for a first meeting: what Acme Cloud runs, for whom, and what it costs to start.",
        "Cloud, Brochure",
        "",
        &[],
        "acme-cloud-overview.pdf",
        &["Acme Cloud overview", "Run every workload on one platform.", "Start small, pay as you grow."],
    ),
    (
        "Battlecard: Acme Cloud against the big three",
        "Where Acme Cloud wins and how to answer the five objections heard most.",
        "Cloud, Competitive",
        "Gold",
        &[],
        "battlecard-big-three.pdf",
        &["Battlecard", "Win on support, price per workload and migration help."],
    ),
    (
        "Managed services playbook",
        "How managed-service partners package Acme Cloud backup and monitoring as a monthly service.",
        "Services, Backup",
        "",
        &["MSP"],
        "managed-services-playbook.pdf",
        &["Managed services playbook", "Package backup and monitoring as a monthly service."],
    ),
    (
        "Partner badge",
        "The program's partner badge for your website and proposals.",
        "Brand",
        "Silver",
        &[],
        "acme-partner-badge.png",
        &[],
    ),
    (
        "Pricing calculator",
        "Estimate a customer's monthly cost before the first call.",
        "Cloud, Pricing",
        "",
        &[],
        "https://www.acme.example/partners/pricing-calculator",
        &[],
    ),
    (
        "Roadmap briefing (recording)",
        "The next four quarters of Acme Cloud, as presented to Platinum partners.",
        "Roadmap",
        "Platinum",
        &[],
        "https://www.acme.example/partners/roadmap-briefing",
        &[],
    ),
];

/// (partner, item title, downloads)
const DOWNLOADS: &[(&str, &str, usize)] = &[
    ("Bluepeak Systems", "Acme Cloud overview brochure", 3),
    ("Bluepeak Systems", "Battlecard: Acme Cloud against the big three", 2),
    ("Bluepeak Systems", "Pricing calculator", 1),
    ("Copperline IT", "Acme Cloud overview brochure", 1),
    ("Copperline IT", "Partner badge", 1),
];

/// The library, unless it has items already.
pub async fn demo(db: &Db, files: &FileStore, author: i64) -> Result<(), SeedError> {
    if !store::items(db, None).await?.is_empty() {
        return Ok(());
    }
    let choices = store::choices(db).await?;
    let id_of =
        |names: &[(i64, String)], name: &str| names.iter().find(|(_, have)| have == name).map(|(id, _)| id.to_string());
    let started = Utc::now() - Duration::days(20);
    for (at, (title, description, tags, tier, types, source, lines)) in ITEMS.iter().enumerate() {
        let input = ContentInput {
            title: (*title).into(),
            description: (*description).into(),
            tags: (*tags).into(),
            tier: id_of(&choices.tiers, tier).unwrap_or_default(),
            types: types.iter().filter_map(|name| id_of(&choices.types, name)).collect(),
            url: (*source).into(),
        };
        let link = source.starts_with("https://");
        let kind = if link { ContentKind::Link } else { ContentKind::File };
        let draft = input.check(kind, &choices).map_err(|_| SeedError::Invalid("a demo library item"))?;
        let when = (author, started + Duration::days(at as i64 * 3));
        let bytes = match link {
            true => None,
            false if source.ends_with(".png") => Some(BADGE_PNG.to_vec()),
            false => Some(pdf(lines)),
        };
        let added = match &bytes {
            None => store::add(db, files, &draft, None, when).await,
            Some(bytes) => {
                let checked = file::check(source, bytes).map_err(|_| SeedError::Invalid("a demo library file"))?;
                let file = NewFile { bytes, name: &checked.name, media_type: checked.kind.media_type };
                store::add(db, files, &draft, Some(file), when).await
            }
        };
        added.map_err(|_| SeedError::Invalid("a demo library item could not be kept"))?;
    }
    let items = store::items(db, None).await?;
    for (partner, title, count) in DOWNLOADS {
        let organisation: Option<i64> = app::on_db!(db, pool => sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
            .bind(*partner).fetch_optional(pool).await)?;
        let (Some(organisation), Some(item)) = (organisation, items.iter().find(|item| item.title == *title)) else {
            continue;
        };
        for time in 0..*count {
            store::count_download(db, item.id, organisation, Utc::now() - Duration::days(time as i64 * 2)).await?;
        }
    }
    Ok(())
}

/// A one-page PDF with `lines` of text, the first as its heading.
pub(super) fn pdf(lines: &[&str]) -> Vec<u8> {
    let escape = |text: &str| text.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
    let mut text = String::from("BT /F1 22 Tf 72 760 Td");
    for (at, line) in lines.iter().enumerate() {
        if at == 1 {
            text.push_str(" /F1 13 Tf 0 -14 Td");
        }
        text.push_str(&format!(" 0 -24 Td ({}) Tj", escape(line)));
    }
    text.push_str(" ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (at, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{object}\nendobj\n", at + 1));
    }
    let xref = out.len();
    out.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for offset in offsets {
        out.push_str(&format!("{offset:010} 00000 n \n"));
    }
    out.push_str(&format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1));
    out.into_bytes()
}

/// A 32 × 32 PNG: a disc in the program's blue.
pub(super) const BADGE_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x20, 0x00, 0x00, 0x00, 0x20, 0x08, 0x02, 0x00, 0x00, 0x00, 0xFC, 0x18, 0xED, 0xA3, 0x00, 0x00, 0x00, 0x6A, 0x49,
    0x44, 0x41, 0x54, 0x78, 0xDA, 0xED, 0xD6, 0xCB, 0x09, 0x00, 0x20, 0x0C, 0x03, 0xD0, 0x2C, 0xE2, 0x4A, 0xCE, 0xEF,
    0x36, 0x7A, 0x13, 0xF1, 0x87, 0xD2, 0x36, 0xA0, 0xB4, 0x78, 0x94, 0xBC, 0x5B, 0x1B, 0x64, 0xE3, 0xC1, 0xC9, 0xA7,
    0x10, 0xD3, 0xF4, 0x49, 0x81, 0x55, 0xEE, 0x95, 0x04, 0x79, 0xFA, 0xDE, 0x80, 0x3C, 0x7A, 0xCF, 0x40, 0x31, 0x7D,
    0x6A, 0x40, 0x37, 0x7D, 0x34, 0x88, 0x80, 0x56, 0x7A, 0x67, 0xC0, 0x22, 0xBD, 0x35, 0xFE, 0x00, 0x2C, 0xD2, 0xAB,
    0xE1, 0x80, 0x03, 0x8F, 0x00, 0xBE, 0x2A, 0x4E, 0x00, 0xF3, 0x75, 0xFD, 0xC5, 0x45, 0x63, 0x1C, 0x7D, 0x46, 0x6D,
    0x61, 0x14, 0x2F, 0x52, 0x75, 0x64, 0x94, 0x5F, 0x95, 0x29, 0x35, 0x7B, 0x20, 0x32, 0x16, 0x80, 0x58, 0xCD, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_files_are_what_their_names_say() {
        assert_eq!(file::check("brochure.pdf", &pdf(&["A (title)", "a line"])).map(|ok| ok.kind.label), Ok("PDF"));
        assert_eq!(file::check("badge.png", BADGE_PNG).map(|ok| ok.kind.label), Ok("PNG image"));
    }

    #[test]
    fn a_demo_pdf_points_at_each_of_its_objects() {
        let bytes = pdf(&["Title"]);
        let text = String::from_utf8(bytes).expect("text");
        let xref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|rest| rest.lines().next())
            .and_then(|n| n.parse().ok())
            .expect("xref offset");
        assert!(text[xref..].starts_with("xref\n"));
        for (at, line) in text[xref..].lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().expect("offset");
            assert!(text[offset..].starts_with(&format!("{} 0 obj", at + 1)), "object {}", at + 1);
        }
    }
}
