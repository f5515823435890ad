//! Stamp grid, tier progress, coupon card and the windowed list, mounted in a real browser.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use std::sync::Arc;
use wallet_components::{CouponCard, CouponState, StampGrid, TierProgress, WindowedList};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> web_sys::HtmlElement {
    let div = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

fn count(parent: &web_sys::Element, selector: &str) -> u32 {
    parent.query_selector_all(selector).unwrap().length()
}

#[wasm_bindgen_test]
async fn stamp_grid_fills_and_marks_the_new_stamps() {
    let parent = container();
    let (filled, set_filled) = signal(3u32);
    let (fresh, set_fresh) = signal(0u32);
    let _mount = mount_to(parent.clone(), move || {
        view! {
            <StampGrid total=10 filled newly_added=fresh reward_steps=vec![5, 10] mark="晨"
                label=Signal::derive(move || format!("{} / 10", filled.get())) />
        }
    });
    assert_eq!(count(&parent, ".stamp"), 10);
    assert_eq!(count(&parent, ".stamp.filled"), 3);
    assert_eq!(
        count(&parent, ".stamp.reward-step"),
        2,
        "unreached reward steps show a star"
    );
    assert_eq!(count(&parent, ".stamp.new"), 0);

    set_filled.set(5);
    set_fresh.set(2);
    leptos::task::tick().await;
    assert_eq!(count(&parent, ".stamp.filled"), 5);
    assert_eq!(
        count(&parent, ".stamp.new"),
        2,
        "the two stamps that just arrived animate"
    );
    assert_eq!(
        count(&parent, ".stamp.reward-step"),
        1,
        "a reached reward step is a filled stamp"
    );
    let grid = parent
        .query_selector("[data-testid=stamp-grid]")
        .unwrap()
        .unwrap();
    assert_eq!(grid.get_attribute("aria-label").as_deref(), Some("5 / 10"));
}

#[wasm_bindgen_test]
fn tier_progress_reports_its_progress_accessibly() {
    let parent = container();
    let _mount = mount_to(parent.clone(), move || {
        view! { <TierProgress tier_name="銀卡" progress=Some(0.4) caption="再消費 NT$1,200 升級金卡" /> }
    });
    let bar = parent
        .query_selector("[role=progressbar]")
        .unwrap()
        .unwrap();
    assert_eq!(bar.get_attribute("aria-valuenow").as_deref(), Some("40"));
    assert!(parent.text_content().unwrap().contains("銀卡"));
}

#[wasm_bindgen_test]
fn coupon_card_shows_its_state() {
    let parent = container();
    let _mount = mount_to(parent.clone(), move || {
        view! {
            <CouponCard title="招牌拿鐵一杯" validity="2026/12/31 到期" state=CouponState::Used
                state_label="已使用" href="/c/1" />
        }
    });
    let card = parent.query_selector("a.coupon").unwrap().unwrap();
    assert!(card.class_list().contains("used"));
    assert!(card.text_content().unwrap().contains("已使用"));
}

#[wasm_bindgen_test]
async fn windowed_list_renders_only_the_rows_in_view() {
    let parent = container();
    let _mount = mount_to(parent.clone(), move || {
        view! {
            <WindowedList count=10_000usize row_height=50.0 viewport_height=500.0
                render_row=Arc::new(|i| view! { <span class="row">{format!("entry {i}")}</span> }.into_any()) />
        }
    });
    let rendered = count(&parent, ".row");
    assert!(
        rendered > 10 && rendered < 40,
        "a window of rows, not 10,000: {rendered}"
    );
    let list: web_sys::Element = parent.query_selector(".windowed-list").unwrap().unwrap();
    list.set_scroll_top(250_000.0);
    list.dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    leptos::task::tick().await;
    assert!(parent.text_content().unwrap().contains("entry 5000"));
    let first = parent
        .query_selector(".row")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    let first: usize = first.trim_start_matches("entry ").parse().unwrap();
    assert!(
        (4980..5000).contains(&first),
        "rows far above are gone; first is {first}"
    );
    assert!(count(&parent, ".row") < 40);
}
