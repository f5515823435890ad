//! One file per route.

mod arrange;
mod card_news;
mod carrier_setting;
mod checkout;
mod coupons;
mod expiring_strip;
mod home_list;
mod hosted_page;
mod inbox;
pub(crate) mod join;
mod later_page;
mod leave;
mod ledger;
mod loyalty_sections;
mod member_card;
mod member_profile;
mod not_found;
mod plain_card;
mod rejected_notice;
mod settings;
mod storage_words;
mod sync_line;
mod transfer_setting;
mod wallet;

pub use arrange::ArrangePage;
pub use checkout::CheckoutPage;
pub use coupons::{CouponPage, CouponsPage};
pub use hosted_page::{Hosted, HostedPage};
pub use inbox::{CardInboxPage, InboxPage};
pub use join::JoinPage;
pub use ledger::LedgerPage;
pub use member_card::MemberCardPage;
pub use not_found::NotFoundPage;
pub use plain_card::PlainCardPage;
pub use settings::SettingsPage;
pub use wallet::WalletPage;
