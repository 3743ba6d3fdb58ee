//! The deal workflow as a table: every status × command × actor, and what each plan does.

use chrono::TimeZone;

use super::*;
use crate::deals::schedule::Reminder;
use crate::money::Currency;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).single().expect("time")
}

fn deal(status: DealStatus) -> DealState {
    DealState {
        status,
        extension: ExtensionState::None,
        protected_until: (status == DealStatus::Approved).then(|| now() + Duration::days(40)),
        customer_company: "Globex".into(),
        amount_minor: 12_500_00,
        final_amount_minor: (status == DealStatus::Won).then_some(10_000_00),
        reminded: Vec::new(),
    }
}

const PARTNER: Actor = Actor::Person { user_id: 20, role: Role::PartnerUser };
const MANAGER: Actor = Actor::Person { user_id: 10, role: Role::ChannelManager };

fn usd(minor: i64) -> Money {
    Money { minor, currency: Currency::USD }
}

/// One of each command, with its label in the table below.
fn commands() -> Vec<(&'static str, DealCommand)> {
    vec![
        ("submit", DealCommand::Submit { possible_conflict: false }),
        ("approve", DealCommand::Approve { note: String::new() }),
        ("reject", DealCommand::Reject { reason: "Customer already in the vendor's pipeline".into() }),
        (
            "won",
            DealCommand::Close { outcome: Outcome::Won, final_amount: usd(10_000_00), closed_on: now().date_naive() },
        ),
        ("lost", DealCommand::Close { outcome: Outcome::Lost, final_amount: usd(1), closed_on: now().date_naive() }),
        ("expire", DealCommand::Expire),
        ("reopen", DealCommand::Reopen { reason: "The customer cancelled the order".into() }),
    ]
}

#[test]
fn exactly_the_workflow_moves_are_allowed() {
    use DealStatus::*;
    let allowed = [
        (Draft, "submit", Submitted),
        (Submitted, "approve", Approved),
        (Submitted, "reject", Rejected),
        (Approved, "won", Won),
        (Approved, "lost", Lost),
        (Approved, "expire", Expired),
        (Won, "reopen", Lost),
    ];
    for from in DealStatus::ALL {
        for (label, command) in commands() {
            let actor = match label {
                "submit" => PARTNER,
                "expire" => Actor::Tessera,
                _ => MANAGER,
            };
            let mut state = deal(from);
            // The clock expires a deal whose protection has ended.
            state.protected_until = Some(now() - Duration::hours(1));
            let expected = allowed.iter().find(|(f, a, _)| *f == from && *a == label).map(|(_, _, to)| *to);
            match (plan(&state, actor, &command, now()), expected) {
                (Ok(plan), Some(want)) => assert_eq!((plan.from, plan.to), (from, want), "{from:?} + {label}"),
                (Err(PlanError::NotAllowed { .. }), None) => {}
                (got, want) => panic!("{from:?} + {label}: got {got:?}, expected {want:?}"),
            }
        }
    }
}

#[test]
fn final_statuses_admit_no_move() {
    let mut commands = commands();
    commands.push(("extend", DealCommand::RequestExtension { reason: "More time".into() }));
    commands.push(("grant", DealCommand::DecideExtension { grant: true }));
    commands.push(("remind", DealCommand::Remind(Reminder::FourteenDays)));
    for from in DealStatus::ALL.into_iter().filter(|s| s.is_final()) {
        for (label, command) in &commands {
            if (from, *label) == (DealStatus::Won, "reopen") {
                continue;
            }
            // Whoever may give the command is refused because of the status, not their role.
            let actor = match *label {
                "submit" | "extend" => PARTNER,
                "expire" | "remind" => Actor::Tessera,
                _ => MANAGER,
            };
            let refused = plan(&deal(from), actor, command, now());
            assert!(
                matches!(refused, Err(PlanError::NotAllowed { .. } | PlanError::NoExtensionWaiting)),
                "{from:?} + {label}: {refused:?}"
            );
        }
    }
}

