//! How the wallet's first page lays out the cards: pinned ones first (in the order they were
//! pinned), then the rest by the order the customer dragged them into, or else most recently
//! used first; archived ones left out; a search by name (either language) or by number. A
//! preference of this phone (the app keeps it in localStorage, like the language), so it is read
//! synchronously when the page is drawn.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HomeLayout {
    /// Pinned cards, first pinned first.
    #[serde(default)]
    pub pinned: Vec<String>,
    /// The order the customer arranged the other cards in; empty: most recently used first.
    #[serde(default)]
    pub order: Vec<String>,
    #[serde(default)]
    pub archived: Vec<String>,
    /// When each card was last opened (milliseconds since the epoch). A list of pairs, not a
    /// map: the first screen carries every line of this code, and a map adds 2.2 KB (brotli).
    #[serde(default)]
    pub used: Vec<(String, f64)>,
}

/// What the layout needs to know of a card (a membership or a plain card).
#[derive(Clone, Copy, Debug)]
pub struct HomeCard<'a> {
    pub id: &'a str,
    /// The name in each language (the same twice for a plain card).
    pub names: [&'a str; 2],
    pub number: &'a str,
    /// Milliseconds since the epoch.
    pub added_at: f64,
    /// The merchant group whose brands share points (its id), if any.
    pub group: Option<&'a str>,
}

/// Whether the card at `at` in a list whose cards have these `groups` starts a merchant group's
/// run of two or more side by side: the place for the group's caption.
pub fn starts_group(groups: &[Option<&str>], at: usize) -> bool {
    let group_at = |at: usize| groups.get(at).copied().flatten();
    group_at(at).is_some()
        && at.checked_sub(1).and_then(group_at) != group_at(at)
        && group_at(at + 1) == group_at(at)
}

/// Lower case, without spaces and hyphens: how a typed number or name is compared.
fn folded(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

impl HomeCard<'_> {
    fn matches(&self, query: &str) -> bool {
        let query = folded(query);
        query.is_empty()
            || self.names.iter().any(|n| folded(n).contains(&query))
            || folded(self.number).contains(&query)
    }
}

impl HomeLayout {
    fn used_at(&self, id: &str) -> Option<f64> {
        self.used
            .iter()
            .find(|(used, _)| used == id)
            .map(|(_, at)| *at)
    }

    pub fn is_pinned(&self, id: &str) -> bool {
        self.pinned.iter().any(|p| p == id)
    }

    pub fn is_archived(&self, id: &str) -> bool {
        self.archived.iter().any(|a| a == id)
    }

