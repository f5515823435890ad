//! The member card's panels and the page header, mounted in a real browser.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use wallet_components::{PageHeader, PointsPanel, RewardItem, StampPanel, TierPanel};
use wallet_core::BrandColor;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> web_sys::HtmlElement {
    let div = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

fn find(parent: &web_sys::Element, selector: &str) -> Option<web_sys::Element> {
    parent.query_selector(selector).unwrap()
}

fn text(parent: &web_sys::Element, selector: &str) -> String {
    find(parent, selector)
        .unwrap_or_else(|| panic!("no {selector}"))
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn page_header_goes_back_and_follows_the_language() {
    let parent = container();
    let (title, set_title) = signal("優惠券".to_owned());
    let (back, set_back) = signal("返回".to_owned());
    let _mount = mount_to(parent.clone(), move || {
        view! { <PageHeader title back_href="/m/7K3D9QX2M4PA" back_label=back /> }
    });
    let header = find(&parent, "header.app-bar").expect("an app bar");
    let link = find(&header, "a.back").expect("a back link");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("/m/7K3D9QX2M4PA")
    );
    assert_eq!(link.get_attribute("aria-label").as_deref(), Some("返回"));
    assert_eq!(text(&header, "h1"), "優惠券");

    set_title.set("Coupons".into());
    set_back.set("Back".into());
    leptos::task::tick().await;
    assert_eq!(text(&header, "h1"), "Coupons");
    assert_eq!(link.get_attribute("aria-label").as_deref(), Some("Back"));
}

#[wasm_bindgen_test]
fn page_header_of_the_home_has_no_back_link_but_the_pages_buttons() {
    let parent = container();
    let _mount = mount_to(parent.clone(), move || {
        view! {
            <PageHeader title="會員錢包">
                <button class="language-toggle">"EN"</button>
            </PageHeader>
        }
    });
    assert!(find(&parent, "a.back").is_none());
    assert_eq!(text(&parent, "header button.language-toggle"), "EN");
}

#[wasm_bindgen_test]
fn page_header_of_a_card_shows_the_merchants_mark_and_name() {
    let parent = container();
    let _mount = mount_to(parent.clone(), move || {
        view! { <PageHeader title="晨光咖啡" back_href="/" back_label=Signal::derive(|| "返回".to_owned()) mark="晨" /> }
    });
    let header = find(&parent, "header.card-bar").expect("a card bar");
    assert_eq!(text(&header, ".card-mark"), "晨");
    assert_eq!(text(&header, "h1.card-name"), "晨光咖啡");
    assert!(find(&header, "a.back").is_some());
}

#[wasm_bindgen_test]
fn stamp_panel_shows_progress_what_is_next_and_the_deadline() {
    let parent = container();
    let _mount = mount_to(parent.clone(), move || {
        view! {
            <StampPanel title="咖啡集點卡" stamp_color=BrandColor::parse("#c8873a").unwrap()
                total=10 filled=7 newly_added=1 reward_steps=vec![5, 10] mark="晨"
                label="10 點中已集 7 點" next="再集 3 點可得：任選飲品一杯" expires=Some("2026/12/31 前集滿".into()) />
            <StampPanel title="茶飲卡" stamp_color=BrandColor::parse("#2f6b3a").unwrap()
                total=6 filled=6 newly_added=0 reward_steps=vec![6] mark="茶"
                label="6 點中已集 6 點" next="集滿了！可兌換獎勵" />
        }
    });
    let panels = parent
        .query_selector_all("[data-testid=stamp-card]")
        .unwrap();
    assert_eq!(panels.length(), 2);
    let coffee: web_sys::Element = panels.get(0).unwrap().unchecked_into();
    assert_eq!(text(&coffee, "h2"), "咖啡集點卡");
    assert_eq!(
        coffee.query_selector_all(".stamp.filled").unwrap().length(),
        7
    );
    assert_eq!(coffee.query_selector_all(".stamp.new").unwrap().length(), 1);
    assert_eq!(
        find(&coffee, "[role=img]")
            .unwrap()
            .get_attribute("aria-label")
            .as_deref(),
        Some("10 點中已集 7 點")
    );
    assert_eq!(
        text(&coffee, "[data-testid=stamps-next]"),
        "再集 3 點可得：任選飲品一杯"
    );
    assert_eq!(
        text(&coffee, "[data-testid=stamps-expires]"),
        "2026/12/31 前集滿"
    );
    let style = coffee.get_attribute("style").unwrap_or_default();
    assert!(
        style.contains("--brand: #c8873a"),
        "drawn in the card's colour: {style}"
    );

    let tea: web_sys::Element = panels.get(1).unwrap().unchecked_into();
    assert_eq!(
        text(&tea, "[data-testid=stamps-next]"),
        "集滿了！可兌換獎勵"
    );
    assert!(
        find(&tea, "[data-testid=stamps-expires]").is_none(),
        "no deadline, none shown"
    );
}

#[wasm_bindgen_test]
fn points_panel_shows_the_balance_and_only_the_notes_that_apply() {
    let parent = container();
    let _mount = mount_to(parent.clone(), move || {
        view! {
            <div class="pending">
                <PointsPanel title="點數" balance="1,234 點" pending=Some("兌換中 −300 點".into())
                    expiring=Some("50 點將於 2026/12/31 到期".into()) ledger_href="/m/7K3D9QX2M4PA/points" ledger_label="點數紀錄" />
            </div>
            <div class="plain">
                <PointsPanel title="點數" balance="0 點" ledger_href="/m/7K3D9QX2M4PA/points" ledger_label="點數紀錄" />
            </div>
        }
    });
    let pending = find(&parent, ".pending").unwrap();
    assert_eq!(text(&pending, "[data-testid=points-balance]"), "1,234 點");
    assert_eq!(
        text(&pending, "[data-testid=points-pending]"),
        "兌換中 −300 點"
    );
    assert_eq!(
        text(&pending, "[data-testid=points-expiring]"),
        "50 點將於 2026/12/31 到期"
    );
    let link = find(&pending, "a.panel-link").unwrap();
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("/m/7K3D9QX2M4PA/points")
    );
    assert_eq!(link.text_content().as_deref(), Some("點數紀錄"));

    let plain = find(&parent, ".plain").unwrap();
    assert_eq!(text(&plain, "[data-testid=points-balance]"), "0 點");
    assert!(find(&plain, "[data-testid=points-pending]").is_none());
    assert!(find(&plain, "[data-testid=points-expiring]").is_none());
}