#[test]
fn rejecting_needs_a_reason() {
    let blank = DealCommand::Reject { reason: String::new() };
    assert_eq!(plan(&deal(DealStatus::Submitted), MANAGER, &blank, now()), Err(PlanError::ReasonRequired));
    assert_eq!(PlanError::ReasonRequired.field(), Some("reason"));
}

#[test]
fn refusals_read_as_sentences() {
    let approve = DealCommand::Approve { note: String::new() };
    let error = plan(&deal(DealStatus::Won), MANAGER, &approve, now()).expect_err("refused");
    assert_eq!(error.to_string(), "This deal is won and cannot be approved.");
    let won = &commands()[3].1;
    let error = plan(&deal(DealStatus::Draft), PARTNER, won, now()).expect_err("refused");
    assert_eq!(error.to_string(), "This deal is draft and cannot be marked as won.");
}

#[test]
fn partners_register_and_managers_decide() {
    let approve = DealCommand::Approve { note: String::new() };
    let submit = DealCommand::Submit { possible_conflict: false };
    let person = |role| Actor::Person { user_id: 1, role };
    assert!(plan(&deal(DealStatus::Draft), person(Role::PartnerUser), &submit, now()).is_ok());
    assert_eq!(
        plan(&deal(DealStatus::Submitted), person(Role::PartnerUser), &approve, now()),
        Err(PlanError::Forbidden)
    );
    let reject = DealCommand::Reject { reason: "x".into() };
    assert_eq!(
        plan(&deal(DealStatus::Submitted), person(Role::PartnerAdmin), &reject, now()),
        Err(PlanError::Forbidden)
    );
    assert!(plan(&deal(DealStatus::Submitted), person(Role::ChannelManager), &approve, now()).is_ok());
    assert_eq!(plan(&deal(DealStatus::Submitted), person(Role::Marketing), &approve, now()), Err(PlanError::Forbidden));
    assert_eq!(plan(&deal(DealStatus::Draft), person(Role::Admin), &submit, now()), Err(PlanError::Forbidden));
    let mut ended = deal(DealStatus::Approved);
    ended.protected_until = Some(now() - Duration::hours(1));
    for role in Role::ALL {
        assert_eq!(plan(&ended, person(role), &DealCommand::Expire, now()), Err(PlanError::Forbidden), "{role:?}");
    }
}

#[test]
fn approval_starts_protection_emails_the_partner_and_publishes() {
    let plan = plan(&deal(DealStatus::Submitted), MANAGER, &DealCommand::Approve { note: String::new() }, now())
        .expect("approved");
    assert_eq!(plan.change.decided_at, Some(now()));
    assert_eq!(plan.change.protected_until, Some(now() + Duration::days(PROTECTION_DAYS)));
    assert_eq!((plan.timeline, plan.note.as_str()), (TimelineKind::Approved, "Approved"));
    assert_eq!(plan.notify, Some(Notify::Decided { approved: true, reason: None }));
    assert_eq!(plan.event, Some((DealOutcome::Approved, 12_500_00)));
    let message = plan.notify.expect("email").message("Globex", "http://x/deals/1");
    assert_eq!(message.subject, "Your deal registration for Globex was approved");
}

#[test]
fn rejection_records_the_reason_everywhere_the_partner_sees_it() {
    let reason = "Already in the vendor's pipeline".to_owned();
    let plan = plan(&deal(DealStatus::Submitted), MANAGER, &DealCommand::Reject { reason: reason.clone() }, now())
        .expect("rejected");
    assert_eq!(plan.change.rejection_reason.as_deref(), Some(reason.as_str()));
    assert_eq!(plan.note, reason);
    let message = plan.notify.expect("email").message("Globex", "http://x/deals/1");
    assert!(message.body.contains("The reason given: Already in the vendor's pipeline"), "{}", message.body);
}

