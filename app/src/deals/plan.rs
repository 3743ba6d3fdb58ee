//! What every deal command does, decided in one pure function: [`plan`] takes the deal as it is,
//! who acts, the command and the time, and answers with the whole change (next status, columns,
//! timeline entry, email, event) or the reason it cannot be made. Server functions and the
//! protection clock only load, plan, store and publish; the page's controls are the commands
//! [`plan`] would accept.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::schedule::{self, EXTENSION_DAYS, PROTECTION_DAYS, Reminder};
use super::status::{DealStatus, ExtensionState, TimelineKind};
use crate::auth::Role;
use crate::events::DealOutcome;
use crate::mail::{self, Message};
use crate::money::Money;

/// Who acts on a deal: a person in a role, or Tessera itself (the protection clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Person { user_id: i64, role: Role },
    Tessera,
}

impl Actor {
    fn role(self) -> Option<Role> {
        match self {
            Actor::Person { role, .. } => Some(role),
            Actor::Tessera => None,
        }
    }

    pub fn user_id(self) -> Option<i64> {
        match self {
            Actor::Person { user_id, .. } => Some(user_id),
            Actor::Tessera => None,
        }
    }

    fn is_partner(self) -> bool {
        matches!(self.role(), Some(Role::PartnerAdmin | Role::PartnerUser))
    }

    fn is_manager(self) -> bool {
        matches!(self.role(), Some(Role::Admin | Role::ChannelManager))
    }
}

/// What a plan needs to know about the deal as it is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DealState {
    pub status: DealStatus,
    pub extension: ExtensionState,
    pub protected_until: Option<DateTime<Utc>>,
    pub customer_company: String,
    pub amount_minor: i64,
    /// The amount it was won for, once won.
    pub final_amount_minor: Option<i64>,
    /// The reminders already sent before protection ends.
    pub reminded: Vec<Reminder>,
}

/// Won or lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Won,
    Lost,
}

/// What someone (or the protection clock) asks of a deal. Free text is already trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DealCommand {
    /// A partner submits a draft; `possible_conflict` is the conflict check's answer now.
    Submit {
        possible_conflict: bool,
    },
    Approve {
        note: String,
    },
    Reject {
        reason: String,
    },
    Close {
        outcome: Outcome,
        final_amount: Money,
        closed_on: NaiveDate,
    },
    RequestExtension {
        reason: String,
    },
    DecideExtension {
        grant: bool,
    },
    /// A manager reopens a won deal as lost (the customer cancelled, the order fell through):
    /// what it earned the partner is reversed.
    Reopen {
        reason: String,
    },
    /// The protection clock: a reminder before protection ends.
    Remind(Reminder),
    /// The protection clock: protection has ended.
    Expire,
}

/// The columns a change sets; `None` leaves a column as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    pub submitted_at: Option<DateTime<Utc>>,
    pub sla_due_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    pub protected_until: Option<DateTime<Utc>>,
    pub final_amount_minor: Option<i64>,
    pub closed_on: Option<NaiveDate>,
    pub possible_conflict: Option<bool>,
    pub extension: Option<ExtensionState>,
    pub extension_reason: Option<String>,
    /// The protection end moved: the reminders go out again before the new end.
    pub reset_reminders: bool,
    /// This reminder was sent (and every one further from the end with it).
    pub reminded: Option<Reminder>,
}

/// The email a change sends to the person who registered the deal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notify {
    Decided { approved: bool, reason: Option<String> },
    ProtectionEnding { days_left: i64, until: DateTime<Utc> },
    ProtectionEnded,
}

impl Notify {
    /// The message, with `link` to the deal.
    pub fn message(&self, customer_company: &str, link: &str) -> Message {
        match self {
            Notify::Decided { approved, reason } => {
                let outcome = if *approved { "approved" } else { "rejected" };
                mail::deal_decided(customer_company, outcome, reason.as_deref(), link)
            }
            Notify::ProtectionEnding { days_left, until } => {
                mail::protection_ending(customer_company, *days_left, *until, link)
            }
            Notify::ProtectionEnded => mail::protection_ended(customer_company, link),
        }
    }
}

/// Everything one command does to a deal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The status (and extension state) the deal must still be in when the change is stored;
    /// otherwise someone else moved it meanwhile and nothing is written.
    pub from: DealStatus,
    pub extension_was: ExtensionState,
    pub to: DealStatus,
    pub change: Change,
    pub timeline: TimelineKind,
    pub note: String,
    pub notify: Option<Notify>,
    /// Published on the event bus once stored, with the amount it concerns.
    pub event: Option<(DealOutcome, i64)>,
    /// What the change does to the partner's incentive ledger.
    pub ledger: LedgerEffect,
}

/// What a deal's change does to the incentive ledger, in the same transaction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LedgerEffect {
    #[default]
    None,
    /// Won: its margin and registration discount accrue at the partner's tier of the moment.
    Accrue,
    /// A won deal reopened as lost: every entry it accrued is reversed (a clawback once paid).
    Reverse,
}

