//! Persistence mechanics: the connection pool and schema, the write gate and the one write
//! transaction type, the entity change log, stored cashier answers, the sync log of each client,
//! merchants and cashier keys, memberships as the cashier and auth see them, and secrets. It
//! knows nothing of HTTP and nothing of loyalty rules.

pub mod connection;
pub mod continuity;
pub mod entities;
pub mod error;
pub mod idempotency;
pub mod memberships;
pub mod merchants;
pub mod secrets;
pub mod sync_log;
pub mod write_gate;
pub mod write_tx;

pub use error::StoreError;
pub use write_tx::WriteTx;

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool};
use std::sync::Arc;
use write_gate::WriteGate;

/// What a cashier request reads first, with whether the cashier key it came with is still the
/// merchant's: the key was checked when the request arrived, but possibly from a cache, so a key
/// revoked or replaced a moment ago is caught here, in a read the request makes anyway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyChecked<T> {
    pub key_valid: bool,
    pub found: T,
}

/// The database: a pool to read from and, one at a time where the database needs it, write
/// transactions (`WriteTx`).
#[derive(Clone, Debug)]
pub struct Store {
    pub pool: AnyPool,
    gate: Arc<WriteGate>,
}

impl Store {
    pub fn new(pool: AnyPool) -> Self {
        let gate = Arc::new(WriteGate::for_pool(&pool));
        Self { pool, gate }
    }

    /// Whether the database answers a query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// A pooled connection to read with.
    pub async fn read(&self) -> Result<PoolConnection<Any>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    /// How many transactions the SQLite writer committed (each ends a group of requests, see
    /// `write_gate`); 0 on PostgreSQL. For tests and the bench.
    pub fn sqlite_commits(&self) -> u64 {
        self.gate.commits()
    }

    /// A write transaction, once it is this request's turn.
    pub async fn write(&self) -> Result<WriteTx<'_>, StoreError> {
        let conn = self.read().await?;
        self.write_after(conn).await
    }

    /// A write transaction after reads on `conn`, the request's pooled connection: on PostgreSQL
    /// it becomes the writer, on SQLite it goes back to the pool while the request waits its turn.
    pub async fn write_after(&self, conn: PoolConnection<Any>) -> Result<WriteTx<'_>, StoreError> {
        WriteTx::begin(&self.gate, conn).await
    }
}
