//! The `message` entity: what a merchant tells one member (protocol.md §13.4), shown on the card
//! and in the inbox; and `message.read`, the mutation that marks one read on every device.

use crate::model::LocalizedText;
use crate::text::{self, Lines};
use serde::{Deserialize, Serialize};

/// The longest message body, in characters.
pub const MAX_BODY_CHARS: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageTopic {
    /// Sent when the member joins.
    Welcome,
    /// Points of the member's balance expire soon.
    PointsExpiring,
    /// The birthday month's gift, with its coupon.
    BirthdayGift,
    /// A bad rating was heard: an apology, maybe with a coupon.
    ServiceRecovery,
    /// Points (or a coupon) earned by answering a survey.
    SurveyReward,
    /// Written by the merchant's staff for every member.
    News,
    #[serde(untagged)]
    Other(String),
}

/// `data` of a `message` entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageData {
    pub topic: MessageTopic,
    pub title: LocalizedText,
    pub body: LocalizedText,
    /// Unix seconds.
    pub sent_at: i64,
    /// The coupon this message brings, if any (its code, as in the coupon box).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_code: Option<String>,
    /// When the member read it (Unix seconds, the issuer's clock), on whichever device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_at: Option<i64>,
}

impl MessageData {
    pub fn validate(&self) -> bool {
        self.title.is_valid()
            && [&self.body.zh_tw, &self.body.en]
                .iter()
                .all(|body| text::is_valid(body, MAX_BODY_CHARS, Lines::Many))
    }
}

/// `message.read {"message_id": "..."}`: the member has read this message. Reading one already
/// read changes nothing.
pub mod message_read {
    pub const NAME: &str = "message.read";
    /// No message of this membership has that id.
    pub const MESSAGE_UNKNOWN: &str = "message_unknown";

    pub fn message_id(args: &serde_json::Value) -> Option<&str> {
        args.get("message_id")?
            .as_str()
            .filter(|id| crate::loyalty::is_data_id(id))
    }
}
