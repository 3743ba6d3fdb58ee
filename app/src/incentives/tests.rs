//! The ledger's rules as tables and laws: accruals at a tier's rates, reversals that net to zero,
//! statements whose sums are their entries', quarters as addresses write them.

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use super::ledger::*;
use super::{Statement, StatementLine, Tally, tally_by};
use crate::tiers::program::{Benefits, SupportLevel};

fn benefits(margin_bp: i64, registration_bp: i64) -> Benefits {
    Benefits {
        margin_bp,
        registration_bp,
        mdf_bp: 200,
        rebate_bp: 100,
        rebate_schedule: String::new(),
        support: SupportLevel::Standard,
        courses: Vec::new(),
    }
}

fn won(amount: i64) -> WonDeal<'static> {
    WonDeal { deal_id: 7, organisation_id: 3, customer_company: "Globex", final_amount_minor: amount, currency: "EUR" }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("day")
}

#[test]
fn a_won_deal_accrues_margin_and_registration_discount_at_the_tier_of_that_moment() {
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).single().expect("time");
    let gold = benefits(2_000, 500);
    let entries = deal_won(&won(123_456_78), Some(("Gold", &gold)), at);
    let got: Vec<_> = entries.iter().map(|e| (e.kind, e.amount_minor, e.rate_bp, e.basis_minor)).collect();
    assert_eq!(
        got,
        [
            (EntryKind::Margin, 24_691_36, Some(2_000), Some(123_456_78)),
            // 5 % of 123,456.78 = 6,172.839 → 6,172.84
            (EntryKind::Registration, 6_172_84, Some(500), Some(123_456_78)),
        ]
    );
    assert!(entries.iter().all(|e| e.period_start == day(2026, 10, 1) && e.currency == "EUR" && e.deal_id == Some(7)));
    assert_eq!(entries[0].description, "Margin on Globex (Gold)");
    // A tier without registration points accrues the margin only; no tier accrues nothing.
    let registered = benefits(1_000, 0);
    assert_eq!(deal_won(&won(100_00), Some(("Registered", &registered)), at).len(), 1);
    assert!(deal_won(&won(100_00), None, at).is_empty());
    // A share that rounds to nothing is no entry.
    assert!(deal_won(&won(1), Some(("Gold", &benefits(10, 10))), at).is_empty());
}

#[test]
fn quarters_read_and_write_as_people_do() {
    assert_eq!(quarter_of(day(2026, 12, 4)), day(2026, 10, 1));
    assert_eq!(quarter_of(day(2026, 3, 31)), day(2026, 1, 1));
    assert_eq!(next_quarter(day(2026, 10, 1)), day(2027, 1, 1));
    assert_eq!(quarter_label(day(2026, 7, 1)), "Q3 2026");
    assert_eq!(parse_quarter("2026-Q3"), Some(day(2026, 7, 1)));
    assert_eq!(parse_quarter(" 2026-q4 "), Some(day(2026, 10, 1)));
    assert_eq!(parse_quarter("2026-07-01"), Some(day(2026, 7, 1)));
    for bad in ["2026-Q5", "2026-Q0", "2026-07-02", "soon", "", "-Q1"] {
        assert_eq!(parse_quarter(bad), None, "{bad:?}");
    }
    let now = Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).single().expect("time");
    assert!(has_ended(day(2026, 7, 1), now));
    assert!(!has_ended(day(2026, 10, 1), now));
}

fn line(id: i64, kind: EntryKind, currency: &str, amount: i64, status: EntryStatus) -> StatementLine {
    StatementLine {
        id,
        booked_at: Utc.with_ymd_and_hms(2026, 8, 1, 0, 0, 0).single().expect("time"),
        period_start: day(2026, 7, 1),
        kind,
        description: String::new(),
        deal_id: None,
        amount_minor: amount,
        currency: currency.into(),
        basis_minor: None,
        rate_bp: None,
        status,
        reverses: None,
        reversed_by: None,
        run_id: None,
    }
}

fn statement(lines: Vec<StatementLine>) -> Statement {
    Statement::new(1, "Bluepeak".into(), None, Vec::new(), lines, false)
}