    /// The indices of `cards` to show for `query`, in order; archived cards are left out.
    pub fn arrange(&self, cards: &[HomeCard], query: &str) -> Vec<usize> {
        let mut shown: Vec<usize> = (0..cards.len())
            .filter(|&i| !self.is_archived(cards[i].id) && cards[i].matches(query))
            .collect();
        let rank = |card: &HomeCard| {
            let pin = self.pinned.iter().position(|p| p == card.id);
            let manual = self.order.iter().position(|o| o == card.id);
            let used = self.used_at(card.id).unwrap_or(0.0);
            (pin, manual, used, card.added_at)
        };
        shown.sort_unstable_by(|&a, &b| {
            let (pin_a, manual_a, used_a, added_a) = rank(&cards[a]);
            let (pin_b, manual_b, used_b, added_b) = rank(&cards[b]);
            // Pinned first, in pin order; then cards not yet arranged (new ones) on top; then the
            // arranged order; ties by last use, then newest.
            let pinned = match (pin_a, pin_b) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            };
            let manual = match (manual_a, manual_b) {
                (Some(x), Some(y)) => x.cmp(&y),
                (None, Some(_)) => std::cmp::Ordering::Less,
                (Some(_), None) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            };
            pinned
                .then(manual)
                .then(used_b.total_cmp(&used_a))
                .then(added_b.total_cmp(&added_a))
        });
        shown
    }

    /// `shown` (from `arrange`) with each merchant group's cards together, where the group's
    /// first card is: the brands share their points, so the wallet's first page shows them side
    /// by side. A pinned card stays among the pinned ones. (Arranging shows the order as dragged:
    /// a group moves with its first card.)
    pub fn gather_groups(&self, shown: Vec<usize>, cards: &[HomeCard]) -> Vec<usize> {
        let mut gathered = Vec::with_capacity(shown.len());
        for (at, &i) in shown.iter().enumerate() {
            if gathered.contains(&i) {
                continue;
            }
            gathered.push(i);
            let Some(group) = cards[i].group else {
                continue;
            };
            for &j in &shown[at + 1..] {
                if cards[j].group == Some(group)
                    && !self.is_pinned(cards[j].id)
                    && !gathered.contains(&j)
                {
                    gathered.push(j);
                }
            }
        }
        gathered
    }

    /// The card opened last, among those not archived.
    pub fn last_used<'a>(&self, cards: &[HomeCard<'a>]) -> Option<&'a str> {
        cards
            .iter()
            .filter(|c| !self.is_archived(c.id))
            .filter_map(|c| self.used_at(c.id).map(|t| (c.id, t)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(id, _)| id)
    }

    pub fn touch(&mut self, id: &str, now: f64) {
        match self.used.iter_mut().find(|(used, _)| used == id) {
            Some((_, at)) => *at = now,
            None => self.used.push((id.to_owned(), now)),
        }
    }

    pub fn toggle_pin(&mut self, id: &str) {
        if self.is_pinned(id) {
            self.pinned.retain(|p| p != id);
        } else {
            self.pinned.push(id.to_owned());
        }
    }

    pub fn set_archived(&mut self, id: &str, archived: bool) {
        self.archived.retain(|a| a != id);
        self.pinned.retain(|p| p != id || !archived);
        if archived {
            self.archived.push(id.to_owned());
        }
    }

    /// Moves `id` to `to` within `shown` (the cards as listed now, pinned ones included, each with
    /// its merchant group: the first page's order, `gather_groups`) and keeps that as the
    /// customer's order. A pinned card moves among the pinned ones; another, among the others. A
    /// group's cards, side by side on the first page, move as one block, except among themselves:
    /// moved one by one, a card taken out of its group would only be gathered back.
    pub fn move_to(&mut self, shown: &[(&str, Option<&str>)], id: &str, to: usize) {
        let pinned = self.is_pinned(id);
        // Pinned cards keep the pin order; groups gather only after them.
        let section: Vec<(&str, Option<&str>)> = shown
            .iter()
            .filter(|(s, _)| self.is_pinned(s) == pinned)
            .map(|&(s, group)| (s, group.filter(|_| !pinned)))
            .collect();
        let Some(from) = section.iter().position(|(s, _)| *s == id) else {
            return;
        };
        let first_of_section = shown
            .iter()
            .position(|(s, _)| self.is_pinned(s) == pinned)
            .unwrap_or(0);
        let to = to.saturating_sub(first_of_section).min(section.len() - 1);
        let mut blocks: Vec<Vec<&str>> = Vec::new();
        let mut previous_group = None;
        for &(s, group) in &section {
            match blocks.last_mut() {
                Some(block) if group.is_some() && group == previous_group => block.push(s),
                _ => blocks.push(vec![s]),
            }
            previous_group = group;
        }
        let block_of = |at: usize| {
            let mut end = 0;
            blocks
                .iter()
                .position(|block| {
                    end += block.len();
                    at < end
                })
                .unwrap_or(blocks.len() - 1)
        };
        let (block_from, block_to) = (block_of(from), block_of(to));
        let ordered: Vec<String> = if block_from == block_to {
            let mut ids: Vec<&str> = section.iter().map(|(s, _)| *s).collect();
            let card = ids.remove(from);
            ids.insert(to, card);
            ids.into_iter().map(str::to_owned).collect()
        } else {
            let block = blocks.remove(block_from);
            blocks.insert(block_to, block);
            blocks.concat().into_iter().map(str::to_owned).collect()
        };
        if pinned {
            self.pinned = ordered;
        } else {
            // Cards the list did not show (archived, or filtered out) keep their places after.
            let rest: Vec<String> = self
                .order
                .iter()
                .filter(|o| !ordered.contains(o))
                .cloned()
                .collect();
            self.order = ordered.into_iter().chain(rest).collect();
        }
    }

    /// Forgets cards that are no longer in the wallet.
    pub fn keep_only(&mut self, ids: &[&str]) {
        let known = |id: &String| ids.contains(&id.as_str());
        self.pinned.retain(known);
        self.order.retain(known);
        self.archived.retain(known);
        self.used.retain(|(id, _)| known(id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cards() -> Vec<HomeCard<'static>> {
        vec![
            HomeCard {
                id: "cafe",
                names: ["晨光咖啡", "Morning Light Café"],
                number: "7K3D 9QX2 M4PA",
                added_at: 1.0,
                group: None,
            },
            HomeCard {
                id: "books",
                names: ["青田書店", "Qingtian Books"],
                number: "P6G4 MMDM K5DH",
                added_at: 2.0,
                group: None,
            },
            HomeCard {
                id: "gym",
                names: ["晨間健身房", "晨間健身房"],
                number: "GYM-0042",
                added_at: 3.0,
                group: None,
            },
            HomeCard {
                id: "bbq",
                names: ["炭火小巷燒肉", "Alley Charcoal Yakiniku"],
                number: "AB12 CD34 EF56",
                added_at: 4.0,
                group: None,
            },
        ]
    }

    fn ids(layout: &HomeLayout, query: &str) -> Vec<&'static str> {
        let cards = cards();
        layout
            .arrange(&cards, query)
            .into_iter()
            .map(|i| cards[i].id)
            .collect()
    }

    #[test]
    fn newest_first_then_most_recently_used_first() {
        let mut layout = HomeLayout::default();
        assert_eq!(ids(&layout, ""), ["bbq", "gym", "books", "cafe"]);
        layout.touch("cafe", 100.0);
        layout.touch("books", 50.0);
        assert_eq!(ids(&layout, ""), ["cafe", "books", "bbq", "gym"]);
        assert_eq!(layout.last_used(&cards()), Some("cafe"));
    }

    #[test]
    fn pinned_cards_lead_and_archived_ones_are_hidden() {
        let mut layout = HomeLayout::default();
        layout.toggle_pin("books");
        layout.toggle_pin("cafe");
        assert_eq!(ids(&layout, ""), ["books", "cafe", "bbq", "gym"]);
        layout.set_archived("cafe", true);
        assert!(!layout.is_pinned("cafe"), "an archived card is unpinned");
        assert_eq!(ids(&layout, ""), ["books", "bbq", "gym"]);
        layout.set_archived("cafe", false);
        assert_eq!(ids(&layout, ""), ["books", "bbq", "gym", "cafe"]);
        layout.toggle_pin("books");
        assert_eq!(ids(&layout, ""), ["bbq", "gym", "books", "cafe"]);
    }

    /// The cards as listed, none in a group.
    fn listed(layout: &HomeLayout) -> Vec<(&'static str, Option<&'static str>)> {
        ids(layout, "").into_iter().map(|id| (id, None)).collect()
    }

    #[test]
    fn a_dragged_order_is_kept_and_new_cards_come_on_top() {
        let mut layout = HomeLayout::default();
        let shown = listed(&layout);
        layout.move_to(&shown, "cafe", 0);
        assert_eq!(ids(&layout, ""), ["cafe", "bbq", "gym", "books"]);
        let shown = listed(&layout);
        layout.move_to(&shown, "bbq", 3);
        assert_eq!(ids(&layout, ""), ["cafe", "gym", "books", "bbq"]);
        // Use no longer reorders arranged cards.
        layout.touch("books", 999.0);
        assert_eq!(ids(&layout, ""), ["cafe", "gym", "books", "bbq"]);
        // A pinned card moves among the pinned.
        layout.toggle_pin("books");
        layout.toggle_pin("bbq");
        let shown = listed(&layout);
        assert_eq!(ids(&layout, ""), ["books", "bbq", "cafe", "gym"]);
        layout.move_to(&shown, "bbq", 0);
        assert_eq!(ids(&layout, ""), ["bbq", "books", "cafe", "gym"]);
        layout.keep_only(&["bbq", "cafe"]);
        assert_eq!(layout.pinned, ["bbq"]);
        assert_eq!(layout.order, ["cafe", "bbq"]);
    }

    #[test]
    fn search_finds_by_name_in_either_language_and_by_number() {
        let layout = HomeLayout::default();
        assert_eq!(ids(&layout, "晨"), ["gym", "cafe"]);
        assert_eq!(ids(&layout, "books"), ["books"]);
        assert_eq!(ids(&layout, "  CAFÉ "), ["cafe"]);
        assert_eq!(ids(&layout, "p6g4mmdm"), ["books"]);
        assert_eq!(ids(&layout, "gym 0042"), ["gym"]);
        assert_eq!(ids(&layout, "sushi"), Vec::<&str>::new());
    }

    #[test]
    fn a_merchant_groups_brands_are_shown_together() {
        let mut cards = cards();
        let ramen = HomeCard {
            id: "ramen",
            names: ["小巷拉麵", "Alley Ramen"],
            number: "RM12 RM34 RM56",
            added_at: 5.0,
            group: Some("alley"),
        };
        cards[3].group = Some("alley");
        cards.push(ramen);
        let mut layout = HomeLayout::default();
        let shown_ids = |layout: &HomeLayout| -> Vec<&str> {
            let order = layout.gather_groups(layout.arrange(&cards, ""), &cards);
            order.into_iter().map(|i| cards[i].id).collect()
        };
        // Newest first would be ramen, bbq, gym...: already together.
        assert_eq!(shown_ids(&layout), ["ramen", "bbq", "gym", "books", "cafe"]);
        layout.touch("bbq", 10.0);
        layout.touch("cafe", 20.0);
        // Used last: cafe, then bbq, and ramen follows its group's first card.
        assert_eq!(shown_ids(&layout), ["cafe", "bbq", "ramen", "gym", "books"]);
        // A pinned brand stays among the pinned cards, and the rest of its group follows it.
        layout.toggle_pin("ramen");
        assert_eq!(shown_ids(&layout), ["ramen", "bbq", "cafe", "gym", "books"]);
    }

    #[test]
    fn a_groups_cards_move_as_one_block_and_among_themselves() {
        let mut cards = cards();
        cards[3].group = Some("alley");
        cards.push(HomeCard {
            id: "ramen",
            names: ["小巷拉麵", "Alley Ramen"],
            number: "RM12 RM34 RM56",
            added_at: 5.0,
            group: Some("alley"),
        });
        let mut layout = HomeLayout::default();
        let listed = |layout: &HomeLayout| -> Vec<(&'static str, Option<&'static str>)> {
            let order = layout.gather_groups(layout.arrange(&cards, ""), &cards);
            order
                .into_iter()
                .map(|i| (cards[i].id, cards[i].group))
                .collect()
        };
        let ids =
            |layout: &HomeLayout| -> Vec<&str> { listed(layout).iter().map(|c| c.0).collect() };
        assert_eq!(ids(&layout), ["ramen", "bbq", "gym", "books", "cafe"]);
        // Down from the group's last card: the whole group goes below the next card.
        let shown = listed(&layout);
        layout.move_to(&shown, "bbq", 2);
        assert_eq!(ids(&layout), ["gym", "ramen", "bbq", "books", "cafe"]);
        // Within the group: the two swap.
        let shown = listed(&layout);
        layout.move_to(&shown, "ramen", 2);
        assert_eq!(ids(&layout), ["gym", "bbq", "ramen", "books", "cafe"]);
        // Dragged to the bottom from the group's first card: the group follows it there.
        let shown = listed(&layout);
        layout.move_to(&shown, "bbq", 4);
        assert_eq!(ids(&layout), ["gym", "books", "cafe", "bbq", "ramen"]);
        // Up from the group's first card: above the card before it.
        let shown = listed(&layout);
        layout.move_to(&shown, "bbq", 2);
        assert_eq!(ids(&layout), ["gym", "books", "bbq", "ramen", "cafe"]);
    }

    #[test]
    fn a_caption_starts_each_run_of_two_or_more_of_one_group() {
        let groups = [
            None,
            Some("alley"),
            Some("alley"),
            Some("tea"),
            Some("alley"),
            Some("alley"),
        ];
        let starts: Vec<usize> = (0..groups.len())
            .filter(|&at| starts_group(&groups, at))
            .collect();
        // A group's lone card (the tea house) gets no caption; a second run of one group does.
        assert_eq!(starts, [1, 4]);
        assert!(!starts_group(&groups, 99));
    }
}
