//! The program's partner types and regions: lists an admin keeps (Administration → Partner types
//! and regions). A value no partner uses may be deleted; one in use is retired instead, so the
//! partners that have it keep it while nobody new is given it, and restored when wanted again.

mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

pub use pages::ProgramListsPage;

use serde::{Deserialize, Serialize};

use crate::text::required_line;

/// The longest name of a partner type or region.
pub const MAX_NAME: usize = 60;

/// Which list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProgramList {
    PartnerTypes,
    Regions,
}

impl ProgramList {
    pub const ALL: [ProgramList; 2] = [ProgramList::PartnerTypes, ProgramList::Regions];

    pub fn as_str(self) -> &'static str {
        match self {
            ProgramList::PartnerTypes => "types",
            ProgramList::Regions => "regions",
        }
    }

    pub fn parse(raw: &str) -> Option<ProgramList> {
        ProgramList::ALL.into_iter().find(|list| list.as_str() == raw)
    }

    pub fn title(self) -> &'static str {
        match self {
            ProgramList::PartnerTypes => "Partner types",
            ProgramList::Regions => "Regions",
        }
    }

    /// One value of the list, as a sentence names it.
    pub fn one(self) -> &'static str {
        match self {
            ProgramList::PartnerTypes => "partner type",
            ProgramList::Regions => "region",
        }
    }
}

/// What an admin does to a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListChange {
    Add,
    Retire,
    Restore,
    Delete,
}

impl ListChange {
    pub const ALL: [ListChange; 4] = [ListChange::Add, ListChange::Retire, ListChange::Restore, ListChange::Delete];

    pub fn as_str(self) -> &'static str {
        match self {
            ListChange::Add => "add",
            ListChange::Retire => "retire",
            ListChange::Restore => "restore",
            ListChange::Delete => "delete",
        }
    }

    pub fn parse(raw: &str) -> Option<ListChange> {
        ListChange::ALL.into_iter().find(|change| change.as_str() == raw)
    }
}

/// One value of a list: its partners (and for a partner type, the onboarding steps made for it),
/// which keep it from being deleted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ListValue {
    pub id: i64,
    pub name: String,
    pub retired: bool,
    pub partners: i64,
    /// Onboarding steps made for this partner type (0 for regions).
    pub made_for: i64,
    /// Library items kept for this partner type (0 for regions).
    pub content: i64,
}

impl ListValue {
    pub fn in_use(&self) -> bool {
        self.partners > 0 || self.made_for > 0 || self.content > 0
    }

    /// Why it cannot be deleted, if it cannot.
    pub fn in_use_text(&self) -> Option<String> {
        let mut uses = Vec::new();
        if self.partners > 0 {
            uses.push(crate::text::count(self.partners, "partner", "partners"));
        }
        if self.made_for > 0 {
            uses.push(crate::text::count(self.made_for, "onboarding step", "onboarding steps"));
        }
        if self.content > 0 {
            uses.push(crate::text::count(self.content, "library item", "library items"));
        }
        let last = uses.pop()?;
        Some(match uses.is_empty() {
            true => last,
            false => format!("{} and {last}", uses.join(", ")),
        })
    }
}

/// Both lists, as the page shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lists {
    pub types: Vec<ListValue>,
    pub regions: Vec<ListValue>,
}

impl Lists {
    pub fn of(&self, list: ProgramList) -> &[ListValue] {
        match list {
            ProgramList::PartnerTypes => &self.types,
            ProgramList::Regions => &self.regions,
        }
    }
}

/// A new value's name, checked against the list it joins (retired values count: restore one
/// instead of adding it twice).
pub fn check_name(raw: &str, list: ProgramList, values: &[ListValue]) -> Result<String, String> {
    let name = required_line(raw, MAX_NAME, &format!("Name the {}.", list.one()))?;
    if let Some(same) = values.iter().find(|value| value.name.to_lowercase() == name.to_lowercase()) {
        return Err(match same.retired {
            true => format!("{} is on the list already, retired: restore it instead.", same.name),
            false => format!("{} is on the list already.", same.name),
        });
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(name: &str, retired: bool, partners: i64) -> ListValue {
        ListValue { id: 1, name: name.into(), retired, partners, made_for: 0, content: 0 }
    }

    #[test]
    fn a_name_is_one_line_and_new_to_the_list_whatever_its_case() {
        let values = [value("EMEA", false, 3), value("Nordics", true, 0)];
        assert_eq!(check_name("  DACH ", ProgramList::Regions, &values), Ok("DACH".into()));
        assert_eq!(check_name("emea", ProgramList::Regions, &values), Err("EMEA is on the list already.".into()));
        assert_eq!(
            check_name("NORDICS", ProgramList::Regions, &values),
            Err("Nordics is on the list already, retired: restore it instead.".into())
        );
        assert_eq!(check_name(" ", ProgramList::PartnerTypes, &values), Err("Name the partner type.".into()));
        assert!(check_name("a\nb", ProgramList::Regions, &values).is_err());
        assert!(check_name(&"x".repeat(MAX_NAME + 1), ProgramList::Regions, &values).is_err());
    }

    #[test]
    fn a_value_is_in_use_while_partners_or_checklists_have_it() {
        assert_eq!(value("EMEA", false, 0).in_use_text(), None);
        assert_eq!(value("EMEA", false, 2).in_use_text().as_deref(), Some("2 partners"));
        let made_for = ListValue { made_for: 1, ..value("MSP", false, 1) };
        assert!(made_for.in_use());
        assert_eq!(made_for.in_use_text().as_deref(), Some("1 partner and 1 onboarding step"));
        let gated = ListValue { content: 2, ..value("MSP", false, 0) };
        assert_eq!(gated.in_use_text().as_deref(), Some("2 library items"));
        let all = ListValue { made_for: 8, content: 1, ..value("MSP", false, 4) };
        assert_eq!(all.in_use_text().as_deref(), Some("4 partners, 8 onboarding steps and 1 library item"));
        for list in ProgramList::ALL {
            assert_eq!(ProgramList::parse(list.as_str()), Some(list));
        }
        for change in ListChange::ALL {
            assert_eq!(ListChange::parse(change.as_str()), Some(change));
        }
    }
}
