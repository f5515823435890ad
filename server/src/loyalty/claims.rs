//! Claim codes (protocol.md §15): staff create one-time codes that give bonus stamps or a game
//! ticket; a member claims one with `claim.redeem`. The claim is decided by one conditional
//! `UPDATE ... WHERE claimed_by IS NULL`, so of two members claiming a code at once exactly one
//! wins (on PostgreSQL the second waits for the first's row lock and then finds it claimed).

use super::games;
use super::rules::MerchantRules;
use super::stamps::{self, Stamping};
use super::{housekeeping, rejected, MemberRow};
use crate::store::entities::{to_data, Audience};
use crate::store::secrets::random_bytes;
use crate::store::{StoreError, WriteTx};
use sqlx::{AnyConnection, FromRow};
use wallet_core::claim::claim_redeem::rejection::{
    CLAIM_EXPIRED, CLAIM_LIMIT, CLAIM_UNAVAILABLE, CLAIM_UNKNOWN, CLAIM_USED,
};
use wallet_core::claim::{ClaimCode, ClaimData, ClaimGift, CreateClaimCodes, MAX_CLAIMS_PER_DAY};
use wallet_core::sync::{EntityKind, MutationOutcome};
use wallet_core::LocalizedText;

/// The window of `MAX_CLAIMS_PER_DAY`.
const CLAIM_WINDOW_SECS: i64 = 24 * 60 * 60;

/// Why staff could not create codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreateRefusal {
    /// Stamps, and the merchant has no stamp card.
    StampsNotEnabled,
    /// A ticket of a campaign the merchant does not run (now).
    CampaignUnknown,
}

impl std::fmt::Display for CreateRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::StampsNotEnabled => "this shop has no stamp card to give stamps on",
            Self::CampaignUnknown => "this shop runs no game campaign with this id",
        })
    }
}

