//! The home page's list of cards. From `WINDOW_FROM` rows it is windowed: only the blocks of rows
//! near the screen are in the document, a placeholder of its height stands in for each other block
//! (`list_window`), so a wallet of 100 or 1,000 cards costs its first frame, a search keystroke and
//! a scroll about what one of 20 does.
//! The list scrolls with its page (not in a box of its own), so the page's header, search and
//! buttons move with it as they do in a short wallet.

use leptos::html;
use leptos::prelude::*;
use std::collections::HashMap;
use wallet_components::MembershipTile;
use wallet_core::wallet::list_window::{list_window, STEP_ROWS};
use wallet_core::BrandColor;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Below this many rows every row is drawn: a wallet that size is cheap to draw whole, and the
/// browser's own find (Ctrl+F) then finds every card.
const WINDOW_FROM: usize = 40;
/// The gap between rows (`.tiles` in public/styles.css): a row's pitch is its height plus this.
const GAP: f64 = 14.0;
/// A row's pitch before it is measured: a tile's `min-height`, a caption's line.
const TILE_PITCH: f64 = 148.0 + GAP;
const CAPTION_PITCH: f64 = 22.0 + GAP;
/// A measured pitch that moved less than this is kept, so rounding never redraws the window.
const MEASURE_SLACK: f64 = 0.5;

/// One row of the home list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum HomeRow {
    /// Over a merchant group's cards; `at` is its position, so no two captions share a key.
    Caption {
        text: String,
        at: usize,
    },
    Tile(TileRow),
}

/// What a card's tile shows. The row with its place in the list is its key: a tile whose words
/// or place change (another language, a search) is drawn anew. Scrolling changes neither, so
/// the tile that has the focus keeps its element.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct TileRow {
    pub id: String,
    pub name: String,
    pub tagline: String,
    pub mark: String,
    pub brand_color: BrandColor,
    pub number: String,
    pub number_label: String,
    pub href: String,
    pub plain: bool,
}

impl HomeRow {
    /// What its measured pitch is kept under.
    fn measure_key(&self) -> String {
        match self {
            HomeRow::Caption { at, .. } => format!("caption {at}"),
            HomeRow::Tile(tile) => tile.id.clone(),
        }
    }

    fn estimated_pitch(&self) -> f64 {
        match self {
            HomeRow::Caption { .. } => CAPTION_PITCH,
            HomeRow::Tile(_) => TILE_PITCH,
        }
    }
}

/// Where the list is against the screen.
#[derive(Clone, Copy, PartialEq)]
struct Viewport {
    /// How far the list's top is above the screen's (negative: below it).
    scrolled: f64,
    screen: f64,
}

