//! Short random codes in Crockford base32 that people type as well as scan: claim codes and
//! referral codes. Read as the member number is: any case, spaces and hyphens ignored, `O` as
//! `0`, `I` and `L` as `1`, so a code read off a receipt or a friend's screen still works.

use crate::model::CROCKFORD;

/// `len` characters from the low `5 * len` bits of `bits` (the caller supplies the randomness).
pub fn from_random(bits: u64, len: usize) -> String {
    (0..len)
        .map(|i| CROCKFORD[((bits >> (5 * (len - 1 - i))) & 31) as usize] as char)
        .collect()
}

/// The canonical (upper-case) code of exactly `len` characters in what a person typed, or `None`.
pub fn read_forgiving(input: &str, len: usize) -> Option<String> {
    // Bounded before any work: a code is never longer than this, even with separators.
    if input.len() > len * 3 + 8 {
        return None;
    }
    let code: String = without_separators(input.trim()).map(forgiving).collect();
    (code.len() == len && code.bytes().all(|b| CROCKFORD.contains(&b))).then_some(code)
}

/// What a person typed without the separators they may add: spaces, hyphens, ideographic spaces.
pub fn without_separators(input: &str) -> impl Iterator<Item = char> + '_ {
    input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
}

/// One typed character in upper case, with Crockford's forgiveness: `O` is `0`, `I` and `L` are
/// `1` (a person reads them alike).
pub fn forgiving(c: char) -> char {
    match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    }
}

/// `K7Q2 M4PA 9X3D`: groups of four, as a person reads it aloud.
pub fn grouped(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 4);
    for (i, ch) in code.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_people_type() {
        assert_eq!(
            read_forgiving(" k7q2-m4pa-9x3d ", 12).as_deref(),
            Some("K7Q2M4PA9X3D")
        );
        assert_eq!(
            read_forgiving("O1IL 0000 0000", 12).as_deref(),
            Some("0111 0000 0000".replace(' ', "").as_str())
        );
        assert_eq!(read_forgiving("K7Q2M4PA9X3", 12), None);
        assert_eq!(
            read_forgiving("K7Q2M4PA9X3U", 12),
            None,
            "no U in Crockford"
        );
        assert_eq!(read_forgiving(&"-".repeat(500), 12), None);
        assert_eq!(read_forgiving("晨光咖啡晨光咖啡晨光咖啡", 12), None);
    }

    #[test]
    fn random_codes_are_canonical() {
        let code = from_random(u64::MAX, 10);
        assert_eq!(code, "ZZZZZZZZZZ");
        assert_eq!(read_forgiving(&code, 10), Some(code));
        assert_eq!(grouped("K7Q2M4PA9X"), "K7Q2 M4PA 9X");
    }
}
