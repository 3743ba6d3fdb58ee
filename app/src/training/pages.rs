//! Training's pages: the catalogue with the reader's certifications, a course with its lessons
//! and quiz, the certifications of the people within reach, and the authors' course editor.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::certification::Standing;
use super::quiz::AskedQuestion;
use super::server::{
    CertificationList, MAX_ATTEMPTS_A_DAY, SaveCourse, SubmitAttempt, certifications, course_for_editing,
    training_catalogue, training_course,
};
use super::{Catalogue, Certificate, CourseCard, CourseSource, CourseView};
use crate::auth::Role;
use crate::auth::access::{CERTIFICATION_ROLES, TRAINING_AUTHOR_ROLES};
use crate::layout::guarded_page;
use crate::ui::day_text as day;
use crate::ui::{Badge, Field, FormError, Notice, ScrollTable, form_error, tier_tone};

fn standing_tone(standing: Standing) -> &'static str {
    match standing {
        Standing::Active => "success",
        Standing::Expiring => "warning",
        Standing::Expired => "danger",
    }
}

/// "Active until 2027-12-03", as a badge.
#[component]
fn StandingBadge(certificate: Certificate) -> impl IntoView {
    let text = match certificate.standing {
        Standing::Expired => format!("Expired {}", day(certificate.expires_at)),
        standing => format!("{} until {}", standing.label(), day(certificate.expires_at)),
    };
    view! { <Badge text tone=standing_tone(certificate.standing)/> }
}

/// The id in the address (`/training/{id}`); 0 when it is not a number (answered "not found").
fn id_param() -> impl Fn() -> i64 + Send + Sync + Copy + 'static {
    let params = use_params_map();
    move || params.read().get("id").and_then(|id| id.parse().ok()).unwrap_or(0)
}

#[component]
pub fn TrainingPage() -> impl IntoView {
    guarded_page(&Role::ALL, || (), |_| training_catalogue(), |_, catalogue| view! { <Courses catalogue/> })
}

#[component]
fn Courses(catalogue: Catalogue) -> impl IntoView {
    let links = (catalogue.can_author || catalogue.can_see_people).then(|| {
        view! {
            <p class="actions">
                {catalogue.can_author.then(|| view! { <a class="button primary" href="/training/new">"New course"</a> })}
                {catalogue.can_see_people.then(|| view! { <a class="button" href="/training/people">"Certifications of people"</a> })}
            </p>
        }
    });
    let empty = catalogue.courses.is_empty().then(|| {
        view! { <p class="muted">"No course is published yet. Courses appear here once the program publishes them."</p> }
    });
    view! {
        <h1>"Training"</h1>
        <p class="lead">"Courses with a short quiz. Passing one certifies you for a term; pass it again before it ends to renew it."</p>
        {links}
        {empty}
        <ul class="course-list">
            {catalogue.courses.into_iter().map(|course| view! { <CourseItem course/> }).collect_view()}
        </ul>
    }
}

#[component]
fn CourseItem(course: CourseCard) -> impl IntoView {
    let href = format!("/training/{}", course.id);
    let standing = match (course.certification, course.best_percent) {
        (Some(certificate), _) => view! { <StandingBadge certificate/> }.into_any(),
        (None, Some(best)) => view! { <Badge text=format!("Best so far {best} %")/> }.into_any(),
        (None, None) => ().into_any(),
    };
    let facts = format!(
        "{} lessons · {} questions · pass mark {} % · certifies for {} months",
        course.lessons, course.questions, course.pass_mark, course.validity_months
    );
    let reserved = course.unlocked_by.map(|tier| match course.locked {
        true => view! { <Badge text=format!("Unlocks at {tier}") tone="neutral"/> }.into_any(),
        false => view! { <Badge text=format!("{tier} and above") tone=tier_tone(&tier)/> }.into_any(),
    });
    let title = match course.locked {
        // Its people reach it with the tier: the title says so instead of leading to a refusal.
        true => view! { <h2>{course.title}</h2> }.into_any(),
        false => view! { <h2><a href=href>{course.title}</a></h2> }.into_any(),
    };
    view! {
        <li class="card course">
            {title}
            <p>{course.summary}</p>
            <p class="muted small">{facts}</p>
            <p>{(!course.published).then(|| view! { <Badge text="Draft" tone="warning"/> })} {reserved} {standing}</p>
        </li>
    }
}

#[component]
pub fn CoursePage() -> impl IntoView {
    let attempt = ServerAction::<SubmitAttempt>::new();
    let id = id_param();
    guarded_page(
        &Role::ALL,
        // Read again after a recorded attempt only: a refused one keeps the questions, their order
        // and the choices made.
        move || (id(), attempt.value().with(|value| matches!(value, Some(Ok(())))).then(|| attempt.version().get())),
        |(id, _)| training_course(id),
        move |_, course| view! { <Course course attempt/> },
    )
}

