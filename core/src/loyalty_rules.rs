//! The loyalty rules as pure functions: how many stamps a purchase earns, how stamps fill cards,
//! how many points an amount earns and when they expire, which tier a spend reaches, which points
//! a spend takes, and the merchant's local calendar (days, months) they are counted in.
//!
//! The issuer applies these; they live here, without a database, so they are tested natively and
//! a wallet can explain them ("3 more stamps", "expires on ...") with the same arithmetic.

use serde::{Deserialize, Serialize};

pub const SECS_PER_DAY: i64 = 86_400;
/// Tiers count the spend of the last 365 days.
pub const ROLLING_SPEND_DAYS: i64 = 365;
/// Stamp cards hold 1 to 50 stamps.
pub const MAX_STAMPS_REQUIRED: u32 = 50;
/// Largest purchase amount (NT$) a till may send; bounds every product below.
pub const MAX_PURCHASE_AMOUNT: i64 = 10_000_000;

// ---------------------------------------------------------------------------------------------
// The merchant's calendar. Days and months are counted in the merchant's local time, given as a
// fixed offset from UTC in minutes (Taiwan: +480, no daylight saving).

/// The local day number (days since 1970-01-01 in local time).
pub fn local_day(unix: i64, utc_offset_min: i32) -> i64 {
    (unix + i64::from(utc_offset_min) * 60).div_euclid(SECS_PER_DAY)
}

/// The Unix time of local midnight starting `day`.
pub fn day_start(day: i64, utc_offset_min: i32) -> i64 {
    day * SECS_PER_DAY - i64::from(utc_offset_min) * 60
}

/// (year, month 1-12, day 1-31) of a day number (H. Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// The day number of a civil date (H. Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The local (year, month 1-12) at a moment.
pub fn local_month(unix: i64, utc_offset_min: i32) -> (i64, u32) {
    let (year, month, _) = civil_from_days(local_day(unix, utc_offset_min));
    (year, month)
}

/// The Unix time the local month after (year, month) starts: the end of that month.
pub fn month_end(year: i64, month: u32, utc_offset_min: i32) -> i64 {
    let (next_year, next_month) = if month >= 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    day_start(days_from_civil(next_year, next_month, 1), utc_offset_min)
}

// ---------------------------------------------------------------------------------------------
// Stamp cards.

/// Where a stamp card's expiry is counted from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryFrom {
    FirstStamp,
    LastStamp,
}

impl ExpiryFrom {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FirstStamp => "first_stamp",
            Self::LastStamp => "last_stamp",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "first_stamp" => Some(Self::FirstStamp),
            "last_stamp" => Some(Self::LastStamp),
            _ => None,
        }
    }
}

/// How a merchant's stamp program grants stamps (also sent to wallets in `stamp_card.rule`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StampRule {
    /// Purchases below this amount (NT$) earn no stamp.
    pub min_amount: i64,
    /// One stamp per this many NT$; 0 means one stamp per qualifying purchase.
    pub amount_per_stamp: i64,
    /// Most stamps one purchase earns.
    pub max_per_visit: u32,
    /// Most stamps a member earns per local day (against abuse: a purchase split in many).
    pub max_per_day: u32,
    /// A card not completed within this many days expires; `None`: never.
    pub expiry_days: Option<u32>,
    pub expiry_from: ExpiryFrom,
}

/// What a purchase earns on a stamp program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StampGrant {
    pub granted: u32,
    /// True when a per-visit or per-day limit took some stamps away.
    pub limited: bool,
}

impl StampRule {
    /// Stamps for a purchase of `amount`, given the stamps this member already earned today.
    pub fn grant(&self, amount: i64, granted_today: u32) -> StampGrant {
        if amount <= 0 || amount < self.min_amount {
            return StampGrant {
                granted: 0,
                limited: false,
            };
        }
        let earned: u32 = if self.amount_per_stamp <= 0 {
            1
        } else {
            u32::try_from(amount / self.amount_per_stamp).unwrap_or(u32::MAX)
        };
        let room_today = self.max_per_day.saturating_sub(granted_today);
        let granted = earned.min(self.max_per_visit).min(room_today);
        StampGrant {
            granted,
            limited: granted < earned,
        }
    }

