//! The wallet's state on screen: the memberships read from IndexedDB, shared through context.

use crate::membership::StoredMembership;
use crate::storage::{self, StorageError};
use leptos::prelude::*;
use wallet_core::plain_card::PlainCard;
use wallet_core::{IssuerUrl, MembershipId};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadStatus {
    Loading,
    Ready,
    Failed,
}

#[derive(Clone, Copy)]
pub struct WalletState {
    /// The memberships the wallet shows (every one but those being left).
    pub memberships: RwSignal<Vec<StoredMembership>>,
    /// Memberships the customer left whose `membership.leave` the issuer does not have yet:
    /// shown nowhere, still synced.
    pub leaving: RwSignal<Vec<StoredMembership>>,
    /// Cards of shops without an issuer, kept on this phone only, newest first.
    pub plain_cards: RwSignal<Vec<PlainCard>>,
    pub status: RwSignal<LoadStatus>,
}

impl WalletState {
    /// Creates the state, starts reading the wallet from IndexedDB and provides it as context.
    pub fn provide() -> Self {
        let state = Self {
            memberships: RwSignal::new(Vec::new()),
            leaving: RwSignal::new(Vec::new()),
            plain_cards: RwSignal::new(Vec::new()),
            status: RwSignal::new(LoadStatus::Loading),
        };
        provide_context(state);
        leptos::task::spawn_local(async move {
            match state.read_all().await {
                Ok(()) => state.status.set(LoadStatus::Ready),
                Err(error) => {
                    web_sys::console::error_1(&error.to_string().into());
                    state.status.set(LoadStatus::Failed);
                }
            }
        });
        state
    }

    pub async fn reload(&self) -> Result<(), StorageError> {
        let db = storage::database().await?;
        let (leaving, memberships): (Vec<_>, Vec<_>) = storage::list_memberships(&db)
            .await?
            .into_iter()
            .partition(|m| m.leaving);
        if self.leaving.with_untracked(|known| *known != leaving) {
            self.leaving.set(leaving);
        }
        // Unchanged (the usual case after a sync): the wallet list is not rebuilt.
        if self
            .memberships
            .with_untracked(|shown| *shown != memberships)
        {
            self.memberships.set(memberships);
        }
        Ok(())
    }

    /// The plain cards as stored. Not part of `reload`: no sync changes them, so only the start,
    /// an import and their own page read them.
    pub async fn reload_plain_cards(&self) -> Result<(), StorageError> {
        let plain = storage::meta_values::plain_cards().await?;
        if self.plain_cards.with_untracked(|shown| *shown != plain) {
            self.plain_cards.set(plain);
        }
        Ok(())
    }

    async fn read_all(&self) -> Result<(), StorageError> {
        self.reload().await?;
        self.reload_plain_cards().await
    }

    /// Keeps `cards` that are not in the wallet yet (by id, up to
    /// `wallet_core::plain_card::MAX_PLAIN_CARDS` in all), then shows them. Returns how many were
    /// added.
    pub async fn add_plain_cards(&self, cards: Vec<PlainCard>) -> Result<usize, StorageError> {
        let (all, added) = storage::meta_values::add_plain_cards(cards).await?;
        self.plain_cards.set(all);
        Ok(added)
    }

    pub async fn remove_plain_card(&self, id: &str) -> Result<(), StorageError> {
        let all = storage::meta_values::remove_plain_card(id).await?;
        self.plain_cards.set(all);
        Ok(())
    }

    /// The memberships as the start read them, or read now when the start's read is not done
    /// (a link opened the app on this page) or failed; no second read otherwise.
    pub async fn ensure_read(&self) {
        if self.status.get_untracked() != LoadStatus::Ready {
            let _ = self.read_all().await;
        }
    }

    /// Writes the membership, then shows it: the screen never shows what is not stored.
    pub async fn add(&self, membership: StoredMembership) -> Result<(), StorageError> {
        let db = storage::database().await?;
        storage::put_membership(&db, &membership).await?;
        self.reload().await?;
        self.status.set(LoadStatus::Ready);
        Ok(())
    }

    /// The issuer of a membership the sync engine syncs (shown or being left).
    pub fn issuer_of(&self, id: &str) -> Option<IssuerUrl> {
        let find = |all: &Vec<StoredMembership>| {
            all.iter()
                .find(|m| m.id.as_str() == id)
                .map(|m| m.issuer.clone())
        };
        self.memberships
            .with_untracked(find)
            .or_else(|| self.leaving.with_untracked(find))
    }

    /// Every membership the sync engine syncs: those shown and those being left.
    pub fn synced(&self) -> Vec<StoredMembership> {
        let mut all = self.memberships.get_untracked();
        all.extend(self.leaving.get_untracked());
        all
    }

    pub fn find(&self, id: &str) -> Option<StoredMembership> {
        self.memberships
            .with(|all| all.iter().find(|m| m.id.as_str() == id).cloned())
    }

    pub fn contains(&self, id: &MembershipId) -> bool {
        self.memberships.with(|all| all.iter().any(|m| &m.id == id))
    }
}
