//! Training's server functions: the catalogue, a course with its quiz (never its answers), an
//! attempt scored here, the certifications within reach, and the authors' editor.

use std::collections::HashMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Catalogue, Certificate, CourseInput, CourseSource, CourseView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::certification::{DEFAULT_VALIDITY_MONTHS, Pass, Reminder},
    super::quiz::{self, Quiz},
    super::store::{self, NewAttempt, StoredCourse},
    super::{CourseCard, LessonView, lessons},
    crate::auth::access::{CERTIFICATION_ROLES, TRAINEE_ROLES, TRAINING_AUTHOR_ROLES},
    crate::auth::reach::Reach,
    crate::auth::{SessionUser, guard},
    crate::events::Event,
    crate::state::{self, ServerState},
    chrono::{DateTime, Duration, Utc},
};

/// How often one person may take one quiz in 24 hours: each attempt shows its score, so unlimited
/// tries would find the right answers by elimination.
pub const MAX_ATTEMPTS_A_DAY: usize = 3;

/// The certifications of the people within the viewer's reach, soonest to end first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificationList {
    pub certificates: Vec<Certificate>,
    /// The viewer sees one partner's people (its partner admin), not several partners'.
    pub own_organisation: bool,
}

#[cfg(feature = "ssr")]
fn may_author(user: &SessionUser) -> bool {
    TRAINING_AUTHOR_ROLES.contains(&user.role)
}

/// A stored quiz read back; what was saved was checked, so a failure here is the server's.
#[cfg(feature = "ssr")]
fn quiz_of(course: &StoredCourse) -> Result<Quiz, AppError> {
    quiz::parse(&course.quiz).map_err(|problem| {
        tracing::error!(course = course.id, %problem, "a stored quiz does not read");
        AppError::Internal
    })
}

/// The numbers 1..=`count` in a random order.
#[cfg(feature = "ssr")]
fn shuffled(count: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (1..=count).collect();
    let mut random = vec![0u8; count * 4];
    // Without randomness the order as written is still a fair quiz.
    if getrandom::fill(&mut random).is_ok() {
        for index in (1..count).rev() {
            let bytes = [random[index * 4], random[index * 4 + 1], random[index * 4 + 2], random[index * 4 + 3]];
            order.swap(index, u32::from_le_bytes(bytes) as usize % (index + 1));
        }
    }
    order
}

/// The courses the viewer may take (published ones) or edit (all, for authors), with where the
/// viewer stands with each.
#[server(endpoint = "training_catalogue")]
pub async fn training_catalogue() -> Result<Catalogue, AppError> {
    let user = guard::signed_in()?;
    let db = state::db()?;
    let now = Utc::now();
    let author = may_author(&user);
    let trainee = TRAINEE_ROLES.contains(&user.role);
    let (certificates, best) = match trainee {
        true => {
            (store::certificates_of_person(&db, user.user_id, now).await?, store::best_scores(&db, user.user_id).await?)
        }
        false => (Vec::new(), Vec::new()),
    };
    let unlocks = store::unlocks(&db, None).await?;
    let locked = match trainee {
        true => store::unlocks(&db, Some(user.organisation_id)).await?,
        false => Vec::new(),
    };
    let courses = store::courses(&db)
        .await?
        .into_iter()
        .filter(|course| course.published || author)
        .map(|course| {
            let unlocked_by = unlocks.iter().find(|(id, _)| *id == course.id).map(|(_, tier)| tier.clone());
            let questions = quiz::parse(&course.quiz).map(|quiz| quiz.questions.len()).unwrap_or_default();
            let certification = certificates.iter().find(|certificate| certificate.course_id == course.id).cloned();
            let best_percent = best.iter().find(|(id, _)| *id == course.id).map(|(_, percent)| *percent);
            CourseCard {
                id: course.id,
                lessons: lessons(&course.lessons).map(|lessons| lessons.len()).unwrap_or_default(),
                title: course.title,
                summary: course.summary,
                questions,
                pass_mark: course.pass_mark,
                validity_months: course.validity_months,
                published: course.published,
                certification,
                best_percent,
                unlocked_by,
                locked: locked.iter().any(|(id, _)| *id == course.id),
            }
        })
        .collect();
    Ok(Catalogue { courses, can_author: author, can_see_people: CERTIFICATION_ROLES.contains(&user.role) })
}

