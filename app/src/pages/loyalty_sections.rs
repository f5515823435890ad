//! Below the member QR: stamp cards, points, tier, the coupon box link and the rewards a customer
//! can exchange. Everything comes from IndexedDB (the issuer's entities) with the outbox overlaid;
//! a read that fails says so instead of showing an empty card.

use super::card_news::CardNews;
use super::storage_words::{logged, not_saved, NotRead};
use crate::i18n::{is_chinese, t, t_string, use_i18n};
use crate::loyalty::LoyaltyView;
use crate::platform::{clock, dates};
use crate::storage::{outbox, sync_store, StorageError};
use crate::sync::SyncEngine;
use leptos::prelude::*;
use wallet_components::{PointsPanel, RewardItem, StampPanel, TierPanel};
use wallet_core::loyalty::{RewardCost, StampCardData, StampCardState};
use wallet_core::sync::EntityKind;
use wallet_core::wallet::RewardAvailability;
use wallet_core::Intent;

/// What the card and the coupon box show: every loyalty kind but the points ledger, which may be
/// 10,000 entries long (reading and parsing those on every sync took a long task), and the shop's
/// survey invitations, messages, games and referral (one read, one view type for the whole card).
const WITHOUT_LEDGER: [EntityKind; 10] = [
    EntityKind::StampCard,
    EntityKind::PointsBalance,
    EntityKind::Tier,
    EntityKind::Coupon,
    EntityKind::Reward,
    EntityKind::Survey,
    EntityKind::Message,
    EntityKind::Ticket,
    EntityKind::DrawSeed,
    EntityKind::Referral,
];

/// What a view reads.
#[derive(Clone, Copy, PartialEq)]
enum Read {
    /// Every loyalty kind but the points ledger.
    WithoutLedger,
    WithLedger,
    /// `WithoutLedger`, and which stamps are new to the customer (recorded as seen now).
    Card,
}

/// Reads the membership's loyalty view again whenever synced data or the outbox changes. Its
/// `ledger` is empty: the ledger page uses `use_loyalty_with_ledger`.
pub fn use_loyalty(membership_id: String) -> LocalResource<LoyaltyView> {
    loyalty_resource(membership_id, Read::WithoutLedger)
}

/// `use_loyalty` with every points ledger entry.
pub fn use_loyalty_with_ledger(membership_id: String) -> LocalResource<LoyaltyView> {
    loyalty_resource(membership_id, Read::WithLedger)
}

fn loyalty_resource(membership_id: String, what: Read) -> LocalResource<LoyaltyView> {
    let engine = expect_context::<SyncEngine>();
    LocalResource::new(move || {
        engine.revision.track();
        let id = membership_id.clone();
        async move {
            read(&id, what).await.unwrap_or_else(|error| {
                logged(error);
                LoyaltyView::unreadable()
            })
        }
    })
}

async fn read(membership_id: &str, what: Read) -> Result<LoyaltyView, StorageError> {
    let entities = if what == Read::WithLedger {
        sync_store::entities_of(membership_id).await?
    } else {
        sync_store::entities_of_kinds(membership_id, &WITHOUT_LEDGER).await?
    };
    let queued = outbox::pending(membership_id).await?;
    let mut view = LoyaltyView::build(&entities, &queued);
    if what == Read::Card {
        view.new_stamps = view
            .stamp_cards
            .iter()
            .map(|card| {
                if is_shown(card) {
                    newly_seen(membership_id, card)
                } else {
                    0
                }
            })
            .collect();
    }
    Ok(view)
}

/// The cards the member card shows: the one collecting stamps, and a full one still to exchange.
fn is_shown(card: &StampCardData) -> bool {
    matches!(
        card.state,
        StampCardState::Active | StampCardState::Completed
    )
}

/// How many stamps of this card the customer has not seen yet (they animate once), remembering
/// that they have now. Called when the card's data is read, never while drawing it.
fn newly_seen(membership_id: &str, card: &StampCardData) -> u32 {
    let key = format!(
        "mw.seen.{membership_id}.{}.{}",
        card.program_id, card.serial
    );
    // By hand: leptos-use-storage 0.20 adds 5.7 KB brotli to the first screen.
    let storage = window().local_storage().ok().flatten();
    let seen = storage
        .as_ref()
        .and_then(|s| s.get_item(&key).ok().flatten())
        .and_then(|v| v.parse::<u32>().ok());
    if let Some(storage) = &storage {
        // Not remembering only replays the animation next time.
        let _ = storage.set_item(&key, &card.stamps.to_string());
    }
    seen.map_or(0, |seen| card.stamps.saturating_sub(seen))
}

