//! The member's tier and how far the next one is.

use leptos::prelude::*;

#[component]
pub fn TierProgress(
    #[prop(into)] tier_name: Signal<String>,
    /// 0.0 to 1.0 of the way to the next tier; `None` at the top tier.
    #[prop(into)]
    progress: Signal<Option<f64>>,
    /// e.g. "再消費 NT$1,200 升級金卡", or the top tier's benefits.
    #[prop(into)]
    caption: Signal<String>,
) -> impl IntoView {
    let percent = move || progress.get().map(|p| (p.clamp(0.0, 1.0) * 100.0).round());
    view! {
        <section class="tier" data-testid="tier-progress">
            <span class="tier-badge">{move || tier_name.get()}</span>
            {move || percent().map(|p| view! {
                <div class="tier-track" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=p>
                    <div class="tier-fill" style:width=format!("{p}%")></div>
                </div>
            })}
            <p class="tier-caption">{move || caption.get()}</p>
        </section>
    }
}
