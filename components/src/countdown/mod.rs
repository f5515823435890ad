//! Time left before the member code rotates: a bar that empties and a number to read.

use leptos::prelude::*;

#[component]
pub fn Countdown(
    #[prop(into)] seconds_left: Signal<u64>,
    period_secs: u64,
    /// Already translated, e.g. "Refreshes in 12 s".
    #[prop(into)]
    label: Signal<String>,
) -> impl IntoView {
    let fraction = move || seconds_left.get() as f64 / period_secs.max(1) as f64;
    view! {
        <div class="countdown" data-testid="countdown">
            <div class="countdown-track" aria-hidden="true">
                <div
                    class="countdown-fill"
                    style:transform=move || format!("scaleX({:.3})", fraction())
                ></div>
            </div>
            <span class="countdown-text" aria-live="off">{move || label.get()}</span>
        </div>
    }
}
