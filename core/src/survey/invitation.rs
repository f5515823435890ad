//! The `survey` entity (one invitation to answer a survey, protocol.md §13) and the
//! `survey.answer` mutation that answers it.

use super::definition::SurveyDefinition;
use crate::loyalty::MAX_DATA_ID_LEN;
use crate::model::LocalizedText;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    Open,
    Answered,
    /// `expires_at` passed before it was answered.
    Expired,
}

/// What answering gives, once per invitation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyReward {
    /// Points added to the member's balance; 0 when the reward is a coupon only.
    #[serde(default)]
    pub points: i64,
    /// The coupon's title when the reward is a coupon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_title: Option<LocalizedText>,
}

/// `data` of a `survey` entity: its id is the invitation's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyInvitationData {
    pub survey_id: String,
    pub title: LocalizedText,
    #[serde(flatten)]
    pub definition: SurveyDefinition,
    /// Unix seconds.
    pub issued_at: i64,
    pub expires_at: i64,
    pub state: InvitationState,
    pub reward: SurveyReward,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<i64>,
}

impl SurveyInvitationData {
    pub fn validate(&self) -> bool {
        self.title.is_valid()
            && self.definition.validate().is_ok()
            && self.expires_at > self.issued_at
            && self.reward.points >= 0
            && self
                .reward
                .coupon_title
                .as_ref()
                .is_none_or(LocalizedText::is_valid)
    }

    /// Open and not yet past its expiry: what the wallet offers to answer.
    pub fn can_answer(&self, now: i64) -> bool {
        self.state == InvitationState::Open && now < self.expires_at
    }
}

/// What a page that only lists or routes to an invitation reads of a `survey` entity: not its
/// questions (the form, loaded later, reads those), so the first screen carries no parser for
/// them.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SurveyInvitationSummary {
    pub title: LocalizedText,
    pub expires_at: i64,
    pub state: InvitationState,
    pub reward: SurveyReward,
}

impl SurveyInvitationSummary {
    pub fn validate(&self) -> bool {
        self.title.is_valid()
            && self.reward.points >= 0
            && self
                .reward
                .coupon_title
                .as_ref()
                .is_none_or(LocalizedText::is_valid)
    }

    pub fn can_answer(&self, now: i64) -> bool {
        self.state == InvitationState::Open && now < self.expires_at
    }
}

/// `survey.answer {"invitation_id": "...", "answers": {...}}`.
pub mod survey_answer {
    use super::*;

    pub const NAME: &str = "survey.answer";
    /// No open invitation of this membership has the id.
    pub const SURVEY_UNKNOWN: &str = "survey_unknown";
    /// Answered already, or expired: a survey is answered once.
    pub const SURVEY_CLOSED: &str = "survey_closed";
    /// The answers fail `Answers::check`; the message names the questions.
    pub const INVALID_ANSWERS: &str = "invalid_answers";

    /// The invitation id and the raw answers, if the shape is right (the answers themselves are
    /// checked against the survey, which only the issuer's copy decides).
    pub fn parse(args: &Value) -> Option<(String, Value)> {
        let id = args.get("invitation_id")?.as_str()?;
        let answers = args.get("answers")?;
        let ok = (1..=MAX_DATA_ID_LEN).contains(&id.len()) && answers.is_object();
        ok.then(|| (id.to_owned(), answers.clone()))
    }
}
