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
                {move || {
                    let render_row = render_row.clone();
                    range
                        .get()
                        .map(|index| {
                            view! {
                                <div
                                    class="windowed-row"
                                    style=format!(
                                        "position: absolute; left: 0; right: 0; top: {}px; height: {row_height}px",
                                        index as f64 * row_height
                                    )
                                >
                                    {render_row(index)}
                                </div>
                            }
                        })
                        .collect_view()
                }}
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
}
