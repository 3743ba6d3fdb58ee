//! Training in the database: courses (one writer, [`save_course`]), attempts and the
//! certifications they give (one writer, [`record_attempt`]), and the expiry reminders ([`remind`]).

use chrono::{DateTime, Duration, Utc};
use sqlx::AssertSqlSafe;

use super::certification::{Pass, Reminder, Standing, pass};
use super::{AttemptSummary, Certificate, CourseSource};
use crate::audit::{self, AuditAction};
use crate::auth::reach::Reach;
use crate::db::{Conditions, Db};
use crate::mail;
use crate::notifications::{self, Notice};
use crate::{bind_all, execute_in, on_db, on_tx};

macro_rules! certificate_columns {
    () => {
        "SELECT c.course_id, co.title AS course_title, u.name AS person_name, c.organisation_id, \
         o.name AS organisation_name, c.earned_at, c.expires_at FROM certifications c \
         JOIN courses co ON co.id = c.course_id JOIN users u ON u.id = c.user_id \
         JOIN organisations o ON o.id = c.organisation_id "
    };
}

crate::statements! {
    const PUBLISHED_TITLES = "SELECT id, title FROM courses WHERE published ORDER BY title";
    const UNLOCKS = "SELECT cu.course_id, t.name FROM course_unlocks cu JOIN tiers t ON t.id = cu.tier_id";
    const LOCKED_FOR = "SELECT cu.course_id, t.name FROM course_unlocks cu JOIN tiers t ON t.id = cu.tier_id \
        WHERE t.rank > COALESCE((SELECT ot.rank FROM organisations o JOIN tiers ot ON ot.id = o.tier_id \
        WHERE o.id = $1), 0)";
    const COURSES = "SELECT id, title, summary, lessons, quiz, pass_mark, validity_months, revision, published \
        FROM courses ORDER BY lower(title)";
    const COURSE = "SELECT id, title, summary, lessons, quiz, pass_mark, validity_months, revision, published \
        FROM courses WHERE id = $1";
    const TITLE_TAKEN = "SELECT COUNT(*) FROM courses WHERE lower(title) = lower($1) AND id <> $2";
    const INSERT_COURSE = "INSERT INTO courses (title, summary, lessons, quiz, pass_mark, validity_months, \
        published, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id";
    const UPDATE_COURSE = "UPDATE courses SET title = $1, summary = $2, lessons = $3, quiz = $4, pass_mark = $5, \
        validity_months = $6, published = $7, revision = revision + 1, updated_at = $8 WHERE id = $9";
    const CERTIFICATES_OF_PERSON = concat!(certificate_columns!(), "WHERE c.user_id = $1 ORDER BY lower(co.title)");
    const ATTEMPTS = "SELECT submitted_at, percent, passed FROM course_attempts WHERE user_id = $1 AND course_id = $2 \
        ORDER BY submitted_at DESC, id DESC LIMIT 20";
    const ATTEMPTS_SINCE = "SELECT submitted_at FROM course_attempts WHERE user_id = $1 AND course_id = $2 \
        AND submitted_at > $3 ORDER BY submitted_at";
    const BEST = "SELECT course_id, MAX(percent) FROM course_attempts WHERE user_id = $1 GROUP BY course_id";
    const INSERT_ATTEMPT = "INSERT INTO course_attempts \
        (course_id, user_id, organisation_id, revision, percent, passed, answers, submitted_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    const HELD_UNTIL = "SELECT expires_at FROM certifications WHERE user_id = $1 AND course_id = $2";
    const NEW_TERM = "INSERT INTO certifications \
        (user_id, organisation_id, course_id, earned_at, term_started_at, renewed_at, expires_at) \
        VALUES ($1, $2, $3, $4, $4, $4, $5) ON CONFLICT (user_id, course_id) DO UPDATE SET \
        term_started_at = excluded.term_started_at, renewed_at = excluded.renewed_at, \
        expires_at = excluded.expires_at, reminded_30_at = NULL, reminded_7_at = NULL";
    const RENEW = "UPDATE certifications SET renewed_at = $1, expires_at = $2, reminded_30_at = NULL, \
        reminded_7_at = NULL WHERE user_id = $3 AND course_id = $4";
    const DUE_30 = "SELECT c.id, c.user_id, co.title AS course_title, c.expires_at FROM certifications c \
        JOIN users u ON u.id = c.user_id JOIN courses co ON co.id = c.course_id \
        WHERE c.expires_at > $1 AND c.expires_at <= $2 AND c.reminded_30_at IS NULL AND c.reminded_7_at IS NULL \
        AND u.deactivated_at IS NULL ORDER BY c.id LIMIT $3";
    const DUE_7 = "SELECT c.id, c.user_id, co.title AS course_title, c.expires_at FROM certifications c \
        JOIN users u ON u.id = c.user_id JOIN courses co ON co.id = c.course_id \
        WHERE c.expires_at > $1 AND c.expires_at <= $2 AND c.reminded_7_at IS NULL \
        AND u.deactivated_at IS NULL ORDER BY c.id LIMIT $3";
    const MARK_30 = "UPDATE certifications SET reminded_30_at = $1 WHERE id = $2 AND reminded_30_at IS NULL \
        AND reminded_7_at IS NULL";
    const MARK_7 = "UPDATE certifications SET reminded_7_at = $1 WHERE id = $2 AND reminded_7_at IS NULL";
}

