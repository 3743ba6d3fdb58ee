//! Who a session cookie belongs to, looked up once per request. On SQLite the answer is held in
//! memory while nothing was written ([`Held`]): every query there is a round trip to a worker
//! thread, and every page asks.

use app::auth::store::{self, LiveSession};
use app::auth::{AgreementStanding, SessionUser};
use app::db::held::Held;
use app::db::{self, Db};
use chrono::{DateTime, Utc};

/// Finds the person behind a session token.
#[derive(Clone)]
pub struct Sessions {
    db: Db,
    /// Each live session read lately, by its token's hash (a sign-out, a deactivation, a new
    /// role, a renamed organisation: any write ends every one).
    held: Held<LiveSession>,
}

impl Sessions {
    pub fn new(db: Db) -> Sessions {
        Sessions { db, held: Held::default() }
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
        if let Some(session) = self.held.get(token_hash, writes, now) {
            return Ok(Some(person(session, now)));
        }
        let session = store::live_session(&self.db, token_hash, now).await?;
        if let Some(session) = &session {
            self.held.put(token_hash, session.clone(), writes, now, session.expires_at);
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
    use chrono::Duration;

    #[test]
    fn a_held_session_says_where_the_agreement_stands_at_each_request() {
        let now = Utc::now();
        let due = now + Duration::seconds(5);
        let user = SessionUser {
            user_id: 7,
            name: "Pat".into(),
            email: "pat@example.test".into(),
            role: Role::PartnerUser,
            organisation_id: 3,
            organisation_name: "Bluepeak".into(),
            agreement: AgreementStanding::Settled,
        };
        let session = LiveSession { user, expires_at: now + Duration::days(1), agreement_due: Some(due) };
        assert_eq!(person(session.clone(), now).agreement, AgreementStanding::DueBy { by: due });
        assert_eq!(person(session, due).agreement, AgreementStanding::Required);
    }
}
