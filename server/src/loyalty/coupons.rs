//! Coupons: issuing one from a template, how the wallet sees it (`coupon` entity), marking the
//! ones past their validity expired, and the race-free redemption at the counter.

use super::rules::CouponTemplate;
use crate::store::entities::{to_data, Audience, EntityBatch};
use crate::store::secrets::random_bytes;
use crate::store::{StoreError, WriteTx};
use sqlx::{AnyConnection, FromRow};
use wallet_core::cashier::IssuedCoupon;
use wallet_core::loyalty::{CouponData, CouponSource, CouponState};
use wallet_core::loyalty_rules::SECS_PER_DAY;
use wallet_core::sync::EntityKind;
use wallet_core::{CouponCode, LocalizedText};

#[derive(Clone, Debug, FromRow)]
pub struct CouponRow {
    pub code: String,
    pub membership_id: String,
    pub merchant_id: String,
    pub title_zh: String,
    pub title_en: String,
    pub terms_zh: String,
    pub terms_en: String,
    pub valid_from: i64,
    pub valid_until: i64,
    #[sqlx(try_from = "String")]
    pub state: CouponState,
    pub source: String,
    pub reward_id: Option<String>,
    pub issued_at: i64,
    pub used_at: Option<i64>,
}

pub const COLUMNS: &str = "code, membership_id, merchant_id, title_zh, title_en, terms_zh, \
    terms_en, valid_from, valid_until, state, source, reward_id, issued_at, used_at";

impl CouponRow {
    pub fn title(&self) -> LocalizedText {
        LocalizedText::new(&self.title_zh, &self.title_en)
    }

    pub fn terms(&self) -> LocalizedText {
        LocalizedText::new(&self.terms_zh, &self.terms_en)
    }

    pub fn data(&self) -> Result<CouponData, StoreError> {
        let code = CouponCode::from_canonical(&self.code)
            .ok_or_else(|| StoreError::corrupt(format!("coupon {} has a bad code", self.code)))?;
        Ok(CouponData {
            merchant_id: self.merchant_id.clone(),
            code,
            title: self.title(),
            terms: self.terms(),
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            state: self.state.clone(),
            source: match self.source.as_str() {
                "stamp_card" => CouponSource::StampCard,
                "reward" => CouponSource::Reward,
                "birthday" => CouponSource::Birthday,
                "survey" => CouponSource::Survey,
                "service_recovery" => CouponSource::ServiceRecovery,
                "game" => CouponSource::Game,
                other => CouponSource::Other(other.to_owned()),
            },
            reward_id: self.reward_id.clone(),
            issued_at: self.issued_at,
            used_at: self.used_at,
        })
    }

    /// Queues the `coupon` entity of its membership.
    pub fn write(&self, batch: &mut EntityBatch) -> Result<(), StoreError> {
        let data = to_data(&self.data()?)?;
        batch.put(
            Audience::Membership(self.membership_id.clone()),
            EntityKind::Coupon,
            self.code.clone(),
            data,
        );
        Ok(())
    }
}

fn source_name(source: &CouponSource) -> &str {
    match source {
        CouponSource::StampCard => "stamp_card",
        CouponSource::Reward => "reward",
        CouponSource::Birthday => "birthday",
        CouponSource::Survey => "survey",
        CouponSource::ServiceRecovery => "service_recovery",
        CouponSource::Game => "game",
        CouponSource::Other(other) => other,
    }
}

/// What to issue: a coupon of `template` to a membership, valid from now for the template's days,
/// or until `valid_until` if given.
pub struct NewCoupon<'a> {
    pub template: &'a CouponTemplate,
    pub membership_id: &'a str,
    pub source: CouponSource,
    pub reward_id: Option<&'a str>,
    pub valid_until: Option<i64>,
}

