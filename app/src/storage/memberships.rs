//! The `memberships` store.

use super::schema::MEMBERSHIPS;
use super::StorageError;
use crate::membership::StoredMembership;
use rexie::{Rexie, TransactionMode};
use wallet_core::IssuerUrl;

pub async fn put_membership(db: &Rexie, membership: &StoredMembership) -> Result<(), StorageError> {
    let value = serde_wasm_bindgen::to_value(membership)
        .map_err(|e| StorageError::failed(e.to_string()))?;
    let transaction = db.transaction(&[MEMBERSHIPS], TransactionMode::ReadWrite)?;
    transaction.store(MEMBERSHIPS)?.put(&value, None).await?;
    transaction.done().await?;
    Ok(())
}

/// Changes the stored record of membership `id`, read and written in one transaction, so that a
/// change made meanwhile elsewhere (a leave, a group) is kept. `false`: it is no longer stored.
pub async fn update_membership(
    db: &Rexie,
    id: &str,
    change: impl FnOnce(&mut StoredMembership),
) -> Result<bool, StorageError> {
    let failed = |e: serde_wasm_bindgen::Error| StorageError::failed(e.to_string());
    let transaction = db.transaction(&[MEMBERSHIPS], TransactionMode::ReadWrite)?;
    let store = transaction.store(MEMBERSHIPS)?;
    let Some(value) = store.get(wasm_bindgen::JsValue::from_str(id)).await? else {
        transaction.done().await?;
        return Ok(false);
    };
    let mut membership: StoredMembership = serde_wasm_bindgen::from_value(value).map_err(failed)?;
    change(&mut membership);
    store
        .put(
            &serde_wasm_bindgen::to_value(&membership).map_err(failed)?,
            None,
        )
        .await?;
    transaction.done().await?;
    Ok(true)
}

/// Every membership, newest first. A record that no longer parses (a tampered or half-written
/// store) is skipped and reported on the console rather than hiding every other card; so is one
/// whose issuer this page would not have joined (plain http to a host that is neither loopback
/// nor this page's own origin: the stored address is checked again as the join checked it).
pub async fn list_memberships(db: &Rexie) -> Result<Vec<StoredMembership>, StorageError> {
    let transaction = db.transaction(&[MEMBERSHIPS], TransactionMode::ReadOnly)?;
    let values = transaction.store(MEMBERSHIPS)?.get_all(None, None).await?;
    let origin = web_sys::window().and_then(|w| w.location().origin().ok());
    let mut memberships: Vec<StoredMembership> = values
        .into_iter()
        .filter_map(|value| {
            let membership: StoredMembership = serde_wasm_bindgen::from_value(value)
                .map_err(|error| skipped(&error.to_string()))
                .ok()?;
            match IssuerUrl::parse(membership.issuer.as_str(), origin.as_deref()) {
                Ok(_) => Some(membership),
                Err(error) => {
                    skipped(&format!(
                        "its issuer {}: {error}",
                        membership.issuer.as_str()
                    ));
                    None
                }
            }
        })
        .collect();
    memberships.sort_by(|a, b| b.joined_at.total_cmp(&a.joined_at));
    Ok(memberships)
}

fn skipped(why: &str) {
    web_sys::console::warn_1(&format!("skipped an unreadable membership: {why}").into());
}
