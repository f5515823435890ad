//! The database's versioned schema. Each version lists what it adds; opening the database at the
//! latest version runs the upgrade for whatever an older wallet on this phone lacks. Later
//! versions only ever add stores and indexes, never drop data.
//!
//! Every store of every version must be listed in `open`: rexie deletes stores it is not told
//! about when it upgrades.
//!
//! | version | adds |
//! |---|---|
//! | 1 | `memberships` (key `id`) |
//! | 2 | `outbox` (key `[membership_id, seq]`), `entities` (key `[membership_id, kind, id]`), `sync_state` (key `membership_id`), `rejected` (key `[membership_id, seq]`), `meta` (key `key`) |

use super::StorageError;
use rexie::{ObjectStore, Rexie};

pub const DATABASE_NAME: &str = "member-wallet";
pub const VERSION: u32 = 2;
pub const MEMBERSHIPS: &str = "memberships";
/// Queued customer intents, waiting for the issuer.
pub const OUTBOX: &str = "outbox";
/// What issuers sent: absolute values with versions, tombstones included.
pub const ENTITIES: &str = "entities";
/// Per membership: cursor, next sequence number, last sync.
pub const SYNC_STATE: &str = "sync_state";
/// Mutations the issuer refused, with its reason, until the customer has seen them.
pub const REJECTED: &str = "rejected";
/// Wallet-wide values such as this installation's client id.
pub const META: &str = "meta";

/// Opens (creating or upgrading) the wallet database.
pub async fn open() -> Result<Rexie, StorageError> {
    let database = Rexie::builder(DATABASE_NAME)
        .version(VERSION)
        .add_object_store(ObjectStore::new(MEMBERSHIPS).key_path("id"))
        .add_object_store(ObjectStore::new(OUTBOX).key_path_array(["membership_id", "seq"]))
        .add_object_store(ObjectStore::new(ENTITIES).key_path_array([
            "membership_id",
            "kind",
            "id",
        ]))
        .add_object_store(ObjectStore::new(SYNC_STATE).key_path("membership_id"))
        .add_object_store(ObjectStore::new(REJECTED).key_path_array(["membership_id", "seq"]))
        .add_object_store(ObjectStore::new(META).key_path("key"))
        .build()
        .await?;
    Ok(database)
}

thread_local! {
    static OPEN: std::cell::RefCell<Option<std::rc::Rc<Rexie>>> = const { std::cell::RefCell::new(None) };
}

/// The one connection this page uses, opened on first use.
pub async fn database() -> Result<std::rc::Rc<Rexie>, StorageError> {
    if let Some(db) = OPEN.with(|open| open.borrow().clone()) {
        return Ok(db);
    }
    let db = std::rc::Rc::new(open().await?);
    OPEN.with(|open| *open.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// Set by "clear this phone's wallet": the next start deletes the database before opening it.
const CLEAR_FLAG: &str = "mw.clear-wallet";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Asks the next start to remove the wallet from this phone, and starts again now, on the
/// wallet's first page. At the start nothing holds the database open in this tab, so the
/// deletion is not blocked by our own connections.
pub fn clear_on_next_start() {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(CLEAR_FLAG, "1");
    }
    if let Some(window) = web_sys::window() {
        let _ = window.location().replace("/");
    }
}

/// At the start, before anything opens the database: when asked, deletes it and every `mw.` key
/// of localStorage (layout, last card, language...). The open that follows waits for the
/// deletion (IndexedDB queues them in order).
pub fn clear_if_asked() {
    let Some(storage) = local_storage() else {
        return;
    };
    if storage.get_item(CLEAR_FLAG).ok().flatten().is_none() {
        return;
    }
    if let Some(factory) = web_sys::window().and_then(|w| w.indexed_db().ok().flatten()) {
        let _ = factory.delete_database(DATABASE_NAME);
    }
    let keys: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with("mw."))
        .collect();
    for key in keys {
        let _ = storage.remove_item(&key);
    }
}
