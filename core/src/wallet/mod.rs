//! What the wallet shows, as rules a page applies: the pending overlay over the issuer's snapshot,
//! whether a reward can be exchanged, what counts as expiring soon, and what a refusal means.
//! Pure functions of the data (no storage, no clock, no language), so they are tested natively;
//! the app reads IndexedDB, calls these, and puts the answer into words.

mod expiring;
mod pending;
mod refusal;
mod rewards;

pub use expiring::{expiring_soon, Expiring, ExpiringItem, EXPIRING_HORIZON_SECS};
pub use pending::{PendingOverlay, QueuedAction};
pub use refusal::{RefusalReason, RefusedAction};
pub use rewards::{is_affordable, RewardAvailability};

#[cfg(test)]
pub(crate) mod fixtures;
