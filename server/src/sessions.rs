//! Who a session cookie belongs to, looked up once per request. On SQLite the answer is kept in
//! memory for a little while: every query there is a round trip to a worker thread, and every
//! page asks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use app::auth::store::{self, LiveSession};
use app::auth::{AgreementStanding, SessionUser};
use app::db::{self, Db};
use chrono::{DateTime, Duration, Utc};

/// The people behind the session cookies seen lately. An entry holds while this process has
/// committed no write since it was read ([`db::writes`]: a sign-out, a deactivation, a new role, a
/// renamed organisation, any write ends every entry), until its session ends, and for at most
/// [`HELD_SECONDS`].
#[derive(Clone, Default)]
pub struct SessionCache(Arc<Mutex<HashMap<String, Held>>>);

struct Held {
    user: SessionUser,
    agreement_due: Option<DateTime<Utc>>,
    writes: u64,
    until: DateTime<Utc>,
}

/// The longest an entry is trusted; it bounds how long a change made behind the server's back (by
/// hand, in the database file) takes to be seen.
const HELD_SECONDS: i64 = 10;

/// The most entries kept; past it the cache starts again empty.
const MOST_HELD: usize = 10_000;

impl SessionCache {
    fn get(&self, token_hash: &str, writes: u64, now: DateTime<Utc>) -> Option<SessionUser> {
        let held = self.0.lock().ok()?;
        held.get(token_hash).filter(|entry| entry.writes == writes && now < entry.until).map(|entry| SessionUser {
            agreement: AgreementStanding::at(entry.agreement_due, now),
            ..entry.user.clone()
        })
    }

    /// Keeps `session`, read when the count of writes was `writes`.
    fn put(&self, token_hash: &str, session: &LiveSession, writes: u64, now: DateTime<Utc>) {
        let Ok(mut held) = self.0.lock() else { return };
        if held.len() >= MOST_HELD {
            held.clear();
        }
        let until = session.expires_at.min(now + Duration::seconds(HELD_SECONDS));
        let agreement_due = session.agreement_due;
        held.insert(token_hash.to_owned(), Held { user: session.user.clone(), agreement_due, writes, until });
    }
}

/// Finds the person behind a session token.
#[derive(Clone)]
pub struct Sessions {
    db: Db,
    cache: SessionCache,
}

impl Sessions {
    pub fn new(db: Db) -> Sessions {
        Sessions { db, cache: SessionCache::default() }
    }

    /// The person whose live session `token_hash` is, with their organisation's standing with the
    /// partner agreement as of now; `None` for an unknown or ended one.
    /// Servers sharing a PostgreSQL database read it afresh every time: another of them may have
    /// just ended it.
    pub async fn person(&self, token_hash: &str) -> Result<Option<SessionUser>, sqlx::Error> {
        let now = Utc::now();
        if self.db.shared() {
            return Ok(store::live_session(&self.db, token_hash, now).await?.map(|session| person(session, now)));
        }
        // Counted before reading: a write landing during the read moves it, and the entry is dead.
        let writes = db::writes();
        if let Some(user) = self.cache.get(token_hash, writes, now) {
            return Ok(Some(user));
        }
        let session = store::live_session(&self.db, token_hash, now).await?;
        if let Some(session) = &session {
            self.cache.put(token_hash, session, writes, now);
        }
        Ok(session.map(|session| person(session, now)))
    }
}

fn person(session: LiveSession, now: DateTime<Utc>) -> SessionUser {
    SessionUser { agreement: AgreementStanding::at(session.agreement_due, now), ..session.user }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::auth::Role;

    fn session(expires_at: DateTime<Utc>) -> LiveSession {
        let user = SessionUser {
            user_id: 7,
            name: "Pat".into(),
            email: "pat@example.test".into(),
            role: Role::PartnerUser,
            organisation_id: 3,
            organisation_name: "Bluepeak".into(),
            agreement: AgreementStanding::Settled,
        };
        LiveSession { user, expires_at, agreement_due: None }
    }

    #[test]
    fn an_entry_holds_until_a_write_its_session_ends_or_its_time_is_up() {
        let cache = SessionCache::default();
        let now = Utc::now();
        cache.put("a", &session(now + Duration::days(7)), 5, now);
        assert_eq!(cache.get("a", 5, now).map(|user| user.user_id), Some(7));
        assert!(cache.get("b", 5, now).is_none(), "another token");
        assert!(cache.get("a", 6, now).is_none(), "a write since");
        assert!(cache.get("a", 5, now + Duration::seconds(HELD_SECONDS)).is_none(), "held too long");

        cache.put("c", &session(now + Duration::seconds(2)), 5, now);
        assert!(cache.get("c", 5, now + Duration::seconds(1)).is_some());
        assert!(cache.get("c", 5, now + Duration::seconds(2)).is_none(), "the session ended");
    }

    #[test]
    fn a_held_entry_says_where_the_agreement_stands_at_each_request() {
        let cache = SessionCache::default();
        let now = Utc::now();
        let due = now + Duration::seconds(5);
        let mut held = session(now + Duration::days(1));
        held.agreement_due = Some(due);
        cache.put("a", &held, 1, now);
        assert_eq!(cache.get("a", 1, now).map(|user| user.agreement), Some(AgreementStanding::DueBy { by: due }));
        assert_eq!(cache.get("a", 1, due).map(|user| user.agreement), Some(AgreementStanding::Required));
    }

    #[test]
    fn a_full_cache_starts_again() {
        let cache = SessionCache::default();
        let now = Utc::now();
        for n in 0..MOST_HELD {
            cache.put(&n.to_string(), &session(now + Duration::days(1)), 1, now);
        }
        cache.put("last", &session(now + Duration::days(1)), 1, now);
        assert!(cache.get("0", 1, now).is_none());
        assert!(cache.get("last", 1, now).is_some());
    }
}