#[component]
pub(crate) fn HomeList(#[prop(into)] rows: Signal<Vec<HomeRow>>) -> impl IntoView {
    let list_ref = NodeRef::<html::Ul>::new();
    let viewport = RwSignal::new(Viewport {
        scrolled: 0.0,
        screen: screen_height(),
    });
    // Pitches of rows drawn so far, by `measure_key`; bumped when one changes.
    let measured = StoredValue::new(HashMap::<String, f64>::new());
    let remeasured = RwSignal::new(0_u32);

    let pitches = Memo::new(move |_| {
        remeasured.track();
        rows.with(|rows| {
            measured.with_value(|measured| {
                rows.iter()
                    .map(|row| {
                        measured
                            .get(&row.measure_key())
                            .copied()
                            .unwrap_or_else(|| row.estimated_pitch())
                    })
                    .collect::<Vec<f64>>()
            })
        })
    });
    // How many rows: for the window, the blocks and each row's `aria-setsize`.
    let count = Memo::new(move |_| rows.with(Vec::len));
    let window = Memo::new(move |_| {
        let count = count.get();
        if count < WINDOW_FROM {
            return 0..count;
        }
        let Viewport { scrolled, screen } = viewport.get();
        // Half a screen more each way: a quick flick or Tab meets drawn rows.
        pitches.with(|pitches| list_window(pitches, scrolled, screen, screen / 2.0))
    });
    let blocks = Memo::new(move |_| count.get().div_ceil(STEP_ROWS));

    // Follow the page's scroll and size, at most once a frame.
    let follow = move || {
        if let Some(list) = list_ref.try_get_untracked().flatten() {
            let _ = viewport.try_set(Viewport {
                scrolled: -list.get_bounding_client_rect().top(),
                screen: screen_height(),
            });
        }
    };
    let frame_asked = StoredValue::new(false);
    let follow_next_frame = move || {
        if frame_asked.try_get_value() != Some(false) {
            return;
        }
        frame_asked.set_value(true);
        request_animation_frame(move || {
            let _ = frame_asked.try_set_value(false);
            follow();
        });
    };
    let scrolled = window_event_listener(leptos::ev::scroll, move |_| follow_next_frame());
    let resized = window_event_listener(leptos::ev::resize, move |_| {
        follow_next_frame();
        remeasured.update(|n| *n += 1);
    });
    on_cleanup(move || {
        scrolled.remove();
        resized.remove();
    });

    // Once drawn, a row's real height replaces its estimate (a name that wraps is taller).
    Effect::new(move |_| {
        let drawn = window.get();
        remeasured.track();
        let Some(list) = list_ref.get() else { return };
        if count.get_untracked() < WINDOW_FROM || drawn.is_empty() {
            return;
        }
        // In the next frame: by then the rows this window drew are in the document.
        request_animation_frame(move || {
            if measure_drawn_rows(&list, measured) {
                let _ = remeasured.try_update(|n| *n += 1);
            }
        });
    });

    // Each block of rows is its own place in the list: drawn, or one placeholder of its height.
    // Drawing a block or putting its placeholder back touches no other block's elements, so the
    // tile that has the focus is never taken out of the document and put back (which would drop
    // the focus) as a window that shifts in one keyed list does.
    let block = move |block: usize| {
        let (first, end) = (block * STEP_ROWS, (block + 1) * STEP_ROWS);
        let drawn = Memo::new(move |_| window.with(|window| window.contains(&first)));
        move || {
            if drawn.get() {
                mark_list_shown();
                // `get`: a block past the end of a list that just got shorter (a search) may
                // read once more before it goes, and must not panic. Each row with its place in
                // the whole list, 1-based, which is part of its key.
                let block_rows = move || {
                    rows.with(|rows| {
                        let block = rows.get(first..end.min(rows.len()))?;
                        Some((first + 1..).zip(block.iter().cloned()).collect::<Vec<_>>())
                    })
                    .unwrap_or_default()
                };
                view! {
                    <For
                        each=block_rows
                        key=|placed| placed.clone()
                        children=move |(position, row)| draw_row(row, position, count)
                    />
                }
                .into_any()
            } else {
                let height = move || {
                    let pitch: f64 = pitches
                        .with(|p| p.get(first..end.min(p.len())).map(|p| p.iter().sum()))
                        .unwrap_or(0.0);
                    format!("{}px", (pitch - GAP).max(0.0))
                };
                view! { <li class="tiles-placeholder" aria-hidden="true" style:height=height></li> }
                    .into_any()
            }
        }
    };
    view! {
        <ul class="tiles" data-testid="wallet-list" node_ref=list_ref on:focusin=move |_| follow()>
            {move || (0..blocks.get()).map(block).collect_view()}
        </ul>
    }
}

/// `position` and `count` are the row's place in the whole list (`aria-posinset`, `aria-setsize`):
/// a windowed list has a few of its rows in the document, and a screen reader would otherwise
/// count only those ("16 items") and number them from the first one drawn.
fn draw_row(row: HomeRow, position: usize, count: Memo<usize>) -> impl IntoView {
    let key = row.measure_key();
    match row {
        HomeRow::Caption { text, .. } => view! {
            <li
                class="group-caption"
                data-testid="group-caption"
                data-row=key
                aria-posinset=position
                aria-setsize=count
            >
                {text}
            </li>
        }
        .into_any(),
        HomeRow::Tile(tile) => view! {
            <li data-row=key aria-posinset=position aria-setsize=count>
                <MembershipTile
                    name=tile.name
                    tagline=tile.tagline
                    mark=tile.mark
                    brand_color=tile.brand_color
                    member_number=tile.number
                    member_number_label=tile.number_label
                    href=tile.href
                    testid=if tile.plain { "plain-card-tile" } else { "membership-tile" }
                />
            </li>
        }
        .into_any(),
    }
}

/// Measures the drawn rows; true when a pitch changed.
fn measure_drawn_rows(
    list: &web_sys::HtmlUListElement,
    measured: StoredValue<HashMap<String, f64>>,
) -> bool {
    let Ok(drawn) = list.query_selector_all("[data-row]") else {
        return false;
    };
    let mut changed = false;
    let _ = measured.try_update_value(|measured| {
        for at in 0..drawn.length() {
            let Some(row) = drawn
                .item(at)
                .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            else {
                continue;
            };
            let Some(key) = row.dataset().get("row") else {
                continue;
            };
            let pitch = row.get_bounding_client_rect().height() + GAP;
            let known = measured.get(&key).copied();
            if known.is_none_or(|known| (known - pitch).abs() > MEASURE_SLACK) {
                measured.insert(key, pitch);
                changed = true;
            }
        }
    });
    changed
}

fn screen_height() -> f64 {
    window()
        .inner_height()
        .ok()
        .and_then(|height| height.as_f64())
        .unwrap_or(800.0)
}

/// A performance mark the bench reads (bench/wallet-scale.sh): navigation start to the wallet
/// list first in the page with its first tiles. Once per page load. Set in a microtask: the
/// tiles are put into the document when this render returns.
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