/// A course to read and, for a partner's people, to take: its quiz in a fresh random order,
/// without a word of which answers are right. A draft is "not found" to all but its authors.
#[server(endpoint = "training_course")]
pub async fn training_course(id: i64) -> Result<CourseView, AppError> {
    let user = guard::signed_in()?;
    let db = state::db()?;
    let course = store::course(&db, id).await?.ok_or(AppError::NotFound)?;
    let author = may_author(&user);
    if !course.published && !author {
        return Err(AppError::NotFound);
    }
    let trainee = TRAINEE_ROLES.contains(&user.role);
    if trainee {
        refuse_locked(&db, user.organisation_id, course.id).await?;
    }
    let quiz = quiz_of(&course)?;
    let questions = quiz.questions_for_reader(&shuffled(quiz.questions.len()), shuffled);
    let lessons = lessons(&course.lessons)
        .unwrap_or_default()
        .into_iter()
        .map(|lesson| LessonView { title: lesson.title, html: crate::markdown::to_html(&lesson.body) })
        .collect();
    let (certification, attempts) = match trainee {
        true => {
            let certificates = store::certificates_of_person(&db, user.user_id, Utc::now()).await?;
            let held = certificates.into_iter().find(|certificate| certificate.course_id == course.id);
            (held, store::attempts(&db, user.user_id, course.id).await?)
        }
        false => (None, Vec::new()),
    };
    Ok(CourseView {
        id: course.id,
        title: course.title,
        summary: course.summary,
        pass_mark: course.pass_mark,
        validity_months: course.validity_months,
        published: course.published,
        revision: course.revision,
        lessons,
        questions,
        can_attempt: trainee && course.published,
        can_edit: author,
        certification,
        attempts,
    })
}

/// Scores the caller's answers to a course's quiz and records the attempt; a pass certifies the
/// caller (never anyone else: the attempt is always the signed-in person's). `answers` holds a
/// `question.choice` value per chosen answer, under any names.
#[server(endpoint = "submit_attempt")]
pub async fn submit_attempt(
    course_id: i64,
    revision: i64,
    #[server(default)] answers: HashMap<String, String>,
) -> Result<(), AppError> {
    let user = guard::require_role(TRAINEE_ROLES)?;
    let state = state::server_state()?;
    let course =
        store::course(&state.db, course_id).await?.filter(|course| course.published).ok_or(AppError::NotFound)?;
    refuse_locked(&state.db, user.organisation_id, course.id).await?;
    if revision != course.revision {
        let message = "The course changed while you answered. Read it again and answer the quiz as it is now.";
        return Err(AppError::field("answers", message));
    }
    let quiz = quiz_of(&course)?;
    let chosen = quiz
        .answers(answers.values().map(String::as_str))
        .map_err(|problem| AppError::field("answers", problem.message(&quiz)))?;
    let now = Utc::now();
    let recent = store::attempts_since(&state.db, user.user_id, course.id, now - Duration::hours(24)).await?;
    if recent.len() >= MAX_ATTEMPTS_A_DAY {
        let again = recent[recent.len() - MAX_ATTEMPTS_A_DAY] + Duration::hours(24);
        let message = format!(
            "You took this quiz {MAX_ATTEMPTS_A_DAY} times in the last 24 hours. Read the lessons again and \
             try from {} (UTC).",
            again.format("%Y-%m-%d %H:%M")
        );
        return Err(AppError::field("answers", message));
    }
    let score = quiz.score(&chosen);
    let attempt = NewAttempt {
        course: &course,
        user_id: user.user_id,
        organisation_id: user.organisation_id,
        percent: score.percent(),
        passed: score.passes(course.pass_mark),
        answers: chosen.to_text(),
    };
    if let Some(Pass::NewTerm { .. } | Pass::Renewed { .. }) = store::record_attempt(&state.db, attempt, now).await? {
        state.events.publish(Event::Onboarding { organisation_id: user.organisation_id, at: now });
        state.events.publish(Event::Certification { organisation_id: user.organisation_id, at: now });
    }
    guard::redirect_form_post(&format!("/training/{course_id}"));
    Ok(())
}

