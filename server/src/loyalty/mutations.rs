//! What each mutation a wallet may send does. The mutation is parsed once into a typed
//! `wallet_core::Intent` (unknown names and bad arguments are rejected there) and dispatched with a
//! `match`. It either applies (its effects are written in the caller's transaction) or is rejected
//! with a code and a message; both answers are final. An `Err` is the server's own failure: the
//! caller rolls everything back and answers 500.

use super::rules::{MerchantRules, RulesCache};
use super::MemberRow;
use super::{claims, games, housekeeping, leaving, member, messages, rejected, rewards, surveys};
use crate::store::entities;
use crate::store::StoreError;
use crate::store::WriteTx;
use serde_json::Value;
use sqlx::AnyConnection;
use std::sync::Arc;
use wallet_core::claim::ClaimCode;
use wallet_core::fair_draw::ClientSeed;
use wallet_core::loyalty::profile_set_birthday;
use wallet_core::sync::{EntityKind, MembershipData, Mutation, MutationOutcome};
use wallet_core::Intent;

pub async fn apply(
    tx: &mut WriteTx<'_>,
    rules: &RulesCache,
    membership_id: &str,
    mutation: &Mutation,
    now: i64,
) -> Result<MutationOutcome, StoreError> {
    let intent = match Intent::parse(&mutation.name, &mutation.args) {
        Ok(intent) => intent,
        Err(refused) => return Ok(rejected(refused.code(), refused.to_string())),
    };
    match intent {
        Intent::UpdateProfile { display_name } => {
            update_profile(tx, membership_id, display_name).await
        }
        Intent::ExchangeReward { reward_id } => {
            exchange(tx, rules, membership_id, &reward_id, now).await
        }
        Intent::SetBirthday { month } => set_birthday(tx, rules, membership_id, month, now).await,
        Intent::AnswerSurvey {
            invitation_id,
            answers,
        } => answer_survey(tx, rules, membership_id, &invitation_id, &answers, now).await,
        Intent::PlayTicket { ticket_id } => {
            game(tx, rules, membership_id, now, Game::Play(&ticket_id)).await
        }
        Intent::SetClientSeed {
            seed_id,
            client_seed,
        } => {
            let game_step = Game::SetClientSeed(&seed_id, &client_seed);
            game(tx, rules, membership_id, now, game_step).await
        }
        Intent::RotateSeed => game(tx, rules, membership_id, now, Game::Rotate).await,
        Intent::RedeemClaim { code } => redeem_claim(tx, rules, membership_id, &code, now).await,
        Intent::ReadMessage { message_id } => {
            messages::read(tx, membership_id, &message_id, now).await
        }
        Intent::LeaveMembership => leaving::leave(tx, membership_id, now).await,
    }
}

/// `profile.update {"display_name": "..."}`: the membership entity's display name.
async fn update_profile(
    conn: &mut AnyConnection,
    membership_id: &str,
    display_name: String,
) -> Result<MutationOutcome, StoreError> {
    set_membership_field(
        conn,
        membership_id,
        "display_name",
        Value::String(display_name),
    )
    .await?;
    Ok(MutationOutcome::Applied)
}

/// Sets one field of the `membership` entity, with a new version (the write transaction holds the
/// version lock, so what is read is the latest). Checked as `MembershipData`, changed as JSON:
/// the fields it does not name are kept.
async fn set_membership_field(
    conn: &mut AnyConnection,
    membership_id: &str,
    field: &str,
    value: Value,
) -> Result<(), StoreError> {
    let kind = EntityKind::Membership;
    let mut data = entities::read(conn, membership_id, &kind, membership_id)
        .await?
        .ok_or_else(|| StoreError::corrupt("the membership entity is missing"))?;
    let _: MembershipData = serde_json::from_value(data.clone())
        .map_err(|e| StoreError::corrupt(format!("the membership entity is not valid: {e}")))?;
    data.as_object_mut()
        .ok_or_else(|| StoreError::corrupt("the membership entity is not an object"))?
        .insert(field.into(), value);
    entities::put(conn, membership_id, &kind, membership_id, Some(&data)).await
}

/// `reward.exchange {"reward_id": "..."}`: see `rewards::exchange`.
async fn exchange(
    conn: &mut AnyConnection,
    rules: &RulesCache,
    membership_id: &str,
    reward_id: &str,
    now: i64,
) -> Result<MutationOutcome, StoreError> {
    let (member, rules) = member_and_rules(conn, rules, membership_id).await?;
    rewards::exchange(conn, &rules, &member, reward_id, now).await
}

