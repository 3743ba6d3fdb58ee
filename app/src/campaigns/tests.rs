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
    let refused =
        input().check(&choices(), |text| if text.contains("phone") { Err("no phone".into()) } else { Ok(()) });
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

mod launching {
    use super::super::launch::*;
    use super::*;

    fn campaign(editable: Editable) -> CampaignDraft {
        let mut draft = input().check(&choices(), no_template_check).expect("valid");
        draft.editable = editable;
        draft.texts.intro = "Marketing's introduction".into();
        draft.texts.cta_text = "Book a call".into();
        draft
    }

    fn sent(posts: &[&str]) -> LaunchInput {
        LaunchInput {
            campaign: "1".into(),
            intro: "  Our own words  ".into(),
            cta_text: "Call us".into(),
            cta_url: "https://copperline.test/book".into(),
            posts: posts.iter().map(|post| post.to_string()).collect(),
        }
    }

    const EVERYTHING: Editable = Editable { intro: true, call_to_action: true, posts: true };

    #[test]
    fn a_partner_changes_only_what_marketing_allowed() {
        let personal = sent(&["1", "1"]).check(&campaign(EVERYTHING), no_template_check).expect("valid");
        assert_eq!(
            personal,
            Personal {
                intro: "Our own words".into(),
                cta_text: "Call us".into(),
                cta_url: "https://copperline.test/book".into(),
                posts: vec![1]
            }
        );
        let texts = personal.apply(&campaign(EVERYTHING).texts);
        assert_eq!((texts.intro.as_str(), texts.cta_text.as_str()), ("Our own words", "Call us"));
        assert_eq!(texts.posts, ["Ask {{ company }}."], "only the posts it shares");

        // Nothing editable: whatever is sent, marketing's texts and every post.
        let kept = sent(&["0"]).check(&campaign(Editable::default()), no_template_check).expect("valid");
        assert_eq!(kept, Personal { posts: vec![0, 1], ..Personal::default() });
        let texts = kept.apply(&campaign(Editable::default()).texts);
        assert_eq!((texts.intro.as_str(), texts.posts.len()), ("Marketing's introduction", 2));
        assert_eq!(
            kept.input(&campaign(Editable::default())).intro,
            "Marketing's introduction",
            "the form starts from marketing's words"
        );
    }

