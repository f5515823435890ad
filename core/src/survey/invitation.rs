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
/// them. Read field by field (`from_data`), not by a derived parser: the first screen reads every
/// card's invitations, and the derived parser of these types cost it 0.8 KB brotli.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveyInvitationSummary {
    pub title: LocalizedText,
    pub expires_at: i64,
    pub state: InvitationState,
    pub reward: SurveyReward,
}

impl SurveyInvitationSummary {
    /// The summary of a `survey` entity's `data` (`SurveyInvitationData` on the wire), if it is
    /// one this wallet can show (`validate`).
    pub fn from_data(data: &Value) -> Option<Self> {
        let text = |value: &Value| serde_json::from_value::<LocalizedText>(value.clone()).ok();
        let state = match data.get("state")?.as_str()? {
            "open" => InvitationState::Open,
            "answered" => InvitationState::Answered,
            "expired" => InvitationState::Expired,
            _ => return None,
        };
        let reward = data.get("reward").filter(|reward| reward.is_object())?;
        let summary = Self {
            title: text(data.get("title")?)?,
            expires_at: data.get("expires_at")?.as_i64()?,
            state,
            reward: SurveyReward {
                points: match reward.get("points") {
                    None => 0,
                    Some(points) => points.as_i64()?,
                },
                coupon_title: match reward.get("coupon_title") {
                    None | Some(Value::Null) => None,
                    Some(title) => Some(text(title)?),
                },
            },
        };
        summary.validate().then_some(summary)
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entity() -> Value {
        json!({
            "survey_id": "sv_visit",
            "title": {"zh-TW": "這次來店還滿意嗎？", "en": "How was your visit?"},
            "questions": [{"id": "overall", "kind": "rating", "label": {"zh-TW": "整體", "en": "Overall"}, "required": true}],
            "issued_at": 100,
            "expires_at": 200,
            "state": "open",
            "reward": {"points": 20, "coupon_title": null}
        })
    }

    fn with(path: &[&str], value: Value) -> Value {
        let mut data = entity();
        let (last, parents) = path.split_last().unwrap();
        let mut at = &mut data;
        for key in parents {
            at = &mut at[*key];
        }
        at[*last] = value;
        data
    }

    #[test]
    fn the_summary_reads_what_the_card_shows() {
        let summary = SurveyInvitationSummary::from_data(&entity()).unwrap();
        assert_eq!(summary.title.en, "How was your visit?");
        assert_eq!(summary.expires_at, 200);
        assert!(summary.can_answer(199) && !summary.can_answer(200));
        assert_eq!(summary.reward.points, 20);
        assert_eq!(summary.reward.coupon_title, None);
        let coupon = json!({"zh-TW": "招待飲料", "en": "A free drink"});
        let summary =
            SurveyInvitationSummary::from_data(&with(&["reward"], json!({"coupon_title": coupon})));
        let reward = summary.unwrap().reward;
        assert_eq!(
            (reward.points, reward.coupon_title.unwrap().en.as_str()),
            (0, "A free drink")
        );
        let answered = with(&["state"], json!("answered"));
        assert_eq!(
            SurveyInvitationSummary::from_data(&answered).map(|s| s.state),
            Some(InvitationState::Answered)
        );
    }

    #[test]
    fn an_entity_that_is_not_an_invitation_gives_none() {
        for bad in [
            json!("sv"),
            with(&["state"], json!("pending")),
            with(&["expires_at"], json!("tomorrow")),
            with(&["title"], json!("How was it?")),
            with(&["title", "en"], json!("")),
            with(&["reward", "points"], json!(-5)),
            with(&["reward", "points"], json!("20")),
            with(&["reward", "coupon_title"], json!({"en": "no Chinese"})),
            with(&["reward"], Value::Null),
        ] {
            assert_eq!(SurveyInvitationSummary::from_data(&bad), None, "{bad}");
        }
    }
}
