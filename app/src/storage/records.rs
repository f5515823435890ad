//! The records of the sync stores, as they sit in IndexedDB (the types are `core`'s, shared with
//! the wallet's export file).

pub use wallet_core::wallet::records::{
    EntityRecord, OutboxRecord, RejectedRecord, SyncStateRecord,
};
