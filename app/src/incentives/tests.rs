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
        coop_bp: 200,
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
fn a_won_deal_accrues_co_op_in_the_reporting_currency_and_its_reversal_nets_to_zero() {
    use super::coop::{accrual, reversal};
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).single().expect("time");
    // 1 EUR = 1.10 USD: 10,000.00 EUR is 11,000.00 USD; Gold's 2 % of it is 220.00 USD.
    let conversion = crate::money::Conversion::new("USD", &[("USD".into(), 1_000_000), ("EUR".into(), 1_100_000)]);
    let gold = benefits(2_000, 500);
    let accrued = accrual(&won(10_000_00), Some(("Gold", &gold)), &conversion, at).expect("a co-op accrual");
    assert_eq!((accrued.amount_minor, accrued.currency.as_str(), accrued.rate_bp), (220_00, "USD", 200));
    assert_eq!((accrued.basis_minor, accrued.basis_currency.as_str()), (10_000_00, "EUR"));
    let back = reversal(41, &accrued, "Cancelled", at);
    assert_eq!((accrued.amount_minor + back.amount_minor, back.reverses), (0, Some(41)));
    // No tier, a rate of zero, or an amount that rounds to nothing: no accrual.
    assert_eq!(accrual(&won(10_000_00), None, &conversion, at), None);
    let none = Benefits { coop_bp: 0, ..gold.clone() };
    assert_eq!(accrual(&won(10_000_00), Some(("Gold", &none)), &conversion, at), None);
    assert_eq!(accrual(&won(10), Some(("Gold", &gold)), &conversion, at), None, "2 % of 0.11 USD rounds to 0");
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
        mdf_request_id: None,
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
        spiff_id: None,
        rep_id: None,
        mdf_request_id: None,
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

mod rebates {
    use super::super::rebates::*;
    use crate::money::Currency;

    /// 2 % from 250,000.00 and 3 % from 500,000.00 a quarter, in US dollars.
    fn schedule(method: Method) -> Schedule {
        Schedule {
            name: "Gold quarterly".into(),
            method,
            bands: vec![
                Band { threshold_minor: 250_000_00, rate_bp: 200 },
                Band { threshold_minor: 500_000_00, rate_bp: 300 },
            ],
        }
    }

    #[test]
    fn retroactive_and_incremental_rebates_on_the_same_revenue_by_hand() {
        // revenue, retroactive, incremental — worked out by hand:
        let table = [
            (0, 0, 0),
            (249_999_99, 0, 0),
            // Exactly at a threshold, it is reached: 2 % of 250,000 = 5,000; the band above it is empty.
            (250_000_00, 5_000_00, 0),
            (300_000_00, 6_000_00, 1_000_00),
            // 2 % of 499,999.99 = 9,999.9998 → 10,000.00; 2 % of 249,999.99 = 4,999.9998 → 5,000.00.
            (499_999_99, 10_000_00, 5_000_00),
            // 3 % of all 500,000 = 15,000; incremental: 2 % of 250,000 = 5,000, 3 % of 0 = 0.
            (500_000_00, 15_000_00, 5_000_00),
            // 3 % of 612,345.67 = 18,370.3701 → 18,370.37; 5,000 + 3 % of 112,345.67 (3,370.3701) = 8,370.37.
            (612_345_67, 18_370_37, 8_370_37),
        ];
        for (revenue, retroactive, incremental) in table {
            assert_eq!(schedule(Method::Retroactive).rebate(revenue), retroactive, "retroactive on {revenue}");
            assert_eq!(schedule(Method::Incremental).rebate(revenue), incremental, "incremental on {revenue}");
        }
    }

    #[test]
    fn a_band_from_zero_and_a_flat_rate_pay_from_the_first_cent() {
        let flat = Schedule::flat("Silver", 50);
        assert_eq!(flat.rebate(100_00), 50);
        assert_eq!(flat.rebate(99), 0, "0.495 cents rounds to nothing");
        assert_eq!(flat.rebate(-5_00), 0, "a quarter that nets negative earns no rebate");
        let incremental = Schedule {
            name: "Ladder".into(),
            method: Method::Incremental,
            bands: vec![Band { threshold_minor: 0, rate_bp: 100 }, Band { threshold_minor: 100_000_00, rate_bp: 150 }],
        };
        // 1 % of 100,000 = 1,000 and 1.5 % of 33,333.33 = 499.99995: 1,499.99995, rounded once → 1,500.00.
        assert_eq!(incremental.rebate(133_333_33), 1_500_00);
    }

    #[test]
    fn the_forecast_says_the_distance_to_the_next_threshold() {
        let forecast = schedule(Method::Retroactive).forecast(300_000_00);
        assert_eq!(forecast.accrual_minor, 6_000_00);
        assert_eq!(forecast.rate_bp, Some(200));
        assert_eq!(forecast.next, Some((500_000_00, 300, 200_000_00)));
        let below = schedule(Method::Incremental).forecast(10_00);
        assert_eq!((below.accrual_minor, below.rate_bp, below.next), (0, None, Some((250_000_00, 200, 249_990_00))));
        assert_eq!(schedule(Method::Retroactive).forecast(900_000_00).next, None);
    }

