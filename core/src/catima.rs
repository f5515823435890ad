//! Catima's export (`catima.csv`, format version 2, inside the ZIP Catima writes), read into
//! plain cards so a Catima user moves over in one step. The file is RFC 4180 CSV in sections
//! split by an empty line: the version (`2`), the groups, the cards (a header naming its columns:
//! `_id`, `store`, `cardid`, `barcodeid`, `barcodetype`, `headercolor`, ...), and which card is in
//! which group. Only the cards are read: their name, number, barcode type and colour.

use crate::model::BrandColor;
use crate::plain_card::{check_name, normal_number, Symbology, MAX_NAME_CHARS, MAX_PLAIN_CARDS};
use std::fmt;

/// Why the file was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CatimaError {
    /// Not a Catima export (no version line, no cards section).
    NotCatima,
    /// A Catima export in a format other than version 2 (the one it has written since 2021).
    Version(String),
    /// A quoted field that never ends: the file was cut short.
    Damaged,
}

impl fmt::Display for CatimaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotCatima => f.write_str("not a Catima export"),
            Self::Version(v) => write!(f, "a Catima export of version {v:?}, not 2"),
            Self::Damaged => f.write_str("a damaged Catima export"),
        }
    }
}

impl std::error::Error for CatimaError {}

/// One card of the export.
#[derive(Clone, Debug, PartialEq)]
pub struct CatimaCard {
    /// Catima's `_id`.
    pub id: String,
    pub name: String,
    /// What the barcode holds (`barcodeid`, else `cardid`).
    pub number: String,
    pub symbology: Symbology,
    /// Catima's type when this wallet cannot draw it (the card is then shown as its number).
    pub undrawable: Option<String>,
    pub color: Option<BrandColor>,
}

/// RFC 4180 records: fields split by commas, `"…"` quoting with `""` for a quote and line breaks
/// inside, records ending at CRLF or LF. An empty line is an empty record.
fn records(text: &str) -> Result<Vec<Vec<String>>, CatimaError> {
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut touched = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                quoted = true;
                touched = true;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                touched = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                if touched || !field.is_empty() {
                    record.push(std::mem::take(&mut field));
                }
                records.push(std::mem::take(&mut record));
                touched = false;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(CatimaError::Damaged);
    }
    if touched || !field.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

/// Catima's barcode type (ZXing's names) as this wallet draws it, and the number it draws.
fn symbology_of(kind: &str, number: &str) -> (Symbology, String) {
    match kind {
        "QR_CODE" => (Symbology::Qr, number.to_owned()),
        "CODE_128" => (Symbology::Code128, number.to_owned()),
        "EAN_13" => (Symbology::Ean13, number.to_owned()),
        "CODE_39" => (Symbology::Code39, number.to_owned()),
        // A UPC-A is the EAN-13 with a leading 0: the same bars.
        "UPC_A" if number.len() == 12 => (Symbology::Ean13, format!("0{number}")),
        _ => (Symbology::Text, number.to_owned()),
    }
}

/// Android's colour (a signed 32-bit ARGB integer) as the card's colour.
fn color_of(text: &str) -> Option<BrandColor> {
    let argb = text.trim().parse::<i64>().ok()?;
    let rgb = (argb & 0xff_ffff) as u32;
    BrandColor::parse(&format!("#{rgb:06x}"))
}

/// The trimmed value of column `at` in `row`, or "" where there is none.
fn field(row: &[String], at: Option<usize>) -> &str {
    at.and_then(|i| row.get(i)).map(|s| s.trim()).unwrap_or("")
}

