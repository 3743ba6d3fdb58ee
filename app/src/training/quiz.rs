//! A course's quiz: written by its author as plain text, read into questions here, scored here.
//! Pure: the server scores an attempt with these rules; the browser never receives which answers
//! are right ([`Quiz::questions_for_reader`]).
//!
//! The text, one line each, questions apart by a blank line:
//!
//! ```text
//! ? How long is an approved registration protected?
//! - 30 days
//! * 90 days
//! - Until the deal closes
//!
//! ?? Which of these does the partner home show? (several)
//! * The next onboarding step
//! * Deals waiting for you
//! - Other partners' deals
//! ```
//!
//! `?` asks for one answer and `??` for one or more; `*` marks a right answer, `-` a wrong one.

use serde::{Deserialize, Serialize};

/// The most questions in a quiz, and choices in a question.
pub const MAX_QUESTIONS: usize = 50;
pub const MAX_CHOICES: usize = 8;
/// The longest question or choice, in characters.
pub const MAX_LINE: usize = 300;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quiz {
    pub questions: Vec<Question>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub prompt: String,
    /// One or more answers may be chosen (and are scored in part).
    pub multiple: bool,
    pub choices: Vec<Choice>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub label: String,
    pub right: bool,
}

/// A question as the person answering it sees it: numbered as written (answers name these
/// numbers), without a word about which choices are right.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskedQuestion {
    pub number: usize,
    pub prompt: String,
    pub multiple: bool,
    /// (number, label) of each choice.
    pub choices: Vec<(usize, String)>,
}

impl AskedQuestion {
    /// The form field of one choice: a question's choices share one name when one answer is
    /// asked (radio buttons), and each has its own when several may be (check boxes).
    pub fn field_name(&self, choice: usize) -> String {
        match self.multiple {
            true => format!("answers[q{}c{choice}]", self.number),
            false => format!("answers[q{}]", self.number),
        }
    }

    /// The value a chosen choice sends: `question.choice`.
    pub fn field_value(&self, choice: usize) -> String {
        format!("{}.{choice}", self.number)
    }
}

/// What a line of the quiz's text is, by its mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Line {
    /// `?`
    OneAnswer,
    /// `??`
    SeveralAnswers,
    /// `*`
    Right,
    /// `-`
    Wrong,
}

impl Line {
    /// The line's kind and what follows its mark.
    fn read(line: &str) -> Option<(Line, &str)> {
        [("??", Line::SeveralAnswers), ("?", Line::OneAnswer), ("*", Line::Right), ("-", Line::Wrong)]
            .into_iter()
            .find_map(|(mark, kind)| line.strip_prefix(mark).map(|rest| (kind, rest)))
    }
}

/// Reads the author's text; the error names the line.
pub fn parse(text: &str) -> Result<Quiz, String> {
    let mut questions: Vec<(usize, Question)> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line_number = index + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let at = |message: &str| format!("Line {line_number}: {message}");
        let Some((kind, rest)) = Line::read(line) else {
            return Err(at(
                "start a question with ? (one answer) or ?? (several), and a choice with * (right) or - (wrong).",
            ));
        };
        let rest = rest.trim();
        if rest.is_empty() {
            return Err(at("write the question or the choice after its mark."));
        }
        if rest.chars().count() > MAX_LINE {
            return Err(at(&format!("use at most {MAX_LINE} characters.")));
        }
        match kind {
            Line::OneAnswer | Line::SeveralAnswers => {
                if questions.len() == MAX_QUESTIONS {
                    return Err(at(&format!("a quiz has at most {MAX_QUESTIONS} questions.")));
                }
                let question =
                    Question { prompt: rest.to_owned(), multiple: kind == Line::SeveralAnswers, choices: Vec::new() };
                questions.push((line_number, question));
            }
            Line::Right | Line::Wrong => {
                let Some((_, question)) = questions.last_mut() else {
                    return Err(at("a choice belongs under a question; start with a line beginning with ?."));
                };
                if question.choices.iter().any(|choice| choice.label == rest) {
                    return Err(at("this choice is already in the question."));
                }
                if question.choices.len() == MAX_CHOICES {
                    return Err(at(&format!("a question has at most {MAX_CHOICES} choices.")));
                }
                question.choices.push(Choice { label: rest.to_owned(), right: kind == Line::Right });
            }
        }
    }
    if questions.is_empty() {
        return Err("Write at least one question: a line beginning with ?, then its choices.".to_owned());
    }
    for (line_number, question) in &questions {
        let right = question.choices.iter().filter(|choice| choice.right).count();
        let problem = if question.choices.len() < 2 {
            Some("give the question at least two choices.")
        } else if !question.multiple && right != 1 {
            Some("a question with one answer (?) needs exactly one right choice (*); use ?? for several.")
        } else if right == 0 {
            Some("mark at least one choice right (*).")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(format!("Line {line_number}: {problem}"));
        }
    }
    Ok(Quiz { questions: questions.into_iter().map(|(_, question)| question).collect() })
}

