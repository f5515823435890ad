//! Who a request comes from, for the limits per client address (joins, syncs): the peer's
//! address, or behind a reverse proxy the address it appended to X-Forwarded-For.

use crate::state::AppState;
use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::Extension;
use std::net::{IpAddr, SocketAddr};

/// `client_key` of a request's parts, for an extractor (the cashier key's).
pub fn client_key_of(state: &AppState, parts: &Parts) -> Option<String> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| Extension(*info));
    client_key(state, peer, &parts.headers)
}

/// The key a limit per client address counts the request under; `None` for a request that
/// carries no peer address (an in-process test or bench without `ConnectInfo`).
pub fn client_key(
    state: &AppState,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: &HeaderMap,
) -> Option<String> {
    let peer = peer.map(|Extension(ConnectInfo(peer))| peer.ip());
    client_address(state.behind_proxy, peer, headers).map(key_of)
}

/// The client's address: the peer's, or behind a proxy the last address in X-Forwarded-For (the
/// one the proxy saw; earlier ones are only the client's word). Without a readable one, the peer.
pub fn client_address(
    behind_proxy: bool,
    peer: Option<IpAddr>,
    headers: &HeaderMap,
) -> Option<IpAddr> {
    let forwarded = || {
        let last_header = headers.get_all("x-forwarded-for").iter().next_back()?;
        let last_address = last_header.to_str().ok()?.rsplit(',').next()?;
        last_address.trim().parse().ok()
    };
    behind_proxy.then(forwarded).flatten().or(peer)
}

/// Whom the joins-per-address limit counts: an IPv4 address, or an IPv6 /64 (one home or phone
/// is usually given a whole /64, so its single addresses cost nothing to change).
fn key_of(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}
