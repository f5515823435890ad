//! The scan parser against what a camera may read: wallet links, and a long list of hostile or
//! merely wrong payloads, each refused with what it was.

use super::*;
use proptest::prelude::*;

const ORIGIN: &str = "https://wallet.example";
const HELD: &str = "7K3D9QX2M4PA";

fn scan(text: &str) -> Result<ScanTarget, ScanRefusal> {
    let held = [MembershipId::parse(HELD).unwrap()];
    parse_scan(
        text,
        &ScanContext {
            own_origin: ORIGIN,
            held: &held,
            typed: false,
        },
    )
}

fn typed(text: &str) -> Result<ScanTarget, ScanRefusal> {
    parse_scan(
        text,
        &ScanContext {
            own_origin: ORIGIN,
            held: &[],
            typed: true,
        },
    )
}

fn join(issuer: &str, code: &str) -> JoinRequest {
    JoinRequest {
        issuer: IssuerUrl::parse(issuer, None).unwrap(),
        code: code.into(),
    }
}

#[test]
fn join_links() {
    let shop = "https://shop.example.com";
    assert_eq!(
        scan("https://wallet.example/join?issuer=https%3A%2F%2Fshop.example.com&code=cafe"),
        Ok(ScanTarget::Join(join(shop, "CAFE")))
    );
    // Without an issuer, the link's own origin is the issuer.
    assert_eq!(
        scan("https://other-wallet.example/join?code=CAFE"),
        Ok(ScanTarget::Join(join(
            "https://other-wallet.example",
            "CAFE"
        )))
    );
    // A wallet under a path, a trailing slash, a fragment.
    assert_eq!(
        scan("  https://wallet.example/w/join/?code=BOOKS#top \n"),
        Ok(ScanTarget::Join(join("https://wallet.example", "BOOKS")))
    );
    assert_eq!(
        scan("http://127.0.0.1:8080/join?issuer=http%3A%2F%2F127.0.0.1%3A8080&code=CAFE"),
        Ok(ScanTarget::Join(join("http://127.0.0.1:8080", "CAFE")))
    );
    // What join_link builds, scan reads.
    let built = join(shop, "YAKINIKU").to_link(ORIGIN);
    assert_eq!(scan(&built), Ok(ScanTarget::Join(join(shop, "YAKINIKU"))));
}

#[test]
fn referral_and_claim_links() {
    let shop = join("https://shop.example.com", "CAFE");
    let referral = ReferralCode::parse("7K3D9QX2M4").unwrap();
    let claim = ClaimCode::parse("K7Q2M4PA9X3D").unwrap();
    assert_eq!(
        scan(&shop.to_referral_link(ORIGIN, &referral)),
        Ok(ScanTarget::Referral {
            join: shop.clone(),
            referral: referral.clone()
        })
    );
    assert_eq!(
        scan(&shop.to_claim_link(ORIGIN, &claim)),
        Ok(ScanTarget::Claim {
            join: shop.clone(),
            claim: claim.clone()
        })
    );
    // Typed forms inside links are read forgivingly.
    assert_eq!(
        scan("https://wallet.example/claim?code=CAFE&claim=k7q2-m4pa-9x3d"),
        Ok(ScanTarget::Claim {
            join: join(ORIGIN, "CAFE"),
            claim
        })
    );
    assert_eq!(
        shop.to_claim_link(ORIGIN, &ClaimCode::parse("K7Q2M4PA9X3D").unwrap()),
        "https://wallet.example/claim?issuer=https%3A%2F%2Fshop.example.com&code=CAFE&claim=K7Q2M4PA9X3D"
    );
    assert_eq!(
        shop.to_referral_link(ORIGIN, &referral),
        "https://wallet.example/join?issuer=https%3A%2F%2Fshop.example.com&code=CAFE&ref=7K3D9QX2M4"
    );
}

#[test]
fn typed_join_codes() {
    assert_eq!(typed(" cafe "), Ok(ScanTarget::Join(join(ORIGIN, "CAFE"))));
    // A camera reading a bare word is not a wallet link.
    assert_eq!(scan("CAFE"), Err(ScanRefusal::NotRecognised));
    assert_eq!(typed("two words"), Err(ScanRefusal::NotRecognised));
}

