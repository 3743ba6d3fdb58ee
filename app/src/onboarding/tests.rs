//! The onboarding rules, table by table: progress, the clock, stuck, and the plan of a tick.

use super::*;
use chrono::{Duration, TimeZone};

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, day, 10, 0, 0).single().expect("time")
}

fn step(id: i64, kind: StepKind) -> Step {
    Step { id, title: format!("Step {id}"), description: String::new(), href: None, kind }
}

fn steps() -> Vec<Step> {
    vec![
        step(1, StepKind::Automatic { milestone: Milestone::AgreementAccepted }),
        step(2, StepKind::Manual { confirm: true }),
        step(3, StepKind::Automatic { milestone: Milestone::FirstDealRegistered }),
        step(4, StepKind::Manual { confirm: false }),
    ]
}

fn states(checklist: &Checklist) -> Vec<StepState> {
    checklist.items.iter().map(|item| item.state).collect()
}

#[test]
fn an_automatic_step_is_done_when_its_milestone_happened_even_before_the_step_existed() {
    // The deal was registered on the 2nd; the step may have been added on the 20th.
    let milestones =
        Milestones { agreement_accepted: Some(at(1)), first_deal_registered: Some(at(2)), ..Milestones::default() };
    let checklist = Checklist::of(steps(), &milestones, &[]);
    assert_eq!(states(&checklist), [StepState::Done, StepState::Pending, StepState::Done, StepState::Pending]);
    assert_eq!(checklist.items[2].at, Some(at(2)));
    assert_eq!((checklist.resolved(), checklist.percent()), (2, 50));
    assert_eq!(checklist.next().map(|item| item.step.id), Some(2));
}

#[test]
fn marks_give_manual_steps_their_state_and_skip_automatic_ones() {
    let milestones = Milestones { agreement_accepted: Some(at(1)), ..Milestones::default() };
    let marks = [
        Mark { step_id: 2, state: StepState::Waiting, at: at(3) },
        Mark { step_id: 3, state: StepState::Skipped, at: at(4) },
        Mark { step_id: 4, state: StepState::Done, at: at(5) },
    ];
    let checklist = Checklist::of(steps(), &milestones, &marks);
    assert_eq!(states(&checklist), [StepState::Done, StepState::Waiting, StepState::Skipped, StepState::Done]);
    assert_eq!(checklist.percent(), 75, "skipped counts as resolved; waiting does not");
    assert!(!checklist.complete());
    assert_eq!(checklist.next(), None, "a step waiting for confirmation is not the partner's to do");
    let confirmed = [Mark { step_id: 2, state: StepState::Done, at: at(6) }, marks[1], marks[2]];
    assert!(Checklist::of(steps(), &milestones, &confirmed).complete());
}

#[test]
fn a_changed_template_keeps_what_was_done() {
    let milestones = Milestones { agreement_accepted: Some(at(1)), ..Milestones::default() };
    let marks = [Mark { step_id: 4, state: StepState::Done, at: at(5) }];
    // Step 2 removed, a new step 5 added at the front: step 4 stays done, 5 starts pending.
    let mut changed = steps();
    changed.remove(1);
    changed.insert(0, step(5, StepKind::Manual { confirm: false }));
    let checklist = Checklist::of(changed, &milestones, &marks);
    assert_eq!(states(&checklist), [StepState::Pending, StepState::Done, StepState::Pending, StepState::Done]);
    // A mark of a step no longer in the template does not count.
    assert_eq!(checklist.items.len(), 4);
}

#[test]
fn the_clock_counts_from_the_day_of_acceptance() {
    let milestones = Milestones { agreement_accepted: Some(at(1)), ..Milestones::default() };
    let checklist = Checklist::of(steps(), &milestones, &[]);
    assert_eq!(checklist.day(at(1).date_naive()), Some(1));
    assert_eq!(checklist.day(at(23).date_naive()), Some(23));
    assert_eq!(Checklist::of(steps(), &Milestones::default(), &[]).day(at(23).date_naive()), None);
    assert_eq!(clock_text(Some(23)), "Day 23 of 90");
    assert_eq!(clock_text(Some(91)), "Day 91, past the 90 days");
}

