//! Onboarding: a checklist per partner type that takes a new partner from signed agreement to
//! first won deal. Automatic steps tick themselves when their milestone happens (whenever it
//! happened: before the step existed too); manual ones are ticked by the partner and, where the
//! step asks, confirmed by its channel manager. The 90-day clock runs from the agreement.

mod editor;
mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;
pub mod template;

pub use editor::OnboardingTemplatesPage;
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
/// the catalogue grows with the features that record new ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    AgreementAccepted,
    ProfileCompleted,
    ColleagueInvited,
    CertificationEarned,
    FirstDealRegistered,
    FirstDealWon,
    FirstCampaignLaunched,
}

impl Milestone {
    pub const ALL: [Milestone; 7] = [
        Milestone::AgreementAccepted,
        Milestone::ProfileCompleted,
        Milestone::ColleagueInvited,
        Milestone::CertificationEarned,
        Milestone::FirstDealRegistered,
        Milestone::FirstDealWon,
        Milestone::FirstCampaignLaunched,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Milestone::AgreementAccepted => "agreement_accepted",
            Milestone::ProfileCompleted => "profile_completed",
            Milestone::ColleagueInvited => "colleague_invited",
            Milestone::CertificationEarned => "certification_earned",
            Milestone::FirstDealRegistered => "first_deal_registered",
            Milestone::FirstDealWon => "first_deal_won",
            Milestone::FirstCampaignLaunched => "first_campaign_launched",
        }
    }

    pub fn parse(value: &str) -> Option<Milestone> {
        Milestone::ALL.into_iter().find(|milestone| milestone.as_str() == value)
    }

    /// What it is, in a few words.
    pub fn label(self) -> &'static str {
        match self {
            Milestone::AgreementAccepted => "the agreement accepted",
            Milestone::ProfileCompleted => "the company profile completed",
            Milestone::ColleagueInvited => "a colleague invited",
            Milestone::CertificationEarned => "a first certification earned",
            Milestone::FirstDealRegistered => "the first deal registered",
            Milestone::FirstDealWon => "the first deal won",
            Milestone::FirstCampaignLaunched => "the first campaign launched",
        }
    }

    /// What completes it, as a step's hint says.
    pub fn describe(self) -> &'static str {
        match self {
            Milestone::AgreementAccepted => "Ticks itself when your organisation accepts the partner agreement.",
            Milestone::ProfileCompleted => "Ticks itself when every field of your company profile is filled.",
            Milestone::ColleagueInvited => "Ticks itself when someone of your organisation invites a colleague.",
            Milestone::CertificationEarned => "Ticks itself when one of your people passes a course's quiz.",
            Milestone::FirstDealRegistered => {
                "Ticks itself when your organisation submits its first deal registration."
            }
            Milestone::FirstDealWon => "Ticks itself when your organisation marks its first deal won.",
            Milestone::FirstCampaignLaunched => {
                "Ticks itself when your organisation launches its first co-branded campaign."
            }
        }
    }

    /// Where it is done.
    pub fn href(self) -> &'static str {
        match self {
            Milestone::AgreementAccepted => "/agreement",
            Milestone::ProfileCompleted => "/profile",
            Milestone::ColleagueInvited => "/team",
            Milestone::CertificationEarned => "/training",
            Milestone::FirstDealRegistered => "/deals/new",
            Milestone::FirstDealWon => "/deals",
            Milestone::FirstCampaignLaunched => "/campaigns",
        }
    }
}

/// When each milestone first happened for one organisation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Milestones {
    pub organisation_id: i64,
    /// When the organisation joined the program (the quiet days count from it before anything else).
    pub joined: Option<DateTime<Utc>>,
    pub agreement_accepted: Option<DateTime<Utc>>,
    pub profile_completed: Option<DateTime<Utc>>,
    pub colleague_invited: Option<DateTime<Utc>>,
    pub certification_earned: Option<DateTime<Utc>>,
    pub first_deal_registered: Option<DateTime<Utc>>,
    pub first_deal_won: Option<NaiveDate>,
    pub first_campaign_launched: Option<DateTime<Utc>>,
}

