//! A quiet bar at the bottom of the screen saying a new version is ready, with one action.
//! It never acts on its own: the app decides when to show it (never over a member code) and what
//! the action does.

use leptos::prelude::*;

#[component]
pub fn UpdateBanner(
    /// Already translated, e.g. "Update available".
    #[prop(into)]
    message: String,
    /// Already translated, e.g. "Update".
    #[prop(into)]
    action: String,
    on_action: Callback<()>,
) -> impl IntoView {
    view! {
        <aside class="update-banner" role="status" data-testid="update-banner">
            <span class="update-banner-text">{message}</span>
            <button class="update-banner-action" type="button" on:click=move |_| on_action.run(())>
                {action}
            </button>
        </aside>
    }
}