#[test]
fn a_partner_is_stuck_after_two_quiet_weeks_or_past_day_sixty_without_a_deal() {
    let milestones = Milestones { agreement_accepted: Some(at(1)), ..Milestones::default() };
    let marks = [Mark { step_id: 4, state: StepState::Done, at: at(10) }];
    let checklist = Checklist::of(steps(), &milestones, &marks);
    assert_eq!(checklist.stuck(at(10) + Duration::days(13)), None);
    assert_eq!(checklist.stuck(at(10) + Duration::days(14)), Some(Stuck::Quiet { days: 14 }));
    assert_eq!(Stuck::Quiet { days: 14 }.text(), "No step done for 14 days");
    // A step ticked and waiting for the channel manager is the partner's progress.
    let waiting = [Mark { step_id: 2, state: StepState::Waiting, at: at(20) }];
    assert_eq!(Checklist::of(steps(), &milestones, &waiting).stuck(at(20) + Duration::days(13)), None);
    // Day 61 without a registered deal, however busy otherwise.
    let busy = [Mark { step_id: 4, state: StepState::Done, at: at(1) + Duration::days(59) }];
    let checklist = Checklist::of(steps(), &milestones, &busy);
    assert_eq!(checklist.stuck(at(1) + Duration::days(59)), None, "day 60");
    assert_eq!(checklist.stuck(at(1) + Duration::days(60)), Some(Stuck::NoDeal { day: 61 }));
    assert_eq!(Stuck::NoDeal { day: 61 }.text(), "Day 61 and no deal registered");
    // A partner that joined and never accepted the agreement: quiet since it joined.
    let joined = Milestones { joined: Some(at(1)), ..Milestones::default() };
    let never = Checklist::of(steps(), &joined, &[]);
    assert_eq!(never.stuck(at(14)), None);
    assert_eq!(never.stuck(at(15)), Some(Stuck::Quiet { days: 14 }));
    let done = Milestones { first_deal_registered: Some(at(2)), ..milestones };
    let all = [
        Mark { step_id: 2, state: StepState::Done, at: at(3) },
        Mark { step_id: 4, state: StepState::Done, at: at(3) },
    ];
    assert_eq!(Checklist::of(steps(), &done, &all).stuck(at(1) + Duration::days(80)), None, "complete");
}

#[test]
fn ticking_confirming_and_skipping_follow_the_step_and_who_asks() {
    let milestones = Milestones::default();
    let checklist = Checklist::of(steps(), &milestones, &[]);
    let [automatic, confirmed, _, plain] = [0, 1, 2, 3].map(|n| checklist.items[n].clone());
    assert_eq!(plan_step(&plain, StepCommand::Tick, true), Ok(StepState::Done));
    assert_eq!(plan_step(&confirmed, StepCommand::Tick, true), Ok(StepState::Waiting));
    let ticks_itself = Refusal::TicksItself(Milestone::AgreementAccepted);
    assert_eq!(plan_step(&automatic, StepCommand::Tick, true), Err(ticks_itself));
    assert!(ticks_itself.message().contains("Ticks itself"));
    assert_eq!(plan_step(&plain, StepCommand::Tick, false), Err(Refusal::PartnersTick));
    assert_eq!(plan_step(&plain, StepCommand::Confirm, false), Err(Refusal::Already(StepState::Pending)));
    assert_eq!(plan_step(&plain, StepCommand::Skip, false), Ok(StepState::Skipped));
    assert_eq!(plan_step(&plain, StepCommand::Skip, true), Err(Refusal::ManagerSkips));
    let waiting = ChecklistItem { state: StepState::Waiting, at: Some(at(3)), ..confirmed };
    assert_eq!(plan_step(&waiting, StepCommand::Confirm, false), Ok(StepState::Done));
    assert_eq!(plan_step(&waiting, StepCommand::Confirm, true), Err(Refusal::ManagerConfirms));
    assert_eq!(plan_step(&waiting, StepCommand::Tick, true), Err(Refusal::Already(StepState::Waiting)));
    assert!(Refusal::Already(StepState::Waiting).message().contains("waiting"));
    let done = ChecklistItem { state: StepState::Done, ..waiting };
    assert_eq!(plan_step(&done, StepCommand::Skip, false), Err(Refusal::Already(StepState::Done)));
    assert_eq!(Refusal::Already(StepState::Done).message(), "This step is done already.");
}

#[test]
fn every_milestone_and_state_parses_back_from_its_stored_name() {
    for milestone in Milestone::ALL {
        assert_eq!(Milestone::parse(milestone.as_str()), Some(milestone));
    }
    for state in [StepState::Pending, StepState::Waiting, StepState::Done, StepState::Skipped] {
        assert_eq!(StepState::parse(state.as_str()), Some(state));
    }
    assert_eq!(Milestone::parse("first_campaign_won"), None);
    for command in StepCommand::ALL {
        assert_eq!(StepCommand::parse(command.as_str()), Some(command));
    }
}
