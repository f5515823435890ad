//! What a refused scan was, in the customer's words (core's `ScanRefusal` says it in English for
//! logs; this is the same list in both languages).

use crate::words::{fill, Words};
use wallet_core::scan::ScanRefusal;

pub fn text(refusal: &ScanRefusal, words: &Words) -> String {
    match refusal {
        ScanRefusal::Empty => words.scan_refused_empty.to_owned(),
        ScanRefusal::TooLong { bytes } => {
            fill(words.scan_refused_too_long, "bytes", &bytes.to_string())
        }
        ScanRefusal::Binary => words.scan_refused_binary.to_owned(),
        ScanRefusal::HiddenCharacters => words.scan_refused_hidden.to_owned(),
        ScanRefusal::OtherScheme { scheme } => {
            fill(words.scan_refused_other_scheme, "scheme", scheme)
        }
        ScanRefusal::OtherAddress { host } => fill(words.scan_refused_other_address, "host", host),
        ScanRefusal::InsecureIssuer { host } => fill(words.scan_refused_insecure, "host", host),
        ScanRefusal::BadIssuer(_) => words.scan_refused_bad_issuer.to_owned(),
        ScanRefusal::BadJoinCode => words.scan_refused_bad_join_code.to_owned(),
        ScanRefusal::BadReferralCode => words.scan_refused_bad_referral.to_owned(),
        ScanRefusal::BadClaimCode => words.scan_refused_bad_claim.to_owned(),
        ScanRefusal::OwnMemberCode => words.scan_refused_own_member_code.to_owned(),
        ScanRefusal::MemberCode => words.scan_refused_member_code.to_owned(),
        ScanRefusal::NewerMemberCode => words.scan_refused_newer_member_code.to_owned(),
        ScanRefusal::CouponCode => words.scan_refused_coupon_code.to_owned(),
        ScanRefusal::NotRecognised => words.scan_refused_not_recognised.to_owned(),
    }
}
