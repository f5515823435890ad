//! The entity change log: the current state of every entity a wallet sees, each write stamped
//! with the next issuer-wide version, and the pull that pages through a membership's changes
//! after a cursor.
//!
//! Every write takes its version from the one counter row (`next_version`, `next_versions`), which
//! is locked from the start of each write transaction to its end (`WriteTx`: the gate on SQLite,
//! the row lock on PostgreSQL). So versions are committed in the order they were given out, and a
//! pull never sees version n+1 while n is still to come (which would make a wallet's cursor skip
//! n for good); and two writers of one entity never both start from the same old state.

use super::secrets::random_hex;
use super::{merchants, StoreError};
use serde_json::Value;
use sqlx::AnyConnection;
use sqlx::{AnyPool, FromRow};
use wallet_core::sync::{Change, EntityKind, MembershipData, MAX_CHANGES_PER_PAGE};
use wallet_core::MerchantDisplay;

/// Creates the counter row of a new database (with its random epoch) and the entities of
/// memberships made before this server kept a change log. Safe to run on every start.
pub async fn prepare(db: &AnyPool) -> Result<(), StoreError> {
    let epoch = random_hex::<8>()?;
    sqlx::query(
        "INSERT INTO sync_state (id, version, epoch) VALUES (1, 0, $1) ON CONFLICT DO NOTHING",
    )
    .bind(epoch)
    .execute(db)
    .await?;
    backfill(db).await
}

#[derive(FromRow)]
struct Unlogged {
    id: String,
    merchant_id: String,
    member_since: i64,
}

async fn backfill(db: &AnyPool) -> Result<(), StoreError> {
    let missing: Vec<Unlogged> = sqlx::query_as(
        "SELECT id, merchant_id, member_since FROM memberships m WHERE m.left_at IS NULL \
         AND NOT EXISTS \
         (SELECT 1 FROM entities e WHERE e.membership_id = m.id AND e.kind = 'membership')",
    )
    .fetch_all(db)
    .await?;
    for membership in missing {
        let merchant = merchants::by_id(db, &membership.merchant_id)
            .await
            .ok()
            .flatten()
            .and_then(|row| row.display().ok());
        let mut tx = db.begin().await?;
        let data = membership_data(&membership.merchant_id, membership.member_since);
        put(
            &mut tx,
            &membership.id,
            &EntityKind::Membership,
            &membership.id,
            Some(&data),
        )
        .await?;
        match merchant {
            Some(display) => put_merchant(&mut tx, &membership.id, &display).await?,
            None => tracing::warn!(
                "membership {}: merchant {} has no valid display data; not sent to the wallet",
                membership.id,
                membership.merchant_id
            ),
        }
        tx.commit().await?;
    }
    Ok(())
}

/// The entities a wallet sees in its first pull: its `membership` and its `merchant`.
/// The first statement is a write, as everywhere in a writing transaction (see `next_version`).
pub async fn create_for_new_membership(
    conn: &mut AnyConnection,
    membership_id: &str,
    merchant: &MerchantDisplay,
    member_since: i64,
) -> Result<(), StoreError> {
    let data = membership_data(&merchant.id, member_since);
    put(
        conn,
        membership_id,
        &EntityKind::Membership,
        membership_id,
        Some(&data),
    )
    .await?;
    put_merchant(conn, membership_id, merchant).await
}

fn membership_data(merchant_id: &str, member_since: i64) -> Value {
    serde_json::to_value(MembershipData {
        merchant_id: merchant_id.to_owned(),
        member_since,
        display_name: None,
    })
    .unwrap_or(Value::Null)
}

async fn put_merchant(
    conn: &mut AnyConnection,
    membership_id: &str,
    merchant: &MerchantDisplay,
) -> Result<(), StoreError> {
    // Each membership keeps its own copy: a pull is then one indexed range of one table.
    let data = serde_json::to_value(merchant).unwrap_or(Value::Null);
    put(
        conn,
        membership_id,
        &EntityKind::Merchant,
        &merchant.id,
        Some(&data),
    )
    .await
}

