use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::engine::{Direction, Grace, Metrics, Standing, evaluate, expiry_drop};
use super::form::{ProgramForm, TierForm, parse_percent};
use super::program::{Approval, Benefits, Measure, Policy, Program, Requirement, SupportLevel, Tier};
use crate::money::{Conversion, Currency};

const REGISTERED: i64 = 1;
const SILVER: i64 = 2;
const GOLD: i64 = 3;
const PLATINUM: i64 = 4;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).single().unwrap_or_default()
}

fn tier(id: i64, name: &str, requirements: &[(Measure, i64)]) -> Tier {
    Tier {
        id,
        name: name.into(),
        requirements: requirements.iter().map(|&(measure, threshold)| Requirement { measure, threshold }).collect(),
        benefits: Benefits {
            margin_bp: 1_000 + id * 500,
            registration_bp: 500,
            coop_bp: 100 * id,
            rebate_bp: 50 * id,
            rebate_schedule: String::new(),
            support: SupportLevel::Standard,
            courses: Vec::new(),
        },
    }
}

/// Registered, then Silver (50,000.00 USD and 1 certified person), Gold (150,000.00, 2 people,
/// 5 won deals) and Platinum (500,000.00, 4 people, 12 won deals, 20 registered deals).
fn program(approval: Approval) -> Program {
    use Measure::*;
    Program {
        tiers: vec![
            tier(REGISTERED, "Registered", &[]),
            tier(SILVER, "Silver", &[(Revenue, 5_000_000), (CertifiedPeople, 1)]),
            tier(GOLD, "Gold", &[(Revenue, 15_000_000), (CertifiedPeople, 2), (WonDeals, 5)]),
            tier(
                PLATINUM,
                "Platinum",
                &[(Revenue, 50_000_000), (CertifiedPeople, 4), (WonDeals, 12), (RegisteredDeals, 20)],
            ),
        ],
        policy: Policy { approval, grace_days: 60 },
        public: true,
    }
}

fn metrics(revenue_minor: i64, certified_people: i64, won_deals: i64, registered_deals: i64) -> Metrics {
    Metrics { revenue_minor, certified_people, won_deals, registered_deals }
}

fn in_tier(id: i64) -> Standing {
    Standing { tier_id: Some(id), ..Standing::default() }
}

#[test]
fn the_qualified_tier_is_the_highest_whose_every_requirement_is_met() {
    let program = program(Approval::Automatic);
    let cases = [
        ("nothing yet", metrics(0, 0, 0, 0), REGISTERED),
        ("exactly at Silver's thresholds", metrics(5_000_000, 1, 0, 0), SILVER),
        ("a cent short of Silver", metrics(4_999_999, 1, 0, 0), REGISTERED),
        ("revenue met but not certification", metrics(20_000_000, 1, 9, 0), SILVER),
        ("exactly at Gold", metrics(15_000_000, 2, 5, 0), GOLD),
        ("Platinum's figures without its registered deals", metrics(60_000_000, 5, 15, 19), GOLD),
        ("Platinum", metrics(60_000_000, 5, 15, 20), PLATINUM),
    ];
    for (case, figures, expected) in cases {
        let evaluation = evaluate(&program, &figures, &in_tier(REGISTERED), now());
        assert_eq!(evaluation.qualified, expected, "{case}");
    }
}

#[test]
fn gold_partner_sees_distance_to_platinum() {
    let program = program(Approval::Automatic);
    let evaluation = evaluate(&program, &metrics(45_800_000, 3, 12, 25), &in_tier(GOLD), now());
    assert_eq!(evaluation.qualified, GOLD);
    assert_eq!(evaluation.next, Some(PLATINUM));
    assert_eq!(
        evaluation.distance_text(&program, Currency::USD).as_deref(),
        Some("42,000.00 USD of won revenue and 1 certified person to Platinum")
    );
    assert_eq!(
        evaluation.explain(&program, Currency::USD),
        "Meets Gold's requirements; 42,000.00 USD of won revenue and 1 certified person to Platinum."
    );
}

