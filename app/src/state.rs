//! The wallet's state on screen: the memberships read from IndexedDB, shared through context.

use crate::membership::StoredMembership;
use crate::storage::{self, StorageError};
use leptos::prelude::*;
use wallet_core::MembershipId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadStatus {
    Loading,
    Ready,
    Failed,
}

#[derive(Clone, Copy)]
pub struct WalletState {
    pub memberships: RwSignal<Vec<StoredMembership>>,
    pub status: RwSignal<LoadStatus>,
}

impl WalletState {
    /// Creates the state, starts reading the wallet from IndexedDB and provides it as context.
    pub fn provide() -> Self {
        let state = Self {
            memberships: RwSignal::new(Vec::new()),
            status: RwSignal::new(LoadStatus::Loading),
        };
        provide_context(state);
        leptos::task::spawn_local(async move {
            match state.reload().await {
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
        let memberships = storage::list_memberships(&db).await?;
        // Unchanged (the usual case after a sync): the wallet list is not rebuilt.
        if self
            .memberships
            .with_untracked(|shown| *shown != memberships)
        {
            self.memberships.set(memberships);
        }
        Ok(())
    }

    /// The memberships as the start read them, or read now when the start's read is not done
    /// (a link opened the app on this page) or failed; no second read otherwise.
    pub async fn ensure_read(&self) {
        if self.status.get_untracked() != LoadStatus::Ready {
            let _ = self.reload().await;
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

    pub fn find(&self, id: &str) -> Option<StoredMembership> {
        self.memberships
            .with(|all| all.iter().find(|m| m.id.as_str() == id).cloned())
    }

    pub fn contains(&self, id: &MembershipId) -> bool {
        self.memberships.with(|all| all.iter().any(|m| &m.id == id))
    }
}
