//! Whether a join link leads to an issuer the customer has never joined: then the wallet asks
//! before it sends anything there, showing the host. Anyone can print a QR code; a stranger's
//! issuer could fill the wallet or collect join attempts. The wallet's own server and hosts the
//! customer already joined are not asked about.

use crate::IssuerUrl;

/// `true` when `issuer` is neither on the wallet page's own origin nor on a host of one of the
/// issuers the customer has joined.
pub fn is_new_issuer<'a>(
    issuer: &IssuerUrl,
    own_origin: &str,
    joined: impl IntoIterator<Item = &'a IssuerUrl>,
) -> bool {
    let own = own_origin.trim_end_matches('/');
    let on_own_origin = issuer
        .as_str()
        .strip_prefix(own)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    let host = issuer.host();
    !on_own_origin
        && !joined
            .into_iter()
            .any(|known| known.host().eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer(text: &str) -> IssuerUrl {
        IssuerUrl::parse(text, None).unwrap()
    }

    #[test]
    fn a_host_never_joined_is_new_and_a_known_one_is_not() {
        let own = "https://wallet.example";
        let joined = [issuer("https://shop.example/api")];
        assert!(is_new_issuer(
            &issuer("https://stranger.example"),
            own,
            &joined
        ));
        assert!(!is_new_issuer(
            &issuer("https://shop.example/other"),
            own,
            &joined
        ));
        assert!(!is_new_issuer(
            &issuer("https://SHOP.example"),
            own,
            &joined
        ));
        // The wallet's own server, on its own origin (with or without a path).
        assert!(!is_new_issuer(&issuer("https://wallet.example"), own, []));
        assert!(!is_new_issuer(
            &issuer("https://wallet.example/v2"),
            own,
            []
        ));
        // Not fooled by a host that only starts like the own one, or another port.
        assert!(is_new_issuer(
            &issuer("https://wallet.example.evil"),
            own,
            []
        ));
        assert!(is_new_issuer(
            &issuer("https://wallet.example:8443"),
            own,
            []
        ));
    }
}
