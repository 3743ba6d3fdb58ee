//! The demo's training: three published courses with quizzes (their answers are in the README; the
//! third is reserved for Gold partners and above),
//! and certifications of established partners' people at every standing: active, expiring
//! within 30 days (Bluepeak's partner admin) and expired (Copperline's). Partners still
//! onboarding hold none yet: "Get certified" is on their checklists.

use app::db::Db;
use app::training::store::{self, NewAttempt, StoredCourse};
use app::training::{CourseInput, quiz};
use chrono::{Duration, Utc};

use super::{PARTNERS, SeedError};

pub const DEAL_REGISTRATION: &str = "Deal registration essentials";
pub const SELLING: &str = "Selling Acme Cloud";
/// Reserved for Gold partners and above by the demo program.
pub const MIGRATION: &str = "Migrating a customer to Acme Cloud";

const DEAL_REGISTRATION_LESSONS: &str = "# Why register a deal
A registration tells Acme you found the opportunity first. Once approved, the customer is
**protected for you for 90 days**: no other partner is paid on it in that time.

# How to register
1. Open **Deals → Register a deal**.
2. Enter the customer's company and domain; Tessera checks for conflicts as you type.
3. Submit. Your channel manager decides within two business days.

# After approval
- Keep the stage and amount current: your forecast and scorecard follow them.
- Ask for an extension before protection ends if the deal needs more time.
- Mark the deal won or lost when the customer decides.
";

/// Answers: 90 days; the channel manager; conflicts with other registrations; won and lost are
/// the closes (the other two are wrong); ask for an extension.
const DEAL_REGISTRATION_QUIZ: &str = "? How long is an approved registration protected?
- 30 days
* 90 days
- Until the deal closes

? Who decides on your registration?
- Another partner
* Your channel manager
- The customer

? What does Tessera check while you type the customer?
* Conflicts with other registrations
- The customer's credit rating
- Your tier

?? Which of these close a deal?
* Won
* Lost
- Submitted
- Approved

? Protection is about to end and the deal needs more time. What do you do?
- Register the deal again
* Ask for an extension
- Nothing: it renews itself
";

const SELLING_LESSONS: &str = "# The Acme Cloud family
Acme Cloud sells **Compute**, **Storage** and **Backup**, each by subscription, billed monthly or
yearly. Yearly plans carry a 10 % discount.

# Finding the right customer
Acme Cloud fits companies of 50 to 5,000 people that run their own servers today and want to stop.
Ask about their renewal dates: a hardware refresh is the best moment to move.
";

/// Answers: Compute, Storage and Backup (not Printing); yearly; a hardware refresh; 50 to 5,000.
const SELLING_QUIZ: &str = "?? Which products does Acme Cloud sell?
* Compute
* Storage
* Backup
- Printing

? Which plan carries a discount?
- Monthly
* Yearly

? When is the best moment to propose a move to Acme Cloud?
- Right after the customer bought new servers
* When their hardware is due to be refreshed

? Which companies does Acme Cloud fit best?
- Under 10 people
* 50 to 5,000 people
- Only those already in the cloud
";

const MIGRATION_LESSONS: &str = "# Plan the move
List every server the customer runs and what depends on what. Move the least connected first, and
keep the old servers running until the customer signs off on each.

# Cut over
Copy the data with Acme Backup, switch the addresses over a weekend, and keep a way back for 14 days.
";

/// Answers: the least connected; 14 days.
const MIGRATION_QUIZ: &str = "? Which servers move first?
* The least connected
- The busiest

? How long is a way back kept after the cut-over?
- 2 days
* 14 days
";

