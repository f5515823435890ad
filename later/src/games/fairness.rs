//! "Fair play, checked by you": the seed the current draws come from (the issuer's commitment,
//! the phone's own seed, how many draws), the button that reveals it, and for every revealed
//! seed the wallet's own check of each ticket drawn from it (`wallet_core::games::check_seed`).

use super::{Entry, Page, Ticket, ROTATE};
use crate::words::fill;
use leptos::prelude::*;
use wallet_core::fair_draw::{TicketCheck, Verification};
use wallet_core::games::{check_seed, DrawSeedData};

#[derive(Clone, PartialEq)]
pub struct Seed {
    id: String,
    data: DrawSeedData,
}

/// The seeds that parse, the current one first, then the revealed ones, newest first.
pub fn seeds(entries: &[Entry]) -> Vec<Seed> {
    let mut seeds: Vec<Seed> = entries
        .iter()
        .filter_map(|entry| {
            let data = serde_json::from_value(entry.data.clone()).ok()?;
            Some(Seed {
                id: entry.id.clone(),
                data,
            })
        })
        .collect();
    seeds.sort_by_key(|s| {
        (
            s.data.revealed_seed.is_some(),
            std::cmp::Reverse(s.data.created_at),
        )
    });
    seeds
}

fn drawn_of(seed_id: &str, tickets: &[Ticket]) -> usize {
    tickets
        .iter()
        .filter(|t| t.data.seed_id == seed_id && t.data.nonce.is_some())
        .count()
}

#[component]
pub fn FairPlay(page: Page, seeds: Signal<Vec<Seed>>, rotating: Signal<bool>) -> impl IntoView {
    let words = page.words;
    // Asked once per page: the app shows "will be revealed" from the outbox next.
    let asked = RwSignal::new(false);
    let rotate = move |_| {
        if !asked.get_untracked() {
            asked.set(true);
            page.send(ROTATE, &serde_json::json!({}));
        }
    };
    view! {
        <section class="fair-play" data-testid="fair-play">
            <h2>{words.fair_title}</h2>
            <p class="muted">{words.fair_explain}</p>
            {move || {
                seeds
                    .get()
                    .into_iter()
                    .map(|seed| {
                        let drawn = page.tickets.with(|all| drawn_of(&seed.id, all));
                        match seed.data.revealed_seed.clone() {
                            None => view! {
                                <div class="seed current" data-testid="seed-current">
                                    <dl>
                                        <dt>{words.fair_commitment}</dt>
                                        <dd class="hex" data-testid="seed-commitment">{seed.data.commitment.clone()}</dd>
                                        <dt>{words.fair_client_seed}</dt>
                                        <dd class="hex">{seed.data.client_seed.clone().unwrap_or_else(|| "…".to_owned())}</dd>
                                    </dl>
                                    <p>{fill(words.fair_draws, "n", &drawn.to_string())}</p>
                                    {move || if rotating.get() {
                                        view! { <p class="notice" role="status" data-testid="seed-rotating">{words.fair_rotating}</p> }.into_any()
                                    } else {
                                        view! {
                                            <button type="button" class="button wide" data-testid="seed-rotate"
                                                disabled=move || drawn == 0 || asked.get() on:click=rotate>
                                                {words.fair_rotate}
                                            </button>
                                        }.into_any()
                                    }}
                                </div>
                            }
                            .into_any(),
                            Some(revealed) => view! {
                                <div class="seed revealed">
                                    <dl>
                                        <dt>{words.fair_revealed}</dt>
                                        <dd class="hex">{revealed}</dd>
                                        <dt>{words.fair_commitment}</dt>
                                        <dd class="hex">{seed.data.commitment.clone()}</dd>
                                    </dl>
                                    <SeedCheck page seed=seed.clone() />
                                </div>
                            }
                            .into_any(),
                        }
                    })
                    .collect_view()
            }}
        </section>
    }
}

#[component]
fn SeedCheck(page: Page, seed: Seed) -> impl IntoView {
    let words = page.words;
    let tickets = page.tickets.get_untracked();
    let Some(check) = check_seed(&seed.id, &seed.data, tickets.iter().map(|t| &t.data)) else {
        return ().into_any();
    };
    if check.all_verified() {
        let Verification::Checked {
            tickets: checked, ..
        } = &check
        else {
            return ().into_any();
        };
        let text = fill(words.fair_verified, "n", &checked.len().to_string());
        return view! { <p class="verified" data-testid="seed-verified">"✓ "{text}</p> }.into_any();
    }
    let label = |slot: &str| {
        tickets
            .iter()
            .flat_map(|t| &t.data.prizes)
            .find(|p| p.slot == slot)
            .map_or_else(|| slot.to_owned(), |p| p.label.get(page.chinese).to_owned())
    };
    let details: Vec<String> = match &check {
        Verification::Checked {
            tickets: checked,
            gaps,
        } => checked
            .iter()
            .filter_map(|(nonce, result)| match result {
                TicketCheck::Wrong { expected } => Some(
                    fill(words.fair_warning_ticket, "n", &nonce.to_string())
                        .replace("{{ prize }}", &label(expected)),
                ),
                TicketCheck::BadTable => {
                    Some(fill(words.fair_warning_table, "n", &nonce.to_string()))
                }
                _ => None,
            })
            .chain(
                gaps.iter()
                    .map(|n| fill(words.fair_warning_gap, "n", &n.to_string())),
            )
            .collect(),
        Verification::SeedUnreadable | Verification::SeedDoesNotMatch => {
            vec![words.fair_warning_seed.to_owned()]
        }
    };
    view! {
        <div class="notice error" role="alert" data-testid="seed-warning">
            <p><strong>{words.fair_warning}</strong></p>
            <ul>{details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
        </div>
    }
    .into_any()
}
