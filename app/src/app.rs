//! The app shell: translations, wallet state and routes.

use crate::i18n::{self, use_i18n, I18nContextProvider, Locale};
use crate::pages::SettingsPage;
use crate::pages::{
    ArrangePage, CardInboxPage, CheckoutPage, CouponPage, CouponsPage, Hosted, HostedPage,
    InboxPage, JoinPage, LedgerPage, MemberCardPage, NotFoundPage, PlainCardPage, WalletPage,
};
use crate::pwa::{self, PwaChrome};
use crate::state::WalletState;
use crate::sync::SyncEngine;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <I18nContextProvider>
            <Shell />
        </I18nContextProvider>
    }
}

#[component]
fn Shell() -> impl IntoView {
    // The provider's own first effect sets the locale it guessed from the browser; an effect made
    // after it runs after it, so the customer's remembered choice (or our zh-* mapping) wins.
    let i18n = use_i18n();
    let initial = i18n::initial_locale();
    Effect::new(move |_| i18n.set_locale(initial));
    // Service worker and install offers (optional, never block the start); before the router
    // reads the address, because the "Show my code" shortcut (/m/last) is resolved here.
    crate::platform::liff::follow_deep_link();
    crate::pages::join::claim_link_to_join_page();
    pwa::provide();
    crate::platform::liff::provide();
    let state = WalletState::provide();
    crate::platform::shell::dismiss_when_ready(state);
    SyncEngine::start(state);
    view! {
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=WalletPage />
                <Route path=path!("/m/:id") view=MemberCardPage />
                <Route path=path!("/m/:id/points") view=LedgerPage />
                <Route path=path!("/m/:id/coupons") view=CouponsPage />
                <Route path=path!("/m/:id/coupons/:code") view=CouponPage />
                <Route path=path!("/m/:id/survey/:invitation") view=|| hosted(Hosted::Survey) />
                <Route path=path!("/m/:id/games") view=|| hosted(Hosted::Games) />
                <Route path=path!("/m/:id/games/:ticket") view=|| hosted(Hosted::Games) />
                <Route path=path!("/m/:id/invite") view=|| hosted(Hosted::Invite) />
                <Route path=path!("/m/:id/checkout") view=CheckoutPage />
                <Route path=path!("/m/:id/inbox") view=CardInboxPage />
                <Route path=path!("/inbox") view=InboxPage />
                // Two routes: one with a parameter would keep the form's page when saving moves
                // to the new card (the router reuses a route's component when only its
                // parameter changes).
                <Route path=path!("/p/new") view=PlainCardPage />
                <Route path=path!("/p/:id") view=PlainCardPage />
                <Route path=path!("/join") view=JoinPage />
                <Route path=path!("/scan") view=|| hosted(Hosted::Scan) />
                <Route path=path!("/settings") view=SettingsPage />
                <Route path=path!("/arrange") view=ArrangePage />
            </Routes>
            <PwaChrome />
        </Router>
    }
}

/// A page the module loaded later draws and works (`HostedPage`).
fn hosted(page: Hosted) -> impl IntoView {
    view! { <HostedPage page /> }
}

/// Switches between 中文 and English and remembers the choice on this device.
#[component]
pub fn LanguageToggle() -> impl IntoView {
    let i18n = use_i18n();
    let toggle = move |_| {
        let next = match i18n.get_locale() {
            Locale::zh_TW => Locale::en,
            Locale::en => Locale::zh_TW,
        };
        i18n.set_locale(next);
        i18n::remember_choice(next);
    };
    view! {
        <button
            class="language-toggle"
            type="button"
            on:click=toggle
            aria-label=move || i18n::t_string!(i18n, switch_language_label)
        >
            {i18n::t!(i18n, switch_language)}
        </button>
    }
}
