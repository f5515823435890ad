//! `/m/:id/points`: every points ledger entry, newest first, in a windowed list so 10,000 entries
//! scroll smoothly.

use super::loyalty_sections::use_loyalty_with_ledger;
use super::storage_words::NotRead;
use crate::i18n::{is_chinese, t, t_string, use_i18n};
use crate::platform::dates;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use std::sync::Arc;
use wallet_components::{PageHeader, WindowedList};
use wallet_core::loyalty::{LedgerEntryData, LedgerReason};

const ROW_HEIGHT: f64 = 64.0;

#[component]
pub fn LedgerPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let membership_id = params.read_untracked().get("id").unwrap_or_default();
    let loyalty = use_loyalty_with_ledger(membership_id.clone());
    // None when the ledger could not be read (never shown as no entries).
    let entries: Memo<Option<Arc<Vec<LedgerEntryData>>>> = Memo::new(move |_| {
        let view = loyalty.get().unwrap_or_default();
        (!view.unreadable).then(|| Arc::new(view.ledger))
    });
    // The list is made once: a sync that brings entries re-renders its rows (below), it does not
    // make a new list that jumps back to the top.
    let empty =
        Memo::new(move |_| entries.with(|all| all.as_ref().is_some_and(|all| all.is_empty())));
    let viewport = window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .map_or(600.0, |h| (h - 140.0).max(300.0));

    let reason = move |reason: &LedgerReason| -> &'static str {
        match reason {
            LedgerReason::Purchase => t_string!(i18n, reason_purchase),
            LedgerReason::Welcome => t_string!(i18n, reason_welcome),
            LedgerReason::RewardExchange => t_string!(i18n, reason_reward_exchange),
            LedgerReason::Survey => t_string!(i18n, reason_survey),
            LedgerReason::Game => t_string!(i18n, reason_game),
            LedgerReason::Expiry => t_string!(i18n, reason_expiry),
            LedgerReason::Adjustment => t_string!(i18n, reason_adjustment),
            LedgerReason::Other(_) => t_string!(i18n, reason_other),
        }
    };
    // Called while the list renders its window: tracking `entries` re-renders it when they change.
    let render_row = Arc::new(move |index: usize| {
        let all = entries.get().unwrap_or_default();
        let Some(entry) = all.get(index) else {
            return ().into_any();
        };
        let chinese = is_chinese(i18n.get_locale_untracked());
        let sign = if entry.points >= 0 { "plus" } else { "minus" };
        view! {
            <div class="ledger-row" data-testid="ledger-row">
                <span class="ledger-what">
                    <span>{reason(&entry.reason)}</span>
                    <span class="muted small">{format!("{} · {}", dates::date(entry.created_at), entry.merchant_name.get(chinese))}</span>
                </span>
                <span class=format!("ledger-points {sign}")>
                    {format!("{}{}", if entry.points >= 0 { "+" } else { "" }, dates::number(entry.points))}
                </span>
            </div>
        }
        .into_any()
    });

    view! {
        <PageHeader
            title=Signal::derive(move || t_string!(i18n, ledger_title).to_owned())
            back_href=format!("/m/{membership_id}")
            back_label=Signal::derive(move || t_string!(i18n, back).to_owned())
        />
        <main class="page ledger">
            {move || if entries.with(Option::is_none) {
                view! { <NotRead /> }.into_any()
            } else if empty.get() {
                view! { <p class="muted">{t!(i18n, ledger_empty)}</p> }.into_any()
            } else {
                let render_row = render_row.clone();
                view! {
                    <WindowedList
                        count=Signal::derive(move || entries.get().map_or(0, |all| all.len()))
                        row_height=ROW_HEIGHT
                        viewport_height=viewport
                        render_row=render_row
                    />
                }.into_any()
            }}
        </main>
    }
}