#[test]
fn closing_records_the_final_amount_and_publishes_it() {
    let won = &commands()[3].1;
    let plan = plan(&deal(DealStatus::Approved), PARTNER, won, now()).expect("won");
    assert_eq!(plan.change.final_amount_minor, Some(10_000_00));
    assert_eq!(plan.change.closed_on, Some(now().date_naive()));
    assert_eq!(plan.note, "Final amount 10,000.00 USD on 2026-11-24");
    assert_eq!(plan.event, Some((DealOutcome::Won, 10_000_00)));
    assert_eq!(plan.notify, None);
    assert_eq!(plan.ledger, LedgerEffect::Accrue);
    let lost = &commands()[4].1;
    assert_eq!(
        super::plan(&deal(DealStatus::Approved), PARTNER, lost, now()).expect("lost").ledger,
        LedgerEffect::None
    );
}

#[test]
fn a_manager_reopens_a_won_deal_as_lost_with_a_reason_and_its_earnings_are_reversed() {
    let won = deal(DealStatus::Won);
    let reopen = DealCommand::Reopen { reason: "The customer cancelled the order".into() };
    let plan = plan(&won, MANAGER, &reopen, now()).expect("reopened");
    assert_eq!((plan.from, plan.to, plan.timeline), (DealStatus::Won, DealStatus::Lost, TimelineKind::Reopened));
    assert_eq!(plan.ledger, LedgerEffect::Reverse);
    assert_eq!(plan.event, Some((DealOutcome::Reopened, 10_000_00)));
    assert_eq!(plan.note, "The customer cancelled the order");
    assert_eq!(super::plan(&won, PARTNER, &reopen, now()), Err(PlanError::Forbidden));
    assert_eq!(
        super::plan(&won, MANAGER, &DealCommand::Reopen { reason: String::new() }, now()),
        Err(PlanError::ReopenReasonRequired)
    );
    assert!(DealControls::for_actor(&won, MANAGER, now()).reopen);
    assert!(!DealControls::for_actor(&won, PARTNER, now()).reopen);
}

#[test]
fn submitting_starts_the_approval_clock_and_keeps_the_conflict_flag() {
    let plan =
        plan(&deal(DealStatus::Draft), PARTNER, &DealCommand::Submit { possible_conflict: true }, now()).expect("ok");
    assert_eq!(plan.change.submitted_at, Some(now()));
    assert_eq!(plan.change.sla_due_at, Some(schedule::sla_due(now())));
    assert_eq!(plan.change.possible_conflict, Some(true));
    assert_eq!(plan.event, Some((DealOutcome::Submitted, 12_500_00)));
}

#[test]
fn one_extension_may_be_asked_and_answered() {
    let ask = DealCommand::RequestExtension { reason: "Legal review".into() };
    let approved = deal(DealStatus::Approved);
    let asked = plan(&approved, PARTNER, &ask, now()).expect("asked");
    assert_eq!((asked.extension_was, asked.change.extension), (ExtensionState::None, Some(ExtensionState::Requested)));
    assert_eq!(asked.timeline, TimelineKind::ExtensionRequested);
    assert_eq!(
        plan(&approved, PARTNER, &DealCommand::RequestExtension { reason: String::new() }, now()),
        Err(PlanError::ExtensionReasonRequired)
    );
    assert_eq!(
        plan(&approved, MANAGER, &DealCommand::DecideExtension { grant: true }, now()),
        Err(PlanError::NoExtensionWaiting)
    );

    let waiting = DealState { extension: ExtensionState::Requested, ..approved.clone() };
    assert_eq!(plan(&waiting, PARTNER, &ask, now()), Err(PlanError::ExtensionAlreadyRequested));
    assert_eq!(
        plan(&waiting, PARTNER, &DealCommand::DecideExtension { grant: true }, now()),
        Err(PlanError::Forbidden)
    );
    let granted = plan(&waiting, MANAGER, &DealCommand::DecideExtension { grant: true }, now()).expect("granted");
    let until = approved.protected_until.expect("protected") + Duration::days(EXTENSION_DAYS);
    assert_eq!(granted.change.protected_until, Some(until));
    assert!(granted.change.reset_reminders, "reminders go out again before the new end");
    assert_eq!(granted.note, format!("Protection extended to {}", until.format("%Y-%m-%d")));
    let declined = plan(&waiting, MANAGER, &DealCommand::DecideExtension { grant: false }, now()).expect("declined");
    assert_eq!((declined.change.extension, declined.change.protected_until), (Some(ExtensionState::Declined), None));
    for status in DealStatus::ALL.into_iter().filter(|s| *s != DealStatus::Approved) {
        assert!(plan(&deal(status), PARTNER, &ask, now()).is_err(), "{status:?}");
    }
}

