//! The "expiring soon" strip on the wallet home: points, coupons and stamp cards of every
//! merchant that run out within 30 days, soonest first.

use crate::i18n::{is_chinese, t, t_string, use_i18n};
use crate::loyalty::LoyaltyView;
use crate::platform::{clock, dates};
use crate::state::WalletState;
use crate::storage::sync_store;
use crate::sync::SyncEngine;
use leptos::prelude::*;
use wallet_core::loyalty::{CouponState, StampCardState};
use wallet_core::sync::EntityKind;

const HORIZON_SECS: i64 = 30 * 24 * 3600;
const MAX_SHOWN: usize = 5;

#[derive(Clone, Debug, PartialEq)]
enum Expiring {
    Points { points: i64 },
    Coupon { title_zh: String, title_en: String },
    StampCard,
}

#[derive(Clone, Debug, PartialEq)]
struct Item {
    at: i64,
    membership_id: String,
    merchant_zh: String,
    merchant_en: String,
    what: Expiring,
}

async fn collect(state: WalletState) -> Vec<Item> {
    let now = clock::now_unix_secs() as i64;
    let until = now + HORIZON_SECS;
    let mut items = Vec::new();
    let mut seen_accounts = Vec::new();
    for membership in state.memberships.get_untracked() {
        let id = membership.id.to_string();
        // What can expire, not the points ledger (which may be 10,000 entries long).
        let entities = sync_store::entities_of_kinds(
            &id,
            &[
                EntityKind::PointsBalance,
                EntityKind::Coupon,
                EntityKind::StampCard,
            ],
        )
        .await
        .unwrap_or_default();
        let view = LoyaltyView::build(&entities, &[]);
        let item = |at: i64, what: Expiring| Item {
            at,
            membership_id: id.clone(),
            merchant_zh: membership.merchant.name.zh_tw.clone(),
            merchant_en: membership.merchant.name.en.clone(),
            what,
        };
        if let Some((account, points)) = &view.points {
            // A group's shared points appear once, under the first of its brands.
            if !seen_accounts.contains(account) {
                seen_accounts.push(account.clone());
                for e in points.expiring.iter().filter(|e| e.expires_at <= until) {
                    items.push(item(e.expires_at, Expiring::Points { points: e.points }));
                }
            }
        }
        for coupon in view
            .coupons
            .iter()
            .filter(|c| c.state_at(now) == CouponState::Active)
        {
            if coupon.valid_until <= until {
                items.push(item(
                    coupon.valid_until,
                    Expiring::Coupon {
                        title_zh: coupon.title.zh_tw.clone(),
                        title_en: coupon.title.en.clone(),
                    },
                ));
            }
        }
        for card in view
            .stamp_cards
            .iter()
            .filter(|c| c.state == StampCardState::Active)
        {
            if let Some(at) = card.expires_at.filter(|at| *at <= until) {
                items.push(item(at, Expiring::StampCard));
            }
        }
    }
    items.sort_by_key(|i| i.at);
    items.truncate(MAX_SHOWN);
    items
}

#[component]
pub fn ExpiringStrip() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<WalletState>();
    let engine = expect_context::<SyncEngine>();
    let items = LocalResource::new(move || {
        engine.revision.track();
        state.memberships.track();
        collect(state)
    });
    move || {
        let items = items.get().unwrap_or_default();
        if items.is_empty() {
            return None;
        }
        let chinese = is_chinese(i18n.get_locale());
        let rows = items
            .into_iter()
            .map(|item| {
                let merchant = if chinese {
                    item.merchant_zh
                } else {
                    item.merchant_en
                };
                let date = dates::date(item.at - 1);
                let text = match item.what {
                    Expiring::Points { points } => t_string!(
                        i18n,
                        expiring_points,
                        merchant,
                        points = dates::number(points),
                        date
                    )
                    .to_string(),
                    Expiring::Coupon { title_zh, title_en } => {
                        let title = if chinese { title_zh } else { title_en };
                        t_string!(i18n, expiring_coupon, merchant, title, date).to_string()
                    }
                    Expiring::StampCard => {
                        t_string!(i18n, expiring_card, merchant, date).to_string()
                    }
                };
                view! { <li><a href=format!("/m/{}", item.membership_id)>{text}</a></li> }
            })
            .collect_view();
        Some(view! {
            <section class="expiring" data-testid="expiring">
                <h2>{t!(i18n, expiring_title)}</h2>
                <ul>{rows}</ul>
            </section>
        })
    }
}
