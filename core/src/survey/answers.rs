//! A customer's answers to a survey, checked against its definition: the same check in the wallet
//! (inline, as they answer) and in the issuer (when `survey.answer` arrives).

use super::definition::{Question, QuestionKind, SurveyDefinition};
use crate::text::{self, Lines, TextError};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Answers that passed `Answers::check`: one per question that was shown and answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answers(BTreeMap<String, Answer>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Scale(u8),
    Choice(String),
    Choices(Vec<String>),
    Text(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerProblem {
    /// The question's id; empty for a problem with the whole answer.
    pub question: String,
    pub kind: ProblemKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The answers are not a JSON object.
    NotAnObject,
    /// A required question that is shown has no answer.
    Missing,
    /// Not a whole number from `low` to `high`.
    OutOfScale {
        low: u8,
        high: u8,
    },
    /// Not one of the question's choices (or, for multiple choice, not a list of them, or one
    /// twice).
    UnknownChoice,
    /// A text question answered with something other than text, or text the rule refuses.
    Text(TextError),
    NotText,
    /// An answer to a question the survey does not have, or that was not shown.
    NotAsked,
}

impl Answers {
    /// Checks raw answers (`{"question id": value}`) against the definition; every problem is
    /// listed, so a form can mark each field at once.
    pub fn check(definition: &SurveyDefinition, raw: &Value) -> Result<Self, Vec<AnswerProblem>> {
        let Some(raw) = raw.as_object() else {
            return Err(vec![AnswerProblem {
                question: String::new(),
                kind: ProblemKind::NotAnObject,
            }]);
        };
        let shown = shown_questions(definition, raw);
        let mut problems = Vec::new();
        let mut answers = BTreeMap::new();
        for question in &shown {
            let value = raw.get(&question.id).filter(|v| !is_blank(v));
            match value.map(|v| parse(question, v)) {
                Some(Ok(answer)) => {
                    answers.insert(question.id.clone(), answer);
                }
                Some(Err(kind)) => problems.push(AnswerProblem {
                    question: question.id.clone(),
                    kind,
                }),
                None if question.required => problems.push(AnswerProblem {
                    question: question.id.clone(),
                    kind: ProblemKind::Missing,
                }),
                None => {}
            }
        }
        for (id, value) in raw {
            if !is_blank(value) && !shown.iter().any(|q| q.id == *id) {
                problems.push(AnswerProblem {
                    question: id.clone(),
                    kind: ProblemKind::NotAsked,
                });
            }
        }
        if problems.is_empty() {
            Ok(Self(answers))
        } else {
            Err(problems)
        }
    }

    pub fn get(&self, question: &str) -> Option<&Answer> {
        self.0.get(question)
    }

    /// The lowest answer to the survey's star-rating questions: what decides whether a visit
    /// went badly (service recovery).
    pub fn lowest_rating(&self, definition: &SurveyDefinition) -> Option<u8> {
        definition
            .questions
            .iter()
            .filter(|q| q.kind == QuestionKind::Rating)
            .filter_map(|q| match self.0.get(&q.id) {
                Some(Answer::Scale(stars)) => Some(*stars),
                _ => None,
            })
            .min()
    }

    /// The answers as JSON, as they are stored and sent.
    pub fn to_json(&self) -> Value {
        let map: Map<String, Value> = self
            .0
            .iter()
            .map(|(id, answer)| {
                let value = match answer {
                    Answer::Scale(n) => Value::from(*n),
                    Answer::Choice(c) => Value::from(c.as_str()),
                    Answer::Choices(cs) => Value::from(cs.clone()),
                    Answer::Text(t) => Value::from(t.as_str()),
                };
                (id.clone(), value)
            })
            .collect();
        Value::Object(map)
    }
}

/// The questions shown for these (possibly partial) answers: a follow-up only once the rating it
/// depends on is answered low enough. What a form shows as the customer answers.
pub fn shown_questions<'a>(
    definition: &'a SurveyDefinition,
    raw: &Map<String, Value>,
) -> Vec<&'a Question> {
    definition
        .questions
        .iter()
        .filter(|q| match &q.show_if {
            None => true,
            Some(show_if) => raw
                .get(&show_if.question)
                .and_then(Value::as_u64)
                .is_some_and(|value| value <= u64::from(show_if.at_most)),
        })
        .collect()
}

