//! One file per route.

mod card_news;
mod carrier_setting;
mod checkout;
mod coupons;
mod expiring_strip;
mod games;
mod invite;
pub(crate) mod join;
mod later_page;
mod ledger;
mod loyalty_sections;
mod member_card;
mod member_profile;
mod not_found;
mod plain_card;
mod rejected_notice;
mod scan;
mod settings;
mod storage_words;
mod survey;
mod sync_line;
mod transfer_setting;
mod wallet;

pub use checkout::CheckoutPage;
pub use coupons::{CouponPage, CouponsPage};
pub use games::GamesPage;
pub use invite::InvitePage;
pub use join::JoinPage;
pub use ledger::LedgerPage;
pub use member_card::MemberCardPage;
pub use not_found::NotFoundPage;
pub use plain_card::PlainCardPage;
pub use scan::ScanPage;
pub use settings::SettingsPage;
pub use survey::SurveyPage;
pub use wallet::WalletPage;
