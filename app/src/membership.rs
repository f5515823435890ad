//! A membership as the wallet keeps it in IndexedDB (the type is `core`'s, shared with the
//! wallet's export file).

pub use wallet_core::wallet::records::StoredMembership;
