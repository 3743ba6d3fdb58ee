use super::*;
use crate::files::size_text;

const SILVER: i64 = 2;
const GOLD: i64 = 3;
const MSP: i64 = 4;
const RESELLER: i64 = 1;

fn partner(tier_rank: i64, partner_type: i64) -> Option<Standing> {
    Some(Standing { tier_rank, partner_type: Some(partner_type) })
}

#[test]
fn gating_by_tier_and_type_as_partners_meet_it() {
    let open = Gate::default();
    let gold = Gate { tier_rank: Some(GOLD), types: vec![] };
    let msp = Gate { tier_rank: None, types: vec![MSP] };
    let gold_msp = Gate { tier_rank: Some(GOLD), types: vec![MSP] };
    let cases = [
        (&open, partner(1, RESELLER), Access::Open, "an open item is for everyone"),
        (&gold, partner(SILVER, RESELLER), Access::Locked, "Silver sees a Gold item locked"),
        (&gold, partner(GOLD, RESELLER), Access::Open, "Gold opens a Gold item"),
        (&gold, partner(4, RESELLER), Access::Open, "Platinum opens a Gold item"),
        (&msp, partner(4, RESELLER), Access::Hidden, "a reseller never sees an MSP-only item, whatever its tier"),
        (&msp, partner(1, MSP), Access::Open, "an MSP sees its own"),
        (&gold_msp, partner(SILVER, MSP), Access::Locked, "an MSP below Gold sees the MSP item locked"),
        (&gold_msp, partner(GOLD, RESELLER), Access::Hidden, "type hides before tier unlocks"),
        (&gold_msp, None, Access::Open, "vendor staff see everything"),
    ];
    for (gate, standing, expected, why) in cases {
        assert_eq!(access(gate, standing), expected, "{why}");
    }
    let no_type = Some(Standing { tier_rank: GOLD, partner_type: None });
    assert_eq!(access(&msp, no_type), Access::Hidden, "a partner without a type sees only items for every type");
}

fn choices() -> ContentChoices {
    ContentChoices {
        tiers: vec![(1, "Registered".into()), (SILVER, "Silver".into()), (GOLD, "Gold".into())],
        types: vec![(RESELLER, "Reseller".into()), (MSP, "MSP".into())],
    }
}

fn input() -> ContentInput {
    ContentInput {
        title: " Battlecard ".into(),
        description: "Where we win.\r\nAnd how.".into(),
        tags: "Cloud, Competitive, cloud, ".into(),
        tier: GOLD.to_string(),
        types: vec![MSP.to_string(), MSP.to_string()],
        url: String::new(),
    }
}

#[test]
fn an_item_is_described_with_its_tags_once_and_its_gate_from_the_lists() {
    let draft = input().check(ContentKind::File, &choices()).expect("valid");
    assert_eq!(draft.title, "Battlecard");
    assert_eq!(draft.description, "Where we win.\nAnd how.");
    assert_eq!(draft.tags, ["Cloud", "Competitive"]);
    assert_eq!(draft.tier, Some(GOLD));
    assert_eq!(draft.types, [MSP]);
    assert_eq!(draft.url, None, "a file has no address");
    let open = ContentInput { tier: String::new(), types: vec![], ..input() };
    let draft = open.check(ContentKind::File, &choices()).expect("valid");
    assert_eq!((draft.tier, draft.types), (None, vec![]), "every tier and every type");
}

#[test]
fn every_bad_field_is_named_at_once() {
    let bad = ContentInput {
        title: "  ".into(),
        description: "x".repeat(MAX_DESCRIPTION + 1),
        tags: "a, b, c, d, e, f, g, h, i".into(),
        tier: "99".into(),
        types: vec!["7".into()],
        url: "javascript:alert(1)".into(),
    };
    let fields = bad.check(ContentKind::Link, &choices()).expect_err("refused");
    let named: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(named, ["description", "tags", "tier", "title", "types", "url"]);
    assert!(fields["url"].contains("https://"), "{}", fields["url"]);
}

#[test]
fn a_link_goes_only_to_a_web_address() {
    let link = |url: &str| ContentInput { url: url.into(), ..input() }.check(ContentKind::Link, &choices());
    assert_eq!(
        link(" https://www.acme.example/guide ").map(|draft| draft.url),
        Ok(Some("https://www.acme.example/guide".into()))
    );
    for bad in ["javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "www.acme.example", "https://acme", ""] {
        assert!(link(bad).is_err_and(|fields| fields.contains_key("url")), "{bad}");
    }
}