/// `profile.set_birthday {"month": 1-12}`: set once; the same month again changes nothing. The
/// birthday coupon is issued in the birthday month if the month was set long enough before it
/// (`MerchantRules::birthday_wait_days`); checked here too, for a month set long ago elsewhere.
async fn set_birthday(
    tx: &mut WriteTx<'_>,
    rules: &RulesCache,
    membership_id: &str,
    month: u8,
    now: i64,
) -> Result<MutationOutcome, StoreError> {
    let (conn, batch) = tx.split();
    let mut member = member(conn, membership_id)
        .await?
        .ok_or_else(|| StoreError::corrupt("the membership is missing"))?;
    match member.birthday_month {
        Some(set) if set == i64::from(month) => return Ok(MutationOutcome::Applied),
        Some(_) => {
            return Ok(rejected(
                profile_set_birthday::BIRTHDAY_ALREADY_SET,
                "your birthday month is already set; ask the shop to correct it",
            ))
        }
        None => {}
    }
    sqlx::query("UPDATE memberships SET birthday_month = $1, birthday_set_at = $2 WHERE id = $3")
        .bind(i64::from(month))
        .bind(now)
        .bind(membership_id)
        .execute(&mut *conn)
        .await?;
    member.birthday_month = Some(i64::from(month));
    member.birthday_set_at = Some(now);
    set_membership_field(conn, membership_id, "birthday_month", Value::from(month)).await?;

    let rules = rules
        .get(conn, &member.merchant_id)
        .await?
        .ok_or_else(|| StoreError::corrupt("the membership's merchant is missing"))?;
    housekeeping::issue_birthday_coupon(conn, batch, &rules, &mut member, now).await?;
    Ok(MutationOutcome::Applied)
}

/// `survey.answer {"invitation_id": "...", "answers": {...}}`: see `surveys::answer`.
async fn answer_survey(
    tx: &mut WriteTx<'_>,
    rules: &RulesCache,
    membership_id: &str,
    invitation_id: &str,
    answers: &Value,
    now: i64,
) -> Result<MutationOutcome, StoreError> {
    let (conn, batch) = tx.split();
    let (member, rules) = member_and_rules(conn, rules, membership_id).await?;
    surveys::answer(conn, batch, &rules, &member, invitation_id, answers, now).await
}

/// `claim.redeem {"code": "..."}`: see `claims::redeem`.
async fn redeem_claim(
    tx: &mut WriteTx<'_>,
    rules: &RulesCache,
    membership_id: &str,
    code: &ClaimCode,
    now: i64,
) -> Result<MutationOutcome, StoreError> {
    let (mut member, rules) = member_and_rules(tx, rules, membership_id).await?;
    claims::redeem(tx, &rules, &mut member, code, now).await
}

/// The member a mutation is for and its merchant's rules: both exist for a membership that syncs.
async fn member_and_rules(
    conn: &mut AnyConnection,
    rules: &RulesCache,
    membership_id: &str,
) -> Result<(MemberRow, Arc<MerchantRules>), StoreError> {
    let member = member(conn, membership_id)
        .await?
        .ok_or_else(|| StoreError::corrupt("the membership is missing"))?;
    let rules = rules
        .get(conn, &member.merchant_id)
        .await?
        .ok_or_else(|| StoreError::corrupt("the membership's merchant is missing"))?;
    Ok((member, rules))
}

/// The games' mutations (`loyalty::games`).
enum Game<'a> {
    Play(&'a str),
    SetClientSeed(&'a str, &'a ClientSeed),
    Rotate,
}

async fn game(
    tx: &mut WriteTx<'_>,
    rules: &RulesCache,
    membership_id: &str,
    now: i64,
    step: Game<'_>,
) -> Result<MutationOutcome, StoreError> {
    let (conn, batch) = tx.split();
    let (member, rules) = member_and_rules(conn, rules, membership_id).await?;
    match step {
        Game::Play(ticket_id) => games::play(conn, batch, &rules, &member, ticket_id, now).await,
        Game::SetClientSeed(seed_id, client_seed) => {
            games::set_client_seed(conn, batch, &rules, &member, seed_id, client_seed).await
        }
        Game::Rotate => games::rotate_seed(conn, batch, &rules, &member, now).await,
    }
}