    #[test]
    fn a_call_to_action_leads_only_to_a_web_address_and_posts_are_the_campaigns() {
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,x",
            "ftp://copperline.test",
            "https://",
            "copperline",
        ] {
            let problems = LaunchInput { cta_url: bad.into(), ..sent(&[]) }
                .check(&campaign(EVERYTHING), no_template_check)
                .expect_err(bad);
            assert!(problems["cta_url"].starts_with("Enter a web address"), "{bad}");
        }
        let problems = sent(&["2"]).check(&campaign(EVERYTHING), no_template_check).expect_err("no third post");
        assert_eq!(problems["posts"], "Choose from the campaign's posts.");
        let problems =
            sent(&["x"]).check(&campaign(EVERYTHING), |_| Err("a stranger".into())).expect_err("templates checked");
        assert_eq!((problems["intro"].as_str(), problems["cta_text"].as_str()), ("a stranger", "a stranger"));
        let long = LaunchInput { intro: "x".repeat(MAX_TEXT + 1), ..sent(&[]) };
        assert!(long.check(&campaign(EVERYTHING), no_template_check).expect_err("too long").contains_key("intro"));
    }

    #[test]
    fn a_lead_names_each_missing_or_wrong_field() {
        let lead = LeadInput {
            name: " Ada ".into(),
            email: "Ada@Harbour.Example".into(),
            company: "Harbour".into(),
            ..LeadInput::default()
        };
        assert_eq!(
            lead.check().expect("valid"),
            Lead {
                name: "Ada".into(),
                email: "ada@harbour.example".into(),
                company: "Harbour".into(),
                phone: String::new()
            }
        );
        let problems = LeadInput { email: "ada@".into(), phone: "1".repeat(MAX_PHONE + 1), ..LeadInput::default() }
            .check()
            .expect_err("invalid");
        assert_eq!(problems.keys().map(String::as_str).collect::<Vec<_>>(), ["company", "email", "name", "phone"]);
        let control = LeadInput { name: "Ada\u{7}".into(), ..lead };
        assert!(control.check().expect_err("a control character").contains_key("name"));
    }

    #[test]
    fn conversion_rates_are_whole_percentages() {
        assert_eq!(Counts::rate(1, 3), "33 %");
        assert_eq!(Counts::rate(2, 3), "67 %");
        assert_eq!(Counts::rate(5, 0), "–");
        let total =
            Counts { views: 10, clicks: 2, leads: 1, deals: 0 }.add(Counts { views: 5, clicks: 1, leads: 1, deals: 1 });
        assert_eq!(total, Counts { views: 15, clicks: 3, leads: 2, deals: 1 });
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn each_address_sends_a_few_forms_and_is_told_how_long_to_wait() {
        use super::super::public::{PublicPages, SEND_WINDOW, SENDS_PER_WINDOW};
        let pages = PublicPages::default();
        let (one, other): (std::net::IpAddr, std::net::IpAddr) =
            ("192.0.2.1".parse().expect("ip"), "192.0.2.2".parse().expect("ip"));
        for _ in 0..SENDS_PER_WINDOW {
            assert_eq!(pages.admit(one), Ok(()));
        }
        let wait = pages.admit(one).expect_err("held back");
        assert!(wait > SEND_WINDOW - std::time::Duration::from_secs(5) && wait <= SEND_WINDOW, "{wait:?}");
        assert_eq!(pages.admit(other), Ok(()), "another address is its own");
    }
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
        assert!(
            page.starts_with("<!DOCTYPE html>")
                && page.contains("<title>Bluepeak Systems protects your servers | Bluepeak Systems</title>"),
            "{page}"
        );
        assert!(page.contains("<h1>Bluepeak Systems protects your servers</h1>"), "{page}");
        assert!(page.contains("<p class=\"lp-intro\">Talk to Ava Okafor today.</p>"));
        assert!(
            page.contains("<p class=\"lp-intro\">Or call +44 20 7946 0000.</p>"),
            "paragraphs split at blank lines"
        );
        // Attribute values are escaped whole (`/` too), as browsers read them back.
        assert!(
            page.contains("<img class=\"lp-logo\" src=\"&#x2f;logos&#x2f;2?v=1\" alt=\"Bluepeak Systems\">"),
            "{page}"
        );
        assert!(page.contains("href=\"https:&#x2f;&#x2f;www.bluepeak.test\""));
        assert!(page.contains("action=\"&#x2f;p&#x2f;abc&#x2f;lead\""));
        assert!(page.contains("name=\"website_url\""), "the trap field");
        assert!(!page.contains("<script"), "a landing page runs nothing");
        let posts = render_texts(&texts(), &partner(), "https://tessera.test/p/abc").posts;
        assert_eq!(posts, ["Read more: https://tessera.test/p/abc"]);
    }

    #[test]
    fn an_address_that_is_no_live_page_says_so_and_names_nobody() {
        let page = unavailable_page();
        assert!(
            page.starts_with("<!DOCTYPE html>") && page.contains("<title>This page is not available</title>"),
            "{page}"
        );
        assert!(page.contains("<h1>This page is not available</h1>") && !page.contains("<script"), "{page}");
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
        let email =
            email_html("Acme Cloud", &render_texts(&texts(), &hostile, ""), &hostile, Some("/go")).expect("renders");
        assert!(!email.contains("<script>alert(1)") && email.contains("&lt;script&gt;"), "{email}");
    }

    #[test]
    fn a_website_that_is_no_web_address_is_never_a_link() {
        for website in
            ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "bluepeak"]
        {
            let page = landing(&PartnerFacts { website: website.into(), ..partner() });
            assert!(
                !page.to_lowercase().contains("href=\"javascript:") && !page.contains("href=\"data:"),
                "{website}: {page}"
            );
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
        let email = email_html(
            "Acme Cloud",
            &render_texts(&texts(), &partner(), ""),
            &partner(),
            Some("https://tessera.test/p/abc/go"),
        )
        .expect("renders");
        assert!(email.contains("<table role=\"presentation\""));
        assert!(!email.contains("<style") && !email.contains("class="), "styles inline only");
        assert!(email.contains("width=\"240\" height=\"60\""), "{email}");
        assert!(email.contains("<title>Backups with Bluepeak Systems</title>"));
        assert!(email.contains("href=\"https:&#x2f;&#x2f;tessera.test&#x2f;p&#x2f;abc&#x2f;go\""));
    }
}