/// Creates `request.count` codes for the merchant, valid until `now + valid_days`.
pub async fn create(
    conn: &mut AnyConnection,
    rules: &MerchantRules,
    request: &CreateClaimCodes,
    now: i64,
) -> Result<Result<(Vec<ClaimCode>, i64), CreateRefusal>, StoreError> {
    let (gift, stamps, campaign_id) = match &request.gift {
        ClaimGift::Stamps { stamps } if rules.stamps.is_some() => ("stamps", *stamps, None),
        ClaimGift::Stamps { .. } => return Ok(Err(CreateRefusal::StampsNotEnabled)),
        ClaimGift::Ticket { campaign_id, .. }
            if rules.campaigns.iter().any(|c| &c.id == campaign_id) =>
        {
            ("ticket", 0, Some(campaign_id.as_str()))
        }
        ClaimGift::Ticket { .. } => return Ok(Err(CreateRefusal::CampaignUnknown)),
    };
    let expires_at = now + i64::from(request.valid_days) * 86_400;
    let mut codes = Vec::with_capacity(request.count as usize);
    for _ in 0..request.count {
        let code = ClaimCode::from_random(u64::from_le_bytes(random_bytes::<8>()?) >> 4);
        sqlx::query(
            "INSERT INTO claim_codes (code, merchant_id, gift, stamps, campaign_id, title_zh, \
             title_en, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(code.as_str())
        .bind(&rules.merchant.id)
        .bind(gift)
        .bind(i64::from(stamps))
        .bind(campaign_id)
        .bind(&request.title.zh_tw)
        .bind(&request.title.en)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
        codes.push(code);
    }
    Ok(Ok((codes, expires_at)))
}

#[derive(FromRow)]
struct CodeRow {
    gift: String,
    stamps: i64,
    campaign_id: Option<String>,
    title_zh: String,
    title_en: String,
    expires_at: i64,
    claimed_by: Option<String>,
}

/// `claim.redeem`: checks the member's limit, then the code (this merchant's, unclaimed, not
/// expired, its gift still offered), claims it and gives the gift: stamps land as staff-added
/// stamps do (steps issue coupons, no per-visit limit), a ticket is drawn as any ticket. The
/// `claim` entity, the card or the ticket arrive in the same sync's changes. Every attempt
/// counts towards the limit, a refused one too (that is what stops guessing).
pub async fn redeem(
    tx: &mut WriteTx<'_>,
    rules: &MerchantRules,
    member: &mut MemberRow,
    code: &ClaimCode,
    now: i64,
) -> Result<MutationOutcome, StoreError> {
    let attempts: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM claim_attempts WHERE membership_id = $1 AND attempted_at > $2",
    )
    .bind(&member.id)
    .bind(now - CLAIM_WINDOW_SECS)
    .fetch_one(&mut **tx)
    .await?;
    if attempts >= i64::from(MAX_CLAIMS_PER_DAY) {
        return Ok(rejected(
            CLAIM_LIMIT,
            format!(
                "you have claimed {MAX_CLAIMS_PER_DAY} codes in the last 24 hours; try again tomorrow"
            ),
        ));
    }
    sqlx::query("INSERT INTO claim_attempts (membership_id, attempted_at) VALUES ($1, $2)")
        .bind(&member.id)
        .bind(now)
        .execute(&mut **tx)
        .await?;

    let row: Option<CodeRow> = sqlx::query_as(
        "SELECT gift, stamps, campaign_id, title_zh, title_en, expires_at, claimed_by \
         FROM claim_codes WHERE code = $1 AND merchant_id = $2",
    )
    .bind(code.as_str())
    .bind(&member.merchant_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else {
        return Ok(rejected(
            CLAIM_UNKNOWN,
            "this shop has no such code; check the code you typed",
        ));
    };
    if row.claimed_by.is_some() {
        return Ok(used());
    }
    if row.expires_at <= now {
        return Ok(rejected(CLAIM_EXPIRED, "this code has expired"));
    }
    let campaign = row
        .campaign_id
        .as_deref()
        .and_then(|id| rules.campaigns.iter().find(|c| c.id == id));
    let available = match row.gift.as_str() {
        "stamps" => rules.stamps.is_some() && row.stamps > 0,
        "ticket" => campaign.is_some(),
        _ => false,
    };
    if !available {
        return Ok(rejected(
            CLAIM_UNAVAILABLE,
            "what this code gives is no longer offered by the shop",
        ));
    }
    let claimed = sqlx::query(
        "UPDATE claim_codes SET claimed_by = $1, claimed_at = $2 \
         WHERE code = $3 AND claimed_by IS NULL AND expires_at > $2",
    )
    .bind(&member.id)
    .bind(now)
    .bind(code.as_str())
    .execute(&mut **tx)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(used());
    }

    let gift = match (campaign, &rules.stamps) {
        (Some(campaign), _) => {
            let (conn, batch) = tx.split();
            let (ticket_id, _) = games::issue(conn, batch, campaign, &member.id, None, now).await?;
            ClaimGift::Ticket {
                campaign_id: campaign.id.clone(),
                ticket_id: Some(ticket_id),
            }
        }
        (None, Some(program)) => {
            // An expired card goes first: the stamps land on the card the member sees.
            housekeeping::run_in(tx, rules, member, now).await?;
            let (conn, batch) = tx.split();
            let granted = u32::try_from(row.stamps).unwrap_or(0);
            let stamping = Stamping {
                membership_id: &member.id,
                current: None,
                granted,
            };
            stamps::add_stamps(conn, batch, rules, program, stamping, now).await?;
            ClaimGift::Stamps { stamps: granted }
        }
        (None, None) => return Err(StoreError::corrupt("a claim checked available is not")),
    };
    let data = ClaimData {
        merchant_id: member.merchant_id.clone(),
        code: code.clone(),
        gift,
        title: LocalizedText::new(row.title_zh, row.title_en),
        game: campaign.map(|c| c.game),
        claimed_at: now,
    };
    tx.batch().put(
        Audience::Membership(member.id.clone()),
        EntityKind::Claim,
        code.as_str(),
        to_data(&data)?,
    );
    Ok(MutationOutcome::Applied)
}

fn used() -> MutationOutcome {
    rejected(
        CLAIM_USED,
        "this code has been claimed already; each code is claimed once",
    )
}