#[component]
pub fn LoyaltySections(membership_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let engine = expect_context::<SyncEngine>();
    let data = loyalty_resource(membership_id.clone(), Read::Card);
    // Why the last exchange the customer asked for was not queued (in the words of the moment,
    // like every notice of a failed action).
    let not_queued = RwSignal::new(None::<&'static str>);
    let chinese = move || is_chinese(i18n.get_locale());

    move || {
        // Until the first read: an empty view, as a new membership looks. A failed read shows
        // that it failed, and no panel (no "0 points", no empty coupon box).
        let view = data.get().unwrap_or_default();
        let failed = view.unreadable;
        let chinese = chinese();

        let stamp_cards = view
            .stamp_cards
            .iter()
            .zip(view.new_stamps.iter().copied().chain(std::iter::repeat(0)))
            .filter(|(card, _)| is_shown(card))
            .map(|(card, fresh)| {
                let (stamps, total) = (card.stamps, card.stamps_required);
                let next = match card.next_step() {
                    Some(step) => t_string!(
                        i18n,
                        stamps_to_go,
                        count = card.stamps_to_next_step().unwrap_or(0),
                        reward = step.title.get(chinese).to_owned()
                    )
                    .to_string(),
                    None => t_string!(i18n, stamps_complete).to_owned(),
                };
                let expires = card
                    .expires_at
                    .map(|at| t_string!(i18n, stamps_expires, date = dates::date(at)).to_string());
                view! {
                    <StampPanel
                        title=card.title.get(chinese).to_owned()
                        stamp_color=card.stamp_color
                        total
                        filled=stamps
                        newly_added=fresh
                        reward_steps=card.rewards.iter().map(|s| s.at).collect()
                        mark=card.stamp_mark.clone()
                        label=t_string!(i18n, stamps_count, stamps, total).to_string()
                        next
                        expires
                    />
                }
            })
            .collect_view();

        let points = view.points.as_ref().map(|(_, points)| {
            let pending = view.pending_points();
            view! {
                <PointsPanel
                    title=t_string!(i18n, points_title)
                    balance=t_string!(i18n, points_balance, points = dates::number(points.balance)).to_string()
                    group=points.group.as_ref().map(|g| {
                        t_string!(i18n, points_group, group = g.name.get(chinese).to_owned()).to_string()
                    })
                    pending=(pending > 0).then(|| {
                        t_string!(i18n, points_pending, points = dates::number(pending)).to_string()
                    })
                    expiring=points.expiring.first().map(|e| {
                        t_string!(i18n, points_expiring, points = dates::number(e.points), date = dates::date(e.expires_at)).to_string()
                    })
                    ledger_href=format!("/m/{membership_id}/points")
                    ledger_label=t_string!(i18n, ledger_link)
                />
            }
        });

        let tier = view.tier.as_ref().map(|tier| {
            let caption = match (tier.spend_to_next(), tier.next()) {
                (Some(amount), Some(next)) => t_string!(
                    i18n,
                    tier_to_next,
                    amount = dates::number(amount),
                    tier = next.name.get(chinese).to_owned()
                )
                .to_string(),
                _ => tier.benefits.get(chinese).to_owned(),
            };
            view! {
                <TierPanel
                    tier_name=tier.name.get(chinese).to_owned()
                    progress=tier.next().map(|_| tier.progress())
                    caption
                />
            }
        });

        let coupons = view.active_coupons(clock::now_unix_secs() as i64);
        let coupons_link = (!failed).then(|| view! {
            <a class="panel panel-row" href=format!("/m/{membership_id}/coupons") data-testid="coupons-link">
                {t_string!(i18n, coupons_link, count = coupons).to_string()}
                <span aria-hidden="true">"›"</span>
            </a>
        });

        let invite_link = view.invites.then(|| view! {
            <a class="panel panel-row" href=format!("/m/{membership_id}/invite") data-testid="invite-link">
                {t!(i18n, invite_cta)}
                <span aria-hidden="true">"›"</span>
            </a>
        });

        let rewards = (!view.rewards.is_empty()).then(|| {
            let items = view
                .rewards
                .iter()
                .map(|(reward_id, reward)| {
                    let cost = match &reward.cost {
                        RewardCost::Points { points } => {
                            t_string!(i18n, reward_cost_points, points = dates::number(*points)).to_string()
                        }
                        RewardCost::StampCard { .. } => t_string!(i18n, reward_cost_card).to_owned(),
                        RewardCost::Unknown => String::new(),
                    };
                    let status = match view.availability(reward_id, reward) {
                        RewardAvailability::Exchanging => Some(t_string!(i18n, reward_exchanging)),
                        RewardAvailability::OutOfStock => Some(t_string!(i18n, reward_out_of_stock)),
                        RewardAvailability::NotAffordable => Some(t_string!(i18n, reward_not_enough)),
                        RewardAvailability::Available => None,
                    }
                    .map(str::to_owned);
                    let intent = Intent::ExchangeReward {
                        reward_id: reward_id.to_owned(),
                    };
                    let membership_id = membership_id.clone();
                    let exchange = Callback::new(move |()| {
                        let (intent, membership_id) = (intent.clone(), membership_id.clone());
                        leptos::task::spawn_local(async move {
                            let queued = engine.queue(&membership_id, intent).await;
                            not_queued.try_set(queued.err().map(|e| not_saved(i18n, logged(e))));
                        });
                    });
                    view! {
                        <RewardItem
                            title=reward.title.get(chinese).to_owned()
                            cost
                            status
                            action=t_string!(i18n, reward_exchange)
                            on_exchange=exchange
                        />
                    }
                })
                .collect_view();
            view! {
                <section class="panel rewards" data-testid="rewards">
                    <h2>{t!(i18n, rewards_title)}</h2>
                    <ul>{items}</ul>
                    {move || not_queued.get().map(|text| view! {
                        <p class="notice error" role="alert" data-testid="reward-not-queued">{text}</p>
                    })}
                </section>
            }
        });

        let news = (!failed).then(|| {
            view! {
                <CardNews
                    membership_id=membership_id.clone()
                    invitations=view.invitations.clone()
                    messages=view.messages.clone()
                    unread=view.unread_messages
                    answered=view.pending.answered_surveys.clone()
                    games=view.has_games.then_some(view.tickets_ready)
                />
            }
        });
        view! {
            <div class="loyalty">
                {failed.then(|| view! { <NotRead /> })}
                {news}
                {stamp_cards}
                {points}
                {tier}
                {coupons_link}
                {rewards}
                {invite_link}
            </div>
        }
    }
}
