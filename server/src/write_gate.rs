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
//! PostgreSQL locks rows itself (writers take the version counter's lock first, see `entities`).
//! There the writer is the connection the request already holds: taking a second one could
//! deadlock the pool when every request holds one and waits for another.

use crate::db;
use sqlx::any::AnyConnectOptions;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};

#[derive(Debug)]
pub struct WriteGate(Option<SqliteWriter>);

#[derive(Debug)]
struct SqliteWriter {
    options: Arc<AnyConnectOptions>,
    /// Opened at the first write, outside the pool (so it never waits for a pooled connection).
    connection: Mutex<Option<AnyConnection>>,
}

impl WriteGate {
    /// A writer connection of its own for a SQLite pool; the request's connection otherwise.
    pub fn for_pool(pool: &AnyPool) -> Self {
        let options = pool.connect_options();
        let sqlite = options.database_url.scheme().eq_ignore_ascii_case("sqlite");
        Self(sqlite.then(|| SqliteWriter {
            options,
            connection: Mutex::new(None),
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
    pub async fn writer(&self, conn: PoolConnection<Any>) -> Result<Writer<'_>, sqlx::Error> {
        let Some(sqlite) = &self.0 else {
            return Ok(Writer::Request(conn));
        };
        drop(conn);
        let mut guard = sqlite.connection.lock().await;
        if guard.is_none() {
            let mut connection = sqlite.options.connect().await?;
            db::prepare_connection(&mut connection).await?;
            *guard = Some(connection);
        }
        MutexGuard::try_map(guard, Option::as_mut)
            .map(Writer::Own)
            .map_err(|_| sqlx::Error::PoolClosed)
    }
}

/// A connection to write with (see `WriteGate::writer`).
pub enum Writer<'a> {
    Own(MappedMutexGuard<'a, AnyConnection>),
    Request(PoolConnection<Any>),
}

impl Deref for Writer<'_> {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match self {
            Self::Own(connection) => connection,
            Self::Request(conn) => conn,
        }
    }
}

impl DerefMut for Writer<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Self::Own(connection) => connection,
            Self::Request(conn) => conn,
        }
    }
}
