//! Surveys: what a merchant asks after a visit, and the one set of rules for answers that the
//! wallet applies as the customer types and the issuer applies when the answer arrives, so a
//! survey the wallet lets through is never refused for its shape.

mod answers;
mod definition;
mod invitation;

pub use answers::{is_blank, shown_questions, Answer, AnswerProblem, Answers, ProblemKind};
pub use definition::{
    Choice, DefinitionError, Question, QuestionKind, ShowIf, SurveyDefinition, MAX_CHOICES,
    MAX_QUESTIONS, MAX_TEXT_CHARS,
};
pub use invitation::{
    survey_answer, InvitationState, SurveyInvitationData, SurveyInvitationSummary, SurveyReward,
};