#[test]
fn hostile_and_wrong_payloads_are_refused_with_what_they_were() {
    use ScanRefusal::*;
    let scheme = |s: &str| OtherScheme { scheme: s.into() };
    let address = |h: &str| OtherAddress { host: h.into() };
    let long = format!(
        "https://wallet.example/join?code=CAFE&x={}",
        "a".repeat(1000)
    );
    let cases: Vec<(String, ScanRefusal)> = vec![
        ("".into(), Empty),
        ("   \n ".into(), Empty),
        (long.clone(), TooLong { bytes: long.len() }),
        ("x".repeat(5000), TooLong { bytes: 5000 }),
        ("javascript:alert(1)".into(), scheme("javascript")),
        (
            "JaVaScRiPt:alert(document.cookie)".into(),
            scheme("javascript"),
        ),
        (
            " javascript:alert(1)//https://wallet.example/join?code=CAFE".into(),
            scheme("javascript"),
        ),
        (
            "data:text/html,<script>alert(1)</script>".into(),
            scheme("data"),
        ),
        ("data:text/html;base64,PHNjcmlwdD4=".into(), scheme("data")),
        ("vbscript:msgbox(1)".into(), scheme("vbscript")),
        ("file:///etc/passwd".into(), scheme("file")),
        ("blob:https://wallet.example/1234".into(), scheme("blob")),
        (
            "intent://scan/#Intent;scheme=zxing;end".into(),
            scheme("intent"),
        ),
        ("mailto:a@b.example".into(), scheme("mailto")),
        ("tel:+886212345678".into(), scheme("tel")),
        ("sms:+886212345678".into(), scheme("sms")),
        ("WIFI:S:cafe;T:WPA;P:secret;;".into(), scheme("wifi")),
        ("otpauth://totp/x?secret=JBSWY3DP".into(), scheme("otpauth")),
        ("line://ti/p/@shop".into(), scheme("line")),
        ("ftp://wallet.example/join?code=CAFE".into(), scheme("ftp")),
        ("BEGIN:VCARD".into(), scheme("begin")),
        ("BEGIN:VCARD\nFN:A\nEND:VCARD".into(), NotRecognised),
        ("https://evil.example/".into(), address("evil.example")),
        ("https://evil.example".into(), address("evil.example")),
        ("https://line.me/R/ti/p/@shop".into(), address("line.me")),
        (
            "https://menu.example.com/join-us?code=CAFE".into(),
            address("menu.example.com"),
        ),
        (
            "https://wallet.example/joiner?code=CAFE".into(),
            address("wallet.example"),
        ),
        (
            "https://wallet.example/m/7K3D9QX2M4PA".into(),
            address("wallet.example"),
        ),
        (
            "https://wallet.example@evil.example/join?code=CAFE".into(),
            address("evil.example"),
        ),
        (
            "https://wallet.example/join?issuer=http%3A%2F%2Fshop.example.com&code=CAFE".into(),
            InsecureIssuer {
                host: "shop.example.com".into(),
            },
        ),
        (
            "http://evil.example/join?code=CAFE".into(),
            InsecureIssuer {
                host: "evil.example".into(),
            },
        ),
        (
            "https://wallet.example/join?issuer=javascript%3Aalert(1)&code=CAFE".into(),
            BadIssuer(IssuerUrlError::NotWebAddress),
        ),
        (
            "https://wallet.example/join?issuer=data%3Atext%2Fhtml%2Cx&code=CAFE".into(),
            BadIssuer(IssuerUrlError::NotWebAddress),
        ),
        (
            "https://wallet.example/join?issuer=https%3A%2F%2Fu%3Ap%40shop.example&code=CAFE"
                .into(),
            BadIssuer(IssuerUrlError::Malformed),
        ),
        (
            "https://wallet.example/join?issuer=https%3A%2F%2Fshop.example%3Fx%3D1&code=CAFE"
                .into(),
            BadIssuer(IssuerUrlError::Malformed),
        ),
        (
            "https://wallet.example/join?code=%3Cscript%3E".into(),
            BadJoinCode,
        ),
        ("https://wallet.example/join?code=".into(), BadJoinCode),
        ("https://wallet.example/join".into(), BadJoinCode),
        ("https://wallet.example/join?code=%ZZ".into(), BadJoinCode),
        (
            format!("https://wallet.example/join?code={}", "A".repeat(65)),
            BadJoinCode,
        ),
        (
            "https://wallet.example/join?code=CAFE&ref=<b>".into(),
            BadReferralCode,
        ),
        (
            "https://wallet.example/join?code=CAFE&ref=7K3D9QX2M4PA".into(),
            BadReferralCode,
        ),
        (
            "https://wallet.example/claim?code=CAFE".into(),
            BadClaimCode,
        ),
        (
            "https://wallet.example/claim?code=CAFE&claim=K7Q2M4PA9X3U".into(),
            BadClaimCode,
        ),
        (
            "https://wallet.example/claim?claim=K7Q2M4PA9X3D".into(),
            BadJoinCode,
        ),
        (format!("MW1:{HELD}:492039"), OwnMemberCode),
        ("MW1:9QX27K3DM4PA:492039".into(), MemberCode),
        ("MW2:9QX27K3DM4PA:492039:extra".into(), NewerMemberCode),
        ("MWC1:Q8M2T4K9XH3A".into(), CouponCode),
        ("hello\0world".into(), Binary),
        ("\u{1b}[31mred".into(), Binary),
        ("https://wallet.example/join?code=CAFE\u{7f}".into(), Binary),
        ("\u{fffd}\u{fffd}PNG".into(), Binary),
        (
            "https://wallet.example/join?code=CA\u{200b}FE".into(),
            HiddenCharacters,
        ),
        (
            "https://wallet.example/join?code=CAFE\u{202e}lmth.exe".into(),
            HiddenCharacters,
        ),
        (
            "\u{feff}https://wallet.example/join?code=CAFE".into(),
            HiddenCharacters,
        ),
        ("4710088412345".into(), NotRecognised),
        ("CAFE".into(), NotRecognised),
        ("晨光咖啡".into(), NotRecognised),
        ("https:".into(), NotRecognised),
        ("https:///join?code=CAFE".into(), NotRecognised),
        ("//wallet.example/join?code=CAFE".into(), NotRecognised),
    ];
    for (text, expected) in cases {
        let got = scan(&text);
        assert_eq!(got, Err(expected.clone()), "{text:?}");
        assert!(!expected.to_string().is_empty());
    }
}