#[test]
fn tags_are_trimmed_single_lines_of_a_few_words() {
    assert_eq!(tags(" Cloud ,Security,,"), Ok(vec!["Cloud".to_owned(), "Security".to_owned()]));
    assert!(tags(&"x".repeat(MAX_TAG + 1)).is_err());
    assert!(tags("a\tb").is_err());
    assert_eq!(tags(""), Ok(vec![]));
}

fn card(kind: ContentKind, title: &str, tags: &[&str]) -> ContentCard {
    ContentCard {
        id: 1,
        kind,
        title: title.into(),
        description: "For a first meeting".into(),
        tags: tags.iter().map(|tag| (*tag).to_owned()).collect(),
        unlocked_by: None,
        types: vec![],
        locked: false,
        file: None,
        url: None,
        downloads: 0,
        updated_at: chrono::DateTime::UNIX_EPOCH,
    }
}

#[test]
fn a_search_finds_every_word_in_title_description_or_tags() {
    let brochure = card(ContentKind::File, "Overview brochure", &["Cloud"]);
    let query = |q: &str, tag: &str, kind: &str| LibraryQuery { q: q.into(), tag: tag.into(), kind: kind.into() };
    assert!(query("", "", "").matches(&brochure));
    assert!(query("BROCHURE first", "", "").matches(&brochure), "words anywhere, any case");
    assert!(query("cloud", "", "").matches(&brochure), "a tag is searched too");
    assert!(!query("brochure pricing", "", "").matches(&brochure), "every word must be found");
    assert!(query("", "cloud", "file").matches(&brochure));
    assert!(!query("", "Security", "").matches(&brochure));
    assert!(!query("", "", "link").matches(&brochure));
}

#[test]
fn sizes_read_as_people_say_them() {
    assert_eq!(size_text(300), "1 KB");
    assert_eq!(size_text(310 * 1024), "310 KB");
    assert_eq!(size_text(2_516_582), "2.4 MB");
}

#[cfg(feature = "ssr")]
mod files {
    use super::super::file::check;
    use crate::files::{attachment, file_name};

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n";

    #[test]
    fn a_file_is_what_its_content_says_and_its_name_must_agree() {
        assert_eq!(check("Brochure.PDF", PDF).map(|ok| (ok.kind.label, ok.name)), Ok(("PDF", "Brochure.PDF".into())));
        assert_eq!(
            check("brochure", PDF).map(|ok| ok.name),
            Ok("brochure.pdf".into()),
            "a name without an ending gets one"
        );
        let disguised = check("price-list.png", PDF).expect_err("a PDF named .png");
        assert_eq!(
            disguised,
            "This file is a PDF, not the .png its name says: rename it .pdf or choose the right file."
        );
        let script = check("brochure.pdf", b"<html><script>alert(1)</script></html>").expect_err("HTML is not kept");
        assert!(script.starts_with("This file's content is text/html (.html)"), "{script}");
        let program = check("setup.pdf", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0").expect_err("a program");
        assert!(program.contains("the library keeps PDF, PowerPoint"), "{program}");
        let unknown = check("notes.pdf", b"just some words").expect_err("plain text");
        assert!(unknown.starts_with("Tessera cannot tell what this file is"), "{unknown}");
        let odd = check("brochure.exe", PDF).expect_err("a PDF named .exe");
        assert_eq!(odd, "This file is a PDF, but its name ends .exe: rename it .pdf.");
    }

    #[test]
    fn a_file_over_25_mb_is_refused_with_its_size() {
        let mut big = PDF.to_vec();
        big.resize(super::MAX_CONTENT_BYTES + 3 * 1024 * 1024, b' ');
        assert_eq!(
            check("big.pdf", &big),
            Err("The file is 28.0 MB; the library keeps files of at most 25.0 MB.".into())
        );
    }

    #[test]
    fn a_sent_name_keeps_no_folder_or_control_characters() {
        assert_eq!(file_name("C:\\Users\\lea\\Kit \"v2\".pdf"), "Kit v2.pdf");
        assert_eq!(file_name("../../etc/passwd"), "passwd");
        assert_eq!(file_name("..."), "file");
        assert_eq!(file_name("a\u{0}b\nc.pdf"), "abc.pdf");
        let long = format!("{}.pdf", "x".repeat(300));
        let kept = file_name(&long);
        assert_eq!(kept.chars().count(), 120);
        assert!(kept.ends_with(".pdf"));
    }

    #[test]
    fn a_download_names_its_file_for_every_browser() {
        assert_eq!(attachment("Kit.pdf"), "attachment; filename=\"Kit.pdf\"; filename*=UTF-8''Kit.pdf");
        assert_eq!(
            attachment("Zoë kit.pdf"),
            "attachment; filename=\"Zo_ kit.pdf\"; filename*=UTF-8''Zo%C3%AB%20kit.pdf"
        );
    }
}
