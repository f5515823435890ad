//! The wallet's export file, for moving to a new phone or between LINE and the browser
//! (docs/wallet-export.md): an envelope (`Envelope`: which key derivation and cipher, with their
//! salt and nonce, and the ciphertext) around the wallet's data (`WalletExport`: every card with
//! its sync state, entities and queued actions, and the e-invoice carrier). The encryption itself
//! is the browser's (WebCrypto: PBKDF2-SHA-256 and AES-256-GCM, in the module loaded later); this
//! file says what a file must hold and refuses anything else before a byte is written.

use super::records::{EntityRecord, OutboxRecord, StoredMembership, SyncStateRecord};
use crate::einvoice_carrier::EinvoiceCarrier;
use crate::plain_card::PlainCard;
use crate::protocol::MAX_TOKEN_LEN;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::fmt;

pub const ENVELOPE_FORMAT: &str = "member-wallet-export";
pub const DATA_FORMAT: &str = "member-wallet-data";
pub const VERSION: u32 = 1;
/// OWASP's figure for PBKDF2-HMAC-SHA-256 (2023): about half a second on a phone.
pub const PBKDF2_ITERATIONS: u32 = 600_000;
/// A file asking for fewer is refused (a weakened file); for more, also (a phone would hang).
const MIN_ITERATIONS: u32 = 100_000;
const MAX_ITERATIONS: u32 = 10_000_000;
pub const SALT_LEN: usize = 16;
pub const IV_LEN: usize = 12;
/// AES-GCM's tag: a ciphertext is never shorter.
const TAG_LEN: usize = 16;
/// Far above a wallet at its storage caps (8 MB per issuer); a bigger file is not ours.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
pub const MIN_PASSPHRASE_CHARS: usize = 8;
const MAX_CLIENT_ID_LEN: usize = 128;

/// Why a file was not imported. Nothing of it was stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Not a wallet export at all: another app's file, a photo, text.
    Foreign,
    /// A wallet export from a newer wallet than this one.
    Newer,
    /// A wallet export, but cut short or changed: it cannot be read.
    Damaged,
    TooLarge,
    /// It does not open with this passphrase (AES-GCM cannot tell a wrong passphrase from a
    /// changed ciphertext; a changed envelope is `Damaged`).
    WrongPassphrase,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Foreign => "not a wallet export",
            Self::Newer => "an export from a newer wallet",
            Self::Damaged => "a damaged wallet export",
            Self::TooLarge => "too large for a wallet export",
            Self::WrongPassphrase => "the passphrase does not open it",
        })
    }
}

impl std::error::Error for ImportError {}

/// The file: how to derive the key from the passphrase, and the encrypted `WalletExport`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub iv: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct EnvelopeJson {
    format: String,
    version: u32,
    kdf: KdfJson,
    cipher: CipherJson,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
struct KdfJson {
    name: String,
    hash: String,
    iterations: u32,
    salt: String,
}

#[derive(Serialize, Deserialize)]
struct CipherJson {
    name: String,
    iv: String,
}

impl Envelope {
    pub fn parse(bytes: &[u8]) -> Result<Self, ImportError> {
        if bytes.len() > MAX_FILE_BYTES {
            return Err(ImportError::TooLarge);
        }
        let ours = contains(bytes, ENVELOPE_FORMAT.as_bytes());
        let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
            // A file cut short still names its format near the start.
            return Err(if ours {
                ImportError::Damaged
            } else {
                ImportError::Foreign
            });
        };
        if value["format"] != ENVELOPE_FORMAT {
            return Err(ImportError::Foreign);
        }
        match value["version"].as_u64() {
            Some(v) if v > u64::from(VERSION) => return Err(ImportError::Newer),
            Some(v) if v == u64::from(VERSION) => {}
            _ => return Err(ImportError::Damaged),
        }
        let json: EnvelopeJson = serde_json::from_value(value).map_err(|_| ImportError::Damaged)?;
        let well_named = json.kdf.name == "PBKDF2"
            && json.kdf.hash == "SHA-256"
            && json.cipher.name == "AES-GCM"
            && (MIN_ITERATIONS..=MAX_ITERATIONS).contains(&json.kdf.iterations);
        let decode = |text: &str| BASE64.decode(text).map_err(|_| ImportError::Damaged);
        let envelope = Self {
            iterations: json.kdf.iterations,
            salt: decode(&json.kdf.salt)?,
            iv: decode(&json.cipher.iv)?,
            ciphertext: decode(&json.ciphertext)?,
        };
        let well_sized = envelope.salt.len() == SALT_LEN
            && envelope.iv.len() == IV_LEN
            && envelope.ciphertext.len() >= TAG_LEN;
        if well_named && well_sized {
            Ok(envelope)
        } else {
            Err(ImportError::Damaged)
        }
    }

    pub fn to_json(&self) -> String {
        let json = EnvelopeJson {
            format: ENVELOPE_FORMAT.to_owned(),
            version: VERSION,
            kdf: KdfJson {
                name: "PBKDF2".to_owned(),
                hash: "SHA-256".to_owned(),
                iterations: self.iterations,
                salt: BASE64.encode(&self.salt),
            },
            cipher: CipherJson {
                name: "AES-GCM".to_owned(),
                iv: BASE64.encode(&self.iv),
            },
            ciphertext: BASE64.encode(&self.ciphertext),
        };
        serde_json::to_string(&json).expect("strings and numbers serialise")
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// One card as exported: the membership and everything the wallet keeps of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportedCard {
    pub membership: StoredMembership,
    pub sync_state: SyncStateRecord,
    #[serde(default)]
    pub entities: Vec<EntityRecord>,
    #[serde(default)]
    pub outbox: Vec<OutboxRecord>,
}

