//! The loyalty entities a wallet receives through `/v1/sync` (docs/protocol.md section 9.7): the
//! `data` of `stamp_card`, `points_balance`, `ledger_entry`, `tier`, `coupon` and `reward`, the
//! membership's birthday, and the loyalty mutations `reward.exchange` and `profile.set_birthday`.
//!
//! Every value is absolute (a balance, never "+10"), so the wallet shows `data` as it is. Enum
//! fields keep values a newer issuer may add (`Other`), and unknown fields are ignored, so a wallet
//! built against this keeps working when the protocol grows. `validate` checks what serde cannot
//! (lengths, ranges, invisible text) before a wallet stores anything.

use crate::coupon_code::CouponCode;
pub use crate::loyalty_rules::{ExpiryFrom, StampRule};
use crate::model::{BrandColor, LocalizedText};
use serde::{Deserialize, Serialize};

/// Long texts (coupon terms, tier benefits, reward descriptions): at most this many characters.
pub const MAX_LONG_TEXT_CHARS: usize = 300;
/// Ids inside entity data (program, reward, account, tier ids).
pub const MAX_DATA_ID_LEN: usize = 128;

// ---------------------------------------------------------------------------------------------
// stamp_card

/// `data` of a `stamp_card` entity. A membership has one `active` card per program and keeps its
/// earlier cards (completed, rewarded or expired) as history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StampCardData {
    pub merchant_id: String,
    pub program_id: String,
    pub title: LocalizedText,
    /// Stamps on this card, 0 to `stamps_required`.
    pub stamps: u32,
    /// 1 to 50.
    pub stamps_required: u32,
    pub state: StampCardState,
    /// The steps that give something, ascending by `at`; the last is at `stamps_required`.
    pub rewards: Vec<StampStep>,
    /// The colour and the one or two characters drawn in a stamp (the merchant's stamp art).
    pub stamp_color: BrandColor,
    pub stamp_mark: String,
    /// How stamps are earned, for the wallet to explain.
    pub rule: StampRule,
    /// The card's number for this member at this program: 1, 2, 3...
    pub serial: u32,
    pub started_at: i64,
    pub first_stamp_at: Option<i64>,
    pub last_stamp_at: Option<i64>,
    /// When an incomplete card expires (from the rule); `null` when it does not (no stamp yet, no
    /// expiry, or completed).
    pub expires_at: Option<i64>,
    pub completed_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StampCardState {
    /// Collecting stamps.
    Active,
    /// Full; its final step is a choice from the rewards catalogue (`reward.exchange` of a reward
    /// whose cost is this card's program) that has not been made yet.
    Completed,
    /// Full and its final reward given (a coupon issued, or exchanged from the catalogue).
    Rewarded,
    /// Not completed in time.
    Expired,
    #[serde(untagged)]
    Other(String),
}

impl StampCardState {
    /// The state as the protocol (and an issuer's storage) spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Active => "active",
            Self::Completed => "completed",
            Self::Rewarded => "rewarded",
            Self::Expired => "expired",
            Self::Other(other) => other,
        }
    }
}

impl From<String> for StampCardState {
    fn from(text: String) -> Self {
        match text.as_str() {
            "active" => Self::Active,
            "completed" => Self::Completed,
            "rewarded" => Self::Rewarded,
            "expired" => Self::Expired,
            _ => Self::Other(text),
        }
    }
}

/// One step of a stamp card that gives something.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StampStep {
    /// The stamp count that reaches this step, 1 to `stamps_required`.
    pub at: u32,
    pub title: LocalizedText,
    /// True: a coupon is issued when the stamp lands. False (final step only): the completed card
    /// is exchanged for a reward of the catalogue.
    pub issues_coupon: bool,
}

impl StampCardData {
    /// The next step still to reach on an active card.
    pub fn next_step(&self) -> Option<&StampStep> {
        if self.state != StampCardState::Active {
            return None;
        }
        self.rewards.iter().find(|step| step.at > self.stamps)
    }

