//! The inbox's data: every message of the wallet's memberships (or of one), newest first, each
//! marked unread or not by `wallet_core::wallet::inbox` (the issuer's `read_at`, and the reads
//! queued on this phone). One IndexedDB read for all of them.

use crate::membership::StoredMembership;
use crate::storage::{sync_store, StorageError};
use wallet_core::message::MessageData;
use wallet_core::wallet::records::OutboxRecord;
use wallet_core::wallet::{inbox, PendingOverlay};
use wallet_core::MerchantDisplay;

#[derive(Clone, Debug, PartialEq)]
pub struct InboxItem {
    pub membership_id: String,
    pub merchant: MerchantDisplay,
    pub id: String,
    pub data: MessageData,
    pub unread: bool,
}

/// The messages of `memberships` (the shown ones, `WalletState::memberships`), newest first.
pub async fn read(memberships: &[StoredMembership]) -> Result<Vec<InboxItem>, StorageError> {
    let ids: Vec<&str> = memberships.iter().map(|m| m.id.as_str()).collect();
    let (records, outbox) = sync_store::messages_and_outbox(&ids).await?;
    let mut items = Vec::new();
    for membership in memberships {
        let id = membership.id.as_str();
        let queued = PendingOverlay::from_queue(
            outbox
                .iter()
                .filter(|m| m.membership_id == id)
                .map(OutboxRecord::action),
        );
        for record in records.iter().filter(|r| r.membership_id == id) {
            let Some(data) = record
                .data
                .clone()
                .and_then(|d| serde_json::from_value::<MessageData>(d).ok())
                .filter(MessageData::validate)
            else {
                continue;
            };
            items.push(InboxItem {
                membership_id: id.to_owned(),
                merchant: membership.merchant.clone(),
                unread: inbox::is_unread(&record.id, &data, &queued.read_messages),
                id: record.id.clone(),
                data,
            });
        }
    }
    // Messages sent in the same second (a welcome and a points notice on joining) keep one order
    // from read to read: by id, which the issuer never changes.
    items.sort_by(|a, b| {
        b.data
            .sent_at
            .cmp(&a.data.sent_at)
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(items)
}
