//! The draw: the server seed, its commitment, and the unbiased weighted pick from
//! HMAC-SHA256(server seed, "{client_seed}:{nonce}:{prize_table_hash}").

use super::hex;
use super::prize_table::PrizeTable;
use super::verify::ClientSeed;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// 32 secret bytes of the issuer's, written as 64 lower-case hex digits once revealed.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerSeed([u8; 32]);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedError;

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a server seed is 64 lower-case hex digits")
    }
}

impl std::error::Error for SeedError {}

impl ServerSeed {
    /// The issuer's fresh seed, from its random source.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// A revealed (or stored) seed.
    pub fn parse(text: &str) -> Result<Self, SeedError> {
        hex::decode::<32>(text).map(Self).ok_or(SeedError)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }
}

impl std::fmt::Debug for ServerSeed {
    // A seed is secret until revealed: never in a log line by accident.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerSeed(..)")
    }
}

/// What the issuer shows before the client seed is set: SHA-256 of the seed's 32 bytes, in
/// lower-case hex.
pub fn commitment(seed: &ServerSeed) -> String {
    hex::encode(&Sha256::digest(seed.0))
}

/// The slot (an index into `table.slots`) that ticket `nonce` of this seed lands on.
///
/// The HMAC output is read as 64-bit big-endian numbers `u`, four per block; a `u` at or above
/// the largest multiple of the total weight `W` below 2^64 is rejected (so every `u mod W` is
/// equally likely), the first accepted gives `r = u mod W`, and the slot is the first whose
/// running total of weights exceeds `r`. Block 0 is HMAC(seed, message); block k >= 1, needed
/// with probability under 2^-128, is HMAC(seed, message + ":" + k).
pub fn draw(seed: &ServerSeed, client_seed: &ClientSeed, nonce: u64, table: &PrizeTable) -> usize {
    let total = u128::from(table.total_weight());
    let accept_below = (1u128 << 64) / total * total;
    let message = format!("{}:{}:{}", client_seed.as_str(), nonce, table.hash());
    let r = (0u64..)
        .flat_map(|block| {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&seed.0)
                .expect("HMAC takes keys of any length");
            mac.update(message.as_bytes());
            if block > 0 {
                mac.update(format!(":{block}").as_bytes());
            }
            let bytes = mac.finalize().into_bytes();
            (0..4).map(move |i| {
                let chunk: [u8; 8] = bytes[i * 8..i * 8 + 8].try_into().expect("8 bytes");
                u128::from(u64::from_be_bytes(chunk))
            })
        })
        .find(|u| *u < accept_below)
        .expect("an endless stream has an accepted value")
        % total;
    let mut running = 0u128;
    table
        .slots
        .iter()
        .position(|slot| {
            running += u128::from(slot.weight);
            running > r
        })
        .expect("r is below the total weight")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fair_draw::PrizeSlot;

    fn table(weights: &[u32]) -> PrizeTable {
        let slots = weights
            .iter()
            .enumerate()
            .map(|(i, &weight)| PrizeSlot {
                id: format!("s{i}"),
                weight,
            })
            .collect();
        PrizeTable::new(slots, "s0").unwrap()
    }

    fn seed(byte: u8) -> ServerSeed {
        ServerSeed::from_bytes([byte; 32])
    }

    /// protocol.md §12's test vectors, computed by a separate implementation (Python's `hmac` and
    /// `hashlib`), so the scheme as written and this code agree.
    #[test]
    fn the_protocols_test_vectors() {
        let seed =
            ServerSeed::parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
                .unwrap();
        assert_eq!(
            commitment(&seed),
            "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
        );
        let slot = |id: &str, weight| PrizeSlot {
            id: id.into(),
            weight,
        };
        let table = PrizeTable::new(
            vec![
                slot("thanks", 60),
                slot("latte", 25),
                slot("cake", 10),
                slot("tote", 5),
            ],
            "thanks",
        )
        .unwrap();
        assert_eq!(
            table.hash(),
            "db887d92ebc41309c66b75ce073d9f93790b99c2683d84e47532fa76e56f59aa"
        );
        let client = ClientSeed::parse("wallet-client-seed-01").unwrap();
        let outcomes: Vec<&str> = (1..=5)
            .map(|nonce| table.slots[draw(&seed, &client, nonce, &table)].id.as_str())
            .collect();
        assert_eq!(outcomes, ["latte", "latte", "thanks", "thanks", "thanks"]);
    }

    #[test]
    fn a_seed_is_hex_both_ways_and_never_printed() {
        let s = seed(0xab);
        assert_eq!(ServerSeed::parse(&s.to_hex()), Ok(s.clone()));
        assert_eq!(ServerSeed::parse("ab"), Err(SeedError));
        assert_eq!(format!("{s:?}"), "ServerSeed(..)");
    }

    #[test]
    fn each_input_changes_the_outcome_stream() {
        let t = table(&[1; 24]);
        let client = ClientSeed::parse("wallet-seed-1").unwrap();
        let other_client = ClientSeed::parse("wallet-seed-2").unwrap();
        let outcomes = |s: &ServerSeed, c: &ClientSeed, t: &PrizeTable| {
            (1..=40).map(|n| draw(s, c, n, t)).collect::<Vec<_>>()
        };
        let base = outcomes(&seed(1), &client, &t);
        assert_ne!(base, outcomes(&seed(2), &client, &t));
        assert_ne!(base, outcomes(&seed(1), &other_client, &t));
        let mut renamed = t.clone();
        renamed.slots[23].id = "renamed".into();
        assert_ne!(base, outcomes(&seed(1), &client, &renamed));
        assert_eq!(
            base,
            outcomes(&seed(1), &client, &t),
            "the same inputs, the same outcomes"
        );
    }

    /// Chi-square over 48,000 draws of a table with uneven weights: with 5 degrees of freedom
    /// the statistic is below 20.5 with probability 99.9 %. The inputs are fixed, so the test is
    /// deterministic; a biased pick (say `u mod W` without rejection, or an off-by-one in the
    /// running total) lands far above it.
    #[test]
    fn the_weighted_pick_is_unbiased() {
        let weights = [30u32, 25, 20, 15, 7, 3];
        let t = table(&weights);
        let client = ClientSeed::parse("chi-square-client").unwrap();
        let n = 48_000u64;
        let mut counts = [0u64; 6];
        for nonce in 1..=n {
            counts[draw(&seed(7), &client, nonce, &t)] += 1;
        }
        let total: u32 = weights.iter().sum();
        let chi2: f64 = counts
            .iter()
            .zip(weights)
            .map(|(&seen, w)| {
                let expected = n as f64 * f64::from(w) / f64::from(total);
                (seen as f64 - expected).powi(2) / expected
            })
            .sum();
        assert!(chi2 < 20.5, "chi-square {chi2:.2} for counts {counts:?}");
    }

    #[test]
    fn a_slot_of_weight_one_among_a_huge_total_is_still_reachable_by_its_rule() {
        // The largest total: 2^32. The pick stays in range and never panics.
        let t = PrizeTable::new(
            vec![
                PrizeSlot {
                    id: "thanks".into(),
                    weight: u32::MAX,
                },
                PrizeSlot {
                    id: "jackpot".into(),
                    weight: 1,
                },
            ],
            "thanks",
        )
        .unwrap();
        let client = ClientSeed::parse("edge-case-client").unwrap();
        for nonce in 1..=100 {
            assert!(draw(&seed(3), &client, nonce, &t) < 2);
        }
    }
}
