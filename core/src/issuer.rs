//! The issuer's base URL: where a membership syncs. It arrives in join links and QR codes that
//! anyone can craft, so it is parsed strictly before the wallet sends anything to it.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

pub const MAX_ISSUER_LEN: usize = 200;

/// A normalised `https://host[:port][/path]` (or `http://` for loopback and the wallet's own
/// origin), without a trailing slash, query, fragment or credentials.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct IssuerUrl(String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssuerUrlError {
    Missing,
    /// `javascript:`, `data:`, `ftp:`... anything that is not a web address.
    NotWebAddress,
    /// Plain `http://` to a host that is neither loopback nor the wallet's own origin.
    Insecure,
    Malformed,
}

impl fmt::Display for IssuerUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Missing => "no issuer address was given",
            Self::NotWebAddress => "the issuer address is not a web address",
            Self::Insecure => "the issuer address is not secure (https)",
            Self::Malformed => "the issuer address is not valid",
        })
    }
}

impl std::error::Error for IssuerUrlError {}

impl IssuerUrl {
    /// `same_origin` is the wallet page's own origin, whose plain-http address is trusted (the
    /// reference server serves the wallet and its API together on a LAN demo).
    pub fn parse(text: &str, same_origin: Option<&str>) -> Result<Self, IssuerUrlError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(IssuerUrlError::Missing);
        }
        if text.len() > MAX_ISSUER_LEN {
            return Err(IssuerUrlError::Malformed);
        }
        let lower = text.to_ascii_lowercase();
        let (secure, rest) = if let Some(rest) = lower.strip_prefix("https://") {
            (true, &text[text.len() - rest.len()..])
        } else if let Some(rest) = lower.strip_prefix("http://") {
            (false, &text[text.len() - rest.len()..])
        } else {
            return Err(IssuerUrlError::NotWebAddress);
        };
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host = parse_authority(authority).ok_or(IssuerUrlError::Malformed)?;
        let path = path.trim_end_matches('/');
        if !path.bytes().all(is_path_byte) {
            return Err(IssuerUrlError::Malformed);
        }
        let normalised = format!(
            "{}://{}{}",
            if secure { "https" } else { "http" },
            authority.to_ascii_lowercase(),
            path
        );
        let own_origin = same_origin.is_some_and(|origin| {
            normalised == origin.trim_end_matches('/')
                || normalised.starts_with(&format!("{}/", origin.trim_end_matches('/')))
        });
        if !secure && !is_loopback(&host) && !own_origin {
            return Err(IssuerUrlError::Insecure);
        }
        Ok(Self(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host (and port) to show a customer: they should see whom they are joining.
    pub fn host(&self) -> &str {
        let rest = self.0.split_once("://").map_or("", |(_, rest)| rest);
        rest.split('/').next().unwrap_or(rest)
    }

    /// `{base}/v1/{path}`.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}/v1/{}", self.0, path.trim_start_matches('/'))
    }
}

/// Returns the host of `host[:port]`, refusing credentials, odd characters and bad ports.
fn parse_authority(authority: &str) -> Option<String> {
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        if host.is_empty() || !host.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return None;
        }
        (host, after.strip_prefix(':'))
    } else {
        let mut parts = authority.splitn(2, ':');
        let host = parts.next()?;
        let valid = !host.is_empty()
            && host.len() <= 253
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            && !host.starts_with('.')
            && !host.starts_with('-');
        if !valid {
            return None;
        }
        (host, parts.next())
    };
    if let Some(port) = port {
        if port.is_empty() || port.len() > 5 || port.parse::<u16>().ok()? == 0 {
            return None;
        }
    }
    Some(host.to_ascii_lowercase())
}

fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"/-._~".contains(&b)
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.ends_with(".localhost") || host == "::1" || host.starts_with("127.")
}

impl fmt::Display for IssuerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IssuerUrl {
    /// Stored issuers were validated when the membership was made; re-check on the way in so a
    /// tampered store cannot smuggle in a `javascript:` address.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let lower = text.to_ascii_lowercase();
        let origin = lower.starts_with("http://").then_some(text.as_str());
        Self::parse(&text, origin).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalises() {
        let url = IssuerUrl::parse("HTTPS://Wallet.Example.com/api/", None).unwrap();
        assert_eq!(url.as_str(), "https://wallet.example.com/api");
        assert_eq!(
            url.endpoint("enroll"),
            "https://wallet.example.com/api/v1/enroll"
        );
        assert_eq!(url.host(), "wallet.example.com");
        let local = IssuerUrl::parse("http://127.0.0.1:8080", None).unwrap();
        assert_eq!(local.host(), "127.0.0.1:8080");
        assert!(IssuerUrl::parse("http://[::1]:8080", None).is_ok());
    }

    #[test]
    fn refuses_hostile_and_insecure() {
        use IssuerUrlError::*;
        assert_eq!(
            IssuerUrl::parse("javascript:alert(1)", None),
            Err(NotWebAddress)
        );
        assert_eq!(
            IssuerUrl::parse("JaVaScRiPt:alert(1)", None),
            Err(NotWebAddress)
        );
        assert_eq!(
            IssuerUrl::parse("data:text/html,hi", None),
            Err(NotWebAddress)
        );
        assert_eq!(IssuerUrl::parse("", None), Err(Missing));
        assert_eq!(
            IssuerUrl::parse("http://shop.example.com", None),
            Err(Insecure)
        );
        assert_eq!(
            IssuerUrl::parse("https://user:pw@shop.example.com", None),
            Err(Malformed)
        );
        assert_eq!(
            IssuerUrl::parse("https://shop.example.com?x=1", None),
            Err(Malformed)
        );
        assert_eq!(
            IssuerUrl::parse("https://shop.example.com/#x", None),
            Err(Malformed)
        );
        assert_eq!(
            IssuerUrl::parse("https://shop.example.com:0", None),
            Err(Malformed)
        );
        assert_eq!(
            IssuerUrl::parse("https://shop.example.com:99999", None),
            Err(Malformed)
        );
        assert_eq!(IssuerUrl::parse("https://", None), Err(Malformed));
        assert_eq!(IssuerUrl::parse("https://<script>", None), Err(Malformed));
    }

    #[test]
    fn trusts_plain_http_on_the_wallets_own_origin() {
        let origin = Some("http://192.168.1.20:8080");
        assert!(IssuerUrl::parse("http://192.168.1.20:8080", origin).is_ok());
        assert!(IssuerUrl::parse("http://192.168.1.20:8080/", origin).is_ok());
        assert!(IssuerUrl::parse("http://192.168.1.21:8080", origin).is_err());
        assert!(IssuerUrl::parse("http://192.168.1.20:80800", origin).is_err());
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,80}") {
            let _ = IssuerUrl::parse(&text, Some("http://a"));
        }
    }
}