/// What the envelope encrypts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WalletExport {
    pub format: String,
    pub version: u32,
    /// Milliseconds since the epoch.
    pub exported_at: f64,
    /// The exporting wallet's installation id: the cards keep syncing under it (with their
    /// numbering) on the new phone, so an action queued before the move is applied once.
    pub client_id: String,
    pub cards: Vec<ExportedCard>,
    #[serde(default)]
    pub carrier: Option<String>,
    /// The cards of shops without an issuer.
    #[serde(default)]
    pub plain_cards: Vec<PlainCard>,
}

/// What an import writes: the cards this wallet does not hold yet, ready to store.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportPlan {
    pub memberships: Vec<StoredMembership>,
    pub sync_states: Vec<SyncStateRecord>,
    pub entities: Vec<EntityRecord>,
    pub outbox: Vec<OutboxRecord>,
    /// The exported carrier, when this wallet keeps none.
    pub carrier: Option<String>,
    /// The plain cards this wallet does not have yet.
    pub plain_cards: Vec<PlainCard>,
    /// Cards already in this wallet, left as they are.
    pub skipped: usize,
}

impl WalletExport {
    /// The wallet's stores, grouped by card. Records of a membership that is not among
    /// `memberships` (left over) are not exported.
    #[allow(clippy::too_many_arguments)] // one per store: a struct of them would only rename them
    pub fn assemble(
        exported_at: f64,
        client_id: String,
        memberships: Vec<StoredMembership>,
        sync_states: Vec<SyncStateRecord>,
        entities: Vec<EntityRecord>,
        outbox: Vec<OutboxRecord>,
        carrier: Option<String>,
        plain_cards: Vec<PlainCard>,
    ) -> Self {
        let mut states: HashMap<String, SyncStateRecord> = sync_states
            .into_iter()
            .map(|s| (s.membership_id.clone(), s))
            .collect();
        let mut cards: Vec<ExportedCard> = memberships
            .into_iter()
            .map(|membership| {
                let id = membership.id.as_str();
                ExportedCard {
                    sync_state: states
                        .remove(id)
                        .unwrap_or_else(|| SyncStateRecord::new(id)),
                    membership,
                    entities: Vec::new(),
                    outbox: Vec::new(),
                }
            })
            .collect();
        let index: HashMap<String, usize> = cards
            .iter()
            .enumerate()
            .map(|(i, c)| (c.membership.id.as_str().to_owned(), i))
            .collect();
        for entity in entities {
            if let Some(&i) = index.get(&entity.membership_id) {
                cards[i].entities.push(entity);
            }
        }
        for record in outbox {
            if let Some(&i) = index.get(&record.membership_id) {
                cards[i].outbox.push(record);
            }
        }
        for card in &mut cards {
            card.outbox.sort_by_key(|r| r.seq);
        }
        Self {
            format: DATA_FORMAT.to_owned(),
            version: VERSION,
            exported_at,
            client_id,
            cards,
            carrier,
            plain_cards,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("the records serialise")
    }

    /// The decrypted data, checked whole: it opened with the passphrase, so anything wrong in it
    /// means a damaged file (or one written by something else with our format's name).
    pub fn parse(plaintext: &[u8]) -> Result<Self, ImportError> {
        let value: Value = serde_json::from_slice(plaintext).map_err(|_| ImportError::Damaged)?;
        if value["format"] != DATA_FORMAT {
            return Err(ImportError::Damaged);
        }
        if value["version"]
            .as_u64()
            .is_some_and(|v| v > u64::from(VERSION))
        {
            return Err(ImportError::Newer);
        }
        let export: Self = serde_json::from_value(value).map_err(|_| ImportError::Damaged)?;
        if export.is_consistent() {
            Ok(export)
        } else {
            Err(ImportError::Damaged)
        }
    }

    fn is_consistent(&self) -> bool {
        let mut ids = HashSet::new();
        let client_id_ok = !self.client_id.is_empty() && self.client_id.len() <= MAX_CLIENT_ID_LEN;
        let carrier_ok = self
            .carrier
            .as_deref()
            .is_none_or(|c| EinvoiceCarrier::parse(c).is_ok());
        let mut plain_ids = HashSet::new();
        let plain_ok = self
            .plain_cards
            .iter()
            .all(|card| card.is_valid() && plain_ids.insert(card.id.as_str()));
        client_id_ok
            && carrier_ok
            && plain_ok
            && self.version == VERSION
            && self.cards.iter().all(|card| {
                let id = card.membership.id.as_str();
                let mut seqs = HashSet::new();
                ids.insert(id)
                    && card.membership.totp().is_some()
                    && !card.membership.token.is_empty()
                    && card.membership.token.len() <= MAX_TOKEN_LEN
                    && card.sync_state.membership_id == id
                    && card
                        .sync_state
                        .client_id
                        .as_deref()
                        .is_none_or(|c| !c.is_empty() && c.len() <= MAX_CLIENT_ID_LEN)
                    && card.entities.iter().all(|e| e.membership_id == id)
                    && card.outbox.iter().all(|r| {
                        r.membership_id == id
                            && r.seq >= 1
                            && r.seq < card.sync_state.next_seq
                            && seqs.insert(r.seq)
                    })
            })
    }

    /// What importing into a wallet that holds the cards `held` and the plain cards
    /// `held_plain` (and a carrier or not) writes. Each new card keeps the id it synced under on
    /// the old phone.
    pub fn plan(&self, held: &[&str], held_plain: &[&str], has_carrier: bool) -> ImportPlan {
        let mut plan = ImportPlan {
            memberships: Vec::new(),
            sync_states: Vec::new(),
            entities: Vec::new(),
            outbox: Vec::new(),
            carrier: self.carrier.clone().filter(|_| !has_carrier),
            plain_cards: Vec::new(),
            skipped: 0,
        };
        for card in &self.plain_cards {
            if held_plain.contains(&card.id.as_str()) {
                plan.skipped += 1;
            } else {
                plan.plain_cards.push(card.clone());
            }
        }
        for card in &self.cards {
            if held.contains(&card.membership.id.as_str()) {
                plan.skipped += 1;
                continue;
            }
            let mut state = card.sync_state.clone();
            state.client_id = Some(state.client_id.unwrap_or_else(|| self.client_id.clone()));
            plan.memberships.push(card.membership.clone());
            plan.sync_states.push(state);
            plan.entities.extend(card.entities.iter().cloned());
            plan.outbox.extend(card.outbox.iter().cloned());
        }
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::TotpParams;
    use crate::sync::EntityKind;
    use crate::wallet::fixtures;
    use proptest::prelude::*;

    fn membership(id: &str) -> StoredMembership {
        serde_json::from_value(fixtures::stored_membership_json(id)).unwrap()
    }

    fn export_of(ids: &[&str]) -> WalletExport {
        let memberships: Vec<_> = ids.iter().map(|id| membership(id)).collect();
        let mut state = SyncStateRecord::new(ids[0]);
        state.next_seq = 3;
        let outbox = vec![OutboxRecord {
            membership_id: ids[0].to_owned(),
            seq: 2,
            id: "m-2".into(),
            name: "reward.exchange".into(),
            args: serde_json::json!({"reward_id": "latte"}),
            client_time: 1,
        }];
        let entities = vec![EntityRecord {
            membership_id: ids[0].to_owned(),
            kind: EntityKind::PointsBalance,
            id: "points".into(),
            version: 4,
            deleted: false,
            data: Some(serde_json::json!({"balance": 120})),
        }];
        WalletExport::assemble(
            1.0,
            "old-phone".into(),
            memberships,
            vec![state],
            entities,
            outbox,
            Some("/ABC1234".into()),
            vec![PlainCard {
                id: "gym".into(),
                name: "Gym".into(),
                color: crate::model::BrandColor::parse("#2f5d50").unwrap(),
                symbology: crate::plain_card::Symbology::Code39,
                number: "ABC-9988".into(),
                added_at: 2.0,
            }],
        )
    }

    #[test]
    fn an_export_reads_back_as_written() {
        let export = export_of(&[fixtures::MEMBERSHIP_A, fixtures::MEMBERSHIP_B]);
        assert_eq!(export.cards.len(), 2);
        assert_eq!(export.cards[0].outbox.len(), 1);
        assert_eq!(
            export.cards[1].sync_state.next_seq, 1,
            "a card with no state gets a new one"
        );
        let back = WalletExport::parse(export.to_json().as_bytes()).unwrap();
        assert_eq!(back, export);
    }

    #[test]
    fn an_import_skips_held_cards_and_keeps_the_old_phones_numbering() {
        let export = export_of(&[fixtures::MEMBERSHIP_A, fixtures::MEMBERSHIP_B]);
        let plan = export.plan(&[fixtures::MEMBERSHIP_B], &[], true);
        assert_eq!(plan.skipped, 1);
        assert_eq!(plan.plain_cards.len(), 1);
        assert_eq!(plan.memberships.len(), 1);
        assert_eq!(plan.sync_states[0].client_id.as_deref(), Some("old-phone"));
        assert_eq!(plan.sync_states[0].next_seq, 3);
        assert_eq!(plan.outbox[0].seq, 2);
        assert_eq!(plan.entities.len(), 1);
        assert_eq!(plan.carrier, None, "the wallet's own carrier stays");
        let again = export.plan(&[], &["gym"], false);
        assert_eq!(again.carrier.as_deref(), Some("/ABC1234"));
        assert!(again.plain_cards.is_empty());
        assert_eq!(again.skipped, 1, "the plain card already held");
    }

    #[test]
    fn inconsistent_data_is_damaged() {
        let good = export_of(&[fixtures::MEMBERSHIP_A]);
        let mut twice = good.clone();
        twice.cards.push(twice.cards[0].clone());
        let mut stray = good.clone();
        stray.cards[0].outbox[0].membership_id = fixtures::MEMBERSHIP_B.into();
        let mut future_seq = good.clone();
        future_seq.cards[0].outbox[0].seq = 3;
        let mut bad_totp = good.clone();
        bad_totp.cards[0].membership.totp = TotpParams {
            secret: "A".into(),
            ..bad_totp.cards[0].membership.totp.clone()
        };
        let mut bad_carrier = good.clone();
        bad_carrier.carrier = Some("ABC".into());
        let mut plain_twice = good.clone();
        plain_twice
            .plain_cards
            .push(plain_twice.plain_cards[0].clone());
        for (what, export) in [
            ("a card twice", twice),
            ("another card's action", stray),
            ("an action numbered past the state", future_seq),
            ("a secret too short", bad_totp),
            ("a carrier that is not one", bad_carrier),
            ("a plain card twice", plain_twice),
        ] {
            assert_eq!(
                WalletExport::parse(export.to_json().as_bytes()),
                Err(ImportError::Damaged),
                "{what}"
            );
        }
        assert_eq!(
            WalletExport::parse(b"{\"format\":\"x\"}"),
            Err(ImportError::Damaged)
        );
    }

    fn envelope() -> Envelope {
        Envelope {
            iterations: PBKDF2_ITERATIONS,
            salt: vec![1; SALT_LEN],
            iv: vec![2; IV_LEN],
            ciphertext: vec![3; 40],
        }
    }

    #[test]
    fn an_envelope_reads_back_and_names_what_is_wrong() {
        let json = envelope().to_json();
        assert_eq!(Envelope::parse(json.as_bytes()), Ok(envelope()));
        assert_eq!(
            Envelope::parse(&json.as_bytes()[..json.len() / 2]),
            Err(ImportError::Damaged),
            "cut short"
        );
        assert_eq!(Envelope::parse(b"\x89PNG\r\n"), Err(ImportError::Foreign));
        assert_eq!(
            Envelope::parse(b"{\"format\":\"catima\"}"),
            Err(ImportError::Foreign)
        );
        let newer = json.replace("\"version\":1", "\"version\":2");
        assert_eq!(Envelope::parse(newer.as_bytes()), Err(ImportError::Newer));
        let weak = json.replace("600000", "1000");
        assert_eq!(Envelope::parse(weak.as_bytes()), Err(ImportError::Damaged));
        let short_iv = Envelope {
            iv: vec![2; 8],
            ..envelope()
        }
        .to_json();
        assert_eq!(
            Envelope::parse(short_iv.as_bytes()),
            Err(ImportError::Damaged)
        );
        let huge = vec![b' '; MAX_FILE_BYTES + 1];
        assert_eq!(Envelope::parse(&huge), Err(ImportError::TooLarge));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = Envelope::parse(&bytes);
            let _ = WalletExport::parse(&bytes);
        }

        #[test]
        fn a_changed_envelope_is_refused_or_read_never_a_panic(at in 0usize..300, byte in any::<u8>()) {
            let mut json = envelope().to_json().into_bytes();
            let at = at % json.len();
            json[at] = byte;
            let _ = Envelope::parse(&json);
        }
    }
}
