//! `/m/:id/coupons`: the coupon box (ready / used / expired), and `/m/:id/coupons/:code`: one
//! coupon with its own QR for the cashier and its terms.

use super::loyalty_sections::use_loyalty;
use super::storage_words::NotRead;
use crate::i18n::{is_chinese, t, t_string, use_i18n};
use crate::platform::{clock, dates};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use wallet_components::{CouponCard, CouponState as Shown, MemberQr, PageHeader};
use wallet_core::loyalty::CouponState;

fn shown(state: &CouponState) -> Shown {
    match state {
        CouponState::Active => Shown::Active,
        CouponState::Used => Shown::Used,
        _ => Shown::Expired,
    }
}

#[component]
pub fn CouponsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let membership_id = params.read_untracked().get("id").unwrap_or_default();
    let loyalty = use_loyalty(membership_id.clone());
    let tab = RwSignal::new(Shown::Active);
    let chinese = move || is_chinese(i18n.get_locale());

    let list = {
        let membership_id = membership_id.clone();
        move || {
            let now = clock::now_unix_secs() as i64;
            let view = loyalty.get().unwrap_or_default();
            if view.unreadable {
                // Inside the list (a list holds only items): one item saying so.
                return view! { <li><NotRead /></li> }.into_any();
            }
            let coupons: Vec<_> = view
                .coupons
                .into_iter()
                .filter(|c| shown(&c.state_at(now)) == tab.get())
                .collect();
            if coupons.is_empty() {
                return view! { <li class="muted centered-text" data-testid="coupons-empty">{t!(i18n, coupons_empty)}</li> }.into_any();
            }
            coupons
                .into_iter()
                .map(|c| {
                    let state = shown(&c.state_at(now));
                    let state_label = match state {
                        Shown::Active => t_string!(i18n, coupon_active),
                        Shown::Used => t_string!(i18n, coupon_used),
                        Shown::Expired => t_string!(i18n, coupon_expired),
                    };
                    view! {
                        <li>
                            <CouponCard
                                title=c.title.get(chinese()).to_owned()
                                validity=t_string!(i18n, coupon_valid_until, date = dates::date(c.valid_until - 1)).to_string()
                                state
                                state_label
                                href=format!("/m/{membership_id}/coupons/{}", c.code.as_str())
                            />
                        </li>
                    }
                })
                .collect_view()
                .into_any()
        }
    };
    let tab_button = move |which: Shown, label: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                class="tab"
                aria-selected=move || (tab.get() == which).to_string()
                on:click=move |_| tab.set(which)
            >
                {label}
            </button>
        }
    };

    view! {
        <PageHeader
            title=Signal::derive(move || t_string!(i18n, coupons_title).to_owned())
            back_href=format!("/m/{membership_id}")
            back_label=Signal::derive(move || t_string!(i18n, back).to_owned())
        />
        <main class="page">
            <div class="tabs" role="tablist">
                {move || tab_button(Shown::Active, t_string!(i18n, coupon_active))}
                {move || tab_button(Shown::Used, t_string!(i18n, coupon_used))}
                {move || tab_button(Shown::Expired, t_string!(i18n, coupon_expired))}
            </div>
            <ul class="coupon-list" data-testid="coupon-list">{list}</ul>
        </main>
    }
}

#[component]
pub fn CouponPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let membership_id = params.read_untracked().get("id").unwrap_or_default();
    let code = params.read_untracked().get("code").unwrap_or_default();
    let loyalty = use_loyalty(membership_id.clone());
    let chinese = move || is_chinese(i18n.get_locale());

    let body = move || {
        let view = loyalty.get()?;
        if view.unreadable {
            return Some(view! { <NotRead /> }.into_any());
        }
        let Some(coupon) = view.coupon(&code).cloned() else {
            return Some(
                view! { <p class="notice" role="alert">{t!(i18n, coupon_not_found)}</p> }
                    .into_any(),
            );
        };
        let now = clock::now_unix_secs() as i64;
        let state = coupon.state_at(now);
        let active = state == CouponState::Active;
        let payload = coupon.qr_payload();
        Some(view! {
            <section class="qr-panel coupon-detail" data-testid="coupon-detail">
                <h2>{coupon.title.get(chinese()).to_owned()}</h2>
                {if active {
                    view! {
                        <p class="qr-hint">{t!(i18n, coupon_show_hint)}</p>
                        <MemberQr payload=payload label=Signal::derive(move || t_string!(i18n, coupon_qr_label).to_owned()) />
                        <p class="mono">{coupon.code.grouped()}</p>
                    }.into_any()
                } else {
                    let label = if state == CouponState::Used { t_string!(i18n, coupon_used) } else { t_string!(i18n, coupon_expired) };
                    view! { <p class="coupon-stamp" data-testid="coupon-state">{label}</p> }.into_any()
                }}
                <p class="panel-caption">{t_string!(i18n, coupon_valid_until, date = dates::date(coupon.valid_until - 1)).to_string()}</p>
                <h3>{t!(i18n, coupon_terms)}</h3>
                <p class="terms">{coupon.terms.get(chinese()).to_owned()}</p>
            </section>
        }.into_any())
    };

    view! {
        <PageHeader
            title=Signal::derive(move || t_string!(i18n, coupons_title).to_owned())
            back_href=format!("/m/{membership_id}/coupons")
            back_label=Signal::derive(move || t_string!(i18n, back).to_owned())
        />
        <main class="page">{body}</main>
    }
}
