//! The app shell of index.html: painted before the wasm arrives, it covers the app until the
//! wallet has been read and rendered, then goes. It guesses the wallet home from the number of
//! cards the app last had, which the app keeps in localStorage for it.

use crate::state::{LoadStatus, WalletState};
use leptos::prelude::*;

/// The key index.html reads (keep the two in step).
// By hand: leptos-use-storage 0.20 adds 5.7 KB brotli to the first screen.
const CARD_COUNT_KEY: &str = "mw.cards";

/// Removes the shell once the wallet is read (the page rendered from it is then in the document:
/// effects run after rendering), and keeps the card count for the next start's shell.
pub fn dismiss_when_ready(state: WalletState) {
    Effect::new(move |_| {
        if state.status.get() == LoadStatus::Loading {
            return;
        }
        // The tiles the wallet page shows: memberships and plain cards, archived ones not.
        let archived = super::home_layout::load().archived;
        let cards = state.memberships.with(|all| {
            all.iter()
                .filter(|m| !archived.iter().any(|a| a == m.id.as_str()))
                .count()
        }) + state
            .plain_cards
            .with(|all| all.iter().filter(|c| !archived.contains(&c.id)).count());
        if let Some(storage) = window().local_storage().ok().flatten() {
            // Only a hint for the next start's placeholders: not worth an error.
            let _ = storage.set_item(CARD_COUNT_KEY, &cards.to_string());
        }
        if let Some(shell) = document().get_element_by_id("shell") {
            shell.remove();
        }
        // The card page takes the counter's layer over itself; any other outcome (a card this
        // app cannot read) must not stay covered by it.
        super::counter::remove_layer();
    });
}
