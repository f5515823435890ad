//! The connection pool and the schema. One code path for SQLite and PostgreSQL through sqlx's
//! `Any` driver: the URL's scheme picks the database.

use super::{entities, StoreError};
use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::{AnyConnection, AnyPool, Executor};
use std::fmt;
use std::time::Duration;

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

#[derive(Debug)]
pub enum DbError {
    Connect(sqlx::Error),
    Migrate(MigrateError),
    Prepare(StoreError),
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connect(e) => write!(f, "cannot open the database: {e}"),
            Self::Migrate(e) => write!(f, "cannot bring the database schema up to date: {e}"),
            Self::Prepare(e) => write!(f, "cannot prepare the sync change log: {e}"),
        }
    }
}

impl std::error::Error for DbError {}

/// Opens the pool, applies pending migrations and prepares the change log.
pub async fn connect(url: &str) -> Result<AnyPool, DbError> {
    install_default_drivers();
    let sqlite = url
        .split_once(':')
        .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("sqlite"));
    let pool = AnyPoolOptions::new()
        .max_connections(16)
        // A ping before each checkout finds a dropped network connection; a SQLite connection is
        // a file in this process and cannot be dropped, and each ping is a round trip to its
        // thread (a purchase checks out two).
        .test_before_acquire(!sqlite)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|conn, _meta| Box::pin(async move { prepare_connection(conn).await }))
        .connect(url)
        .await
        .map_err(DbError::Connect)?;
    MIGRATOR.run(&pool).await.map_err(DbError::Migrate)?;
    entities::prepare(&pool).await.map_err(DbError::Prepare)?;
    Ok(pool)
}

/// Settings of every connection: the pool's, and the SQLite writer's (`write_gate`).
pub async fn prepare_connection(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    if conn.backend_name().eq_ignore_ascii_case("sqlite") {
        // WAL lets readers go on while one connection writes; busy_timeout makes a writer of
        // another process wait for the lock instead of failing at once with "database is locked".
        conn.execute("PRAGMA journal_mode = WAL").await?;
        conn.execute("PRAGMA busy_timeout = 5000").await?;
        // In WAL mode NORMAL syncs the log at checkpoints instead of at every commit: a commit
        // survives a crash of the server and the database is never corrupted, but a power cut or
        // an OS crash may lose the last commits. FULL (an fsync per commit, 2-4 ms on this kind of
        // machine) caps a till's purchases at a few hundred a second.
        // WALLET_SQLITE_SYNCHRONOUS=full brings it back (docs/architecture.md).
        conn.execute(sqlite_synchronous_pragma()).await?;
        conn.execute("PRAGMA foreign_keys = ON").await?;
        // Pages read through a memory map instead of a read() into the connection's own cache:
        // a reader's cache is dropped whenever the writer commits, so under a till's queue most
        // of its page reads were copies from the OS (a profile of the purchase bench: a fifth of
        // the readers' time). The map is address space, not memory; the log is still read.
        conn.execute("PRAGMA mmap_size = 268435456").await?;
    }
    Ok(())
}

/// `PRAGMA synchronous = NORMAL`, or `FULL` when `WALLET_SQLITE_SYNCHRONOUS=full`.
fn sqlite_synchronous_pragma() -> &'static str {
    if sqlite_syncs_every_commit() {
        "PRAGMA synchronous = FULL"
    } else {
        "PRAGMA synchronous = NORMAL"
    }
}

/// Whether SQLite syncs every commit to disk (`WALLET_SQLITE_SYNCHRONOUS=full`): then a crash
/// loses no commit.
pub fn sqlite_syncs_every_commit() -> bool {
    std::env::var("WALLET_SQLITE_SYNCHRONOUS").is_ok_and(|value| value.eq_ignore_ascii_case("full"))
}