    /// Stamps to go until the next step.
    pub fn stamps_to_next_step(&self) -> Option<u32> {
        self.next_step().map(|step| step.at - self.stamps)
    }

    /// A completed card waiting to be exchanged from the catalogue.
    pub fn is_exchangeable(&self) -> bool {
        self.state == StampCardState::Completed
    }

    pub fn validate(&self) -> bool {
        (1..=crate::loyalty_rules::MAX_STAMPS_REQUIRED).contains(&self.stamps_required)
            && self.stamps <= self.stamps_required
            && is_data_id(&self.merchant_id)
            && is_data_id(&self.program_id)
            && self.title.is_valid()
            && is_mark(&self.stamp_mark)
            && self.rewards.windows(2).all(|w| w[0].at < w[1].at)
            && self
                .rewards
                .iter()
                .all(|s| (1..=self.stamps_required).contains(&s.at) && s.title.is_valid())
    }
}

// ---------------------------------------------------------------------------------------------
// points_balance and ledger_entry

/// `data` of a `points_balance` entity. Its id is the points account's id. Memberships of brands
/// in one merchant group share one account: each of those memberships receives the same entity
/// (same id, same data), so a wallet shows it once, labelled with `group`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsBalanceData {
    pub balance: i64,
    /// The merchant group whose brands share these points; `null` for one merchant's own points.
    pub group: Option<GroupInfo>,
    /// Where these points are earned and spent: the merchant, or every brand of the group.
    pub merchants: Vec<MerchantRef>,
    /// The points that expire next, soonest first (at most 3 dates). Their sum is at most `balance`.
    pub expiring: Vec<PointsExpiry>,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupInfo {
    pub id: String,
    pub name: LocalizedText,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantRef {
    pub id: String,
    pub name: LocalizedText,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsExpiry {
    pub points: i64,
    pub expires_at: i64,
}

impl PointsBalanceData {
    /// Points expiring before `until` (e.g. now + 30 days, for an "expiring soon" strip).
    pub fn expiring_before(&self, until: i64) -> i64 {
        self.expiring
            .iter()
            .filter(|e| e.expires_at <= until)
            .map(|e| e.points)
            .sum()
    }

    pub fn validate(&self) -> bool {
        self.balance >= 0
            && self
                .group
                .as_ref()
                .is_none_or(|g| is_data_id(&g.id) && g.name.is_valid())
            && self
                .merchants
                .iter()
                .all(|m| is_data_id(&m.id) && m.name.is_valid())
            && self.expiring.iter().all(|e| e.points > 0)
            && self.expiring.iter().map(|e| e.points).sum::<i64>() <= self.balance
    }
}

/// `data` of a `ledger_entry` entity: one change of a points balance. Entries are written once and
/// never change. A group's entries reach every membership sharing the account, like the balance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntryData {
    /// The `points_balance` entity this entry belongs to.
    pub account_id: String,
    /// 1, 2, 3... per account, in the order entries were made: sort by it (newest first: descending).
    pub seq: i64,
    /// Where it happened (for a group: which brand).
    pub merchant_id: String,
    pub merchant_name: LocalizedText,
    pub reason: LedgerReason,
    /// Signed: + earned, - spent or expired.
    pub points: i64,
    pub balance_after: i64,
    /// The purchase amount (NT$) for `purchase` entries.
    pub amount: Option<i64>,
    /// What it was for, e.g. the reward's title or the cashier's note.
    pub note: Option<LocalizedText>,
    pub created_at: i64,
    /// For credits: when these points expire (`null`: never).
    pub expires_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerReason {
    /// Earned by a purchase at the counter.
    Purchase,
    /// Welcome points at enroll.
    Welcome,
    /// Spent on a reward (`reward.exchange`).
    RewardExchange,
    Survey,
    Game,
    /// Points that reached their expiry date.
    Expiry,
    /// Set by staff (`/v1/cashier/adjust`).
    Adjustment,
    #[serde(untagged)]
    Other(String),
}

impl LedgerReason {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Purchase => "purchase",
            Self::Welcome => "welcome",
            Self::RewardExchange => "reward_exchange",
            Self::Survey => "survey",
            Self::Game => "game",
            Self::Expiry => "expiry",
            Self::Adjustment => "adjustment",
            Self::Other(other) => other,
        }
    }

    /// The reasons a cashier adjustment may give.
    pub fn for_adjustment(text: &str) -> Option<Self> {
        match text {
            "adjustment" => Some(Self::Adjustment),
            "survey" => Some(Self::Survey),
            "game" => Some(Self::Game),
            _ => None,
        }
    }
}