/// Why a command cannot be carried out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("Your role cannot do that.")]
    Forbidden,
    #[error("This deal is {} and cannot be {action}.", .status.as_str())]
    NotAllowed { status: DealStatus, action: &'static str },
    #[error("Say why the deal is rejected: the partner sees the reason.")]
    ReasonRequired,
    #[error("Say why the won deal is reopened as lost: the partner sees the reason.")]
    ReopenReasonRequired,
    #[error("Say why the deal needs more time.")]
    ExtensionReasonRequired,
    #[error("An extension was already requested for this deal.")]
    ExtensionAlreadyRequested,
    #[error("There is no extension request waiting on this deal.")]
    NoExtensionWaiting,
    #[error("No reminder is due.")]
    NothingDue,
}

impl PlanError {
    /// The form field a message belongs to ("form" for the form as a whole).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            PlanError::Forbidden => None,
            PlanError::ReasonRequired | PlanError::ExtensionReasonRequired | PlanError::ReopenReasonRequired => {
                Some("reason")
            }
            _ => Some("form"),
        }
    }
}

impl DealCommand {
    /// The verb in a refusal: "cannot be approved".
    fn past_tense(&self) -> &'static str {
        match self {
            DealCommand::Submit { .. } => "submitted",
            DealCommand::Approve { .. } => "approved",
            DealCommand::Reject { .. } => "rejected",
            DealCommand::Close { outcome: Outcome::Won, .. } => "marked as won",
            DealCommand::Close { outcome: Outcome::Lost, .. } => "marked as lost",
            DealCommand::RequestExtension { .. } => "extended",
            DealCommand::DecideExtension { .. } => "extended",
            DealCommand::Reopen { .. } => "reopened as lost",
            DealCommand::Remind(_) => "reminded",
            DealCommand::Expire => "expired",
        }
    }

    /// Who may give this command at all.
    fn allowed(&self, actor: Actor) -> bool {
        match self {
            DealCommand::Submit { .. } | DealCommand::RequestExtension { .. } => actor.is_partner(),
            DealCommand::Approve { .. }
            | DealCommand::Reject { .. }
            | DealCommand::DecideExtension { .. }
            | DealCommand::Reopen { .. } => actor.is_manager(),
            DealCommand::Close { .. } => actor.is_partner() || actor.is_manager(),
            DealCommand::Remind(_) | DealCommand::Expire => actor == Actor::Tessera,
        }
    }
}