impl Quiz {
    /// The questions as a reader sees them, in `order` (question numbers from 1; a question left
    /// out of `order` is not asked). Choices keep their numbers whatever order they are shown in.
    pub fn questions_for_reader(
        &self,
        order: &[usize],
        choice_order: impl Fn(usize) -> Vec<usize>,
    ) -> Vec<AskedQuestion> {
        order
            .iter()
            .filter_map(|&number| {
                let question = self.questions.get(number.checked_sub(1)?)?;
                let choices = choice_order(question.choices.len())
                    .into_iter()
                    .filter_map(|choice| Some((choice, question.choices.get(choice.checked_sub(1)?)?.label.clone())))
                    .collect();
                Some(AskedQuestion { number, prompt: question.prompt.clone(), multiple: question.multiple, choices })
            })
            .collect()
    }

    /// Reads the values an answer form sent (`question.choice` each) against this quiz.
    pub fn answers<'a>(&self, values: impl IntoIterator<Item = &'a str>) -> Result<Answers, AnswerError> {
        let mut chosen: Vec<(usize, usize)> = Vec::new();
        for value in values {
            let pair: Option<(usize, usize)> = value
                .split_once('.')
                .and_then(|(question, choice)| Some((question.trim().parse().ok()?, choice.trim().parse().ok()?)));
            let Some((question, choice)) = pair else { return Err(AnswerError::Unreadable) };
            let known = question >= 1
                && self.questions.get(question - 1).is_some_and(|q| choice >= 1 && choice <= q.choices.len());
            if !known {
                return Err(AnswerError::Unknown);
            }
            if chosen.contains(&(question, choice)) {
                return Err(AnswerError::Duplicate { question });
            }
            chosen.push((question, choice));
        }
        for (index, question) in self.questions.iter().enumerate() {
            let picked = chosen.iter().filter(|(q, _)| *q == index + 1).count();
            if picked == 0 {
                return Err(AnswerError::Unanswered { question: index + 1 });
            }
            if picked > 1 && !question.multiple {
                return Err(AnswerError::SeveralForOne { question: index + 1 });
            }
        }
        chosen.sort_unstable();
        Ok(Answers(chosen))
    }

    /// The score of `answers`. A question with one answer scores 1 when it is right. A question
    /// with several scores (right ones chosen − wrong ones chosen) ÷ its right ones, at least 0:
    /// choosing everything is no way to pass. Exact: in whole units of 1 ÷ the least common
    /// multiple of every question's right-answer count.
    pub fn score(&self, answers: &Answers) -> Score {
        let unit: i64 = self.questions.iter().map(|question| question.right_count()).fold(1, lcm);
        let earned = self
            .questions
            .iter()
            .enumerate()
            .map(|(index, question)| {
                let (mut right, mut wrong) = (0i64, 0i64);
                for (_, choice) in answers.0.iter().filter(|(q, _)| *q == index + 1) {
                    match choice.checked_sub(1).and_then(|i| question.choices.get(i)).is_some_and(|c| c.right) {
                        true => right += 1,
                        false => wrong += 1,
                    }
                }
                (right - wrong).max(0) * (unit / question.right_count())
            })
            .sum();
        Score { earned, out_of: unit * self.questions.len() as i64 }
    }
}

impl Question {
    fn right_count(&self) -> i64 {
        self.choices.iter().filter(|choice| choice.right).count().max(1) as i64
    }
}

fn lcm(a: i64, b: i64) -> i64 {
    fn gcd(a: i64, b: i64) -> i64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    a / gcd(a, b) * b
}

/// The choices of one attempt, `(question, choice)` in order, each once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answers(pub Vec<(usize, usize)>);

impl Answers {
    /// As stored with the attempt: `1.2 2.1 2.3`.
    pub fn to_text(&self) -> String {
        self.0.iter().map(|(question, choice)| format!("{question}.{choice}")).collect::<Vec<_>>().join(" ")
    }
}

/// Why an answer form is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerError {
    Unreadable,
    /// A question or choice the quiz does not have.
    Unknown,
    Duplicate {
        question: usize,
    },
    Unanswered {
        question: usize,
    },
    SeveralForOne {
        question: usize,
    },
}

impl AnswerError {
    /// What went wrong, naming the question by its words: the reader sees the questions in an
    /// order of their own, not numbered as written.
    pub fn message(self, quiz: &Quiz) -> String {
        let prompt = |question: usize| {
            let asked = question.checked_sub(1).and_then(|index| quiz.questions.get(index));
            asked.map_or_else(String::new, |asked| format!("\u{201c}{}\u{201d}", asked.prompt))
        };
        match self {
            AnswerError::Unreadable | AnswerError::Unknown => {
                "These answers do not belong to this quiz. Reload the course and answer again.".to_owned()
            }
            AnswerError::Duplicate { question } => format!("{} names the same answer twice.", prompt(question)),
            AnswerError::Unanswered { question } => format!("Answer {} too.", prompt(question)),
            AnswerError::SeveralForOne { question } => format!("{} takes one answer.", prompt(question)),
        }
    }
}

/// What an attempt earned, exactly: `earned` of `out_of` units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Score {
    pub earned: i64,
    pub out_of: i64,
}

impl Score {
    /// Whole per cent, rounded down (an attempt never shows more than it earned).
    pub fn percent(self) -> i64 {
        if self.out_of == 0 { 0 } else { self.earned * 100 / self.out_of }
    }

    /// Whether it reaches `pass_mark` per cent, compared exactly (2 of 3 is not 67 %).
    pub fn passes(self, pass_mark: i64) -> bool {
        self.earned * 100 >= pass_mark * self.out_of
    }
}
