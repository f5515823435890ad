//! What a purchase at the counter does to the member's value: housekeeping first, then stamps
//! within the limits, points at the earn rate and tier multiplier, the purchase row, and the tier
//! recomputed, all in the caller's transaction.

use super::housekeeping::{self, due_columns, Due};
use super::points::{self, Change};
use super::rules::MerchantRules;
use super::stamps::{self, Stamped};
use super::tiers::{self, Standing};
use super::MemberRow;
use super::{games, referrals, surveys};
use crate::store::entities::{self, Param, Statement};
use crate::store::{StoreError, WriteTx};
use sqlx::FromRow;
use wallet_core::cashier::IssuedCoupon;
use wallet_core::loyalty::{LedgerReason, StampCardState};
use wallet_core::loyalty_rules::{day_start, local_day, StampGrant};

/// The member as a purchase finds it under the write lock: its row and what the purchase reads
/// before it writes (`use_code_step`).
pub struct Buyer {
    pub member: MemberRow,
    context: PurchaseContext,
}

/// The active stamp card's columns, each a subquery of the `RETURNING` of `use_code_step` (which
/// may only name the updated table): one index lookup each, cheaper than another round trip.
macro_rules! active_card {
    ($column:literal) => {
        concat!(
            "(SELECT c.",
            $column,
            " FROM stamp_cards c WHERE c.membership_id = memberships.id AND c.program_id = $4 \
             AND c.state = 'active' ORDER BY c.serial DESC LIMIT 1) AS card_",
            $column
        )
    };
}

/// The member's last invitation to the merchant's survey (`$6`), as `surveys` reads it.
macro_rules! last_invitation {
    ($column:literal) => {
        concat!(
            "(SELECT i.",
            $column,
            " FROM survey_invitations i WHERE i.membership_id = memberships.id \
             AND i.survey_id = $6 ORDER BY i.issued_at DESC LIMIT 1) AS invitation_",
            $column
        )
    };
}

/// The member's current draw seed, as `games` reads it.
macro_rules! current_seed {
    ($column:literal) => {
        concat!(
            "(SELECT s.",
            $column,
            " FROM draw_seeds s WHERE s.membership_id = memberships.id \
             AND s.revealed_at IS NULL ORDER BY s.created_at DESC, s.id LIMIT 1) AS seed_",
            $column
        )
    };
}

/// Records the member code's `step` as used, if it is newer than the last used one, and reads the
/// member's loyalty state and the purchase's context under the write lock, in one statement (the
/// counter is a queue: every round trip inside the write lock counts): `None` when another
/// request used it first. The condition makes the write the arbiter, as for a scan.
pub async fn use_code_step(
    tx: &mut WriteTx<'_>,
    rules: &MerchantRules,
    membership_id: &str,
    step: i64,
    now: i64,
) -> Result<Option<Buyer>, StoreError> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        member: MemberRow,
        #[sqlx(flatten)]
        context: PurchaseContext,
    }
    const SQL: &str = concat!(
        "UPDATE memberships SET last_used_step = $5 WHERE id = $1 AND last_used_step < $5 \
         RETURNING id, merchant_id, points_account_id, birthday_month, birthday_coupon_year, \
         birthday_set_at, tier_rank, tier_since, loyalty_ready, referral_state, ",
        due_columns!("memberships"),
        ", (SELECT CAST(COALESCE(SUM(stamps), 0) AS BIGINT) FROM purchases \
           WHERE membership_id = memberships.id AND created_at >= $3) AS stamps_today, \
         (SELECT COUNT(*) FROM memberships o \
           WHERE o.points_account_id = memberships.points_account_id AND o.left_at IS NULL) \
           AS account_members, ",
        active_card!("id"),
        ", ",
        active_card!("serial"),
        ", ",
        active_card!("stamps"),
        ", ",
        active_card!("stamps_reached"),
        ", ",
        active_card!("started_at"),
        ", ",
        active_card!("first_stamp_at"),
        ", ",
        active_card!("last_stamp_at"),
        ", ",
        active_card!("expires_at"),
        ", ",
        active_card!("completed_at"),
        ", ",
        last_invitation!("id"),
        ", ",
        last_invitation!("survey_id"),
        ", ",
        last_invitation!("issued_at"),
        ", ",
        last_invitation!("expires_at"),
        ", ",
        last_invitation!("state"),
        ", ",
        current_seed!("id"),
        ", ",
        current_seed!("seed"),
        ", ",
        current_seed!("commitment"),
        ", ",
        current_seed!("client_seed"),
        ", ",
        current_seed!("created_at"),
    );
    let offset = rules.merchant.utc_offset_min;
    let today_start = day_start(local_day(now, offset), offset);
    let program_id = rules.stamps.as_ref().map_or("", |p| p.id.as_str());
    let row: Option<Row> = sqlx::query_as(SQL)
        .bind(membership_id)
        .bind(now)
        .bind(today_start)
        .bind(program_id)
        .bind(step)
        .bind(
            rules
                .survey
                .as_ref()
                .map_or("", |survey| survey.id.as_str()),
        )
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(|row| Buyer {
        member: row.member,
        context: row.context,
    }))
}

