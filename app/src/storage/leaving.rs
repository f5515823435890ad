//! Leaving a membership on this device: it is marked `leaving` when the customer confirms (hidden
//! from every list at once, its `membership.leave` waiting in the outbox), and forgotten (every
//! record of it deleted, in one transaction) once the issuer has it.

use super::memberships::update_membership;
use super::raw::{self, strict_transaction};
use super::schema::{self, ENTITIES, MEMBERSHIPS, OUTBOX, REJECTED, SYNC_STATE};
use super::{membership_range, StorageError};
use wasm_bindgen::JsValue;

/// Hides the membership from the wallet's lists until the issuer has its leave (`leaving`
/// `false`: shown again, when the leave could not be queued).
pub async fn set_leaving(membership_id: &str, leaving: bool) -> Result<(), StorageError> {
    let db = schema::database().await?;
    update_membership(&db, membership_id, |m| m.leaving = leaving).await?;
    Ok(())
}

/// Deletes the membership and everything the wallet holds of it: its entities, its outbox, its
/// sync state and its refusals. All or nothing.
pub async fn forget(membership_id: &str) -> Result<(), StorageError> {
    let js = |e: JsValue| StorageError::from_js("leaving", &e);
    let db = raw::connection().await?;
    let stores = [MEMBERSHIPS, ENTITIES, OUTBOX, SYNC_STATE, REJECTED];
    let transaction = strict_transaction(&db, &stores)?;
    let key = JsValue::from_str(membership_id);
    let range = membership_range(membership_id)?;
    for (store, by) in [
        (MEMBERSHIPS, &key),
        (SYNC_STATE, &key),
        (ENTITIES, &range),
        (OUTBOX, &range),
        (REJECTED, &range),
    ] {
        transaction
            .object_store(store)
            .map_err(js)?
            .delete(by)
            .map_err(js)?;
    }
    raw::transaction_done(&transaction).await
}
