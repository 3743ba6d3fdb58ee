//! Onboarding: a checklist per partner type that takes a new partner from signed agreement to
//! first won deal. Automatic steps tick themselves when their milestone happens (whenever it
//! happened: before the step existed too); manual ones are ticked by the partner and, where the
//! step asks, confirmed by its channel manager. The 90-day clock runs from the agreement.

mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

pub use pages::{ChecklistCard, OnboardingBoardPage, OnboardingPage};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The days of the onboarding clock, from the agreement's acceptance.
pub const CLOCK_DAYS: i64 = 90;
/// A partner with no step done for this many days is stuck.
pub const STUCK_QUIET_DAYS: i64 = 14;
/// A partner past this day of its clock without a registered deal is stuck.
pub const STUCK_NO_DEAL_DAY: i64 = 60;

/// Something a partner does that an automatic step waits for. Stored by [`Milestone::as_str`];
/// the catalogue grows with the features that record new ones (a first campaign launched, say).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    AgreementAccepted,
    ColleagueInvited,
    FirstDealRegistered,
    FirstDealWon,
}

impl Milestone {
    pub const ALL: [Milestone; 4] = [
        Milestone::AgreementAccepted,
        Milestone::ColleagueInvited,
        Milestone::FirstDealRegistered,
        Milestone::FirstDealWon,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Milestone::AgreementAccepted => "agreement_accepted",
            Milestone::ColleagueInvited => "colleague_invited",
            Milestone::FirstDealRegistered => "first_deal_registered",
            Milestone::FirstDealWon => "first_deal_won",
        }
    }

    pub fn parse(value: &str) -> Option<Milestone> {
        Milestone::ALL.into_iter().find(|milestone| milestone.as_str() == value)
    }

    /// What completes it, as a step's hint says.
    pub fn describe(self) -> &'static str {
        match self {
            Milestone::AgreementAccepted => "Ticks itself when your organisation accepts the partner agreement.",
            Milestone::ColleagueInvited => "Ticks itself when someone of your organisation invites a colleague.",
            Milestone::FirstDealRegistered => {
                "Ticks itself when your organisation submits its first deal registration."
            }
            Milestone::FirstDealWon => "Ticks itself when your organisation marks its first deal won.",
        }
    }

    /// Where it is done.
    pub fn href(self) -> &'static str {
        match self {
            Milestone::AgreementAccepted => "/agreement",
            Milestone::ColleagueInvited => "/team",
            Milestone::FirstDealRegistered => "/deals/new",
            Milestone::FirstDealWon => "/deals",
        }
    }
}

/// When each milestone first happened for one organisation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Milestones {
    pub organisation_id: i64,
    pub agreement_accepted: Option<DateTime<Utc>>,
    pub colleague_invited: Option<DateTime<Utc>>,
    pub first_deal_registered: Option<DateTime<Utc>>,
    pub first_deal_won: Option<NaiveDate>,
}

impl Milestones {
    /// When `milestone` happened, if it has.
    pub fn at(&self, milestone: Milestone) -> Option<DateTime<Utc>> {
        match milestone {
            Milestone::AgreementAccepted => self.agreement_accepted,
            Milestone::ColleagueInvited => self.colleague_invited,
            Milestone::FirstDealRegistered => self.first_deal_registered,
            Milestone::FirstDealWon => {
                self.first_deal_won.and_then(|day| day.and_hms_opt(0, 0, 0)).map(|at| at.and_utc())
            }
        }
    }
}

/// How a step is completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepKind {
    /// By itself, when the milestone happens.
    Automatic { milestone: Milestone },
    /// Ticked by the partner; with `confirm`, done only once its channel manager confirms.
    Manual { confirm: bool },
}

/// One step of a partner type's checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: i64,
    pub title: String,
    pub description: String,
    /// Where the step is done (a manual step's link; an automatic step's page).
    pub href: Option<String>,
    pub kind: StepKind,
}

/// Where one organisation is with one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Pending,
    /// Ticked by the partner; its channel manager has yet to confirm it.
    Waiting,
    Done,
    Skipped,
}

impl StepState {
    /// How a stored mark names it (`Pending` is the absence of a mark).
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Pending => "pending",
            StepState::Waiting => "waiting",
            StepState::Done => "done",
            StepState::Skipped => "skipped",
        }
    }

    pub fn parse(value: &str) -> Option<StepState> {
        [StepState::Pending, StepState::Waiting, StepState::Done, StepState::Skipped]
            .into_iter()
            .find(|state| state.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            StepState::Pending => "To do",
            StepState::Waiting => "Waiting for confirmation",
            StepState::Done => "Done",
            StepState::Skipped => "Skipped",
        }
    }

    /// Done or skipped: nothing more to do.
    pub fn resolved(self) -> bool {
        matches!(self, StepState::Done | StepState::Skipped)
    }
}

