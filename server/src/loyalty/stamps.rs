//! Stamp cards: the member's cards of a merchant's program, stamps landing on them (rewards at
//! their steps, a new card when one completes), stamps staff take off, expiry, and the
//! `stamp_card` entity.

use super::coupons::{self, NewCoupon};
use super::rules::{MerchantRules, StampProgram};
use crate::store::entities::{self, new_id, to_data, Audience, EntityBatch, Param, Statement};
use crate::store::StoreError;
use sqlx::{AnyConnection, FromRow};
use wallet_core::cashier::IssuedCoupon;
use wallet_core::loyalty::{CouponSource, StampCardData, StampCardState, StampStep};
use wallet_core::loyalty_rules::{self, fill_cards};
use wallet_core::sync::EntityKind;

#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct CardRow {
    pub id: String,
    pub membership_id: String,
    pub program_id: String,
    pub serial: i64,
    pub stamps: i64,
    /// The most stamps the card ever held: its steps up to here issued their coupons.
    pub stamps_reached: i64,
    #[sqlx(try_from = "String")]
    pub state: StampCardState,
    pub started_at: i64,
    pub first_stamp_at: Option<i64>,
    pub last_stamp_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub completed_at: Option<i64>,
}

const COLUMNS: &str = "id, membership_id, program_id, serial, stamps, stamps_reached, state, \
    started_at, first_stamp_at, last_stamp_at, expires_at, completed_at";

impl CardRow {
    fn stamps_u32(&self) -> u32 {
        u32::try_from(self.stamps.max(0)).unwrap_or(0)
    }

    fn stamps_reached_u32(&self) -> u32 {
        u32::try_from(self.stamps_reached.max(0)).unwrap_or(0)
    }

    pub fn data(&self, rules: &MerchantRules, program: &StampProgram) -> StampCardData {
        StampCardData {
            merchant_id: rules.merchant.id.clone(),
            program_id: program.id.clone(),
            title: program.title.clone(),
            stamps: self.stamps_u32().min(program.stamps_required),
            stamps_required: program.stamps_required,
            state: self.state.clone(),
            rewards: program
                .steps
                .iter()
                .map(|step| StampStep {
                    at: step.at,
                    title: step.title.clone(),
                    issues_coupon: step.template.is_some(),
                })
                .collect(),
            stamp_color: program.stamp_color,
            stamp_mark: program.stamp_mark.clone(),
            rule: program.rule.clone(),
            serial: u32::try_from(self.serial.max(0)).unwrap_or(0),
            started_at: self.started_at,
            first_stamp_at: self.first_stamp_at,
            last_stamp_at: self.last_stamp_at,
            expires_at: self.expires_at,
            completed_at: self.completed_at,
        }
    }

    fn write(
        &self,
        batch: &mut EntityBatch,
        rules: &MerchantRules,
        program: &StampProgram,
    ) -> Result<(), StoreError> {
        batch.put(
            Audience::Membership(self.membership_id.clone()),
            EntityKind::StampCard,
            self.id.clone(),
            to_data(&self.data(rules, program))?,
        );
        Ok(())
    }

    fn save_statement(&self) -> Statement {
        Statement::new(
            "UPDATE stamp_cards SET stamps = $1, stamps_reached = $2, state = $3, \
             first_stamp_at = $4, last_stamp_at = $5, expires_at = $6, completed_at = $7 \
             WHERE id = $8",
            vec![
                Param::from(self.stamps),
                Param::from(self.stamps_reached),
                Param::from(self.state.as_str()),
                Param::from(self.first_stamp_at),
                Param::from(self.last_stamp_at),
                Param::from(self.expires_at),
                Param::from(self.completed_at),
                Param::from(self.id.as_str()),
            ],
        )
    }

    async fn save(&self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        entities::run(conn, &self.save_statement()).await?;
        Ok(())
    }
}

