//! Where the prize wheel stops. The wheel has one equal segment per slot of the prize table, in
//! the table's order, clockwise from the pointer at the top; the spin is decided by the ticket's
//! drawn slot (never by the animation), so the segment under the pointer when it stops is the one
//! the issuer drew. Pure arithmetic, shared by the wallet and its tests.

/// Whole turns before the wheel stops: long enough to feel like a spin.
pub const TURNS: u32 = 5;

/// The clockwise rotation in degrees, from rest, that leaves segment `index` of `count` under the
/// pointer. Where in the segment it stops varies with `nonce` (so two wins of the same prize do
/// not look staged) and stays well inside it (never on an edge, where the eye could doubt it).
pub fn stop_angle(index: usize, count: usize, nonce: u64) -> f64 {
    let count = count.max(1);
    let segment = 360.0 / count as f64;
    // -0.35 ..= 0.35 of a segment from its middle, in 15 steps picked by the nonce.
    let offset = ((nonce.wrapping_mul(7) % 15) as f64 - 7.0) / 20.0 * segment;
    let middle = (index.min(count - 1) as f64 + 0.5) * segment;
    f64::from(TURNS) * 360.0 + (360.0 - middle) + offset
}

/// The segment under the pointer after turning the wheel `angle` degrees clockwise.
pub fn segment_at(angle: f64, count: usize) -> usize {
    let count = count.max(1);
    let segment = 360.0 / count as f64;
    // The pointer looks at the wheel's point that was `-angle` from the top before the turn.
    let at = (-angle).rem_euclid(360.0);
    ((at / segment) as usize).min(count - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_segment_stops_under_the_pointer_whatever_the_nonce() {
        for count in 2..=12 {
            for index in 0..count {
                for nonce in 0..40 {
                    let angle = stop_angle(index, count, nonce);
                    assert_eq!(
                        segment_at(angle, count),
                        index,
                        "{index} of {count}, nonce {nonce}"
                    );
                    assert!(
                        angle >= f64::from(TURNS) * 360.0,
                        "it spins at least {TURNS} turns"
                    );
                }
            }
        }
    }

    #[test]
    fn the_stop_stays_clear_of_the_segment_edges() {
        let segment = 360.0 / 6.0;
        for nonce in 0..40 {
            let at = (-stop_angle(2, 6, nonce)).rem_euclid(360.0);
            let into = at - 2.0 * segment;
            assert!(
                into > 0.1 * segment && into < 0.9 * segment,
                "{into} degrees into the segment"
            );
        }
    }

    #[test]
    fn the_pointer_reads_segments_clockwise_from_the_top() {
        assert_eq!(segment_at(0.0, 4), 0);
        assert_eq!(
            segment_at(-100.0, 4),
            1,
            "turned back 100 degrees: the second segment"
        );
        assert_eq!(
            segment_at(360.0 * 3.0 + 10.0, 4),
            3,
            "turned 10 degrees past three turns: the last segment"
        );
    }
}
