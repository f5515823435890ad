//! `/`: every membership as a card in the merchant's colours, then the plain cards.

use super::expiring_strip::ExpiringStrip;
use super::sync_line::SyncLine;
use crate::app::LanguageToggle;
use crate::i18n::{is_chinese, t, t_string, use_i18n};
use crate::pwa::{InstallPrompt, SettingsLink};
use crate::state::{LoadStatus, WalletState};
use leptos::prelude::*;
use wallet_components::{MembershipTile, PageHeader};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

#[component]
pub fn WalletPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<WalletState>();

    let list = move || {
        let chinese = is_chinese(i18n.get_locale());
        let tiles = state
            .memberships
            .get()
            .into_iter()
            .map(|m| {
                let merchant = m.merchant;
                view! {
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
            })
            .collect_view();
        let plain = state
            .plain_cards
            .get()
            .into_iter()
            .map(|card| {
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
            })
            .collect_view();
        mark_list_shown();
        (tiles, plain)
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
        LoadStatus::Ready => {
            view! { <ul class="tiles" data-testid="wallet-list">{list}</ul> }.into_any()
        }
    };

    view! {
        <PageHeader title=Signal::derive(move || t_string!(i18n, wallet_title).to_owned())>
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
