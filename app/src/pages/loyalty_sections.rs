//! Below the member QR: stamp cards, points, tier, the coupon box link and the rewards a customer
//! can exchange. Everything comes from IndexedDB (the issuer's entities) with the outbox overlaid.

use crate::i18n::{is_chinese, t, t_string, use_i18n};
use crate::loyalty::LoyaltyView;
use crate::platform::{clock, dates};
use crate::storage::{outbox, sync_store};
use crate::sync::SyncEngine;
use leptos::prelude::*;
use wallet_components::{StampGrid, TierProgress};
use wallet_core::loyalty::{reward_exchange, RewardCost, StampCardData, StampCardState};
use wallet_core::sync::EntityKind;

/// What the card and the coupon box show: every loyalty kind but the points ledger, which may be
/// 10,000 entries long (reading and parsing those on every sync took a long task).
const WITHOUT_LEDGER: [EntityKind; 5] = [
    EntityKind::StampCard,
    EntityKind::PointsBalance,
    EntityKind::Tier,
    EntityKind::Coupon,
    EntityKind::Reward,
];

/// Reads the membership's loyalty view again whenever synced data or the outbox changes. Its
/// `ledger` is empty: the ledger page uses `use_loyalty_with_ledger`.
pub fn use_loyalty(membership_id: String) -> LocalResource<LoyaltyView> {
    loyalty_resource(membership_id, false)
}

/// `use_loyalty` with every points ledger entry.
pub fn use_loyalty_with_ledger(membership_id: String) -> LocalResource<LoyaltyView> {
    loyalty_resource(membership_id, true)
}

fn loyalty_resource(membership_id: String, with_ledger: bool) -> LocalResource<LoyaltyView> {
    let engine = expect_context::<SyncEngine>();
    LocalResource::new(move || {
        engine.revision.track();
        let id = membership_id.clone();
        async move {
            let entities = if with_ledger {
                sync_store::entities_of(&id).await
            } else {
                sync_store::entities_of_kinds(&id, &WITHOUT_LEDGER).await
            }
            .unwrap_or_default();
            let queued = outbox::pending(&id).await.unwrap_or_default();
            LoyaltyView::build(&entities, &queued)
        }
    })
}

/// How many stamps of this card the customer has not seen yet (they animate once).
fn unseen_stamps(membership_id: &str, card: &StampCardData) -> u32 {
    let key = format!(
        "mw.seen.{membership_id}.{}.{}",
        card.program_id, card.serial
    );
    let storage = window().local_storage().ok().flatten();
    let seen = storage
        .as_ref()
        .and_then(|s| s.get_item(&key).ok().flatten())
        .and_then(|v| v.parse::<u32>().ok());
    if let Some(storage) = &storage {
        let _ = storage.set_item(&key, &card.stamps.to_string());
    }
    seen.map_or(0, |seen| card.stamps.saturating_sub(seen))
}

