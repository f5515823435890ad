//! The change log's continuity. A wallet's cursor names an epoch and a version; it is only
//! meaningful while the issuer's versions only grow. When the server cannot prove that (after a
//! crash on SQLite with `synchronous = NORMAL`, which may lose the last commits, or after a
//! backup is restored, which takes the versions back), the epoch changes: every cursor of the old
//! epoch is then unknown, and each wallet's next sync is a full snapshot (`reset: true`) instead of
//! silently missing the changes that reuse the lost version numbers.

use super::connection;
use super::secrets::random_hex;
use super::StoreError;
use sqlx::AnyPool;
use std::path::Path;

/// Marks the database as in use by a running server; gives it a new epoch if the last server on
/// it did not stop cleanly and commits may have been lost (SQLite without `synchronous = FULL`).
/// `true` when the epoch changed.
pub async fn mark_started(db: &AnyPool) -> Result<bool, StoreError> {
    let clean: i64 = sqlx::query_scalar("SELECT clean_stop FROM sync_state WHERE id = 1")
        .fetch_one(db)
        .await?;
    sqlx::query("UPDATE sync_state SET clean_stop = 0 WHERE id = 1")
        .execute(db)
        .await?;
    let may_have_lost_commits = is_sqlite(db) && !connection::sqlite_syncs_every_commit();
    if clean == 0 && may_have_lost_commits {
        new_epoch(db).await?;
        return Ok(true);
    }
    Ok(false)
}

/// Marks a clean stop: the next start keeps the epoch.
pub async fn mark_stopped(db: &AnyPool) -> Result<(), StoreError> {
    sqlx::query("UPDATE sync_state SET clean_stop = 1 WHERE id = 1")
        .execute(db)
        .await?;
    Ok(())
}

/// A new random epoch: every cursor given out before is unknown from now on.
pub async fn new_epoch(db: &AnyPool) -> Result<(), StoreError> {
    sqlx::query("UPDATE sync_state SET epoch = $1 WHERE id = 1")
        .bind(random_hex::<8>()?)
        .execute(db)
        .await?;
    Ok(())
}

/// Why a backup could not be made.
#[derive(Debug)]
pub enum BackupError {
    /// PostgreSQL is backed up with its own tools (`pg_dump`).
    NotSqlite,
    /// The target exists already: a backup never overwrites a file.
    Exists,
    Store(StoreError),
}

impl std::fmt::Display for BackupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotSqlite => f.write_str(
                "this database is PostgreSQL: back it up with pg_dump, and after restoring it \
                 run `wallet-server new-epoch`",
            ),
            Self::Exists => f.write_str("the backup file exists already; choose a new name"),
            Self::Store(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for BackupError {}

impl From<StoreError> for BackupError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

/// A consistent copy of a live SQLite database (`VACUUM INTO`: one read transaction, while the
/// server goes on writing; a plain copy of a WAL database can be torn). The copy gets a new
/// epoch at once, so a server started from it after a restore gives every wallet a full
/// snapshot: versions after the backup would otherwise be given out a second time.
pub async fn backup(db: &AnyPool, to: &Path) -> Result<(), BackupError> {
    if !is_sqlite(db) {
        return Err(BackupError::NotSqlite);
    }
    if to.exists() {
        return Err(BackupError::Exists);
    }
    let target = to.to_string_lossy().into_owned();
    sqlx::query("VACUUM INTO $1")
        .bind(&target)
        .execute(db)
        .await
        .map_err(StoreError::from)?;
    let copy = connection::connect(&format!("sqlite://{target}"))
        .await
        .map_err(|e| {
            StoreError::corrupt(format!("the backup was written but cannot be opened: {e}"))
        })?;
    new_epoch(&copy).await?;
    mark_stopped(&copy).await?;
    copy.close().await;
    Ok(())
}

fn is_sqlite(db: &AnyPool) -> bool {
    db.connect_options()
        .database_url
        .scheme()
        .eq_ignore_ascii_case("sqlite")
}
