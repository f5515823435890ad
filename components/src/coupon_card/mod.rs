//! One coupon in the coupon box.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CouponState {
    Active,
    Used,
    Expired,
}

#[component]
pub fn CouponCard(
    #[prop(into)] title: String,
    /// e.g. "使用期限 2026/12/31".
    #[prop(into)]
    validity: String,
    state: CouponState,
    /// The translated state, e.g. "可使用" / "已使用".
    #[prop(into)]
    state_label: String,
    #[prop(into)] href: String,
) -> impl IntoView {
    let class = match state {
        CouponState::Active => "coupon active",
        CouponState::Used => "coupon used",
        CouponState::Expired => "coupon expired",
    };
    view! {
        <a class=class href=href data-testid="coupon-card">
            <span class="coupon-title">{title}</span>
            <span class="coupon-validity">{validity}</span>
            <span class="coupon-state">{state_label}</span>
        </a>
    }
}