#[component]
pub fn LoyaltySections(membership_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let engine = expect_context::<SyncEngine>();
    let view_data = use_loyalty(membership_id.clone());
    let chinese = move || is_chinese(i18n.get_locale());
    let current = move || view_data.get().unwrap_or_default();

    let stamp_cards = {
        let membership_id = membership_id.clone();
        move || {
            current()
                .stamp_cards
                .into_iter()
                .filter(|c| matches!(c.state, StampCardState::Active | StampCardState::Completed))
                .map(|card| {
                    let fresh = unseen_stamps(&membership_id, &card);
                    let (stamps, total) = (card.stamps, card.stamps_required);
                    let next = card.next_step().map(|s| (card.stamps_to_next_step().unwrap_or(0), s.title.get(chinese()).to_owned()));
                    let expires = card.expires_at.map(dates::date);
                    let style = format!("--brand: {}; --on-brand: {}", card.stamp_color, card.stamp_color.readable_text());
                    view! {
                        <section class="panel stamp-card" style=style data-testid="stamp-card">
                            <h2>{card.title.get(chinese()).to_owned()}</h2>
                            <StampGrid
                                total=total
                                filled=stamps
                                newly_added=fresh
                                reward_steps=card.rewards.iter().map(|s| s.at).collect()
                                mark=card.stamp_mark.clone()
                                label=Signal::derive(move || t_string!(i18n, stamps_count, stamps, total).to_string())
                            />
                            <p class="panel-caption" data-testid="stamps-next">
                                {match next {
                                    Some((count, reward)) => t_string!(i18n, stamps_to_go, count, reward).to_string(),
                                    None => t_string!(i18n, stamps_complete).to_owned(),
                                }}
                            </p>
                            {expires.map(|date| view! { <p class="panel-caption muted">{t_string!(i18n, stamps_expires, date).to_string()}</p> })}
                        </section>
                    }
                })
                .collect_view()
        }
    };

    let points = {
        let membership_id = membership_id.clone();
        move || {
            let view = current();
            let (_, points) = view.points.clone()?;
            let pending = view.pending_points();
            let expiring = points.expiring.first().cloned();
            let group = points
                .group
                .as_ref()
                .map(|g| g.name.get(chinese()).to_owned());
            Some(view! {
                <section class="panel points" data-testid="points">
                    <h2>{t!(i18n, points_title)}</h2>
                    <p class="points-balance" data-testid="points-balance">
                        {t_string!(i18n, points_balance, points = dates::number(points.balance)).to_string()}
                    </p>
                    {group.map(|group| view! { <p class="panel-caption">{t_string!(i18n, points_group, group).to_string()}</p> })}
                    {(pending > 0).then(|| view! {
                        <p class="pending-badge" data-testid="points-pending">
                            {t_string!(i18n, points_pending, points = dates::number(pending)).to_string()}
                        </p>
                    })}
                    {expiring.map(|e| view! {
                        <p class="panel-caption warn">
                            {t_string!(i18n, points_expiring, points = dates::number(e.points), date = dates::date(e.expires_at)).to_string()}
                        </p>
                    })}
                    <a class="panel-link" href=format!("/m/{membership_id}/points")>{t!(i18n, ledger_link)}</a>
                </section>
            })
        }
    };

    let tier = move || {
        let tier = current().tier?;
        let name = tier.name.get(chinese()).to_owned();
        let caption = match (tier.spend_to_next(), tier.next()) {
            (Some(amount), Some(next)) => t_string!(
                i18n,
                tier_to_next,
                amount = dates::number(amount),
                tier = next.name.get(chinese()).to_owned()
            )
            .to_string(),
            _ => tier.benefits.get(chinese()).to_owned(),
        };
        let progress = tier.next().map(|_| tier.progress());
        Some(
            view! { <div class="panel"><TierProgress tier_name=name progress=progress caption=caption /></div> },
        )
    };

    let coupons_link = {
        let membership_id = membership_id.clone();
        move || {
            let count = current().active_coupons(clock::now_unix_secs() as i64);
            view! {
                <a class="panel panel-row" href=format!("/m/{membership_id}/coupons") data-testid="coupons-link">
                    {t_string!(i18n, coupons_link, count).to_string()}
                    <span aria-hidden="true">"›"</span>
                </a>
            }
        }
    };

    let rewards = {
        let membership_id = membership_id.clone();
        move || {
            let view = current();
            if view.rewards.is_empty() {
                return None;
            }
            let balance = view.balance() - view.pending_points();
            let has_full_card = |program: &str| {
                view.stamp_cards
                    .iter()
                    .any(|c| c.program_id == program && c.is_exchangeable())
            };
            let items = view
                .rewards
                .iter()
                .map(|(reward_id, reward)| {
                    let pending = view.pending_exchanges.contains(reward_id);
                    let (cost, affordable) = match &reward.cost {
                        RewardCost::Points { points } => (t_string!(i18n, reward_cost_points, points = dates::number(*points)).to_string(), balance >= *points),
                        RewardCost::StampCard { program_id } => (t_string!(i18n, reward_cost_card).to_owned(), has_full_card(program_id)),
                        RewardCost::Unknown => (String::new(), false),
                    };
                    let status = if pending {
                        Some(t_string!(i18n, reward_exchanging))
                    } else if !reward.in_stock {
                        Some(t_string!(i18n, reward_out_of_stock))
                    } else if !affordable {
                        Some(t_string!(i18n, reward_not_enough))
                    } else {
                        None
                    };
                    let can_exchange = status.is_none();
                    let reward_id = reward_id.clone();
                    let membership_id = membership_id.clone();
                    let exchange = move |_| {
                        let args = serde_json::json!({ "reward_id": reward_id });
                        let membership_id = membership_id.clone();
                        leptos::task::spawn_local(async move {
                            let _ = engine.queue(&membership_id, reward_exchange::NAME, args).await;
                        });
                    };
                    view! {
                        <li class="reward" data-testid="reward">
                            <span class="reward-title">{reward.title.get(chinese()).to_owned()}</span>
                            <span class="reward-cost">{cost}</span>
                            {match status {
                                Some(text) => view! { <span class="reward-status" data-testid="reward-status">{text}</span> }.into_any(),
                                None => view! {
                                    <button class="button primary" type="button" on:click=exchange disabled=!can_exchange>
                                        {t!(i18n, reward_exchange)}
                                    </button>
                                }.into_any(),
                            }}
                        </li>
                    }
                })
                .collect_view();
            Some(view! {
                <section class="panel rewards" data-testid="rewards">
                    <h2>{t!(i18n, rewards_title)}</h2>
                    <ul>{items}</ul>
                </section>
            })
        }
    };

    view! {
        <div class="loyalty">
            {stamp_cards}
            {points}
            {tier}
            {coupons_link}
            {rewards}
        </div>
    }
}
