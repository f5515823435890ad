//! Time-based one-time passwords exactly as RFC 6238 (HOTP of RFC 4226 over a time step).
//!
//! HMAC-SHA1 with 6 digits and a 30 s step is the default, so any authenticator library and any
//! POS that knows TOTP interoperates; SHA-256 and SHA-512 are there because the RFC defines them.

use hmac::digest::core_api::BlockSizeUser;
use hmac::digest::{Digest, KeyInit};
use hmac::{Mac, SimpleHmac};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TotpAlgorithm {
    #[default]
    Sha1,
    Sha256,
    Sha512,
}

/// The shared secret and parameters of one membership's rotating member code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totp {
    secret: Vec<u8>,
    pub algorithm: TotpAlgorithm,
    pub digits: u32,
    pub period_secs: u64,
}

pub const DEFAULT_DIGITS: u32 = 6;
pub const DEFAULT_PERIOD_SECS: u64 = 30;

impl Totp {
    /// The interoperable default: HMAC-SHA1, 6 digits, 30 s.
    pub fn new(secret: Vec<u8>) -> Self {
        Self::with_params(
            secret,
            TotpAlgorithm::Sha1,
            DEFAULT_DIGITS,
            DEFAULT_PERIOD_SECS,
        )
    }

    /// `digits` is clamped to 6..=10 and `period_secs` to at least 1: outside that range a code is
    /// either trivially guessable or cannot be written down (10 digits is HOTP's ceiling).
    pub fn with_params(
        secret: Vec<u8>,
        algorithm: TotpAlgorithm,
        digits: u32,
        period_secs: u64,
    ) -> Self {
        Self {
            secret,
            algorithm,
            digits: digits.clamp(6, 10),
            period_secs: period_secs.max(1),
        }
    }

    pub fn secret(&self) -> &[u8] {
        &self.secret
    }

    /// The time step a Unix time (seconds) falls in: RFC 6238's `T = (now - T0) / X` with T0 = 0.
    pub fn step_at(&self, unix_secs: u64) -> u64 {
        unix_secs / self.period_secs
    }

    /// Seconds left before the code for `unix_secs` rotates (1..=period).
    pub fn seconds_left(&self, unix_secs: u64) -> u64 {
        self.period_secs - unix_secs % self.period_secs
    }

    pub fn code_at(&self, unix_secs: u64) -> String {
        self.code_for_step(self.step_at(unix_secs))
    }

    /// RFC 4226 HOTP of the step: HMAC of the big-endian counter, dynamic truncation, modulo
    /// 10^digits, zero-padded.
    pub fn code_for_step(&self, step: u64) -> String {
        let counter = step.to_be_bytes();
        let digest = match self.algorithm {
            TotpAlgorithm::Sha1 => hmac::<sha1::Sha1>(&self.secret, &counter),
            TotpAlgorithm::Sha256 => hmac::<sha2::Sha256>(&self.secret, &counter),
            TotpAlgorithm::Sha512 => hmac::<sha2::Sha512>(&self.secret, &counter),
        };
        let offset = (digest[digest.len() - 1] & 0x0f) as usize;
        let binary = u32::from_be_bytes([
            digest[offset] & 0x7f,
            digest[offset + 1],
            digest[offset + 2],
            digest[offset + 3],
        ]);
        let value = u64::from(binary) % 10u64.pow(self.digits);
        format!("{value:0width$}", width = self.digits as usize)
    }
}

fn hmac<D: Digest + BlockSizeUser>(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac =
        <SimpleHmac<D> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_SHA1: &[u8] = b"12345678901234567890";
    const SEED_SHA256: &[u8] = b"12345678901234567890123456789012";
    const SEED_SHA512: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

    /// RFC 6238 Appendix B, every row: (time, SHA1, SHA256, SHA512), 8 digits, 30 s step.
    const APPENDIX_B: [(u64, &str, &str, &str); 6] = [
        (59, "94287082", "46119246", "90693936"),
        (1111111109, "07081804", "68084774", "25091201"),
        (1111111111, "14050471", "67062674", "99943326"),
        (1234567890, "89005924", "91819424", "93441116"),
        (2000000000, "69279037", "90698825", "38618901"),
        (20000000000, "65353130", "77737706", "47863826"),
    ];

    #[test]
    fn rfc6238_appendix_b_vectors() {
        let sha1 = Totp::with_params(SEED_SHA1.to_vec(), TotpAlgorithm::Sha1, 8, 30);
        let sha256 = Totp::with_params(SEED_SHA256.to_vec(), TotpAlgorithm::Sha256, 8, 30);
        let sha512 = Totp::with_params(SEED_SHA512.to_vec(), TotpAlgorithm::Sha512, 8, 30);
        for (time, want1, want256, want512) in APPENDIX_B {
            assert_eq!(sha1.code_at(time), want1, "SHA1 at {time}");
            assert_eq!(sha256.code_at(time), want256, "SHA256 at {time}");
            assert_eq!(sha512.code_at(time), want512, "SHA512 at {time}");
        }
    }

    #[test]
    fn rfc4226_hotp_vectors_six_digits() {
        // RFC 4226 Appendix D: HOTP of the same SHA1 seed for counters 0..9.
        let want = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        let totp = Totp::new(SEED_SHA1.to_vec());
        for (counter, code) in want.iter().enumerate() {
            assert_eq!(totp.code_for_step(counter as u64), *code);
        }
    }

    #[test]
    fn countdown_and_step() {
        let totp = Totp::new(SEED_SHA1.to_vec());
        assert_eq!(totp.step_at(59), 1);
        assert_eq!(totp.seconds_left(59), 1);
        assert_eq!(totp.seconds_left(60), 30);
        assert_eq!(totp.code_at(60), totp.code_at(89));
        assert_ne!(totp.code_at(89), totp.code_at(90));
    }

    #[test]
    fn parameters_are_clamped() {
        let totp = Totp::with_params(vec![1], TotpAlgorithm::Sha1, 2, 0);
        assert_eq!(totp.digits, 6);
        assert_eq!(totp.period_secs, 1);
    }
}
