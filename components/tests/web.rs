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

/// The dark modules of the QR drawn in `element` (the SVG path), comparable across serialisations.
fn modules(element: &web_sys::Element) -> String {
    let path = element
        .query_selector("svg path")
        .unwrap()
        .expect("an SVG path");
    path.get_attribute("d").unwrap()
}

fn expected_modules(payload: &str) -> String {
    let svg = qr_svg(payload).unwrap();
    let start = svg.find(" d=\"").unwrap() + 4;
    let end = start + svg[start..].find('"').unwrap();
    svg[start..end].to_string()
}

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
    let first = modules(&qr);
    assert!(first.len() > 100, "an inline SVG with the QR's modules");
    assert_eq!(first, expected_modules("MW1:7K3D9QX2M4PA:492039"));

    set_payload.set("MW1:7K3D9QX2M4PA:000001".to_string());
    leptos::task::tick().await;
    let second = modules(&qr);
    assert_ne!(first, second, "a new code must draw a new QR");
    assert_eq!(second, expected_modules("MW1:7K3D9QX2M4PA:000001"));
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
    let fill: web_sys::HtmlElement = parent
        .query_selector(".countdown-fill")
        .unwrap()
        .unwrap()
        .unchecked_into();
    let transform = |fill: &web_sys::HtmlElement| {
        web_sys::HtmlElement::style(fill)
            .get_property_value("transform")
            .unwrap()
    };
    assert_eq!(transform(&fill), "scaleX(0.5)", "half the period is left");
    set_left.set(3);
    leptos::task::tick().await;
    assert_eq!(text.text_content().as_deref(), Some("3 s"));
    assert_eq!(transform(&fill), "scaleX(0.1)");
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
