//! The update banner mounted in a real browser (wasm-bindgen-test in headless Chromium).
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use wallet_components::UpdateBanner;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn update_banner_shows_its_labels_and_reports_the_tap_only() {
    let parent: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&parent).unwrap();
    let taps = RwSignal::new(0);
    let _handle = mount_to(parent.clone(), move || {
        view! {
            <UpdateBanner
                message="有新版本"
                action="Update"
                on_action=Callback::new(move |()| taps.update(|n| *n += 1))
            />
        }
    });
    let banner = parent
        .query_selector("[data-testid=update-banner]")
        .unwrap()
        .expect("the banner");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("status"));
    assert!(banner.text_content().unwrap().contains("有新版本"));
    assert_eq!(taps.get_untracked(), 0, "showing it does nothing");

    let button: web_sys::HtmlElement = banner
        .query_selector("button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(button.text_content().as_deref(), Some("Update"));
    button.click();
    assert_eq!(taps.get_untracked(), 1);
}
