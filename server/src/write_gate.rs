//! One writer at a time on SQLite, queued in this process instead of in SQLite's busy handler.
//!
//! SQLite lets one connection write at a time; the others wait in `busy_timeout`, which polls with
//! growing sleeps (1, 2, 5, 10... ms). Under a queue of cashiers that turns a 0.3 ms transaction
//! into tens of milliseconds of sleeping. A fair async lock taken before `BEGIN` hands the write
//! lock from one transaction to the next without sleeping. PostgreSQL locks rows itself: there the
//! gate is open.
//!
//! Take a pool connection first and the gate second, and never acquire another connection while
//! holding it: a gate holder waiting for a connection held by requests waiting for the gate would
//! deadlock the pool.

use sqlx::AnyPool;
use tokio::sync::{Mutex, MutexGuard};

#[derive(Debug, Default)]
pub struct WriteGate(Option<Mutex<()>>);

impl WriteGate {
    /// Closed (serialising) for a SQLite pool, open for any other database.
    pub fn for_pool(pool: &AnyPool) -> Self {
        let sqlite = pool
            .connect_options()
            .database_url
            .scheme()
            .eq_ignore_ascii_case("sqlite");
        Self(sqlite.then(|| Mutex::new(())))
    }

    /// Whether writers in this process are serialised by the gate (SQLite): the gate then does
    /// what taking the version counter's lock first does on PostgreSQL.
    pub fn serialises(&self) -> bool {
        self.0.is_some()
    }

    /// Waits for the turn to write; the turn lasts as long as the returned guard.
    pub async fn enter(&self) -> Option<MutexGuard<'_, ()>> {
        match &self.0 {
            Some(lock) => Some(lock.lock().await),
            None => None,
        }
    }
}
