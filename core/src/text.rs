//! The one rule for text that people type or read, on both sides of the protocol: every text
//! field (names, titles, terms, notes, display names) is checked with it, so what an issuer
//! accepts a wallet never refuses, and no text can hide itself or make other text look different.
//! Lengths count Unicode scalar values (Rust `char`s), not bytes and not UTF-16 units.

/// Whether line breaks (`\n`) are allowed: in long texts (terms, descriptions), not in names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// Why a text is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextError {
    Empty,
    TooLong {
        max_chars: usize,
    },
    /// A control character, or one that is invisible or reorders the text around it.
    HiddenCharacter(char),
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => f.write_str("the text is empty"),
            Self::TooLong { max_chars } => {
                write!(f, "the text is longer than {max_chars} characters")
            }
            Self::HiddenCharacter(c) => write!(
                f,
                "the text contains U+{:04X}, a control, invisible or direction-changing character",
                u32::from(*c)
            ),
        }
    }
}

impl std::error::Error for TextError {}

/// Checks `text`: not blank, at most `max_chars` characters, and no hidden character (see
/// `is_hidden`).
pub fn check(text: &str, max_chars: usize, lines: Lines) -> Result<(), TextError> {
    if text.trim().is_empty() {
        return Err(TextError::Empty);
    }
    if text.chars().count() > max_chars {
        return Err(TextError::TooLong { max_chars });
    }
    let chars: Vec<char> = text.chars().collect();
    for (at, &c) in chars.iter().enumerate() {
        let allowed = match c {
            '\n' => lines == Lines::Many,
            // A zero-width joiner builds one emoji from several (👨‍👩‍👧); anywhere else it only hides.
            '\u{200d}' => {
                at > 0 && is_emoji(chars[at - 1]) && chars.get(at + 1).is_some_and(|n| is_emoji(*n))
            }
            c => !is_hidden(c),
        };
        if !allowed {
            return Err(TextError::HiddenCharacter(c));
        }
    }
    Ok(())
}

/// `check` as a yes or no.
pub fn is_valid(text: &str, max_chars: usize, lines: Lines) -> bool {
    check(text, max_chars, lines).is_ok()
}

/// Controls, and the characters that show nothing or change the direction of what follows:
/// bidi embeddings, overrides, isolates and marks, zero-width spaces and joiners, the word
/// joiner and invisible operators, the byte-order mark, the soft hyphen and the Hangul fillers.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{3164}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

fn is_emoji(c: char) -> bool {
    matches!(c, '\u{2600}'..='\u{27bf}' | '\u{1f000}'..='\u{1faff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_in_both_languages_passes() {
        for text in [
            "晨光咖啡",
            "Morning Light Café",
            "小明 Ming",
            "買一送一！",
            "👨‍👩‍👧 家庭套餐",
        ] {
            assert_eq!(check(text, 80, Lines::One), Ok(()), "{text}");
        }
        assert_eq!(check("第一行\n第二行", 80, Lines::Many), Ok(()));
    }

    #[test]
    fn text_that_hides_itself_is_refused() {
        for c in [
            '\u{202e}', '\u{200b}', '\u{200e}', '\u{2066}', '\u{feff}', '\u{0}', '\u{7}',
        ] {
            let text = format!("咖啡{c}Coffee");
            assert_eq!(
                check(&text, 80, Lines::Many),
                Err(TextError::HiddenCharacter(c)),
                "U+{:04X}",
                u32::from(c)
            );
        }
        // A joiner between letters joins nothing: it only makes two names look the same.
        assert!(!is_valid("Ming\u{200d}", 80, Lines::One));
        assert!(!is_valid("a\u{200d}b", 80, Lines::One));
        assert!(!is_valid("a\nb", 80, Lines::One));
    }

    #[test]
    fn lengths_count_characters_and_blank_is_empty() {
        assert_eq!(check("集".repeat(80).as_str(), 80, Lines::One), Ok(()));
        assert_eq!(
            check("集".repeat(81).as_str(), 80, Lines::One),
            Err(TextError::TooLong { max_chars: 80 })
        );
        assert_eq!(check("  ", 80, Lines::One), Err(TextError::Empty));
        assert!(!TextError::HiddenCharacter('\u{202e}')
            .to_string()
            .is_empty());
    }
}
