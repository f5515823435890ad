//! One file out of a ZIP archive (a Catima export is a ZIP holding `catima.csv`): found through
//! the archive's central directory, stored or deflated (inflated by miniz_oxide), never larger
//! than the caller allows. Every offset and length is checked, so a damaged or hostile archive
//! gives an error, never a panic or a huge allocation.

use std::fmt;

/// Why the file could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZipError {
    /// Not a ZIP archive.
    NotZip,
    /// A ZIP archive, cut short or changed.
    Damaged,
    /// The file is locked with a password.
    Encrypted,
    /// The archive has no such file.
    Missing,
    /// The file is larger than allowed.
    TooLarge,
    /// Packed in a way other than stored or deflated.
    Unsupported,
}

impl fmt::Display for ZipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotZip => "not a ZIP archive",
            Self::Damaged => "a damaged ZIP archive",
            Self::Encrypted => "locked with a password",
            Self::Missing => "not in the archive",
            Self::TooLarge => "too large",
            Self::Unsupported => "packed in an unsupported way",
        })
    }
}

impl std::error::Error for ZipError {}

const END_OF_DIRECTORY: u32 = 0x0605_4b50;
const DIRECTORY_ENTRY: u32 = 0x0201_4b50;
const LOCAL_HEADER: u32 = 0x0403_4b50;
const END_RECORD_LEN: usize = 22;
const STORED: u16 = 0;
const DEFLATED: u16 = 8;
/// WinZip's AES (what Catima uses for a password).
const AES: u16 = 99;

fn slice(bytes: &[u8], at: usize, len: usize) -> Result<&[u8], ZipError> {
    bytes
        .get(at..at.checked_add(len).ok_or(ZipError::Damaged)?)
        .ok_or(ZipError::Damaged)
}

