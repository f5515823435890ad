//! One write transaction, whatever the database: every writing path (enroll, a sync's push, a
//! purchase, a redeem, an adjustment, the cleanup tasks) reads
//! `let mut tx = store.write().await?; loyalty::…(&mut tx, …); tx.commit().await?`.
//!
//! Beginning takes, in this order, what makes concurrent writers safe: the writer's turn (the
//! gate: on SQLite the one writer connection, in this process's queue), then the transaction,
//! then the version counter's lock where the gate does not already serialise writers
//! (PostgreSQL). Every writer takes them in the same order, so no two wait for each other, and
//! versions are committed in the order they were given out (see `entities`). Entity writes are
//! collected in the transaction's batch and stored by `commit` (or `flush`), each with its version.

use super::entities::EntityBatch;
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
        let mut writer = gate.writer(conn).await?;
        // SQLite: the write lock now, not at the first write. A transaction that read first
        // could not take it later if another process wrote meanwhile ("database is locked").
        let statement = gate.serialises().then_some("BEGIN IMMEDIATE".into());
        Manager::begin(&mut writer, statement).await?;
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

    /// Stores the queued entity writes and commits.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        self.flush().await?;
        Manager::commit(&mut self.writer).await?;
        self.open = false;
        Ok(())
    }

    /// Undoes everything of this transaction, the queued entity writes included.
    pub async fn rollback(mut self) -> Result<(), StoreError> {
        Manager::rollback(&mut self.writer).await?;
        self.open = false;
        Ok(())
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        if self.open {
            // Queued on the connection, sent before its next statement: what sqlx's own
            // transactions do when dropped (an error or a cancelled request).
            Manager::start_rollback(&mut self.writer);
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