/// The next issuer-wide version. Locks the counter until the transaction ends (see the module
/// docs); on SQLite the write takes the database's write lock, so call it (or another write)
/// before any read in a writing transaction: a deferred SQLite transaction that reads first and
/// writes later can fail with "database is locked" instead of waiting.
pub async fn next_version(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    let version = sqlx::query_scalar(
        "UPDATE sync_state SET version = version + 1 WHERE id = 1 RETURNING version",
    )
    .fetch_one(conn)
    .await?;
    Ok(version)
}

/// The entity's current data; `None` if it does not exist or is a tombstone.
pub async fn read(
    conn: &mut AnyConnection,
    membership_id: &str,
    kind: &EntityKind,
    id: &str,
) -> Result<Option<Value>, StoreError> {
    let text: Option<Option<String>> = sqlx::query_scalar(
        "SELECT data FROM entities WHERE membership_id = $1 AND kind = $2 AND id = $3 AND deleted = 0",
    )
    .bind(membership_id)
    .bind(kind.as_str())
    .bind(id)
    .fetch_optional(conn)
    .await?;
    text.flatten()
        .map(|text| serde_json::from_str(&text))
        .transpose()
        .map_err(StoreError::from)
}

/// Stores the entity's new state (`None`: a tombstone) under a version from `next_version`.
pub async fn store(
    conn: &mut AnyConnection,
    membership_id: &str,
    kind: &EntityKind,
    id: &str,
    version: i64,
    data: Option<&Value>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO entities (membership_id, kind, id, version, deleted, data) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (membership_id, kind, id) DO UPDATE \
         SET version = excluded.version, deleted = excluded.deleted, data = excluded.data",
    )
    .bind(membership_id)
    .bind(kind.as_str())
    .bind(id)
    .bind(version)
    .bind(i64::from(data.is_none()))
    .bind(data.map(Value::to_string))
    .execute(conn)
    .await?;
    Ok(())
}

/// A whole write: the next version, then the new state (`None`: delete, keeping a tombstone).
pub async fn put(
    conn: &mut AnyConnection,
    membership_id: &str,
    kind: &EntityKind,
    id: &str,
    data: Option<&Value>,
) -> Result<(), StoreError> {
    let version = next_version(conn).await?;
    store(conn, membership_id, kind, id, version, data).await
}

/// One write for `write_all`.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityWrite {
    pub kind: EntityKind,
    pub id: String,
    /// `None` deletes the entity (a tombstone is kept).
    pub data: Option<Value>,
}

impl EntityWrite {
    pub fn put(kind: EntityKind, id: impl Into<String>, data: Value) -> Self {
        Self {
            kind,
            id: id.into(),
            data: Some(data),
        }
    }

    pub fn delete(kind: EntityKind, id: impl Into<String>) -> Self {
        Self {
            kind,
            id: id.into(),
            data: None,
        }
    }
}

/// Writes entities of one membership in one transaction, each with its own version. The way
/// tests, fixtures and benches make entities until the feature issues add mutations that do:
/// it is deliberately not reachable over HTTP.
pub async fn write_all(
    db: &AnyPool,
    membership_id: &str,
    writes: &[EntityWrite],
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    for write in writes {
        put(
            &mut tx,
            membership_id,
            &write.kind,
            &write.id,
            write.data.as_ref(),
        )
        .await?;
    }
    Ok(tx.commit().await?)
}

/// Entity data as JSON. A failure is the server's own: the caller's transaction rolls back.
pub fn to_data<T: serde::Serialize>(value: &T) -> Result<Value, StoreError> {
    Ok(serde_json::to_value(value)?)
}

/// A new random id: `<prefix>-<16 hex digits>` (64 bits).
pub fn new_id(prefix: &str) -> Result<String, StoreError> {
    random_hex::<8>().map(|hex| format!("{prefix}-{hex}"))
}

