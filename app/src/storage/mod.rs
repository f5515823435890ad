//! IndexedDB, through rexie: the wallet's only source of truth on the device. The UI reads from
//! here, never from the network, so it works offline and survives reloads.

mod memberships;
mod schema;

pub use memberships::{list_memberships, put_membership};
pub use schema::database;
pub use schema::{DATABASE_NAME, MEMBERSHIPS};

use std::fmt;

/// A storage failure, kept as text: the customer sees a translated sentence, the console the cause.
#[derive(Clone, Debug, PartialEq)]
pub struct StorageError(pub String);

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage: {}", self.0)
    }
}

impl From<rexie::Error> for StorageError {
    fn from(error: rexie::Error) -> Self {
        Self(error.to_string())
    }
}
