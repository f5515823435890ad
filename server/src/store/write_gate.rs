//! Who writes, and when. On SQLite: one writer connection of its own, one request at a time,
//! queued in this process, and the requests that follow each other closely committed together.
//! On PostgreSQL: the request's own connection, no queue.
//!
//! SQLite lets one connection write at a time; the others wait in `busy_timeout`, which polls with
//! growing sleeps (1, 2, 5, 10... ms), so under a queue of cashiers a short transaction turned into
//! tens of milliseconds of sleeping. A fair async lock hands the write lock from one request to
//! the next without sleeping. And because every write of this process goes through the one writer
//! connection, its page cache stays valid between transactions (SQLite drops a connection's cache
//! whenever another connection has written), so a transaction re-reads few pages.
//!
//! Group commit: a request's turn is a SAVEPOINT inside a transaction that the requests of one
//! group share. A request that ends while others wait for the writer leaves that transaction open
//! for the next one and waits for its group's COMMIT before it answers; the last of a group (no
//! one waiting, or `MAX_GROUP` members) commits it. So a commit's log writes (every page the
//! group changed, once) and its round trip are shared, and each request still commits all or
//! nothing: a request that fails, rolls back or is dropped is rolled back to its own savepoint
//! (before anything else runs on the writer), its neighbours keep theirs, and a COMMIT that fails
//! fails every member (none of them answers success). A request never answers before the
//! transaction it read in has committed. `GROUP_WAIT` bounds the wait of a member whose
//! successor vanished (a cancelled request): it then commits the group itself.
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
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;
use tokio::sync::{mpsc, watch, MappedMutexGuard, Mutex, MutexGuard};

/// The longest the write-ahead log goes without a checkpoint while the writer writes. Shorter
/// keeps the log small; longer copies a page written many times once.
pub const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(200);

/// The most requests one commit ends. More share more of a commit; but the first of a group
/// answers only when the last is done, and the tills of a committed group send their next
/// requests while the next group is written.
pub const MAX_GROUP: usize = 16;

/// How long a request that ended in an open group waits for its COMMIT before it commits the
/// group itself (only when the request it left the writer to went away without a turn).
pub const GROUP_WAIT: Duration = Duration::from_millis(20);

/// The savepoint of the request whose turn it is, in the group's transaction. The one before,
/// which committed, is released in the same round trip: SQLite copies a page into the savepoint's
/// journal at its first change in each savepoint open, so only one is kept open.
const BEGIN_GROUP: &str = "BEGIN IMMEDIATE; SAVEPOINT request";
const BEGIN_MEMBER: &str = "SAVEPOINT request";
const BEGIN_NEXT_MEMBER: &str = "RELEASE request; SAVEPOINT request";
const UNDO_MEMBER: &str = "ROLLBACK TO request; RELEASE request";

#[derive(Debug)]
pub struct WriteGate(Option<Arc<SqliteWriter>>);

#[derive(Debug)]
struct SqliteWriter {
    options: Arc<AnyConnectOptions>,
    /// Opened at the first write, outside the pool (so it never waits for a pooled connection).
    open: Mutex<Option<OpenWriter>>,
    /// Requests waiting for their turn: while there are some, an ending request leaves its
    /// group's transaction open for them.
    waiting: AtomicUsize,
    /// COMMITs so far (each ends a group), for tests and the bench.
    commits: AtomicU64,
    /// The checkpointer's connections.
    pool: AnyPool,
    /// Wakes the checkpointer after a turn; set when the writer connection opens.
    checkpoints: OnceLock<mpsc::Sender<()>>,
}

/// What `Err` a group's members are told when its COMMIT failed (the cause is logged once).
type Outcome = Result<(), Arc<str>>;

#[derive(Debug)]
struct OpenWriter {
    connection: AnyConnection,
    /// The transaction the current group shares, if one is open.
    group: Option<Group>,
    /// A request's turn ended without commit or rollback (an error or a cancelled request): its
    /// savepoint is rolled back before anything else runs.
    abandoned: bool,
    /// The savepoint of the last request is still open (it committed; see `BEGIN_NEXT_MEMBER`).
    savepoint_open: bool,
    next_group: u64,
}

#[derive(Debug)]
struct Group {
    id: u64,
    members: usize,
    outcome: watch::Sender<Option<Outcome>>,
}

