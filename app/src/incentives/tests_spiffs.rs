//! SPIFF rules at their boundaries: the window's first and last days, the minimum amount
//! exactly, products in any case, a known customer, the audience; and the form's checks.

use chrono::{NaiveDate, TimeZone, Utc};

use super::ledger::{EntryKind, WonDeal};
use super::spiffs::*;
use crate::money::Currency;
use crate::tiers::audience::{Audience, AudienceChoices};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("day")
}

/// Backup Pro or Vault, from 10,000.00 USD, new customers, Gold (3) MSPs (4); 500.00 per deal.
fn spiff() -> Spiff {
    Spiff {
        id: 9,
        name: "Q4 backup push".into(),
        description: String::new(),
        starts_on: day(2026, 10, 1),
        ends_on: day(2026, 12, 31),
        rule: Rule {
            products: vec!["Backup Pro".into(), "Vault".into()],
            min_amount_minor: 10_000_00,
            new_logo_only: true,
            audience: Audience { tiers: vec![3], types: vec![4] },
        },
        basis: Basis::PerDeal,
        payout_minor: 500_00,
        currency: Currency::USD,
        state: SpiffState::Launched,
    }
}

fn win(won_on: NaiveDate) -> WinFacts<'static> {
    WinFacts {
        won_on,
        tier: Some(3),
        partner_type: Some(4),
        products: "Cloud Sync, backup pro",
        amount_minor: 10_000_00,
        new_logo: true,
        rep_id: 21,
        rep_name: "Riley Rep",
    }
}

#[test]
fn a_spiff_judges_a_win_at_each_boundary_of_its_rule() {
    let spiff = spiff();
    let inside = day(2026, 11, 15);
    let cases: Vec<(&str, WinFacts<'static>, Result<(), Miss>)> = vec![
        ("on its first day, at the minimum exactly", win(day(2026, 10, 1)), Ok(())),
        ("on its last day", win(day(2026, 12, 31)), Ok(())),
        ("the day before it starts", win(day(2026, 9, 30)), Err(Miss::OutsideWindow)),
        ("the day after it ends", win(day(2027, 1, 1)), Err(Miss::OutsideWindow)),
        ("one cent below the minimum", WinFacts { amount_minor: 9_999_99, ..win(inside) }, Err(Miss::BelowMinimum)),
        ("another product only", WinFacts { products: "Cloud Sync", ..win(inside) }, Err(Miss::Product)),
        ("a product named in other case and spacing", WinFacts { products: " VAULT ", ..win(inside) }, Ok(())),
        ("a customer won before", WinFacts { new_logo: false, ..win(inside) }, Err(Miss::KnownCustomer)),
        ("another tier", WinFacts { tier: Some(2), ..win(inside) }, Err(Miss::Audience)),
        ("another type", WinFacts { partner_type: Some(5), ..win(inside) }, Err(Miss::Audience)),
        ("no tier", WinFacts { tier: None, ..win(inside) }, Err(Miss::Audience)),
    ];
    for (case, facts, expected) in cases {
        assert_eq!(spiff.judge(&facts), expected, "{case}");
    }
    let draft = Spiff { state: SpiffState::Draft, ..spiff.clone() };
    assert_eq!(draft.judge(&win(inside)), Err(Miss::NotLaunched), "a draft pays nothing");
    let open_rule = Spiff { rule: Rule::default(), ..spiff };
    let anyone =
        WinFacts { tier: None, partner_type: None, products: "", amount_minor: 1, new_logo: false, ..win(inside) };
    assert_eq!(open_rule.judge(&anyone), Ok(()), "an empty rule takes any won deal in the window");
}

#[test]
fn a_spiff_reads_as_draft_upcoming_open_or_ended() {
    let spiff = spiff();
    assert_eq!(spiff.phase(day(2026, 9, 30)), Phase::Upcoming);
    assert_eq!(spiff.phase(day(2026, 10, 1)), Phase::Open);
    assert_eq!(spiff.phase(day(2026, 12, 31)), Phase::Open);
    assert_eq!(spiff.phase(day(2027, 1, 1)), Phase::Ended);
    assert_eq!(Spiff { state: SpiffState::Draft, ..spiff.clone() }.phase(day(2026, 11, 1)), Phase::Draft);
    // Cancelled before it began: its last day is the day before its first.
    let cancelled = Spiff { ends_on: day(2026, 9, 30), ..spiff.clone() };
    assert_eq!(cancelled.phase(day(2026, 9, 15)), Phase::Cancelled);
    assert_eq!(cancelled.end_early(day(2026, 9, 15)), None, "cancelled once");
    // Ending early: today while open, the day before its first while to come, never twice.
    assert_eq!(spiff.end_early(day(2026, 9, 15)), Some(day(2026, 9, 30)));
    assert_eq!(spiff.end_early(day(2026, 11, 15)), Some(day(2026, 11, 15)));
    assert_eq!(spiff.end_early(day(2026, 12, 31)), None, "its last day already");
    assert_eq!(Spiff { state: SpiffState::Draft, ..spiff.clone() }.end_early(day(2026, 11, 15)), None);
    // Launched late, it starts on its launch day.
    assert_eq!(spiff.launch_from(day(2026, 9, 1)), day(2026, 10, 1));
    assert_eq!(spiff.launch_from(day(2026, 10, 9)), day(2026, 10, 9));
    // Offered to its audience while open or to come.
    assert!(spiff.offered_to(Some(3), Some(4), day(2026, 9, 15)));
    assert!(spiff.offered_to(Some(3), Some(4), day(2026, 12, 31)));
    assert!(!spiff.offered_to(Some(3), Some(4), day(2027, 1, 1)), "ended");
    assert!(!spiff.offered_to(Some(2), Some(4), day(2026, 11, 1)), "another tier");
}

