//! What each mutation a wallet may send does. A mutation either applies (its effects are written
//! in the caller's transaction) or is rejected with a code and a message; both answers are final.
//! An `Err` is the server's own failure: the caller rolls everything back and answers 500.

use super::rules::RulesCache;
use super::{housekeeping, member, rewards};
use crate::store::entities;
use crate::store::StoreError;
use crate::store::WriteTx;
use serde_json::Value;
use sqlx::AnyConnection;
use wallet_core::loyalty::{profile_set_birthday, reward_exchange};
use wallet_core::sync::error_code::{INVALID_ARGUMENTS, UNKNOWN_MUTATION};
use wallet_core::sync::{
    profile_update, EntityKind, MembershipData, Mutation, MutationOutcome, MAX_MUTATION_NAME_LEN,
};

pub async fn apply(
    tx: &mut WriteTx<'_>,
    rules: &RulesCache,
    membership_id: &str,
    mutation: &Mutation,
    now: i64,
) -> Result<MutationOutcome, StoreError> {
    match mutation.name.as_str() {
        profile_update::NAME => update_profile(tx, membership_id, &mutation.args).await,
        reward_exchange::NAME => exchange(tx, rules, membership_id, &mutation.args, now).await,
        profile_set_birthday::NAME => {
            set_birthday(tx, rules, membership_id, &mutation.args, now).await
        }
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
) -> Result<MutationOutcome, StoreError> {
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
        .ok_or_else(|| StoreError::corrupt("the membership entity is missing"))?;
    // Checked as MembershipData, changed as JSON: fields it does not name (the birthday month)
    // are kept.
    let _: MembershipData = serde_json::from_value(current.clone())
        .map_err(|e| StoreError::corrupt(format!("the membership entity is not valid: {e}")))?;
    let mut data = current;
    data.as_object_mut()
        .ok_or_else(|| StoreError::corrupt("the membership entity is not an object"))?
        .insert("display_name".into(), Value::String(display_name));
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

/// `reward.exchange {"reward_id": "..."}`: see `rewards::exchange`.
async fn exchange(
    conn: &mut AnyConnection,
    rules: &RulesCache,
    membership_id: &str,
    args: &Value,
    now: i64,
) -> Result<MutationOutcome, StoreError> {
    let Some(reward_id) = reward_exchange::reward_id(args) else {
        return Ok(rejected(
            INVALID_ARGUMENTS,
            "reward_id must be the id of a reward (1 to 128 characters)".into(),
        ));
    };
    let member = member(conn, membership_id)
        .await?
        .ok_or_else(|| StoreError::corrupt("the membership is missing"))?;
    let rules = rules
        .get(conn, &member.merchant_id)
        .await?
        .ok_or_else(|| StoreError::corrupt("the membership's merchant is missing"))?;
    rewards::exchange(conn, &rules, &member, reward_id, now).await
}

/// `profile.set_birthday {"month": 1-12}`: set once; the same month again changes nothing. In
/// the birthday month the birthday coupon is issued at once.
async fn set_birthday(
    tx: &mut WriteTx<'_>,
    rules: &RulesCache,
    membership_id: &str,
    args: &Value,
    now: i64,
) -> Result<MutationOutcome, StoreError> {
    let (conn, batch) = tx.split();
    let Some(month) = profile_set_birthday::month(args) else {
        return Ok(rejected(
            INVALID_ARGUMENTS,
            "month must be a whole number from 1 to 12".into(),
        ));
    };
    let version = entities::next_version(conn).await?;
    let mut member = member(conn, membership_id)
        .await?
        .ok_or_else(|| StoreError::corrupt("the membership is missing"))?;
    match member.birthday_month {
        Some(set) if set == i64::from(month) => return Ok(MutationOutcome::Applied),
        Some(_) => {
            return Ok(rejected(
                profile_set_birthday::BIRTHDAY_ALREADY_SET,
                "your birthday month is already set; ask the shop to correct it".into(),
            ))
        }
        None => {}
    }
    sqlx::query("UPDATE memberships SET birthday_month = $1 WHERE id = $2")
        .bind(i64::from(month))
        .bind(membership_id)
        .execute(&mut *conn)
        .await?;
    member.birthday_month = Some(i64::from(month));
    let kind = EntityKind::Membership;
    let mut data = entities::read(conn, membership_id, &kind, membership_id)
        .await?
        .ok_or_else(|| StoreError::corrupt("the membership entity is missing"))?;
    data.as_object_mut()
        .ok_or_else(|| StoreError::corrupt("the membership entity is not an object"))?
        .insert("birthday_month".into(), Value::from(month));
    entities::store(
        conn,
        membership_id,
        &kind,
        membership_id,
        version,
        Some(&data),
    )
    .await?;

    let rules = rules
        .get(conn, &member.merchant_id)
        .await?
        .ok_or_else(|| StoreError::corrupt("the membership's merchant is missing"))?;
    housekeeping::issue_birthday_coupon(conn, batch, &rules, &mut member, now).await?;
    Ok(MutationOutcome::Applied)
}

fn rejected(code: &str, message: String) -> MutationOutcome {
    MutationOutcome::Rejected {
        code: code.to_owned(),
        message,
    }
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
