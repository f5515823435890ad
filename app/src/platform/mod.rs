//! Glue to the browser's platform APIs.

pub mod clock;
pub mod wake_lock;