/// Whose copy of an entity a write goes to. Each membership keeps its own copy of what it sees
/// (a pull is then one indexed range of one table); an entity shared by several memberships (a
/// group's points balance, a merchant's reward) is written to each of them with one version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Audience {
    Membership(String),
    /// Every membership sharing this points account.
    Account(String),
    /// Every membership of this merchant.
    Merchant(String),
}

/// Entity writes collected during one transaction and stored together at its end by `flush`:
/// the versions in one statement, the rows in as few as possible. A later write of the same
/// entity for the same audience replaces an earlier one, so each is stored once, as it ends up.
#[derive(Debug, Default)]
pub struct EntityBatch {
    writes: Vec<(Audience, EntityKind, String, Value)>,
    /// Memberships of points accounts the caller already knows (saves a query at `flush`).
    accounts: Vec<(String, Vec<String>)>,
    /// Writes whose result no one reads, sent at `flush` before the entity rows (`defer`).
    deferred: Vec<Statement>,
}

/// A parameter of a `Statement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Param {
    fn from(value: i64) -> Self {
        Self::Int(Some(value))
    }
}

impl From<Option<i64>> for Param {
    fn from(value: Option<i64>) -> Self {
        Self::Int(value)
    }
}

impl From<&str> for Param {
    fn from(value: &str) -> Self {
        Self::Text(Some(value.to_owned()))
    }
}

impl From<String> for Param {
    fn from(value: String) -> Self {
        Self::Text(Some(value))
    }
}

impl From<Option<String>> for Param {
    fn from(value: Option<String>) -> Self {
        Self::Text(value)
    }
}

/// One SQL statement (parameters `$1`..`$n`) and its parameters, to run later.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub sql: &'static str,
    pub params: Vec<Param>,
}

impl Statement {
    pub fn new(sql: &'static str, params: Vec<Param>) -> Self {
        Self { sql, params }
    }
}

/// Statements sent as one (SQLite runs them in order in one round trip to its thread): each
/// statement's `$n` renumbered after the parameters before it.
#[derive(Default)]
struct Combined {
    sql: String,
    params: Vec<Param>,
}

impl Combined {
    fn push(&mut self, statement: Statement) {
        self.push_sql(statement.sql, statement.params);
    }

    fn push_sql(&mut self, sql: &str, params: Vec<Param>) {
        if !self.sql.is_empty() {
            self.sql.push_str("; ");
        }
        renumber_into(&mut self.sql, sql, self.params.len());
        self.params.extend(params);
    }

    fn is_empty(&self) -> bool {
        self.sql.is_empty()
    }

    fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        bind_all(sqlx::query(&self.sql), &self.params)
    }
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    params: &'q [Param],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for param in params {
        query = match param {
            Param::Int(value) => query.bind(*value),
            Param::Text(value) => query.bind(value.as_deref()),
        };
    }
    query
}

/// `sql` with every `$n` as `$(n + offset)`, appended to `out` (our statements have no `$` in
/// their string literals).
fn renumber_into(out: &mut String, sql: &str, offset: usize) {
    if offset == 0 {
        out.push_str(sql);
        return;
    }
    let mut chars = sql.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut number = 0usize;
        let mut digits = false;
        while let Some(&(_, d)) = chars.peek() {
            let Some(value) = d.to_digit(10) else { break };
            number = number * 10 + value as usize;
            digits = true;
            chars.next();
        }
        if digits {
            out.push_str(&(number + offset).to_string());
        }
    }
}

/// Runs a statement now.
pub async fn run(conn: &mut AnyConnection, statement: &Statement) -> Result<u64, StoreError> {
    Ok(bind_all(sqlx::query(statement.sql), &statement.params)
        .execute(conn)
        .await?
        .rows_affected())
}

