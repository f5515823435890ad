//! Time left before the member code rotates: a bar that empties and a number to read.

use leptos::prelude::*;
use wallet_core::card_face::countdown_transform;

#[component]
pub fn Countdown(
    #[prop(into)] seconds_left: Signal<u64>,
    period_secs: u64,
    /// Already translated, e.g. "Refreshes in 12 s".
    #[prop(into)]
    label: Signal<String>,
) -> impl IntoView {
    view! {
        <div class="countdown" data-testid="countdown">
            <div class="countdown-track" aria-hidden="true">
                <div
                    class="countdown-fill"
                    // wallet-core formats it, for the counter (counter/) to draw the same bar.
                    style:transform=move || countdown_transform(seconds_left.get(), period_secs)
                ></div>
            </div>
            <span class="countdown-text" aria-live="off">{move || label.get()}</span>
        </div>
    }
}
