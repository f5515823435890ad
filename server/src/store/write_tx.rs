//! One write transaction, whatever the database: every writing path (enroll, a sync's push, a
//! purchase, a redeem, an adjustment, the cleanup tasks) reads
//! `let mut tx = store.write().await?; loyalty::…(&mut tx, …); tx.commit().await?`.
//!
//! Beginning takes, in this order, what makes concurrent writers safe: the writer's turn (the
//! gate: on SQLite the one writer connection, in this process's queue, where the turn is a
//! savepoint in a transaction its group shares: see `write_gate`), then the transaction, then
//! the version counter's lock where the gate does not already serialise writers (PostgreSQL). Every writer takes them in the same order, so no two wait for each other, and
//! versions are committed in the order they were given out (see `entities`). Entity writes are
//! collected in the transaction's batch and stored by `commit` (or `flush`), each with its version.

use super::entities::{EntityBatch, Statement};
use super::write_gate::{WriteGate, Writer};
use super::StoreError;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Database, TransactionManager};
use std::ops::{Deref, DerefMut};

type Manager = <Any as Database>::TransactionManager;

pub struct WriteTx<'s> {
    writer: Writer<'s>,
    batch: EntityBatch,
    /// Begun and neither committed nor rolled back: dropping it rolls back.
    open: bool,
}

impl<'s> WriteTx<'s> {
    /// Waits for the writer's turn (`conn` is the request's pooled connection; see `WriteGate`),
    /// begins, and locks the version counter when the gate does not serialise writers.
    pub(super) async fn begin(
        gate: &'s WriteGate,
        conn: PoolConnection<Any>,
    ) -> Result<Self, StoreError> {
        // SQLite: the turn is begun (with the write lock taken at once: a transaction that read
        // first could not take it later if another process wrote meanwhile, "database is
        // locked").
        let mut writer = gate.writer(conn).await?;
        if let Writer::Request(conn) = &mut writer {
            Manager::begin(conn, None).await?;
        }
        let mut tx = Self {
            writer,
            batch: EntityBatch::new(),
            open: true,
        };
        if !gate.serialises() {
            // Before any other statement: see the module docs. FOR UPDATE takes the counter's
            // row lock without using up a version (SQLite, which has no FOR UPDATE, never gets
            // here: its gate serialises).
            sqlx::query("SELECT version FROM sync_state WHERE id = 1 FOR UPDATE")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// The entity writes this transaction will store at `flush` or `commit`.
    pub fn batch(&mut self) -> &mut EntityBatch {
        &mut self.batch
    }

    /// The connection and the batch at once, for code that queries and queues entity writes.
    pub fn split(&mut self) -> (&mut AnyConnection, &mut EntityBatch) {
        (&mut self.writer, &mut self.batch)
    }

    /// Stores the entity writes queued so far, so that the statements after it read them.
    pub async fn flush(&mut self) -> Result<(), StoreError> {
        std::mem::take(&mut self.batch)
            .flush(&mut self.writer)
            .await
    }

    /// `flush`, then `last` in the same round trip where the database allows (SQLite): the rows
    /// `last` returned (see `EntityBatch::flush_then`).
    pub async fn flush_then(&mut self, last: Statement) -> Result<usize, StoreError> {
        std::mem::take(&mut self.batch)
            .flush_then(&mut self.writer, Some(last))
            .await
    }

    /// Stores the queued entity writes and commits; returns once committed (on SQLite with the
    /// rest of its group).
    pub async fn commit(mut self) -> Result<(), StoreError> {
        self.flush().await?;
        self.open = false;
        match &mut self.writer {
            Writer::Own(turn) => turn.end(true).await,
            Writer::Request(conn) => Ok(Manager::commit(conn).await?),
        }
    }

    /// Undoes everything of this transaction, the queued entity writes included; returns once
    /// what it read is committed (on SQLite its group's earlier requests).
    pub async fn rollback(mut self) -> Result<(), StoreError> {
        self.open = false;
        match &mut self.writer {
            Writer::Own(turn) => turn.end(false).await,
            Writer::Request(conn) => Ok(Manager::rollback(conn).await?),
        }
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        // A SQLite turn rolls itself back (to its savepoint, see `write_gate`).
        if let (true, Writer::Request(conn)) = (self.open, &mut self.writer) {
            // Queued on the connection, sent before its next statement: what sqlx's own
            // transactions do when dropped (an error or a cancelled request).
            Manager::start_rollback(conn);
        }
    }
}

impl Deref for WriteTx<'_> {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.writer
    }
}

impl DerefMut for WriteTx<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.writer
    }
}