impl LedgerEntryData {
    pub fn validate(&self) -> bool {
        is_data_id(&self.account_id)
            && is_data_id(&self.merchant_id)
            && self.merchant_name.is_valid()
            && self.seq >= 1
            && self.balance_after >= 0
            && self
                .note
                .as_ref()
                .is_none_or(|n| is_long_text(n, crate::model::MAX_TEXT_CHARS))
    }
}

// ---------------------------------------------------------------------------------------------
// tier

/// `data` of the `tier` entity (id: the merchant id): the member's tier at this merchant and the
/// ladder, so the wallet can show progress to the next tier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierData {
    pub merchant_id: String,
    /// The current tier: one of `tiers[].tier_id`.
    pub tier_id: String,
    pub rank: u32,
    pub name: LocalizedText,
    pub benefits: LocalizedText,
    /// Points earned on purchases are multiplied by this percentage (100: no bonus).
    pub points_multiplier_pct: u32,
    /// The member's spend (NT$) at this merchant in the 365 days before `computed_at`.
    pub spend_12m: i64,
    pub computed_at: i64,
    /// When the member reached the current tier.
    pub since: i64,
    /// Every tier, ascending by `rank` and `min_spend`.
    pub tiers: Vec<TierLevel>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierLevel {
    pub tier_id: String,
    pub rank: u32,
    pub name: LocalizedText,
    /// NT$ over a rolling 12 months that reaches this tier.
    pub min_spend: i64,
    pub benefits: LocalizedText,
    pub points_multiplier_pct: u32,
}

impl TierData {
    pub fn next(&self) -> Option<&TierLevel> {
        self.tiers.iter().find(|t| t.rank > self.rank)
    }

    /// NT$ still to spend (within 12 months) to reach the next tier.
    pub fn spend_to_next(&self) -> Option<i64> {
        self.next().map(|t| (t.min_spend - self.spend_12m).max(0))
    }

    /// Progress from the current tier's threshold to the next one's, 0.0 to 1.0 (1.0 at the top).
    pub fn progress(&self) -> f64 {
        let Some(next) = self.next() else {
            return 1.0;
        };
        let floor = self
            .tiers
            .iter()
            .find(|t| t.rank == self.rank)
            .map_or(0, |t| t.min_spend);
        let span = (next.min_spend - floor).max(1);
        ((self.spend_12m - floor) as f64 / span as f64).clamp(0.0, 1.0)
    }

    pub fn validate(&self) -> bool {
        is_data_id(&self.merchant_id)
            && self.name.is_valid()
            && is_long_text(&self.benefits, MAX_LONG_TEXT_CHARS)
            && self.tiers.iter().any(|t| t.tier_id == self.tier_id)
            && self
                .tiers
                .windows(2)
                .all(|w| w[0].rank < w[1].rank && w[0].min_spend <= w[1].min_spend)
            && self.tiers.iter().all(|t| {
                is_data_id(&t.tier_id)
                    && t.name.is_valid()
                    && is_long_text(&t.benefits, MAX_LONG_TEXT_CHARS)
            })
    }
}

// ---------------------------------------------------------------------------------------------
// coupon