#[component]
fn Course(course: CourseView, attempt: ServerAction<SubmitAttempt>) -> impl IntoView {
    let status = match (&course.certification, course.attempts.first()) {
        (Some(certificate), _) => {
            let text = match certificate.standing {
                Standing::Expired => format!(
                    "Your certification ended on {}. Pass the quiz again to be certified anew.",
                    day(certificate.expires_at)
                ),
                _ => format!(
                    "You are certified until {} (UTC). From {} you can renew it by passing again: {} more months from its end.",
                    day(certificate.expires_at),
                    day(certificate.expires_at - chrono::Duration::days(super::certification::EXPIRING_DAYS)),
                    course.validity_months
                ),
            };
            let tone = if certificate.standing == Standing::Active { "success" } else { "warning" };
            Some(view! { <Notice text tone/> })
        }
        (None, Some(last)) => Some(view! {
            <Notice text=format!("Your last attempt scored {} %; the pass mark is {} %.", last.percent, course.pass_mark) tone="warning"/>
        }),
        (None, None) => None,
    };
    let edit = course.can_edit.then(|| {
        let href = format!("/training/{}/edit", course.id);
        view! { <p class="actions"><a class="button" href=href>"Edit the course"</a></p> }
    });
    let contents = course
        .lessons
        .iter()
        .enumerate()
        .map(|(index, lesson)| {
            let href = format!("#lesson-{}", index + 1);
            view! { <li><a href=href>{lesson.title.clone()}</a></li> }
        })
        .collect_view();
    let lessons = course
        .lessons
        .into_iter()
        .enumerate()
        .map(|(index, lesson)| {
            let id = format!("lesson-{}", index + 1);
            view! {
                <article class="card lesson" aria-labelledby=id.clone()>
                    <h2 id=id.clone()>{format!("{}. {}", index + 1, lesson.title)}</h2>
                    <div class="prose" inner_html=lesson.html></div>
                </article>
            }
        })
        .collect_view();
    let quiz = match course.can_attempt {
        true => view! {
            <QuizForm course_id=course.id revision=course.revision pass_mark=course.pass_mark questions=course.questions attempt/>
        }
        .into_any(),
        false => view! {
            <section class="card" aria-labelledby="quiz-title">
                <h2 id="quiz-title">"Quiz"</h2>
                <p class="muted">{format!(
                    "{} questions, pass mark {} %. A partner's people take the quiz; passing certifies them for {} months.",
                    course.questions.len(), course.pass_mark, course.validity_months
                )}</p>
                {(!course.published).then(|| view! { <p class="muted">"This course is a draft: partners do not see it yet."</p> })}
            </section>
        }
        .into_any(),
    };
    let attempts = (!course.attempts.is_empty()).then(|| {
        view! {
            <section class="card" aria-labelledby="attempts-title">
                <h2 id="attempts-title">"Your attempts"</h2>
                <ul class="plain-list">
                    {course.attempts.into_iter().map(|attempt| {
                        let outcome = if attempt.passed { "passed" } else { "not passed" };
                        view! { <li>{format!("{} (UTC): {} %, {outcome}", attempt.submitted_at.format("%Y-%m-%d %H:%M"), attempt.percent)}</li> }
                    }).collect_view()}
                </ul>
            </section>
        }
    });
    view! {
        <p class="crumbs"><a href="/training">"Training"</a> " / " {course.title.clone()}</p>
        <h1>{course.title}</h1>
        <p class="lead">{course.summary}</p>
        {status}
        {edit}
        <nav class="card" aria-label="Lessons"><ol>{contents}</ol></nav>
        {lessons}
        {quiz}
        {attempts}
    }
}

