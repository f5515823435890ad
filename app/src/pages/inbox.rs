//! `/inbox`: every card's messages in one list, and `/m/:id/inbox`: one card's; newest first,
//! the unread ones marked. Showing an unread message queues its `message.read` (so the badge
//! drops at once, offline too, and the customer's other devices see it read after their next
//! sync); the marks stay for this visit, so the customer still sees which ones were new.

use super::storage_words::{logged, NotRead};
use crate::i18n::{is_chinese, t, t_string, use_i18n};
use crate::inbox::{self, InboxItem};
use crate::platform::dates;
use crate::state::{LoadStatus, WalletState};
use crate::storage::StorageProblem;
use crate::sync::SyncEngine;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use wallet_components::PageHeader;
use wallet_core::Intent;

/// `/inbox`.
#[component]
pub fn InboxPage() -> impl IntoView {
    view! { <Inbox membership_id=None /> }
}

/// `/m/:id/inbox`.
#[component]
pub fn CardInboxPage() -> impl IntoView {
    let id = use_params_map().read_untracked().get("id");
    view! { <Inbox membership_id=id /> }
}

#[component]
fn Inbox(membership_id: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<WalletState>();
    let engine = expect_context::<SyncEngine>();
    let one_card = membership_id.clone();
    // Read once when the wallet is read, not again when the reads queued here bump the revision.
    let messages = LocalResource::new(move || {
        let ready = state.status.get() == LoadStatus::Ready;
        let one_card = one_card.clone();
        async move {
            if !ready {
                return Ok(None);
            }
            let memberships = state.memberships.get_untracked();
            let chosen: Vec<_> = memberships
                .into_iter()
                .filter(|m| one_card.as_deref().is_none_or(|id| m.id.as_str() == id))
                .collect();
            let items = inbox::read(&chosen).await.map_err(logged)?;
            // The list is shown with this answer: its unread messages are read from now on.
            mark_read(engine, &items);
            Ok::<_, StorageProblem>(Some(items))
        }
    });

    let title = {
        let membership_id = membership_id.clone();
        move || match membership_id.as_deref().and_then(|id| state.find(id)) {
            Some(m) => {
                let name = m
                    .merchant
                    .name
                    .get(is_chinese(i18n.get_locale()))
                    .to_owned();
                t_string!(i18n, inbox_title_of, name).to_string()
            }
            None => t_string!(i18n, inbox_title).to_owned(),
        }
    };
    let back = membership_id
        .as_deref()
        .map_or_else(|| "/".to_owned(), |id| format!("/m/{id}"));
    let combined = membership_id.is_none();

    let list = move || {
        let chinese = is_chinese(i18n.get_locale());
        match messages.get() {
            None | Some(Ok(None)) => view! { <p class="muted">{t!(i18n, loading)}</p> }.into_any(),
            Some(Err(_)) => view! { <NotRead /> }.into_any(),
            Some(Ok(Some(items))) if items.is_empty() => view! {
                <p class="muted centered-text" data-testid="inbox-empty">{t!(i18n, inbox_empty)}</p>
            }
            .into_any(),
            Some(Ok(Some(items))) => {
                let items = items
                    .into_iter()
                    .map(|item| message_view(item, combined, chinese))
                    .collect_view();
                view! { <ul class="inbox" data-testid="inbox-list">{items}</ul> }.into_any()
            }
        }
    };

    view! {
        <PageHeader
            title=Signal::derive(title)
            back_href=back
            back_label=Signal::derive(move || t_string!(i18n, back).to_owned())
        />
        <main class="page">{list}</main>
    }
}

fn message_view(item: InboxItem, combined: bool, chinese: bool) -> impl IntoView {
    let i18n = use_i18n();
    let InboxItem {
        membership_id,
        merchant,
        data,
        unread,
        ..
    } = item;
    let style = format!(
        "--brand: {}; --on-brand: {}",
        merchant.brand_color,
        merchant.brand_color.readable_text()
    );
    let coupon = data.coupon_code.map(|code| {
        view! {
            <a class="button secondary" href=format!("/m/{membership_id}/coupons/{code}")>
                {t!(i18n, inbox_coupon)}
            </a>
        }
    });
    view! {
        <li class="inbox-item" class:unread=unread data-testid="inbox-item" style=style>
            {combined.then(|| view! {
                <span class="inbox-mark" aria-hidden="true">{merchant.mark.clone()}</span>
            })}
            <div class="inbox-text">
                <p class="inbox-meta">
                    {combined.then(|| view! { <span>{merchant.name.get(chinese).to_owned()}</span> })}
                    <time>{dates::date(data.sent_at)}</time>
                    {unread.then(|| view! {
                        <span class="unread-badge" data-testid="unread">{t!(i18n, inbox_new)}</span>
                    })}
                </p>
                <h2>{data.title.get(chinese).to_owned()}</h2>
                <p class="inbox-body">{data.body.get(chinese).to_owned()}</p>
                {coupon}
            </div>
        </li>
    }
}

/// Queues `message.read` for every unread message shown. A read that cannot be queued (storage
/// full) is tried again the next time the inbox opens: the message stays unread until then.
fn mark_read(engine: SyncEngine, items: &[InboxItem]) {
    let unread: Vec<(String, String)> = items
        .iter()
        .filter(|item| item.unread)
        .map(|item| (item.membership_id.clone(), item.id.clone()))
        .collect();
    if unread.is_empty() {
        return;
    }
    leptos::task::spawn_local(async move {
        for (membership_id, message_id) in unread {
            let intent = Intent::ReadMessage { message_id };
            if let Err(error) = engine.queue(&membership_id, intent).await {
                logged(error);
                return;
            }
        }
    });
}

/// The wallet header's way to the inbox, with the number of unread messages of every card. Read
/// again after each sync that changed something and each queued read.
#[component]
pub fn InboxLink() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<WalletState>();
    let engine = expect_context::<SyncEngine>();
    let unread = LocalResource::new(move || {
        engine.revision.track();
        let memberships = state.memberships.get();
        async move {
            // A badge is a hint: unreadable storage shows none (the inbox itself says why).
            inbox::read(&memberships)
                .await
                .map_or(0, |items| items.iter().filter(|i| i.unread).count())
        }
    });
    let count = move || unread.get().unwrap_or(0);
    let label = move || match count() {
        0 => t_string!(i18n, inbox_title).to_owned(),
        n => t_string!(i18n, inbox_link_unread, n).to_string(),
    };
    view! {
        <a class="icon-link inbox-link" href="/inbox" data-testid="inbox-link" aria-label=label>
            <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" fill="none"
                stroke="currentColor" stroke-width="2" stroke-linejoin="round">
                <rect x="3" y="5" width="18" height="14" rx="2" />
                <path d="m3.5 6.5 8.5 6.5 8.5-6.5" />
            </svg>
            {move || (count() > 0).then(|| view! {
                <span class="count-badge" aria-hidden="true" data-testid="inbox-unread">{count()}</span>
            })}
        </a>
    }
}
