//! A merchant's loyalty rules as configured in the database: its stamp program, points program,
//! tiers, birthday gift and merchant group. Loaded per merchant and kept for a few seconds, because
//! every purchase needs them and they change rarely (an operator's edit applies within `CACHE_TTL`).

use super::campaign_rule::{self, CampaignRule};
use super::coupon_template;
pub use super::coupon_template::{template, CouponTemplate};
use super::referral_rule::{self, ReferralRule};
use super::survey_rule::{self, SurveyRule};
use crate::store::StoreError;
use sqlx::{AnyConnection, FromRow};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wallet_core::loyalty::{GroupInfo, MerchantRef, TierLevel};
use wallet_core::loyalty_rules::{EarnRule, ExpiryFrom, StampRule, MAX_STAMPS_REQUIRED};
use wallet_core::message::{MessageData, MessageTopic};
use wallet_core::{BrandColor, LocalizedText};

/// How long loaded rules are reused before they are read again.
pub const CACHE_TTL: Duration = Duration::from_secs(10);

/// Everything a purchase, an exchange or a sync needs to know about one merchant's rules.
#[derive(Clone, Debug)]
pub struct MerchantRules {
    pub merchant: MerchantInfo,
    pub stamps: Option<StampProgram>,
    pub points: Option<PointsProgram>,
    /// Ascending by rank; empty when the merchant has no tiers.
    pub tiers: Vec<TierLevel>,
    pub birthday: Option<CouponTemplate>,
    /// Days the birthday month must have been set before that month begins for its coupon.
    pub birthday_wait_days: u32,
    /// The survey a purchase invites to, if the merchant has one.
    pub survey: Option<SurveyRule>,
    /// The active game campaigns, by id.
    pub campaigns: Vec<CampaignRule>,
    /// What referring a friend gives, if the merchant runs a referral program.
    pub referral: Option<ReferralRule>,
    /// The message a member gets on joining, if the merchant wrote one.
    pub welcome: Option<WelcomeMessage>,
}

#[derive(Clone, Debug)]
pub struct WelcomeMessage {
    pub title: LocalizedText,
    pub body: LocalizedText,
}

#[derive(Clone, Debug)]
pub struct MerchantInfo {
    pub id: String,
    pub name: LocalizedText,
    pub utc_offset_min: i32,
    /// The join code (upper case), for the links the merchant's members share.
    pub join_code: String,
    pub group: Option<GroupInfo>,
    /// The brands sharing the points: every merchant of the group, or this merchant alone.
    pub points_merchants: Vec<MerchantRef>,
}

#[derive(Clone, Debug)]
pub struct StampProgram {
    pub id: String,
    pub title: LocalizedText,
    pub stamps_required: u32,
    pub rule: StampRule,
    pub stamp_color: BrandColor,
    pub stamp_mark: String,
    /// Ascending by `at`.
    pub steps: Vec<ProgramStep>,
}

#[derive(Clone, Debug)]
pub struct ProgramStep {
    pub at: u32,
    pub title: LocalizedText,
    /// `None`: a final step exchanged from the catalogue.
    pub template: Option<CouponTemplate>,
}

impl StampProgram {
    /// Whether a full card has been given its reward with its final stamp (a coupon step), or
    /// waits to be exchanged from the catalogue.
    pub fn final_step_issues_coupon(&self) -> bool {
        self.steps
            .iter()
            .find(|s| s.at == self.stamps_required)
            .is_some_and(|s| s.template.is_some())
    }
}

#[derive(Clone, Copy, Debug)]
pub struct PointsProgram {
    pub earn: EarnRule,
    pub welcome_points: i64,
    pub valid_days: Option<u32>,
    /// Days before points expire that the member is sent a message; `None`: no message.
    pub expiry_notice_days: Option<u32>,
}

impl MerchantRules {
    pub fn tier_multiplier(&self, rank: i64) -> u32 {
        self.tiers
            .iter()
            .find(|t| i64::from(t.rank) == rank)
            .map_or(100, |t| t.points_multiplier_pct)
    }
}

/// Loaded rules per merchant id, each kept for `CACHE_TTL`.
#[derive(Default)]
pub struct RulesCache {
    entries: Mutex<HashMap<String, (Instant, Arc<MerchantRules>)>>,
}

impl RulesCache {
    /// The merchant's rules, read through `conn` (the caller's transaction, if any) when the
    /// cached copy is missing or old. `None`: no such merchant.
    pub async fn get(
        &self,
        conn: &mut AnyConnection,
        merchant_id: &str,
    ) -> Result<Option<Arc<MerchantRules>>, StoreError> {
        if let Some(rules) = self.fresh(merchant_id) {
            return Ok(Some(rules));
        }
        let Some(rules) = load(conn, merchant_id).await? else {
            return Ok(None);
        };
        let rules = Arc::new(rules);
        self.lock()
            .insert(merchant_id.to_owned(), (Instant::now(), rules.clone()));
        Ok(Some(rules))
    }