/// A course as stored: its lessons and quiz still as their author wrote them.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredCourse {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub lessons: String,
    pub quiz: String,
    pub pass_mark: i64,
    pub validity_months: i64,
    pub revision: i64,
    pub published: bool,
}

pub async fn courses(db: &Db) -> Result<Vec<StoredCourse>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(COURSES).fetch_all(pool).await)
}

/// Every published course, (id, title), by title.
pub async fn published_titles(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(PUBLISHED_TITLES).fetch_all(pool).await)
}

/// The courses a tier unlocks, with that tier's name: every one (`None`), or those the partner
/// `organisation_id` has not reached the tier of. (The tier configuration writes them.)
pub async fn unlocks(db: &Db, locked_for: Option<i64>) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, pool => match locked_for {
        None => sqlx::query_as(UNLOCKS).fetch_all(pool).await,
        Some(organisation_id) => sqlx::query_as(LOCKED_FOR).bind(organisation_id).fetch_all(pool).await,
    })
}

pub async fn course(db: &Db, id: i64) -> Result<Option<StoredCourse>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(COURSE).bind(id).fetch_optional(pool).await)
}

/// Whether another course than `except` has `title` (whatever its case).
pub async fn title_taken(db: &Db, title: &str, except: i64) -> Result<bool, sqlx::Error> {
    let count: i64 =
        on_db!(db, pool => sqlx::query_scalar(TITLE_TAKEN).bind(title).bind(except).fetch_one(pool).await)?;
    Ok(count > 0)
}

/// Creates the course (`course.id` 0) or changes it, by `by` at `now`, with its audit entry; its
/// id, or `None` when the course to change does not exist. A change moves its revision on.
pub async fn save_course(
    db: &Db,
    course: &CourseSource,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let id = if course.id == 0 {
        let id: i64 = on_tx!(tx, conn => sqlx::query_scalar(INSERT_COURSE)
            .bind(&course.title).bind(&course.summary).bind(&course.lessons).bind(&course.quiz)
            .bind(course.pass_mark).bind(course.validity_months).bind(course.published).bind(by).bind(now)
            .fetch_one(conn).await)?;
        id
    } else {
        let changed = execute_in!(
            tx,
            sqlx::query(UPDATE_COURSE)
                .bind(&course.title)
                .bind(&course.summary)
                .bind(&course.lessons)
                .bind(&course.quiz)
                .bind(course.pass_mark)
                .bind(course.validity_months)
                .bind(course.published)
                .bind(now)
                .bind(course.id)
        )?;
        if changed == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        course.id
    };
    let state = if course.published { "published" } else { "draft" };
    audit::record(&mut tx, by, AuditAction::SavedCourse, &format!("{} ({state})", course.title), now).await?;
    tx.commit().await?;
    Ok(Some(id))
}