#[test]
fn reminders_go_out_once_each_and_never_after_a_nearer_one() {
    let ending_in = |days: i64, reminded: &[Reminder]| DealState {
        protected_until: Some(now() + Duration::hours(days * 24 - 1)),
        reminded: reminded.to_vec(),
        ..deal(DealStatus::Approved)
    };
    let remind = |state: &DealState, reminder| plan(state, Actor::Tessera, &DealCommand::Remind(reminder), now());
    use Reminder::{FourteenDays as Fourteen, ThreeDays as Three};
    // (days left, already sent, reminder asked, sent?)
    let table = [
        (20, &[][..], Fourteen, false),
        (10, &[], Fourteen, true),
        (10, &[], Three, false),
        (10, &[Fourteen], Fourteen, false),
        (2, &[Fourteen], Three, true),
        (2, &[], Three, true),
        (2, &[Three, Fourteen], Fourteen, false),
        (2, &[Three, Fourteen], Three, false),
    ];
    for (days, sent, asked, expected) in table {
        let result = remind(&ending_in(days, sent), asked);
        assert_eq!(result.is_ok(), expected, "{days} days left, sent {sent:?}, asked {asked:?}: {result:?}");
        if let Ok(plan) = result {
            assert_eq!(
                (plan.from, plan.to, plan.change.reminded),
                (DealStatus::Approved, DealStatus::Approved, Some(asked))
            );
            assert_eq!(plan.note, format!("Reminder sent: protection ends in {days} days"));
            assert!(matches!(plan.notify, Some(Notify::ProtectionEnding { days_left, .. }) if days_left == days));
        }
    }
    assert_eq!(plan(&ending_in(10, &[]), MANAGER, &DealCommand::Remind(Fourteen), now()), Err(PlanError::Forbidden));
}

#[test]
fn the_clock_expires_only_ended_protection() {
    let mut state = deal(DealStatus::Approved);
    assert!(plan(&state, Actor::Tessera, &DealCommand::Expire, now()).is_err(), "40 days left");
    state.protected_until = Some(now());
    let plan = plan(&state, Actor::Tessera, &DealCommand::Expire, now()).expect("expired");
    assert_eq!(
        (plan.to, plan.timeline, plan.note.as_str()),
        (DealStatus::Expired, TimelineKind::Expired, "The protection period ended")
    );
    assert_eq!(plan.notify, Some(Notify::ProtectionEnded));
    assert_eq!(plan.event, Some((DealOutcome::Expired, 12_500_00)));
}

#[test]
fn controls_are_the_commands_a_plan_accepts() {
    let approved = deal(DealStatus::Approved);
    let partner = DealControls::for_actor(&approved, PARTNER, now());
    assert_eq!(partner, DealControls { close: true, request_extension: true, ..DealControls::default() });
    let manager = DealControls::for_actor(&approved, MANAGER, now());
    assert_eq!(manager, DealControls { close: true, ..DealControls::default() });
    let waiting = DealState { extension: ExtensionState::Requested, ..approved };
    assert!(DealControls::for_actor(&waiting, MANAGER, now()).decide_extension);
    assert_eq!(
        DealControls::for_actor(&deal(DealStatus::Submitted), MANAGER, now()),
        DealControls { decide: true, ..DealControls::default() }
    );
    assert_eq!(
        DealControls::for_actor(&deal(DealStatus::Draft), PARTNER, now()),
        DealControls { submit: true, ..DealControls::default() }
    );
    let marketing = Actor::Person { user_id: 3, role: Role::Marketing };
    assert_eq!(DealControls::for_actor(&deal(DealStatus::Submitted), marketing, now()), DealControls::default());
}