/// Starts an empty card and queues its entity.
pub async fn start_card(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    program: &StampProgram,
    membership_id: &str,
    serial: i64,
    now: i64,
) -> Result<CardRow, StoreError> {
    let card = CardRow {
        id: new_id("sc")?,
        membership_id: membership_id.to_owned(),
        program_id: program.id.clone(),
        serial,
        stamps: 0,
        stamps_reached: 0,
        state: StampCardState::Active,
        started_at: now,
        first_stamp_at: None,
        last_stamp_at: None,
        expires_at: None,
        completed_at: None,
    };
    sqlx::query(
        "INSERT INTO stamp_cards (id, membership_id, program_id, serial, stamps, state, started_at) \
         VALUES ($1, $2, $3, $4, 0, $5, $6)",
    )
    .bind(&card.id)
    .bind(membership_id)
    .bind(&program.id)
    .bind(serial)
    .bind(StampCardState::Active.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    card.write(batch, rules, program)?;
    Ok(card)
}

/// The membership's active card of the program, if any.
pub async fn active_card(
    conn: &mut AnyConnection,
    membership_id: &str,
    program_id: &str,
) -> Result<Option<CardRow>, StoreError> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM stamp_cards \
         WHERE membership_id = $1 AND program_id = $2 AND state = 'active' \
         ORDER BY serial DESC LIMIT 1"
    ))
    .bind(membership_id)
    .bind(program_id)
    .fetch_optional(conn)
    .await
    .map_err(StoreError::from)
}

/// The oldest completed card of the program waiting for a catalogue exchange.
pub async fn completed_card(
    conn: &mut AnyConnection,
    membership_id: &str,
    program_id: &str,
) -> Result<Option<CardRow>, StoreError> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM stamp_cards \
         WHERE membership_id = $1 AND program_id = $2 AND state = 'completed' \
         ORDER BY serial LIMIT 1"
    ))
    .bind(membership_id)
    .bind(program_id)
    .fetch_optional(conn)
    .await
    .map_err(StoreError::from)
}

/// A completed card exchanged from the catalogue: its final reward is given.
pub async fn mark_rewarded(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    program: &StampProgram,
    mut card: CardRow,
) -> Result<(), StoreError> {
    card.state = StampCardState::Rewarded;
    card.save(conn).await?;
    card.write(batch, rules, program)
}

/// The active card, after expiring it (and starting the next) if its time has passed.
async fn current_card(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    program: &StampProgram,
    membership_id: &str,
    now: i64,
) -> Result<CardRow, StoreError> {
    match active_card(conn, membership_id, &program.id).await? {
        Some(mut card) if card.expires_at.is_some_and(|at| at <= now) => {
            card.state = StampCardState::Expired;
            card.save(conn).await?;
            card.write(batch, rules, program)?;
            start_card(
                conn,
                batch,
                rules,
                program,
                membership_id,
                card.serial + 1,
                now,
            )
            .await
        }
        Some(card) => Ok(card),
        None => {
            let last: i64 = sqlx::query_scalar(
                "SELECT CAST(COALESCE(MAX(serial), 0) AS BIGINT) FROM stamp_cards \
                 WHERE membership_id = $1 AND program_id = $2",
            )
            .bind(membership_id)
            .bind(&program.id)
            .fetch_one(&mut *conn)
            .await?;
            start_card(conn, batch, rules, program, membership_id, last + 1, now).await
        }
    }
}

/// What stamps did to the member's cards.
#[derive(Clone, Debug)]
pub struct Stamped {
    pub cards_completed: u32,
    /// The card collecting stamps now.
    pub card: CardRow,
    pub coupons: Vec<IssuedCoupon>,
}

/// Stamps for a membership's card.
pub struct Stamping<'a> {
    pub membership_id: &'a str,
    /// The active card if the caller read it already (under the same lock).
    pub current: Option<CardRow>,
    pub granted: u32,
}

