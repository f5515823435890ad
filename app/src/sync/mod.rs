//! The sync engine: sends each membership's outbox to its issuer and takes in what changed, in one
//! round trip per membership, driven by the page (start, `online`, the page becoming visible, a
//! queued action, and a timer that backs off on failure). Each issuer syncs in a lane of its own;
//! one tab syncs an issuer at a time (Web Locks); the others re-read when told (BroadcastChannel).

mod broadcast;
mod client_seed;
mod engine;
mod lock;
mod pass;
mod status;

pub use engine::SyncEngine;
pub use status::SyncStatus;
