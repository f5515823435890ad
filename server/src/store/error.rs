//! What can go wrong below the protocol face: the database, a stored row that cannot be what it
//! should be, the random source. `http` turns each into a 500 whose cause goes to the log only;
//! refusals a customer or a till can act on are not errors here but typed answers of `loyalty`.

use std::fmt;

#[derive(Debug)]
pub enum StoreError {
    /// The database failed or refused a statement (connection, SQL, constraint).
    Database(sqlx::Error),
    /// A stored row or entity that is not what it must be: the operator's data, or a bug.
    Corrupt(String),
    /// The operating system's random source failed.
    Randomness(String),
    /// The SQLite transaction a request's changes were kept in, with those of the requests
    /// around it, did not commit (`write_gate`): none of them is applied.
    GroupCommit(std::sync::Arc<str>),
}

impl StoreError {
    pub fn corrupt(message: impl Into<String>) -> Self {
        Self::Corrupt(message.into())
    }

    /// Whether the database refused a row because its key is taken (a unique index).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            Self::Database(e) => e
                .as_database_error()
                .is_some_and(|e| e.is_unique_violation()),
            _ => false,
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Database(e) => write!(f, "database: {e}"),
            Self::Corrupt(what) => write!(f, "stored data is not valid: {what}"),
            Self::Randomness(e) => write!(f, "the OS random source failed: {e}"),
            Self::GroupCommit(e) => write!(f, "database: the transaction did not commit: {e}"),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Database(e) => Some(e),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        Self::Corrupt(format!("JSON: {error}"))
    }
}
