use chrono::{DateTime, Duration, TimeZone, Utc};

use super::certification::{Pass, Reminder, Standing, pass};
use super::quiz::{AnswerError, Answers, parse};
use super::{CourseInput, lessons};

fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 12, 0, 0).single().expect("a real date")
}

const FIVE: &str = "? One\n* a\n- b\n\n? Two\n* a\n- b\n\n? Three\n* a\n- b\n\n? Four\n* a\n- b\n\n? Five\n* a\n- b\n";

/// Answers the first `right` of the five questions right and the rest wrong.
fn five_with(right: usize) -> Answers {
    Answers((1..=5).map(|question| (question, if question <= right { 1 } else { 2 })).collect())
}

#[test]
fn the_quiz_text_reads_into_questions_with_their_right_answers() {
    let quiz = parse(
        "? Protected for?\n- 30 days\n* 90 days\n\n?? Which count?\n* Won revenue\n* Certified people\n- Office size\n",
    )
    .expect("a valid quiz");
    assert_eq!(quiz.questions.len(), 2);
    assert!(!quiz.questions[0].multiple && quiz.questions[1].multiple);
    let rights: Vec<bool> = quiz.questions[1].choices.iter().map(|choice| choice.right).collect();
    assert_eq!(rights, [true, true, false]);
}

#[test]
fn a_quiz_text_with_a_mistake_names_its_line() {
    let cases = [
        ("", "at least one question"),
        ("* orphan", "Line 1: a choice belongs under a question"),
        ("? Q\n* a\nplain text", "Line 3: start a question"),
        ("? Q\n* a", "Line 1: give the question at least two choices"),
        ("? Q\n* a\n* b", "Line 1: a question with one answer (?) needs exactly one right choice"),
        ("?? Q\n- a\n- b", "Line 1: mark at least one choice right"),
        ("? Q\n* a\n- a", "Line 3: this choice is already in the question"),
        ("?\n* a\n- b", "Line 1: write the question"),
    ];
    for (text, expected) in cases {
        let problem = parse(text).expect_err(text);
        assert!(problem.contains(expected), "{text:?}: {problem}");
    }
}

#[test]
fn a_pass_is_at_the_pass_mark_and_not_below_it() {
    let quiz = parse(FIVE).expect("a valid quiz");
    // 4 of 5 is 80 %: a pass at 80, not at 81.
    let four = quiz.score(&five_with(4));
    assert_eq!(four.percent(), 80);
    assert!(four.passes(80) && !four.passes(81));
    let three = quiz.score(&five_with(3));
    assert_eq!(three.percent(), 60);
    assert!(!three.passes(80) && three.passes(60));
    assert!(quiz.score(&five_with(5)).passes(100));
    assert!(!quiz.score(&five_with(0)).passes(1));
}

#[test]
fn questions_with_two_and_three_right_answers_score_in_sixths() {
    // Units of 1/6: the first question's half is 3 of 6, the second's third is 2 of 6.
    let quiz = parse("?? A\n* a\n* b\n- c\n\n?? B\n* x\n* y\n* z\n- w").expect("a valid quiz");
    let score = quiz.score(&Answers(vec![(1, 1), (2, 1)]));
    assert_eq!((score.earned, score.out_of), (5, 12));
    assert_eq!(score.percent(), 41);
    // 1½ of 2 at a pass mark of 75 passes, at 76 does not.
    let three_quarters = quiz.score(&Answers(vec![(1, 1), (1, 2), (2, 1), (2, 2), (2, 4)]));
    assert_eq!(three_quarters.percent(), 66);
    let one_and_a_half =
        parse("? A\n* y\n- n\n\n?? B\n* r\n* s\n- w").expect("a valid quiz").score(&Answers(vec![(1, 1), (2, 1)]));
    assert!(one_and_a_half.passes(75) && !one_and_a_half.passes(76));
}

