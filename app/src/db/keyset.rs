//! Keyset pagination: a list ordered by a column and then the row's id, continued after the last
//! row a page showed. Unlike an offset, a page neither skips nor repeats rows when others are
//! added meanwhile, and a late page costs what the first one does.

use chrono::{DateTime, Utc};

use super::{Conditions, Param};

/// How a list is ordered, the row id breaking ties.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyOrder {
    IdAscending,
    IdDescending,
    UpdatedAscending,
    UpdatedDescending,
}

/// Where the previous page ended: its last row's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    Id(i64),
    Updated(DateTime<Utc>, i64),
}

impl KeyOrder {
    pub const ALL: [KeyOrder; 4] =
        [KeyOrder::UpdatedDescending, KeyOrder::UpdatedAscending, KeyOrder::IdDescending, KeyOrder::IdAscending];

    /// As a list's `sort` names it: a column, descending with a leading `-`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyOrder::IdAscending => "id",
            KeyOrder::IdDescending => "-id",
            KeyOrder::UpdatedAscending => "updated_at",
            KeyOrder::UpdatedDescending => "-updated_at",
        }
    }

    pub fn parse(value: &str) -> Option<KeyOrder> {
        KeyOrder::ALL.into_iter().find(|order| order.as_str() == value)
    }

    fn descending(self) -> bool {
        matches!(self, KeyOrder::IdDescending | KeyOrder::UpdatedDescending)
    }

    /// The `ORDER BY` list over the table `alias`.
    pub fn order_by(self, alias: &str) -> String {
        let direction = if self.descending() { "DESC" } else { "ASC" };
        match self {
            KeyOrder::IdAscending | KeyOrder::IdDescending => format!("{alias}.id {direction}"),
            KeyOrder::UpdatedAscending | KeyOrder::UpdatedDescending => {
                format!("{alias}.updated_at {direction}, {alias}.id {direction}")
            }
        }
    }

    /// The key of a row in this order.
    pub fn key(self, id: i64, updated_at: DateTime<Utc>) -> After {
        match self {
            KeyOrder::IdAscending | KeyOrder::IdDescending => After::Id(id),
            KeyOrder::UpdatedAscending | KeyOrder::UpdatedDescending => After::Updated(updated_at, id),
        }
    }

    /// Narrows `conditions` to the rows after `after` in this order; the two must be of the same
    /// kind (a list's cursor is checked against its sort before it comes here).
    pub fn continue_after(self, after: After, conditions: &mut Conditions, alias: &str) {
        let beyond = if self.descending() { "<" } else { ">" };
        match after {
            After::Id(id) => conditions.push(&format!(" AND {alias}.id {beyond} $n"), Param::Int(id)),
            After::Updated(at, id) => {
                conditions.push(&format!(" AND ({alias}.updated_at {beyond} $n"), Param::Time(at));
                conditions.push(&format!(" OR ({alias}.updated_at = $n"), Param::Time(at));
                conditions.push(&format!(" AND {alias}.id {beyond} $n))"), Param::Int(id));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_continues_strictly_after_the_last_row_in_either_direction() {
        let mut newest_first = Conditions::new("WHERE 1 = 1");
        let at = DateTime::from_timestamp(1_780_000_000, 0).expect("time");
        KeyOrder::UpdatedDescending.continue_after(After::Updated(at, 7), &mut newest_first, "d");
        assert_eq!(newest_first.sql, "WHERE 1 = 1 AND (d.updated_at < $1 OR (d.updated_at = $2 AND d.id < $3))");
        assert_eq!(newest_first.params, [Param::Time(at), Param::Time(at), Param::Int(7)]);
        let mut by_id = Conditions::new("WHERE 1 = 1");
        KeyOrder::IdAscending.continue_after(After::Id(9), &mut by_id, "o");
        assert_eq!(by_id.sql, "WHERE 1 = 1 AND o.id > $1");
        assert_eq!(KeyOrder::UpdatedDescending.order_by("d"), "d.updated_at DESC, d.id DESC");
        for order in KeyOrder::ALL {
            assert_eq!(KeyOrder::parse(order.as_str()), Some(order));
        }
    }
}