    /// When a card with these stamp times expires.
    pub fn expires_at(
        &self,
        first_stamp_at: Option<i64>,
        last_stamp_at: Option<i64>,
    ) -> Option<i64> {
        let days = i64::from(self.expiry_days?);
        let from = match self.expiry_from {
            ExpiryFrom::FirstStamp => first_stamp_at?,
            ExpiryFrom::LastStamp => last_stamp_at?,
        };
        Some(from + days * SECS_PER_DAY)
    }
}

/// Stamps landing on one card: it goes from `from` to `to` stamps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CardFill {
    pub from: u32,
    pub to: u32,
    pub completed: bool,
}

impl CardFill {
    /// The reward steps (stamp counts) this fill reaches, e.g. `at` 5 when going from 4 to 6.
    pub fn reaches(&self, at: u32) -> bool {
        self.from < at && at <= self.to
    }

    /// The reward steps this fill reaches for the first time on its card. `reached_before` is the
    /// most stamps the card ever held: a card that staff took stamps off (a correction) and that
    /// climbs back does not issue a step's coupon twice.
    pub fn reaches_first_time(&self, at: u32, reached_before: u32) -> bool {
        self.reaches(at) && at > reached_before
    }
}

/// Stamps left on a card holding `current` after staff take `removed` off, or `None` when it holds
/// fewer (a card never goes below zero).
pub fn remove_stamps(current: u32, removed: u32) -> Option<u32> {
    current.checked_sub(removed)
}

/// How `granted` stamps fill the current card (holding `current`) and, past its end, new cards:
/// the first fill is the current card, each later one a new card. A card that completes is full;
/// the stamps left over carry on to the next card.
pub fn fill_cards(current: u32, required: u32, granted: u32) -> Vec<CardFill> {
    let required = required.clamp(1, MAX_STAMPS_REQUIRED);
    let mut fills = Vec::new();
    let mut from = current.min(required);
    let mut left = granted;
    loop {
        let take = left.min(required - from);
        let to = from + take;
        fills.push(CardFill {
            from,
            to,
            completed: to == required && take > 0,
        });
        left -= take;
        if left == 0 || to < required {
            return fills;
        }
        from = 0;
    }
}

// ---------------------------------------------------------------------------------------------
// Points.

/// `points_per_unit` points for every full `amount_unit` NT$ (e.g. 1 point per NT$100).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarnRule {
    pub amount_unit: i64,
    pub points_per_unit: i64,
}

impl EarnRule {
    /// Points for a purchase, with the tier's multiplier in percent (100 = none), rounded down.
    pub fn points_for(&self, amount: i64, multiplier_pct: u32) -> i64 {
        if amount <= 0 || self.amount_unit <= 0 || self.points_per_unit <= 0 {
            return 0;
        }
        let amount = amount.min(MAX_PURCHASE_AMOUNT);
        let base = (amount / self.amount_unit).saturating_mul(self.points_per_unit);
        base.saturating_mul(i64::from(multiplier_pct)) / 100
    }
}

/// When points earned at `earned_at` expire: at the end of the local day `valid_days` later.
pub fn points_expire_at(
    earned_at: i64,
    valid_days: Option<u32>,
    utc_offset_min: i32,
) -> Option<i64> {
    let days = i64::from(valid_days?);
    Some(day_start(
        local_day(earned_at, utc_offset_min) + days + 1,
        utc_offset_min,
    ))
}

/// Which points a spend of `amount` takes from lots holding `remaining` points each, given in the
/// order they are spent (soonest expiry first): how many from each. `None` if they hold too few.
pub fn take_in_order(remaining: &[i64], amount: i64) -> Option<Vec<i64>> {
    let mut left = amount.max(0);
    let takes: Vec<i64> = remaining
        .iter()
        .map(|&lot| {
            let take = lot.max(0).min(left);
            left -= take;
            take
        })
        .collect();
    (left == 0).then_some(takes)
}

// ---------------------------------------------------------------------------------------------
// Tiers.

/// The index of the highest tier whose threshold the spend reaches. `thresholds` are ascending
/// minimum spends; the first (the base tier) is normally 0. Below every threshold: 0.
pub fn tier_index(thresholds: &[i64], spend: i64) -> usize {
    thresholds
        .iter()
        .rposition(|&min| spend >= min)
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// Birthday.

/// What decides whether a member's birthday coupon is due.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Birthday {
    /// 1 to 12; `None`: not set.
    pub month: Option<u32>,
    /// The local year whose coupon was issued last.
    pub last_issued_year: Option<i64>,
    /// When the member set the month (`None`: before this was recorded, long ago).
    pub set_at: Option<i64>,
}