impl Milestones {
    /// When `milestone` happened, if it has.
    pub fn at(&self, milestone: Milestone) -> Option<DateTime<Utc>> {
        match milestone {
            Milestone::AgreementAccepted => self.agreement_accepted,
            Milestone::ProfileCompleted => self.profile_completed,
            Milestone::ColleagueInvited => self.colleague_invited,
            Milestone::CertificationEarned => self.certification_earned,
            Milestone::FirstDealRegistered => self.first_deal_registered,
            Milestone::FirstCampaignLaunched => self.first_campaign_launched,
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
    /// When the organisation joined the program.
    pub joined: Option<DateTime<Utc>>,
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
            joined: milestones.joined,
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

    /// When the partner last moved a step on (done, skipped, or ticked and waiting for its channel
    /// manager: its part is done), else when the clock started, else when it joined: a partner
    /// that never accepts the agreement gets stuck too.
    pub fn last_progress(&self) -> Option<DateTime<Utc>> {
        let moved = |item: &&ChecklistItem| item.state != StepState::Pending;
        self.items.iter().filter(moved).filter_map(|item| item.at).max().or(self.started).or(self.joined)
    }

    /// Why the partner is stuck at `now`, if it is: no step done for [`STUCK_QUIET_DAYS`], or past
    /// day [`STUCK_NO_DEAL_DAY`] without a registered deal. A complete checklist is never stuck.
    pub fn stuck(&self, now: DateTime<Utc>) -> Option<Stuck> {
        if self.complete() {
            return None;
        }
        if let Some(day) = self.day(now.date_naive())
            && day > STUCK_NO_DEAL_DAY
            && self.first_registered.is_none()
        {
            return Some(Stuck::NoDeal { day });
        }
        let days = self.last_progress().map(|at| (now - at).num_days())?;
        (days >= STUCK_QUIET_DAYS).then_some(Stuck::Quiet { days })
    }
}

/// Why a partner is stuck.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Stuck {
    /// No step moved on for this many days.
    Quiet { days: i64 },
    /// Past day [`STUCK_NO_DEAL_DAY`] of the clock, on this day, without a registered deal.
    NoDeal { day: i64 },
}

impl Stuck {
    pub fn text(self) -> String {
        match self {
            Stuck::Quiet { days } => format!("No step done for {days} days"),
            Stuck::NoDeal { day } => format!("Day {day} and no deal registered"),
        }
    }
}

/// What makes a partner stuck, in words.
pub fn stuck_rule() -> String {
    format!("no step done for {STUCK_QUIET_DAYS} days, or past day {STUCK_NO_DEAL_DAY} without a registered deal")
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
    pub const ALL: [StepCommand; 3] = [StepCommand::Tick, StepCommand::Confirm, StepCommand::Skip];

    /// How a form names it.
    pub fn as_str(self) -> &'static str {
        match self {
            StepCommand::Tick => "tick",
            StepCommand::Confirm => "confirm",
            StepCommand::Skip => "skip",
        }
    }

    pub fn parse(value: &str) -> Option<StepCommand> {
        StepCommand::ALL.into_iter().find(|command| command.as_str() == value)
    }
}

/// Why a command cannot be carried out on a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// An automatic step ticks itself when its milestone happens.
    TicksItself(Milestone),
    /// Vendor staff do not tick a partner's steps.
    PartnersTick,
    /// Only the channel manager confirms.
    ManagerConfirms,
    /// Only the channel manager (or an admin) skips.
    ManagerSkips,
    /// The step is in this state already, or past what the command needs.
    Already(StepState),
}

impl Refusal {
    pub fn message(self) -> String {
        match self {
            Refusal::TicksItself(milestone) => milestone.describe().to_owned(),
            Refusal::PartnersTick => "Only the partner ticks its own steps.".into(),
            Refusal::ManagerConfirms => "Your channel manager confirms this step.".into(),
            Refusal::ManagerSkips => "Only your channel manager can skip a step.".into(),
            Refusal::Already(state) => format!("This step is {} already.", state.label().to_lowercase()),
        }
    }
}

/// The state `command` takes `item` to, by a partner person (`partner`) or vendor staff; or why
/// it cannot. Pure: the server function loads, plans, then stores the mark.
pub fn plan_step(item: &ChecklistItem, command: StepCommand, partner: bool) -> Result<StepState, Refusal> {
    match (command, item.step.kind, item.state, partner) {
        (StepCommand::Tick, StepKind::Automatic { milestone }, _, _) => Err(Refusal::TicksItself(milestone)),
        (StepCommand::Tick, StepKind::Manual { confirm }, StepState::Pending, true) => {
            Ok(if confirm { StepState::Waiting } else { StepState::Done })
        }
        (StepCommand::Tick, _, StepState::Pending, false) => Err(Refusal::PartnersTick),
        (StepCommand::Confirm, _, StepState::Waiting, false) => Ok(StepState::Done),
        (StepCommand::Confirm, _, StepState::Waiting, true) => Err(Refusal::ManagerConfirms),
        (StepCommand::Skip, _, StepState::Pending | StepState::Waiting, false) => Ok(StepState::Skipped),
        (StepCommand::Skip, _, _, true) => Err(Refusal::ManagerSkips),
        (_, _, state, _) => Err(Refusal::Already(state)),
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
    /// The day of its clock (none before the agreement is accepted).
    pub day: Option<i64>,
    pub next: Option<String>,
    pub stuck: Option<Stuck>,
    pub last_nudged: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests;
