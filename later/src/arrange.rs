//! Arranging the wallet's cards (`mount_arrange`, `/arrange`): pin a card to the top, move it by
//! dragging its handle or with its arrows (the keyboard's way), archive it off the first page and
//! back. The rules are `core`'s (`wallet::home_layout`); every change goes to the app at once as
//! `mw:layout-save {"layout"}` (it keeps the layout on this phone).

use crate::events;
use crate::words::{self, fill, Words};
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;
use wallet_core::wallet::home_layout::{starts_group, HomeCard, HomeLayout};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

const SAVE: &str = "mw:layout-save";

#[derive(Clone, Deserialize)]
struct ArrangeCard {
    id: String,
    /// The name in the customer's language.
    name: String,
    /// Both names, for the layout's rules.
    names: [String; 2],
    number: String,
    added_at: f64,
    /// The merchant group whose brands share points (its id), and its name in the customer's
    /// language: a group's cards are listed together, as on the first page.
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    group_name: Option<String>,
}

#[derive(Deserialize)]
struct ArrangeData {
    cards: Vec<ArrangeCard>,
    #[serde(default)]
    layout: HomeLayout,
    chinese: bool,
}

pub fn mount(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    let props: ArrangeData =
        serde_json::from_str(props).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let words = words::for_language(props.chinese);
    let target = StoredValue::new_local(root.clone());
    crate::style::then(crate::style::CHECKOUT, move || {
        let handle = mount_to(root, move || {
            view! { <Arrange cards=props.cards layout=props.layout words target /> }
        });
        handle.forget();
    });
    Ok(())
}

/// The index of the list item under `y` (page coordinates of the viewport), among `list`'s items.
fn item_at(list: &web_sys::Element, y: f64) -> Option<usize> {
    let items = list.query_selector_all("[data-testid=arrange-item]").ok()?;
    let mut last = None;
    for i in 0..items.length() {
        let item: web_sys::Element = items.item(i)?.dyn_into().ok()?;
        let rect = item.get_bounding_client_rect();
        if y < rect.top() + rect.height() / 2.0 {
            return Some(i as usize);
        }
        last = Some(i as usize);
    }
    last
}

