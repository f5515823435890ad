//! The binary's commands besides serving: `backup`, `new-epoch` and `cashier-key` (README,
//! "Backup and restore" and "Cashier keys"). Each prints what it did on stdout and returns an error in words for
//! the operator.

use crate::store::connection;
use crate::store::{continuity, merchants};
use std::path::Path;

/// `wallet-server backup FILE`: a consistent copy of the live SQLite database, with a new epoch.
pub async fn backup(database_url: &str, to: &Path) -> Result<(), String> {
    let db = connection::connect(database_url)
        .await
        .map_err(|e| e.to_string())?;
    continuity::backup(&db, to)
        .await
        .map_err(|e| e.to_string())?;
    db.close().await;
    println!(
        "Backed up to {} (a new sync epoch: a server started from it gives every wallet a full sync)",
        to.display()
    );
    Ok(())
}

/// `wallet-server new-epoch`: after a restore by other means (pg_dump, a disk snapshot).
pub async fn new_epoch(database_url: &str) -> Result<(), String> {
    let db = connection::connect(database_url)
        .await
        .map_err(|e| e.to_string())?;
    continuity::new_epoch(&db)
        .await
        .map_err(|e| e.to_string())?;
    db.close().await;
    println!("The database has a new sync epoch: every wallet's next sync is a full snapshot");
    Ok(())
}

/// `wallet-server cashier-key create MERCHANT_ID`: prints the new key, once.
pub async fn new_cashier_key(database_url: &str, merchant_id: &str) -> Result<(), String> {
    let db = connection::connect(database_url)
        .await
        .map_err(|e| e.to_string())?;
    let key = merchants::new_cashier_key(&db, merchant_id)
        .await
        .map_err(|e| e.to_string())?;
    db.close().await;
    let key = key.ok_or_else(|| format!("there is no merchant with the id {merchant_id:?}"))?;
    println!("{key}");
    eprintln!(
        "The new cashier key of {merchant_id} (shown this once; only its hash is kept). \
         The old key stops working within 10 seconds."
    );
    Ok(())
}

/// `wallet-server cashier-key revoke MERCHANT_ID`.
pub async fn revoke_cashier_key(database_url: &str, merchant_id: &str) -> Result<(), String> {
    let db = connection::connect(database_url)
        .await
        .map_err(|e| e.to_string())?;
    let revoked = merchants::revoke_cashier_key(&db, merchant_id)
        .await
        .map_err(|e| e.to_string())?;
    db.close().await;
    if !revoked {
        return Err(format!("there is no merchant with the id {merchant_id:?}"));
    }
    println!(
        "The cashier key of {merchant_id} is revoked; a running server refuses it within 10 seconds"
    );
    Ok(())
}
