//! The sync engine: sends each membership's outbox to its issuer and takes in what changed, in one
//! round trip per membership, driven by the page (start, `online`, the page becoming visible, a
//! queued action, and a timer that backs off on failure). One tab syncs at a time (Web Locks);
//! the others re-read when told (BroadcastChannel).

mod broadcast;
mod engine;
mod lock;
mod status;

pub use engine::SyncEngine;
pub use status::SyncStatus;
