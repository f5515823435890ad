//! A stamp card: one circle per stamp, filled ones carry the merchant's mark, reward steps show a
//! gift. Stamps that arrived since the customer last looked play a short "stamped" animation
//! (the stylesheet turns it off under `prefers-reduced-motion`).

use leptos::prelude::*;

#[component]
pub fn StampGrid(
    /// Stamps on a full card (1-50).
    total: u32,
    #[prop(into)] filled: Signal<u32>,
    /// How many of the filled stamps are new (the last ones), to animate.
    #[prop(into)]
    newly_added: Signal<u32>,
    /// Positions (1-based) that earn a reward.
    #[prop(optional)]
    reward_steps: Vec<u32>,
    /// The mark drawn in a filled stamp (e.g. "晨").
    #[prop(into)]
    mark: String,
    /// Accessible summary, e.g. "7 of 10 stamps".
    #[prop(into)]
    label: Signal<String>,
) -> impl IntoView {
    let total = total.clamp(1, 50);
    let columns = columns_for(total);
    let cells = move || {
        let filled = filled.get().min(total);
        let fresh_from = filled.saturating_sub(newly_added.get());
        (1..=total)
            .map(|position| {
                let is_filled = position <= filled;
                let is_new = is_filled && position > fresh_from;
                let is_reward = reward_steps.contains(&position);
                let class = match (is_filled, is_new, is_reward) {
                    (true, true, _) => "stamp filled new",
                    (true, false, _) => "stamp filled",
                    (false, _, true) => "stamp reward-step",
                    (false, _, false) => "stamp",
                };
                // The star is drawn, not typed: a text glyph sits off-centre in some fonts.
                let content = if is_filled {
                    mark.clone().into_any()
                } else if is_reward {
                    view! {
                        <svg class="stamp-star" viewBox="0 0 24 24" aria-hidden="true">
                            <path d="M12 2.5l2.9 6.2 6.8.7-5.1 4.6 1.5 6.7L12 17.3l-6.1 3.4 1.5-6.7-5.1-4.6 6.8-.7z" />
                        </svg>
                    }
                    .into_any()
                } else {
                    position.to_string().into_any()
                };
                view! { <li class=class aria-hidden="true">{content}</li> }
            })
            .collect_view()
    };
    view! {
        <ol
            class="stamp-grid"
            style=format!("--columns: {columns}")
            role="img"
            aria-label=move || label.get()
            data-testid="stamp-grid"
        >
            {cells}
        </ol>
    }
}

/// Columns of the grid: a card of up to 6 on one row, up to 10 on two rows of (nearly) the same
/// length (5 + 5, 4 + 3) rather than a lone stamp under a full row, longer ones six to a row.
fn columns_for(total: u32) -> u32 {
    match total {
        0..=6 => total.max(1),
        7..=10 => total.div_ceil(2),
        _ => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::columns_for;

    #[test]
    fn rows_are_even_and_never_end_in_a_lone_stamp() {
        assert_eq!(columns_for(6), 6);
        assert_eq!(columns_for(8), 4);
        assert_eq!(columns_for(10), 5);
        assert_eq!(columns_for(9), 5);
        assert_eq!(columns_for(30), 6);
        for total in 2..=10 {
            assert_ne!(
                total % columns_for(total),
                1,
                "a lone stamp on the last row of {total}"
            );
        }
    }
}
