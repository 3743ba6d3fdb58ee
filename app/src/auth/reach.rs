//! The one reach rule: which organisations a person may see. Every list, figure, link and id
//! lookup asks it, in memory ([`Reach::includes`]) or in SQL ([`Reach::narrow`]); nothing else
//! decides it. An organisation out of reach is answered "not found", never "forbidden", so ids
//! reveal nothing about other partners. Roles decide which pages and commands a person has;
//! reach decides whose data those show.

use serde::{Deserialize, Serialize};

use super::{Role, SessionUser};

/// The organisations a person may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Reach {
    /// The vendor and every partner: program admins and channel marketing.
    Program,
    /// The vendor and the partners assigned to one channel manager.
    Assigned { channel_manager_id: i64 },
    /// One partner's own organisation: its partner admins and partner users.
    Own { organisation_id: i64 },
}

/// What reach decisions need to know about an organisation.
pub trait Reachable {
    fn organisation_id(&self) -> i64;
    fn channel_manager_id(&self) -> Option<i64>;
    fn is_vendor(&self) -> bool {
        false
    }
}

/// An organisation as the database describes it for reach decisions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrganisationFacts {
    pub id: i64,
    pub is_vendor: bool,
    pub channel_manager_id: Option<i64>,
}

impl Reachable for OrganisationFacts {
    fn organisation_id(&self) -> i64 {
        self.id
    }
    fn channel_manager_id(&self) -> Option<i64> {
        self.channel_manager_id
    }
    fn is_vendor(&self) -> bool {
        self.is_vendor
    }
}

impl Reach {
    pub fn of(user: &SessionUser) -> Reach {
        match user.role {
            Role::Admin | Role::Marketing => Reach::Program,
            Role::ChannelManager => Reach::Assigned { channel_manager_id: user.user_id },
            Role::PartnerAdmin | Role::PartnerUser => Reach::Own { organisation_id: user.organisation_id },
        }
    }

    /// Whether `organisation` is within reach.
    pub fn includes(self, organisation: &impl Reachable) -> bool {
        match self {
            Reach::Program => true,
            Reach::Assigned { channel_manager_id } => {
                organisation.is_vendor() || organisation.channel_manager_id() == Some(channel_manager_id)
            }
            Reach::Own { organisation_id } => organisation.organisation_id() == organisation_id,
        }
    }

    /// The members of `organisations` within reach, in their order.
    pub fn filter<T: Reachable + Clone>(self, organisations: &[T]) -> Vec<T> {
        organisations.iter().filter(|organisation| self.includes(*organisation)).cloned().collect()
    }

    /// Whether `organisation` is a partner (not the vendor) within reach: what lists of partners
    /// and their deals show, and what [`Reach::narrow`] says in SQL.
    pub fn includes_partner(self, organisation: &impl Reachable) -> bool {
        !organisation.is_vendor() && self.includes(organisation)
    }

    /// Every partner of the program is within reach.
    pub fn is_program(self) -> bool {
        self == Reach::Program
    }
}

