//! Lower-case hex, as the protocol writes seeds, commitments and table hashes.

pub fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(DIGITS[usize::from(byte >> 4)] as char);
        text.push(DIGITS[usize::from(byte & 15)] as char);
    }
    text
}

/// Exactly `N` bytes written as 2N lower-case hex digits; anything else is `None`.
pub fn decode<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.as_bytes();
    if digits.len() != 2 * N {
        return None;
    }
    let value = |digit: u8| match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    };
    let mut bytes = [0u8; N];
    for (i, pair) in digits.chunks_exact(2).enumerate() {
        bytes[i] = value(pair[0])? << 4 | value(pair[1])?;
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_and_refusals() {
        assert_eq!(super::encode(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(super::decode::<3>("00abff"), Some([0x00, 0xab, 0xff]));
        assert_eq!(
            super::decode::<3>("00ABFF"),
            None,
            "upper case is not the protocol's"
        );
        assert_eq!(super::decode::<3>("00abf"), None);
        assert_eq!(super::decode::<2>("00abff"), None);
        assert_eq!(super::decode::<1>("0g"), None);
    }
}