#[derive(sqlx::FromRow)]
struct CertificateRow {
    course_id: i64,
    course_title: String,
    person_name: String,
    organisation_id: i64,
    organisation_name: String,
    earned_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl CertificateRow {
    fn at(self, now: DateTime<Utc>) -> Certificate {
        Certificate {
            course_id: self.course_id,
            course_title: self.course_title,
            person_name: self.person_name,
            organisation_id: self.organisation_id,
            organisation_name: self.organisation_name,
            earned_at: self.earned_at,
            expires_at: self.expires_at,
            standing: Standing::of(self.expires_at, now),
        }
    }
}

/// One person's certifications, as they stand at `now`.
pub async fn certificates_of_person(
    db: &Db,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Certificate>, sqlx::Error> {
    let rows: Vec<CertificateRow> =
        on_db!(db, pool => sqlx::query_as(CERTIFICATES_OF_PERSON).bind(user_id).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|row| row.at(now)).collect())
}

fn within_sql(reach: Reach) -> Conditions {
    let mut sql = Conditions::new(concat!(certificate_columns!(), "WHERE u.deactivated_at IS NULL"));
    reach.narrow(&mut sql, "o");
    sql.sql.push_str(" ORDER BY c.expires_at, lower(o.name), lower(u.name)");
    sql
}

/// The certifications of the people of every partner within `reach`, soonest to end first.
pub async fn certificates_within(db: &Db, reach: Reach, now: DateTime<Utc>) -> Result<Vec<Certificate>, sqlx::Error> {
    let sql = within_sql(reach);
    let rows: Vec<CertificateRow> =
        on_db!(db, pool => bind_all!(sqlx::query_as(AssertSqlSafe(sql.sql)), &sql.params).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|row| row.at(now)).collect())
}

/// SQL this module assembles at run time, for the test that prepares every statement.
pub fn assembled_statements() -> Vec<String> {
    vec![within_sql(Reach::Assigned { channel_manager_id: 1 }).sql]
}

/// A person's attempts at a course, newest first (the last 20).
pub async fn attempts(db: &Db, user_id: i64, course_id: i64) -> Result<Vec<AttemptSummary>, sqlx::Error> {
    let rows: Vec<(DateTime<Utc>, i64, bool)> =
        on_db!(db, pool => sqlx::query_as(ATTEMPTS).bind(user_id).bind(course_id).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(submitted_at, percent, passed)| AttemptSummary { submitted_at, percent, passed })
        .collect())
}

/// When a person attempted a course since `since`, earliest first.
pub async fn attempts_since(
    db: &Db,
    user_id: i64,
    course_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar(ATTEMPTS_SINCE).bind(user_id).bind(course_id).bind(since).fetch_all(pool).await)
}

/// A person's best score per course: (course, per cent).
pub async fn best_scores(db: &Db, user_id: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(BEST).bind(user_id).fetch_all(pool).await)
}

/// One attempt as scored on the server.
#[derive(Clone, Debug)]
pub struct NewAttempt<'a> {
    pub course: &'a StoredCourse,
    pub user_id: i64,
    pub organisation_id: i64,
    pub percent: i64,
    pub passed: bool,
    /// The choices, as [`super::quiz::Answers::to_text`] writes them.
    pub answers: String,
}

