//! What the wallet shows, as rules a page applies: the pending overlay over the issuer's snapshot,
//! whether a reward can be exchanged, what counts as expiring soon, what a refusal means, and
//! whether a join link leads to an issuer never joined, and how much an issuer may store.
//! Pure functions of the data (no storage, no clock, no language), so they are tested natively;
//! the app reads IndexedDB, calls these, and puts the answer into words.

mod client_seed;
mod expiring;
#[cfg(feature = "export")]
pub mod export;
pub mod home_layout;
pub mod inbox;
pub mod list_window;
mod new_issuer;
mod pending;
pub mod records;
mod refusal;
mod rewards;
mod storage_cap;

pub use client_seed::seed_needing_client_seed;
pub use expiring::{expiring_soon, Expiring, ExpiringItem, EXPIRING_HORIZON_SECS};
pub use new_issuer::is_new_issuer;
pub use pending::{PendingOverlay, QueuedAction};
pub use refusal::{RefusalReason, RefusedAction};
pub use rewards::{is_affordable, RewardAvailability};
pub use storage_cap::{
    stored_bytes, CapReached, StoredUsage, MAX_BYTES, MAX_ENTITIES, MAX_UNKNOWN_KIND_ENTITIES,
};

#[cfg(test)]
pub(crate) mod fixtures;
