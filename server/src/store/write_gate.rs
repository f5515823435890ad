//! Who writes, and when. On SQLite: one writer connection of its own, one transaction at a time,
//! queued in this process. On PostgreSQL: the request's own connection, no queue.
//!
//! SQLite lets one connection write at a time; the others wait in `busy_timeout`, which polls with
//! growing sleeps (1, 2, 5, 10... ms), so under a queue of cashiers a short transaction turned into
//! tens of milliseconds of sleeping. A fair async lock hands the write lock from one transaction to
//! the next without sleeping. And because every write of this process goes through the one writer
//! connection, its page cache stays valid between transactions (SQLite drops a connection's cache
//! whenever another connection has written), so a transaction re-reads few pages.
//!
//! The writer's commits do not checkpoint (copy the write-ahead log into the database file and
//! sync both: by default every thousand pages or so, milliseconds that every queued cashier would
//! wait for). A task of its own does it, at most every `CHECKPOINT_INTERVAL` while there are
//! writes: first on a pooled connection while the writer goes on writing, then, in a turn of the
//! writer's own, what was written meanwhile. That second, short part is what lets the next write
//! start the log from its beginning again: without it the log would grow for as long as the
//! writes go on (docs/architecture.md).
//!
//! PostgreSQL locks rows itself (writers take the version counter's lock first, see `write_tx`).
//! There the writer is the connection the request already holds: taking a second one could
//! deadlock the pool when every request holds one and waits for another.

use super::connection;
use super::StoreError;
use sqlx::any::AnyConnectOptions;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions, Executor};
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;
use tokio::sync::{mpsc, MappedMutexGuard, Mutex, MutexGuard};

/// The longest the write-ahead log goes without a checkpoint while the writer writes. Shorter
/// keeps the log small; longer copies a page written many times once.
pub const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(200);

#[derive(Debug)]
pub struct WriteGate(Option<Arc<SqliteWriter>>);

#[derive(Debug)]
struct SqliteWriter {
    options: Arc<AnyConnectOptions>,
    /// Opened at the first write, outside the pool (so it never waits for a pooled connection).
    connection: Mutex<Option<AnyConnection>>,
    /// The checkpointer's connections.
    pool: AnyPool,
    /// Wakes the checkpointer after a turn; set when the writer connection opens.
    checkpoints: OnceLock<mpsc::Sender<()>>,
}

impl WriteGate {
    /// A writer connection of its own for a SQLite pool; the request's connection otherwise.
    pub fn for_pool(pool: &AnyPool) -> Self {
        let options = pool.connect_options();
        let sqlite = options.database_url.scheme().eq_ignore_ascii_case("sqlite");
        Self(sqlite.then(|| {
            Arc::new(SqliteWriter {
                options,
                connection: Mutex::new(None),
                pool: pool.clone(),
                checkpoints: OnceLock::new(),
            })
        }))
    }

    /// Whether writers in this process are serialised here (SQLite): the gate then does what
    /// taking the version counter's lock first does on PostgreSQL.
    pub fn serialises(&self) -> bool {
        self.0.is_some()
    }

    /// The connection to write with, once it is this request's turn; `conn` is the request's own
    /// (pooled) connection: the writer on PostgreSQL; on SQLite it goes back to the pool before
    /// the wait, so requests queued for the writer do not starve the readers. The turn lasts as
    /// long as the returned writer, which reads as well as it writes.
    pub async fn writer(&self, conn: PoolConnection<Any>) -> Result<Writer<'_>, StoreError> {
        let Some(sqlite) = &self.0 else {
            return Ok(Writer::Request(conn));
        };
        drop(conn);
        let mut guard = sqlite.connection.lock().await;
        if guard.is_none() {
            let mut connection = sqlite.options.connect().await?;
            connection::prepare_connection(&mut connection).await?;
            connection.execute("PRAGMA wal_autocheckpoint = 0").await?;
            // The writer's cache stays valid between its transactions (see above): 64 MB keeps
            // the pages of many members' rows and indexes instead of SQLite's default 2 MB.
            connection.execute("PRAGMA cache_size = -65536").await?;
            *guard = Some(connection);
            let (wake, woken) = mpsc::channel(1);
            if sqlite.checkpoints.set(wake).is_ok() {
                tokio::spawn(checkpointer(Arc::downgrade(sqlite), woken));
            }
        }
        let checkpoints = sqlite.checkpoints.get();
        MutexGuard::try_map(guard, Option::as_mut)
            .map(|connection| Writer::Own(connection, checkpoints))
            .map_err(|_| sqlx::Error::PoolClosed.into())
    }
}

/// Checkpoints the log after writer turns, at most once per `CHECKPOINT_INTERVAL`; ends with the
/// gate. PASSIVE: it copies what no reader still needs and never waits for a reader.
async fn checkpointer(writer: Weak<SqliteWriter>, mut woken: mpsc::Receiver<()>) {
    const CHECKPOINT: &str = "PRAGMA wal_checkpoint(PASSIVE)";
    while woken.recv().await.is_some() {
        tokio::time::sleep(CHECKPOINT_INTERVAL).await;
        let Some(writer) = writer.upgrade() else {
            return;
        };
        // The bulk, beside the writer.
        let mut result = writer.pool.execute(CHECKPOINT).await.map(drop);
        // The rest, between two of its transactions.
        let mut connection = writer.connection.lock().await;
        if let Some(connection) = connection.as_mut() {
            result = result.and(connection.execute(CHECKPOINT).await.map(drop));
        }
        if let Err(e) = result {
            tracing::warn!("SQLite checkpoint failed (tried again after the next write): {e}");
        }
    }
}

/// A connection to write with (see `WriteGate::writer`).
pub enum Writer<'a> {
    Own(
        MappedMutexGuard<'a, AnyConnection>,
        Option<&'a mpsc::Sender<()>>,
    ),
    Request(PoolConnection<Any>),
}

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        if let Self::Own(_, Some(checkpoints)) = self {
            // Full: a checkpoint is due already.
            let _ = checkpoints.try_send(());
        }
    }
}

impl Deref for Writer<'_> {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match self {
            Self::Own(connection, _) => connection,
            Self::Request(conn) => conn,
        }
    }
}

impl DerefMut for Writer<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Self::Own(connection, _) => connection,
            Self::Request(conn) => conn,
        }
    }
}
