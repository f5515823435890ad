//! `/`: every card: memberships in the merchant's colours and plain cards, pinned ones first,
//! then as arranged or most recently used first (`home_layout`), with a search from five cards,
//! the card used last one tap away, and the way to arrange and archive them (`/arrange`).

use super::expiring_strip::ExpiringStrip;
use super::home_list::{HomeList, HomeRow, TileRow};
use super::inbox::InboxLink;
use super::sync_line::SyncLine;
use crate::app::LanguageToggle;
use crate::i18n::{is_chinese, t, t_string, use_i18n, Locale};
use crate::membership::StoredMembership;
use crate::platform::home_layout;
use crate::pwa::{InstallPrompt, SettingsLink};
use crate::state::{LoadStatus, WalletState};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use wallet_components::PageHeader;
use wallet_core::plain_card::PlainCard;
use wallet_core::wallet::home_layout::{starts_group, HomeCard};

/// From this many cards, the wallet offers a search.
const SEARCH_FROM: usize = 5;

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

    let rows = Memo::new(move |_| {
        let chinese = is_chinese(i18n.get_locale());
        let memberships = state.memberships.get();
        let plain = state.plain_cards.get();
        let cards = home_cards(&memberships, &plain);
        let order = layout.with(|l| l.gather_groups(l.arrange(&cards, &query.get()), &cards));
        home_rows(&cards, &order, &memberships, &plain, chinese, i18n)
    });
    let none_match = move || rows.with(Vec::is_empty);
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
            <HomeList rows />
            {move || none_match().then(|| view! {
                <p class="muted" data-testid="wallet-search-none">{t!(i18n, wallet_search_none)}</p>
            })}
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

/// The list's rows for the cards in `order` (indices into `cards`: memberships, then plain cards):
/// each card's tile, and a caption over a merchant group's cards, shown side by side.
fn home_rows(
    cards: &[HomeCard],
    order: &[usize],
    memberships: &[StoredMembership],
    plain: &[PlainCard],
    chinese: bool,
    i18n: I18nContext<Locale>,
) -> Vec<HomeRow> {
    let groups: Vec<Option<&str>> = order.iter().map(|&i| cards[i].group).collect();
    let number_label = t_string!(i18n, member_number).to_owned();
    let mut rows = Vec::with_capacity(order.len() + 4);
    for (at, &i) in order.iter().enumerate() {
        let tile = match memberships.get(i) {
            Some(m) => {
                if let Some(group) = m.group.as_ref().filter(|_| starts_group(&groups, at)) {
                    let group = group.name.get(chinese);
                    rows.push(HomeRow::Caption {
                        text: t_string!(i18n, group_caption, group).to_string(),
                        at: rows.len(),
                    });
                }
                TileRow {
                    id: m.id.to_string(),
                    name: m.merchant.name.get(chinese).to_owned(),
                    tagline: m.merchant.tagline.get(chinese).to_owned(),
                    mark: m.merchant.mark.clone(),
                    brand_color: m.merchant.brand_color,
                    number: m.id.grouped(),
                    number_label: number_label.clone(),
                    href: format!("/m/{}", m.id),
                    plain: false,
                }
            }
            None => {
                let card = &plain[i - memberships.len()];
                TileRow {
                    id: card.id.clone(),
                    name: card.name.clone(),
                    tagline: t_string!(i18n, plain_tagline).to_owned(),
                    mark: card.name.chars().take(1).collect(),
                    brand_color: card.color,
                    number: card.number.clone(),
                    number_label: number_label.clone(),
                    href: format!("/p/{}", card.id),
                    plain: true,
                }
            }
        };
        rows.push(HomeRow::Tile(tile));
    }
    rows
}