/// Days the month must have been set before the birthday month starts, by default: a member
/// who joins and names this month (or next) gets the first coupon next year, so throwaway
/// memberships cannot farm coupons; a real member set it long before.
pub const DEFAULT_BIRTHDAY_WAIT_DAYS: u32 = 30;

/// The local year whose birthday coupon is due now: the birthday month is the current local
/// month, this year's coupon has not been issued, and the month was set at least `wait_days`
/// before this month began.
pub fn birthday_coupon_due(
    birthday: &Birthday,
    wait_days: u32,
    now: i64,
    utc_offset_min: i32,
) -> Option<i64> {
    let (year, month) = local_month(now, utc_offset_min);
    let month_start = day_start(days_from_civil(year, month, 1), utc_offset_min);
    let waited = birthday
        .set_at
        .is_none_or(|set_at| set_at <= month_start - i64::from(wait_days) * SECS_PER_DAY);
    (birthday.month == Some(month) && birthday.last_issued_year != Some(year) && waited)
        .then_some(year)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TW: i32 = 480;

    fn rule() -> StampRule {
        StampRule {
            min_amount: 100,
            amount_per_stamp: 0,
            max_per_visit: 1,
            max_per_day: 2,
            expiry_days: Some(90),
            expiry_from: ExpiryFrom::FirstStamp,
        }
    }

    #[test]
    fn calendar() {
        // 2026-01-01T00:00:00+08:00 = 2025-12-31T16:00:00Z = 1767196800.
        let new_year_tw = 1_767_196_800;
        assert_eq!(civil_from_days(local_day(new_year_tw, TW)), (2026, 1, 1));
        assert_eq!(
            civil_from_days(local_day(new_year_tw - 1, TW)),
            (2025, 12, 31)
        );
        assert_eq!(civil_from_days(local_day(new_year_tw, 0)), (2025, 12, 31));
        assert_eq!(
            day_start(local_day(new_year_tw + 5000, TW), TW),
            new_year_tw
        );
        assert_eq!(local_month(new_year_tw, TW), (2026, 1));
        assert_eq!(month_end(2026, 1, TW), new_year_tw + 31 * SECS_PER_DAY);
        assert_eq!(month_end(2025, 12, TW), new_year_tw);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
    }

    #[test]
    fn stamps_per_purchase_within_the_limits() {
        let rule = rule();
        assert_eq!(rule.grant(99, 0).granted, 0, "below the minimum");
        assert_eq!(
            rule.grant(100, 0),
            StampGrant {
                granted: 1,
                limited: false
            }
        );
        assert_eq!(
            rule.grant(100, 2),
            StampGrant {
                granted: 0,
                limited: true
            },
            "the daily limit is reached"
        );
        let per_amount = StampRule {
            amount_per_stamp: 150,
            max_per_visit: 3,
            max_per_day: 5,
            ..rule
        };
        assert_eq!(per_amount.grant(449, 0).granted, 2);
        assert_eq!(
            per_amount.grant(1_000, 0),
            StampGrant {
                granted: 3,
                limited: true
            }
        );
        assert_eq!(per_amount.grant(1_000, 4).granted, 1);
        assert_eq!(per_amount.grant(-5, 0).granted, 0);
    }

    #[test]
    fn card_expiry_counts_from_the_chosen_stamp() {
        let rule = rule();
        assert_eq!(rule.expires_at(None, None), None);
        assert_eq!(
            rule.expires_at(Some(1_000), Some(5_000)),
            Some(1_000 + 90 * SECS_PER_DAY)
        );
        let from_last = StampRule {
            expiry_from: ExpiryFrom::LastStamp,
            ..rule.clone()
        };
        assert_eq!(
            from_last.expires_at(Some(1_000), Some(5_000)),
            Some(5_000 + 90 * SECS_PER_DAY)
        );
        let never = StampRule {
            expiry_days: None,
            ..rule
        };
        assert_eq!(never.expires_at(Some(1), Some(2)), None);
        assert_eq!(ExpiryFrom::parse("last_stamp"), Some(ExpiryFrom::LastStamp));
        assert_eq!(ExpiryFrom::parse("x"), None);
    }

    #[test]
    fn stamps_fill_cards_and_carry_over() {
        assert_eq!(
            fill_cards(3, 10, 1),
            vec![CardFill {
                from: 3,
                to: 4,
                completed: false
            }]
        );
        assert_eq!(
            fill_cards(9, 10, 1),
            vec![CardFill {
                from: 9,
                to: 10,
                completed: true
            }]
        );
        assert_eq!(
            fill_cards(8, 5, 13),
            vec![
                CardFill {
                    from: 5,
                    to: 5,
                    completed: false
                },
                CardFill {
                    from: 0,
                    to: 5,
                    completed: true
                },
                CardFill {
                    from: 0,
                    to: 5,
                    completed: true
                },
                CardFill {
                    from: 0,
                    to: 3,
                    completed: false
                },
            ],
            "a card already full (8 of 5 after a rule change) takes nothing"
        );
        assert_eq!(fill_cards(0, 10, 0).len(), 1);
        let fill = fill_cards(4, 10, 2)[0];
        assert!(fill.reaches(5) && fill.reaches(6));
        assert!(!fill.reaches(4) && !fill.reaches(7));
        // A card that once held 6, corrected down to 4, climbing back to 6: step 5 was issued.
        assert!(!fill.reaches_first_time(5, 6) && !fill.reaches_first_time(6, 6));
        assert!(fill.reaches_first_time(5, 4) && fill.reaches_first_time(6, 5));
        assert_eq!(remove_stamps(9, 3), Some(6));
        assert_eq!(remove_stamps(2, 2), Some(0));
        assert_eq!(remove_stamps(1, 2), None);
    }

    #[test]
    fn points_and_expiry() {
        let rule = EarnRule {
            amount_unit: 100,
            points_per_unit: 1,
        };
        assert_eq!(rule.points_for(1_299, 100), 12);
        assert_eq!(rule.points_for(1_299, 150), 18);
        assert_eq!(rule.points_for(99, 200), 0);
        assert_eq!(rule.points_for(-100, 100), 0);
        let broken = EarnRule {
            amount_unit: 0,
            points_per_unit: 1,
        };
        assert_eq!(broken.points_for(1_000, 100), 0);
        // Earned 2026-01-01 10:00 Taiwan time, valid 30 days: gone at the start of 2026-02-01.
        let earned = 1_767_196_800 + 10 * 3600;
        assert_eq!(
            points_expire_at(earned, Some(30), TW),
            Some(1_767_196_800 + 31 * SECS_PER_DAY)
        );
        assert_eq!(points_expire_at(earned, None, TW), None);
    }

    #[test]
    fn spending_takes_lots_in_order() {
        assert_eq!(take_in_order(&[50, 30, 100], 70), Some(vec![50, 20, 0]));
        assert_eq!(take_in_order(&[50, 30], 80), Some(vec![50, 30]));
        assert_eq!(take_in_order(&[50, 30], 81), None);
        assert_eq!(take_in_order(&[], 0), Some(vec![]));
    }

    #[test]
    fn tiers_by_threshold() {
        let thresholds = [0, 3_000, 10_000, 30_000];
        assert_eq!(tier_index(&thresholds, 0), 0);
        assert_eq!(tier_index(&thresholds, 2_999), 0);
        assert_eq!(tier_index(&thresholds, 3_000), 1);
        assert_eq!(tier_index(&thresholds, 29_999), 2);
        assert_eq!(tier_index(&thresholds, 1_000_000), 3);
        assert_eq!(tier_index(&[], 5), 0);
    }

    #[test]
    fn birthday_coupon_once_a_year_in_the_month() {
        let march_2026 = 1_772_323_200 + 86_400 * 3; // 2026-03-04 Taiwan time
        assert_eq!(local_month(march_2026, TW), (2026, 3));
        let due = |month, last_issued_year| {
            let birthday = Birthday {
                month,
                last_issued_year,
                set_at: None,
            };
            birthday_coupon_due(&birthday, 30, march_2026, TW)
        };
        assert_eq!(due(Some(3), None), Some(2026));
        assert_eq!(due(Some(3), Some(2025)), Some(2026));
        assert_eq!(due(Some(3), Some(2026)), None);
        assert_eq!(due(Some(4), None), None);
        assert_eq!(due(None, None), None);
    }

    #[test]
    fn a_birthday_month_set_just_before_it_waits_for_next_year() {
        let march_start = day_start(days_from_civil(2026, 3, 1), TW);
        assert_eq!(local_month(march_start, TW), (2026, 3));
        assert_eq!(local_month(march_start - 1, TW), (2026, 2));
        let now = march_start + 3 * SECS_PER_DAY;
        let set_at = |days_before_march: i64| Birthday {
            month: Some(3),
            last_issued_year: None,
            set_at: Some(march_start - days_before_march * SECS_PER_DAY),
        };
        assert_eq!(birthday_coupon_due(&set_at(30), 30, now, TW), Some(2026));
        assert_eq!(birthday_coupon_due(&set_at(29), 30, now, TW), None);
        // Set in the birthday month itself (a new member naming this month): next year.
        assert_eq!(birthday_coupon_due(&set_at(-2), 30, now, TW), None);
        let next_march = march_start + 365 * SECS_PER_DAY;
        assert_eq!(
            birthday_coupon_due(&set_at(-2), 30, next_march, TW),
            Some(2027)
        );
        // A merchant that waits for nothing.
        assert_eq!(birthday_coupon_due(&set_at(-2), 0, now, TW), None);
        assert_eq!(birthday_coupon_due(&set_at(0), 0, now, TW), Some(2026));
    }

    proptest! {
        #[test]
        fn civil_dates_round_trip(days in -1_000_000i64..1_000_000) {
            let (y, m, d) = civil_from_days(days);
            prop_assert!((1..=12).contains(&m) && (1..=31).contains(&d));
            prop_assert_eq!(days_from_civil(y, m, d), days);
        }

        #[test]
        fn month_end_is_after_every_moment_of_the_month(unix in 0i64..4_000_000_000, offset in -720i32..=840) {
            let (year, month) = local_month(unix, offset);
            let end = month_end(year, month, offset);
            prop_assert!(end > unix);
            prop_assert_ne!(local_month(end, offset), (year, month));
            prop_assert_eq!(local_month(end - 1, offset), (year, month));
        }

        #[test]
        fn fills_conserve_stamps(current in 0u32..60, required in 1u32..=50, granted in 0u32..200) {
            let fills = fill_cards(current, required, granted);
            let landed: u32 = fills.iter().map(|f| f.to - f.from).sum();
            prop_assert_eq!(landed, granted);
            prop_assert!(fills.iter().all(|f| f.to <= required && f.from <= f.to));
            // Every card but the last is completed (or was already full).
            prop_assert!(fills[..fills.len() - 1].iter().all(|f| f.to == required));
            prop_assert!(!fills.last().unwrap().completed || fills.last().unwrap().to == required);
        }

        #[test]
        fn grants_respect_the_limits(amount in -10i64..100_000, today in 0u32..10, per in 0i64..500, visit in 1u32..5, day in 1u32..6) {
            let rule = StampRule { amount_per_stamp: per, max_per_visit: visit, max_per_day: day, ..rule() };
            let grant = rule.grant(amount, today);
            prop_assert!(grant.granted <= visit);
            prop_assert!(grant.granted + today <= day.max(today));
        }

        #[test]
        fn taking_never_exceeds_a_lot(lots in proptest::collection::vec(0i64..1_000, 0..20), amount in 0i64..20_000) {
            let total: i64 = lots.iter().sum();
            match take_in_order(&lots, amount) {
                Some(takes) => {
                    prop_assert!(amount <= total);
                    prop_assert_eq!(takes.iter().sum::<i64>(), amount);
                    prop_assert!(takes.iter().zip(&lots).all(|(t, l)| 0 <= *t && t <= l));
                }
                None => prop_assert!(amount > total),
            }
        }

        #[test]
        fn tiers_are_monotonic(spend_a in 0i64..100_000, spend_b in 0i64..100_000) {
            let thresholds = [0, 3_000, 10_000, 30_000];
            let (low, high) = (spend_a.min(spend_b), spend_a.max(spend_b));
            prop_assert!(tier_index(&thresholds, low) <= tier_index(&thresholds, high));
        }
    }
}