/// A stored mark: what someone did to an organisation's step, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub step_id: i64,
    pub state: StepState,
    pub at: DateTime<Utc>,
}

/// One line of an organisation's checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub step: Step,
    pub state: StepState,
    /// When it reached its state (none while pending).
    pub at: Option<DateTime<Utc>>,
}

/// An organisation's checklist, worked out from its type's steps, its milestones and its marks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    pub items: Vec<ChecklistItem>,
    /// When the clock started: the organisation's first acceptance of the agreement.
    pub started: Option<DateTime<Utc>>,
    /// When it registered its first deal, and won its first.
    pub first_registered: Option<DateTime<Utc>>,
    pub first_won: Option<DateTime<Utc>>,
}

impl Checklist {
    /// The checklist of `steps` (in order) for an organisation with `milestones` and `marks`. An
    /// automatic step is done once its milestone happened, whenever that was; a mark skips it
    /// otherwise. A manual step is what its mark says, pending without one.
    pub fn of(steps: Vec<Step>, milestones: &Milestones, marks: &[Mark]) -> Checklist {
        let items = steps
            .into_iter()
            .map(|step| {
                let mark = marks.iter().find(|mark| mark.step_id == step.id);
                let (state, at) = match (step.kind, mark) {
                    (StepKind::Automatic { milestone }, mark) => match (milestones.at(milestone), mark) {
                        (Some(at), _) => (StepState::Done, Some(at)),
                        (None, Some(mark)) if mark.state == StepState::Skipped => (StepState::Skipped, Some(mark.at)),
                        (None, _) => (StepState::Pending, None),
                    },
                    (StepKind::Manual { .. }, Some(mark)) => (mark.state, Some(mark.at)),
                    (StepKind::Manual { .. }, None) => (StepState::Pending, None),
                };
                ChecklistItem { step, state, at }
            })
            .collect();
        Checklist {
            items,
            started: milestones.agreement_accepted,
            first_registered: milestones.first_deal_registered,
            first_won: milestones.at(Milestone::FirstDealWon),
        }
    }

    /// Steps done or skipped, of all.
    pub fn resolved(&self) -> usize {
        self.items.iter().filter(|item| item.state.resolved()).count()
    }

    /// Whole percent resolved (100 for an empty checklist).
    pub fn percent(&self) -> u8 {
        match self.items.len() {
            0 => 100,
            total => (self.resolved() * 100 / total) as u8,
        }
    }

    pub fn complete(&self) -> bool {
        self.items.iter().all(|item| item.state.resolved())
    }

    /// What to do next: the first step still to do (one waiting for confirmation is not the
    /// partner's to do).
    pub fn next(&self) -> Option<&ChecklistItem> {
        self.items.iter().find(|item| item.state == StepState::Pending)
    }

    /// The day of the 90-day clock `today` is (day 1 is the day of acceptance), once started.
    pub fn day(&self, today: NaiveDate) -> Option<i64> {
        self.started.map(|started| (today - started.date_naive()).num_days() + 1)
    }

    /// When the last step was done or skipped, else when the clock started.
    pub fn last_progress(&self) -> Option<DateTime<Utc>> {
        self.items.iter().filter(|item| item.state.resolved()).filter_map(|item| item.at).max().or(self.started)
    }

    /// Why the partner is stuck at `now`, if it is: no step done for [`STUCK_QUIET_DAYS`], or past
    /// day [`STUCK_NO_DEAL_DAY`] without a registered deal. A complete checklist is never stuck.
    pub fn stuck(&self, now: DateTime<Utc>) -> Option<String> {
        if self.complete() {
            return None;
        }
        if let Some(day) = self.day(now.date_naive())
            && day > STUCK_NO_DEAL_DAY
            && self.first_registered.is_none()
        {
            return Some(format!("Day {day} and no deal registered"));
        }
        let quiet = self.last_progress().map(|at| (now - at).num_days())?;
        (quiet >= STUCK_QUIET_DAYS).then(|| format!("No step done for {quiet} days"))
    }
}

/// What a person does to one step of an organisation's checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepCommand {
    /// The partner says a manual step is done.
    Tick,
    /// The channel manager confirms a ticked step.
    Confirm,
    /// The channel manager (or an admin) skips a step for this partner.
    Skip,
}