/// The points a purchase earned and the balance after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PointsEarned {
    pub earned: i64,
    pub balance: i64,
    pub account_id: String,
}

/// What a purchase did.
#[derive(Clone, Debug)]
pub struct PurchaseEffects {
    pub grant: Option<StampGrant>,
    pub stamped: Option<Stamped>,
    pub points: Option<PointsEarned>,
    pub tier_before: i64,
    pub tier: Option<Standing>,
    pub coupons: Vec<IssuedCoupon>,
    /// The purchase invited the member to the merchant's survey.
    pub survey_invited: bool,
    /// Game tickets the purchase gave.
    pub tickets: u32,
}

/// What a purchase reads before it writes, with the code's step (`use_code_step`): what is due
/// for housekeeping, the stamps the member earned today, how many memberships share the points
/// account, and the active stamp card of the merchant's program, if any.
#[derive(FromRow)]
struct PurchaseContext {
    due_coupons: i64,
    due_cards: i64,
    due_lots: i64,
    stamps_today: i64,
    account_members: i64,
    card_id: Option<String>,
    card_serial: Option<i64>,
    card_stamps: Option<i64>,
    card_stamps_reached: Option<i64>,
    card_started_at: Option<i64>,
    card_first_stamp_at: Option<i64>,
    card_last_stamp_at: Option<i64>,
    card_expires_at: Option<i64>,
    card_completed_at: Option<i64>,
    invitation_id: Option<String>,
    invitation_survey_id: Option<String>,
    invitation_issued_at: Option<i64>,
    invitation_expires_at: Option<i64>,
    invitation_state: Option<String>,
    seed_id: Option<String>,
    seed_seed: Option<String>,
    seed_commitment: Option<String>,
    seed_client_seed: Option<String>,
    seed_created_at: Option<i64>,
}

impl PurchaseContext {
    /// The last invitation to the merchant's survey, as read with the code's step.
    fn last_invitation(&mut self) -> Option<surveys::InvitationRow> {
        Some(surveys::InvitationRow {
            id: self.invitation_id.take()?,
            survey_id: self.invitation_survey_id.take()?,
            issued_at: self.invitation_issued_at?,
            expires_at: self.invitation_expires_at?,
            state: self.invitation_state.take()?,
        })
    }

    /// The current draw seed, as read with the code's step.
    fn current_seed(&mut self) -> Option<games::SeedRow> {
        Some(games::SeedRow {
            id: self.seed_id.take()?,
            seed: self.seed_seed.take()?,
            commitment: self.seed_commitment.take()?,
            client_seed: self.seed_client_seed.take(),
            created_at: self.seed_created_at?,
            revealed_at: None,
        })
    }

    fn card(&self, membership_id: &str, program_id: &str) -> Option<stamps::CardRow> {
        Some(stamps::CardRow {
            id: self.card_id.clone()?,
            membership_id: membership_id.to_owned(),
            program_id: program_id.to_owned(),
            serial: self.card_serial?,
            stamps: self.card_stamps?,
            stamps_reached: self.card_stamps_reached?,
            state: StampCardState::Active,
            started_at: self.card_started_at?,
            first_stamp_at: self.card_first_stamp_at,
            last_stamp_at: self.card_last_stamp_at,
            expires_at: self.card_expires_at,
            completed_at: self.card_completed_at,
        })
    }
}

