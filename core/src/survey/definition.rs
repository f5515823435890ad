//! A survey's questions, as an issuer defines them and sends them in a `survey` entity.

use crate::model::LocalizedText;
use serde::{Deserialize, Serialize};

pub const MAX_QUESTIONS: usize = 12;
pub const MAX_CHOICES: usize = 10;
/// The longest a short-text question may allow (its own `max_chars` may be less).
pub const MAX_TEXT_CHARS: usize = 500;
const MAX_ID_LEN: usize = 32;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyDefinition {
    pub questions: Vec<Question>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// 1 to 32 of `a-z 0-9 _`, unique in the survey: the key of its answer.
    pub id: String,
    pub prompt: LocalizedText,
    #[serde(default)]
    pub required: bool,
    #[serde(flatten)]
    pub kind: QuestionKind,
    /// Asked only when an earlier rating or NPS question was answered at most this low: the
    /// follow-up of a bad visit ("what went wrong?").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<ShowIf>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    /// 1 to 5 stars.
    Rating,
    /// 0 to 10: how likely the customer is to recommend the shop.
    Nps,
    SingleChoice {
        choices: Vec<Choice>,
    },
    MultipleChoice {
        choices: Vec<Choice>,
    },
    ShortText {
        max_chars: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    pub label: LocalizedText,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShowIf {
    pub question: String,
    pub at_most: u8,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefinitionError {
    QuestionCount,
    BadId(String),
    DuplicateId(String),
    BadText(String),
    ChoiceCount(String),
    TextLimit(String),
    /// `show_if` names no earlier rating or NPS question, or a value it cannot have.
    BadShowIf(String),
}

impl std::fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::QuestionCount => write!(f, "a survey has 1 to {MAX_QUESTIONS} questions"),
            Self::BadId(id) => write!(f, "{id:?} is not 1 to 32 of a-z 0-9 _"),
            Self::DuplicateId(id) => write!(f, "{id:?} is used twice"),
            Self::BadText(id) => write!(f, "a prompt or label of {id:?} fails the text rule"),
            Self::ChoiceCount(id) => write!(f, "{id:?} needs 2 to {MAX_CHOICES} choices"),
            Self::TextLimit(id) => write!(f, "{id:?} must allow 1 to {MAX_TEXT_CHARS} characters"),
            Self::BadShowIf(id) => write!(f, "{id:?} depends on no earlier rating or NPS question"),
        }
    }
}

impl std::error::Error for DefinitionError {}

pub(super) fn is_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
}

impl QuestionKind {
    /// The highest answer of a scale question (`None` for the others).
    pub fn scale(&self) -> Option<(u8, u8)> {
        match self {
            Self::Rating => Some((1, 5)),
            Self::Nps => Some((0, 10)),
            _ => None,
        }
    }
}

impl SurveyDefinition {
    pub fn validate(&self) -> Result<(), DefinitionError> {
        if self.questions.is_empty() || self.questions.len() > MAX_QUESTIONS {
            return Err(DefinitionError::QuestionCount);
        }
        for (at, question) in self.questions.iter().enumerate() {
            let id = &question.id;
            if !is_id(id) {
                return Err(DefinitionError::BadId(id.clone()));
            }
            if self.questions[..at].iter().any(|q| q.id == *id) {
                return Err(DefinitionError::DuplicateId(id.clone()));
            }
            if !question.prompt.is_valid() {
                return Err(DefinitionError::BadText(id.clone()));
            }
            match &question.kind {
                QuestionKind::SingleChoice { choices }
                | QuestionKind::MultipleChoice { choices } => {
                    if !(2..=MAX_CHOICES).contains(&choices.len()) {
                        return Err(DefinitionError::ChoiceCount(id.clone()));
                    }
                    for (i, choice) in choices.iter().enumerate() {
                        if !is_id(&choice.id) || choices[..i].iter().any(|c| c.id == choice.id) {
                            return Err(DefinitionError::BadId(choice.id.clone()));
                        }
                        if !choice.label.is_valid() {
                            return Err(DefinitionError::BadText(id.clone()));
                        }
                    }
                }
                QuestionKind::ShortText { max_chars } => {
                    if !(1..=MAX_TEXT_CHARS).contains(max_chars) {
                        return Err(DefinitionError::TextLimit(id.clone()));
                    }
                }
                QuestionKind::Rating | QuestionKind::Nps => {}
            }
            if let Some(show_if) = &question.show_if {
                let scale = self.questions[..at]
                    .iter()
                    .find(|q| q.id == show_if.question)
                    .and_then(|q| q.kind.scale());
                let fits = scale.is_some_and(|(low, high)| (low..high).contains(&show_if.at_most));
                if !fits {
                    return Err(DefinitionError::BadShowIf(id.clone()));
                }
            }
        }
        Ok(())
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
}