#[component]
fn Arrange(
    cards: Vec<ArrangeCard>,
    layout: HomeLayout,
    words: &'static Words,
    target: StoredValue<web_sys::HtmlElement, LocalStorage>,
) -> impl IntoView {
    let cards = StoredValue::new(cards);
    let layout = RwSignal::new(layout);
    // The ids as listed now (pinned first, a group's cards together, as on the first page), each
    // with its group. A pinned card is in none here: it moves among the pinned ones, not with its
    // group, so no caption may say it moves together with the card gathered after it.
    let shown = Memo::new(move |_| {
        cards.with_value(|cards| {
            let home: Vec<HomeCard> = cards
                .iter()
                .map(|c| HomeCard {
                    id: &c.id,
                    names: [&c.names[0], &c.names[1]],
                    number: &c.number,
                    added_at: c.added_at,
                    group: c.group.as_deref(),
                })
                .collect();
            layout.with(|l| {
                l.gather_groups(l.arrange(&home, ""), &home)
                    .into_iter()
                    .map(|i| {
                        let card = &cards[i];
                        let group = card.group.clone().filter(|_| !l.is_pinned(&card.id));
                        (card.id.clone(), group)
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let change = move |edit: &dyn Fn(&mut HomeLayout)| {
        layout.update(|l| edit(l));
        let saved = layout.get_untracked();
        target.with_value(|t| events::send(t, SAVE, &json!({ "layout": saved })));
    };
    let move_to = move |id: String, to: usize| {
        let listed = shown.get_untracked();
        let listed: Vec<(&str, Option<&str>)> = listed
            .iter()
            .map(|(id, group)| (id.as_str(), group.as_deref()))
            .collect();
        change(&|l| l.move_to(&listed, &id, to));
    };
    let group_name_of = move |id: &str| {
        cards.with_value(|cards| cards.iter().find(|c| c.id == id)?.group_name.clone())
    };
    let name_of = move |id: &str| {
        cards.with_value(|cards| {
            cards
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.name.clone())
                .unwrap_or_default()
        })
    };

    // Dragging by the handle: the card goes where the pointer is let go.
    let list = NodeRef::<leptos::html::Ul>::new();
    let dragging = RwSignal::new(None::<String>);
    let drop_at = RwSignal::new(None::<usize>);
    let on_move = move |event: web_sys::PointerEvent| {
        if dragging.get_untracked().is_some() {
            if let Some(list) = list.get_untracked() {
                drop_at.set(item_at(&list, event.client_y()));
            }
        }
    };
    let on_up = move |_: web_sys::PointerEvent| {
        if let (Some(id), Some(to)) = (dragging.get_untracked(), drop_at.get_untracked()) {
            move_to(id, to);
        }
        dragging.set(None);
        drop_at.set(None);
    };

    let row = move |id: String, index: usize, count: usize| {
        let name = name_of(&id);
        let pinned = Signal::derive({
            let id = id.clone();
            move || layout.with(|l| l.is_pinned(&id))
        });
        let (up_id, down_id, pin_id, archive_id, drag_id) =
            (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
        let start_drag = move |event: web_sys::PointerEvent| {
            event.prevent_default();
            if let Some(handle) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            {
                let _ = handle.release_pointer_capture(event.pointer_id());
            }
            dragging.set(Some(drag_id.clone()));
            drop_at.set(Some(index));
        };
        let is_target = move || drop_at.get() == Some(index) && dragging.get().is_some();
        view! {
            <li class="arrange-item" class:drop-target=is_target data-testid="arrange-item">
                <span class="arrange-handle" aria-hidden="true" data-testid="arrange-handle" on:pointerdown=start_drag>"⠿"</span>
                <span class="arrange-name">
                    {name.clone()}
                    {move || pinned.get().then(|| view! { <span class="arrange-badge">{words.arrange_pinned}</span> })}
                </span>
                <span class="arrange-buttons">
                    <button class="arrange-button" type="button" data-testid="arrange-up" disabled=index == 0
                        aria-label=fill(words.arrange_up, "name", &name)
                        on:click=move |_| move_to(up_id.clone(), index.saturating_sub(1))>"↑"</button>
                    <button class="arrange-button" type="button" data-testid="arrange-down" disabled=index + 1 == count
                        aria-label=fill(words.arrange_down, "name", &name)
                        on:click=move |_| move_to(down_id.clone(), index + 1)>"↓"</button>
                    <button class="arrange-button wide" type="button" data-testid="arrange-pin"
                        aria-pressed=move || pinned.get().to_string()
                        on:click=move |_| change(&|l| l.toggle_pin(&pin_id))>
                        {move || if pinned.get() { words.arrange_unpin } else { words.arrange_pin }}
                    </button>
                    <button class="arrange-button wide" type="button" data-testid="arrange-archive"
                        on:click=move |_| change(&|l| l.set_archived(&archive_id, true))>{words.arrange_archive}</button>
                </span>
            </li>
        }
    };
    let archived = move || {
        let ids: Vec<String> = cards.with_value(|cards| {
            cards
                .iter()
                .filter(|c| layout.with(|l| l.is_archived(&c.id)))
                .map(|c| c.id.clone())
                .collect()
        });
        if ids.is_empty() {
            return view! { <p class="muted" data-testid="arrange-archived-none">{words.arrange_archived_none}</p> }.into_any();
        }
        view! {
            <ul class="arrange-list" data-testid="arrange-archived">
                {ids.into_iter().map(|id| {
                    let name = name_of(&id);
                    view! {
                        <li class="arrange-item archived" data-testid="arrange-archived-item">
                            <span class="arrange-name">{name}</span>
                            <button class="arrange-button wide" type="button" data-testid="arrange-unarchive"
                                on:click=move |_| change(&|l| l.set_archived(&id, false))>{words.arrange_unarchive}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };

    view! {
        <div class="arrange" on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_up>
            <p>{words.arrange_intro}</p>
            <ul class="arrange-list" node_ref=list data-testid="arrange-list">
                {move || {
                    let listed = shown.get();
                    let count = listed.len();
                    let groups: Vec<Option<&str>> = listed.iter().map(|(_, g)| g.as_deref()).collect();
                    (0..count).map(|at| {
                        // A caption over a group's cards: they move together.
                        let id = listed[at].0.clone();
                        let caption = starts_group(&groups, at).then(|| group_name_of(&id)).flatten().map(|group| view! {
                            <li class="arrange-group" data-testid="arrange-group">
                                {fill(words.arrange_group, "group", &group)}
                            </li>
                        });
                        view! { {caption} {row(id, at, count)} }
                    }).collect_view()
                }}
            </ul>
            <h3>{words.arrange_archived_title}</h3>
            {archived}
        </div>
    }
}
