//! What a mutation asks for, typed: its name and its validated arguments, parsed once. The wallet
//! builds an `Intent` and queues `name()` with `args()`; an issuer parses what it receives with
//! `Intent::parse` and dispatches with a `match`, so a new mutation is one variant, one parser
//! (in the variant's own module: `profile_update`, `reward_exchange`, `profile_set_birthday`)
//! and one effect, and the compiler lists every place that must handle it.

use crate::claim::{claim_redeem, ClaimCode};
use crate::fair_draw::ClientSeed;
use crate::games::{draw_rotate_seed, draw_set_client_seed, ticket_play};
use crate::loyalty::{profile_set_birthday, reward_exchange, MAX_DATA_ID_LEN};
use crate::message::message_read;
use crate::survey::survey_answer;
use crate::sync::error_code::{INVALID_ARGUMENTS, UNKNOWN_MUTATION};
use crate::sync::{membership_leave, profile_update};
use serde_json::{json, Value};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intent {
    /// `profile.update {"display_name": "..."}`: the name the member is greeted with.
    UpdateProfile { display_name: String },
    /// `reward.exchange {"reward_id": "..."}`: points or a completed stamp card for a reward.
    ExchangeReward { reward_id: String },
    /// `profile.set_birthday {"month": 1-12}`: set once, for the birthday coupon.
    SetBirthday { month: u8 },
    /// `survey.answer {"invitation_id": "...", "answers": {...}}`: answers an open invitation;
    /// the answers are checked against the issuer's copy of the survey.
    AnswerSurvey {
        invitation_id: String,
        answers: Value,
    },
    /// `ticket.play {"ticket_id": "..."}`: plays a drawn ticket.
    PlayTicket { ticket_id: String },
    /// `draw.set_client_seed {"seed_id": "...", "client_seed": "..."}`: the wallet's seed.
    SetClientSeed {
        seed_id: String,
        client_seed: ClientSeed,
    },
    /// `draw.rotate_seed {}`: reveal the seed, commit a new one.
    RotateSeed,
    /// `claim.redeem {"code": "..."}`: claims a code a shop printed (bonus stamps, a ticket).
    RedeemClaim { code: ClaimCode },
    /// `message.read {"message_id": "..."}`: a message was read (on any of the member's devices).
    ReadMessage { message_id: String },
    /// `membership.leave {}`: the member leaves; the issuer ends the membership and its token.
    LeaveMembership,
}

/// Why a mutation could not be read; both are final rejections with these codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntentError {
    /// A name this wallet core does not know (an issuer answers `unknown_mutation`).
    UnknownName(String),
    /// A known name with arguments that are not acceptable (`invalid_arguments`).
    InvalidArguments { name: &'static str },
}

impl IntentError {
    /// The protocol's rejection code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownName(_) => UNKNOWN_MUTATION,
            Self::InvalidArguments { .. } => INVALID_ARGUMENTS,
        }
    }
}

impl fmt::Display for IntentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownName(name) => write!(f, "this issuer does not know the mutation {name:?}"),
            Self::InvalidArguments { name } => match *name {
                profile_update::NAME => write!(
                    f,
                    "display_name must be one line of 1 to {} characters without control or hidden characters",
                    profile_update::MAX_DISPLAY_NAME_CHARS
                ),
                reward_exchange::NAME => write!(
                    f,
                    "reward_id must be the id of a reward (1 to {MAX_DATA_ID_LEN} characters)"
                ),
                profile_set_birthday::NAME => {
                    f.write_str("month must be a whole number from 1 to 12")
                }
                survey_answer::NAME => f.write_str(
                    "invitation_id must be an invitation's id and answers an object of answers",
                ),
                ticket_play::NAME => f.write_str("ticket_id must be a ticket's id"),
                draw_set_client_seed::NAME => f.write_str(
                    "seed_id must be a seed's id and client_seed 8 to 64 of A-Z a-z 0-9 _ -",
                ),
                claim_redeem::NAME => f.write_str(
                    "code must be a claim code: 12 letters and digits, as printed under its QR",
                ),
                message_read::NAME => f.write_str("message_id must be a message's id"),
                _ => f.write_str("the arguments of this mutation are not valid"),
            },
        }
    }
}