impl WriteGate {
    /// A writer connection of its own for a SQLite pool; the request's connection otherwise.
    pub fn for_pool(pool: &AnyPool) -> Self {
        let options = pool.connect_options();
        let sqlite = options.database_url.scheme().eq_ignore_ascii_case("sqlite");
        Self(sqlite.then(|| {
            Arc::new(SqliteWriter {
                options,
                open: Mutex::new(None),
                waiting: AtomicUsize::new(0),
                commits: AtomicU64::new(0),
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

    /// How many COMMITs the SQLite writer made (groups it ended); 0 on PostgreSQL.
    pub fn commits(&self) -> u64 {
        self.0
            .as_ref()
            .map_or(0, |sqlite| sqlite.commits.load(Ordering::Relaxed))
    }

    /// The connection to write with, once it is this request's turn; `conn` is the request's own
    /// (pooled) connection: the writer on PostgreSQL, not yet in a transaction; on SQLite it goes
    /// back to the pool before the wait, so requests queued for the writer do not starve the
    /// readers, and the turn begins in its group's transaction (`Turn`). The turn lasts as long
    /// as the returned writer, which reads as well as it writes.
    pub async fn writer(&self, conn: PoolConnection<Any>) -> Result<Writer<'_>, StoreError> {
        let Some(sqlite) = &self.0 else {
            return Ok(Writer::Request(conn));
        };
        drop(conn);
        let mut open = {
            sqlite.waiting.fetch_add(1, Ordering::SeqCst);
            let _waiting = Waiting(&sqlite.waiting);
            sqlite.lock().await?
        };
        if sqlite.checkpoints.get().is_none() {
            let (wake, woken) = mpsc::channel(1);
            if sqlite.checkpoints.set(wake).is_ok() {
                tokio::spawn(checkpointer(Arc::downgrade(sqlite), woken));
            }
        }
        open.begin_member().await?;
        Ok(Writer::Own(Turn {
            open: Some(open),
            sqlite,
            ended: false,
        }))
    }
}

/// Counts a request waiting for its turn until it has it (or went away).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl SqliteWriter {
    /// The writer, opened if it is not yet.
    async fn lock(self: &Arc<Self>) -> Result<MappedMutexGuard<'_, OpenWriter>, StoreError> {
        let mut guard = self.open.lock().await;
        if guard.is_none() {
            let mut connection = self.options.connect().await?;
            connection::prepare_connection(&mut connection).await?;
            connection.execute("PRAGMA wal_autocheckpoint = 0").await?;
            // The page cache stays at SQLite's 2 MB: reads of pages it dropped come from the memory
            // map (`connection`), and every COMMIT walks the whole cache (at 64 MB that was a
            // sixth of the writer's time in the purchase profile).
            // A request's savepoint journals the pages it changes that its group changed before
            // it (to roll back to): in memory, not in a temporary file (a profile of the group
            // commit: a fifth of the writer's time was writing that file).
            connection.execute("PRAGMA temp_store = MEMORY").await?;
            *guard = Some(OpenWriter {
                connection,
                group: None,
                abandoned: false,
                savepoint_open: false,
                next_group: 0,
            });
        }
        MutexGuard::try_map(guard, Option::as_mut).map_err(|_| sqlx::Error::PoolClosed.into())
    }

    /// Waits for the COMMIT of the group `id` (`outcome`); commits it itself if no one has
    /// within `GROUP_WAIT` (the request it was left open for went away).
    async fn group_outcome(
        self: &Arc<Self>,
        id: u64,
        mut outcome: watch::Receiver<Option<Outcome>>,
    ) -> Result<(), StoreError> {
        loop {
            let waited = tokio::time::timeout(GROUP_WAIT, outcome.wait_for(Option::is_some))
                .await
                .map(|ended| ended.map(|ended| ended.clone()));
            match waited {
                Ok(Ok(Some(Ok(())))) => return Ok(()),
                Ok(Ok(Some(Err(cause)))) => return Err(StoreError::GroupCommit(cause)),
                Ok(Ok(None)) | Ok(Err(_)) => {
                    return Err(StoreError::GroupCommit(
                        "the writer closed before the transaction committed".into(),
                    ))
                }
                Err(_) => {
                    let mut open = self.lock().await?;
                    if open.group.as_ref().is_some_and(|group| group.id == id) {
                        self.end_group(&mut open).await;
                    }
                }
            }
        }
    }

    /// Commits the open group, if any (after rolling back an abandoned turn), and tells its
    /// members how it went.
    async fn end_group(&self, open: &mut OpenWriter) {
        open.undo_abandoned().await;
        let Some(group) = open.group.take() else {
            return;
        };
        open.savepoint_open = false;
        let outcome = match open.connection.execute("COMMIT").await {
            Ok(_) => Ok(()),
            Err(e) => {
                tracing::error!("SQLite COMMIT of {} requests failed: {e}", group.members);
                // Usually rolled back already; if not, nothing of it may stay.
                let _ = open.connection.execute("ROLLBACK").await;
                Err(Arc::from(e.to_string()))
            }
        };
        self.commits.fetch_add(1, Ordering::Relaxed);
        group.outcome.send_replace(Some(outcome));
    }
}

impl OpenWriter {
    /// Begins a request's turn: its savepoint, in the open group's transaction or a new one.
    async fn begin_member(&mut self) -> Result<(), StoreError> {
        self.undo_abandoned().await;
        if self.group.is_some() {
            let begin = if self.savepoint_open {
                BEGIN_NEXT_MEMBER
            } else {
                BEGIN_MEMBER
            };
            if let Err(e) = self.connection.execute(begin).await {
                self.fail_group(&e).await;
                return Err(e.into());
            }
            self.savepoint_open = true;
            if let Some(group) = &mut self.group {
                group.members += 1;
            }
            return Ok(());
        }
        if let Err(e) = self.connection.execute(BEGIN_GROUP).await {
            // BEGIN may have worked and SAVEPOINT not.
            let _ = self.connection.execute("ROLLBACK").await;
            return Err(e.into());
        }
        self.savepoint_open = true;
        self.next_group += 1;
        self.group = Some(Group {
            id: self.next_group,
            members: 1,
            outcome: watch::Sender::new(None),
        });
        Ok(())
    }

    /// Rolls back a turn that ended without commit or rollback, to its own savepoint. If even
    /// that fails (SQLite rolled the whole transaction back after an I/O error), the group fails.
    async fn undo_abandoned(&mut self) {
        if !std::mem::take(&mut self.abandoned) {
            return;
        }
        self.savepoint_open = false;
        if let Err(e) = self.connection.execute(UNDO_MEMBER).await {
            self.fail_group(&e).await;
        }
    }

    /// The group's transaction is lost: whatever is left of it is rolled back, and its members
    /// are told.
    async fn fail_group(&mut self, cause: &sqlx::Error) {
        self.savepoint_open = false;
        let _ = self.connection.execute("ROLLBACK").await;
        if let Some(group) = self.group.take() {
            tracing::error!(
                "SQLite transaction of {} requests lost: {cause}",
                group.members
            );
            group
                .outcome
                .send_replace(Some(Err(Arc::from(cause.to_string()))));
        }
    }
}

/// Checkpoints the log after writer turns, at most once per `CHECKPOINT_INTERVAL`; ends with the
/// gate. PASSIVE: it copies what no reader still needs and never waits for a reader. Its own turn
/// first commits a group left open (its last member went away: see `GROUP_WAIT`).
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
        match writer.lock().await {
            Ok(mut open) => {
                writer.end_group(&mut open).await;
                result = result.and(open.connection.execute(CHECKPOINT).await.map(drop));
            }
            Err(e) => tracing::warn!("SQLite writer not available for a checkpoint: {e}"),
        }
        if let Err(e) = result {
            tracing::warn!("SQLite checkpoint failed (tried again after the next write): {e}");
        }
    }
}

/// A request's turn on the SQLite writer: begun in its group's transaction (its savepoint).
pub struct Turn<'a> {
    open: Option<MappedMutexGuard<'a, OpenWriter>>,
    sqlite: &'a Arc<SqliteWriter>,
    ended: bool,
}

