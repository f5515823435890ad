//! wallet-core: the domain and protocol of Member Wallet.
//!
//! No web and no server dependencies: this crate builds natively and for wasm32 and is shared by
//! the app (`wallet-app`) and the reference server (`wallet-server`), so both sides agree on
//! what a member code is, how a TOTP is computed and what travels over the wire.

#[cfg(feature = "barcode")]
pub mod barcode;
pub mod base32;
pub mod card_face;
pub mod cashier;
#[cfg(feature = "catima")]
pub mod catima;
pub mod claim;
pub mod coupon_code;
pub mod einvoice_carrier;
pub mod fair_draw;
pub mod games;
pub mod issuer;
pub mod join_link;
pub mod loyalty;
pub mod loyalty_rules;
pub mod member_code;
pub mod merge;
pub mod message;
pub mod model;
pub mod mutation;
pub mod plain_card;
pub mod protocol;
pub mod referral;
pub mod retry;
pub mod scan;
pub mod short_code;
pub mod survey;
pub mod sync;
pub mod text;
pub mod totp;
pub mod wallet;
#[cfg(feature = "catima")]
pub mod zip_entry;

pub use coupon_code::{CouponCode, CouponCodeError};
pub use issuer::{IssuerUrl, IssuerUrlError};
pub use join_link::{JoinLinkError, JoinRequest};
pub use member_code::{MemberCode, MemberCodeError};
pub use model::{BrandColor, LocalizedText, MembershipId, MerchantDisplay};
pub use mutation::{Intent, IntentError};
pub use scan::{parse_scan, ScanContext, ScanRefusal, ScanTarget};
pub use totp::{Totp, TotpAlgorithm};