/// Lands `granted` stamps: on the current card, then on new cards as cards complete. Each step
/// reached for the first time on its card issues its coupon (a card staff took stamps off does
/// not issue a step twice); a completed card becomes `rewarded` (its final step issued a coupon)
/// or `completed` (its final reward is chosen from the catalogue later).
pub async fn add_stamps(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    program: &StampProgram,
    stamping: Stamping<'_>,
    now: i64,
) -> Result<Stamped, StoreError> {
    let Stamping {
        membership_id,
        current,
        granted,
    } = stamping;
    let current = current
        .filter(|card| card.program_id == program.id && card.expires_at.is_none_or(|at| at > now));
    let mut card = match current {
        Some(card) => card,
        None => current_card(conn, batch, rules, program, membership_id, now).await?,
    };
    let mut stamped = Stamped {
        cards_completed: 0,
        card: card.clone(),
        coupons: Vec::new(),
    };
    if granted == 0 {
        return Ok(stamped);
    }
    let fills = fill_cards(card.stamps_u32(), program.stamps_required, granted);
    for (index, fill) in fills.iter().enumerate() {
        if index > 0 {
            card = start_card(
                conn,
                batch,
                rules,
                program,
                membership_id,
                card.serial + 1,
                now,
            )
            .await?;
        }
        let reached_before = card.stamps_reached_u32();
        if fill.to > fill.from {
            card.stamps = i64::from(fill.to);
            card.stamps_reached = card.stamps_reached.max(card.stamps);
            card.first_stamp_at = card.first_stamp_at.or(Some(now));
            card.last_stamp_at = Some(now);
            card.expires_at = program
                .rule
                .expires_at(card.first_stamp_at, card.last_stamp_at);
        }
        for step in program
            .steps
            .iter()
            .filter(|s| fill.reaches_first_time(s.at, reached_before))
        {
            if let Some(template) = &step.template {
                let coupon = NewCoupon {
                    template,
                    membership_id,
                    source: CouponSource::StampCard,
                    reward_id: None,
                    valid_until: None,
                };
                stamped
                    .coupons
                    .push(coupons::issue(conn, batch, coupon, now).await?);
            }
        }
        if fill.completed {
            stamped.cards_completed += 1;
            card.state = if program.final_step_issues_coupon() {
                StampCardState::Rewarded
            } else {
                StampCardState::Completed
            };
            card.completed_at = Some(now);
            card.expires_at = None;
        }
        if fills.len() == 1 && card.state == StampCardState::Active {
            // The card's last write in this transaction (no card follows it, and what runs after
            // stamps reads no stamp card): sent with the entity rows.
            batch.defer(card.save_statement());
        } else {
            card.save(conn).await?;
        }
        card.write(batch, rules, program)?;
    }
    if card.state != StampCardState::Active {
        card = start_card(
            conn,
            batch,
            rules,
            program,
            membership_id,
            card.serial + 1,
            now,
        )
        .await?;
    }
    stamped.card = card;
    Ok(stamped)
}

/// Takes `removed` stamps off the membership's active card (a new card if it had none or its time
/// had passed), or `None` when it holds fewer: nothing is written then. Coupons its steps issued
/// stay with the member; a card back at zero stamps has no stamp times (nothing to expire).
pub async fn remove_stamps(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    program: &StampProgram,
    membership_id: &str,
    removed: u32,
    now: i64,
) -> Result<Option<CardRow>, StoreError> {
    let mut card = current_card(conn, batch, rules, program, membership_id, now).await?;
    let Some(left) = loyalty_rules::remove_stamps(card.stamps_u32(), removed) else {
        return Ok(None);
    };
    card.stamps = i64::from(left);
    if left == 0 {
        card.first_stamp_at = None;
        card.last_stamp_at = None;
        card.expires_at = None;
    }
    card.save(conn).await?;
    card.write(batch, rules, program)?;
    Ok(Some(card))
}

/// Expires the membership's active cards whose time has passed and starts their next cards.
pub async fn expire_due(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    membership_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    let Some(program) = &rules.stamps else {
        return Ok(());
    };
    // `current_card` does the expiring and the new card.
    current_card(conn, batch, rules, program, membership_id, now).await?;
    Ok(())
}
