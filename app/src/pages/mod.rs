//! One file per route.

mod join;
mod member_card;
mod member_profile;
mod not_found;
mod sync_line;
mod wallet;

pub use join::JoinPage;
pub use member_card::MemberCardPage;
pub use not_found::NotFoundPage;
pub use wallet::WalletPage;