#[wasm_bindgen_test]
fn reward_item_offers_the_exchange_or_says_why_not() {
    let parent = container();
    let asked = Arc::new(AtomicU32::new(0));
    let on_exchange = {
        let asked = asked.clone();
        Callback::new(move |()| {
            asked.fetch_add(1, Ordering::SeqCst);
        })
    };
    let _mount = mount_to(parent.clone(), move || {
        view! {
            <ul>
                <RewardItem title="招牌拿鐵" cost="300 點" action="兌換" on_exchange />
                <RewardItem title="起司蛋糕" cost="500 點" status=Some("點數不足".into()) action="兌換"
                    on_exchange=Callback::new(|()| panic!("no button to press")) />
            </ul>
        }
    });
    let items = parent.query_selector_all("[data-testid=reward]").unwrap();
    let latte: web_sys::Element = items.get(0).unwrap().unchecked_into();
    assert_eq!(text(&latte, ".reward-title"), "招牌拿鐵");
    assert_eq!(text(&latte, ".reward-cost"), "300 點");
    assert!(find(&latte, "[data-testid=reward-status]").is_none());
    let button: web_sys::HtmlElement = find(&latte, "button").unwrap().unchecked_into();
    assert_eq!(button.text_content().as_deref(), Some("兌換"));
    button.click();
    assert_eq!(asked.load(Ordering::SeqCst), 1, "one tap asks once");

    let cake: web_sys::Element = items.get(1).unwrap().unchecked_into();
    assert_eq!(text(&cake, "[data-testid=reward-status]"), "點數不足");
    assert!(
        find(&cake, "button").is_none(),
        "nothing to tap when it cannot be had"
    );
}

#[wasm_bindgen_test]
fn tier_panel_shows_the_tier_and_the_way_to_the_next() {
    let parent = container();
    let _mount = mount_to(parent.clone(), move || {
        view! {
            <TierPanel tier_name="銀卡" progress=Some(0.25) caption="再消費 NT$1,200 升級金卡" />
            <TierPanel tier_name="金卡" progress=None caption="生日當月點數雙倍" />
        }
    });
    let tiers = parent.query_selector_all("[data-testid=tier]").unwrap();
    let silver: web_sys::Element = tiers.get(0).unwrap().unchecked_into();
    assert!(silver.class_list().contains("panel"));
    assert_eq!(text(&silver, ".tier-badge"), "銀卡");
    assert_eq!(
        find(&silver, "[role=progressbar]")
            .unwrap()
            .get_attribute("aria-valuenow")
            .as_deref(),
        Some("25")
    );
    assert_eq!(text(&silver, ".tier-caption"), "再消費 NT$1,200 升級金卡");
    let gold: web_sys::Element = tiers.get(1).unwrap().unchecked_into();
    assert!(
        find(&gold, "[role=progressbar]").is_none(),
        "the top tier has nowhere to go"
    );
    assert_eq!(text(&gold, ".tier-caption"), "生日當月點數雙倍");
}
