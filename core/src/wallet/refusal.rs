//! What a refused action was and why, as far as this wallet understands the issuer's answer
//! (a rejection is final). Codes the protocol defines get the wallet's own words; for a code it
//! does not know, the issuer's free text is all there is.

use crate::claim::claim_redeem;
use crate::games::ticket_play;
use crate::loyalty::{profile_set_birthday, reward_exchange};
use crate::mutation::{Intent, IntentError};
use crate::survey::survey_answer;
use crate::sync::{error_code, profile_update};
use serde_json::Value;

/// What was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefusedAction {
    /// An exchange, with the reward asked for when the arguments name one.
    Exchange {
        reward_id: Option<String>,
    },
    Profile,
    Birthday,
    SurveyAnswer,
    TicketPlay,
    /// A code the customer scanned or typed at a shop (bonus stamps, a game ticket).
    Claim,
    Other,
}

impl RefusedAction {
    pub fn of(name: &str, args: &Value) -> Self {
        match Intent::parse(name, args) {
            Ok(Intent::ExchangeReward { reward_id }) => Self::Exchange {
                reward_id: Some(reward_id),
            },
            Ok(Intent::UpdateProfile { .. }) => Self::Profile,
            Ok(Intent::SetBirthday { .. }) => Self::Birthday,
            Ok(Intent::AnswerSurvey { .. }) => Self::SurveyAnswer,
            Ok(Intent::PlayTicket { .. }) => Self::TicketPlay,
            // The wallet sends these by itself (a read is sent for a message shown; a leave removes
            // the card at once); a refusal is nothing the customer asked for.
            Ok(Intent::SetClientSeed { .. })
            | Ok(Intent::RotateSeed)
            | Ok(Intent::ReadMessage { .. })
            | Ok(Intent::LeaveMembership) => Self::Other,
            Ok(Intent::RedeemClaim { .. }) => Self::Claim,
            // Refused as sent: what it was is still known by its name.
            Err(IntentError::InvalidArguments { name }) => match name {
                reward_exchange::NAME => Self::Exchange { reward_id: None },
                profile_update::NAME => Self::Profile,
                profile_set_birthday::NAME => Self::Birthday,
                survey_answer::NAME => Self::SurveyAnswer,
                ticket_play::NAME => Self::TicketPlay,
                claim_redeem::NAME => Self::Claim,
                _ => Self::Other,
            },
            Err(IntentError::UnknownName(_)) => Self::Other,
        }
    }
}

/// Why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefusalReason {
    InsufficientPoints,
    OutOfStock,
    RewardUnknown,
    CardNotComplete,
    BirthdayAlreadySet,
    /// Answered already, expired, or no longer known to the issuer.
    SurveyClosed,
    InvalidAnswers,
    /// The ticket was played already, is not drawn yet, or is unknown.
    TicketNotPlayable,
    /// Today's plays of the campaign are used up.
    PlayLimit,
    /// No such code at this shop.
    ClaimUnknown,
    /// Claimed already (a code is claimed once, by whoever is first).
    ClaimUsed,
    ClaimExpired,
    /// Too many codes tried today.
    ClaimLimit,
    /// What the code gives is not offered any more (no stamp card, the game ended).
    ClaimUnavailable,
    UnknownMutation,
    InvalidArguments,
    /// A code this wallet does not know: the issuer's own words.
    Issuer(String),
}

