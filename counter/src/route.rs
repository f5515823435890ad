//! Which card the address names: `/m/<membership id>`, or the home-screen shortcut "Show my code"
//! (`/m/last`), which the app resolves to the card opened last (app/src/pwa/last_card.rs, whose
//! localStorage key this reads). Any other route (a card's ledger, coupons) is not the counter's.

use wallet_core::MembershipId;

const LAST_CARD_KEY: &str = "mw.last-card";
const SHORTCUT: &str = "last";

/// The card of `path`; `last_card` answers for the shortcut.
pub fn card_in(path: &str, last_card: impl FnOnce() -> Option<String>) -> Option<MembershipId> {
    let id = path.strip_prefix("/m/")?.trim_end_matches('/');
    if id == SHORTCUT {
        return MembershipId::parse(&last_card()?);
    }
    MembershipId::parse(id)
}

/// The card this page's address names.
pub fn this_card() -> Option<MembershipId> {
    let window = web_sys::window()?;
    let path = window.location().pathname().ok()?;
    card_in(&path, || {
        window
            .local_storage()
            .ok()
            .flatten()?
            .get_item(LAST_CARD_KEY)
            .ok()
            .flatten()
    })
}