#[test]
fn two_of_three_is_not_rounded_up_to_a_pass_at_67() {
    let quiz = parse("? A\n* y\n- n\n\n? B\n* y\n- n\n\n? C\n* y\n- n").expect("a valid quiz");
    let score = quiz.score(&Answers(vec![(1, 1), (2, 1), (3, 2)]));
    assert_eq!(score.percent(), 66);
    assert!(score.passes(66) && !score.passes(67));
}

#[test]
fn a_several_answer_question_scores_in_part_and_wrong_choices_take_away() {
    // One single-answer question, one with two right of four.
    let quiz = parse("? One\n* a\n- b\n\n?? Two\n* r1\n* r2\n- w1\n- w2").expect("a valid quiz");
    let score = |answers: Vec<(usize, usize)>| quiz.score(&Answers(answers)).percent();
    assert_eq!(score(vec![(1, 1), (2, 1), (2, 2)]), 100);
    // Half the second: (1 + 1/2) / 2 = 75 %.
    assert_eq!(score(vec![(1, 1), (2, 1)]), 75);
    // A right and a wrong cancel out.
    assert_eq!(score(vec![(1, 1), (2, 1), (2, 3)]), 50);
    // Everything chosen: 2 right − 2 wrong = nothing, never below nothing.
    assert_eq!(score(vec![(1, 1), (2, 1), (2, 2), (2, 3), (2, 4)]), 50);
    assert_eq!(score(vec![(1, 2), (2, 3), (2, 4)]), 0);
}

#[test]
fn answers_that_do_not_fit_the_quiz_are_refused() {
    let quiz = parse("? One\n* a\n- b\n\n?? Two\n* r1\n* r2\n- w1").expect("a valid quiz");
    let read = |values: &[&str]| quiz.answers(values.iter().copied());
    assert_eq!(read(&["1.1", "2.1"]).map(|answers| answers.to_text()), Ok("1.1 2.1".to_owned()));
    assert_eq!(read(&["1.1", "3.1"]), Err(AnswerError::Unknown));
    assert_eq!(read(&["1.1", "2.9"]), Err(AnswerError::Unknown));
    assert_eq!(read(&["1.1", "0.1"]), Err(AnswerError::Unknown));
    assert_eq!(read(&["1.1", "two"]), Err(AnswerError::Unreadable));
    assert_eq!(read(&["1.1", "2.1", "2.1"]), Err(AnswerError::Duplicate { question: 2 }));
    assert_eq!(read(&["1.1"]), Err(AnswerError::Unanswered { question: 2 }));
    assert_eq!(read(&["1.1", "1.2", "2.1"]), Err(AnswerError::SeveralForOne { question: 1 }));
    // The reader sees the questions shuffled: a message names one by its words, not its number.
    assert_eq!(AnswerError::Unanswered { question: 2 }.message(&quiz), "Answer \u{201c}Two\u{201d} too.");
}

