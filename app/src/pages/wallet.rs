//! `/`: every card: memberships in the merchant's colours and plain cards, pinned ones first,
//! then as arranged or most recently used first (`home_layout`), with a search from five cards,
//! the card used last one tap away, and the way to arrange and archive them (`/arrange`).

use super::expiring_strip::ExpiringStrip;
use super::inbox::InboxLink;
use super::sync_line::SyncLine;
use crate::app::LanguageToggle;
use crate::i18n::{is_chinese, t, t_string, use_i18n};
use crate::membership::StoredMembership;
use crate::platform::home_layout;
use crate::pwa::{InstallPrompt, SettingsLink};
use crate::state::{LoadStatus, WalletState};
use leptos::prelude::*;
use std::time::Duration;
use wallet_components::{MembershipTile, PageHeader};
use wallet_core::plain_card::PlainCard;
use wallet_core::wallet::home_layout::{starts_group, HomeCard};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// From this many cards, the wallet offers a search.
const SEARCH_FROM: usize = 5;
/// Tiles drawn in the first frame (more than a phone's screen holds); the rest follow once it is
/// painted, so a wallet of 100+ cards costs its first paint no more than one of 20.
const FIRST_TILES: usize = 20;

/// The memberships, then the plain cards, as the layout sees them (indices in that order).
pub(crate) fn home_cards<'a>(
    memberships: &'a [StoredMembership],
    plain: &'a [PlainCard],
) -> Vec<HomeCard<'a>> {
    memberships
        .iter()
        .map(|m| HomeCard {
            id: m.id.as_str(),
            names: [m.merchant.name.get(true), m.merchant.name.get(false)],
            number: m.id.as_str(),
            added_at: m.joined_at,
            group: m.group.as_ref().map(|g| g.id.as_str()),
        })
        .chain(plain.iter().map(|c| HomeCard {
            id: &c.id,
            names: [&c.name, &c.name],
            number: &c.number,
            added_at: c.added_at,
            group: None,
        }))
        .collect()
}

