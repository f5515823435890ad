//! Redeeming a coupon at the counter (protocol sections 11.3 and 11.5): once, exactly once on a
//! resend, and one winner of two tills at once. Over HTTP only a member's coupon comes from the
//! merchant's own rules: stamps added up to a step that issues one, or points added and a reward
//! exchanged for one.

use super::{ensure, CheckResult, Problem};
use crate::context::{expect_error, Context};
use crate::till::{accepted, replayed, Till, TillMember};
use serde_json::json;
use std::sync::Barrier;
use wallet_core::cashier::{error_code, AdjustResponse, RedeemResponse};
use wallet_core::loyalty::{
    reward_exchange, CouponData, CouponState, RewardCost, RewardData, StampCardData, StampCardState,
};
use wallet_core::sync::{EntityKind, MutationOutcome};
use wallet_core::CouponCode;

const CLIENT: &str = "conformance-coupons";

/// A new active coupon of `member`, from what the merchant offers; a skip if it offers neither.
fn obtain_coupon(till: &Till<'_>, member: &TillMember) -> Result<CouponCode, Problem> {
    let context = till.context;
    let pull = context.pull_all(&member.member, CLIENT)?;
    let data_of = |kind: EntityKind| {
        pull.changes
            .iter()
            .filter(move |c| c.kind == kind)
            .filter_map(|c| c.data.clone())
    };
    let card_step = data_of(EntityKind::StampCard)
        .filter_map(|d| serde_json::from_value::<StampCardData>(d).ok())
        .filter(|card| card.state == StampCardState::Active)
        .find_map(|card| {
            let step = card
                .rewards
                .iter()
                .find(|s| s.issues_coupon && s.at > card.stamps)?;
            Some(step.at - card.stamps)
        });
    if let Some(stamps) = card_step {
        let reply = till.adjust(
            member,
            json!({ "delta_stamps": stamps }),
            &till.request_id(),
        )?;
        let answer: AdjustResponse =
            accepted(&reply, &format!("{stamps} stamps added up to a step"))?;
        return answer
            .coupons_issued
            .first()
            .map(|issued| issued.code.clone())
            .ok_or_else(|| {
                Problem::Fail(format!(
                    "stamps up to a step that issues a coupon issued none: {}",
                    reply.describe()
                ))
            });
    }
    let reward = data_of(EntityKind::Reward)
        .zip(
            pull.changes
                .iter()
                .filter(|c| c.kind == EntityKind::Reward)
                .map(|c| c.id.clone()),
        )
        .filter_map(|(d, id)| Some((id, serde_json::from_value::<RewardData>(d).ok()?)))
        .find_map(|(id, reward)| match reward.cost {
            RewardCost::Points { points } if reward.in_stock => Some((id, points)),
            _ => None,
        });
    let Some((reward_id, points)) = reward else {
        return Err(Problem::Skip(
            "the merchant has no stamp card step that issues a coupon and no reward for points: no coupon to redeem".into(),
        ));
    };
    let reply = till.adjust(
        member,
        json!({ "delta_points": points }),
        &till.request_id(),
    )?;
    accepted::<AdjustResponse>(&reply, &format!("{points} points added for a reward"))?;
    let exchange = context.mutation(1, reward_exchange::NAME, json!({ "reward_id": reward_id }));
    let answer = context.sync(&member.member, CLIENT, Some(&pull.cursor), &[exchange])?;
    ensure(
        answer.results[0].outcome == MutationOutcome::Applied,
        || {
            format!(
                "reward.exchange of {reward_id}: {:?}",
                answer.results[0].outcome
            )
        },
    )?;
    answer
        .changes
        .iter()
        .filter(|c| c.kind == EntityKind::Coupon)
        .find_map(|c| CouponCode::from_canonical(&c.id))
        .ok_or_else(|| {
            Problem::Fail("an applied reward.exchange brought no coupon in its answer".into())
        })
}

pub fn redeem_exactly_once(context: &Context) -> CheckResult {
    let till = context.till()?;
    let member = till.member()?;
    let code = obtain_coupon(&till, &member)?;
    let request_id = till.request_id();
    let first = till.redeem(&code.qr_payload(), &request_id)?;
    let answer: RedeemResponse = accepted(&first, "redeeming a new coupon")?;
    ensure(
        answer.coupon_code == code && answer.membership_id.as_str() == member.id(),
        || format!("the answer is not about this coupon: {}", first.describe()),
    )?;
    replayed(
        &till.redeem(&code.qr_payload(), &request_id)?,
        &first,
        "the same redeem again",
    )?;
    // The typed form names the same coupon, so it is the same request.
    replayed(
        &till.redeem(&code.grouped(), &request_id)?,
        &first,
        "the same redeem, typed",
    )?;
    let second = till.redeem(&code.qr_payload(), &till.request_id())?;
    expect_error(&second, 409, error_code::COUPON_ALREADY_USED)
        .map_err(|e| format!("a used coupon with a new request id: {e}"))?;

    let pull = context.pull_all(&member.member, CLIENT)?;
    let coupon = pull
        .changes
        .iter()
        .find(|c| c.kind == EntityKind::Coupon && c.id == code.as_str())
        .and_then(|c| c.data.clone())
        .ok_or("the redeemed coupon is not among the member's entities")?;
    let coupon: CouponData =
        serde_json::from_value(coupon).map_err(|e| format!("coupon data: {e}"))?;
    ensure(coupon.validate(), || {
        "a wallet refuses the coupon's data".into()
    })?;
    ensure(
        coupon.state == CouponState::Used && coupon.used_at.is_some(),
        || {
            format!(
                "the redeemed coupon syncs as {:?}, used_at {:?}",
                coupon.state, coupon.used_at
            )
        },
    )
}

pub fn redeem_race(context: &Context) -> CheckResult {
    let till = context.till()?;
    let member = till.member()?;
    let code = obtain_coupon(&till, &member)?;
    let payload = code.qr_payload();
    let ids = [till.request_id(), till.request_id()];
    let start = Barrier::new(ids.len());
    let replies: Vec<Result<crate::client::Reply, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = ids
            .iter()
            .map(|id| {
                let (till, payload, start) = (&till, &payload, &start);
                scope.spawn(move || {
                    start.wait();
                    till.redeem(payload, id)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a redeem thread panicked".into()))
            })
            .collect()
    });
    let replies = replies.into_iter().collect::<Result<Vec<_>, _>>()?;
    let winners = replies.iter().filter(|r| r.status == 200).count();
    ensure(winners == 1, || {
        let seen: Vec<String> = replies.iter().map(|r| r.describe()).collect();
        format!("two tills redeeming one coupon at once: {winners} got 200: {seen:?}")
    })?;
    let loser = replies
        .iter()
        .find(|r| r.status != 200)
        .ok_or("no refused redeem")?;
    Ok(expect_error(loser, 409, error_code::COUPON_ALREADY_USED)?)
}