/// A course reserved for a tier the partner has not reached is refused to its people, saying
/// which tier unlocks it.
#[cfg(feature = "ssr")]
async fn refuse_locked(db: &crate::db::Db, organisation_id: i64, course_id: i64) -> Result<(), AppError> {
    match store::unlocks(db, Some(organisation_id)).await?.into_iter().find(|(id, _)| *id == course_id) {
        Some((_, tier)) => Err(AppError::Locked {
            message: format!("{tier} partners and those above take this course: your tier page says what {tier} asks."),
        }),
        None => Ok(()),
    }
}

/// The certifications of the people within reach: a partner admin's own people, a channel
/// manager's partners' people, every partner's for admins and marketing.
#[server(endpoint = "certifications")]
pub async fn certifications() -> Result<CertificationList, AppError> {
    let user = guard::require_role(CERTIFICATION_ROLES)?;
    let db = state::db()?;
    let reach = Reach::of(&user);
    let certificates = store::certificates_within(&db, reach, Utc::now()).await?;
    Ok(CertificationList { certificates, own_organisation: matches!(reach, Reach::Own { .. }) })
}

/// A course as its author wrote it, to edit (id 0: a new course's defaults). Authors only: the
/// quiz's text marks the right answers.
#[server(endpoint = "course_for_editing")]
pub async fn course_for_editing(id: i64) -> Result<CourseSource, AppError> {
    guard::require_role(TRAINING_AUTHOR_ROLES)?;
    if id == 0 {
        return Ok(CourseSource { pass_mark: 80, validity_months: DEFAULT_VALIDITY_MONTHS, ..CourseSource::default() });
    }
    let db = state::db()?;
    let course = store::course(&db, id).await?.ok_or(AppError::NotFound)?;
    Ok(CourseSource {
        id: course.id,
        title: course.title,
        summary: course.summary,
        pass_mark: course.pass_mark,
        validity_months: course.validity_months,
        lessons: course.lessons,
        quiz: course.quiz,
        published: course.published,
    })
}

/// Creates or changes a course; its id. Every field is checked before anything is written.
#[server(endpoint = "save_course")]
pub async fn save_course(#[server(flatten)] input: CourseInput) -> Result<i64, AppError> {
    let user = guard::require_role(TRAINING_AUTHOR_ROLES)?;
    let db = state::db()?;
    let typed = [
        ("title", input.title.clone()),
        ("summary", input.summary.clone()),
        ("pass_mark", input.pass_mark.clone()),
        ("validity_months", input.validity_months.clone()),
        ("lessons", input.lessons.clone()),
        ("quiz", input.quiz.clone()),
    ];
    let course = input.check().map_err(|fields| AppError::invalid_keeping(fields, typed.clone()))?;
    if store::title_taken(&db, &course.title, course.id).await? {
        let fields = [("title".to_owned(), "Another course has this title.".to_owned())].into_iter().collect();
        return Err(AppError::invalid_keeping(fields, typed));
    }
    let id = store::save_course(&db, &course, user.user_id, Utc::now()).await?.ok_or(AppError::NotFound)?;
    guard::redirect_form_post(&format!("/training/{id}"));
    Ok(id)
}

/// Sends the certification reminders due at `now` (30 and 7 days before the end); how many.
/// Runs with the server's other clocks; tests run it with a clock of their choosing.
#[cfg(feature = "ssr")]
pub async fn send_reminders(state: &ServerState, now: DateTime<Utc>) -> Result<usize, AppError> {
    const BATCH: i64 = 500;
    let link = format!("{}/training", state.settings.public_url);
    let mut sent = 0;
    for reminder in Reminder::NEAREST_FIRST {
        loop {
            let due = store::reminders_due(&state.db, reminder, now, BATCH).await?;
            for certificate in &due {
                sent += usize::from(store::remind(&state.db, certificate, reminder, &link, now).await?);
            }
            if (due.len() as i64) < BATCH {
                break;
            }
        }
    }
    Ok(sent)
}