/// A purchase of `amount` NT$ by `member` at `rules.merchant`: housekeeping first (so expired
/// points and cards are gone before new ones arrive), then stamps within the limits, points at the
/// earn rate and the member's tier multiplier, the purchase itself, and the tier recomputed.
pub async fn record_purchase(
    tx: &mut WriteTx<'_>,
    rules: &MerchantRules,
    buyer: &mut Buyer,
    amount: i64,
    now: i64,
) -> Result<PurchaseEffects, StoreError> {
    let (conn, batch) = tx.split();
    let Buyer { member, context } = buyer;
    if let (1, Some(account_id)) = (context.account_members, &member.points_account_id) {
        batch.know_account(account_id, vec![member.id.clone()]);
    }
    let due = Due {
        coupons: context.due_coupons,
        cards: context.due_cards,
        lots: context.due_lots,
        // Sent by the next sync's housekeeping.
        notices: 0,
    };
    let mut coupons = housekeeping::run_counted(conn, batch, rules, member, due, now).await?;

    let (grant, stamped) = match &rules.stamps {
        Some(program) => {
            let today = u32::try_from(context.stamps_today.max(0)).unwrap_or(u32::MAX);
            let grant = program.rule.grant(amount, today);
            let stamping = stamps::Stamping {
                membership_id: &member.id,
                // Housekeeping may have replaced an expired card: then it is read again.
                current: if due.cards > 0 {
                    None
                } else {
                    context.card(&member.id, &program.id)
                },
                granted: grant.granted,
            };
            let stamped = stamps::add_stamps(conn, batch, rules, program, stamping, now).await?;
            coupons.extend(stamped.coupons.iter().cloned());
            (Some(grant), Some(stamped))
        }
        None => (None, None),
    };
    let points = match (&rules.points, &member.points_account_id) {
        (Some(program), Some(account_id)) => {
            let earned = program
                .earn
                .points_for(amount, rules.tier_multiplier(member.tier_rank));
            let balance = if earned > 0 {
                let change = Change {
                    account_id,
                    membership_id: Some(&member.id),
                    reason: LedgerReason::Purchase,
                    points: earned,
                    amount: Some(amount),
                    note: None,
                };
                let entry = points::credit(conn, batch, rules, change, now).await?;
                let balance = Some(entry.balance_after);
                points::write_balance(conn, batch, rules, account_id, balance, now).await?
            } else {
                // Nothing earned: the balance entity stays as it is (no new version to send).
                points::balance(conn, account_id).await?
            };
            Some(PointsEarned {
                earned,
                balance,
                account_id: account_id.clone(),
            })
        }
        _ => None,
    };

    let purchase = Statement::new(
        "INSERT INTO purchases (id, membership_id, merchant_id, amount, stamps, points, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        vec![
            Param::from(entities::new_id("pu")?),
            Param::from(member.id.as_str()),
            Param::from(member.merchant_id.as_str()),
            Param::from(amount),
            Param::from(i64::from(grant.map_or(0, |g| g.granted))),
            Param::from(points.as_ref().map_or(0, |p| p.earned)),
            Param::from(now),
        ],
    );
    if rules.tiers.is_empty() {
        // Nothing after this reads purchases (the tier would): sent with the entity rows.
        batch.defer(purchase);
    } else {
        entities::run(conn, &purchase).await?;
    }

    let current = Standing {
        rank: member.tier_rank,
        since: member.tier_since,
        spend_12m: 0,
    };
    let tier = tiers::recompute(conn, batch, rules, &member.id, &current, now).await?;
    // Read with the code's step; nothing since wrote invitations or seeds.
    let last_invitation = context.last_invitation();
    let survey_invited =
        surveys::invite_after_purchase(conn, batch, rules, &member.id, Some(last_invitation), now)
            .await?;
    // A friend's referral waiting for this first purchase rewards both sides now.
    referrals::on_purchase(conn, batch, rules, member, now).await?;
    let occasion = games::Occasion::Purchase { amount };
    let seed = context.current_seed();
    let tickets =
        games::issue_for(conn, batch, rules, &member.id, occasion, Some(seed), now).await?;
    Ok(PurchaseEffects {
        grant,
        stamped,
        points,
        tier_before: member.tier_rank,
        tier,
        coupons,
        survey_invited,
        tickets,
    })
}
