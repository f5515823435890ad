//! Provably fair prize draws (protocol.md §12): the scheme that lets a customer check every
//! scratch card and wheel outcome while the wallet still reveals it with no network.
//!
//! Per membership the issuer commits to `SHA-256(server_seed)` before the wallet sets its client
//! seed; each ticket's outcome is a weighted pick, by rejection sampling, from
//! `HMAC-SHA256(server_seed, "{client_seed}:{nonce}:{prize_table_hash}")`, the nonce counting
//! that seed's tickets from 1. The issuer draws when it issues the ticket (so the wallet can show
//! the outcome offline); rotating the seed reveals it, and the wallet recomputes every ticket of
//! that seed with the same functions the issuer used.
//!
//! Pure functions, no randomness of their own: the server brings the seed, the wallet its client
//! seed, and both sides run this code.

mod draw;
mod hex;
mod prize_table;
mod verify;

pub use draw::{commitment, draw, SeedError, ServerSeed};
pub use prize_table::{PrizeSlot, PrizeTable, PrizeTableError, MAX_SLOTS, MAX_TOTAL_WEIGHT};
pub use verify::{verify_seed, ClientSeed, DrawnTicket, TicketCheck, Verification};
