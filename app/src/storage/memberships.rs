//! The `memberships` store.

use super::schema::MEMBERSHIPS;
use super::StorageError;
use crate::membership::StoredMembership;
use rexie::{Rexie, TransactionMode};

pub async fn put_membership(db: &Rexie, membership: &StoredMembership) -> Result<(), StorageError> {
    let value = serde_wasm_bindgen::to_value(membership)
        .map_err(|e| StorageError::failed(e.to_string()))?;
    let transaction = db.transaction(&[MEMBERSHIPS], TransactionMode::ReadWrite)?;
    transaction.store(MEMBERSHIPS)?.put(&value, None).await?;
    transaction.done().await?;
    Ok(())
}

/// Every membership, newest first. A record that no longer parses (a tampered or half-written
/// store) is skipped and reported on the console rather than hiding every other card.
pub async fn list_memberships(db: &Rexie) -> Result<Vec<StoredMembership>, StorageError> {
    let transaction = db.transaction(&[MEMBERSHIPS], TransactionMode::ReadOnly)?;
    let values = transaction.store(MEMBERSHIPS)?.get_all(None, None).await?;
    let mut memberships: Vec<StoredMembership> = values
        .into_iter()
        .filter_map(|value| match serde_wasm_bindgen::from_value(value) {
            Ok(membership) => Some(membership),
            Err(error) => {
                web_sys::console::warn_1(
                    &format!("skipped an unreadable membership: {error}").into(),
                );
                None
            }
        })
        .collect();
    memberships.sort_by(|a, b| b.joined_at.total_cmp(&a.joined_at));
    Ok(memberships)
}
