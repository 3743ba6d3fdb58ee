//! Training: courses that admins and marketing write (lessons in Markdown, a quiz with a pass
//! mark), the attempts partner people make, and the certifications a pass gives them, which
//! expire and are renewed by passing again ([`certification`]). Quizzes are scored on the server
//! only ([`quiz`]).

pub mod certification;
mod pages;
pub mod quiz;
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(test)]
mod tests;

pub use pages::{CertificateTable, CertificationsPage, CourseEditorPage, CoursePage, TrainingPage};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use self::certification::{MAX_VALIDITY_MONTHS, MIN_VALIDITY_MONTHS, Standing};
use self::quiz::AskedQuestion;
use crate::error::FieldErrors;
use crate::text::required_line;

pub const MAX_TITLE: usize = 120;
pub const MAX_SUMMARY: usize = 400;
pub const MAX_LESSONS: usize = 100_000;
pub const MAX_QUIZ: usize = 30_000;

/// One lesson of a course: its title and its Markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lesson {
    pub title: String,
    pub body: String,
}

/// Splits a course's text into lessons: each begins with a line `# Its title`.
pub fn lessons(text: &str) -> Result<Vec<Lesson>, String> {
    let mut lessons: Vec<Lesson> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if let Some(title) = line.strip_prefix("# ") {
            let title = required_line(title, MAX_TITLE, "Give the lesson a title after the #.")
                .map_err(|problem| format!("Line {}: {problem}", index + 1))?;
            lessons.push(Lesson { title: title.to_owned(), body: String::new() });
            continue;
        }
        match lessons.last_mut() {
            Some(lesson) => {
                lesson.body.push_str(line);
                lesson.body.push('\n');
            }
            None if line.trim().is_empty() => {}
            None => return Err("Begin the first lesson with a line \u{201c}# Its title\u{201d}.".to_owned()),
        }
    }
    if lessons.is_empty() {
        return Err("Write at least one lesson: a line \u{201c}# Its title\u{201d}, then its text.".to_owned());
    }
    Ok(lessons)
}

/// What an author sends to create or change a course.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseInput {
    /// Empty or 0 for a new course.
    #[serde(default)]
    pub id: String,
    pub title: String,
    pub summary: String,
    pub pass_mark: String,
    pub validity_months: String,
    pub lessons: String,
    pub quiz: String,
    /// A ticked box sends `on`.
    #[serde(default)]
    pub published: Option<String>,
}

impl CourseInput {
    /// Every field's problem at once.
    pub fn check(&self) -> Result<CourseSource, FieldErrors> {
        let mut fields = FieldErrors::new();
        let id = match self.id.trim() {
            "" => 0,
            id => id.parse::<i64>().ok().filter(|id| *id >= 0).unwrap_or_else(|| {
                fields.insert("id".into(), "This is not a course of this program. Reload the page.".into());
                0
            }),
        };
        let title = required_line(&self.title, MAX_TITLE, "Give the course a title.")
            .map_err(|problem| fields.insert("title".into(), problem))
            .unwrap_or_default();
        let summary = self.summary.trim();
        if summary.is_empty() {
            fields.insert("summary".into(), "Say in a sentence what the course teaches.".into());
        } else if summary.chars().count() > MAX_SUMMARY {
            fields.insert("summary".into(), format!("Use at most {MAX_SUMMARY} characters."));
        }
        let pass_mark = match self.pass_mark.trim().parse::<i64>() {
            Ok(mark) if (1..=100).contains(&mark) => mark,
            _ => {
                fields.insert("pass_mark".into(), "Give the pass mark as a whole per cent from 1 to 100.".into());
                0
            }
        };
        let validity_months = match self.validity_months.trim().parse::<i64>() {
            Ok(months) if (MIN_VALIDITY_MONTHS..=MAX_VALIDITY_MONTHS).contains(&months) => months,
            _ => {
                fields.insert(
                    "validity_months".into(),
                    format!("Give a whole number of months from {MIN_VALIDITY_MONTHS} to {MAX_VALIDITY_MONTHS}."),
                );
                0
            }
        };
        if self.lessons.chars().count() > MAX_LESSONS {
            fields.insert("lessons".into(), format!("Use at most {MAX_LESSONS} characters."));
        } else if let Err(problem) = lessons(&self.lessons) {
            fields.insert("lessons".into(), problem);
        }
        if self.quiz.chars().count() > MAX_QUIZ {
            fields.insert("quiz".into(), format!("Use at most {MAX_QUIZ} characters."));
        } else if let Err(problem) = quiz::parse(&self.quiz) {
            fields.insert("quiz".into(), problem);
        }
        if !fields.is_empty() {
            return Err(fields);
        }
        Ok(CourseSource {
            id,
            title: title.to_owned(),
            summary: summary.to_owned(),
            pass_mark,
            validity_months,
            lessons: self.lessons.replace("\r\n", "\n"),
            quiz: self.quiz.replace("\r\n", "\n"),
            published: self.published.is_some(),
        })
    }
}

/// A course in the catalogue, with where the viewer stands with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseCard {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub lessons: usize,
    pub questions: usize,
    pub pass_mark: i64,
    pub validity_months: i64,
    pub published: bool,
    /// The viewer's certification from it, if any.
    pub certification: Option<Certificate>,
    /// The viewer's best score so far, when not certified.
    pub best_percent: Option<i64>,
    /// The tier that unlocks it, when it is reserved for a tier and those above.
    pub unlocked_by: Option<String>,
    /// Whether the viewer's organisation has yet to reach that tier.
    pub locked: bool,
}

/// One person's certification from one course.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Certificate {
    pub course_id: i64,
    pub course_title: String,
    pub person_name: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub earned_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub standing: Standing,
}

/// An attempt, as its maker sees it afterwards: the score, never which answers were right.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptSummary {
    pub submitted_at: DateTime<Utc>,
    pub percent: i64,
    pub passed: bool,
}

/// A lesson ready to read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonView {
    pub title: String,
    pub html: String,
}

/// A course page: its lessons, its quiz as the reader may see it, and the reader's standing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseView {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub pass_mark: i64,
    pub validity_months: i64,
    pub published: bool,
    /// Changes with every edit; an attempt names the one it answered.
    pub revision: i64,
    pub lessons: Vec<LessonView>,
    /// In a shuffled order, without the right answers.
    pub questions: Vec<AskedQuestion>,
    /// The viewer is one of a partner's people, who take the quiz.
    pub can_attempt: bool,
    pub can_edit: bool,
    pub certification: Option<Certificate>,
    /// The viewer's attempts, newest first.
    pub attempts: Vec<AttemptSummary>,
}

/// A course as its author writes it, and as checked before it is stored (the quiz's text marks
/// the right answers: authors only).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseSource {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub pass_mark: i64,
    pub validity_months: i64,
    pub lessons: String,
    pub quiz: String,
    pub published: bool,
}

/// The training page: the courses the viewer may take or edit, and their own certifications.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    pub courses: Vec<CourseCard>,
    pub can_author: bool,
    pub can_see_people: bool,
}