#[component]
pub fn WalletPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<WalletState>();

    // Pins, the arranged order, archived cards and last use (this phone's preference).
    let layout = RwSignal::new(home_layout::load());
    let query = RwSignal::new(String::new());
    let total = move || state.memberships.with(Vec::len) + state.plain_cards.with(Vec::len);
    let drawn = RwSignal::new(FIRST_TILES);

    let list = move || {
        let chinese = is_chinese(i18n.get_locale());
        let memberships = state.memberships.get();
        let plain = state.plain_cards.get();
        let cards = home_cards(&memberships, &plain);
        let order = layout.with(|l| l.gather_groups(l.arrange(&cards, &query.get()), &cards));
        let groups: Vec<Option<&str>> = order.iter().map(|&i| cards[i].group).collect();
        let none_match = order.is_empty();
        if order.len() > drawn.get() {
            request_animation_frame(move || {
                set_timeout(move || drawn.set(usize::MAX), Duration::ZERO);
            });
        }
        let tiles = order
            .iter()
            .take(drawn.get())
            .enumerate()
            .map(|(at, &i)| match memberships.get(i) {
                Some(m) => {
                    let merchant = m.merchant.clone();
                    // A caption over a merchant group's cards, shown side by side.
                    let caption = starts_group(&groups, at)
                        .then_some(m.group.as_ref())
                        .flatten()
                        .map(|group| {
                            let group = group.name.get(chinese).to_owned();
                            view! {
                                <li class="group-caption" data-testid="group-caption">
                                    {t!(i18n, group_caption, group)}
                                </li>
                            }
                        });
                    view! {
                        {caption}
                        <li>
                            <MembershipTile
                                name=merchant.name.get(chinese).to_owned()
                                tagline=merchant.tagline.get(chinese).to_owned()
                                mark=merchant.mark
                                brand_color=merchant.brand_color
                                member_number=m.id.grouped()
                                member_number_label=t_string!(i18n, member_number)
                                href=format!("/m/{}", m.id)
                            />
                        </li>
                    }
                    .into_any()
                }
                None => {
                    let card = plain[i - memberships.len()].clone();
                    let mark: String = card.name.chars().take(1).collect();
                    view! {
                        <li>
                            <MembershipTile
                                name=card.name
                                tagline=t_string!(i18n, plain_tagline)
                                mark
                                brand_color=card.color
                                member_number=card.number
                                member_number_label=t_string!(i18n, member_number)
                                href=format!("/p/{}", card.id)
                                testid="plain-card-tile"
                            />
                        </li>
                    }
                    .into_any()
                }
            })
            .collect_view();
        mark_list_shown();
        view! {
            {tiles}
            {none_match.then(|| view! {
                <li class="muted" data-testid="wallet-search-none">{t!(i18n, wallet_search_none)}</li>
            })}
        }
    };
    // The card opened last, one tap away.
    let show_last = move || {
        let memberships = state.memberships.get();
        let plain = state.plain_cards.get();
        let cards = home_cards(&memberships, &plain);
        let id = layout.with(|l| l.last_used(&cards))?;
        let chinese = is_chinese(i18n.get_locale());
        let (href, name) = match memberships.iter().find(|m| m.id.as_str() == id) {
            Some(m) => (format!("/m/{id}"), m.merchant.name.get(chinese).to_owned()),
            None => (
                format!("/p/{id}"),
                plain.iter().find(|c| c.id == id)?.name.clone(),
            ),
        };
        Some(view! {
            <a class="button secondary wide show-last" href=href data-testid="show-last">
                {t!(i18n, show_last, name)}
            </a>
        })
    };
    let arrange_link = move || {
        let archived = layout.with(|l| l.archived.len());
        view! {
            <a class="button quiet wide" href="/arrange" data-testid="arrange-link">
                {if archived == 0 {
                    t_string!(i18n, arrange_cta).to_owned()
                } else {
                    t_string!(i18n, arrange_cta_archived, n = archived).to_string()
                }}
            </a>
        }
    };

    let body = move || match state.status.get() {
        LoadStatus::Loading => view! { <p class="muted">{t!(i18n, loading)}</p> }.into_any(),
        LoadStatus::Failed => {
            view! { <p class="notice error" role="alert">{t!(i18n, storage_error)}</p> }.into_any()
        }
        LoadStatus::Ready
            if state.memberships.with(Vec::is_empty) && state.plain_cards.with(Vec::is_empty) =>
        {
            view! {
            <section class="empty" data-testid="wallet-empty">
                <div class="empty-art" aria-hidden="true"></div>
                <h2>{t!(i18n, wallet_empty_title)}</h2>
                <p>{t!(i18n, wallet_empty_body)}</p>
            </section>
            }
            .into_any()
        }
        LoadStatus::Ready => view! {
            {move || (total() >= SEARCH_FROM).then(|| view! {
                <input class="wallet-search" type="search" data-testid="wallet-search"
                    placeholder=move || t_string!(i18n, wallet_search)
                    aria-label=move || t_string!(i18n, wallet_search)
                    prop:value=move || query.get()
                    on:input=move |e| query.set(event_target_value(&e)) />
            })}
            {show_last}
            <ul class="tiles" data-testid="wallet-list">{list}</ul>
            {move || (total() >= 2).then(arrange_link)}
        }
        .into_any(),
    };

    view! {
        <PageHeader title=Signal::derive(move || t_string!(i18n, wallet_title).to_owned())>
            <InboxLink />
            <LanguageToggle />
            <SettingsLink />
        </PageHeader>
        <SyncLine />
        <main class="page wallet">
            <ExpiringStrip />
            {body}
            // Not while loading: appearing later above it, the list would push it down.
            <Show when=move || state.status.get() != LoadStatus::Loading>
                <a class="button primary wide" href="/scan" data-testid="scan-cta">{t!(i18n, scan_cta)}</a>
                <a class="button secondary wide" href="/join">{t!(i18n, join_cta)}</a>
                <a class="button quiet wide" href="/p/new" data-testid="plain-add">{t!(i18n, plain_add_cta)}</a>
            </Show>
            <InstallPrompt />
        </main>
    }
}

/// A performance mark the bench reads (bench/wallet-scale.sh): navigation start to the wallet
/// list first in the page with its memberships' tiles. Once per page load. Set in a microtask:
/// the tiles built here are put into the document when this render returns.
fn mark_list_shown() {
    thread_local! {
        static MARKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if MARKED.with(|m| m.replace(true)) {
        return;
    }
    let mark = Closure::once_into_js(|| {
        if let Some(performance) = window().performance() {
            let _ = performance.mark("mw:wallet-list-shown");
        }
    });
    window().queue_microtask(mark.unchecked_ref());
}
