//! Components mounted in a real browser (wasm-bindgen-test in headless Chromium).
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use wallet_components::{qr_svg, Countdown, MemberQr, MembershipTile};
use wallet_core::BrandColor;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> web_sys::HtmlElement {
    let document = document();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

use wasm_bindgen::JsCast;

#[wasm_bindgen_test]
async fn member_qr_draws_the_payload_and_redraws_when_it_changes() {
    let parent = container();
    let (payload, set_payload) = signal("MW1:7K3D9QX2M4PA:492039".to_string());
    let _handle = mount_to(parent.clone(), move || {
        view! { <MemberQr payload=payload label="Member code" /> }
    });
    let qr = parent
        .query_selector("[data-testid=member-qr]")
        .unwrap()
        .unwrap();
    assert_eq!(qr.get_attribute("role").as_deref(), Some("img"));
    assert_eq!(
        qr.get_attribute("aria-label").as_deref(),
        Some("Member code")
    );
    let first = qr.inner_html();
    assert!(first.starts_with("<svg"), "an inline SVG, got {first:.40}");
    assert_eq!(first, qr_svg("MW1:7K3D9QX2M4PA:492039").unwrap());

    set_payload.set("MW1:7K3D9QX2M4PA:000001".to_string());
    leptos::task::tick().await;
    let second = qr.inner_html();
    assert_ne!(first, second, "a new code must draw a new QR");
    assert_eq!(second, qr_svg("MW1:7K3D9QX2M4PA:000001").unwrap());
}

#[wasm_bindgen_test]
async fn countdown_shows_the_label_and_the_fraction_left() {
    let parent = container();
    let (left, set_left) = signal(15u64);
    let _handle = mount_to(parent.clone(), move || {
        view! { <Countdown seconds_left=left period_secs=30 label=Signal::derive(move || format!("{} s", left.get())) /> }
    });
    let text = parent.query_selector(".countdown-text").unwrap().unwrap();
    assert_eq!(text.text_content().as_deref(), Some("15 s"));
    let fill = parent.query_selector(".countdown-fill").unwrap().unwrap();
    assert!(fill
        .get_attribute("style")
        .unwrap()
        .contains("scaleX(0.500)"));
    set_left.set(3);
    leptos::task::tick().await;
    assert_eq!(text.text_content().as_deref(), Some("3 s"));
}

#[wasm_bindgen_test]
fn membership_tile_links_to_the_card_with_readable_brand_colours() {
    let parent = container();
    let _handle = mount_to(parent.clone(), move || {
        view! {
            <MembershipTile
                name="晨光咖啡"
                tagline="手沖咖啡"
                mark="晨"
                brand_color=BrandColor::parse("#f5e6c8").unwrap()
                member_number="7K3D 9QX2 M4PA"
                member_number_label="會員編號"
                href="/m/7K3D9QX2M4PA"
            />
        }
    });
    let tile = parent.query_selector("a.tile").unwrap().unwrap();
    assert_eq!(
        tile.get_attribute("href").as_deref(),
        Some("/m/7K3D9QX2M4PA")
    );
    let style = tile.get_attribute("style").unwrap();
    assert!(style.contains("--brand: #f5e6c8"), "{style}");
    assert!(
        style.contains("--on-brand: #141414"),
        "dark text on a light brand: {style}"
    );
    assert!(tile.text_content().unwrap().contains("晨光咖啡"));
}
