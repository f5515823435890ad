//! wallet-components: presentational Leptos components. Props in, callbacks out: nothing here
//! touches IndexedDB or the network, and no text is hard-coded (labels come in as props, already
//! translated by the app).

mod countdown;
mod member_qr;
mod membership_tile;

pub use countdown::Countdown;
pub use member_qr::{qr_svg, MemberQr};
pub use membership_tile::MembershipTile;
