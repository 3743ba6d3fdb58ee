//! MDF's rules as tables and laws: every move of a request and of its claim by each side (illegal
//! ones refused with their reason), allocations that never pass their budget, and the forms' checks.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::rules::{ClaimState, Draw, MdfCommand, MdfRefusal, Move, RequestState, Side, Stage, allocation_fits, step};
use super::{AllocationInput, AllocationRow, ClaimInput, NewClaim, RequestInput};
use crate::incentives::coop::CoopBalance;
use crate::money::Currency;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("day")
}

fn reject(reason: &str) -> MdfCommand {
    MdfCommand::Reject { reason: reason.into() }
}

fn at(request: RequestState, claim: Option<ClaimState>) -> Stage {
    Stage { request, claim }
}

#[test]
fn every_move_of_a_request_by_each_side() {
    use RequestState::*;
    let starts = day(2026, 11, 10);
    let (before, on) = (day(2026, 11, 9), day(2026, 11, 10));
    let not_now = |state| Err(MdfRefusal::NotNow(at(state, None)));
    let cases: Vec<(RequestState, Side, MdfCommand, NaiveDate, Result<RequestState, MdfRefusal>)> = vec![
        (Requested, Side::Manager, MdfCommand::PreApprove, before, Ok(PreApproved)),
        (Requested, Side::Manager, reject("Outside the program's focus"), before, Ok(Rejected)),
        (Requested, Side::Manager, reject("  "), before, Err(MdfRefusal::ReasonRequired)),
        (Requested, Side::Partner, MdfCommand::Withdraw, before, Ok(Withdrawn)),
        (Requested, Side::Partner, MdfCommand::PreApprove, before, Err(MdfRefusal::ManagersDecide)),
        (Requested, Side::Partner, reject("mine"), before, Err(MdfRefusal::ManagersDecide)),
        (Requested, Side::Manager, MdfCommand::Withdraw, before, Err(MdfRefusal::PartnersAct)),
        (Requested, Side::Partner, MdfCommand::MarkExecuted, on, not_now(Requested)),
        (Requested, Side::Partner, MdfCommand::Claim, on, not_now(Requested)),
        (PreApproved, Side::Partner, MdfCommand::MarkExecuted, on, Ok(Executed)),
        (PreApproved, Side::Partner, MdfCommand::MarkExecuted, before, Err(MdfRefusal::NotStarted(starts))),
        (PreApproved, Side::Manager, MdfCommand::MarkExecuted, on, Err(MdfRefusal::PartnersAct)),
        (PreApproved, Side::Partner, MdfCommand::Withdraw, on, not_now(PreApproved)),
        (PreApproved, Side::Partner, MdfCommand::Claim, on, not_now(PreApproved)),
        (PreApproved, Side::Manager, MdfCommand::PreApprove, on, not_now(PreApproved)),
        (PreApproved, Side::Manager, reject("late"), on, not_now(PreApproved)),
        (Rejected, Side::Manager, MdfCommand::PreApprove, on, not_now(Rejected)),
        (Rejected, Side::Partner, MdfCommand::Claim, on, not_now(Rejected)),
        (Withdrawn, Side::Manager, MdfCommand::PreApprove, on, not_now(Withdrawn)),
        (Executed, Side::Partner, MdfCommand::MarkExecuted, on, not_now(Executed)),
        (Executed, Side::Partner, MdfCommand::Withdraw, on, not_now(Executed)),
        (Executed, Side::Manager, MdfCommand::ApproveClaim, on, not_now(Executed)),
    ];
    for (state, side, command, today, expected) in cases {
        let expected = expected.map(Move::Request);
        assert_eq!(step(at(state, None), side, &command, starts, today), expected, "{state:?} {side:?} {command:?}");
    }
}

