//! `/m/:id`: the member card the customer shows at the counter. The QR is computed on the device
//! from the stored secret, so it works with no network at all.

use super::leave::LeaveMembership;
use super::loyalty_sections::LoyaltySections;
use super::member_profile::MemberProfile;
use super::rejected_notice::RejectedNotice;
use crate::i18n::{is_chinese, t, t_string, use_i18n};
use crate::membership::StoredMembership;
use crate::platform::{clock, counter, home_layout, wake_lock};
use crate::state::{LoadStatus, WalletState};
use crate::sync::SyncEngine;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use std::time::Duration;
use wallet_components::{Countdown, MemberQr, PageHeader};
use wallet_core::{card_face, MemberCode};

#[component]
pub fn MemberCardPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<WalletState>();
    let params = use_params_map();
    let membership = Memo::new(move |_| {
        let id = params.read().get("id").unwrap_or_default();
        state.find(&id)
    });

    move || match (membership.get(), state.status.get()) {
        (Some(membership), _) => view! { <MemberCard membership /> }.into_any(),
        (None, LoadStatus::Loading) => {
            view! { <main class="page centered"><p class="muted">{t!(i18n, loading)}</p></main> }
                .into_any()
        }
        (None, _) => view! {
            <main class="page centered">
                <p class="notice" role="alert">{t!(i18n, card_not_found)}</p>
                <a class="button primary" href="/">{t!(i18n, go_home)}</a>
            </main>
        }
        .into_any(),
    }
}

#[component]
fn MemberCard(membership: StoredMembership) -> impl IntoView {
    let i18n = use_i18n();
    let merchant = membership.merchant.clone();
    let Some(totp) = membership.totp() else {
        return view! { <main class="page centered"><p class="notice error">{t!(i18n, storage_error)}</p></main> }
            .into_any();
    };
    let period = totp.period_secs;

    // Ticks twice a second so a new code appears within half a second of its step; the QR itself
    // is only redrawn when the step changes (the memo below).
    let now = RwSignal::new(clock::now_unix_secs());
    // By hand: leptos-use-interval-fn 0.20 adds 2.0 KB brotli to the first screen.
    if let Ok(handle) = set_interval_with_handle(
        move || now.set(clock::now_unix_secs()),
        Duration::from_millis(500),
    ) {
        on_cleanup(move || handle.clear());
    }
    let id = membership.id.clone();
    let code = Memo::new(move |_| totp.code_for_step(now.get() / period));
    let payload = Signal::derive(move || MemberCode::new(id.clone(), code.get()).encode());
    let seconds_left = Signal::derive(move || period - now.get() % period);
    // This card replaces the counter's (counter/), which showed the same code, bar and words.
    let awake = wake_lock::keep_screen_awake(counter::hand_over());
    // The card is on screen at the counter, exactly when a purchase adds stamps or points: look
    // for news now and every 15 s while it is shown, so they appear without a reload.
    // Only this card's issuer: another that is failing keeps its backoff.
    let engine = expect_context::<SyncEngine>();
    let issuer = membership.issuer.clone();
    // The QR first: the rest of the card is built, and the issuer asked, once it is painted.
    let painted = RwSignal::new(false);
    {
        let issuer = issuer.clone();
        let id = membership.id.to_string();
        after_next_paint(move || {
            painted.try_set(true);
            // After the QR: most recently used first on the wallet page.
            home_layout::touch(&id);
            engine.request_issuer(issuer);
        });
    }
    if let Ok(handle) = set_interval_with_handle(
        move || engine.request_issuer(issuer.clone()),
        Duration::from_secs(15),
    ) {
        on_cleanup(move || handle.clear());
    }
    mark_qr_shown();

    let chinese = move || is_chinese(i18n.get_locale());
    let name = {
        let merchant = merchant.clone();
        move || merchant.name.get(chinese()).to_owned()
    };
    let style = format!(
        "--brand: {}; --on-brand: {}",
        merchant.brand_color,
        merchant.brand_color.readable_text()
    );
    let grouped_code = move || card_face::grouped_code(&code.get());

    view! {
        <div class="card-page" style=style>
            <PageHeader
                title=Signal::derive(name)
                back_href="/"
                back_label=Signal::derive(move || t_string!(i18n, back).to_owned())
                mark=merchant.mark.clone()
            />
            <main class="card-body">
                <section class="qr-panel">
                    <p class="qr-hint">{t!(i18n, qr_hint)}</p>
                    <MemberQr payload label=Signal::derive(move || t_string!(i18n, qr_label).to_owned()) />
                    <Countdown
                        seconds_left
                        period_secs=period
                        label=Signal::derive(move || t_string!(i18n, countdown, seconds = seconds_left.get()).to_string())
                    />
                </section>
                <dl class="typed-code">
                    <div>
                        <dt>{t!(i18n, member_number)}</dt>
                        <dd class="mono" data-testid="member-number">{membership.id.grouped()}</dd>
                    </div>
                    <div>
                        <dt>{t!(i18n, one_time_code)}</dt>
                        <dd class="mono" data-testid="one-time-code">{grouped_code}</dd>
                    </div>
                </dl>
                <p class="muted small">{t!(i18n, typed_hint)}</p>
                <Show when=move || awake.get()>
                    <p class="muted small awake">{t!(i18n, screen_awake)}</p>
                </Show>
                <Show when=move || painted.get()>
                    <a class="button secondary wide" href=format!("/m/{}/checkout", membership.id)
                        data-testid="checkout-open">{t!(i18n, checkout_open)}</a>
                    // A refused exchange is told next to the rewards, not at the foot of the page.
                    <RejectedNotice membership_id=membership.id.to_string() />
                    <LoyaltySections membership_id=membership.id.to_string() />
                    <MemberProfile membership_id=membership.id.to_string() />
                    <LeaveMembership membership=membership.clone() />
                </Show>
            </main>
        </div>
    }
    .into_any()
}

/// Runs `then` in a task of its own after the next frame is painted (a hidden tab paints no frame:
/// then when it is shown).
fn after_next_paint(then: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(then, Duration::ZERO));
}

/// A performance mark the bench reads: navigation start to a scannable QR.
fn mark_qr_shown() {
    if let Some(performance) = window().performance() {
        let _ = performance.mark("mw:qr-shown");
    }
}