#[test]
fn promotions_apply_or_wait_for_approval_as_the_policy_says() {
    let figures = metrics(16_000_000, 2, 6, 0);
    for (approval, needs_approval) in [(Approval::Automatic, false), (Approval::ChannelManager, true)] {
        let program = program(approval);
        let evaluation = evaluate(&program, &figures, &in_tier(SILVER), now());
        let proposal = evaluation.proposal.expect("a promotion");
        assert_eq!((proposal.from, proposal.to, proposal.direction), (Some(SILVER), GOLD, Direction::Promotion));
        assert_eq!(proposal.needs_approval, needs_approval, "{approval:?}");
        assert!(
            evaluation
                .explain(&program, Currency::USD)
                .starts_with("Meets every requirement of Gold: moves up from Silver")
        );
    }
}

#[test]
fn a_partner_never_placed_is_placed_where_it_qualifies_without_approval() {
    let program = program(Approval::ChannelManager);
    let evaluation = evaluate(&program, &metrics(6_000_000, 1, 0, 0), &Standing::default(), now());
    let proposal = evaluation.proposal.expect("a placement");
    assert_eq!((proposal.from, proposal.to, proposal.needs_approval), (None, SILVER, false));
}

#[test]
fn a_demotion_waits_for_the_grace_period() {
    let program = program(Approval::Automatic);
    let below_gold = metrics(15_000_000, 1, 5, 0);
    let start = now();
    let cases = [
        ("falls below: grace starts", None, Grace::Starts { until: start + Duration::days(60) }, None),
        (
            "inside the grace period",
            Some(start - Duration::days(59)),
            Grace::Runs { since: start - Duration::days(59), until: start + Duration::days(1) },
            None,
        ),
        ("the grace period is over", Some(start - Duration::days(60)), Grace::Over, Some(SILVER)),
    ];
    for (case, grace_since, grace, demoted_to) in cases {
        let standing = Standing { tier_id: Some(GOLD), grace_since, declined: None };
        let evaluation = evaluate(&program, &below_gold, &standing, start);
        assert_eq!(evaluation.grace, grace, "{case}");
        assert_eq!(
            evaluation.proposal.map(|p| (p.direction, p.to)),
            demoted_to.map(|to| (Direction::Demotion, to)),
            "{case}"
        );
    }
    let warning = evaluate(&program, &below_gold, &in_tier(GOLD), start).explain(&program, Currency::USD);
    assert_eq!(
        warning,
        "Below Gold's requirements (short by 1 certified person): keeps Gold until 1 February 2027 if it does not catch up."
    );
}

#[test]
fn catching_up_inside_the_grace_period_ends_it_without_a_change() {
    let program = program(Approval::Automatic);
    let standing = Standing { tier_id: Some(GOLD), grace_since: Some(now() - Duration::days(10)), declined: None };
    let evaluation = evaluate(&program, &metrics(15_000_000, 2, 5, 0), &standing, now());
    assert_eq!((evaluation.grace, evaluation.proposal), (Grace::Ends, None));
}

#[test]
fn no_grace_period_demotes_at_once() {
    let mut program = program(Approval::ChannelManager);
    program.policy.grace_days = 0;
    let evaluation = evaluate(&program, &metrics(0, 0, 0, 0), &in_tier(GOLD), now());
    let proposal = evaluation.proposal.expect("a demotion");
    assert_eq!((proposal.to, proposal.direction, proposal.needs_approval), (REGISTERED, Direction::Demotion, true));
}

#[test]
fn a_declined_change_is_not_proposed_again_for_thirty_days() {
    let program = program(Approval::ChannelManager);
    let figures = metrics(16_000_000, 2, 6, 0);
    let declined = |days_ago: i64| Standing {
        tier_id: Some(SILVER),
        grace_since: None,
        declined: Some((GOLD, now() - Duration::days(days_ago))),
    };
    let recently = evaluate(&program, &figures, &declined(29), now());
    assert_eq!((recently.proposal, recently.held_back), (None, Some(GOLD)));
    assert!(evaluate(&program, &figures, &declined(30), now()).proposal.is_some());
}

