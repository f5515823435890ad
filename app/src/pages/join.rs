//! `/join`: join a merchant from a deep link (`?issuer=...&code=...`, with a friend's `ref=`) or a
//! pasted code or link. A claim link (`/claim?issuer=...&code=...&claim=...`, a code a shop
//! printed) opens here too, as `/join?...&claim=...` (one route, not two: each route is code on
//! the first screen): it joins the same way when the card is not in the wallet yet, then queues
//! `claim.redeem` and opens the card; what the code gave (or why not) arrives with the next sync.

use crate::i18n::{t, t_string, use_i18n};
use crate::joining::{self, JoinExtras, JoinFailure};
use crate::state::{LoadStatus, WalletState};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use wallet_components::PageHeader;
use wallet_core::claim::ClaimCode;
use wallet_core::referral::ReferralCode;
use wallet_core::wallet::is_new_issuer;
use wallet_core::{Intent, IssuerUrlError, JoinLinkError, JoinRequest};
use wasm_bindgen::JsValue;

#[derive(Clone, Debug, PartialEq)]
enum JoinStatus {
    Idle,
    /// A link to an issuer never joined: nothing was sent; the link waits in the form for a tap
    /// on Join (or Back).
    Confirm {
        host: String,
    },
    Joining {
        host: String,
    },
    Failed(JoinFailure),
}

/// What the link that opened the page carries besides the join: kept while the page asks the
/// customer to confirm, so a tap on Join still sends the friend's code and claims the shop's code.
#[derive(Clone, Debug, Default)]
struct LinkExtras {
    /// The link, as put in the form to confirm.
    href: String,
    join: JoinExtras,
    claim: Option<ClaimCode>,
}

