//! What counts as "expiring soon" on the wallet home: points, coupons and stamp cards that run out
//! within 30 days.

use crate::loyalty::{CouponData, CouponState, PointsBalanceData, StampCardData, StampCardState};
use crate::LocalizedText;

pub const EXPIRING_HORIZON_SECS: i64 = 30 * 24 * 3600;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expiring {
    Points { points: i64 },
    Coupon { title: LocalizedText },
    StampCard,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpiringItem {
    /// The first moment it is gone (unix seconds).
    pub at: i64,
    pub what: Expiring,
}

/// One membership's items that run out by `now` + 30 days: the points of each expiry date the
/// issuer listed, the coupons still usable at `now`, and the active stamp cards, in that order
/// (the wallet home sorts every membership's items together, soonest first, so no sort here).
/// `points` is `None` for a group's shared account already listed under another brand.
pub fn expiring_soon(
    points: Option<&PointsBalanceData>,
    coupons: &[CouponData],
    cards: &[StampCardData],
    now: i64,
) -> Vec<ExpiringItem> {
    let until = now + EXPIRING_HORIZON_SECS;
    // Loops rather than chained iterators: this runs in the first screen's wasm, where each
    // adapter chain is code of its own.
    let mut items = Vec::new();
    for e in points.map_or(&[][..], |p| &p.expiring) {
        if e.expires_at <= until {
            items.push(ExpiringItem {
                at: e.expires_at,
                what: Expiring::Points { points: e.points },
            });
        }
    }
    for c in coupons {
        if c.state_at(now) == CouponState::Active && c.valid_until <= until {
            items.push(ExpiringItem {
                at: c.valid_until,
                what: Expiring::Coupon {
                    title: c.title.clone(),
                },
            });
        }
    }
    for c in cards {
        if let Some(at) = c
            .expires_at
            .filter(|at| c.state == StampCardState::Active && *at <= until)
        {
            items.push(ExpiringItem {
                at,
                what: Expiring::StampCard,
            });
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wallet::fixtures::{card, coupon, points};

    const NOW: i64 = 1_800_000_000;
    const DAY: i64 = 86_400;

    #[test]
    fn within_thirty_days_points_coupons_then_cards() {
        let balance = points(&[(50, NOW + 10 * DAY), (80, NOW + 31 * DAY)]);
        let mut stamp_card = card("cafe-card", 3, 10);
        stamp_card.expires_at = Some(NOW + 2 * DAY);
        let items = expiring_soon(
            Some(&balance),
            &[
                coupon("latte", NOW + 30 * DAY),
                coupon("cake", NOW + 30 * DAY + 1),
            ],
            &[stamp_card],
            NOW,
        );
        let days: Vec<_> = items.iter().map(|i| (i.at - NOW) / DAY).collect();
        assert_eq!(
            days,
            [10, 30, 2],
            "day 31 is too far, day 30 exactly is not"
        );
        assert_eq!(items[0].what, Expiring::Points { points: 50 });
        assert!(matches!(&items[1].what, Expiring::Coupon { title } if title.en == "latte"));
        assert_eq!(items[2].what, Expiring::StampCard);
    }

    #[test]
    fn used_or_lapsed_coupons_and_finished_cards_do_not_expire() {
        let mut used = coupon("used", NOW + DAY);
        used.state = CouponState::Used;
        let lapsed = coupon("lapsed", NOW);
        let mut completed = card("cafe-card", 10, 10);
        completed.state = StampCardState::Completed;
        completed.expires_at = Some(NOW + DAY);
        let no_expiry = card("tea-card", 2, 10);
        assert_eq!(
            expiring_soon(None, &[used, lapsed], &[completed, no_expiry], NOW),
            []
        );
    }

    #[test]
    fn shared_points_listed_elsewhere_are_left_out() {
        assert!(expiring_soon(None, &[], &[], NOW).is_empty());
        let balance = points(&[(50, NOW + DAY)]);
        assert_eq!(expiring_soon(Some(&balance), &[], &[], NOW).len(), 1);
    }
}