    #[test]
    fn bands_are_read_line_by_line_and_every_mistake_is_named() {
        let bands = parse_bands("250,000 = 2\n\n500000=3.5", Currency::USD).expect("bands");
        assert_eq!(
            bands,
            [Band { threshold_minor: 250_000_00, rate_bp: 200 }, Band { threshold_minor: 500_000_00, rate_bp: 350 }]
        );
        assert_eq!(parse_bands("0 = 1", Currency::USD), Ok(vec![Band { threshold_minor: 0, rate_bp: 100 }]));
        let cases = [
            ("", "Write at least one threshold and its rate, like 250,000 = 2."),
            ("250000 2", "Line 1: write the revenue, then = and the rate, like 250,000 = 2."),
            ("lots = 2", "Line 1: Enter the amount as a number, like 12,500.00."),
            ("250000 = 0", "Line 1: the rate is a percentage above 0 and at most 100, like 2 or 2.5."),
            ("250000 = 101", "Line 1: the rate is a percentage above 0 and at most 100, like 2 or 2.5."),
            ("500000 = 3\n250000 = 2", "Line 2: each threshold must be above the one before."),
        ];
        for (raw, message) in cases {
            assert_eq!(parse_bands(raw, Currency::USD), Err(message.to_owned()), "{raw:?}");
        }
        let input = ScheduleInput { name: " ".into(), method: "sometimes".into(), bands: "x".into() };
        let errors = input.check(Currency::USD).expect_err("three mistakes");
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["bands", "method", "name"]);
    }
}

mod rules {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::super::ledger::{EntryKind, parse_quarter, quarter_key};
    use super::super::rebates::*;
    use crate::money::Conversion;
    use crate::tiers::program::{Approval, Benefits, Policy, Program, SupportLevel, Tier};

    fn tier(id: i64, name: &str, rebate_bp: i64, schedule: &str) -> Tier {
        Tier {
            id,
            name: name.into(),
            requirements: Vec::new(),
            benefits: Benefits {
                margin_bp: 1_000,
                registration_bp: 0,
                coop_bp: 0,
                rebate_bp,
                rebate_schedule: schedule.into(),
                support: SupportLevel::Standard,
                courses: Vec::new(),
            },
        }
    }

    fn rules() -> RebateRules {
        RebateRules {
            program: Program {
                tiers: vec![
                    tier(1, "Registered", 0, ""),
                    tier(2, "Silver", 50, "No such schedule"),
                    tier(3, "Gold", 100, "gold QUARTERLY"),
                ],
                policy: Policy { approval: Approval::Automatic, grace_days: 30 },
                public: false,
            },
            schedules: vec![Schedule {
                name: "Gold quarterly".into(),
                method: Method::Retroactive,
                bands: vec![Band { threshold_minor: 250_000_00, rate_bp: 200 }],
            }],
            conversion: Conversion::new("USD", &[("USD".into(), 1_000_000), ("EUR".into(), 1_100_000)]),
        }
    }

    fn revenue(organisation_id: i64, tier_id: i64, currency: &str, amount_minor: i64) -> Revenue {
        Revenue { organisation_id, tier_id: Some(tier_id), currency: currency.into(), amount_minor }
    }

    #[test]
    fn a_tier_earns_by_the_schedule_it_names_else_by_its_flat_rate_else_nothing() {
        let rules = rules();
        assert_eq!(
            rules.schedule_for(Some(3)).map(|s| s.name),
            Some("Gold quarterly".to_owned()),
            "names match in any case"
        );
        assert_eq!(
            rules.schedule_for(Some(2)),
            Some(Schedule::flat("Silver", 50)),
            "an unknown name falls back to the flat rate"
        );
        assert_eq!(rules.schedule_for(Some(1)), None);
        assert_eq!(rules.schedule_for(None), None);
        assert_eq!(rules.schedule_for(Some(9)), None);
    }

    #[test]
    fn closing_books_one_rebate_per_partner_on_its_revenue_in_the_reporting_currency() {
        let quarter = NaiveDate::from_ymd_opt(2026, 7, 1).expect("day");
        let at = Utc.with_ymd_and_hms(2026, 10, 5, 12, 0, 0).single().expect("time");
        let rows = [
            // Gold: 200,000 USD + 50,000 EUR (55,000 USD) = 255,000 USD, past 250,000: 2 % of it all.
            revenue(10, 3, "EUR", 50_000_00),
            revenue(10, 3, "USD", 200_000_00),
            // Gold below its threshold: nothing.
            revenue(11, 3, "USD", 100_000_00),
            // Silver's flat 0.5 %.
            revenue(12, 2, "USD", 10_000_00),
            // Registered earns no rebate.
            revenue(13, 1, "USD", 900_000_00),
        ];
        let entries = rules().at_close(quarter, &rows, Some(1), at);
        let got: Vec<_> =
            entries.iter().map(|e| (e.organisation_id, e.amount_minor, e.basis_minor, e.rate_bp)).collect();
        assert_eq!(got, [(10, 5_100_00, Some(255_000_00), Some(200)), (12, 50_00, Some(10_000_00), Some(50))]);
        assert!(
            entries.iter().all(|e| e.kind == EntryKind::Rebate && e.period_start == quarter && e.currency == "USD")
        );
        assert_eq!(
            entries[0].description,
            "Volume rebate for Q3 2026 on 255,000.00 USD of won revenue, Gold quarterly (retroactive)"
        );
        assert_eq!(parse_quarter(&quarter_key(quarter)), Some(quarter));
    }
}