#[component]
pub fn JoinPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<WalletState>();
    let engine = expect_context::<crate::sync::SyncEngine>();
    let navigate = use_navigate();
    let status = RwSignal::new(JoinStatus::Idle);
    let own_origin = window().location().origin().unwrap_or_default();

    let input = RwSignal::new(String::new());
    let from_link = StoredValue::new(LinkExtras::default());
    // `asked`: the customer acted on this page (typed, pasted, or tapped Join on a link that
    // was waiting); otherwise it came in a link, and a link to an issuer never joined asks first.
    let start =
        move |parsed: Result<JoinRequest, JoinLinkError>, mut extras: LinkExtras, asked: bool| {
            let request = match parsed {
                Ok(request) => request,
                Err(error) => return status.set(JoinStatus::Failed(JoinFailure::Link(error))),
            };
            let host = request.issuer.host().to_owned();
            status.set(JoinStatus::Joining { host: host.clone() });
            let navigate = navigate.clone();
            let own_origin = window().location().origin().unwrap_or_default();
            leptos::task::spawn_local(async move {
                if !asked && is_new(state, &request, &own_origin).await {
                    input.try_set(window().location().href().unwrap_or_default());
                    status.try_set(JoinStatus::Confirm { host });
                    return;
                }
                // Inside LINE: the ID token, so the shop can link the LINE user (it verifies the
                // token with LINE; the profile shown here is never sent).
                if extras.join.line_id_token.is_none() {
                    extras.join.line_id_token = crate::platform::liff::id_token().await;
                }
                match joining::join(state, request, extras.join).await {
                    Ok(id) => {
                        if let Some(code) = extras.claim {
                            // Queued, the claim survives going offline or closing the tab.
                            if let Err(error) = engine
                                .queue(id.as_str(), Intent::RedeemClaim { code })
                                .await
                            {
                                web_sys::console::error_1(&error.to_string().into());
                                status.try_set(JoinStatus::Failed(JoinFailure::Storage));
                                return;
                            }
                        }
                        // The first pull brings what the issuer knows of the new membership.
                        engine.request();
                        // A customer who tapped back while joining stays where they went: the
                        // new card is in the wallet anyway.
                        if !still_on_join_page() {
                            return;
                        }
                        navigate(
                            &format!("/m/{id}"),
                            NavigateOptions {
                                replace: true,
                                ..Default::default()
                            },
                        )
                    }
                    // try_set: the page (and its signals) may be gone by now.
                    Err(failure) => {
                        // A link that failed for a passing reason is kept in the form (it holds
                        // the issuer too), so one tap on Join tries again.
                        if failure.is_worth_retrying() && input.get_untracked().is_empty() {
                            input.try_set(window().location().href().unwrap_or_default());
                        }
                        status.try_set(JoinStatus::Failed(failure));
                    }
                }
            });
        };

    // A deep link joins at once (the customer scanned the shop's QR to do exactly that), but
    // for an issuer never joined: then it asks first.
    let query = use_query_map().get_untracked();
    if query.get("code").is_some() || query.get("issuer").is_some() {
        let parsed = JoinRequest::from_params(
            query.get("issuer").as_deref(),
            query.get("code").as_deref(),
            &own_origin,
        );
        let referral = query.get("ref");
        let claim_param = query.get("claim");
        let claiming = claim_param.is_some();
        let claim = claim_param.as_deref().and_then(ClaimCode::parse);
        match referral.as_deref().map(ReferralCode::parse) {
            Some(None) => status.set(JoinStatus::Failed(JoinFailure::BadReferral)),
            _ if claiming && claim.is_none() => {
                status.set(JoinStatus::Failed(JoinFailure::BadClaim))
            }
            referral => {
                let extras = LinkExtras {
                    href: window().location().href().unwrap_or_default(),
                    join: JoinExtras {
                        referral: referral.flatten(),
                        ..JoinExtras::default()
                    },
                    claim,
                };
                from_link.set_value(extras.clone());
                start(parsed, extras, false)
            }
        }
    }

    let submit = {
        let start = start.clone();
        let own_origin = own_origin.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let typed = input.get_untracked();
            // The link that opened the page, confirmed: with what else it carries.
            let extras = if from_link.with_value(|link| link.href == typed) {
                from_link.get_value()
            } else {
                LinkExtras::default()
            };
            start(JoinRequest::from_pasted(&typed, &own_origin), extras, true);
        }
    };
    let joining = move || matches!(status.get(), JoinStatus::Joining { .. });

    view! {
        <PageHeader
            title=Signal::derive(move || t_string!(i18n, join_title).to_owned())
            back_href="/"
            back_label=Signal::derive(move || t_string!(i18n, back).to_owned())
        />
        <main class="page join">
            {move || match status.get() {
                JoinStatus::Idle => ().into_any(),
                JoinStatus::Confirm { host } => view! {
                    <p class="notice confirm" role="status" data-testid="join-confirm">
                        {t_string!(i18n, join_confirm_body, host = host).to_string()}
                    </p>
                }
                .into_any(),
                JoinStatus::Joining { host } => view! {
                    <p class="notice" role="status" data-testid="join-status">
                        {t!(i18n, joining, host)}
                    </p>
                }
                .into_any(),
                JoinStatus::Failed(failure) => view! {
                    <div class="notice error" role="alert" data-testid="join-error">
                        <strong>{t!(i18n, join_error_title)}</strong>
                        <p>{failure_text(i18n, failure)}</p>
                    </div>
                }
                .into_any(),
            }}
            <LineIdentity joining=true />
            <form class="join-form" on:submit=submit>
                <p>{t!(i18n, join_intro)}</p>
                <label for="join-code">{t!(i18n, join_code_label)}</label>
                <input
                    id="join-code"
                    name="code"
                    type="text"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    placeholder=move || t_string!(i18n, join_code_placeholder)
                    bind:value=input
                />
                <button class="button primary wide" type="submit" disabled=joining>
                    {t!(i18n, join_submit)}
                </button>
            </form>
            <a class="button secondary wide" href="/scan" data-testid="join-scan">{t!(i18n, scan_cta)}</a>
        </main>
    }
}

/// Inside LINE: "Joining as <LINE name>" (`joining`) or "Your LINE: <name>", with the LINE
/// picture; nothing elsewhere.
#[component]
pub fn LineIdentity(#[prop(optional)] joining: bool) -> impl IntoView {
    let i18n = use_i18n();
    let liff = use_context::<crate::platform::liff::Liff>();
    move || {
        let profile = liff.and_then(|l| l.profile.get())?;
        Some(view! {
            <p class="line-identity" data-testid="line-identity">
                {profile.picture.map(|src| view! {
                    <img class="line-picture" src=src alt="" width="32" height="32" referrerpolicy="no-referrer" />
                })}
                <span>{if joining {
                    t_string!(i18n, line_joining_as, name = profile.name).to_string()
                } else {
                    t_string!(i18n, line_signed_in_as, name = profile.name).to_string()
                }}</span>
            </p>
        })
    }
}