/// `data` of a `coupon` entity (id: the coupon code). The coupon's QR is `MWC1:<code>`
/// (`CouponCode::qr_payload`); the merchant's cashier redeems it once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponData {
    /// The merchant where it is redeemed.
    pub merchant_id: String,
    pub code: CouponCode,
    pub title: LocalizedText,
    pub terms: LocalizedText,
    pub valid_from: i64,
    /// The first moment it is no longer valid.
    pub valid_until: i64,
    pub state: CouponState,
    pub source: CouponSource,
    /// The catalogue reward it was exchanged for (`source: reward`).
    pub reward_id: Option<String>,
    pub issued_at: i64,
    pub used_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CouponState {
    Active,
    Used,
    Expired,
    #[serde(untagged)]
    Other(String),
}

impl CouponState {
    /// The state as the protocol (and an issuer's storage) spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Active => "active",
            Self::Used => "used",
            Self::Expired => "expired",
            Self::Other(other) => other,
        }
    }
}

impl From<String> for CouponState {
    fn from(text: String) -> Self {
        match text.as_str() {
            "active" => Self::Active,
            "used" => Self::Used,
            "expired" => Self::Expired,
            _ => Self::Other(text),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CouponSource {
    /// A step of a stamp card.
    StampCard,
    /// Exchanged from the rewards catalogue.
    Reward,
    /// The birthday-month gift.
    Birthday,
    /// The thanks for answering a survey.
    Survey,
    /// The apology after a bad rating (service recovery).
    ServiceRecovery,
    /// A prize of a scratch card or the wheel.
    Game,
    #[serde(untagged)]
    Other(String),
}

impl CouponData {
    /// The state to show at `now`: an issuer marks coupons expired lazily (at the member's next
    /// sync or visit), so an `active` coupon past `valid_until` is shown as expired already.
    pub fn state_at(&self, now: i64) -> CouponState {
        match self.state {
            CouponState::Active if now >= self.valid_until => CouponState::Expired,
            ref state => state.clone(),
        }
    }

    pub fn qr_payload(&self) -> String {
        self.code.qr_payload()
    }

    pub fn validate(&self) -> bool {
        is_data_id(&self.merchant_id)
            && self.title.is_valid()
            && is_long_text(&self.terms, MAX_LONG_TEXT_CHARS)
            && self.valid_from < self.valid_until
            && self.reward_id.as_deref().is_none_or(is_data_id)
    }
}

// ---------------------------------------------------------------------------------------------
// reward

/// `data` of a `reward` entity (id: the reward id): one item of the merchant's catalogue, bought
/// with points or with a completed stamp card through the `reward.exchange` mutation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardData {
    pub merchant_id: String,
    pub title: LocalizedText,
    pub description: LocalizedText,
    pub cost: RewardCost,
    /// False once a limited stock has run out (the exchange would be rejected `out_of_stock`).
    pub in_stock: bool,
    /// The stock is limited (the catalogue shows "while stocks last").
    pub limited_stock: bool,
    /// Days the coupon it gives stays valid.
    pub coupon_valid_days: u32,
    /// Display order, ascending.
    pub sort: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RewardCost {
    /// Spends this many points of the membership's points balance.
    Points { points: i64 },
    /// Spends one completed card of this stamp program.
    StampCard { program_id: String },
    /// A cost a newer issuer defines: the wallet shows the reward but cannot offer it.
    #[serde(other)]
    Unknown,
}

impl RewardData {
    pub fn validate(&self) -> bool {
        is_data_id(&self.merchant_id)
            && self.title.is_valid()
            && is_long_text(&self.description, MAX_LONG_TEXT_CHARS)
            && match &self.cost {
                RewardCost::Points { points } => *points > 0,
                RewardCost::StampCard { program_id } => is_data_id(program_id),
                RewardCost::Unknown => true,
            }
    }
}

// ---------------------------------------------------------------------------------------------
// The membership's birthday (a field of the `membership` entity's data)

/// The loyalty fields of the `membership` entity's `data`, read next to `sync::MembershipData`
/// (which ignores them): `birthday_month` is absent until `profile.set_birthday` sets it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipLoyaltyData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday_month: Option<u8>,
}

// ---------------------------------------------------------------------------------------------
// Mutations

/// `reward.exchange {"reward_id": "..."}`: spend points, or a completed stamp card, on a reward of
/// the catalogue; a coupon is issued. Rejections are final and change nothing.
pub mod reward_exchange {
    pub const NAME: &str = "reward.exchange";

    /// The reward id of the arguments, if they are `{"reward_id": string of 1 to 128 bytes}`.
    pub fn reward_id(args: &serde_json::Value) -> Option<&str> {
        args.get("reward_id")?
            .as_str()
            .filter(|id| super::is_data_id(id))
    }

    /// Rejection codes (besides `invalid_arguments`).
    pub mod rejection {
        /// The points balance is lower than the reward's cost.
        pub const INSUFFICIENT_POINTS: &str = "insufficient_points";
        /// The reward's limited stock has run out.
        pub const OUT_OF_STOCK: &str = "out_of_stock";
        /// No such reward at this membership's merchant (or it was withdrawn).
        pub const REWARD_UNKNOWN: &str = "reward_unknown";
        /// The reward costs a completed stamp card and the member has none of that program.
        pub const CARD_NOT_COMPLETE: &str = "card_not_complete";
    }
}

/// `profile.set_birthday {"month": 1-12}`: the member's birthday month, for the birthday coupon.
/// It can be set once; setting the same month again is applied and changes nothing.
pub mod profile_set_birthday {
    pub const NAME: &str = "profile.set_birthday";
    /// Rejection code: a different month is already set.
    pub const BIRTHDAY_ALREADY_SET: &str = "birthday_already_set";

    pub fn month(args: &serde_json::Value) -> Option<u8> {
        args.get("month")?
            .as_u64()
            .filter(|m| (1..=12).contains(m))
            .and_then(|m| u8::try_from(m).ok())
    }
}

// ---------------------------------------------------------------------------------------------
// Enroll into a merchant group

/// `POST /v1/enroll` with the optional `link_tokens`: the bearer tokens of memberships the wallet
/// already holds at the same issuer (same base URL). When one of them belongs to a brand of the
/// same merchant group as the join code's merchant, the new membership shares its points balance.
/// An issuer without groups ignores the field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedEnrollRequest {
    pub join_code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub link_tokens: Vec<String>,
}

/// The whole enroll request as an issuer reads it: `LinkedEnrollRequest` (what the wallet sends
/// today, kept as it is so its users compile) plus the friend's `referral_code` (§16). Unknown
/// fields are ignored, as everywhere in v1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollBody {
    pub join_code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub link_tokens: Vec<String>,
    /// As the link carried it; the issuer reads it with `ReferralCode::parse`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_code: Option<String>,
    /// In LINE's browser: the LIFF ID token (`liff.getIDToken()`), which the issuer verifies with
    /// LINE to link the LINE user (§4.3). Never a profile: an issuer trusts only LINE's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_id_token: Option<String>,
}