/// The whole change `command` makes to `deal` when `actor` gives it at `now`, or why not.
pub fn plan(deal: &DealState, actor: Actor, command: &DealCommand, now: DateTime<Utc>) -> Result<Plan, PlanError> {
    use DealStatus::*;
    if !command.allowed(actor) {
        return Err(PlanError::Forbidden);
    }
    let refused = || PlanError::NotAllowed { status: deal.status, action: command.past_tense() };
    let moving = |to: DealStatus, timeline: TimelineKind, note: String, change: Change| Plan {
        from: deal.status,
        extension_was: deal.extension,
        to,
        change,
        timeline,
        note,
        notify: None,
        event: None,
        ledger: LedgerEffect::None,
    };
    let plan = match command {
        DealCommand::Submit { possible_conflict } => {
            if deal.status != Draft {
                return Err(refused());
            }
            let change = Change {
                submitted_at: Some(now),
                sla_due_at: Some(schedule::sla_due(now)),
                possible_conflict: Some(*possible_conflict),
                ..Change::default()
            };
            Plan {
                event: Some((DealOutcome::Submitted, deal.amount_minor)),
                ..moving(Submitted, TimelineKind::Submitted, "Submitted for approval".into(), change)
            }
        }
        DealCommand::Approve { note } => {
            if deal.status != Submitted {
                return Err(refused());
            }
            let change = Change {
                decided_at: Some(now),
                protected_until: Some(now + Duration::days(PROTECTION_DAYS)),
                ..Change::default()
            };
            let note = if note.is_empty() { "Approved".to_owned() } else { note.clone() };
            Plan {
                notify: Some(Notify::Decided { approved: true, reason: None }),
                event: Some((DealOutcome::Approved, deal.amount_minor)),
                ..moving(Approved, TimelineKind::Approved, note, change)
            }
        }
        DealCommand::Reject { reason } => {
            if reason.is_empty() {
                return Err(PlanError::ReasonRequired);
            }
            if deal.status != Submitted {
                return Err(refused());
            }
            let change = Change { decided_at: Some(now), rejection_reason: Some(reason.clone()), ..Change::default() };
            Plan {
                notify: Some(Notify::Decided { approved: false, reason: Some(reason.clone()) }),
                event: Some((DealOutcome::Rejected, deal.amount_minor)),
                ..moving(Rejected, TimelineKind::Rejected, reason.clone(), change)
            }
        }
        DealCommand::Close { outcome, final_amount, closed_on } => {
            if deal.status != Approved {
                return Err(refused());
            }
            let (to, kind, event) = match outcome {
                Outcome::Won => (Won, TimelineKind::Won, DealOutcome::Won),
                Outcome::Lost => (Lost, TimelineKind::Lost, DealOutcome::Lost),
            };
            let change = Change {
                final_amount_minor: Some(final_amount.minor),
                closed_on: Some(*closed_on),
                ..Change::default()
            };
            let note = format!("Final amount {} on {closed_on}", final_amount.display());
            let ledger = if *outcome == Outcome::Won { LedgerEffect::Accrue } else { LedgerEffect::None };
            Plan { event: Some((event, final_amount.minor)), ledger, ..moving(to, kind, note, change) }
        }
        DealCommand::Reopen { reason } => {
            if reason.is_empty() {
                return Err(PlanError::ReopenReasonRequired);
            }
            if deal.status != Won {
                return Err(refused());
            }
            Plan {
                event: Some((DealOutcome::Reopened, deal.final_amount_minor.unwrap_or(deal.amount_minor))),
                ledger: LedgerEffect::Reverse,
                ..moving(Lost, TimelineKind::Reopened, reason.clone(), Change::default())
            }
        }
        DealCommand::RequestExtension { reason } => {
            if reason.is_empty() {
                return Err(PlanError::ExtensionReasonRequired);
            }
            if deal.status != Approved {
                return Err(refused());
            }
            if deal.extension != ExtensionState::None {
                return Err(PlanError::ExtensionAlreadyRequested);
            }
            let change = Change {
                extension: Some(ExtensionState::Requested),
                extension_reason: Some(reason.clone()),
                ..Change::default()
            };
            moving(Approved, TimelineKind::ExtensionRequested, reason.clone(), change)
        }
        DealCommand::DecideExtension { grant } => {
            if deal.status != Approved || deal.extension != ExtensionState::Requested {
                return Err(PlanError::NoExtensionWaiting);
            }
            if *grant {
                let until = deal.protected_until.unwrap_or(now) + Duration::days(EXTENSION_DAYS);
                let change = Change {
                    extension: Some(ExtensionState::Approved),
                    protected_until: Some(until),
                    reset_reminders: true,
                    ..Change::default()
                };
                let note = format!("Protection extended to {}", until.format("%Y-%m-%d"));
                moving(Approved, TimelineKind::ExtensionApproved, note, change)
            } else {
                let change = Change { extension: Some(ExtensionState::Declined), ..Change::default() };
                moving(Approved, TimelineKind::ExtensionDeclined, "Extension declined".into(), change)
            }
        }
        DealCommand::Remind(reminder) => {
            let until = deal.protected_until.filter(|_| deal.status == Approved).ok_or_else(refused)?;
            // A reminder goes out once, within its window, and not after a nearer one.
            let due = until <= now + Duration::days(reminder.days()) && until > now;
            if !due || deal.reminded.iter().any(|sent| sent.days() <= reminder.days()) {
                return Err(PlanError::NothingDue);
            }
            let days_left = schedule::days_left(now, until);
            let change = Change { reminded: Some(*reminder), ..Change::default() };
            let note = format!("Reminder sent: protection ends in {days_left} days");
            Plan {
                notify: Some(Notify::ProtectionEnding { days_left, until }),
                ..moving(Approved, TimelineKind::Reminder, note, change)
            }
        }
        DealCommand::Expire => {
            let ended = deal.status == Approved && deal.protected_until.is_some_and(|until| until <= now);
            if !ended {
                return Err(refused());
            }
            Plan {
                notify: Some(Notify::ProtectionEnded),
                event: Some((DealOutcome::Expired, deal.amount_minor)),
                ..moving(Expired, TimelineKind::Expired, "The protection period ended".into(), Change::default())
            }
        }
    };
    Ok(plan)
}

/// What the viewer may do with a deal now: exactly the commands [`plan`] would accept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealControls {
    pub submit: bool,
    pub decide: bool,
    pub close: bool,
    pub request_extension: bool,
    pub decide_extension: bool,
    pub reopen: bool,
}

impl DealControls {
    pub fn for_actor(deal: &DealState, actor: Actor, now: DateTime<Utc>) -> DealControls {
        let accepts = |command: DealCommand| plan(deal, actor, &command, now).is_ok();
        let amount = Money { minor: 1, currency: crate::money::Currency::USD };
        let today = now.date_naive();
        DealControls {
            submit: accepts(DealCommand::Submit { possible_conflict: false }),
            decide: accepts(DealCommand::Approve { note: String::new() }),
            close: accepts(DealCommand::Close { outcome: Outcome::Won, final_amount: amount, closed_on: today }),
            request_extension: accepts(DealCommand::RequestExtension { reason: "·".into() }),
            decide_extension: accepts(DealCommand::DecideExtension { grant: true }),
            reopen: accepts(DealCommand::Reopen { reason: "·".into() }),
        }
    }
}

#[cfg(test)]
mod tests;
