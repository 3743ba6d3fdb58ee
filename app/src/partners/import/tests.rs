use super::parse::{Catalogue, decode, parse};
use super::*;

fn catalogue() -> Catalogue {
    Catalogue {
        partner_types: vec![(1, "Reseller".into()), (2, "MSP".into())],
        tiers: vec![(10, "Registered".into()), (11, "Silver".into())],
        regions: vec!["EMEA".into(), "North America".into()],
        channel_managers: vec![(7, "cam@acme.test".into())],
    }
}

/// The file as Excel in much of Europe saves "CSV UTF-8": a byte-order mark, semicolons, CRLF,
/// and quotes around a field with the separator or a quote in it.
const EXCEL: &[u8] =
    b"\xEF\xBB\xBFCompany;Admin Email;Partner Type;Tier;Region;Channel Manager;Website;City;Country\r\n\
\"Smith; Jones & Co\";Ana@Smith.test;reseller;silver;emea;CAM@acme.test;https://smith.test;Lyon;France\r\n\
\"The \"\"Best\"\" IT\";it@best.test;;;;;;;\r\n";

#[test]
fn an_excel_export_reads_with_its_mark_semicolons_line_ends_and_quotes() {
    let text = decode(EXCEL).expect("UTF-8");
    let parsed = parse(&text, &catalogue()).expect("readable");
    assert_eq!(parsed.bad, Vec::<BadRow>::new());
    let [first, second] = &parsed.rows[..] else { panic!("two rows: {:?}", parsed.rows) };
    assert_eq!(first.company, "Smith; Jones & Co");
    assert_eq!(first.admin_email, "ana@smith.test");
    assert_eq!((first.partner_type_id, first.tier_id, first.channel_manager_id), (Some(1), 11, Some(7)));
    assert_eq!(first.region.as_deref(), Some("EMEA"));
    assert_eq!((first.city.as_str(), first.country.as_str(), first.line), ("Lyon", "France", 2));
    assert_eq!(second.company, "The \"Best\" IT");
    // No tier given: the entry tier.
    assert_eq!((second.tier_id, second.partner_type_id, second.region.clone()), (10, None, None));
}

#[test]
fn commas_and_unix_line_ends_read_too_and_blank_lines_are_skipped() {
    let text = "company,admin_email\nAcme Partners,a@acme-partners.test\n,\nBeta Ltd,b@beta.test\n";
    let parsed = parse(text, &catalogue()).expect("readable");
    assert_eq!(parsed.rows.iter().map(|row| row.line).collect::<Vec<_>>(), vec![2, 4]);
}

#[test]
fn every_bad_row_is_named_with_all_its_problems() {
    let text = "company,admin_email,partner_type,tier,region,channel_manager,website\n\
        Good Co,good@co.test,,,,,\n\
        ,not-an-address,Wizard,Diamond,Mars,nobody@acme.test,javascript:alert(1)\n\
        Good Co,other@co.test,,,,,\n\
        Else Co,GOOD@co.test,,,,,\n";
    let parsed = parse(text, &catalogue()).expect("readable");
    assert_eq!(parsed.rows.len(), 1);
    let lines: Vec<usize> = parsed.bad.iter().map(|row| row.line).collect();
    assert_eq!(lines, vec![3, 4, 5]);
    let third = parsed.bad[0].text();
    for problem in [
        "the company is empty",
        "\"not-an-address\" is not an email address",
        "partner type \"Wizard\"",
        "tier \"Diamond\"",
        "region \"Mars\"",
        "nobody@acme.test",
        "website \"javascript:alert(1)\"",
    ] {
        assert!(third.contains(problem), "{problem} in {third}");
    }
    assert!(parsed.bad[1].text().contains("Good Co is in the file twice"));
    assert!(parsed.bad[2].text().contains("good@co.test is in the file twice"));
}

#[test]
fn a_file_without_the_required_columns_or_rows_or_in_another_encoding_is_refused_whole() {
    let missing = parse("company,email\nA,a@a.test\n", &catalogue()).expect_err("no admin_email");
    assert!(missing.contains("admin_email"), "{missing}");
    assert!(parse("company,admin_email\n", &catalogue()).expect_err("no rows").contains("no rows"));
    // "Café" in Windows-1252.
    assert!(decode(b"company,admin_email\nCaf\xE9,a@a.test\n").expect_err("not UTF-8").contains("CSV UTF-8"));
}