impl std::error::Error for IntentError {}

impl Intent {
    /// Reads a mutation as it travels (name and JSON arguments). An unknown name keeps at most
    /// `MAX_ECHOED_NAME_CHARS` characters of what was sent.
    pub fn parse(name: &str, args: &Value) -> Result<Self, IntentError> {
        let invalid = |name| IntentError::InvalidArguments { name };
        match name {
            profile_update::NAME => profile_update::display_name(args)
                .map(|display_name| Self::UpdateProfile { display_name })
                .ok_or(invalid(profile_update::NAME)),
            reward_exchange::NAME => reward_exchange::reward_id(args)
                .map(|id| Self::ExchangeReward {
                    reward_id: id.to_owned(),
                })
                .ok_or(invalid(reward_exchange::NAME)),
            profile_set_birthday::NAME => profile_set_birthday::month(args)
                .map(|month| Self::SetBirthday { month })
                .ok_or(invalid(profile_set_birthday::NAME)),
            survey_answer::NAME => survey_answer::parse(args)
                .map(|(invitation_id, answers)| Self::AnswerSurvey {
                    invitation_id,
                    answers,
                })
                .ok_or(invalid(survey_answer::NAME)),
            ticket_play::NAME => ticket_play::ticket_id(args)
                .map(|id| Self::PlayTicket {
                    ticket_id: id.to_owned(),
                })
                .ok_or(invalid(ticket_play::NAME)),
            draw_set_client_seed::NAME => draw_set_client_seed::parse(args)
                .map(|(seed_id, client_seed)| Self::SetClientSeed {
                    seed_id,
                    client_seed,
                })
                .ok_or(invalid(draw_set_client_seed::NAME)),
            draw_rotate_seed::NAME => Ok(Self::RotateSeed),
            claim_redeem::NAME => claim_redeem::code(args)
                .map(|code| Self::RedeemClaim { code })
                .ok_or(invalid(claim_redeem::NAME)),
            message_read::NAME => message_read::message_id(args)
                .map(|id| Self::ReadMessage {
                    message_id: id.to_owned(),
                })
                .ok_or(invalid(message_read::NAME)),
            membership_leave::NAME => Ok(Self::LeaveMembership),
            other => Err(IntentError::UnknownName(
                shorten(other, MAX_ECHOED_NAME_CHARS).to_owned(),
            )),
        }
    }

    /// The mutation's name on the wire.
    pub fn name(&self) -> &'static str {
        match self {
            Self::UpdateProfile { .. } => profile_update::NAME,
            Self::ExchangeReward { .. } => reward_exchange::NAME,
            Self::SetBirthday { .. } => profile_set_birthday::NAME,
            Self::AnswerSurvey { .. } => survey_answer::NAME,
            Self::PlayTicket { .. } => ticket_play::NAME,
            Self::SetClientSeed { .. } => draw_set_client_seed::NAME,
            Self::RotateSeed => draw_rotate_seed::NAME,
            Self::RedeemClaim { .. } => claim_redeem::NAME,
            Self::ReadMessage { .. } => message_read::NAME,
            Self::LeaveMembership => membership_leave::NAME,
        }
    }

    /// The mutation's arguments on the wire; `parse(name(), &args())` gives `self` back.
    pub fn args(&self) -> Value {
        match self {
            Self::UpdateProfile { display_name } => json!({ "display_name": display_name }),
            Self::ExchangeReward { reward_id } => json!({ "reward_id": reward_id }),
            Self::SetBirthday { month } => json!({ "month": month }),
            Self::AnswerSurvey {
                invitation_id,
                answers,
            } => json!({ "invitation_id": invitation_id, "answers": answers }),
            Self::PlayTicket { ticket_id } => json!({ "ticket_id": ticket_id }),
            Self::SetClientSeed {
                seed_id,
                client_seed,
            } => json!({ "seed_id": seed_id, "client_seed": client_seed.as_str() }),
            Self::RotateSeed => json!({}),
            Self::RedeemClaim { code } => json!({ "code": code.as_str() }),
            Self::ReadMessage { message_id } => json!({ "message_id": message_id }),
            Self::LeaveMembership => json!({}),
        }
    }
}