#[cfg(feature = "ssr")]
impl Reach {
    /// Narrows SQL over organisations to the partners within reach ([`Reach::includes_partner`]):
    /// `organisation` is the alias of the `organisations` table in `conditions`.
    pub fn narrow(self, conditions: &mut crate::db::Conditions, organisation: &str) {
        use crate::db::Param;
        conditions.sql.push_str(&format!(" AND {organisation}.kind = 'partner'"));
        match self {
            Reach::Program => {}
            Reach::Assigned { channel_manager_id } => {
                conditions
                    .push(&format!(" AND {organisation}.channel_manager_id = $n"), Param::Int(channel_manager_id));
            }
            Reach::Own { organisation_id } => {
                conditions.push(&format!(" AND {organisation}.id = $n"), Param::Int(organisation_id));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(role: Role, user_id: i64, organisation_id: i64) -> SessionUser {
        SessionUser {
            user_id,
            name: "Test".into(),
            email: "t@example.test".into(),
            role,
            organisation_id,
            organisation_name: "Org".into(),
            agreement: Default::default(),
        }
    }

    const VENDOR: OrganisationFacts = OrganisationFacts { id: 1, is_vendor: true, channel_manager_id: None };
    const ASSIGNED: OrganisationFacts = OrganisationFacts { id: 2, is_vendor: false, channel_manager_id: Some(10) };
    const ANOTHER_MANAGERS: OrganisationFacts =
        OrganisationFacts { id: 3, is_vendor: false, channel_manager_id: Some(11) };
    const UNASSIGNED: OrganisationFacts = OrganisationFacts { id: 4, is_vendor: false, channel_manager_id: None };

    #[test]
    fn every_role_reaches_exactly_its_organisations() {
        // (role, user id, own organisation, reach, [vendor, assigned, another manager's, unassigned])
        let table = [
            (Role::Admin, 5, 1, Reach::Program, [true, true, true, true]),
            (Role::Marketing, 6, 1, Reach::Program, [true, true, true, true]),
            (Role::ChannelManager, 10, 1, Reach::Assigned { channel_manager_id: 10 }, [true, true, false, false]),
            (Role::ChannelManager, 11, 1, Reach::Assigned { channel_manager_id: 11 }, [true, false, true, false]),
            (Role::PartnerAdmin, 20, 2, Reach::Own { organisation_id: 2 }, [false, true, false, false]),
            (Role::PartnerUser, 21, 2, Reach::Own { organisation_id: 2 }, [false, true, false, false]),
            (Role::PartnerUser, 22, 3, Reach::Own { organisation_id: 3 }, [false, false, true, false]),
            (Role::PartnerAdmin, 23, 4, Reach::Own { organisation_id: 4 }, [false, false, false, true]),
        ];
        for (role, user_id, organisation_id, reach, sees) in table {
            let user = person(role, user_id, organisation_id);
            assert_eq!(Reach::of(&user), reach, "{role:?} {user_id}");
            for (organisation, expected) in [VENDOR, ASSIGNED, ANOTHER_MANAGERS, UNASSIGNED].iter().zip(sees) {
                assert_eq!(reach.includes(organisation), expected, "{role:?} {user_id} and {organisation:?}");
            }
        }
        assert!(Role::ALL.iter().all(|role| table.iter().any(|row| row.0 == *role)), "every role is in the table");
    }

    #[test]
    fn the_filter_keeps_what_is_within_reach_in_order() {
        let all = [VENDOR, ASSIGNED, ANOTHER_MANAGERS, UNASSIGNED];
        assert_eq!(Reach::Assigned { channel_manager_id: 11 }.filter(&all), [VENDOR, ANOTHER_MANAGERS]);
        assert_eq!(Reach::Own { organisation_id: 4 }.filter(&all), [UNASSIGNED]);
        assert_eq!(Reach::Program.filter(&all).len(), 4);
        assert!(!Reach::Program.includes_partner(&VENDOR) && Reach::Program.includes_partner(&ASSIGNED));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_sql_form_binds_the_same_rule() {
        use crate::db::{Conditions, Param};
        let mut program = Conditions::new("WHERE 1 = 1");
        Reach::Program.narrow(&mut program, "o");
        assert_eq!((program.sql.as_str(), program.params.len()), ("WHERE 1 = 1 AND o.kind = 'partner'", 0));
        let mut assigned = Conditions::new("WHERE 1 = 1");
        Reach::Assigned { channel_manager_id: 10 }.narrow(&mut assigned, "o");
        assert_eq!(assigned.sql, "WHERE 1 = 1 AND o.kind = 'partner' AND o.channel_manager_id = $1");
        assert_eq!(assigned.params, [Param::Int(10)]);
        let mut own = Conditions::new("WHERE 1 = 1");
        Reach::Own { organisation_id: 2 }.narrow(&mut own, "org");
        assert_eq!(own.sql, "WHERE 1 = 1 AND org.kind = 'partner' AND org.id = $1");
    }
}