#[test]
fn the_plan_leaves_partners_already_here_and_refuses_the_vendor_and_people_signed_in_elsewhere() {
    let text = "company,admin_email\nBluepeak Systems,new@bluepeak.test\nAcme Cloud,x@acme.test\n\
        New One,partner@granite.test\nNew Two,two@new.test\n";
    let parsed = parse(text, &catalogue()).expect("readable");
    let existing = Existing {
        organisations: [("bluepeak systems".to_owned(), false), ("acme cloud".to_owned(), true)].into(),
        people: [("partner@granite.test".to_owned(), "Granite Integration".to_owned())].into(),
    };
    let (planned, bad) = plan(parsed, &existing);
    let outcomes: Vec<(&str, RowOutcome)> =
        planned.iter().map(|(row, outcome)| (row.company.as_str(), *outcome)).collect();
    assert_eq!(outcomes, vec![("Bluepeak Systems", RowOutcome::AlreadyThere), ("New Two", RowOutcome::New)]);
    assert_eq!(bad.iter().map(|row| row.line).collect::<Vec<_>>(), vec![3, 4]);
    assert!(bad[0].text().contains("vendor's own name"));
    assert!(bad[1].text().contains("already signs in to Tessera, at Granite Integration"));
}

#[test]
fn the_example_file_offered_on_the_page_imports_cleanly() {
    let text = decode(include_bytes!("../../../../public/partner-import-example.csv")).expect("UTF-8");
    let catalogue = Catalogue {
        partner_types: vec![(1, "Reseller".into()), (2, "MSP".into()), (3, "System integrator".into())],
        tiers: vec![(10, "Registered".into()), (11, "Silver".into())],
        regions: vec!["EMEA".into(), "North America".into(), "APAC".into()],
        channel_managers: vec![(7, "cam@acme.test".into()), (8, "cam2@acme.test".into())],
    };
    let parsed = parse(&text, &catalogue).expect("readable");
    assert_eq!((parsed.rows.len(), parsed.bad), (3, Vec::new()));
}

#[test]
fn progress_counts_up_to_a_hundred_percent() {
    let progress = ImportProgress { done: 150, total: 600, ..ImportProgress::default() };
    assert_eq!(progress.percent(), 25);
    assert_eq!(ImportProgress::default().percent(), 100);
}

#[test]
fn an_import_carries_on_from_its_position_whatever_turned_bad_before_it() {
    let text = "company,admin_email\nA Co,a@a.test\nB Co,b@b.test\nC Co,c@c.test\nD Co,d@d.test\n";
    let parsed = parse(text, &catalogue()).expect("readable");
    // Rows 2 and 3 were imported; row 2's admin now signs in there (no matter: it is done), and
    // row 3's partner exists.
    let existing = Existing {
        organisations: [("b co".to_owned(), false)].into(),
        people: [("a@a.test".to_owned(), "A Co".to_owned())].into(),
    };
    let (planned, bad) = plan(parsed, &existing);
    assert_eq!(bad.iter().map(|row| row.line).collect::<Vec<_>>(), vec![2], "row 2 reads bad now");
    let (left, bad, total) = from_position(planned.clone(), bad.clone(), 2);
    assert_eq!(total, 4);
    assert_eq!(bad, Vec::new(), "a bad row imported already does not stop the rest");
    assert_eq!(left.iter().map(|(row, _)| row.company.as_str()).collect::<Vec<_>>(), vec!["C Co", "D Co"]);
    // From the start, the bad row stops it; at the end, nothing is left.
    assert_eq!(from_position(planned.clone(), bad_rows(), 0).1.len(), 1);
    assert_eq!(from_position(planned, Vec::new(), 4), (Vec::new(), Vec::new(), 3));

    fn bad_rows() -> Vec<BadRow> {
        vec![BadRow { line: 2, problems: vec!["a@a.test already signs in to Tessera, at A Co".to_owned()] }]
    }
}

#[test]
fn a_count_of_rows_reads_as_english() {
    assert_eq!((rows_text(1), rows_text(0), rows_text(3)), ("1 row".into(), "0 rows".into(), "3 rows".into()));
}
