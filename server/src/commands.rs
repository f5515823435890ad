//! The binary's commands besides serving: `backup` and `new-epoch` (docs/architecture.md,
//! "Backup and restore"). Each prints what it did on stdout and returns an error in words for
//! the operator.

use crate::store::connection;
use crate::store::continuity;
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