/// Records an attempt; a pass certifies its maker, or renews their certification in its last
/// days ([`pass`]), in the same transaction, with an audit entry. What the pass did (`None` for
/// an attempt that did not pass).
pub async fn record_attempt(db: &Db, attempt: NewAttempt<'_>, now: DateTime<Utc>) -> Result<Option<Pass>, sqlx::Error> {
    let mut tx = db.begin().await?;
    execute_in!(
        tx,
        sqlx::query(INSERT_ATTEMPT)
            .bind(attempt.course.id)
            .bind(attempt.user_id)
            .bind(attempt.organisation_id)
            .bind(attempt.course.revision)
            .bind(attempt.percent)
            .bind(attempt.passed)
            .bind(&attempt.answers)
            .bind(now)
    )?;
    if !attempt.passed {
        tx.commit().await?;
        return Ok(None);
    }
    let held: Option<DateTime<Utc>> = on_tx!(tx, conn => sqlx::query_scalar(HELD_UNTIL)
        .bind(attempt.user_id).bind(attempt.course.id).fetch_optional(conn).await)?;
    let outcome = pass(held, now, attempt.course.validity_months);
    let (how, ends) = match outcome {
        Pass::NewTerm { ends } => {
            execute_in!(
                tx,
                sqlx::query(NEW_TERM)
                    .bind(attempt.user_id)
                    .bind(attempt.organisation_id)
                    .bind(attempt.course.id)
                    .bind(now)
                    .bind(ends)
            )?;
            ("earned", ends)
        }
        Pass::Renewed { ends } => {
            execute_in!(tx, sqlx::query(RENEW).bind(now).bind(ends).bind(attempt.user_id).bind(attempt.course.id))?;
            ("renewed", ends)
        }
        Pass::TooEarly { .. } => {
            tx.commit().await?;
            return Ok(Some(outcome));
        }
    };
    let subject = format!("{} {how} until {}", attempt.course.title, ends.format("%Y-%m-%d"));
    audit::record(&mut tx, attempt.user_id, AuditAction::Certified, &subject, now).await?;
    let data = serde_json::json!({
        "user_id": attempt.user_id,
        "organisation_id": attempt.organisation_id,
        "course_id": attempt.course.id,
        "course": attempt.course.title,
        "how": how,
        "valid_until": ends,
    });
    crate::webhooks::store::record(&mut tx, crate::webhooks::EventKind::CertificationEarned, &data, now).await?;
    tx.commit().await?;
    Ok(Some(outcome))
}

/// A certification whose reminder is due.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DueReminder {
    pub id: i64,
    pub user_id: i64,
    pub course_title: String,
    pub expires_at: DateTime<Utc>,
}

/// Certifications of active people ending within `reminder`'s days of `now` that have not had it
/// (nor, for the 30-day one, the nearer one), at most `limit`.
pub async fn reminders_due(
    db: &Db,
    reminder: Reminder,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DueReminder>, sqlx::Error> {
    let sql = match reminder {
        Reminder::ThirtyDays => DUE_30,
        Reminder::SevenDays => DUE_7,
    };
    let horizon = now + Duration::days(reminder.days());
    on_db!(db, pool => sqlx::query_as(sql).bind(now).bind(horizon).bind(limit).fetch_all(pool).await)
}

/// Marks `due` reminded and tells its person (and by email, unless they said not to), together; `false` (nothing sent) when another run
/// sent it meanwhile.
pub async fn remind(
    db: &Db,
    due: &DueReminder,
    reminder: Reminder,
    link: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let sql = match reminder {
        Reminder::ThirtyDays => MARK_30,
        Reminder::SevenDays => MARK_7,
    };
    if execute_in!(tx, sqlx::query(sql).bind(now).bind(due.id))? == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    // Whole days left, rounded up: a certification ending in 29½ days ends "in 30 days".
    let days = ((due.expires_at - now).num_hours() + 23).div_euclid(24).max(1);
    let message = mail::certification_expiring(&due.course_title, days, due.expires_at, link);
    let notice = Notice { kind: notifications::Kind::Certification, message, path: "/training".to_owned() };
    notifications::store::tell(&mut tx, due.user_id, &notice, now).await?;
    tx.commit().await?;
    Ok(true)
}