fn u16_at(bytes: &[u8], at: usize) -> Result<u16, ZipError> {
    let b = slice(bytes, at, 2)?;
    Ok(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Result<u32, ZipError> {
    let b = slice(bytes, at, 4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The end-of-directory record's offset: the last one, within the longest comment allowed.
fn end_of_directory(zip: &[u8]) -> Result<usize, ZipError> {
    if zip.len() < END_RECORD_LEN
        || u32_at(zip, 0)? != LOCAL_HEADER && u32_at(zip, 0)? != END_OF_DIRECTORY
    {
        return Err(ZipError::NotZip);
    }
    let last = zip.len() - END_RECORD_LEN;
    let first = last.saturating_sub(usize::from(u16::MAX));
    (first..=last)
        .rev()
        .find(|&at| u32_at(zip, at) == Ok(END_OF_DIRECTORY))
        .ok_or(ZipError::Damaged)
}

/// The contents of the file `name` in `zip`, at most `max_len` bytes.
pub fn read_entry(zip: &[u8], name: &str, max_len: usize) -> Result<Vec<u8>, ZipError> {
    let end = end_of_directory(zip)?;
    let entries = usize::from(u16_at(zip, end + 10)?);
    let mut at = u32_at(zip, end + 16)? as usize;
    for _ in 0..entries {
        if u32_at(zip, at)? != DIRECTORY_ENTRY {
            return Err(ZipError::Damaged);
        }
        let flags = u16_at(zip, at + 8)?;
        let method = u16_at(zip, at + 10)?;
        let packed_len = u32_at(zip, at + 20)? as usize;
        let unpacked_len = u32_at(zip, at + 24)? as usize;
        let name_len = usize::from(u16_at(zip, at + 28)?);
        let extra_len = usize::from(u16_at(zip, at + 30)?);
        let comment_len = usize::from(u16_at(zip, at + 32)?);
        let local = u32_at(zip, at + 42)? as usize;
        if slice(zip, at + 46, name_len)? == name.as_bytes() {
            if flags & 1 != 0 || method == AES {
                return Err(ZipError::Encrypted);
            }
            if unpacked_len > max_len {
                return Err(ZipError::TooLarge);
            }
            if u32_at(zip, local)? != LOCAL_HEADER {
                return Err(ZipError::Damaged);
            }
            let data_at = local
                + 30
                + usize::from(u16_at(zip, local + 26)?)
                + usize::from(u16_at(zip, local + 28)?);
            let packed = slice(zip, data_at, packed_len)?;
            let contents = match method {
                STORED => packed.to_vec(),
                DEFLATED => miniz_oxide::inflate::decompress_to_vec_with_limit(packed, max_len)
                    .map_err(|_| ZipError::Damaged)?,
                _ => return Err(ZipError::Unsupported),
            };
            return if contents.len() == unpacked_len {
                Ok(contents)
            } else {
                Err(ZipError::Damaged)
            };
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    Err(ZipError::Missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A ZIP of `(name, contents, method, flags)`, as an archiver writes one (no CRCs checked).
    fn zip_of(entries: &[(&str, &[u8], u16, u16)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut directory = Vec::new();
        for (name, contents, method, flags) in entries {
            let packed = match *method {
                DEFLATED => miniz_oxide::deflate::compress_to_vec(contents, 6),
                _ => contents.to_vec(),
            };
            let offset = out.len() as u32;
            let sizes = |v: &mut Vec<u8>| {
                v.extend(0u32.to_le_bytes()); // crc
                v.extend((packed.len() as u32).to_le_bytes());
                v.extend((contents.len() as u32).to_le_bytes());
            };
            out.extend(LOCAL_HEADER.to_le_bytes());
            out.extend([20, 0]);
            out.extend(flags.to_le_bytes());
            out.extend(method.to_le_bytes());
            out.extend([0; 4]); // time, date
            sizes(&mut out);
            out.extend((name.len() as u16).to_le_bytes());
            out.extend(0u16.to_le_bytes());
            out.extend(name.as_bytes());
            out.extend(&packed);
            directory.extend(DIRECTORY_ENTRY.to_le_bytes());
            directory.extend([20, 0, 20, 0]);
            directory.extend(flags.to_le_bytes());
            directory.extend(method.to_le_bytes());
            directory.extend([0; 4]);
            sizes(&mut directory);
            directory.extend((name.len() as u16).to_le_bytes());
            directory.extend([0; 12]); // extra, comment, disk, attributes
            directory.extend(offset.to_le_bytes());
            directory.extend(name.as_bytes());
        }
        let directory_at = out.len() as u32;
        out.extend(&directory);
        out.extend(END_OF_DIRECTORY.to_le_bytes());
        out.extend([0; 4]);
        out.extend((entries.len() as u16).to_le_bytes());
        out.extend((entries.len() as u16).to_le_bytes());
        out.extend((directory.len() as u32).to_le_bytes());
        out.extend(directory_at.to_le_bytes());
        out.extend([0, 0]);
        out
    }

    const CSV: &[u8] = b"2\r\n\r\n_id\r\n";

    #[test]
    fn a_stored_or_deflated_file_is_read_by_name() {
        let zip = zip_of(&[
            ("card_1_front.png", b"\x89PNG", STORED, 0),
            ("catima.csv", CSV, DEFLATED, 0),
        ]);
        assert_eq!(read_entry(&zip, "catima.csv", 1024).unwrap(), CSV);
        assert_eq!(
            read_entry(&zip, "card_1_front.png", 1024).unwrap(),
            b"\x89PNG"
        );
        assert_eq!(read_entry(&zip, "other.csv", 1024), Err(ZipError::Missing));
    }

    #[test]
    fn what_cannot_be_read_says_why() {
        assert_eq!(
            read_entry(b"2\r\n\r\n_id", "catima.csv", 1024),
            Err(ZipError::NotZip)
        );
        let locked = zip_of(&[("catima.csv", CSV, STORED, 1)]);
        assert_eq!(
            read_entry(&locked, "catima.csv", 1024),
            Err(ZipError::Encrypted)
        );
        let aes = zip_of(&[("catima.csv", CSV, AES, 0)]);
        assert_eq!(
            read_entry(&aes, "catima.csv", 1024),
            Err(ZipError::Encrypted)
        );
        let zip = zip_of(&[("catima.csv", CSV, DEFLATED, 0)]);
        assert_eq!(read_entry(&zip, "catima.csv", 4), Err(ZipError::TooLarge));
        assert_eq!(
            read_entry(&zip[..zip.len() - 30], "catima.csv", 1024),
            Err(ZipError::Damaged)
        );
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_entry(&bytes, "catima.csv", 1 << 20);
        }

        #[test]
        fn a_changed_byte_never_panics(at in 0usize..200, byte in any::<u8>()) {
            let mut zip = zip_of(&[("catima.csv", CSV, DEFLATED, 0)]);
            let at = at % zip.len();
            zip[at] = byte;
            let _ = read_entry(&zip, "catima.csv", 1 << 20);
        }
    }
}