impl EntityBatch {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn put(
        &mut self,
        audience: Audience,
        kind: EntityKind,
        id: impl Into<String>,
        data: Value,
    ) {
        let id = id.into();
        match self
            .writes
            .iter_mut()
            .find(|(a, k, i, _)| *a == audience && *k == kind && *i == id)
        {
            Some(write) => write.3 = data,
            None => self.writes.push((audience, kind, id, data)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.deferred.is_empty()
    }

    /// Queues a write whose result no one reads, to be sent at `flush`, before the entity rows:
    /// only for a row no statement of this transaction reads or writes again before `flush`
    /// (it is not there until then). On SQLite it shares `flush`'s round trip.
    pub fn defer(&mut self, statement: Statement) {
        self.deferred.push(statement);
    }

    /// Sends the deferred writes now, in their order: for a step that reads rows a deferred write
    /// holds (a friend's referral gift at the first purchase adds stamps to the card the purchase
    /// just stamped, say).
    pub async fn run_deferred(&mut self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        for statement in std::mem::take(&mut self.deferred) {
            run(conn, &statement).await?;
        }
        Ok(())
    }

    /// Tells `flush` which memberships share a points account, when the caller knows.
    pub fn know_account(&mut self, account_id: &str, memberships: Vec<String>) {
        self.accounts.retain(|(a, _)| a != account_id);
        self.accounts.push((account_id.to_owned(), memberships));
    }

    /// Stores every write, each with its own new version, in the caller's transaction: the
    /// memberships of each points account in one query (unless known), then the versions and the
    /// rows in one statement (one round trip to the database) when they fit a multi-row insert,
    /// else the versions in one statement and the rows per 100. A merchant-wide write is one
    /// `INSERT ... SELECT`.
    pub async fn flush(self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        self.flush_then(conn, None).await.map(drop)
    }

    /// `flush`, then `last` (an `INSERT ... RETURNING`, say) in the same round trip where the
    /// database takes several statements at once (SQLite): the rows `last` returned.
    pub async fn flush_then(
        self,
        conn: &mut AnyConnection,
        last: Option<Statement>,
    ) -> Result<usize, StoreError> {
        let sqlite = conn.backend_name().eq_ignore_ascii_case("sqlite");
        let mut combined = Combined::default();
        for statement in self.deferred {
            if sqlite {
                combined.push(statement);
            } else {
                run(conn, &statement).await?;
            }
        }
        let writes = Self {
            writes: self.writes,
            accounts: self.accounts,
            deferred: Vec::new(),
        };
        if let Some(entities) = writes.flush_entities(conn, sqlite).await? {
            combined.push_sql(&entities.sql, entities.params);
        } else if !combined.is_empty() {
            combined.query().execute(&mut *conn).await?;
            combined = Combined::default();
        }
        match last {
            Some(last) if sqlite => combined.push(last),
            Some(last) => {
                if !combined.is_empty() {
                    combined.query().execute(&mut *conn).await?;
                }
                let rows = bind_all(sqlx::query(last.sql), &last.params)
                    .fetch_all(&mut *conn)
                    .await?;
                return Ok(rows.len());
            }
            None => {}
        }
        if combined.is_empty() {
            return Ok(0);
        }
        // Only `last` returns rows.
        Ok(combined.query().fetch_all(&mut *conn).await?.len())
    }

    /// Stores the entity writes; on SQLite, when they fit one statement pair, returns it to be
    /// sent with others instead.
    async fn flush_entities(
        self,
        conn: &mut AnyConnection,
        sqlite: bool,
    ) -> Result<Option<Combined>, StoreError> {
        let count = self.writes.len();
        if count == 0 {
            return Ok(None);
        }
        let mut rows = Vec::new();
        let mut merchant_wide = Vec::new();
        let mut accounts = self.accounts;
        for (offset, (audience, kind, id, data)) in self.writes.into_iter().enumerate() {
            // How far below the last version taken this write's version is.
            let back = i64::try_from(count - 1 - offset).unwrap_or(i64::MAX);
            match audience {
                Audience::Membership(membership_id) => {
                    rows.push((membership_id, kind, id, back, data));
                }
                Audience::Account(account_id) => {
                    let members = match accounts.iter().find(|(a, _)| *a == account_id) {
                        Some((_, members)) => members.clone(),
                        None => {
                            let members: Vec<String> = sqlx::query_scalar(
                                "SELECT id FROM memberships \
                                 WHERE points_account_id = $1 AND left_at IS NULL",
                            )
                            .bind(&account_id)
                            .fetch_all(&mut *conn)
                            .await?;
                            accounts.push((account_id, members.clone()));
                            members
                        }
                    };
                    for membership_id in members {
                        rows.push((membership_id, kind.clone(), id.clone(), back, data.clone()));
                    }
                }
                Audience::Merchant(merchant_id) => {
                    merchant_wide.push((merchant_id, kind, id, back, data));
                }
            }
        }
        if merchant_wide.is_empty() && rows.len() <= STORE_CHUNK {
            if sqlite {
                return Ok(Some(sqlite_rows_with_versions(count, &rows)));
            }
            store_rows_with_versions(conn, count, &rows).await?;
            return Ok(None);
        }
        let last = next_versions(conn, count).await?;
        for (merchant_id, kind, id, back, data) in merchant_wide {
            store_for_merchant(conn, &merchant_id, &kind, &id, last - back, &data).await?;
        }
        for chunk in rows.chunks(STORE_CHUNK) {
            store_rows(conn, last, chunk).await?;
        }
        Ok(None)
    }
}

/// SQLite's `store_rows_with_versions`, as statements to send with others: the versions as the
/// counter stands after its update, the statement before.
fn sqlite_rows_with_versions(count: usize, rows: &[Row]) -> Combined {
    let values = row_values(rows.len(), 2, |back| {
        format!("(SELECT version FROM sync_state WHERE id = 1) - {back}")
    });
    let sql = format!(
        "UPDATE sync_state SET version = version + $1 WHERE id = 1; \
         INSERT INTO entities (membership_id, kind, id, version, deleted, data) VALUES {values} \
         {UPSERT}"
    );
    let mut params = Vec::with_capacity(1 + rows.len() * 5);
    params.push(Param::from(i64::try_from(count).unwrap_or(i64::MAX)));
    for (membership_id, kind, id, back, data) in rows {
        params.push(Param::from(membership_id.as_str()));
        params.push(Param::from(kind.as_str()));
        params.push(Param::from(id.as_str()));
        params.push(Param::from(*back));
        params.push(Param::from(data.to_string()));
    }
    Combined { sql, params }
}

/// Rows per multi-row insert: 6 parameters each stays far below both databases' limits.
const STORE_CHUNK: usize = 100;

/// An entity row to store: membership, kind, id, its version's distance below the last version
/// of the batch, data.
type Row = (String, EntityKind, String, i64, Value);

/// Takes `count` versions at once; returns the last. Locks the counter like `next_version`.
pub async fn next_versions(conn: &mut AnyConnection, count: usize) -> Result<i64, StoreError> {
    let last = sqlx::query_scalar(
        "UPDATE sync_state SET version = version + $1 WHERE id = 1 RETURNING version",
    )
    .bind(i64::try_from(count).unwrap_or(i64::MAX))
    .fetch_one(conn)
    .await?;
    Ok(last)
}

/// Takes `count` versions and stores the rows with theirs, in one statement on PostgreSQL (the
/// counter's update as a data-modifying `WITH`); SQLite's is `sqlite_rows_with_versions`.
async fn store_rows_with_versions(
    conn: &mut AnyConnection,
    count: usize,
    rows: &[Row],
) -> Result<(), StoreError> {
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    let values = row_values(rows.len(), 2, |back| format!("CAST({back} AS BIGINT)"));
    let sql = format!(
        "WITH taken AS (UPDATE sync_state SET version = version + $1 WHERE id = 1 \
         RETURNING version) \
         INSERT INTO entities (membership_id, kind, id, version, deleted, data) \
         SELECT r.membership_id, r.kind, r.id, taken.version - r.back, 0, r.data \
         FROM taken, (VALUES {values}) AS r (membership_id, kind, id, back, deleted, data) \
         {UPSERT}"
    );
    let mut query = sqlx::query(&sql).bind(count);
    for (membership_id, kind, id, back, data) in rows {
        query = query
            .bind(membership_id.as_str())
            .bind(kind.as_str().to_owned())
            .bind(id.as_str())
            .bind(*back)
            .bind(data.to_string());
    }
    query.execute(conn).await?;
    Ok(())
}

const UPSERT: &str = "ON CONFLICT (membership_id, kind, id) DO UPDATE \
    SET version = excluded.version, deleted = excluded.deleted, data = excluded.data";

/// `($a, $b, $c, <version of $d>, 0, $e), ...` for `n` rows of 5 parameters from `$first`.
fn row_values(n: usize, first: usize, version: impl Fn(&str) -> String) -> String {
    (0..n)
        .map(|i| {
            let p = first + i * 5;
            format!(
                "(${}, ${}, ${}, {}, 0, ${})",
                p,
                p + 1,
                p + 2,
                version(&format!("${}", p + 3)),
                p + 4
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

async fn store_rows(conn: &mut AnyConnection, last: i64, rows: &[Row]) -> Result<(), StoreError> {
    let values = row_values(rows.len(), 1, |version| version.to_owned());
    let sql = format!(
        "INSERT INTO entities (membership_id, kind, id, version, deleted, data) VALUES {values} \
         {UPSERT}"
    );
    let mut query = sqlx::query(&sql);
    for (membership_id, kind, id, back, data) in rows {
        query = query
            .bind(membership_id.as_str())
            .bind(kind.as_str().to_owned())
            .bind(id.as_str())
            .bind(last - *back)
            .bind(data.to_string());
    }
    query.execute(conn).await?;
    Ok(())
}

/// One write to every membership of a merchant (one statement, whatever their number).
async fn store_for_merchant(
    conn: &mut AnyConnection,
    merchant_id: &str,
    kind: &EntityKind,
    id: &str,
    version: i64,
    data: &Value,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO entities (membership_id, kind, id, version, deleted, data) \
         SELECT m.id, $2, $3, $4, 0, $5 FROM memberships m \
         WHERE m.merchant_id = $1 AND m.left_at IS NULL \
         ON CONFLICT (membership_id, kind, id) DO UPDATE \
         SET version = excluded.version, deleted = excluded.deleted, data = excluded.data",
    )
    .bind(merchant_id)
    .bind(kind.as_str().to_owned())
    .bind(id)
    .bind(version)
    .bind(data.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Gives `membership_id` a copy of every entity of `from_membership` of these kinds (a new
/// brand's membership joining a group's shared points), each with a new version.
pub async fn copy_kinds(
    conn: &mut AnyConnection,
    from_membership: &str,
    membership_id: &str,
    kinds: &[EntityKind],
) -> Result<(), StoreError> {
    for kind in kinds {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM entities WHERE membership_id = $1 AND kind = $2",
        )
        .bind(from_membership)
        .bind(kind.as_str().to_owned())
        .fetch_one(&mut *conn)
        .await?;
        if count == 0 {
            continue;
        }
        let last = next_versions(conn, usize::try_from(count).unwrap_or(0)).await?;
        sqlx::query(
            "INSERT INTO entities (membership_id, kind, id, version, deleted, data) \
             SELECT $1, kind, id, $2 + ROW_NUMBER() OVER (ORDER BY version), deleted, data \
             FROM entities WHERE membership_id = $3 AND kind = $4",
        )
        .bind(membership_id)
        .bind(last - count)
        .bind(from_membership)
        .bind(kind.as_str().to_owned())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// One page of a pull.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub changes: Vec<Change>,
    pub cursor: String,
    pub more: bool,
    pub reset: bool,
}

#[derive(FromRow)]
struct EntityRow {
    kind: String,
    id: String,
    version: i64,
    deleted: i64,
    data: Option<String>,
}

/// The membership's changes after `cursor`, oldest first, at most one page. No cursor, or one
/// this issuer did not give out (another epoch, a version it has not reached, not ours at all),
/// starts a full snapshot from the beginning with `reset: true`.
pub async fn pull(
    db: &AnyPool,
    membership_id: &str,
    cursor: Option<&str>,
) -> Result<Page, StoreError> {
    let (epoch, latest) = state(db).await?;
    let after = cursor.and_then(|text| parse_cursor(text, &epoch, latest));
    let reset = after.is_none();
    let after = after.unwrap_or(0);

    let page_plus_one = i64::try_from(MAX_CHANGES_PER_PAGE + 1).unwrap_or(i64::MAX);
    let mut rows: Vec<EntityRow> = sqlx::query_as(
        "SELECT kind, id, version, deleted, data FROM entities \
         WHERE membership_id = $1 AND version > $2 ORDER BY version LIMIT $3",
    )
    .bind(membership_id)
    .bind(after)
    .bind(page_plus_one)
    .fetch_all(db)
    .await?;
    let more = rows.len() > MAX_CHANGES_PER_PAGE;
    rows.truncate(MAX_CHANGES_PER_PAGE);

    let last = rows.last().map_or(after, |row| row.version);
    let changes = rows
        .into_iter()
        .map(to_change)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page {
        changes,
        cursor: format_cursor(&epoch, last),
        more,
        reset,
    })
}

fn to_change(row: EntityRow) -> Result<Change, StoreError> {
    let deleted = row.deleted != 0;
    let data = match (deleted, row.data) {
        (false, Some(text)) => Some(serde_json::from_str(&text).map_err(|e| {
            StoreError::corrupt(format!(
                "entity {} {}: stored data is not JSON: {e}",
                row.kind, row.id
            ))
        })?),
        (false, None) => {
            return Err(StoreError::corrupt(format!(
                "entity {} {} has no data and is not deleted",
                row.kind, row.id
            )))
        }
        (true, _) => None,
    };
    Ok(Change {
        kind: EntityKind::parse(&row.kind),
        version: u64::try_from(row.version).map_err(|_| {
            StoreError::corrupt(format!("entity {} has a negative version", row.id))
        })?,
        id: row.id,
        deleted,
        data,
    })
}

/// `<epoch>.<version>`: opaque to wallets, which send it back as they got it.
pub fn format_cursor(epoch: &str, version: i64) -> String {
    format!("{epoch}.{version}")
}

/// The version a cursor stands for, if this issuer gave it out.
fn parse_cursor(text: &str, epoch: &str, latest: i64) -> Option<i64> {
    let (cursor_epoch, version) = text.split_once('.')?;
    let version: i64 = version.parse().ok()?;
    (cursor_epoch == epoch && (0..=latest).contains(&version)).then_some(version)
}

/// The current epoch and latest version (for tests and the bench).
pub async fn state(db: &AnyPool) -> Result<(String, i64), StoreError> {
    let (version, epoch): (i64, String) =
        sqlx::query_as("SELECT version, epoch FROM sync_state WHERE id = 1")
            .fetch_one(db)
            .await?;
    Ok((epoch, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_strangers_are_unknown() {
        let cursor = format_cursor("0a1b", 42);
        assert_eq!(cursor, "0a1b.42");
        assert_eq!(parse_cursor(&cursor, "0a1b", 42), Some(42));
        assert_eq!(parse_cursor(&cursor, "0a1b", 100), Some(42));
        // From the future (a restored backup), another database, not a cursor at all.
        assert_eq!(parse_cursor(&cursor, "0a1b", 41), None);
        assert_eq!(parse_cursor(&cursor, "ffff", 100), None);
        for text in ["", "42", "0a1b.", "0a1b.-1", "0a1b.x", "0a1b.1.2"] {
            assert_eq!(parse_cursor(text, "0a1b", 100), None, "{text}");
        }
    }
}