impl RefusalReason {
    pub fn of(code: &str, message: &str) -> Self {
        use claim_redeem::rejection as claim;
        use reward_exchange::rejection;
        match code {
            rejection::INSUFFICIENT_POINTS => Self::InsufficientPoints,
            rejection::OUT_OF_STOCK => Self::OutOfStock,
            rejection::REWARD_UNKNOWN => Self::RewardUnknown,
            rejection::CARD_NOT_COMPLETE => Self::CardNotComplete,
            profile_set_birthday::BIRTHDAY_ALREADY_SET => Self::BirthdayAlreadySet,
            survey_answer::SURVEY_CLOSED | survey_answer::SURVEY_UNKNOWN => Self::SurveyClosed,
            survey_answer::INVALID_ANSWERS => Self::InvalidAnswers,
            ticket_play::TICKET_PLAYED
            | ticket_play::TICKET_WAITING
            | ticket_play::TICKET_UNKNOWN => Self::TicketNotPlayable,
            ticket_play::PLAY_LIMIT => Self::PlayLimit,
            claim::CLAIM_UNKNOWN => Self::ClaimUnknown,
            claim::CLAIM_USED => Self::ClaimUsed,
            claim::CLAIM_EXPIRED => Self::ClaimExpired,
            claim::CLAIM_LIMIT => Self::ClaimLimit,
            claim::CLAIM_UNAVAILABLE => Self::ClaimUnavailable,
            error_code::UNKNOWN_MUTATION => Self::UnknownMutation,
            error_code::INVALID_ARGUMENTS => Self::InvalidArguments,
            _ => Self::Issuer(message.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_action_is_named_by_its_mutation() {
        assert_eq!(
            RefusedAction::of("reward.exchange", &json!({"reward_id": "latte"})),
            RefusedAction::Exchange {
                reward_id: Some("latte".into())
            }
        );
        assert_eq!(
            RefusedAction::of("reward.exchange", &Value::Null),
            RefusedAction::Exchange { reward_id: None },
            "a rejection stored by an older wallet has no arguments"
        );
        assert_eq!(
            RefusedAction::of("profile.update", &Value::Null),
            RefusedAction::Profile
        );
        assert_eq!(
            RefusedAction::of("profile.set_birthday", &json!({"month": 3})),
            RefusedAction::Birthday
        );
        assert_eq!(
            RefusedAction::of("survey.answer", &Value::Null),
            RefusedAction::SurveyAnswer
        );
        assert_eq!(
            RefusedAction::of("claim.redeem", &json!({"code": "K7Q2M4PA9X3D"})),
            RefusedAction::Claim
        );
        assert_eq!(
            RefusedAction::of("claim.redeem", &Value::Null),
            RefusedAction::Claim,
            "refused as sent, a claim is still a claim"
        );
        assert_eq!(
            RefusedAction::of("game.cheat", &Value::Null),
            RefusedAction::Other
        );
    }

    #[test]
    fn known_codes_get_our_words_and_others_keep_the_issuers() {
        for (code, reason) in [
            ("insufficient_points", RefusalReason::InsufficientPoints),
            ("out_of_stock", RefusalReason::OutOfStock),
            ("reward_unknown", RefusalReason::RewardUnknown),
            ("card_not_complete", RefusalReason::CardNotComplete),
            ("birthday_already_set", RefusalReason::BirthdayAlreadySet),
            ("unknown_mutation", RefusalReason::UnknownMutation),
            ("invalid_arguments", RefusalReason::InvalidArguments),
            ("survey_closed", RefusalReason::SurveyClosed),
            ("survey_unknown", RefusalReason::SurveyClosed),
            ("invalid_answers", RefusalReason::InvalidAnswers),
            ("ticket_played", RefusalReason::TicketNotPlayable),
            ("play_limit", RefusalReason::PlayLimit),
            ("claim_unknown", RefusalReason::ClaimUnknown),
            ("claim_used", RefusalReason::ClaimUsed),
            ("claim_expired", RefusalReason::ClaimExpired),
            ("claim_limit", RefusalReason::ClaimLimit),
            ("claim_unavailable", RefusalReason::ClaimUnavailable),
        ] {
            assert_eq!(RefusalReason::of(code, "ignored"), reason, "{code}");
        }
        assert_eq!(
            RefusalReason::of("daily_limit", "今日已兌換過"),
            RefusalReason::Issuer("今日已兌換過".into())
        );
    }
}
