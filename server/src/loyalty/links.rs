//! The links a merchant prints or a member shares, for this server as both wallet and issuer
//! (`public_url`): join, claim and referral links, built by wallet-core's `JoinRequest`, which is
//! also what reads them in the wallet (`wallet_core::scan`).

use wallet_core::claim::ClaimCode;
use wallet_core::referral::ReferralCode;
use wallet_core::{IssuerUrl, JoinRequest};

/// The merchant's join request at `public_url`; `None` when the address is not one a wallet
/// accepts as an issuer (plain http to a host that is not loopback and not the wallet itself is
/// fine here: the wallet is served from the same address).
pub fn join_request(public_url: &str, join_code: &str) -> Option<JoinRequest> {
    let issuer = IssuerUrl::parse(public_url, Some(public_url)).ok()?;
    Some(JoinRequest {
        issuer,
        code: join_code.to_ascii_uppercase(),
    })
}

pub fn join_link(public_url: &str, join_code: &str) -> Option<String> {
    join_request(public_url, join_code).map(|join| join.to_link(public_url))
}

pub fn claim_link(public_url: &str, join_code: &str, claim: &ClaimCode) -> Option<String> {
    join_request(public_url, join_code).map(|join| join.to_claim_link(public_url, claim))
}

pub fn referral_link(public_url: &str, join_code: &str, code: &ReferralCode) -> Option<String> {
    join_request(public_url, join_code).map(|join| join.to_referral_link(public_url, code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_this_server_as_issuer() {
        let claim = ClaimCode::parse("K7Q2M4PA9X3D").unwrap();
        assert_eq!(
            claim_link("http://127.0.0.1:8080", "cafe", &claim).as_deref(),
            Some("http://127.0.0.1:8080/claim?issuer=http%3A%2F%2F127.0.0.1%3A8080&code=CAFE&claim=K7Q2M4PA9X3D")
        );
        assert_eq!(join_link("http://bad_host:8080", "CAFE"), None);
    }
}
