//! A member code as a till presents it: parsed from the scanned or typed text, and checked
//! against the membership's TOTP secret and last used step. The database write that makes an
//! accepted code single-use is the caller's (`store::memberships::use_step`, or a purchase's).

use super::Refusal;
use crate::http::error::ApiError;
use crate::store::memberships::CodeRow;
use crate::store::secrets::constant_time_eq;
use axum::http::StatusCode;
use wallet_core::protocol::error_code;
use wallet_core::{base32, MemberCode, MembershipId, Totp};

/// Steps either side of now that are accepted: phone clocks drift, and a code shown just before
/// it rotates is often scanned just after.
pub const ACCEPTED_SKEW_STEPS: u64 = 1;
/// How far back an older code is still recognised, to tell the cashier "expired" (ask for a
/// fresh code) rather than "invalid" (maybe the wrong member).
pub const EXPIRED_LOOKBACK_SECS: u64 = 10 * 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeCheck {
    /// Valid for this step, which is newer than any step used before.
    Fresh(u64),
    /// Valid for a step that was already used (a replayed or re-scanned code).
    AlreadyUsed,
    /// Was the code of an older step, within the look-back.
    Expired,
    Invalid,
}

/// `last_used_step` is the newest step already accepted for this membership (0 if none).
pub fn check_code(totp: &Totp, code: &str, now_unix: u64, last_used_step: u64) -> CodeCheck {
    if code.len() != totp.digits as usize {
        return CodeCheck::Invalid;
    }
    let current = totp.step_at(now_unix);
    let lookback_steps = EXPIRED_LOOKBACK_SECS / totp.period_secs;
    let oldest = current.saturating_sub(lookback_steps);
    let newest = current.saturating_add(ACCEPTED_SKEW_STEPS);
    // Newest first: if two steps happen to share a code, the newer reading is the fair one.
    let matched = (oldest..=newest)
        .rev()
        .find(|&step| constant_time_eq(totp.code_for_step(step).as_bytes(), code.as_bytes()));
    match matched {
        None => CodeCheck::Invalid,
        Some(step) if step <= last_used_step => CodeCheck::AlreadyUsed,
        Some(step) if step + ACCEPTED_SKEW_STEPS < current => CodeCheck::Expired,
        Some(step) => CodeCheck::Fresh(step),
    }
}

/// The scanned or typed text as a member code, or `400 member_code_malformed`.
pub(crate) fn parse_member_code(payload: &str) -> Result<MemberCode, ApiError> {
    MemberCode::parse(payload).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            error_code::MEMBER_CODE_MALFORMED,
            e.to_string(),
        )
    })
}

/// A member code that is right for a step newer than any used: what remains is to record the
/// step (`last_used_step < step`, conditionally) in the caller's write.
pub(crate) struct CheckedCode {
    pub membership_id: MembershipId,
    pub step: i64,
    pub member_since: i64,
}

/// Checks the code against the membership as the caller read it (by its id and the cashier's
/// merchant: `None` when it is not a member of this shop); writes nothing. The outer error is
/// the server's own failure; the inner one is the answer to the cashier.
pub(crate) fn check_membership_code(
    row: Option<CodeRow>,
    member_code: &MemberCode,
    now: u64,
) -> Result<Result<CheckedCode, Refusal>, ApiError> {
    let id = &member_code.membership_id;
    let Some(row) = row else {
        return Ok(Err(Refusal::MembershipUnknown));
    };
    let secret = base32::decode(&row.totp_secret)
        .ok_or_else(|| ApiError::internal(format!("membership {id} has a corrupt TOTP secret")))?;
    let last_used_step = u64::try_from(row.last_used_step).unwrap_or(0);

    let step = match check_code(&Totp::new(secret), &member_code.code, now, last_used_step) {
        CodeCheck::Fresh(step) => step,
        CodeCheck::AlreadyUsed => return Ok(Err(Refusal::CodeAlreadyUsed)),
        CodeCheck::Expired => return Ok(Err(Refusal::CodeExpired)),
        CodeCheck::Invalid => return Ok(Err(Refusal::CodeInvalid)),
    };
    let step = i64::try_from(step).map_err(|_| ApiError::internal("TOTP step out of range"))?;
    Ok(Ok(CheckedCode {
        membership_id: MembershipId::clone(id),
        step,
        member_since: row.member_since,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_750_000_015;

    fn totp() -> Totp {
        Totp::new(b"12345678901234567890".to_vec())
    }

    fn code_at_offset(steps: i64) -> String {
        let totp = totp();
        let step = totp.step_at(NOW).checked_add_signed(steps).unwrap();
        totp.code_for_step(step)
    }

    #[test]
    fn window_of_one_step_either_side() {
        let totp = totp();
        let current = totp.step_at(NOW);
        assert_eq!(
            check_code(&totp, &code_at_offset(0), NOW, 0),
            CodeCheck::Fresh(current)
        );
        assert_eq!(
            check_code(&totp, &code_at_offset(-1), NOW, 0),
            CodeCheck::Fresh(current - 1)
        );
        assert_eq!(
            check_code(&totp, &code_at_offset(1), NOW, 0),
            CodeCheck::Fresh(current + 1)
        );
        assert_eq!(
            check_code(&totp, &code_at_offset(2), NOW, 0),
            CodeCheck::Invalid
        );
    }

    #[test]
    fn older_codes_are_expired_then_invalid() {
        let totp = totp();
        assert_eq!(
            check_code(&totp, &code_at_offset(-2), NOW, 0),
            CodeCheck::Expired
        );
        assert_eq!(
            check_code(&totp, &code_at_offset(-20), NOW, 0),
            CodeCheck::Expired
        );
        assert_eq!(
            check_code(&totp, &code_at_offset(-21), NOW, 0),
            CodeCheck::Invalid
        );
    }

    #[test]
    fn used_steps_and_older_are_replays() {
        let totp = totp();
        let current = totp.step_at(NOW);
        assert_eq!(
            check_code(&totp, &code_at_offset(0), NOW, current),
            CodeCheck::AlreadyUsed
        );
        assert_eq!(
            check_code(&totp, &code_at_offset(-1), NOW, current),
            CodeCheck::AlreadyUsed
        );
        assert_eq!(
            check_code(&totp, &code_at_offset(1), NOW, current),
            CodeCheck::Fresh(current + 1)
        );
    }

    #[test]
    fn wrong_length_is_invalid() {
        let code = code_at_offset(0);
        assert_eq!(
            check_code(&totp(), &format!("{code}0"), NOW, 0),
            CodeCheck::Invalid
        );
    }
}