impl Turn<'_> {
    /// Ends the turn: `commit` keeps its changes in the group's transaction, otherwise they are
    /// rolled back to its savepoint. Then the next request has the writer, and this returns once
    /// the transaction it read and wrote in has committed (`Err` if that failed).
    pub async fn end(&mut self, commit: bool) -> Result<(), StoreError> {
        let Some(mut open) = self.open.take() else {
            return Ok(());
        };
        self.ended = true;
        if !commit {
            open.savepoint_open = false;
            if let Err(e) = open.connection.execute(UNDO_MEMBER).await {
                open.fail_group(&e).await;
                return Err(e.into());
            }
        }
        let Some(group) = &open.group else {
            return Err(StoreError::GroupCommit(
                "the transaction was lost before the request ended".into(),
            ));
        };
        let (id, outcome) = (group.id, group.outcome.subscribe());
        let last = group.members >= MAX_GROUP || self.sqlite.waiting.load(Ordering::SeqCst) == 0;
        if last {
            self.sqlite.end_group(&mut open).await;
        }
        drop(open);
        self.sqlite.group_outcome(id, outcome).await
    }

    fn open(&self) -> &OpenWriter {
        self.open
            .as_ref()
            .expect("a turn's writer is held until it ends")
    }

    fn open_mut(&mut self) -> &mut OpenWriter {
        self.open
            .as_mut()
            .expect("a turn's writer is held until it ends")
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if let Some(open) = &mut self.open {
            // Rolled back to its savepoint before the next statement on the writer.
            open.abandoned = !self.ended;
        }
        self.open = None;
        if let Some(checkpoints) = self.sqlite.checkpoints.get() {
            // Full: a checkpoint is due already.
            let _ = checkpoints.try_send(());
        }
    }
}

/// A connection to write with (see `WriteGate::writer`).
pub enum Writer<'a> {
    Own(Turn<'a>),
    Request(PoolConnection<Any>),
}

impl Deref for Writer<'_> {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match self {
            Self::Own(turn) => &turn.open().connection,
            Self::Request(conn) => conn,
        }
    }
}

impl DerefMut for Writer<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Self::Own(turn) => &mut turn.open_mut().connection,
            Self::Request(conn) => conn,
        }
    }
}