#[test]
fn empty_optional_requirements_do_not_apply() {
    let program = program(Approval::Automatic);
    // Gold asks nothing of registered deals: none registered still meets Gold.
    let evaluation = evaluate(&program, &metrics(15_000_000, 2, 5, 0), &in_tier(GOLD), now());
    assert_eq!(evaluation.qualified, GOLD);
    let registered = evaluation.progress.iter().find(|p| p.measure == Measure::RegisteredDeals).expect("Platinum asks");
    assert_eq!((registered.keep, registered.next), (None, Some(20)));
}

#[test]
fn revenue_in_other_currencies_is_converted_before_it_is_compared() {
    // 1 EUR = 1.10 USD, 1 JPY = 0.0067 USD.
    let conversion =
        Conversion::new("USD", &[("EUR".into(), 1_100_000), ("JPY".into(), 6_700), ("USD".into(), 1_000_000)]);
    let totals = [(4_000_000, "EUR".to_string()), (1_000_000, "USD".to_string()), (10_000_000, "JPY".to_string())];
    // 44,000.00 + 10,000.00 + 67,000.00 USD.
    let revenue = Metrics::revenue_of(&totals, &conversion);
    assert_eq!(revenue, 12_100_000);
    let program = program(Approval::Automatic);
    let evaluation = evaluate(&program, &metrics(revenue, 1, 0, 0), &in_tier(REGISTERED), now());
    assert_eq!(evaluation.qualified, SILVER);
}

#[test]
fn an_expiring_certification_that_would_drop_the_partner_raises_the_alert() {
    let program = program(Approval::Automatic);
    let gold = metrics(16_000_000, 2, 6, 0);
    assert_eq!(expiry_drop(&program, &gold, 1, Some(GOLD)), Some(SILVER));
    assert_eq!(expiry_drop(&program, &gold, 2, Some(GOLD)), None, "nothing ends");
    assert_eq!(expiry_drop(&program, &metrics(16_000_000, 3, 6, 0), 2, Some(GOLD)), None, "one to spare");
    assert_eq!(
        expiry_drop(&program, &metrics(16_000_000, 1, 6, 0), 0, Some(GOLD)),
        None,
        "already below: the grace warning says so"
    );
}

fn form_row(name: &str, requirements: [&str; 4]) -> TierForm {
    TierForm {
        name: name.into(),
        revenue: requirements[0].into(),
        certified_people: requirements[1].into(),
        won_deals: requirements[2].into(),
        registered_deals: requirements[3].into(),
        margin: "10".into(),
        support: "standard".into(),
        ..TierForm::default()
    }
}

fn form(rows: Vec<TierForm>) -> ProgramForm {
    ProgramForm {
        approval: "channel_manager".into(),
        grace_days: "60".into(),
        public: None,
        tiers: rows,
        courses: Vec::new(),
    }
}

#[test]
fn a_higher_tier_asking_for_less_is_refused_with_the_field_named() {
    let refused = form(vec![
        form_row("Registered", ["", "", "", ""]),
        form_row("Silver", ["50,000", "1", "", ""]),
        form_row("Gold", ["40,000", "2", "5", ""]),
    ])
    .check(Currency::USD)
    .expect_err("Gold asks for less revenue");
    assert_eq!(
        refused.get("tiers[2][revenue]").map(String::as_str),
        Some("Gold asks for less than Silver (50,000.00 USD of won revenue): a higher tier asks for at least as much.")
    );
    assert_eq!(refused.len(), 1, "{refused:?}");

    let missing = form(vec![
        form_row("Registered", ["", "", "", ""]),
        form_row("Silver", ["", "1", "", ""]),
        form_row("Gold", ["10", "", "", ""]),
    ])
    .check(Currency::USD)
    .expect_err("Gold drops the certification");
    assert!(missing.contains_key("tiers[2][certified_people]"), "{missing:?}");
}