#[test]
fn the_reader_gets_the_questions_in_the_given_order_without_the_right_answers() {
    let quiz = parse("? One\n* a\n- b\n\n? Two\n- c\n* d").expect("a valid quiz");
    let asked = quiz.questions_for_reader(&[2, 1], |count| (1..=count).rev().collect());
    assert_eq!(asked.iter().map(|question| question.number).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(asked[0].choices, [(2, "d".to_owned()), (1, "c".to_owned())]);
    assert_eq!(asked[0].field_name(2), "answers[q2]");
    assert_eq!(asked[0].field_value(2), "2.2");
    let serialised = serde_json::to_string(&asked).expect("serialisable");
    assert!(!serialised.contains("right"), "{serialised}");
}

#[test]
fn a_pass_starts_a_term_renews_one_in_its_last_30_days_and_changes_nothing_before() {
    let now = at(2026, 12, 3);
    assert_eq!(pass(None, now, 12), Pass::NewTerm { ends: at(2027, 12, 3) });
    // In its last 30 days: twelve months from the old end, not from today.
    assert_eq!(pass(Some(at(2026, 12, 20)), now, 12), Pass::Renewed { ends: at(2027, 12, 20) });
    assert_eq!(pass(Some(at(2027, 1, 2)), now, 12), Pass::Renewed { ends: at(2028, 1, 2) });
    // Before them, passing again changes nothing: years never pile up.
    assert_eq!(pass(Some(at(2027, 1, 3)), now, 12), Pass::TooEarly { renewable_from: at(2026, 12, 4) });
    assert_eq!(pass(Some(at(2027, 12, 3)), now, 12), Pass::TooEarly { renewable_from: at(2027, 11, 3) });
    // At its end or after it: a new term from today.
    assert_eq!(pass(Some(now), now, 12), Pass::NewTerm { ends: at(2027, 12, 3) });
    assert_eq!(pass(Some(at(2026, 11, 1)), now, 12), Pass::NewTerm { ends: at(2027, 12, 3) });
    // A month from the 31st ends on the month's last day.
    assert_eq!(pass(None, at(2027, 1, 31), 1), Pass::NewTerm { ends: at(2027, 2, 28) });
    assert_eq!(pass(None, at(2028, 2, 29), 12), Pass::NewTerm { ends: at(2029, 2, 28) });
}

#[test]
fn a_certification_is_expiring_from_30_days_before_its_end_and_expired_at_it() {
    let end = at(2027, 6, 30);
    assert_eq!(Standing::of(end, end - Duration::days(31)), Standing::Active);
    assert_eq!(Standing::of(end, end - Duration::days(30) - Duration::seconds(1)), Standing::Active);
    assert_eq!(Standing::of(end, end - Duration::days(30)), Standing::Expiring);
    assert_eq!(Standing::of(end, end - Duration::seconds(1)), Standing::Expiring);
    assert_eq!(Standing::of(end, end), Standing::Expired);
    assert!(Standing::Expiring.counts() && !Standing::Expired.counts());
}

#[test]
fn reminders_go_at_30_and_7_days_once_each_and_a_late_find_gets_only_the_nearer() {
    let end = at(2027, 6, 30);
    let due =
        |days_before: i64, sent_30, sent_7| Reminder::due(end, end - Duration::days(days_before), sent_30, sent_7);
    assert_eq!(due(31, false, false), None);
    assert_eq!(due(30, false, false), Some(Reminder::ThirtyDays));
    assert_eq!(due(20, true, false), None);
    assert_eq!(due(7, true, false), Some(Reminder::SevenDays));
    assert_eq!(due(5, false, false), Some(Reminder::SevenDays));
    assert_eq!(due(5, true, true), None);
    assert_eq!(due(10, false, true), None);
    assert_eq!(Reminder::due(end, end, false, false), None);
}

#[test]
fn a_course_text_splits_into_lessons_at_their_titles() {
    let split = lessons("# Welcome\nHello.\n\n## More\nText\n# Deals\nRegister.").expect("valid lessons");
    assert_eq!(split.iter().map(|lesson| lesson.title.as_str()).collect::<Vec<_>>(), ["Welcome", "Deals"]);
    assert!(split[0].body.contains("## More"));
    assert!(lessons("Text before any title\n# A").expect_err("refused").contains("first lesson"));
    assert!(lessons("").is_err());
}

#[test]
fn a_course_form_names_every_field_that_is_wrong_at_once() {
    let input = CourseInput {
        title: " ".into(),
        summary: String::new(),
        pass_mark: "101".into(),
        validity_months: "0".into(),
        lessons: "no title".into(),
        quiz: "? Q\n* a".into(),
        ..CourseInput::default()
    };
    let fields = input.check().expect_err("refused");
    let named: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(named, ["lessons", "pass_mark", "quiz", "summary", "title", "validity_months"]);
    let good = CourseInput {
        title: "Deal registration".into(),
        summary: "How it protects you.".into(),
        pass_mark: "80".into(),
        validity_months: "12".into(),
        lessons: "# One\nText".into(),
        quiz: "? Q\n* a\n- b".into(),
        published: Some("on".into()),
        ..CourseInput::default()
    };
    let checked = good.check().expect("accepted");
    assert!(checked.published && checked.pass_mark == 80 && checked.validity_months == 12);
}
