use super::*;

fn choices() -> AudienceChoices {
    AudienceChoices {
        tiers: vec![(1, "Registered".into()), (2, "Silver".into()), (3, "Gold".into())],
        types: vec![(4, "MSP".into()), (5, "Reseller".into())],
    }
}

fn input() -> CampaignInput {
    CampaignInput {
        name: "Back up every server".into(),
        headline: "{{ company }} protects your servers".into(),
        intro: "Call {{ contact_name }} on {{ phone }}.".into(),
        email_subject: "Your backups, with {{ company }}".into(),
        posts: "Backups done right: {{ link }}\n---\n\n---\nAsk {{ company }}.".into(),
        starts_on: "2027-01-01".into(),
        ends_on: "2027-03-31".into(),
        tiers: vec!["3".into(), "3".into()],
        types: vec!["4".into()],
        edit_intro: Some("on".into()),
        ..CampaignInput::default()
    }
}

fn no_template_check(_: &str) -> Result<(), String> {
    Ok(())
}

#[test]
fn a_campaign_is_checked_field_by_field() {
    let draft = input().check(&choices(), no_template_check).expect("valid");
    assert_eq!(draft.texts.posts, ["Backups done right: {{ link }}", "Ask {{ company }}."], "empty posts are dropped");
    assert_eq!(draft.audience, Audience { tiers: vec![3], types: vec![4] });
    assert_eq!(draft.editable, Editable { intro: true, call_to_action: false, posts: false });
    assert_eq!(draft.input().posts, "Backups done right: {{ link }}\n---\nAsk {{ company }}.");

    let bad = CampaignInput {
        name: " ".into(),
        headline: String::new(),
        starts_on: "2027-04-01".into(),
        ends_on: "2027-03-01".into(),
        tiers: vec!["99".into()],
        posts: (0..=MAX_POSTS).map(|n| format!("Post {n}")).collect::<Vec<_>>().join("\n---\n"),
        ..input()
    };
    let fields = bad.check(&choices(), no_template_check).expect_err("refused");
    let named: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(named, ["ends_on", "headline", "name", "posts", "tiers"]);
    let refused = input().check(&choices(), |text| if text.contains("phone") { Err("no phone".into()) } else { Ok(()) });
    assert_eq!(refused.expect_err("the template check").get("intro").map(String::as_str), Some("no phone"));
}

#[test]
fn an_audience_takes_its_tiers_and_types_or_everyone() {
    let everyone = Audience::default();
    assert!(everyone.includes(None, None));
    let gold_msp = Audience { tiers: vec![3], types: vec![4] };
    assert!(gold_msp.includes(Some(3), Some(4)));
    assert!(!gold_msp.includes(Some(2), Some(4)), "another tier");
    assert!(!gold_msp.includes(Some(3), Some(5)), "another type");
    assert!(!gold_msp.includes(None, Some(4)), "no tier");
    let any_msp = Audience { tiers: vec![], types: vec![4] };
    assert!(any_msp.includes(Some(1), Some(4)));
}

#[cfg(feature = "ssr")]
mod rendering {
    use super::super::render::*;

    fn partner() -> PartnerFacts {
        PartnerFacts {
            company: "Bluepeak Systems".into(),
            contact_name: "Ava Okafor".into(),
            contact_email: "sales@bluepeak.test".into(),
            phone: "+44 20 7946 0000".into(),
            website: "https://www.bluepeak.test".into(),
            logo: Some(("/logos/2?v=1".into(), 400, 100)),
        }
    }

    fn texts() -> super::Texts {
        super::Texts {
            headline: "{{ company }} protects your servers".into(),
            intro: "Talk to {{ contact_name }} today.\n\nOr call {{ phone }}.".into(),
            body: "Backups every hour.".into(),
            cta_text: "Book a call".into(),
            email_subject: "Backups with {{ company }}".into(),
            email_body: "Hello,\n\n{{ company }} can help.".into(),
            posts: vec!["Read more: {{ link }}".into()],
        }
    }

    fn landing(partner: &PartnerFacts) -> String {
        let rendered = render_texts(&texts(), partner, "https://tessera.test/p/abc");
        let links = LandingLinks { cta_href: Some("/p/abc/go".into()), ..lead_form(Some("/p/abc/lead".into())) };
        landing_page("Acme Cloud", &rendered, partner, &links).expect("renders")
    }