#[test]
fn the_configuration_form_names_every_bad_field() {
    let mut rows = vec![
        form_row("Registered", ["5", "", "", ""]),
        form_row("Silver", ["ten", "0", "", ""]),
        form_row("silver", ["", "1", "", ""]),
    ];
    rows[1].margin = "101".into();
    rows[1].support = "gold-plated".into();
    let mut bad = form(rows);
    bad.grace_days = "400".into();
    bad.approval = "whoever".into();
    let fields = bad.check(Currency::USD).expect_err("bad");
    for name in [
        "approval",
        "grace_days",
        "tiers[0][revenue]",
        "tiers[1][revenue]",
        "tiers[1][certified_people]",
        "tiers[1][margin]",
        "tiers[1][support]",
        "tiers[2][name]",
    ] {
        assert!(fields.contains_key(name), "{name} in {fields:?}");
    }
}

#[test]
fn a_stored_program_reads_back_through_its_form_unchanged() {
    let program = program(Approval::ChannelManager);
    let mut form = ProgramForm::of(&program, Currency::USD, &[]);
    assert_eq!(form.tiers.len(), 5, "an empty row to add a tier");
    assert_eq!(form.tiers[2].revenue, "150000");
    form.tiers[4].name = String::new();
    assert_eq!(form.check(Currency::USD), Ok(program.clone()));
    form.tiers[1].remove = Some("on".into());
    let without_silver = form.check(Currency::USD).expect("Gold still asks more than Registered");
    assert_eq!(without_silver.tiers.iter().map(|t| t.id).collect::<Vec<_>>(), [REGISTERED, GOLD, PLATINUM]);
}

#[test]
fn percentages_are_read_to_two_decimals() {
    let cases = [("12.5", Ok(1_250)), ("0", Ok(0)), ("", Ok(0)), ("100", Ok(10_000)), ("7.25 %", Ok(725))];
    for (typed, expected) in cases {
        assert_eq!(parse_percent(typed), expected, "{typed}");
    }
    for typed in ["100.01", "-1", "1.234", "ten", "1e3"] {
        assert!(parse_percent(typed).is_err(), "{typed}");
    }
}

fn any_metrics() -> impl Strategy<Value = Metrics> {
    (0..80_000_000i64, 0..8i64, 0..30i64, 0..40i64).prop_map(|(r, c, w, g)| metrics(r, c, w, g))
}

proptest! {
    #[test]
    fn raising_any_metric_never_lowers_the_qualified_tier(
        figures in any_metrics(),
        measure in prop::sample::select(Measure::ALL.to_vec()),
        raise in 0..50_000_000i64,
    ) {
        let program = program(Approval::Automatic);
        let mut raised = figures;
        match measure {
            Measure::Revenue => raised.revenue_minor += raise,
            Measure::CertifiedPeople => raised.certified_people += raise % 10,
            Measure::WonDeals => raised.won_deals += raise % 30,
            Measure::RegisteredDeals => raised.registered_deals += raise % 40,
        }
        let before = evaluate(&program, &figures, &in_tier(SILVER), now());
        let after = evaluate(&program, &raised, &in_tier(SILVER), now());
        let rank = |id: i64| program.index_of(id);
        prop_assert!(rank(after.qualified) >= rank(before.qualified));
    }

    #[test]
    fn the_evaluation_is_the_same_whatever_order_requirements_are_listed_in(
        figures in any_metrics(),
        current in 1..=4i64,
        seed in any::<u64>(),
    ) {
        let program = program(Approval::ChannelManager);
        let mut shuffled = program.clone();
        for (at, tier) in shuffled.tiers.iter_mut().enumerate() {
            let count = tier.requirements.len();
            if count > 1 {
                tier.requirements.rotate_left((seed as usize + at) % count);
                if seed % 2 == 0 { tier.requirements.reverse(); }
            }
        }
        let standing = Standing { tier_id: Some(current), grace_since: Some(now() - Duration::days(30)), declined: None };
        prop_assert_eq!(evaluate(&program, &figures, &standing, now()), evaluate(&shuffled, &figures, &standing, now()));
    }
}