/// The courses, unless one exists already, and the certifications of the demo's people.
pub async fn demo(db: &Db, author: i64) -> Result<(), SeedError> {
    if !store::courses(db).await?.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let courses = [
        (
            DEAL_REGISTRATION,
            "Register deals so they are protected, and keep them moving until they close.",
            DEAL_REGISTRATION_LESSONS,
            DEAL_REGISTRATION_QUIZ,
            "80",
        ),
        (
            SELLING,
            "What Acme Cloud sells and to whom: enough to qualify a customer on the first call.",
            SELLING_LESSONS,
            SELLING_QUIZ,
            "75",
        ),
        (
            MIGRATION,
            "Plan a customer's move from its own servers and cut over without a day lost.",
            MIGRATION_LESSONS,
            MIGRATION_QUIZ,
            "100",
        ),
    ];
    for (title, summary, lessons, quiz, pass_mark) in courses {
        let input = CourseInput {
            id: String::new(),
            title: title.into(),
            summary: summary.into(),
            pass_mark: pass_mark.into(),
            validity_months: "12".into(),
            lessons: lessons.into(),
            quiz: quiz.into(),
            published: Some("on".into()),
        };
        let checked = input.check().map_err(|_| SeedError::Invalid("a demo course"))?;
        store::save_course(db, &checked, author, now - Duration::days(420)).await?;
    }
    let stored = store::courses(db).await?;
    let find = |title: &str| stored.iter().find(|course| course.title == title).cloned();
    let (Some(deals), Some(selling)) = (find(DEAL_REGISTRATION), find(SELLING)) else {
        return Err(SeedError::Invalid("the demo courses"));
    };
    for (index, (name, domain, ..)) in PARTNERS.into_iter().enumerate() {
        let onboarding = super::onboarding::ONBOARDING.iter().any(|(joiner, _)| *joiner == name);
        if onboarding || super::agreement::NOT_ACCEPTED.contains(&name) {
            continue;
        }
        // Bluepeak's admin renews within days, Copperline's lapsed; the others passed at
        // different times over the last months.
        let earned_days_ago = match index {
            0 => 350,
            1 => 400,
            _ => 20 + (index as i64 * 37) % 300,
        };
        let admin = format!("partner@{domain}");
        pass(db, &deals, &admin, now - Duration::days(earned_days_ago)).await?;
        if index % 2 == 0 {
            pass(db, &selling, &format!("rep@{domain}"), now - Duration::days(10 + index as i64)).await?;
        }
    }
    // A first try that fell short, for Copperline's rep.
    attempt(db, &selling, "rep@copperline.test", &["1.1", "1.2", "2.1", "3.2", "4.1"], now - Duration::days(3)).await?;
    Ok(())
}

/// The right answers to every question of `course`.
fn right_answers(course: &StoredCourse) -> Result<Vec<String>, SeedError> {
    let quiz = quiz::parse(&course.quiz).map_err(|_| SeedError::Invalid("a demo quiz"))?;
    Ok(quiz
        .questions
        .iter()
        .enumerate()
        .flat_map(|(question, asked)| {
            asked
                .choices
                .iter()
                .enumerate()
                .filter(|(_, choice)| choice.right)
                .map(move |(choice, _)| format!("{}.{}", question + 1, choice + 1))
        })
        .collect())
}

async fn pass(db: &Db, course: &StoredCourse, email: &str, at: chrono::DateTime<Utc>) -> Result<(), SeedError> {
    let answers = right_answers(course)?;
    attempt(db, course, email, &answers.iter().map(String::as_str).collect::<Vec<_>>(), at).await
}

/// `email`'s attempt at `course` with `values`, scored as the server scores one; a person the
/// demo does not have is skipped.
async fn attempt(
    db: &Db,
    course: &StoredCourse,
    email: &str,
    values: &[&str],
    at: chrono::DateTime<Utc>,
) -> Result<(), SeedError> {
    let Some((user_id, organisation_id)) = super::person(db, email).await? else { return Ok(()) };
    let quiz = quiz::parse(&course.quiz).map_err(|_| SeedError::Invalid("a demo quiz"))?;
    let answers = quiz.answers(values.iter().copied()).map_err(|_| SeedError::Invalid("demo answers"))?;
    let score = quiz.score(&answers);
    let attempt = NewAttempt {
        course,
        user_id,
        organisation_id,
        percent: score.percent(),
        passed: score.passes(course.pass_mark),
        answers: answers.to_text(),
    };
    store::record_attempt(db, attempt, at).await?;
    Ok(())
}
