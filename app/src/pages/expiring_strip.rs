//! The "expiring soon" strip on the wallet home: points, coupons and stamp cards of every
//! merchant that run out within 30 days, soonest first.
//!
//! Collecting them reads every membership from IndexedDB, after the wallet list is on screen.
//! So that the strip does not then push the list down, the last strip shown is kept in
//! localStorage and drawn with the list; the fresh one replaces it when it is ready.

use super::storage_words::{logged, NotRead};
use crate::i18n::{is_chinese, t, t_string, use_i18n};
use crate::loyalty::{sort_by_i64_key, LoyaltyView};
use crate::platform::{clock, dates};
use crate::state::{LoadStatus, WalletState};
use crate::storage::{sync_store, StorageError};
use crate::sync::SyncEngine;
use leptos::prelude::*;
use wallet_core::sync::EntityKind;
use wallet_core::wallet::{expiring_soon, Expiring};
use wallet_core::LocalizedText;

const MAX_SHOWN: usize = 5;
/// The last strip shown: a line per item, tab-separated fields (see `Item::line`). Not JSON:
/// serde's code for these types was 0.6 KB more of the first screen (brotli).
const LAST_SHOWN_KEY: &str = "mw.expiring";

#[derive(Clone, Debug, PartialEq)]
struct Item {
    at: i64,
    membership_id: String,
    merchant_zh: String,
    merchant_en: String,
    what: Expiring,
}

async fn collect(state: WalletState) -> Result<Vec<Item>, StorageError> {
    let now = clock::now_unix_secs() as i64;
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
        .await?;
        let view = LoyaltyView::build(&entities, &[]);
        // A group's shared points appear once, under the first of its brands.
        let points = view.points.as_ref().and_then(|(account, points)| {
            (!seen_accounts.contains(account)).then(|| {
                seen_accounts.push(account.clone());
                points
            })
        });
        for expiring in expiring_soon(points, &view.coupons, &view.stamp_cards, now) {
            items.push(Item {
                at: expiring.at,
                membership_id: id.clone(),
                merchant_zh: membership.merchant.name.zh_tw.clone(),
                merchant_en: membership.merchant.name.en.clone(),
                what: expiring.what,
            });
        }
    }
    // Soonest first; stable, so equal times keep the order `expiring_soon` gave.
    sort_by_i64_key(&mut items, |i| i.at);
    items.truncate(MAX_SHOWN);
    remember(&items);
    Ok(items)
}

/// The strip shown last time, without what has run out since. Only a first guess: anything
/// unreadable is no strip.
fn last_shown() -> Vec<Item> {
    let now = clock::now_unix_secs() as i64;
    let saved = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|storage| storage.get_item(LAST_SHOWN_KEY).ok().flatten());
    saved
        .unwrap_or_default()
        .lines()
        .filter_map(Item::from_line)
        .filter(|item| item.at > now)
        .collect()
}

// By hand: leptos-use-storage 0.20 adds 5.7 KB brotli to the first screen.
fn remember(items: &[Item]) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let lines: Vec<String> = items.iter().map(Item::line).collect();
        // A full or blocked storage only costs the next start its first guess.
        let _ = storage.set_item(LAST_SHOWN_KEY, &lines.join("\n"));
    }
}

impl Item {
    /// `at`, membership, merchant (zh, en), then `p` and the points, `c` and the coupon's title
    /// (zh, en), or `s` for a stamp card.
    fn line(&self) -> String {
        let mut fields = vec![
            self.at.to_string(),
            self.membership_id.clone(),
            self.merchant_zh.clone(),
            self.merchant_en.clone(),
        ];
        match &self.what {
            Expiring::Points { points } => fields.extend(["p".into(), points.to_string()]),
            Expiring::Coupon { title } => {
                fields.extend(["c".into(), title.zh_tw.clone(), title.en.clone()])
            }
            Expiring::StampCard => fields.push("s".into()),
        }
        // Names come from issuers: a tab or line break in one must not shift the fields.
        let fields: Vec<String> = fields
            .into_iter()
            .map(|f| f.replace(['\t', '\n', '\r'], " "))
            .collect();
        fields.join("\t")
    }

    fn from_line(line: &str) -> Option<Item> {
        let fields: Vec<&str> = line.split('\t').collect();
        let what = match fields.get(4..)? {
            ["p", points] => Expiring::Points {
                points: points.parse().ok()?,
            },
            ["c", zh, en] => Expiring::Coupon {
                title: LocalizedText::new(*zh, *en),
            },
            ["s"] => Expiring::StampCard,
            _ => return None,
        };
        Some(Item {
            at: fields[0].parse().ok()?,
            membership_id: fields[1].to_owned(),
            merchant_zh: fields[2].to_owned(),
            merchant_en: fields[3].to_owned(),
            what,
        })
    }
}

#[component]
pub fn ExpiringStrip() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<WalletState>();
    let engine = expect_context::<SyncEngine>();
    // None until the wallet is read: an empty wallet still loading has nothing to say.
    let items = LocalResource::new(move || {
        engine.revision.track();
        state.memberships.track();
        let loaded = state.status.get() != LoadStatus::Loading;
        async move {
            if loaded {
                Some(collect(state).await.map_err(logged))
            } else {
                None
            }
        }
    });
    let first_guess = last_shown();
    move || {
        // Not an empty strip when what expires could not be read: the strip says so.
        let (items, failed) = match items.get().flatten() {
            None => (first_guess.clone(), false),
            Some(Ok(items)) => (items, false),
            Some(Err(_)) => (Vec::new(), true),
        };
        if items.is_empty() && !failed {
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
                    Expiring::Coupon { title } => {
                        let title = title.get(chinese).to_owned();
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
                {failed.then(|| view! { <NotRead /> })}
                <ul>{rows}</ul>
            </section>
        })
    }
}

// wallet-app builds for wasm32 only, so its unit tests run in the browser suite.
#[cfg(test)]
mod tests {
    use super::{Expiring, Item};
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    fn item(what: Expiring) -> Item {
        Item {
            at: 1_800_000_000,
            membership_id: "7K3D9QX2M4PA".into(),
            merchant_zh: "晨光咖啡".into(),
            merchant_en: "Morning Café".into(),
            what,
        }
    }

    #[wasm_bindgen_test]
    fn a_remembered_item_reads_back_as_it_was() {
        for what in [
            Expiring::Points { points: -12 },
            Expiring::Coupon {
                title: wallet_core::LocalizedText::new("抹茶冰淇淋", "Matcha ice cream"),
            },
            Expiring::StampCard,
        ] {
            let item = item(what);
            assert_eq!(Item::from_line(&item.line()), Some(item));
        }
    }

    #[wasm_bindgen_test]
    fn a_tab_in_a_name_does_not_shift_the_fields_and_garbage_is_dropped() {
        let mut tabbed = item(Expiring::StampCard);
        tabbed.merchant_en = "Morning\tCafé\n".into();
        let read = Item::from_line(&tabbed.line()).expect("readable");
        assert_eq!(read.merchant_en, "Morning Café ");
        assert_eq!(read.what, Expiring::StampCard);
        for garbage in [
            "",
            "x",
            "1\ta\tb\tc\tp\tnot-a-number",
            "1\ta\tb\tc\tq",
            "1\ta\tb\tc\ts\textra",
        ] {
            assert_eq!(Item::from_line(garbage), None, "{garbage:?}");
        }
    }
}
