//! The database's versioned schema. Each version lists what it adds; opening the database at the
//! latest version runs the upgrade for whatever an older wallet on this phone lacks. Later
//! versions only ever add stores and indexes, never drop data.
//!
//! | version | adds |
//! |---|---|
//! | 1 | `memberships` (key `id`) |

use super::StorageError;
use rexie::{ObjectStore, Rexie};

pub const DATABASE_NAME: &str = "member-wallet";
pub const VERSION: u32 = 1;
pub const MEMBERSHIPS: &str = "memberships";

/// Opens (creating or upgrading) the wallet database.
pub async fn open() -> Result<Rexie, StorageError> {
    let database = Rexie::builder(DATABASE_NAME)
        .version(VERSION)
        .add_object_store(ObjectStore::new(MEMBERSHIPS).key_path("id"))
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
