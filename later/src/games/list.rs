//! Every ticket of the membership: those ready to play as big buttons, those still being drawn,
//! and those played with what they gave.

use super::{Page, Ticket};
use leptos::prelude::*;
use wallet_core::games::{GameKind, TicketState};

pub fn game_name(page: Page, game: GameKind) -> &'static str {
    match game {
        GameKind::Scratch => page.words.game_scratch,
        GameKind::Wheel => page.words.game_wheel,
    }
}

#[component]
pub fn TicketList(page: Page) -> impl IntoView {
    let words = page.words;
    let ready = move || {
        page.tickets.with(|all| {
            all.iter()
                .filter(|t| t.data.state == TicketState::Ready && !t.pending)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let waiting = move || {
        page.tickets
            .with(|all| all.iter().any(|t| t.data.state == TicketState::Waiting))
    };
    let played = move || {
        page.tickets.with(|all| {
            let mut played: Vec<Ticket> = all.iter().filter(|t| t.played()).cloned().collect();
            played.sort_by_key(|t| std::cmp::Reverse((t.data.played_at, t.data.issued_at)));
            played
        })
    };
    view! {
        <section class="games-ready" data-testid="games-ready">
            <h2>{words.games_ready}</h2>
            {move || {
                let ready = ready();
                if ready.is_empty() && !waiting() {
                    return view! { <p class="muted">{words.games_none}</p> }.into_any();
                }
                ready
                    .into_iter()
                    .map(|ticket| {
                        let href = format!("{}/{}", page.games_href(), ticket.id);
                        view! {
                            <a class="game-ticket" href=href data-testid="game-ticket">
                                <span class="game-kind">{game_name(page, ticket.data.game)}</span>
                                <strong>{ticket.data.title.get(page.chinese).to_owned()}</strong>
                                <span class="button primary">{words.games_play}</span>
                            </a>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
            {move || waiting().then(|| view! {
                <p class="notice" role="status" data-testid="games-waiting">{words.games_waiting}</p>
            })}
        </section>
        {move || {
            let played = played();
            (!played.is_empty()).then(|| view! {
                <section class="games-played">
                    <h2>{words.games_played}</h2>
                    <ul>
                        {played
                            .into_iter()
                            .map(|ticket| {
                                let prize = ticket
                                    .data
                                    .awarded_prize()
                                    .map(|p| p.label.get(page.chinese).to_owned())
                                    .unwrap_or_default();
                                let href = format!("{}/{}", page.games_href(), ticket.id);
                                let status = (ticket.pending && ticket.data.is_win()).then_some(words.game_pending);
                                view! {
                                    <li data-testid="game-played">
                                        <a href=href>
                                            <span class="game-kind">{game_name(page, ticket.data.game)}</span>
                                            <strong>{prize}</strong>
                                        </a>
                                        {status.map(|s| view! { <p class="muted small">{s}</p> })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </section>
            })
        }}
    }
}
