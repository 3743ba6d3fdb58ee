//! Answers read from the database, kept in this process's memory while it has committed no write
//! since ([`super::writes`]) and for a few seconds at most: on SQLite every query is a round trip
//! to a worker thread, and who a session cookie or an API token belongs to is asked by every
//! request. Servers sharing a PostgreSQL database keep nothing ([`super::Db::shared`]): another
//! may just have written.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

/// The longest an answer is trusted; it bounds how long a change made behind the server's back
/// (by hand, in the database file) takes to be seen.
pub const HELD_SECONDS: i64 = 10;

/// The most answers kept; past it the store starts again empty.
const MOST_HELD: usize = 10_000;

/// Answers by key (a token's hash).
#[derive(Clone, Debug)]
pub struct Held<V>(Arc<Mutex<HashMap<String, Entry<V>>>>);

#[derive(Debug)]
struct Entry<V> {
    value: V,
    writes: u64,
    until: DateTime<Utc>,
}

impl<V> Default for Held<V> {
    fn default() -> Held<V> {
        Held(Arc::default())
    }
}

impl<V: Clone> Held<V> {
    /// The answer for `key`, if it was read when the count of writes was `writes` and is still
    /// good at `now`.
    pub fn get(&self, key: &str, writes: u64, now: DateTime<Utc>) -> Option<V> {
        let held = self.0.lock().ok()?;
        held.get(key).filter(|entry| entry.writes == writes && now < entry.until).map(|entry| entry.value.clone())
    }

    /// Keeps `value`, read when the count of writes was `writes`, until `ends` (what it answers
    /// for ends then: a session, a token) or [`HELD_SECONDS`] from `now`, whichever is sooner.
    pub fn put(&self, key: &str, value: V, writes: u64, now: DateTime<Utc>, ends: DateTime<Utc>) {
        let Ok(mut held) = self.0.lock() else { return };
        if held.len() >= MOST_HELD {
            held.clear();
        }
        let until = ends.min(now + Duration::seconds(HELD_SECONDS));
        held.insert(key.to_owned(), Entry { value, writes, until });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_holds_until_a_write_what_it_answers_for_ends_or_its_time_is_up() {
        let held = Held::default();
        let now = Utc::now();
        held.put("a", 7, 5, now, now + Duration::days(7));
        assert_eq!(held.get("a", 5, now), Some(7));
        assert_eq!(held.get("b", 5, now), None, "another key");
        assert_eq!(held.get("a", 6, now), None, "a write since");
        assert_eq!(held.get("a", 5, now + Duration::seconds(HELD_SECONDS)), None, "held too long");

        held.put("c", 1, 5, now, now + Duration::seconds(2));
        assert_eq!(held.get("c", 5, now + Duration::seconds(1)), Some(1));
        assert_eq!(held.get("c", 5, now + Duration::seconds(2)), None, "it ended");
    }

    #[test]
    fn a_full_store_starts_again() {
        let held = Held::default();
        let now = Utc::now();
        for n in 0..MOST_HELD {
            held.put(&n.to_string(), n, 1, now, now + Duration::days(1));
        }
        held.put("last", 0, 1, now, now + Duration::days(1));
        assert_eq!(held.get("0", 1, now), None);
        assert_eq!(held.get("last", 1, now), Some(0));
    }
}