    /// Forgets every merchant's rules (after the demo seed or a test changes them).
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn fresh(&self, merchant_id: &str) -> Option<Arc<MerchantRules>> {
        self.lock()
            .get(merchant_id)
            .filter(|(loaded, _)| loaded.elapsed() < CACHE_TTL)
            .map(|(_, rules)| rules.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Arc<MerchantRules>)>> {
        // Each change is one insert or clear: a poisoned map is still consistent.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[derive(FromRow)]
struct MerchantRow {
    id: String,
    name_zh: String,
    name_en: String,
    utc_offset_min: i64,
    group_id: Option<String>,
    group_name_zh: Option<String>,
    group_name_en: Option<String>,
    birthday_template_id: Option<String>,
    birthday_wait_days: i64,
    join_code: String,
    welcome_title_zh: Option<String>,
    welcome_title_en: Option<String>,
    welcome_body_zh: Option<String>,
    welcome_body_en: Option<String>,
}

#[derive(FromRow)]
struct NameRow {
    id: String,
    name_zh: String,
    name_en: String,
}

#[derive(FromRow)]
struct StampProgramRow {
    id: String,
    title_zh: String,
    title_en: String,
    stamps_required: i64,
    min_amount: i64,
    amount_per_stamp: i64,
    max_per_visit: i64,
    max_per_day: i64,
    expiry_days: Option<i64>,
    expiry_from: String,
    stamp_color: String,
    stamp_mark: String,
}

#[derive(FromRow)]
struct StepRow {
    at_stamp: i64,
    title_zh: String,
    title_en: String,
    coupon_template_id: Option<String>,
}

#[derive(FromRow)]
struct PointsRow {
    amount_unit: i64,
    points_per_unit: i64,
    welcome_points: i64,
    valid_days: Option<i64>,
    expiry_notice_days: Option<i64>,
}

#[derive(FromRow)]
struct TierRow {
    tier_rank: i64,
    id: String,
    name_zh: String,
    name_en: String,
    benefits_zh: String,
    benefits_en: String,
    min_spend: i64,
    points_multiplier_pct: i64,
}

fn to_u32(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

/// Reads a merchant's rules. Rules outside what the protocol allows (e.g. 60 stamps) are clamped
/// into range rather than refused, so a typo in the configuration cannot stop the counter.
pub async fn load(
    conn: &mut AnyConnection,
    merchant_id: &str,
) -> Result<Option<MerchantRules>, StoreError> {
    let merchant: Option<MerchantRow> = sqlx::query_as(
        "SELECT m.id, m.name_zh, m.name_en, m.utc_offset_min, m.group_id, \
         g.name_zh AS group_name_zh, g.name_en AS group_name_en, m.birthday_template_id, \
         m.birthday_wait_days, m.join_code, m.welcome_title_zh, m.welcome_title_en, \
         m.welcome_body_zh, m.welcome_body_en \
         FROM merchants m LEFT JOIN merchant_groups g ON g.id = m.group_id WHERE m.id = $1",
    )
    .bind(merchant_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(merchant) = merchant else {
        return Ok(None);
    };
    let welcome = welcome_message(&merchant);

    let group = match (
        &merchant.group_id,
        merchant.group_name_zh,
        merchant.group_name_en,
    ) {
        (Some(id), Some(zh), Some(en)) => Some(GroupInfo {
            id: id.clone(),
            name: LocalizedText::new(zh, en),
        }),
        _ => None,
    };
    let points_merchants: Vec<NameRow> = match &group {
        Some(group) => {
            sqlx::query_as(
                "SELECT id, name_zh, name_en FROM merchants WHERE group_id = $1 ORDER BY id",
            )
            .bind(&group.id)
            .fetch_all(&mut *conn)
            .await?
        }
        None => vec![NameRow {
            id: merchant.id.clone(),
            name_zh: merchant.name_zh.clone(),
            name_en: merchant.name_en.clone(),
        }],
    };

    let templates = coupon_template::of_merchant(conn, merchant_id).await?;

    let stamps = load_stamp_program(conn, merchant_id, &templates).await?;

    let points: Option<PointsRow> = sqlx::query_as(
        "SELECT amount_unit, points_per_unit, welcome_points, valid_days, expiry_notice_days \
         FROM points_programs WHERE merchant_id = $1",
    )
    .bind(merchant_id)
    .fetch_optional(&mut *conn)
    .await?;
    let points = points.map(|row| PointsProgram {
        earn: EarnRule {
            amount_unit: row.amount_unit,
            points_per_unit: row.points_per_unit,
        },
        welcome_points: row.welcome_points.max(0),
        valid_days: row.valid_days.map(to_u32),
        expiry_notice_days: row.expiry_notice_days.map(to_u32),
    });

    let tiers: Vec<TierRow> = sqlx::query_as(
        "SELECT tier_rank, id, name_zh, name_en, benefits_zh, benefits_en, min_spend, \
         points_multiplier_pct FROM tier_levels WHERE merchant_id = $1 ORDER BY tier_rank",
    )
    .bind(merchant_id)
    .fetch_all(&mut *conn)
    .await?;
    let tiers = tiers
        .into_iter()
        .map(|row| TierLevel {
            tier_id: row.id,
            rank: to_u32(row.tier_rank),
            name: LocalizedText::new(row.name_zh, row.name_en),
            min_spend: row.min_spend,
            benefits: LocalizedText::new(row.benefits_zh, row.benefits_en),
            points_multiplier_pct: to_u32(row.points_multiplier_pct),
        })
        .collect();

    let survey = survey_rule::load(conn, merchant_id, &templates, points.is_some()).await?;
    let campaigns = campaign_rule::load(conn, merchant_id, &templates, points.is_some()).await?;
    let referral = referral_rule::load(
        conn,
        merchant_id,
        &templates,
        points.is_some(),
        stamps.is_some(),
    )
    .await?;
    let birthday = merchant
        .birthday_template_id
        .as_ref()
        .and_then(|id| templates.get(id).cloned());

    Ok(Some(MerchantRules {
        merchant: MerchantInfo {
            id: merchant.id,
            name: LocalizedText::new(merchant.name_zh, merchant.name_en),
            utc_offset_min: i32::try_from(merchant.utc_offset_min.clamp(-14 * 60, 14 * 60))
                .unwrap_or(0),
            join_code: merchant.join_code,
            group,
            points_merchants: points_merchants
                .into_iter()
                .map(|row| MerchantRef {
                    id: row.id,
                    name: LocalizedText::new(row.name_zh, row.name_en),
                })
                .collect(),
        },
        stamps,
        points,
        tiers,
        birthday,
        birthday_wait_days: u32::try_from(merchant.birthday_wait_days.clamp(0, 366)).unwrap_or(0),
        survey,
        campaigns,
        referral,
        welcome,
    }))
}

/// The merchant's welcome, when all four texts are there and pass the message rules (a
/// configuration typo sends nothing rather than a broken message).
fn welcome_message(merchant: &MerchantRow) -> Option<WelcomeMessage> {
    let text = |zh: &Option<String>, en: &Option<String>| {
        Some(LocalizedText::new(zh.clone()?, en.clone()?))
    };
    let welcome = WelcomeMessage {
        title: text(&merchant.welcome_title_zh, &merchant.welcome_title_en)?,
        body: text(&merchant.welcome_body_zh, &merchant.welcome_body_en)?,
    };
    let as_message = MessageData {
        topic: MessageTopic::Welcome,
        title: welcome.title.clone(),
        body: welcome.body.clone(),
        sent_at: 0,
        coupon_code: None,
        read_at: None,
    };
    as_message.validate().then_some(welcome)
}

async fn load_stamp_program(
    conn: &mut AnyConnection,
    merchant_id: &str,
    templates: &HashMap<String, CouponTemplate>,
) -> Result<Option<StampProgram>, StoreError> {
    let row: Option<StampProgramRow> = sqlx::query_as(
        "SELECT id, title_zh, title_en, stamps_required, min_amount, amount_per_stamp, \
         max_per_visit, max_per_day, expiry_days, expiry_from, stamp_color, stamp_mark \
         FROM stamp_programs WHERE merchant_id = $1 AND active = 1",
    )
    .bind(merchant_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let Some(stamp_color) = BrandColor::parse(&row.stamp_color) else {
        tracing::warn!(
            "stamp program {}: bad stamp colour; program ignored",
            row.id
        );
        return Ok(None);
    };
    let stamps_required = to_u32(row.stamps_required).clamp(1, MAX_STAMPS_REQUIRED);
    let steps: Vec<StepRow> = sqlx::query_as(
        "SELECT at_stamp, title_zh, title_en, coupon_template_id FROM stamp_steps \
         WHERE program_id = $1 ORDER BY at_stamp",
    )
    .bind(&row.id)
    .fetch_all(&mut *conn)
    .await?;
    let steps = steps
        .into_iter()
        .filter(|step| (1..=i64::from(stamps_required)).contains(&step.at_stamp))
        .map(|step| ProgramStep {
            at: to_u32(step.at_stamp),
            title: LocalizedText::new(step.title_zh, step.title_en),
            template: step
                .coupon_template_id
                .and_then(|id| templates.get(&id).cloned()),
        })
        .collect();
    Ok(Some(StampProgram {
        id: row.id,
        title: LocalizedText::new(row.title_zh, row.title_en),
        stamps_required,
        rule: StampRule {
            min_amount: row.min_amount.max(0),
            amount_per_stamp: row.amount_per_stamp.max(0),
            max_per_visit: to_u32(row.max_per_visit).max(1),
            max_per_day: to_u32(row.max_per_day).max(1),
            expiry_days: row.expiry_days.map(to_u32),
            expiry_from: ExpiryFrom::parse(&row.expiry_from).unwrap_or(ExpiryFrom::FirstStamp),
        },
        stamp_color,
        stamp_mark: row.stamp_mark,
        steps,
    }))
}
