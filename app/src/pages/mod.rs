//! One file per route.

mod join;
mod member_card;
mod not_found;
mod wallet;

pub use join::JoinPage;
pub use member_card::MemberCardPage;
pub use not_found::NotFoundPage;
pub use wallet::WalletPage;