#[component]
fn QuizForm(
    course_id: i64,
    revision: i64,
    pass_mark: i64,
    questions: Vec<AskedQuestion>,
    attempt: ServerAction<SubmitAttempt>,
) -> impl IntoView {
    let error = form_error(attempt);
    let count = questions.len();
    view! {
        <section class="card" aria-labelledby="quiz-title">
            <h2 id="quiz-title">"Quiz"</h2>
            <p class="muted">{format!("{count} questions in a new order each time; the pass mark is {pass_mark} %. Where a question says \u{201c}choose all that apply\u{201d}, a wrong choice takes away a right one. Up to {MAX_ATTEMPTS_A_DAY} attempts in 24 hours.")}</p>
            <ActionForm action=attempt attr:class="stack quiz">
                <input type="hidden" name="course_id" value=course_id.to_string()/>
                <input type="hidden" name="revision" value=revision.to_string()/>
                {questions.into_iter().enumerate().map(|(index, question)| view! {
                    <QuizQuestion position=index + 1 question/>
                }).collect_view()}
                <FormError error/>
                <button type="submit" class="button primary">"Submit my answers"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn QuizQuestion(position: usize, question: AskedQuestion) -> impl IntoView {
    let kind = if question.multiple { "checkbox" } else { "radio" };
    let hint = if question.multiple { " (choose all that apply)" } else { "" };
    let choices = question
        .choices
        .iter()
        .map(|(choice, label)| {
            let id = format!("q{}c{choice}", question.number);
            view! {
                <div class="field field-check">
                    <input id=id.clone() type=kind name=question.field_name(*choice) value=question.field_value(*choice)/>
                    <label for=id>{label.clone()}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="question">
            <legend>{format!("{position}. {}{hint}", question.prompt)}</legend>
            {choices}
        </fieldset>
    }
}

#[component]
pub fn CertificationsPage() -> impl IntoView {
    guarded_page(CERTIFICATION_ROLES, || (), |_| certifications(), |_, list| view! { <Certifications list/> })
}

#[component]
fn Certifications(list: CertificationList) -> impl IntoView {
    let count = |standing: Standing| list.certificates.iter().filter(|c| c.standing == standing).count();
    let summary = format!(
        "{} active · {} expiring within 30 days · {} expired",
        count(Standing::Active),
        count(Standing::Expiring),
        count(Standing::Expired)
    );
    let whose =
        if list.own_organisation { "Your people's certifications" } else { "Certifications of partners' people" };
    let body = match list.certificates.is_empty() {
        true => view! { <p class="muted">"Nobody within your reach holds a certification yet."</p> }.into_any(),
        false => view! { <CertificateTable certificates=list.certificates/> }.into_any(),
    };
    view! {
        <p class="crumbs"><a href="/training">"Training"</a> " / Certifications"</p>
        <h1>{whose}</h1>
        <p class="lead" data-testid="certification-summary">{summary}</p>
        <p class="muted">"Expired certifications no longer count. Their holders are reminded by email 30 and 7 days before the end."</p>
        {body}
    }
}

/// The course editor: a new course at `/training/new`, an existing one at `/training/{id}/edit`.
#[component]
pub fn CourseEditorPage() -> impl IntoView {
    let save = ServerAction::<SaveCourse>::new();
    let id = id_param();
    // Saved with JavaScript: on to the course as partners will see it.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            navigate(&format!("/training/{id}"), Default::default());
        }
    });
    guarded_page(TRAINING_AUTHOR_ROLES, id, course_for_editing, move |_, source| view! { <CourseEditor source save/> })
}

const QUIZ_HINT: &str = "One line each, a blank line between questions. \u{201c}? Question\u{201d} asks for one answer, \
    \u{201c}?? Question\u{201d} for one or more; under it \u{201c}* a right answer\u{201d} and \u{201c}- a wrong one\u{201d}.";

#[component]
fn CourseEditor(source: CourseSource, save: ServerAction<SaveCourse>) -> impl IntoView {
    let error = form_error(save);
    let new = source.id == 0;
    let (heading, back) = match new {
        true => ("New course".to_owned(), "/training".to_owned()),
        false => (format!("Edit \u{201c}{}\u{201d}", source.title), format!("/training/{}", source.id)),
    };
    view! {
        <p class="crumbs"><a href="/training">"Training"</a> " / " {heading.clone()}</p>
        <h1>{heading}</h1>
        <section class="card">
            <ActionForm action=save attr:class="stack">
                <input type="hidden" name="id" value=source.id.to_string()/>
                <Field label="Title" name="title" error value=source.title required=true/>
                <Field label="Summary" name="summary" error value=source.summary rows=2 required=true
                    hint="One or two sentences: what a partner learns."/>
                <div class="field-row">
                    <Field label="Pass mark (%)" name="pass_mark" kind="number" error value=source.pass_mark.to_string() required=true/>
                    <Field label="Certifies for (months)" name="validity_months" kind="number" error
                        value=source.validity_months.to_string() required=true/>
                </div>
                <Field label="Lessons" name="lessons" error value=source.lessons rows=16 required=true
                    hint="Markdown. Each lesson begins with a line \u{201c}# Its title\u{201d}; raw HTML shows as typed."/>
                <Field label="Quiz" name="quiz" error value=source.quiz rows=12 required=true hint=QUIZ_HINT/>
                <Field label="Published: partners see it and can be certified" name="published" kind="checkbox" error
                    checked=source.published/>
                <FormError error/>
                <p class="actions">
                    <button type="submit" class="button primary">{if new { "Create the course" } else { "Save the course" }}</button>
                    <a href=back>"Cancel"</a>
                </p>
            </ActionForm>
        </section>
    }
}

/// People's certifications: who, of which partner (left out on one partner's own page), from
/// which course, since when, and how each stands.
#[component]
pub fn CertificateTable(certificates: Vec<Certificate>, #[prop(default = true)] partner_column: bool) -> impl IntoView {
    view! {
        <ScrollTable label="Certifications">
            <table class="stacked">
                <thead>
                    <tr>
                        <th scope="col">"Person"</th>
                        {partner_column.then(|| view! { <th scope="col">"Partner"</th> })}
                        <th scope="col">"Course"</th>
                        <th scope="col">"Earned"</th><th scope="col">"Standing"</th>
                    </tr>
                </thead>
                <tbody>
                    {certificates.into_iter().map(|certificate| view! {
                        <tr>
                            <td>{certificate.person_name.clone()}</td>
                            {partner_column.then(|| view! { <td>{certificate.organisation_name.clone()}</td> })}
                            <td>{certificate.course_title.clone()}</td>
                            <td>{day(certificate.earned_at)}</td>
                            <td><StandingBadge certificate/></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollTable>
    }
}