#[test]
fn the_last_four_quarter_ends_are_the_backtest_points() {
    let labels: Vec<(String, String)> = super::simulate::points(now())
        .into_iter()
        .map(|(label, at)| (label, at.format("%Y-%m-%d %H:%M:%S").to_string()))
        .collect();
    let expected = [
        ("Today", "2026-12-03 09:00:00"),
        ("End of Q3 2026", "2026-09-30 23:59:59"),
        ("End of Q2 2026", "2026-06-30 23:59:59"),
        ("End of Q1 2026", "2026-03-31 23:59:59"),
        ("End of Q4 2025", "2025-12-31 23:59:59"),
    ];
    assert_eq!(labels, expected.map(|(label, at)| (label.to_owned(), at.to_owned())));
}

#[test]
fn the_simulator_counts_who_moves_now_and_in_the_backtest_and_what_margin_it_costs() {
    use super::simulate::{PartnerFigures, simulate};
    let published = program(Approval::ChannelManager);
    // The draft asks Silver for 30,000.00 USD instead of 50,000.00.
    let mut draft = published.clone();
    draft.tiers[1].requirements[0].threshold = 3_000_000;
    let partners = [
        // Registered with 40,000.00 today (Silver under the draft), 10,000.00 a quarter ago.
        PartnerFigures {
            name: "Initech".into(),
            current: Some(REGISTERED),
            metrics: vec![metrics(4_000_000, 1, 0, 0), metrics(1_000_000, 1, 0, 0)],
        },
        // Gold today; a quarter ago its figures met Silver's lowered bar only.
        PartnerFigures {
            name: "Globex".into(),
            current: Some(GOLD),
            metrics: vec![metrics(20_000_000, 2, 6, 0), metrics(3_500_000, 1, 0, 0)],
        },
    ];
    let labels = ["Today".to_owned(), "End of Q3 2026".to_owned()];
    let simulation = simulate(&published, &draft, &partners, &labels, Currency::USD);
    let today = &simulation.points[0];
    assert_eq!((today.up, today.down, today.stay), (1, 0, 1));
    assert_eq!(today.moves[0].partner, "Initech");
    assert_eq!((today.moves[0].from.as_str(), today.moves[0].to.as_str()), ("Registered", "Silver"));
    let quarter = &simulation.points[1];
    assert_eq!((quarter.up, quarter.down, quarter.stay), (1, 0, 1), "Globex met the lowered Silver then");
    // Margins (15 % at Registered, 5 points more a tier up): Initech's 40,000.00 at 20 % instead
    // of 15 %, Globex's 200,000.00 at Gold's 25 % either way.
    assert_eq!(simulation.margin_now_minor, 600_000 + 5_000_000);
    assert_eq!(simulation.margin_change_minor(), 200_000);
}

#[test]
fn a_deal_earns_more_at_each_tier_up() {
    use super::economics::earnings;
    let program = program(Approval::Automatic);
    // 100,000.00 USD: margin 15 % to 30 %, registration 5 %, MDF aside, rebate 0.5 % a tier.
    let at_each = earnings(&program, 10_000_000);
    let rows: Vec<(&str, i64, i64, i64, i64)> = at_each
        .iter()
        .map(|e| (e.tier.as_str(), e.margin_minor, e.registration_minor, e.rebate_minor, e.total_minor()))
        .collect();
    assert_eq!(
        rows,
        [
            ("Registered", 1_500_000, 500_000, 50_000, 2_050_000),
            ("Silver", 2_000_000, 500_000, 100_000, 2_600_000),
            ("Gold", 2_500_000, 500_000, 150_000, 3_150_000),
            ("Platinum", 3_000_000, 500_000, 200_000, 3_700_000),
        ]
    );
    // A share is rounded to the nearest cent: 0.5 % of 0.99 is just under half a cent, of 1.00 half a cent.
    assert_eq!(earnings(&program, 99)[0].rebate_minor, 0);
    assert_eq!(earnings(&program, 100)[0].rebate_minor, 1);
}