/// Whether the link's issuer is one the customer never joined. The wallet as read at start when
/// it has been read; otherwise (a link opens the app, which is still reading) IndexedDB once. A
/// wallet that cannot be read asks.
async fn is_new(state: WalletState, request: &JoinRequest, own_origin: &str) -> bool {
    let issuer = &request.issuer;
    if state.status.get_untracked() == LoadStatus::Ready {
        return state.memberships.with_untracked(|memberships| {
            is_new_issuer(issuer, own_origin, memberships.iter().map(|m| &m.issuer))
        });
    }
    let stored = match crate::storage::database().await {
        Ok(db) => crate::storage::list_memberships(&db)
            .await
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    is_new_issuer(issuer, own_origin, stored.iter().map(|m| &m.issuer))
}

fn still_on_join_page() -> bool {
    window()
        .location()
        .pathname()
        .is_ok_and(|path| path == "/join")
}

fn failure_text(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    failure: JoinFailure,
) -> String {
    match failure {
        JoinFailure::Link(JoinLinkError::MissingCode) => t_string!(i18n, join_error_missing).into(),
        JoinFailure::Link(JoinLinkError::BadCode) => t_string!(i18n, join_error_bad_code).into(),
        JoinFailure::Link(JoinLinkError::Issuer(IssuerUrlError::NotWebAddress)) => {
            t_string!(i18n, join_error_not_web).into()
        }
        JoinFailure::Link(JoinLinkError::Issuer(IssuerUrlError::Insecure)) => {
            t_string!(i18n, join_error_insecure).into()
        }
        JoinFailure::Link(JoinLinkError::Issuer(_)) => t_string!(i18n, join_error_bad_link).into(),
        JoinFailure::UnknownCode => t_string!(i18n, join_error_unknown_code).into(),
        JoinFailure::Garbage => t_string!(i18n, join_error_garbage).into(),
        JoinFailure::Offline => t_string!(i18n, join_error_offline).into(),
        JoinFailure::Unreachable { host } => {
            t_string!(i18n, join_error_unreachable, host = host).to_string()
        }
        JoinFailure::Server => t_string!(i18n, join_error_server).into(),
        JoinFailure::TooMany => t_string!(i18n, join_error_too_many).into(),
        JoinFailure::Storage => t_string!(i18n, join_error_storage).into(),
        JoinFailure::Conflict => t_string!(i18n, join_error_conflict).into(),
        JoinFailure::BadReferral => t_string!(i18n, join_error_bad_referral).into(),
        JoinFailure::BadClaim => t_string!(i18n, join_error_bad_claim).into(),
        JoinFailure::ReferralUnknown => t_string!(i18n, join_error_referral_unknown).into(),
        JoinFailure::ReferralSelf => t_string!(i18n, join_error_referral_self).into(),
        JoinFailure::ReferralAlreadyMember => t_string!(i18n, join_error_referral_member).into(),
        JoinFailure::LineSignIn => t_string!(i18n, join_error_line_sign_in).into(),
    }
}

/// The page that opens `path`: a claim link (`/claim?…`, docs/protocol.md §4.1.1) opens on the
/// join page as `/join?…` (its query holds the `claim`); any other path is itself.
pub fn page_of(path: &str) -> String {
    match path.strip_prefix("/claim") {
        Some(query) if query.is_empty() || query.starts_with('?') => format!("/join{query}"),
        _ => path.to_owned(),
    }
}

/// A claim link that opened the app becomes `/join?…`, replacing the address before the router
/// reads it.
pub fn claim_link_to_join_page() {
    let location = window().location();
    if location.pathname().is_ok_and(|path| path == "/claim") {
        let search = location.search().unwrap_or_default();
        let page = page_of(&format!("/claim{search}"));
        let _ = window()
            .history()
            .and_then(|history| history.replace_state_with_url(&JsValue::NULL, "", Some(&page)));
    }
}

#[cfg(test)]
mod tests {
    use super::page_of;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn a_claim_link_opens_the_join_page_with_its_query() {
        assert_eq!(
            page_of("/claim?issuer=https%3A%2F%2Fshop.example&code=CAFE&claim=K7Q2M4PA9X3D"),
            "/join?issuer=https%3A%2F%2Fshop.example&code=CAFE&claim=K7Q2M4PA9X3D"
        );
        assert_eq!(page_of("/claim"), "/join");
        for other in ["/join?code=CAFE", "/claims?x=1", "/m/ABC/claim", "/"] {
            assert_eq!(page_of(other), other);
        }
    }
}
