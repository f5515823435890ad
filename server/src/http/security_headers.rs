//! The headers that tell a browser what the wallet may do, on every answer: no MIME sniffing, no
//! referrer (join links carry join codes), the camera for this origin only and nothing else of
//! the device, and on the app's pages a strict Content-Security-Policy. API answers are never
//! stored by a cache (`no-store`: the enroll answer carries a token and a TOTP secret).
//!
//! The policy allows the app's own files, WebAssembly (`'wasm-unsafe-eval'`), and the inline
//! scripts of the served index.html by their SHA-256, computed from the file when the server
//! starts, so the list can never disagree with the file it covers; there is no `'unsafe-inline'`
//! for scripts. Inline style attributes are allowed (`style-src-attr`): the app sets card colours
//! and list positions that way, and a style attribute cannot run code. `connect-src` is as wide as
//! "any issuer" needs: any https origin, plus plain http on loopback, as `IssuerUrl` accepts
//! (but for `http://[::1]` and `http://127.0.0.2`...: a CSP source cannot name an IPv6 address
//! or a range of addresses, so only `localhost` and `127.0.0.1` are listed). Images may also come
//! from LINE's profile picture host (`profile.line-scdn.net`): inside LINE the join screen and
//! the profile show the customer's LINE picture (app/src/platform/liff.rs).

use axum::http::{header, HeaderName, HeaderValue};
use sha2::{Digest, Sha256};

/// Headers for every answer.
pub const COMMON: [(HeaderName, &str); 3] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
    (
        HeaderName::from_static("permissions-policy"),
        "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), \
         bluetooth=(), hid=(), midi=(), display-capture=()",
    ),
];

/// `Cache-Control` of every `/v1` answer.
pub const API_CACHE_CONTROL: &str = "no-store";

/// The Content-Security-Policy of the app's pages, allowing the inline scripts of `index_html`.
pub fn content_security_policy(index_html: &str) -> HeaderValue {
    let hashes: String = inline_scripts(index_html)
        .map(|script| format!(" 'sha256-{}'", base64(&Sha256::digest(script.as_bytes()))))
        .collect();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self'; style-src-attr 'unsafe-inline'; \
         img-src 'self' data: blob: https://profile.line-scdn.net; \
         connect-src 'self' https: http://localhost:* http://*.localhost:* \
         http://127.0.0.1:*; worker-src 'self'; manifest-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    // Made of ASCII only (base64 and the fixed text), so it is a valid header value.
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

/// The text of each `<script>` without a `src`, exactly as the browser hashes it.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    let mut rest = html;
    std::iter::from_fn(move || loop {
        let start = rest.find("<script")?;
        let after_tag = start + rest[start..].find('>')? + 1;
        let tag = &rest[start..after_tag];
        let end = after_tag + rest[after_tag..].find("</script>")?;
        let text = &rest[after_tag..end];
        rest = &rest[end + "</script>".len()..];
        if !tag.contains(" src=") {
            return Some(text);
        }
    })
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        for (text, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(text.as_bytes()), encoded);
        }
    }

    #[test]
    fn the_policy_names_each_inline_script_by_its_hash_and_no_unsafe_inline_script() {
        let html = "<script type=\"module\">start()</script><script src=\"/a.js\"></script>\
                    <script>\nshell()\n</script>";
        let scripts: Vec<&str> = inline_scripts(html).collect();
        assert_eq!(scripts, ["start()", "\nshell()\n"]);
        let policy = content_security_policy(html);
        let policy = policy.to_str().unwrap();
        let hash = base64(&Sha256::digest(b"start()"));
        assert!(policy.contains(&format!("'sha256-{hash}'")), "{policy}");
        let script_src = policy
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap();
        assert!(!script_src.contains("unsafe-inline"), "{script_src}");
        assert!(policy.contains("frame-ancestors 'none'"));
    }
}