    #[test]
    fn placeholders_become_the_partners_facts() {
        let page = landing(&partner());
        assert!(page.contains("<h1>Bluepeak Systems protects your servers</h1>"), "{page}");
        assert!(page.contains("<p class=\"lp-intro\">Talk to Ava Okafor today.</p>"));
        assert!(page.contains("<p class=\"lp-intro\">Or call +44 20 7946 0000.</p>"), "paragraphs split at blank lines");
        // Attribute values are escaped whole (`/` too), as browsers read them back.
        assert!(page.contains("<img class=\"lp-logo\" src=\"&#x2f;logos&#x2f;2?v=1\" alt=\"Bluepeak Systems\">"), "{page}");
        assert!(page.contains("href=\"https:&#x2f;&#x2f;www.bluepeak.test\""));
        assert!(page.contains("action=\"&#x2f;p&#x2f;abc&#x2f;lead\""));
        assert!(page.contains("name=\"website_url\""), "the trap field");
        assert!(!page.contains("<script"), "a landing page runs nothing");
        let posts = render_texts(&texts(), &partner(), "https://tessera.test/p/abc").posts;
        assert_eq!(posts, ["Read more: https://tessera.test/p/abc"]);
    }

    #[test]
    fn a_company_named_like_a_script_is_shown_as_text() {
        let hostile = PartnerFacts {
            company: "<script>alert(1)</script>".into(),
            contact_name: "\"><img src=x onerror=alert(1)>".into(),
            ..partner()
        };
        let page = landing(&hostile);
        assert!(!page.contains("<script>alert(1)"), "{page}");
        assert!(!page.contains("<img src=x"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"), "{page}");
        let email = email_html("Acme Cloud", &render_texts(&texts(), &hostile, ""), &hostile, Some("/go")).expect("renders");
        assert!(!email.contains("<script>alert(1)") && email.contains("&lt;script&gt;"), "{email}");
    }

    #[test]
    fn a_website_that_is_no_web_address_is_never_a_link() {
        for website in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "bluepeak"] {
            let page = landing(&PartnerFacts { website: website.into(), ..partner() });
            assert!(!page.to_lowercase().contains("href=\"javascript:") && !page.contains("href=\"data:"), "{website}: {page}");
            assert!(!page.contains(&format!("href=\"{website}\"")), "{website}");
        }
    }

    #[test]
    fn without_a_logo_the_company_name_heads_the_page_and_the_email() {
        let plain = PartnerFacts { logo: None, ..partner() };
        let page = landing(&plain);
        assert!(page.contains("<p class=\"lp-name\">Bluepeak Systems</p>") && !page.contains("<img"), "{page}");
        let email = email_html("Acme Cloud", &render_texts(&texts(), &plain, ""), &plain, None).expect("renders");
        assert!(!email.contains("<img") && email.contains("Bluepeak Systems"));
        assert!(!email.contains(">Book a call<"), "no call to action without its link");
    }

    #[test]
    fn a_very_long_name_and_wide_or_tall_logos_keep_the_layout() {
        let long = "Bluepeak Systems International Holdings and Managed Cloud Services Group ".repeat(4);
        let page = landing(&PartnerFacts { company: long.clone(), ..partner() });
        assert!(page.contains(long.trim_end()), "the whole name is kept");
        assert!(page.contains("overflow-wrap: anywhere"), "and wraps anywhere");
        assert!(page.contains("max-height: 4rem") && page.contains("object-fit: contain"), "a logo keeps to its box");
        assert_eq!(email_logo_size(1200, 100), (240, 20), "a wide logo is narrowed");
        assert_eq!(email_logo_size(100, 400), (20, 80), "a tall logo is shortened");
        assert_eq!(email_logo_size(64, 64), (64, 64), "a small one is kept");
    }

    #[test]
    fn a_template_names_only_known_placeholders() {
        assert_eq!(check_template("Hello from {{ company }} at {{ link }}"), Ok(()));
        let unknown = check_template("Hello {{ compnay }}").expect_err("a typo");
        assert!(unknown.starts_with("{{ compnay }} is not a placeholder. Use {{ company }},"), "{unknown}");
        assert!(check_template("Hello {{ company").is_err(), "an unclosed placeholder");
        assert!(check_template("{% for x in range(100000000) %}{{ company }}{% endfor %}").is_err(), "no instructions");
        let busy = render_text("{% for x in range(100000000) %}{{ company }}{% endfor %}", &partner(), "");
        assert!(busy.len() < 100_000, "a loop runs out of fuel rather than keep the server busy");
    }

    #[test]
    fn the_email_is_tables_and_inline_styles() {
        let email = email_html("Acme Cloud", &render_texts(&texts(), &partner(), ""), &partner(), Some("https://tessera.test/p/abc/go")).expect("renders");
        assert!(email.contains("<table role=\"presentation\""));
        assert!(!email.contains("<style") && !email.contains("class="), "styles inline only");
        assert!(email.contains("width=\"240\" height=\"60\""), "{email}");
        assert!(email.contains("<title>Backups with Bluepeak Systems</title>"));
        assert!(email.contains("href=\"https:&#x2f;&#x2f;tessera.test&#x2f;p&#x2f;abc&#x2f;go\""));
    }
}
