//! What the wallet checks once a seed is revealed: the seed matches what was committed, the
//! nonces run 1, 2, 3... with none skipped or repeated, and every ticket's drawn slot is what
//! `draw` gives (its award that slot, or "thanks for playing" when the prize was out of stock).

use super::draw::{commitment, draw, ServerSeed};
use super::prize_table::PrizeTable;

/// The wallet's own seed: 8 to 64 of `A-Z a-z 0-9 _ -`, made at random on the device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientSeed(String);

impl ClientSeed {
    pub fn parse(text: &str) -> Option<Self> {
        let ok = (8..=64).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        ok.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One ticket as the issuer sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrawnTicket {
    pub nonce: u64,
    pub table: PrizeTable,
    /// The slot the draw landed on.
    pub drawn: String,
    /// What the ticket gives: `drawn`, or the table's `no_win` when that prize had run out.
    pub awarded: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TicketCheck {
    Verified,
    /// The draw is right and its prize had run out: the published rule gives "thanks for playing".
    VerifiedFellBack,
    /// Not what the seed gives: `expected` is the slot it does give.
    Wrong {
        expected: String,
    },
    /// Its table is not a valid one.
    BadTable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verification {
    /// The revealed seed is not 64 hex digits.
    SeedUnreadable,
    /// SHA-256 of the revealed seed is not the commitment shown before: nothing can be trusted.
    SeedDoesNotMatch,
    Checked {
        /// Per ticket, in the order given.
        tickets: Vec<(u64, TicketCheck)>,
        /// Nonces below the highest seen that no ticket has, and any seen twice: tickets the
        /// issuer drew and did not show.
        gaps: Vec<u64>,
    },
}

impl Verification {
    /// Every ticket is right and none is missing.
    pub fn all_verified(&self) -> bool {
        match self {
            Self::Checked { tickets, gaps } => {
                gaps.is_empty()
                    && tickets.iter().all(|(_, check)| {
                        matches!(check, TicketCheck::Verified | TicketCheck::VerifiedFellBack)
                    })
            }
            _ => false,
        }
    }
}

/// Checks every ticket of one seed, once it is revealed.
pub fn verify_seed(
    revealed_seed: &str,
    committed: &str,
    client_seed: &ClientSeed,
    tickets: &[DrawnTicket],
) -> Verification {
    let Ok(seed) = ServerSeed::parse(revealed_seed) else {
        return Verification::SeedUnreadable;
    };
    if commitment(&seed) != committed {
        return Verification::SeedDoesNotMatch;
    }
    let checks = tickets
        .iter()
        .map(|ticket| (ticket.nonce, check(&seed, client_seed, ticket)))
        .collect();
    let mut nonces: Vec<u64> = tickets.iter().map(|t| t.nonce).collect();
    nonces.sort_unstable();
    let highest = nonces.last().copied().unwrap_or(0);
    let mut gaps: Vec<u64> = (1..=highest)
        .filter(|n| nonces.binary_search(n).is_err())
        .collect();
    gaps.extend(nonces.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]));
    gaps.extend(nonces.iter().filter(|&&n| n == 0));
    Verification::Checked {
        tickets: checks,
        gaps,
    }
}

fn check(seed: &ServerSeed, client_seed: &ClientSeed, ticket: &DrawnTicket) -> TicketCheck {
    if ticket.table.validate().is_err() {
        return TicketCheck::BadTable;
    }
    let expected = &ticket.table.slots[draw(seed, client_seed, ticket.nonce, &ticket.table)].id;
    if ticket.drawn != *expected {
        TicketCheck::Wrong {
            expected: expected.clone(),
        }
    } else if ticket.awarded == ticket.drawn {
        TicketCheck::Verified
    } else if ticket.awarded == ticket.table.no_win {
        TicketCheck::VerifiedFellBack
    } else {
        TicketCheck::Wrong {
            expected: expected.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fair_draw::PrizeSlot;

    fn table() -> PrizeTable {
        let slot = |id: &str, weight| PrizeSlot {
            id: id.into(),
            weight,
        };
        PrizeTable::new(
            vec![slot("thanks", 6), slot("latte", 3), slot("cake", 1)],
            "thanks",
        )
        .unwrap()
    }

    fn issued(seed: &ServerSeed, client: &ClientSeed, count: u64) -> Vec<DrawnTicket> {
        let table = table();
        (1..=count)
            .map(|nonce| {
                let drawn = table.slots[draw(seed, client, nonce, &table)].id.clone();
                DrawnTicket {
                    nonce,
                    table: table.clone(),
                    awarded: drawn.clone(),
                    drawn,
                }
            })
            .collect()
    }

    fn setup() -> (ServerSeed, String, ClientSeed, Vec<DrawnTicket>) {
        let seed = ServerSeed::from_bytes([42; 32]);
        let committed = commitment(&seed);
        let client = ClientSeed::parse("my-phone-seed").unwrap();
        let tickets = issued(&seed, &client, 30);
        (seed, committed, client, tickets)
    }

    #[test]
    fn honest_tickets_verify() {
        let (seed, committed, client, tickets) = setup();
        assert!(verify_seed(&seed.to_hex(), &committed, &client, &tickets).all_verified());
    }

    #[test]
    fn any_changed_input_fails_the_check() {
        let (seed, committed, client, tickets) = setup();
        let verify = |seed: &str, committed: &str, client: &ClientSeed, tickets: &[DrawnTicket]| {
            verify_seed(seed, committed, client, tickets)
        };
        // Another seed, revealed after the fact.
        let other = ServerSeed::from_bytes([43; 32]);
        assert_eq!(
            verify(&other.to_hex(), &committed, &client, &tickets),
            Verification::SeedDoesNotMatch
        );
        assert_eq!(
            verify("not hex", &committed, &client, &tickets),
            Verification::SeedUnreadable
        );
        // Another client seed than the wallet set.
        let stranger = ClientSeed::parse("someone-else").unwrap();
        assert!(!verify(&seed.to_hex(), &committed, &stranger, &tickets).all_verified());
        // One outcome changed.
        let mut steered = tickets.clone();
        let wrong = if steered[4].drawn == "cake" {
            "latte"
        } else {
            "cake"
        };
        steered[4].drawn = wrong.into();
        steered[4].awarded = wrong.into();
        let result = verify(&seed.to_hex(), &committed, &client, &steered);
        assert!(!result.all_verified());
        let Verification::Checked {
            tickets: checks, ..
        } = result
        else {
            panic!("checked")
        };
        assert!(matches!(checks[4].1, TicketCheck::Wrong { .. }));
        // The odds changed after the commitment: the table's hash is part of the draw.
        let mut reweighted = tickets.clone();
        for ticket in &mut reweighted {
            ticket.table.slots[2].weight = 2;
        }
        assert!(!verify(&seed.to_hex(), &committed, &client, &reweighted).all_verified());
        // An award that is neither the drawn prize nor "thanks for playing".
        let mut swapped = tickets.clone();
        let t = &mut swapped[0];
        t.awarded = if t.drawn == "cake" {
            "latte".into()
        } else {
            "cake".into()
        };
        assert!(!verify(&seed.to_hex(), &committed, &client, &swapped).all_verified());
    }

    #[test]
    fn out_of_stock_falls_back_to_thanks_for_playing_and_still_verifies() {
        let (seed, committed, client, mut tickets) = setup();
        let won = tickets.iter_mut().find(|t| t.drawn != "thanks").unwrap();
        won.awarded = "thanks".into();
        let nonce = won.nonce;
        let result = verify_seed(&seed.to_hex(), &committed, &client, &tickets);
        assert!(result.all_verified());
        let Verification::Checked {
            tickets: checks, ..
        } = result
        else {
            panic!("checked")
        };
        assert!(checks.contains(&(nonce, TicketCheck::VerifiedFellBack)));
    }

    #[test]
    fn a_skipped_or_repeated_nonce_is_reported() {
        let (seed, committed, client, tickets) = setup();
        let mut hidden = tickets.clone();
        hidden.remove(9);
        assert_eq!(
            verify_seed(&seed.to_hex(), &committed, &client, &hidden),
            Verification::Checked {
                tickets: hidden
                    .iter()
                    .map(|t| (t.nonce, TicketCheck::Verified))
                    .collect(),
                gaps: vec![10],
            }
        );
        let mut repeated = tickets.clone();
        repeated.push(tickets[3].clone());
        assert!(!verify_seed(&seed.to_hex(), &committed, &client, &repeated).all_verified());
    }

    #[test]
    fn client_seeds_are_short_plain_words() {
        assert!(ClientSeed::parse("abcdefgh").is_some());
        assert!(ClientSeed::parse("abcdefg").is_none());
        assert!(ClientSeed::parse(&"a".repeat(65)).is_none());
        assert!(
            ClientSeed::parse("has:colon").is_none(),
            "a colon would make the message ambiguous"
        );
        assert!(ClientSeed::parse("東京東京東京東京").is_none());
    }
}