#[test]
fn every_move_of_a_claim_by_each_side() {
    use ClaimState::*;
    let day = day(2026, 11, 20);
    let executed = |claim| at(RequestState::Executed, claim);
    let reject_claim = |reason: &str| MdfCommand::RejectClaim { reason: reason.into() };
    let cases: Vec<(Option<ClaimState>, Side, MdfCommand, Result<Move, MdfRefusal>)> = vec![
        (None, Side::Partner, MdfCommand::Claim, Ok(Move::Claim(Claimed))),
        (None, Side::Manager, MdfCommand::Claim, Err(MdfRefusal::PartnersAct)),
        (None, Side::Manager, MdfCommand::ApproveClaim, Err(MdfRefusal::NotNow(executed(None)))),
        (Some(Claimed), Side::Manager, MdfCommand::ApproveClaim, Ok(Move::Claim(Approved))),
        (Some(Claimed), Side::Manager, reject_claim("No invoice attached"), Ok(Move::Claim(Rejected))),
        (Some(Claimed), Side::Manager, reject_claim(" "), Err(MdfRefusal::ReasonRequired)),
        // A partner never decides its own claim, nor claims twice while one waits.
        (Some(Claimed), Side::Partner, MdfCommand::ApproveClaim, Err(MdfRefusal::ManagersDecide)),
        (Some(Claimed), Side::Partner, reject_claim("oops"), Err(MdfRefusal::ManagersDecide)),
        (Some(Claimed), Side::Partner, MdfCommand::Claim, Err(MdfRefusal::NotNow(executed(Some(Claimed))))),
        // A rejected claim may be followed by another; an approved one is final.
        (Some(Rejected), Side::Partner, MdfCommand::Claim, Ok(Move::Claim(Claimed))),
        (Some(Rejected), Side::Manager, MdfCommand::ApproveClaim, Err(MdfRefusal::NotNow(executed(Some(Rejected))))),
        (Some(Approved), Side::Partner, MdfCommand::Claim, Err(MdfRefusal::NotNow(executed(Some(Approved))))),
        (Some(Approved), Side::Manager, MdfCommand::ApproveClaim, Err(MdfRefusal::NotNow(executed(Some(Approved))))),
        (Some(Approved), Side::Manager, reject_claim("late"), Err(MdfRefusal::NotNow(executed(Some(Approved))))),
        (Some(Approved), Side::Partner, MdfCommand::Withdraw, Err(MdfRefusal::NotNow(executed(Some(Approved))))),
    ];
    for (claim, side, command, expected) in cases {
        assert_eq!(step(executed(claim), side, &command, day, day), expected, "{claim:?} {side:?} {command:?}");
    }
}

#[test]
fn a_timeline_line_reads_back_what_was_stored() {
    let moves = RequestState::ALL.into_iter().map(Move::Request).chain(ClaimState::ALL.into_iter().map(Move::Claim));
    for found in moves {
        assert_eq!(Move::parse(found.as_str()), Some(found), "{found:?}");
    }
    assert_eq!(Move::parse("paid"), None);
}

#[test]
fn a_claim_stays_within_what_was_pre_approved_and_says_what_it_brought() {
    let input = |amount: &str, results: &str| ClaimInput { amount: amount.into(), results: results.into() };
    let usd = Currency::USD;
    assert_eq!(
        input("2,500.00", "34 leads").check(usd, 2_500_00),
        Ok(NewClaim { amount_minor: 2_500_00, results: "34 leads".into() }),
        "exactly what was pre-approved"
    );
    let over = input("2500.01", "34 leads").check(usd, 2_500_00).expect_err("a cent more");
    assert!(over["amount"].contains("at most the 2,500.00 USD pre-approved"), "{over:?}");
    let empty = input("", "  ").check(usd, 2_500_00).expect_err("nothing typed");
    assert!(empty.contains_key("amount") && empty.contains_key("results"), "{empty:?}");
}

proptest! {
    /// However allocations are asked for, those granted never add up past the budget.
    #[test]
    fn allocations_never_exceed_the_budget(budget in 0_i64..1_000_000, asks in proptest::collection::vec(1_i64..400_000, 0..30)) {
        let mut granted = 0;
        for ask in asks {
            match allocation_fits(budget, granted, ask) {
                Ok(()) => granted += ask,
                Err(left) => prop_assert_eq!(left, budget - granted),
            }
            prop_assert!(granted <= budget);
        }
    }
}