#[test]
fn a_qualifying_win_accrues_one_entry_per_spiff_naming_the_rep_when_paid_per_rep() {
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).single().expect("time");
    let deal = WonDeal {
        deal_id: 7,
        organisation_id: 3,
        customer_company: "Globex",
        final_amount_minor: 12_000_00,
        currency: "USD",
    };
    let per_rep = Spiff { id: 10, basis: Basis::PerRep, payout_minor: 250_00, ..spiff() };
    let elsewhere = Spiff { id: 11, rule: Rule { products: vec!["Firewall".into()], ..Rule::default() }, ..spiff() };
    let facts = win(at.date_naive());
    let judged = [(spiff(), facts.clone()), (per_rep, facts.clone()), (elsewhere, facts)];
    let entries = earned(&judged, &deal, at);
    let got: Vec<_> = entries.iter().map(|e| (e.spiff_id, e.rep_id, e.amount_minor, e.deal_id)).collect();
    assert_eq!(got, [(Some(9), None, 500_00, Some(7)), (Some(10), Some(21), 250_00, Some(7))]);
    assert!(entries.iter().all(|e| e.kind == EntryKind::Spiff && e.currency == "USD" && e.organisation_id == 3));
    assert_eq!(entries[0].description, "SPIFF \u{201c}Q4 backup push\u{201d} on Globex");
    assert_eq!(
        entries[1].description,
        "SPIFF \u{201c}Q4 backup push\u{201d}: Riley Rep's first qualifying deal (Globex)"
    );
}

fn input() -> SpiffInput {
    SpiffInput {
        name: "Q4 backup push".into(),
        starts_on: "2026-10-01".into(),
        ends_on: "2026-12-31".into(),
        products: "Backup Pro, Vault,".into(),
        min_amount: "10,000".into(),
        new_logo_only: Some("on".into()),
        tiers: vec!["3".into()],
        basis: "rep".into(),
        payout: "250".into(),
        ..SpiffInput::default()
    }
}

fn choices() -> AudienceChoices {
    AudienceChoices { tiers: vec![(2, "Silver".into()), (3, "Gold".into())], types: vec![(4, "MSP".into())] }
}

#[test]
fn the_spiff_form_gives_a_draft_or_every_fields_problem() {
    let today = day(2026, 11, 1);
    let spiff = input().check(&choices(), Currency::USD, today).expect("a good SPIFF");
    assert_eq!(spiff.rule.products, ["Backup Pro", "Vault"]);
    assert_eq!((spiff.rule.min_amount_minor, spiff.payout_minor, spiff.basis), (10_000_00, 250_00, Basis::PerRep));
    assert_eq!(spiff.rule.audience, Audience { tiers: vec![3], types: vec![] });
    assert!(spiff.rule.new_logo_only);
    assert_eq!(spiff.state, SpiffState::Draft);
    assert_eq!(spiff.describe(), "Backup Pro or Vault · from 10,000.00 USD · new customers only");

    let bad = SpiffInput {
        name: " ".into(),
        ends_on: "2026-09-30".into(),
        min_amount: "-5".into(),
        tiers: vec!["99".into()],
        basis: "per-logo".into(),
        payout: "0".into(),
        ..input()
    };
    let fields = bad.check(&choices(), Currency::USD, today).expect_err("refused");
    let names: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(names, ["basis", "ends_on", "min_amount", "name", "payout", "tiers"]);
    let past = SpiffInput { starts_on: "2026-09-01".into(), ends_on: "2026-10-31".into(), ..input() };
    let fields = past.check(&choices(), Currency::USD, today).expect_err("ended");
    assert!(fields["ends_on"].contains("today or later"));
    let long = SpiffInput { ends_on: "2027-10-02".into(), ..input() };
    assert!(long.check(&choices(), Currency::USD, today).expect_err("too long").contains_key("ends_on"));
    let longest = SpiffInput { ends_on: "2027-10-01".into(), ..input() };
    assert!(longest.check(&choices(), Currency::USD, today).is_ok(), "366 days, the first and last included");
}