#[test]
fn a_statement_sums_by_kind_and_currency_and_status() {
    let lines = vec![
        line(1, EntryKind::Margin, "USD", 1_000_00, EntryStatus::Paid),
        line(2, EntryKind::Margin, "USD", 500_00, EntryStatus::Accrued),
        line(3, EntryKind::Registration, "USD", 250_00, EntryStatus::Approved),
        line(4, EntryKind::Margin, "EUR", 80_00, EntryStatus::Accrued),
        line(5, EntryKind::Margin, "USD", -1_000_00, EntryStatus::Accrued),
    ];
    let statement = statement(lines);
    assert_eq!(
        statement.totals,
        [
            ("EUR".to_owned(), Tally { accrued: 80_00, approved: 0, paid: 0 }),
            ("USD".to_owned(), Tally { accrued: -500_00, approved: 250_00, paid: 1_000_00 }),
        ]
    );
    assert_eq!(
        statement.by_kind[1],
        (("USD".to_owned(), EntryKind::Margin), Tally { accrued: -500_00, approved: 0, paid: 1_000_00 })
    );
    assert_eq!(statement.totals[1].1.unpaid(), -250_00, "a clawback larger than what is owed shows as owed back");
}

fn booked(amount: i64, basis: i64) -> Booked {
    Booked {
        id: 41,
        organisation_id: 3,
        kind: EntryKind::Registration,
        deal_id: Some(7),
        amount_minor: amount,
        currency: "USD".into(),
        basis_minor: Some(basis),
        rate_bp: Some(500),
    }
}

proptest! {
    #[test]
    fn a_reversal_nets_its_entry_to_zero(amount in -1_000_000_000_000_i64..1_000_000_000_000, basis in 0_i64..1_000_000_000_000) {
        let at = Utc.with_ymd_and_hms(2027, 2, 3, 4, 5, 6).single().expect("time");
        let reversal = reversal(&booked(amount, basis), "cancelled", Some(9), at);
        prop_assert_eq!(reversal.amount_minor + amount, 0);
        prop_assert_eq!(reversal.basis_minor, Some(-basis));
        prop_assert_eq!(reversal.reverses, Some(41));
        prop_assert_eq!((reversal.kind, reversal.deal_id, reversal.organisation_id), (EntryKind::Registration, Some(7), 3));
        prop_assert_eq!(reversal.period_start, day(2027, 1, 1));
    }

    #[test]
    fn a_statement_totals_exactly_its_entries(rows in proptest::collection::vec((0_usize..6, 0_usize..3, 0_usize..3, -10_000_000_i64..10_000_000), 0..60)) {
        let currencies = ["USD", "EUR", "JPY"];
        let lines: Vec<StatementLine> = rows
            .iter()
            .enumerate()
            .map(|(i, (kind, currency, status, amount))| {
                line(i as i64, EntryKind::ALL[*kind], currencies[*currency], *amount, EntryStatus::ALL[*status])
            })
            .collect();
        let statement = statement(lines.clone());
        for currency in currencies {
            let sum: i64 = lines.iter().filter(|l| l.currency == currency).map(|l| l.amount_minor).sum();
            let total = statement.totals.iter().find(|(c, _)| c == currency).map_or(0, |(_, t)| t.total());
            let by_kind: i64 = statement.by_kind.iter().filter(|((c, _), _)| c == currency).map(|(_, t)| t.total()).sum();
            prop_assert_eq!(total, sum);
            prop_assert_eq!(by_kind, sum);
        }
    }

    #[test]
    fn a_share_and_its_reversal_round_alike(amount in 0_i64..1_000_000_000_000, rate in 0_i64..10_000) {
        prop_assert_eq!(crate::money::share(-amount, rate), -crate::money::share(amount, rate));
    }
}

#[test]
fn tallies_keep_each_status_apart() {
    let rows = vec![
        ("a", EntryStatus::Accrued, 5),
        ("b", EntryStatus::Paid, 7),
        ("a", EntryStatus::Approved, 3),
        ("a", EntryStatus::Paid, -1),
    ];
    assert_eq!(
        tally_by(rows),
        [("a", Tally { accrued: 5, approved: 3, paid: -1 }), ("b", Tally { accrued: 0, approved: 0, paid: 7 })]
    );
}