#[test]
fn messages_say_what_it_was() {
    let message = |text: &str| scan(text).unwrap_err().to_string();
    assert!(message("https://evil.example/x").contains("evil.example"));
    assert!(message("javascript:alert(1)").contains("javascript:"));
    assert!(message(&format!("MW1:{HELD}:492039")).contains("member code for the till"));
    assert!(message("http://shop.example.com/join?code=C").contains("shop.example.com"));
}

proptest! {
    #[test]
    fn never_panics(text in "\\PC{0,200}") {
        let _ = scan(&text);
        let _ = typed(&text);
        let _ = scan(&format!("https://wallet.example/join?{text}"));
        let _ = scan(&format!("https://wallet.example/claim?code=C&claim={text}"));
    }

    #[test]
    fn anything_accepted_is_a_checked_wallet_link(text in "(https?://[a-z.]{1,12}(/[a-z]{0,5})?/(join|claim)\\?[a-z=&%0-9A-Z]{0,40})") {
        if let Ok(target) = scan(&text) {
            let join = match &target {
                ScanTarget::Join(join) => join,
                ScanTarget::Referral { join, .. } | ScanTarget::Claim { join, .. } => join,
            };
            prop_assert!(is_join_code(&join.code));
            prop_assert!(join.issuer.as_str().starts_with("https://") || join.issuer.as_str().starts_with("http://"));
        }
    }
}
