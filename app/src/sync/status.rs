//! What the customer is told about syncing.

#[derive(Clone, Debug, PartialEq)]
pub enum SyncStatus {
    /// Nothing has been tried yet in this page.
    Idle,
    Syncing,
    /// Milliseconds since the epoch of the last complete sync.
    Synced {
        at_millis: f64,
    },
    Offline,
    /// The last attempt failed; the next one is at this time.
    Failing {
        retry_at_millis: f64,
    },
}