impl From<LinkedEnrollRequest> for EnrollBody {
    fn from(request: LinkedEnrollRequest) -> Self {
        Self {
            join_code: request.join_code,
            link_tokens: request.link_tokens,
            referral_code: None,
            line_id_token: None,
        }
    }
}

/// Most `link_tokens` an issuer looks at.
pub const MAX_LINK_TOKENS: usize = 20;

// ---------------------------------------------------------------------------------------------

pub fn is_data_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_DATA_ID_LEN && !id.chars().any(char::is_control)
}

fn is_mark(mark: &str) -> bool {
    let count = mark.chars().count();
    (1..=2).contains(&count) && !mark.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Both texts pass the text rule (`crate::text`) with line breaks allowed, at most `max`
/// characters.
pub fn is_long_text(text: &LocalizedText, max: usize) -> bool {
    [&text.zh_tw, &text.en]
        .iter()
        .all(|t| crate::text::is_valid(t, max, crate::text::Lines::Many))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_back_as_they_are_spelt() {
        for state in [
            StampCardState::Active,
            StampCardState::Completed,
            StampCardState::Rewarded,
            StampCardState::Expired,
            StampCardState::Other("paused".into()),
        ] {
            assert_eq!(StampCardState::from(state.as_str().to_owned()), state);
            let json = serde_json::to_value(&state).unwrap();
            assert_eq!(json, serde_json::Value::from(state.as_str()));
        }
        for state in [
            CouponState::Active,
            CouponState::Used,
            CouponState::Expired,
            CouponState::Other("held".into()),
        ] {
            assert_eq!(CouponState::from(state.as_str().to_owned()), state);
            let json = serde_json::to_value(&state).unwrap();
            assert_eq!(json, serde_json::Value::from(state.as_str()));
        }
    }
    use serde_json::json;

    fn text(zh: &str, en: &str) -> LocalizedText {
        LocalizedText::new(zh, en)
    }

    fn card() -> StampCardData {
        StampCardData {
            merchant_id: "morning-cafe".into(),
            program_id: "cafe-card".into(),
            title: text("咖啡集點卡", "Coffee card"),
            stamps: 4,
            stamps_required: 10,
            state: StampCardState::Active,
            rewards: vec![
                StampStep {
                    at: 5,
                    title: text("司康一個", "A scone"),
                    issues_coupon: true,
                },
                StampStep {
                    at: 10,
                    title: text("任選飲品一杯", "Any drink"),
                    issues_coupon: true,
                },
            ],
            stamp_color: BrandColor::parse("#c8873a").unwrap(),
            stamp_mark: "☕".into(),
            rule: StampRule {
                min_amount: 100,
                amount_per_stamp: 0,
                max_per_visit: 1,
                max_per_day: 2,
                expiry_days: Some(180),
                expiry_from: ExpiryFrom::LastStamp,
            },
            serial: 1,
            started_at: 1_767_225_600,
            first_stamp_at: Some(1_767_225_600),
            last_stamp_at: Some(1_767_312_000),
            expires_at: Some(1_782_864_000),
            completed_at: None,
        }
    }

    #[test]
    fn stamp_card_wire_format_and_helpers() {
        let json = serde_json::to_value(card()).unwrap();
        assert_eq!(json["state"], "active");
        assert_eq!(json["stamp_color"], "#c8873a");
        assert_eq!(json["rule"]["expiry_from"], "last_stamp");
        assert_eq!(
            json["rewards"][0],
            json!({"at": 5, "title": {"zh-TW": "司康一個", "en": "A scone"}, "issues_coupon": true})
        );
        let back: StampCardData = serde_json::from_value(json).unwrap();
        assert_eq!(back, card());
        assert!(card().validate());
        assert_eq!(card().next_step().map(|s| s.at), Some(5));
        assert_eq!(card().stamps_to_next_step(), Some(1));
        let mut full = card();
        full.stamps = 10;
        full.state = StampCardState::Completed;
        assert!(full.is_exchangeable());
        assert_eq!(full.next_step(), None);
        let mut bad = card();
        bad.stamps = 11;
        assert!(!bad.validate());
        let mut bad = card();
        bad.stamp_mark = "<b>".into();
        assert!(!bad.validate());
    }

    #[test]
    fn unknown_enum_values_are_kept() {
        let state: StampCardState = serde_json::from_value(json!("paused")).unwrap();
        assert_eq!(state, StampCardState::Other("paused".into()));
        assert_eq!(serde_json::to_value(&state).unwrap(), json!("paused"));
        let reason: LedgerReason = serde_json::from_value(json!("referral")).unwrap();
        assert_eq!(reason, LedgerReason::Other("referral".into()));
        assert_eq!(
            serde_json::from_value::<LedgerReason>(json!("reward_exchange")).unwrap(),
            LedgerReason::RewardExchange
        );
        let cost: RewardCost =
            serde_json::from_value(json!({"type": "cash", "amount": 5})).unwrap();
        assert_eq!(cost, RewardCost::Unknown);
        let state: CouponState = serde_json::from_value(json!("gifted")).unwrap();
        assert_eq!(state, CouponState::Other("gifted".into()));
    }

    #[test]
    fn ledger_reasons_round_trip() {
        for reason in [
            LedgerReason::Purchase,
            LedgerReason::Welcome,
            LedgerReason::RewardExchange,
            LedgerReason::Survey,
            LedgerReason::Game,
            LedgerReason::Expiry,
            LedgerReason::Adjustment,
        ] {
            assert_eq!(
                serde_json::to_value(&reason).unwrap(),
                json!(reason.as_str())
            );
        }
        assert_eq!(
            LedgerReason::for_adjustment("survey"),
            Some(LedgerReason::Survey)
        );
        assert_eq!(LedgerReason::for_adjustment("purchase"), None);
    }

    #[test]
    fn points_balance_and_ledger() {
        let balance: PointsBalanceData = serde_json::from_value(json!({
            "balance": 420,
            "group": {"id": "alley-group", "name": {"zh-TW": "小巷餐飲集團", "en": "Alley Dining Group"}},
            "merchants": [
                {"id": "alley-yakiniku", "name": {"zh-TW": "炭火小巷燒肉", "en": "Alley Charcoal Yakiniku"}},
                {"id": "alley-ramen", "name": {"zh-TW": "小巷拉麵", "en": "Alley Ramen"}}
            ],
            "expiring": [{"points": 100, "expires_at": 1_790_000_000}, {"points": 20, "expires_at": 1_800_000_000}],
            "updated_at": 1_767_225_600,
            "a_field_from_the_future": true
        }))
        .unwrap();
        assert!(balance.validate());
        assert_eq!(balance.expiring_before(1_795_000_000), 100);
        let mut bad = balance.clone();
        bad.balance = 50;
        assert!(!bad.validate(), "more expiring than held");

        let entry: LedgerEntryData = serde_json::from_value(json!({
            "account_id": "pa-1f2e3d4c5b6a7980", "seq": 3,
            "merchant_id": "alley-ramen", "merchant_name": {"zh-TW": "小巷拉麵", "en": "Alley Ramen"},
            "reason": "purchase", "points": 7, "balance_after": 427, "amount": 380,
            "note": null, "created_at": 1_767_225_600, "expires_at": 1_798_761_600
        }))
        .unwrap();
        assert_eq!(entry.reason, LedgerReason::Purchase);
        assert!(entry.validate());
    }

    #[test]
    fn tiers_progress() {
        let level = |id: &str, rank, min_spend, pct| TierLevel {
            tier_id: id.into(),
            rank,
            name: text(id, id),
            min_spend,
            benefits: text("好康", "Perks"),
            points_multiplier_pct: pct,
        };
        let tier = TierData {
            merchant_id: "qingtian-books".into(),
            tier_id: "silver".into(),
            rank: 1,
            name: text("銀卡", "Silver"),
            benefits: text("點數 1.2 倍", "1.2x points"),
            points_multiplier_pct: 120,
            spend_12m: 6_500,
            computed_at: 0,
            since: 0,
            tiers: vec![
                level("regular", 0, 0, 100),
                level("silver", 1, 3_000, 120),
                level("gold", 2, 10_000, 150),
            ],
        };
        assert!(tier.validate());
        assert_eq!(tier.next().map(|t| t.tier_id.as_str()), Some("gold"));
        assert_eq!(tier.spend_to_next(), Some(3_500));
        assert!((tier.progress() - 0.5).abs() < 1e-9);
        let mut top = tier.clone();
        top.tier_id = "gold".into();
        top.rank = 2;
        assert_eq!(top.next(), None);
        assert_eq!(top.progress(), 1.0);
        let mut bad = tier;
        bad.tier_id = "platinum".into();
        assert!(!bad.validate());
    }

    #[test]
    fn coupons_expire_on_screen_before_the_issuer_says_so() {
        let coupon: CouponData = serde_json::from_value(json!({
            "merchant_id": "morning-cafe", "code": "Q8M2T4K9XH3A",
            "title": {"zh-TW": "任選飲品一杯", "en": "Any drink"},
            "terms": {"zh-TW": "限本人使用", "en": "For the member only"},
            "valid_from": 100, "valid_until": 200, "state": "active", "source": "stamp_card",
            "reward_id": null, "issued_at": 100, "used_at": null
        }))
        .unwrap();
        assert!(coupon.validate());
        assert_eq!(coupon.qr_payload(), "MWC1:Q8M2T4K9XH3A");
        assert_eq!(coupon.state_at(199), CouponState::Active);
        assert_eq!(coupon.state_at(200), CouponState::Expired);
        let used = CouponData {
            state: CouponState::Used,
            ..coupon
        };
        assert_eq!(used.state_at(300), CouponState::Used);
    }

    #[test]
    fn rewards() {
        let reward: RewardData = serde_json::from_value(json!({
            "merchant_id": "alley-yakiniku",
            "title": {"zh-TW": "厚切牛舌", "en": "Thick-cut beef tongue"},
            "description": {"zh-TW": "一份", "en": "One plate"},
            "cost": {"type": "points", "points": 300},
            "in_stock": true, "limited_stock": false, "coupon_valid_days": 30, "sort": 1
        }))
        .unwrap();
        assert_eq!(reward.cost, RewardCost::Points { points: 300 });
        assert!(reward.validate());
        assert_eq!(
            serde_json::to_value(RewardCost::StampCard {
                program_id: "yakiniku-card".into()
            })
            .unwrap(),
            json!({"type": "stamp_card", "program_id": "yakiniku-card"})
        );
    }

    #[test]
    fn mutation_arguments() {
        assert_eq!(
            reward_exchange::reward_id(&json!({"reward_id": "beef-tongue"})),
            Some("beef-tongue")
        );
        assert_eq!(reward_exchange::reward_id(&json!({"reward_id": ""})), None);
        assert_eq!(reward_exchange::reward_id(&json!({"reward_id": 7})), None);
        assert_eq!(reward_exchange::reward_id(&json!({})), None);
        assert_eq!(
            reward_exchange::reward_id(&json!({"reward_id": "x".repeat(129)})),
            None
        );
        assert_eq!(profile_set_birthday::month(&json!({"month": 12})), Some(12));
        for bad in [
            json!({"month": 0}),
            json!({"month": 13}),
            json!({"month": "3"}),
            json!({"month": 2.5}),
            json!(null),
        ] {
            assert_eq!(profile_set_birthday::month(&bad), None, "{bad}");
        }
    }

    #[test]
    fn birthday_and_linked_enroll() {
        let data: MembershipLoyaltyData = serde_json::from_value(json!({
            "merchant_id": "morning-cafe", "member_since": 1, "display_name": null, "birthday_month": 3
        }))
        .unwrap();
        assert_eq!(data.birthday_month, Some(3));
        let none: MembershipLoyaltyData =
            serde_json::from_value(json!({"merchant_id": "x", "member_since": 1})).unwrap();
        assert_eq!(none.birthday_month, None);

        let plain: LinkedEnrollRequest =
            serde_json::from_value(json!({"join_code": "RAMEN"})).unwrap();
        assert!(plain.link_tokens.is_empty());
        assert_eq!(
            serde_json::to_value(&plain).unwrap(),
            json!({"join_code": "RAMEN"})
        );
    }

    #[test]
    fn long_texts() {
        assert!(is_long_text(&text("第一行\n第二行", "a\nb"), 300));
        assert!(!is_long_text(&text("x\u{202e}", "a"), 300));
        assert!(!is_long_text(&text("", "a"), 300));
        assert!(!is_long_text(&text("a", &"b".repeat(301)), 300));
    }
}