pub async fn issue(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    new: NewCoupon<'_>,
    now: i64,
) -> Result<IssuedCoupon, StoreError> {
    let NewCoupon {
        template,
        membership_id,
        source,
        reward_id,
        valid_until,
    } = new;
    let bits = random_bytes::<8>().map(u64::from_le_bytes)?;
    let code = CouponCode::from_random(bits >> 4);
    let row = CouponRow {
        code: code.as_str().to_owned(),
        membership_id: membership_id.to_owned(),
        merchant_id: template.merchant_id.clone(),
        title_zh: template.title.zh_tw.clone(),
        title_en: template.title.en.clone(),
        terms_zh: template.terms.zh_tw.clone(),
        terms_en: template.terms.en.clone(),
        valid_from: now,
        valid_until: valid_until
            .unwrap_or_else(|| now + template.valid_days.max(1) * SECS_PER_DAY)
            .max(now + 1),
        state: CouponState::Active,
        source: source_name(&source).to_owned(),
        reward_id: reward_id.map(str::to_owned),
        issued_at: now,
        used_at: None,
    };
    // A clash of two 60-bit random codes is not a case worth a retry: it fails the request (500)
    // and the till or wallet tries again.
    sqlx::query(
        "INSERT INTO coupons (code, membership_id, merchant_id, template_id, title_zh, title_en, \
         terms_zh, terms_en, valid_from, valid_until, state, source, reward_id, issued_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&row.code)
    .bind(&row.membership_id)
    .bind(&row.merchant_id)
    .bind(&template.id)
    .bind(&row.title_zh)
    .bind(&row.title_en)
    .bind(&row.terms_zh)
    .bind(&row.terms_en)
    .bind(row.valid_from)
    .bind(row.valid_until)
    .bind(row.state.as_str())
    .bind(&row.source)
    .bind(&row.reward_id)
    .bind(row.issued_at)
    .execute(&mut *conn)
    .await?;
    row.write(batch)?;
    Ok(IssuedCoupon {
        code,
        title: row.title(),
        valid_until: row.valid_until,
    })
}

/// Marks the membership's active coupons past `valid_until` expired.
pub async fn expire_due(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    membership_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    let expired: Vec<CouponRow> = sqlx::query_as(&format!(
        "UPDATE coupons SET state = 'expired' \
         WHERE membership_id = $1 AND state = 'active' AND valid_until <= $2 RETURNING {COLUMNS}"
    ))
    .bind(membership_id)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    for row in &expired {
        row.write(batch)?;
    }
    Ok(())
}

/// Why a coupon could not be redeemed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedeemRefusal {
    Unknown,
    OtherMerchant,
    AlreadyUsed,
    Expired,
    NotYetValid,
}

/// Redeems the coupon at `merchant_id`: the conditional update is the arbiter, so of two cashiers
/// redeeming one coupon at once exactly one changes the row; the other is told why not.
pub async fn redeem(
    tx: &mut WriteTx<'_>,
    code: &CouponCode,
    merchant_id: &str,
    now: i64,
) -> Result<Result<CouponRow, RedeemRefusal>, StoreError> {
    let (conn, batch) = tx.split();
    let used: Option<CouponRow> = sqlx::query_as(&format!(
        "UPDATE coupons SET state = 'used', used_at = $1 \
         WHERE code = $2 AND merchant_id = $3 AND state = 'active' \
         AND valid_from <= $1 AND valid_until > $1 RETURNING {COLUMNS}"
    ))
    .bind(now)
    .bind(code.as_str())
    .bind(merchant_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = used {
        row.write(batch)?;
        return Ok(Ok(row));
    }
    let row: Option<CouponRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM coupons WHERE code = $1"))
            .bind(code.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    Ok(Err(match row {
        None => RedeemRefusal::Unknown,
        // Checked first: another merchant's till learns nothing about the coupon's state.
        Some(row) if row.merchant_id != merchant_id => RedeemRefusal::OtherMerchant,
        Some(row) if row.state == CouponState::Used => RedeemRefusal::AlreadyUsed,
        Some(row) if row.state == CouponState::Expired || now >= row.valid_until => {
            RedeemRefusal::Expired
        }
        Some(row) if now < row.valid_from => RedeemRefusal::NotYetValid,
        // Another state a newer version may add; not redeemable here.
        Some(_) => RedeemRefusal::AlreadyUsed,
    }))
}
