//! What each mutation a wallet may send does. A mutation either applies (its effects are written
//! in the caller's transaction) or is rejected with a code and a message; both answers are final.
//! An `Err` is the server's own failure: the caller rolls everything back and answers 500.

use crate::entities;
use serde_json::Value;
use sqlx::AnyConnection;
use wallet_core::sync::error_code::{INVALID_ARGUMENTS, UNKNOWN_MUTATION};
use wallet_core::sync::{
    profile_update, EntityKind, MembershipData, Mutation, MutationOutcome, MAX_MUTATION_NAME_LEN,
};

pub async fn apply(
    conn: &mut AnyConnection,
    membership_id: &str,
    mutation: &Mutation,
) -> Result<MutationOutcome, sqlx::Error> {
    match mutation.name.as_str() {
        profile_update::NAME => update_profile(conn, membership_id, &mutation.args).await,
        other => Ok(rejected(
            UNKNOWN_MUTATION,
            format!(
                "this issuer does not know the mutation {:?}",
                shorten(other, MAX_MUTATION_NAME_LEN)
            ),
        )),
    }
}

/// `profile.update {"display_name": "..."}`: the membership entity's display name.
async fn update_profile(
    conn: &mut AnyConnection,
    membership_id: &str,
    args: &Value,
) -> Result<MutationOutcome, sqlx::Error> {
    let Some(display_name) = profile_update::display_name(args) else {
        return Ok(rejected(
            INVALID_ARGUMENTS,
            format!(
                "display_name must be text of 1 to {} characters without control characters",
                profile_update::MAX_DISPLAY_NAME_CHARS
            ),
        ));
    };
    // The version first: it serialises writers, so the data read next is the latest.
    let version = entities::next_version(conn).await?;
    let kind = EntityKind::Membership;
    let current = entities::read(conn, membership_id, &kind, membership_id)
        .await?
        .ok_or_else(|| decode_error("the membership entity is missing"))?;
    let mut data: MembershipData = serde_json::from_value(current)
        .map_err(|e| decode_error(&format!("the membership entity is not valid: {e}")))?;
    data.display_name = Some(display_name);
    let data = serde_json::to_value(data).map_err(|e| decode_error(&e.to_string()))?;
    entities::store(
        conn,
        membership_id,
        &kind,
        membership_id,
        version,
        Some(&data),
    )
    .await?;
    Ok(MutationOutcome::Applied)
}

fn rejected(code: &str, message: String) -> MutationOutcome {
    MutationOutcome::Rejected {
        code: code.to_owned(),
        message,
    }
}

fn decode_error(message: &str) -> sqlx::Error {
    sqlx::Error::Decode(message.to_owned().into())
}

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
    fn shorten_counts_characters() {
        assert_eq!(shorten("profile.update", 64), "profile.update");
        assert_eq!(shorten("集點集點", 2), "集點");
        assert_eq!(shorten("", 3), "");
    }
}