impl StepCommand {
    pub fn parse(value: &str) -> Option<StepCommand> {
        match value {
            "tick" => Some(StepCommand::Tick),
            "confirm" => Some(StepCommand::Confirm),
            "skip" => Some(StepCommand::Skip),
            _ => None,
        }
    }
}

/// The state `command` takes `item` to, by a partner person (`partner`) or vendor staff; or why
/// it cannot. Pure: the server function loads, plans, then stores the mark.
pub fn plan_step(item: &ChecklistItem, command: StepCommand, partner: bool) -> Result<StepState, String> {
    match (command, item.step.kind, item.state, partner) {
        (StepCommand::Tick, StepKind::Automatic { milestone }, _, _) => Err(milestone.describe().to_owned()),
        (StepCommand::Tick, StepKind::Manual { confirm }, StepState::Pending, true) => {
            Ok(if confirm { StepState::Waiting } else { StepState::Done })
        }
        (StepCommand::Tick, _, StepState::Pending, false) => Err("Only the partner ticks its own steps.".into()),
        (StepCommand::Confirm, _, StepState::Waiting, false) => Ok(StepState::Done),
        (StepCommand::Confirm, _, StepState::Waiting, true) => Err("Your channel manager confirms this step.".into()),
        (StepCommand::Skip, _, StepState::Pending | StepState::Waiting, false) => Ok(StepState::Skipped),
        (StepCommand::Skip, _, _, true) => Err("Only your channel manager can skip a step.".into()),
        (_, _, state, _) => Err(format!("This step is {} already.", state.label().to_lowercase())),
    }
}

/// The clock in words: "Day 23 of 90".
pub fn clock_text(day: Option<i64>) -> String {
    match day {
        Some(day) if day <= CLOCK_DAYS => format!("Day {day} of {CLOCK_DAYS}"),
        Some(day) => format!("Day {day}, past the {CLOCK_DAYS} days"),
        None => format!("The {CLOCK_DAYS}-day clock starts when the agreement is accepted"),
    }
}

/// A partner still onboarding, as the board lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardRow {
    pub organisation_id: i64,
    pub name: String,
    pub percent: u8,
    /// Days since the agreement was accepted (none before).
    pub days: Option<i64>,
    pub next: Option<String>,
    pub stuck: Option<String>,
    pub last_nudged: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
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
        assert_eq!(checklist.stuck(at(10) + Duration::days(14)).as_deref(), Some("No step done for 14 days"));
        // Day 61 without a registered deal, however busy otherwise.
        let busy = [Mark { step_id: 4, state: StepState::Done, at: at(1) + Duration::days(59) }];
        let checklist = Checklist::of(steps(), &milestones, &busy);
        assert_eq!(checklist.stuck(at(1) + Duration::days(59)), None, "day 60");
        assert_eq!(checklist.stuck(at(1) + Duration::days(60)).as_deref(), Some("Day 61 and no deal registered"));
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
        assert!(plan_step(&automatic, StepCommand::Tick, true).is_err_and(|why| why.contains("Ticks itself")));
        assert!(plan_step(&plain, StepCommand::Tick, false).is_err(), "staff do not tick for the partner");
        assert!(plan_step(&plain, StepCommand::Confirm, false).is_err(), "nothing to confirm");
        assert_eq!(plan_step(&plain, StepCommand::Skip, false), Ok(StepState::Skipped));
        assert!(plan_step(&plain, StepCommand::Skip, true).is_err(), "partners do not skip");
        let waiting = ChecklistItem { state: StepState::Waiting, at: Some(at(3)), ..confirmed };
        assert_eq!(plan_step(&waiting, StepCommand::Confirm, false), Ok(StepState::Done));
        assert!(plan_step(&waiting, StepCommand::Confirm, true).is_err());
        assert!(plan_step(&waiting, StepCommand::Tick, true).is_err_and(|why| why.contains("waiting")));
        let done = ChecklistItem { state: StepState::Done, ..waiting };
        assert!(plan_step(&done, StepCommand::Skip, false).is_err_and(|why| why.contains("done already")));
    }

    #[test]
    fn every_milestone_and_state_parses_back_from_its_stored_name() {
        for milestone in Milestone::ALL {
            assert_eq!(Milestone::parse(milestone.as_str()), Some(milestone));
        }
        for state in [StepState::Pending, StepState::Waiting, StepState::Done, StepState::Skipped] {
            assert_eq!(StepState::parse(state.as_str()), Some(state));
        }
        assert_eq!(Milestone::parse("first_campaign_launched"), None);
    }
}