#[test]
fn a_partner_whose_tier_was_removed_is_placed_again_without_approval() {
    let mut program = program(Approval::ChannelManager);
    program.tiers.remove(1);
    let evaluation = evaluate(&program, &metrics(6_000_000, 1, 0, 0), &in_tier(SILVER), now());
    let proposal = evaluation.proposal.expect("a placement");
    assert_eq!((proposal.from, proposal.to, proposal.needs_approval), (None, REGISTERED, false));
    assert_eq!(
        evaluation.explain(&program, Currency::USD),
        "Placed in Registered, the highest tier whose requirements it meets."
    );
}

#[test]
fn the_simulator_keeps_a_partner_in_a_tier_the_draft_keeps() {
    use super::simulate::{PartnerFigures, simulate};
    let published = program(Approval::ChannelManager);
    let mut draft = published.clone();
    draft.tiers.remove(1);
    let gold =
        PartnerFigures { name: "Globex".into(), current: Some(GOLD), metrics: vec![metrics(20_000_000, 2, 6, 0)] };
    let simulation = simulate(&published, &draft, &[gold], &["Today".to_owned()], Currency::USD);
    let today = &simulation.points[0];
    assert_eq!((today.up, today.down, today.stay), (0, 0, 1), "Gold is Gold without Silver below it");
}

#[test]
fn a_form_naming_a_tier_twice_or_by_no_id_is_refused() {
    let mut twice = ProgramForm::of(&program(Approval::Automatic), Currency::USD, &[]);
    twice.tiers[2].id = twice.tiers[1].id.clone();
    assert!(twice.check(Currency::USD).expect_err("twice").contains_key("tiers[2][name]"));
    let mut forged = ProgramForm::of(&program(Approval::Automatic), Currency::USD, &[]);
    forged.tiers[1].id = "Silver".into();
    assert!(forged.check(Currency::USD).expect_err("forged").contains_key("tiers[1][name]"));
}

#[test]
fn a_tier_unlocks_the_courses_its_row_is_chosen_for_and_nothing_else() {
    let mut program = program(Approval::Automatic);
    program.tiers[2].benefits.courses = vec![7];
    let courses = [(7, "Migrating".to_owned()), (9, "Selling".to_owned())];
    let mut form = ProgramForm::of(&program, Currency::USD, &courses);
    let rows: Vec<(&str, &str)> = form.courses.iter().map(|row| (row.course.as_str(), row.tier.as_str())).collect();
    assert_eq!(rows, [("7", "2"), ("9", "")], "Gold (the third row) unlocks course 7; course 9 is open to all");
    form.tiers[4].name = String::new();
    assert_eq!(form.check(Currency::USD), Ok(program.clone()), "read back unchanged");

    // Moved to Platinum, course 7 is Platinum's alone.
    form.courses[0].tier = "3".into();
    let moved = form.check(Currency::USD).expect("valid");
    assert_eq!((moved.tiers[2].benefits.courses.clone(), moved.tiers[3].benefits.courses.clone()), (vec![], vec![7]));

    // A removed tier, a row that is no tier, a course named twice or by no id: each refused with its field.
    let mut removed = form.clone();
    removed.tiers[3].remove = Some("on".into());
    assert!(removed.check(Currency::USD).expect_err("removed").contains_key("courses[0][tier]"));
    let mut nowhere = form.clone();
    nowhere.courses[1].tier = "12".into();
    assert!(nowhere.check(Currency::USD).expect_err("no such row").contains_key("courses[1][tier]"));
    let mut twice = form.clone();
    twice.courses[1].course = "7".into();
    assert!(twice.check(Currency::USD).expect_err("twice").contains_key("courses[1][tier]"));
    let mut forged = form;
    forged.courses[0].course = "Migrating".into();
    assert!(forged.check(Currency::USD).expect_err("forged").contains_key("courses[0][tier]"));
}