/// No answer: absent, `null`, an empty list, or text of white space only.
pub fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

fn parse(question: &Question, value: &Value) -> Result<Answer, ProblemKind> {
    match &question.kind {
        QuestionKind::Rating | QuestionKind::Nps => {
            let (low, high) = question.kind.scale().expect("a scale question");
            value
                .as_u64()
                .filter(|n| (u64::from(low)..=u64::from(high)).contains(n))
                .map(|n| Answer::Scale(n as u8))
                .ok_or(ProblemKind::OutOfScale { low, high })
        }
        QuestionKind::SingleChoice { choices } => value
            .as_str()
            .filter(|id| choices.iter().any(|c| c.id == *id))
            .map(|id| Answer::Choice(id.to_owned()))
            .ok_or(ProblemKind::UnknownChoice),
        QuestionKind::MultipleChoice { choices } => {
            let picked: Option<Vec<String>> = value.as_array().and_then(|items| {
                items
                    .iter()
                    .map(|item| {
                        item.as_str()
                            .filter(|id| choices.iter().any(|c| c.id == *id))
                            .map(str::to_owned)
                    })
                    .collect()
            });
            let mut picked = picked.ok_or(ProblemKind::UnknownChoice)?;
            let count = picked.len();
            picked.sort();
            picked.dedup();
            if picked.len() != count {
                return Err(ProblemKind::UnknownChoice);
            }
            Ok(Answer::Choices(picked))
        }
        QuestionKind::ShortText { max_chars } => {
            let text = value.as_str().ok_or(ProblemKind::NotText)?.trim();
            text::check(text, *max_chars, Lines::Many).map_err(ProblemKind::Text)?;
            Ok(Answer::Text(text.to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The demo café's survey, as JSON the way an issuer sends it.
    fn cafe() -> SurveyDefinition {
        let definition: SurveyDefinition = serde_json::from_value(json!({"questions": [
            {"id": "overall", "type": "rating", "required": true,
             "prompt": {"zh-TW": "今天的體驗如何？", "en": "How was your visit?"}},
            {"id": "what_went_wrong", "type": "short_text", "max_chars": 200,
             "show_if": {"question": "overall", "at_most": 2},
             "prompt": {"zh-TW": "哪裡讓你不滿意？", "en": "What went wrong?"}},
            {"id": "recommend", "type": "nps",
             "prompt": {"zh-TW": "你會推薦我們嗎？", "en": "Would you recommend us?"}},
            {"id": "ordered", "type": "multiple_choice",
             "prompt": {"zh-TW": "你點了什麼？", "en": "What did you have?"},
             "choices": [
                {"id": "coffee", "label": {"zh-TW": "咖啡", "en": "Coffee"}},
                {"id": "pastry", "label": {"zh-TW": "甜點", "en": "Pastry"}}]},
            {"id": "visit", "type": "single_choice",
             "prompt": {"zh-TW": "內用還是外帶？", "en": "Dine in or take away?"},
             "choices": [
                {"id": "dine_in", "label": {"zh-TW": "內用", "en": "Dine in"}},
                {"id": "take_away", "label": {"zh-TW": "外帶", "en": "Take away"}}]}
        ]}))
        .unwrap();
        definition.validate().unwrap();
        definition
    }

    fn problems(raw: Value) -> Vec<(String, ProblemKind)> {
        Answers::check(&cafe(), &raw)
            .unwrap_err()
            .into_iter()
            .map(|p| (p.question, p.kind))
            .collect()
    }

    #[test]
    fn a_good_answer_passes_and_keeps_only_what_was_answered() {
        let answers = Answers::check(
            &cafe(),
            &json!({"overall": 5, "recommend": 10, "ordered": ["pastry", "coffee"], "visit": "dine_in", "what_went_wrong": ""}),
        )
        .unwrap();
        assert_eq!(
            answers.to_json(),
            json!({"overall": 5, "recommend": 10, "ordered": ["coffee", "pastry"], "visit": "dine_in"})
        );
        assert_eq!(answers.lowest_rating(&cafe()), Some(5));
    }

    #[test]
    fn the_follow_up_is_asked_only_after_a_low_rating() {
        let ids = |raw: Value| -> Vec<String> {
            shown_questions(&cafe(), raw.as_object().unwrap())
                .iter()
                .map(|q| q.id.clone())
                .collect()
        };
        assert!(!ids(json!({"overall": 3})).contains(&"what_went_wrong".to_owned()));
        assert!(ids(json!({"overall": 2})).contains(&"what_went_wrong".to_owned()));
        let low = Answers::check(
            &cafe(),
            &json!({"overall": 1, "what_went_wrong": "等了 40 分鐘"}),
        )
        .unwrap();
        assert_eq!(low.lowest_rating(&cafe()), Some(1));
        assert_eq!(
            problems(json!({"overall": 4, "what_went_wrong": "hidden question"})),
            vec![("what_went_wrong".into(), ProblemKind::NotAsked)]
        );
    }

    #[test]
    fn each_bad_answer_is_named() {
        assert_eq!(
            problems(json!({})),
            vec![("overall".into(), ProblemKind::Missing)]
        );
        assert_eq!(
            problems(json!([1])),
            vec![(String::new(), ProblemKind::NotAnObject)]
        );
        assert_eq!(
            problems(
                json!({"overall": 6, "recommend": -1, "visit": "delivery", "ordered": ["coffee", "coffee"], "colour": "red"})
            ),
            vec![
                (
                    "overall".into(),
                    ProblemKind::OutOfScale { low: 1, high: 5 }
                ),
                (
                    "recommend".into(),
                    ProblemKind::OutOfScale { low: 0, high: 10 }
                ),
                ("ordered".into(), ProblemKind::UnknownChoice),
                ("visit".into(), ProblemKind::UnknownChoice),
                ("colour".into(), ProblemKind::NotAsked),
            ]
        );
        assert_eq!(
            problems(json!({"overall": 2.5})),
            vec![(
                "overall".into(),
                ProblemKind::OutOfScale { low: 1, high: 5 }
            )]
        );
    }

    #[test]
    fn text_answers_follow_the_text_rule_and_their_limit() {
        let long = "好".repeat(201);
        assert_eq!(
            problems(json!({"overall": 1, "what_went_wrong": long})),
            vec![(
                "what_went_wrong".into(),
                ProblemKind::Text(TextError::TooLong { max_chars: 200 })
            )]
        );
        assert_eq!(
            problems(json!({"overall": 1, "what_went_wrong": "ok\u{202e}gnorw"})),
            vec![(
                "what_went_wrong".into(),
                ProblemKind::Text(TextError::HiddenCharacter('\u{202e}'))
            )]
        );
        assert_eq!(
            problems(json!({"overall": 1, "what_went_wrong": 7})),
            vec![("what_went_wrong".into(), ProblemKind::NotText)]
        );
        // Markup is text like any other: stored as typed, never read as HTML by anyone.
        let markup = Answers::check(
            &cafe(),
            &json!({"overall": 1, "what_went_wrong": "<b>cold</b>"}),
        )
        .unwrap();
        assert_eq!(
            markup.get("what_went_wrong"),
            Some(&Answer::Text("<b>cold</b>".into()))
        );
    }

    #[test]
    fn a_definition_is_refused_when_a_form_could_not_show_it() {
        let mut bad = cafe();
        bad.questions[1].show_if.as_mut().unwrap().question = "recommend_later".into();
        assert!(
            bad.validate().is_err(),
            "show_if must name an earlier scale question"
        );
        let mut bad = cafe();
        bad.questions[1].show_if.as_mut().unwrap().at_most = 5;
        assert!(
            bad.validate().is_err(),
            "at_most 5 of 1-5 stars would always show it"
        );
        let mut bad = cafe();
        bad.questions[4].kind = QuestionKind::SingleChoice { choices: vec![] };
        assert!(bad.validate().is_err());
        let mut bad = cafe();
        bad.questions[0].id = "Overall".into();
        assert!(bad.validate().is_err());
        let mut bad = cafe();
        bad.questions[1].kind = QuestionKind::ShortText { max_chars: 10_000 };
        assert!(bad.validate().is_err());
    }
}
