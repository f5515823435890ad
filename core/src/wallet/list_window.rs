//! Which rows of a long list that scrolls with its page are drawn: the ones near the screen, in
//! blocks of `STEP_ROWS`; a block not drawn is one placeholder of its height. The rows' heights
//! differ (a name that wraps, a group's caption), so each row has its own pitch: measured once
//! drawn, estimated before.

use std::ops::Range;

/// Rows are drawn in blocks of this many, so a scroll draws rows in batches rather than at every
/// row's edge; the window's ends are on blocks' edges.
pub const STEP_ROWS: usize = 8;

/// The rows to draw (whole blocks): the window over rows of these `pitches` (a row's height plus
/// the gap after it) when the list's top is `scrolled` pixels above the screen's top (negative:
/// below it) on a screen `screen` pixels high, drawing `overscan` pixels more beyond each edge.
pub fn list_window(pitches: &[f64], scrolled: f64, screen: f64, overscan: f64) -> Range<usize> {
    let from = scrolled - overscan;
    let to = scrolled + screen + overscan;
    let mut offset = 0.0;
    let mut first = pitches.len();
    let mut end = pitches.len();
    for (at, pitch) in pitches.iter().enumerate() {
        if first == pitches.len() && offset + pitch > from {
            first = at;
        }
        if offset >= to {
            end = at;
            break;
        }
        offset += pitch;
    }
    let start = (first / STEP_ROWS * STEP_ROWS).min(end);
    let end = end.div_ceil(STEP_ROWS) * STEP_ROWS;
    start..end.min(pitches.len()).max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn even(rows: usize) -> Vec<f64> {
        vec![100.0; rows]
    }

    #[test]
    fn at_the_top_it_draws_the_screen_and_the_overscan_below_it() {
        // 800 px of screen and 400 of overscan: rows 0..12, rounded up to the step.
        assert_eq!(list_window(&even(100), 0.0, 800.0, 400.0), 0..16);
    }

    #[test]
    fn scrolled_down_it_draws_the_blocks_near_the_screen() {
        // Rows 46..62 are near the screen; the window's ends are on blocks' edges.
        assert_eq!(list_window(&even(100), 5_000.0, 800.0, 400.0), 40..64);
    }

    #[test]
    fn a_small_scroll_keeps_the_window_a_large_one_moves_it() {
        let pitches = even(100);
        let here = list_window(&pitches, 5_000.0, 800.0, 400.0);
        assert_eq!(list_window(&pitches, 5_050.0, 800.0, 400.0), here);
        assert_ne!(list_window(&pitches, 6_000.0, 800.0, 400.0), here);
    }

    #[test]
    fn at_the_end_and_past_it() {
        let pitches = even(100);
        assert_eq!(list_window(&pitches, 9_500.0, 800.0, 400.0), 88..100);
        let past = list_window(&pitches, 50_000.0, 800.0, 400.0);
        assert_eq!(
            past,
            96..100,
            "the last rows, never an empty window after them"
        );
    }

    #[test]
    fn a_list_below_the_screen_draws_its_first_rows() {
        assert_eq!(list_window(&even(100), -300.0, 800.0, 400.0), 0..16);
        assert_eq!(list_window(&even(100), -2_000.0, 800.0, 400.0), 0..0);
    }

    #[test]
    fn rows_of_other_heights_are_counted_as_they_are() {
        // A caption of 30 px before every fourth tile.
        let pitches: Vec<f64> = (0..100)
            .map(|i| if i % 4 == 0 { 30.0 } else { 160.0 })
            .collect();
        let window = list_window(&pitches, 3_000.0, 800.0, 400.0);
        // The screen's rows and the overscan are inside the window, on blocks' edges.
        let offset_of = |row: usize| pitches[..row].iter().sum::<f64>();
        assert!(offset_of(window.start) <= 3_000.0 - 400.0);
        assert!(offset_of(window.end) >= 3_000.0 + 800.0 + 400.0);
        assert_eq!((window.start % STEP_ROWS, window.end % STEP_ROWS), (0, 0));
    }

    #[test]
    fn short_and_empty_lists() {
        assert_eq!(list_window(&even(3), 0.0, 800.0, 400.0), 0..3);
        assert_eq!(list_window(&[], 0.0, 800.0, 400.0), 0..0);
    }
}
