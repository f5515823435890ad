//! The wallet's check of a revealed seed: every ticket it holds of that seed, recomputed with
//! `fair_draw::verify_seed`.

use super::entities::{DrawSeedData, TicketData};
use crate::fair_draw::{verify_seed, ClientSeed, Verification};

/// The check of `seed` (id `seed_id`) against the drawn tickets among `tickets`, once the seed is
/// revealed; `None` before (nothing to check yet). A revealed seed without a readable client seed
/// can be checked against nothing the wallet set: it fails as a seed that does not match.
pub fn check_seed<'a>(
    seed_id: &str,
    seed: &DrawSeedData,
    tickets: impl IntoIterator<Item = &'a TicketData>,
) -> Option<Verification> {
    let revealed = seed.revealed_seed.as_deref()?;
    let Some(client_seed) = seed.client_seed.as_deref().and_then(ClientSeed::parse) else {
        return Some(Verification::SeedDoesNotMatch);
    };
    let drawn: Vec<_> = tickets
        .into_iter()
        .filter(|t| t.seed_id == seed_id)
        .filter_map(TicketData::drawn_ticket)
        .collect();
    Some(verify_seed(
        revealed,
        &seed.commitment,
        &client_seed,
        &drawn,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fair_draw::{commitment, draw, PrizeSlot, PrizeTable, ServerSeed};
    use crate::games::{GameKind, PrizeDisplay, TicketState};
    use crate::model::LocalizedText;

    fn table() -> PrizeTable {
        let slot = |id: &str, weight| PrizeSlot {
            id: id.into(),
            weight,
        };
        PrizeTable::new(
            vec![slot("beef", 1), slot("drink", 3), slot("thanks", 6)],
            "thanks",
        )
        .unwrap()
    }

    fn ticket(seed: &ServerSeed, client: &ClientSeed, nonce: u64) -> TicketData {
        let table = table();
        let drawn = table.slots[draw(seed, client, nonce, &table)].id.clone();
        let label = LocalizedText::new("獎", "Prize");
        TicketData {
            campaign_id: "wheel".into(),
            game: GameKind::Wheel,
            title: label.clone(),
            prizes: table
                .slots
                .iter()
                .enumerate()
                .map(|(i, s)| PrizeDisplay {
                    slot: s.id.clone(),
                    label: label.clone(),
                    chance_ppm: table.chance_ppm(i),
                })
                .collect(),
            table,
            seed_id: "s1".into(),
            nonce: Some(nonce),
            state: TicketState::Played,
            awarded: Some(drawn.clone()),
            drawn: Some(drawn),
            issued_at: 0,
            played_at: None,
        }
    }

    fn revealed(seed: &ServerSeed, revealed: &str) -> DrawSeedData {
        DrawSeedData {
            commitment: commitment(seed),
            client_seed: Some("phone-seed-123".into()),
            revealed_seed: Some(revealed.into()),
            created_at: 0,
            revealed_at: Some(1),
        }
    }

    #[test]
    fn a_revealed_seed_checks_every_ticket_of_it_and_only_those() {
        let seed = ServerSeed::from_bytes([7; 32]);
        let client = ClientSeed::parse("phone-seed-123").unwrap();
        let mut other = ticket(&seed, &client, 1);
        other.seed_id = "s2".into();
        other.drawn = Some("nonsense".into());
        let tickets = [ticket(&seed, &client, 1), ticket(&seed, &client, 2), other];
        let check = check_seed("s1", &revealed(&seed, &seed.to_hex()), &tickets).unwrap();
        assert!(check.all_verified(), "{check:?}");
        let Verification::Checked { tickets, .. } = check else {
            unreachable!()
        };
        assert_eq!(
            tickets.len(),
            2,
            "the other seed's ticket is not checked against this one"
        );
    }

    #[test]
    fn a_tampered_seed_or_a_changed_outcome_fails() {
        let seed = ServerSeed::from_bytes([7; 32]);
        let client = ClientSeed::parse("phone-seed-123").unwrap();
        let tampered = ServerSeed::from_bytes([8; 32]).to_hex();
        let tickets = [ticket(&seed, &client, 1)];
        assert_eq!(
            check_seed("s1", &revealed(&seed, &tampered), &tickets),
            Some(Verification::SeedDoesNotMatch)
        );
        let mut changed = ticket(&seed, &client, 2);
        let other = if changed.drawn.as_deref() == Some("beef") {
            "drink"
        } else {
            "beef"
        };
        changed.drawn = Some(other.into());
        changed.awarded = Some(other.into());
        let check = check_seed(
            "s1",
            &revealed(&seed, &seed.to_hex()),
            &[tickets[0].clone(), changed],
        );
        assert!(!check.unwrap().all_verified());
    }

    #[test]
    fn nothing_is_checked_before_the_seed_is_revealed() {
        let seed = ServerSeed::from_bytes([7; 32]);
        let mut current = revealed(&seed, "");
        current.revealed_seed = None;
        assert_eq!(check_seed("s1", &current, &[]), None);
    }
}
