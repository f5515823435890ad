//! The binary's commands besides serving: `backup`, `new-epoch` and `cashier-key` (README,
//! "Backup and restore" and "Cashier keys"). Each prints what it did on stdout and fails with an
//! error in words for the operator.

use crate::store::connection::{self, DbError};
use crate::store::continuity::{self, BackupError};
use crate::store::{merchants, StoreError};
use std::fmt;
use std::path::Path;

#[derive(Debug)]
pub enum CommandError {
    Open(DbError),
    Store(StoreError),
    Backup(BackupError),
    NoSuchMerchant(String),
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Open(e) => e.fmt(f),
            Self::Store(e) => e.fmt(f),
            Self::Backup(e) => e.fmt(f),
            Self::NoSuchMerchant(id) => write!(f, "there is no merchant with the id {id:?}"),
        }
    }
}

impl std::error::Error for CommandError {}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

async fn open(database_url: &str) -> Result<sqlx::AnyPool, CommandError> {
    connection::connect(database_url)
        .await
        .map_err(CommandError::Open)
}

/// `wallet-server backup FILE`: a consistent copy of the live SQLite database, with a new epoch.
pub async fn backup(database_url: &str, to: &Path) -> Result<(), CommandError> {
    let db = open(database_url).await?;
    let done = continuity::backup(&db, to).await;
    db.close().await;
    done.map_err(CommandError::Backup)?;
    println!(
        "Backed up to {} (a new sync epoch: a server started from it gives every wallet a full sync)",
        to.display()
    );
    Ok(())
}

/// `wallet-server new-epoch`: after a restore by other means (pg_dump, a disk snapshot).
pub async fn new_epoch(database_url: &str) -> Result<(), CommandError> {
    let db = open(database_url).await?;
    let done = continuity::new_epoch(&db).await;
    db.close().await;
    done?;
    println!("The database has a new sync epoch: every wallet's next sync is a full snapshot");
    Ok(())
}

/// `wallet-server cashier-key create MERCHANT_ID`: prints the new key, once.
pub async fn new_cashier_key(database_url: &str, merchant_id: &str) -> Result<(), CommandError> {
    let db = open(database_url).await?;
    let key = merchants::new_cashier_key(&db, merchant_id).await;
    db.close().await;
    let key = key?.ok_or_else(|| CommandError::NoSuchMerchant(merchant_id.to_owned()))?;
    println!("{key}");
    eprintln!(
        "The new cashier key of {merchant_id} (shown this once; only its hash is kept). \
         The old key stops working at once."
    );
    Ok(())
}

/// `wallet-server cashier-key revoke MERCHANT_ID`.
pub async fn revoke_cashier_key(database_url: &str, merchant_id: &str) -> Result<(), CommandError> {
    let db = open(database_url).await?;
    let revoked = merchants::revoke_cashier_key(&db, merchant_id).await;
    db.close().await;
    if !revoked? {
        return Err(CommandError::NoSuchMerchant(merchant_id.to_owned()));
    }
    println!(
        "The cashier key of {merchant_id} is revoked: a running server refuses it from its next request"
    );
    Ok(())
}
