//! A long list that renders only the rows in view (plus a few above and below), so 10,000 ledger
//! entries scroll as smoothly as 10. Rows have a fixed height; the list scrolls inside itself.

use leptos::prelude::*;
use std::sync::Arc;

/// Rows rendered beyond the visible ones on each side, so a fast flick does not show blanks.
const OVERSCAN: usize = 6;

/// The rows to render for a scroll position: `first..end`.
pub fn visible_range(
    scroll_top: f64,
    viewport_height: f64,
    row_height: f64,
    count: usize,
) -> std::ops::Range<usize> {
    if count == 0 || row_height <= 0.0 {
        return 0..0;
    }
    let first = (scroll_top.max(0.0) / row_height).floor() as usize;
    let visible = (viewport_height.max(0.0) / row_height).ceil() as usize + 1;
    let start = first.saturating_sub(OVERSCAN).min(count);
    let end = (first + visible + OVERSCAN).min(count);
    start..end
}

/// The most rows `visible_range` returns for a viewport: the slots rows are recycled in.
fn window_slots(viewport_height: f64, row_height: f64) -> usize {
    if row_height <= 0.0 {
        return 1;
    }
    (viewport_height.max(0.0) / row_height).ceil() as usize + 1 + 2 * OVERSCAN
}

/// The index in `range` whose slot is `slot` (`range` is never longer than `slots`).
fn index_in_slot(range: std::ops::Range<usize>, slot: usize, slots: usize) -> usize {
    range.start + (slot + slots - range.start % slots) % slots
}

#[component]
pub fn WindowedList(
    #[prop(into)] count: Signal<usize>,
    /// Pixels; must match the rows' CSS height.
    row_height: f64,
    /// Pixels of the scrolling viewport.
    viewport_height: f64,
    render_row: Arc<dyn Fn(usize) -> AnyView + Send + Sync>,
) -> impl IntoView {
    let scroll_top = RwSignal::new(0.0);
    let slots = window_slots(viewport_height, row_height);
    let range = Memo::new(move |_| {
        visible_range(scroll_top.get(), viewport_height, row_height, count.get())
    });
    #[allow(clippy::useless_conversion)] // see the comment inside
    let on_scroll = move |event: leptos::ev::Event| {
        let target: leptos::web_sys::Element = event_target(&event);
        // i32 in stable web-sys, f64 with web_sys_unstable_apis (the wasm build): both convert.
        scroll_top.set(f64::from(target.scroll_top()));
    };
    view! {
        <div
            class="windowed-list"
            // Structural, so the list works before (or without) the stylesheet.
            style=format!("height: {viewport_height}px; overflow-y: auto; position: relative")
            on:scroll=on_scroll
            data-testid="windowed-list"
        >
            <div
                class="windowed-list-inner"
                style:position="relative"
                style:height=move || format!("{}px", count.get() as f64 * row_height)
            >
                // Rows are recycled: a row's slot is its index modulo the most rows a window
                // holds, so a scroll of a row or two redraws only the rows that came into the
                // window, and a jump redraws every row in place (no new elements). Each row's
                // content is its own reactive scope: when what `render_row` reads changes, the
                // rows redraw.
                <For
                    each=move || range.get().map(move |index| index % slots)
                    key=|slot| *slot
                    children=move |slot| {
                        let render_row = render_row.clone();
                        let index = Memo::new(move |_| index_in_slot(range.get(), slot, slots));
                        view! {
                            <div
                                class="windowed-row"
                                style=move || format!(
                                    "position: absolute; left: 0; right: 0; top: {}px; height: {row_height}px",
                                    index.get() as f64 * row_height
                                )
                            >
                                {move || render_row(index.get())}
                            </div>
                        }
                    }
                />
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_only_what_is_near_the_viewport() {
        assert_eq!(visible_range(0.0, 600.0, 60.0, 10_000), 0..17);
        assert_eq!(visible_range(6000.0, 600.0, 60.0, 10_000), 94..117);
        assert_eq!(visible_range(599_400.0, 600.0, 60.0, 10_000), 9984..10_000);
        assert_eq!(visible_range(0.0, 600.0, 60.0, 0), 0..0);
        assert_eq!(visible_range(-50.0, 600.0, 60.0, 5), 0..5);
    }

    #[test]
    fn each_row_of_a_window_has_its_own_slot() {
        let slots = window_slots(600.0, 60.0);
        for top in [0.0, 59.0, 6000.0, 6030.0, 599_400.0] {
            let range = visible_range(top, 600.0, 60.0, 10_000);
            assert!(range.len() <= slots);
            let mut seen: Vec<usize> = range.clone().map(|i| i % slots).collect();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), range.len(), "no two rows share a slot");
            for index in range.clone() {
                assert_eq!(index_in_slot(range.clone(), index % slots, slots), index);
            }
        }
    }
}