/// The cards of a `catima.csv`. Cards without a name or a number are left out (Catima allows
/// neither); a name is cut to `MAX_NAME_CHARS`; at most `MAX_PLAIN_CARDS` are read.
pub fn parse(text: &str) -> Result<Vec<CatimaCard>, CatimaError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = records(text)?;
    let version = match records.first().map(Vec::as_slice) {
        Some([version]) => version.trim().to_owned(),
        _ => return Err(CatimaError::NotCatima),
    };
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CatimaError::NotCatima);
    }
    if version != "2" {
        return Err(CatimaError::Version(version));
    }
    // The sections after the version; the cards' is the one whose header names a store.
    let sections: Vec<&[Vec<String>]> = records[1..]
        .split(|record| record.is_empty())
        .filter(|section| !section.is_empty())
        .collect();
    let cards = sections
        .into_iter()
        .find(|section| {
            section[0].iter().any(|h| h == "store") && section[0].iter().any(|h| h == "cardid")
        })
        .ok_or(CatimaError::NotCatima)?;
    let header = &cards[0];
    let column = |name: &str| header.iter().position(|h| h == name);
    let (id, store, card_id) = (column("_id"), column("store"), column("cardid"));
    let (barcode_id, barcode_type, color) = (
        column("barcodeid"),
        column("barcodetype"),
        column("headercolor"),
    );

    Ok(cards[1..]
        .iter()
        .enumerate()
        .filter_map(|(n, row)| {
            let name: String = field(row, store).chars().take(MAX_NAME_CHARS).collect();
            let name = check_name(&name).ok()?;
            let number = Some(field(row, barcode_id))
                .filter(|b| !b.is_empty())
                .unwrap_or(field(row, card_id));
            let kind = field(row, barcode_type);
            let (symbology, number) = symbology_of(kind, number);
            let number = normal_number(symbology, &number).ok()?;
            let id = Some(field(row, id))
                .filter(|i| !i.is_empty())
                .map(str::to_owned)
                .unwrap_or_else(|| n.to_string());
            Some(CatimaCard {
                id,
                name,
                number,
                symbology,
                undrawable: (symbology == Symbology::Text && !kind.is_empty())
                    .then(|| kind.to_owned()),
                color: color_of(field(row, color)),
            })
        })
        .take(MAX_PLAIN_CARDS)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What Catima 2.x writes (CSVFormat.RFC4180: CRLF, quotes where needed).
    const EXPORT: &str = "2\r\n\r\n_id\r\nGroceries\r\n\r\n\
        _id,store,note,expiry,balance,balancetype,cardid,barcodeid,barcodetype,headercolor,starstatus,lastused\r\n\
        1,全聯福利中心,,,0,,2900012345678,,EAN_13,-16777216,0,1700000000\r\n\
        2,\"Books, \"\"Second\"\" Floor\",note,,0,,M-0042,,CODE_128,-3355444,1,1700000100\r\n\
        3,Gym,\"two\r\nlines\",,0,,9988,ABC-9988,CODE_39,,0,\r\n\
        4,Cinema,,,0,,http://cinema.example/m/1,,QR_CODE,-16744448,0,\r\n\
        5,Old Shop,,,0,,012345678905,,UPC_A,,0,\r\n\
        6,Library,,,0,,12345,,PDF_417,,0,\r\n\
        7,,,,0,,555,,QR_CODE,,0,\r\n\
        8,Bakery,,,0,,777,,,,0,\r\n\
        \r\ncardId,groupId\r\n1,Groceries\r\n";

    #[test]
    fn every_card_with_a_name_and_a_number_is_read() {
        let cards = parse(EXPORT).unwrap();
        let summary: Vec<(&str, &str, Symbology)> = cards
            .iter()
            .map(|c| (c.name.as_str(), c.number.as_str(), c.symbology))
            .collect();
        assert_eq!(
            summary,
            [
                ("全聯福利中心", "2900012345678", Symbology::Ean13),
                ("Books, \"Second\" Floor", "M-0042", Symbology::Code128),
                ("Gym", "ABC-9988", Symbology::Code39),
                ("Cinema", "http://cinema.example/m/1", Symbology::Qr),
                ("Old Shop", "0012345678905", Symbology::Ean13),
                ("Library", "12345", Symbology::Text),
                ("Bakery", "777", Symbology::Text),
            ]
        );
        assert_eq!(cards[0].color, BrandColor::parse("#000000"));
        assert_eq!(cards[1].color, BrandColor::parse("#cccccc"));
        assert_eq!(cards[2].color, None);
        assert_eq!(cards[5].undrawable.as_deref(), Some("PDF_417"));
        assert_eq!(cards[6].undrawable, None, "no barcode at all");
        assert_eq!(cards[0].id, "1");
    }

    #[test]
    fn other_files_and_versions_are_named() {
        assert_eq!(
            parse("_id,store,cardid\r\n1,A,2\r\n"),
            Err(CatimaError::NotCatima)
        );
        assert_eq!(parse("hello"), Err(CatimaError::NotCatima));
        assert_eq!(parse(""), Err(CatimaError::NotCatima));
        assert_eq!(
            parse("1\r\n\r\n_id,store\r\n"),
            Err(CatimaError::Version("1".into()))
        );
        assert_eq!(parse("2\r\n\r\n_id\r\n"), Err(CatimaError::NotCatima));
        assert_eq!(
            parse("2\r\n\r\n_id,store,cardid\r\n1,\"A"),
            Err(CatimaError::Damaged)
        );
        assert_eq!(parse("\u{feff}2\r\n\r\n_id,store,cardid\r\n").unwrap(), []);
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
            let _ = parse(&text);
            let _ = parse(&format!("2\r\n\r\n_id,store,cardid,barcodetype,headercolor\r\n{text}"));
        }
    }
}
