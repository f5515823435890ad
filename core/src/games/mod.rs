//! Scratch cards and prize wheels (protocol.md §14): the `draw_seed` and `ticket` entities and the
//! mutations that play a ticket, set the wallet's client seed and rotate the seed. How an outcome
//! is drawn and checked is `crate::fair_draw`.

mod check;
mod entities;
mod mutations;
pub mod wheel;

pub use check::check_seed;
pub use entities::{DrawSeedData, GameKind, PrizeDisplay, TicketData, TicketState};
pub use mutations::{draw_rotate_seed, draw_set_client_seed, ticket_play};