fn allocation(id: i64, amount: i64, committed: i64, expires_on: NaiveDate) -> AllocationRow {
    AllocationRow {
        id,
        period_start: day(2026, 10, 1),
        partner_id: 3,
        partner: "Bluepeak".into(),
        amount_minor: amount,
        committed_minor: committed,
        expires_on,
    }
}

fn request() -> RequestInput {
    RequestInput {
        allocation: "5".into(),
        kind: "event".into(),
        title: "Backup roadshow".into(),
        starts_on: "2026-11-20".into(),
        ends_on: "2026-11-21".into(),
        amount: "4,000".into(),
        expected_outcome: "40 leads, 5 opportunities".into(),
        campaign: "2".into(),
    }
}

#[test]
fn a_request_fits_its_open_allocation_or_says_what_is_left() {
    let today = day(2026, 11, 1);
    let open = [allocation(5, 10_000_00, 6_000_00, day(2026, 12, 31))];
    let campaigns = [(2, "Back up every server".to_owned())];
    let new = request().check(Currency::USD, (&open, None), &campaigns, today).expect("fits exactly");
    assert_eq!((new.amount_minor, new.campaign_id, new.draw), (4_000_00, Some(2), Draw::Allocation(5)));

    let over = RequestInput { amount: "4,000.01".into(), ..request() };
    let fields = over.check(Currency::USD, (&open, None), &campaigns, today).expect_err("a cent over");
    assert_eq!(fields["amount"], "Only 4,000.00 USD of this allocation is left.");
    let expired = [allocation(5, 10_000_00, 0, day(2026, 10, 31))];
    assert!(
        request()
            .check(Currency::USD, (&expired, None), &campaigns, today)
            .expect_err("expired")
            .contains_key("allocation")
    );
    let bad = RequestInput {
        kind: "party".into(),
        title: "".into(),
        expected_outcome: " ".into(),
        campaign: "9".into(),
        ..request()
    };
    let fields = bad.check(Currency::USD, (&open, None), &campaigns, today).expect_err("refused");
    let names: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(names, ["campaign", "expected_outcome", "kind", "title"]);
    let ended = RequestInput { starts_on: "2026-10-01".into(), ends_on: "2026-10-31".into(), ..request() };
    assert!(ended.check(Currency::USD, (&open, None), &campaigns, today).expect_err("ended").contains_key("ends_on"));
}

#[test]
fn a_request_draws_on_co_op_funds_within_what_is_available() {
    let today = day(2026, 11, 1);
    let fund =
        CoopBalance { partner_id: 3, partner: "Bluepeak".into(), accrued_minor: 5_000_00, committed_minor: 1_000_00 };
    let coop = RequestInput { allocation: "coop".into(), campaign: String::new(), ..request() };
    let new = coop.check(Currency::USD, (&[], Some(&fund)), &[], today).expect("4,000 of 4,000 available");
    assert_eq!(new.draw, Draw::Coop);
    let over = RequestInput { amount: "4,000.01".into(), ..coop.clone() };
    let fields = over.check(Currency::USD, (&[], Some(&fund)), &[], today).expect_err("a cent over");
    assert_eq!(fields["amount"], "Only 4,000.00 USD of your co-op funds is available.");
    let fields = coop.check(Currency::USD, (&[], None), &[], today).expect_err("no co-op funds");
    assert!(fields.contains_key("allocation"), "{fields:?}");
}

#[test]
fn an_allocation_names_a_partner_within_reach_and_expires_after_its_quarter_begins() {
    let partners = [(3, "Bluepeak".to_owned())];
    let input = AllocationInput {
        partner: "3".into(),
        period: "2026-Q4".into(),
        amount: "10,000".into(),
        expires_on: "2026-12-31".into(),
    };
    let new = input.check(Currency::USD, &partners).expect("good");
    assert_eq!((new.partner_id, new.period_start, new.amount_minor), (3, day(2026, 10, 1), 10_000_00));
    let stranger = AllocationInput { partner: "4".into(), expires_on: "2026-09-30".into(), ..input };
    let fields = stranger.check(Currency::USD, &partners).expect_err("refused");
    assert!(fields.contains_key("partner") && fields.contains_key("expires_on"), "{fields:?}");
}
