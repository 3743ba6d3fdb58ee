//! Editing a partner type's checklist: the rules for a new step, and the moves an admin makes.
//! Steps are added, moved and retired, never rewritten: what partners did stays what it was.

use serde::{Deserialize, Serialize};

use super::{Milestone, Step, StepKind};
use crate::error::FieldErrors;
use crate::text::{one_line, required_line};

pub const MAX_STEP_TITLE: usize = 120;
pub const MAX_STEP_DESCRIPTION: usize = 1_000;
pub const MAX_STEP_LINK: usize = 500;

/// How the step form names a manual step, with and without the channel manager's confirmation;
/// an automatic step is named by its milestone.
pub const MANUAL: &str = "manual";
pub const MANUAL_CONFIRMED: &str = "manual_confirmed";

/// The kinds of step the form offers: (value, label).
pub fn kind_choices() -> Vec<(String, String)> {
    let mut choices = vec![
        (MANUAL.to_owned(), "Manual: the partner ticks it".to_owned()),
        (MANUAL_CONFIRMED.to_owned(), "Manual, confirmed by the channel manager".to_owned()),
    ];
    choices.extend(
        Milestone::ALL.map(|milestone| (milestone.as_str().to_owned(), format!("Automatic: {}", milestone.label()))),
    );
    choices
}

/// A partner type's checklist as the editor shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub partner_type_id: i64,
    pub partner_type: String,
    pub steps: Vec<Step>,
}

/// The step form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepInput {
    pub partner_type_id: String,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub href: String,
}

/// A step ready to add at the end of a partner type's checklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStep {
    pub partner_type_id: i64,
    pub title: String,
    pub description: String,
    pub kind: StepKind,
    pub href: Option<String>,
}

impl StepInput {
    /// The step to add, or a message per field. A link is a page of the portal (`/…`) or an
    /// `https://` address: nothing that could run script.
    pub fn check(&self) -> Result<NewStep, FieldErrors> {
        let mut fields = FieldErrors::new();
        let partner_type_id = self.partner_type_id.trim().parse::<i64>().ok();
        if partner_type_id.is_none() {
            fields.insert("partner_type_id".into(), "Choose the partner type whose checklist this is.".into());
        }
        let title =
            required_line(&self.title, MAX_STEP_TITLE, "Name the step, such as \"Complete your company profile\".")
                .map_err(|message| fields.insert("title".into(), message))
                .unwrap_or_default();
        let description = self.description.trim();
        if description.chars().count() > MAX_STEP_DESCRIPTION {
            fields.insert("description".into(), format!("Use at most {MAX_STEP_DESCRIPTION} characters."));
        }
        let kind = match self.kind.as_str() {
            MANUAL => Some(StepKind::Manual { confirm: false }),
            MANUAL_CONFIRMED => Some(StepKind::Manual { confirm: true }),
            other => Milestone::parse(other).map(|milestone| StepKind::Automatic { milestone }),
        };
        if kind.is_none() {
            fields.insert("kind".into(), "Choose how the step is completed.".into());
        }
        let href = self.href.trim();
        let safe_link = (href.starts_with('/') && !href.starts_with("//")) || href.starts_with("https://");
        if !href.is_empty() && (!safe_link || one_line(href).is_err() || href.contains(char::is_whitespace)) {
            fields.insert("href".into(), "Use a page of the portal (/deals/new) or an https:// address.".into());
        } else if href.chars().count() > MAX_STEP_LINK {
            fields.insert("href".into(), format!("Use at most {MAX_STEP_LINK} characters."));
        }
        match (partner_type_id, kind, fields.is_empty()) {
            (Some(partner_type_id), Some(kind), true) => Ok(NewStep {
                partner_type_id,
                title: title.to_owned(),
                description: description.to_owned(),
                kind,
                href: (!href.is_empty()).then(|| href.to_owned()),
            }),
            _ => Err(fields),
        }
    }
}

/// How the editor asks to take a step out of its checklist (besides moving it up or down).
pub const REMOVE: &str = "remove";

/// Which way a step moves in its checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
}

impl Move {
    pub fn as_str(self) -> &'static str {
        match self {
            Move::Up => "up",
            Move::Down => "down",
        }
    }

    pub fn parse(value: &str) -> Option<Move> {
        [Move::Up, Move::Down].into_iter().find(|direction| direction.as_str() == value)
    }
}

/// The step that trades places with `step_id` when it moves `direction` in `steps` (in order);
/// `None` at the end it cannot pass.
pub fn neighbour(steps: &[Step], step_id: i64, direction: Move) -> Option<i64> {
    let at = steps.iter().position(|step| step.id == step_id)?;
    let other = match direction {
        Move::Up => at.checked_sub(1)?,
        Move::Down => at + 1,
    };
    steps.get(other).map(|step| step.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, href: &str) -> StepInput {
        StepInput {
            partner_type_id: "3".into(),
            title: " Complete your company profile ".into(),
            description: "Logo, website and what you sell.".into(),
            kind: kind.into(),
            href: href.into(),
        }
    }

    #[test]
    fn a_step_needs_a_type_a_title_and_a_kind() {
        let step = input(MANUAL_CONFIRMED, "/team").check().expect("valid");
        assert_eq!(step.title, "Complete your company profile");
        assert_eq!(step.kind, StepKind::Manual { confirm: true });
        assert_eq!(step.href.as_deref(), Some("/team"));
        let automatic = input("first_deal_won", "").check().expect("valid");
        assert_eq!(automatic.kind, StepKind::Automatic { milestone: Milestone::FirstDealWon });
        assert_eq!(automatic.href, None);
        let empty = StepInput::default().check().expect_err("invalid");
        assert_eq!(empty.keys().collect::<Vec<_>>(), ["kind", "partner_type_id", "title"]);
        assert!(input("first_campaign_won", "").check().expect_err("unknown").contains_key("kind"));
        assert!(StepInput { title: "A\nB".into(), ..input(MANUAL, "") }.check().is_err());
    }

    #[test]
    fn a_link_is_a_portal_page_or_an_https_address() {
        for good in ["/deals/new", "https://acme.example/playbook"] {
            assert!(input(MANUAL, good).check().is_ok(), "{good}");
        }
        for bad in ["javascript:alert(1)", "//evil.example", "http://acme.example", "/a b", "data:text/html,x"] {
            assert!(input(MANUAL, bad).check().expect_err(bad).contains_key("href"), "{bad}");
        }
    }

    #[test]
    fn a_step_trades_places_with_its_neighbour_and_not_past_the_ends() {
        let step = |id| Step {
            id,
            title: String::new(),
            description: String::new(),
            href: None,
            kind: StepKind::Manual { confirm: false },
        };
        let steps = [step(4), step(7), step(9)];
        assert_eq!(neighbour(&steps, 7, Move::Up), Some(4));
        assert_eq!(neighbour(&steps, 7, Move::Down), Some(9));
        assert_eq!(neighbour(&steps, 4, Move::Up), None);
        assert_eq!(neighbour(&steps, 9, Move::Down), None);
        assert_eq!(neighbour(&steps, 5, Move::Up), None, "not in this checklist");
        assert_eq!(Move::parse("up"), Some(Move::Up));
        assert_eq!(Move::parse("sideways"), None);
    }
}