/// The most characters of an unknown mutation name that are echoed back.
pub const MAX_ECHOED_NAME_CHARS: usize = crate::sync::MAX_MUTATION_NAME_LEN;

/// At most `max` characters, so a stranger's long name is not echoed back or stored whole.
pub fn shorten(text: &str, max: usize) -> &str {
    text.char_indices()
        .nth(max)
        .map_or(text, |(at, _)| &text[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_intent_survives_the_wire() {
        for intent in [
            Intent::UpdateProfile {
                display_name: "小明".into(),
            },
            Intent::ExchangeReward {
                reward_id: "beef-tongue".into(),
            },
            Intent::SetBirthday { month: 12 },
            Intent::AnswerSurvey {
                invitation_id: "sv_1".into(),
                answers: json!({"overall": 4}),
            },
            Intent::PlayTicket {
                ticket_id: "tk_1".into(),
            },
            Intent::SetClientSeed {
                seed_id: "ds_1".into(),
                client_seed: ClientSeed::parse("phone-seed-123").unwrap(),
            },
            Intent::RotateSeed,
            Intent::RedeemClaim {
                code: ClaimCode::parse("K7Q2M4PA9X3D").unwrap(),
            },
            Intent::ReadMessage {
                message_id: "msg_1".into(),
            },
            Intent::LeaveMembership,
        ] {
            assert_eq!(Intent::parse(intent.name(), &intent.args()), Ok(intent));
        }
    }

    #[test]
    fn arguments_are_validated_when_parsed() {
        let parsed = Intent::parse("profile.update", &json!({"display_name": "  小明 "}));
        assert_eq!(
            parsed,
            Ok(Intent::UpdateProfile {
                display_name: "小明".into()
            })
        );
        for (name, args) in [
            ("profile.update", json!({"display_name": ""})),
            ("profile.update", json!({"display_name": "x".repeat(41)})),
            ("reward.exchange", json!({"reward_id": 7})),
            ("reward.exchange", json!({})),
            ("profile.set_birthday", json!({"month": 13})),
            ("profile.set_birthday", json!({"month": "5"})),
            ("survey.answer", json!({"invitation_id": "sv_1"})),
            ("survey.answer", json!({"invitation_id": "", "answers": {}})),
            (
                "survey.answer",
                json!({"invitation_id": "sv_1", "answers": [4]}),
            ),
            ("claim.redeem", json!({})),
            ("claim.redeem", json!({"code": "K7Q2"})),
            ("claim.redeem", json!({"code": ["K7Q2M4PA9X3D"]})),
            ("message.read", json!({})),
            ("message.read", json!({"message_id": ""})),
            ("message.read", json!({"message_id": 3})),
        ] {
            let error = Intent::parse(name, &args).unwrap_err();
            assert_eq!(error.code(), INVALID_ARGUMENTS, "{name} {args}");
            assert!(!error.to_string().is_empty());
        }
    }

    #[test]
    fn an_unknown_name_is_echoed_shortened() {
        let long = "x".repeat(500);
        let error = Intent::parse(&long, &json!({})).unwrap_err();
        assert_eq!(error.code(), UNKNOWN_MUTATION);
        assert_eq!(
            error,
            IntentError::UnknownName("x".repeat(MAX_ECHOED_NAME_CHARS))
        );
    }

    #[test]
    fn shorten_counts_characters() {
        assert_eq!(shorten("profile.update", 64), "profile.update");
        assert_eq!(shorten("集點集點", 2), "集點");
        assert_eq!(shorten("", 3), "");
    }
}
