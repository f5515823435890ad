//! One ticket played: its game (a scratch card or the wheel), the chances of each prize shown
//! before playing, then what it gave, with a little celebration on a win and where the prize
//! stands (on its way until the issuer confirms it, then on the card).

use super::list::game_name;
use super::{percent, reduced_motion, scratch::ScratchCard, wheel::PrizeWheel, Page, Ticket, PLAY};
use crate::words::fill;
use leptos::prelude::*;
use wallet_core::games::{GameKind, TicketState};

#[component]
pub fn PlayTicket(page: Page, ticket_id: String) -> impl IntoView {
    let words = page.words;
    let ticket = page
        .tickets
        .get_untracked()
        .into_iter()
        .find(|t| t.id == ticket_id);
    let back = view! {
        <a class="button wide" href=page.games_href() data-testid="game-back">{words.game_back}</a>
    };
    let Some(ticket) = ticket else {
        return view! {
            <p class="notice" role="status" data-testid="game-not-found">{words.game_not_found}</p>
            {back}
        }
        .into_any();
    };
    if ticket.data.state == TicketState::Waiting {
        return view! {
            <p class="notice" role="status" data-testid="games-waiting">{words.games_waiting}</p>
            {back}
        }
        .into_any();
    }
    // The ticket as the app's latest props have it: confirmed once the issuer applied the play.
    let current = {
        let id = ticket.id.clone();
        Memo::new(move |_| {
            page.tickets
                .with(|all| all.iter().find(|t| t.id == id).cloned())
        })
    };
    let played_before = ticket.played();
    let revealed = RwSignal::new(played_before);
    let reveal = {
        let id = ticket.id.clone();
        move || {
            if revealed.get_untracked() {
                return;
            }
            revealed.set(true);
            if !played_before {
                page.send(PLAY, &serde_json::json!({ "ticket_id": id }));
            }
        }
    };
    let reveal = StoredValue::new(reveal);
    let on_reveal = move || reveal.with_value(|f| f());
    let game = match ticket.data.game {
        GameKind::Scratch => {
            view! { <ScratchCard page ticket=ticket.clone() revealed on_reveal /> }.into_any()
        }
        GameKind::Wheel => {
            view! { <PrizeWheel page ticket=ticket.clone() revealed on_reveal /> }.into_any()
        }
    };
    let odds = ticket
        .data
        .prizes
        .iter()
        .map(|prize| {
            view! {
                <li><span>{prize.label.get(page.chinese).to_owned()}</span><span>{percent(prize.chance_ppm)}</span></li>
            }
        })
        .collect_view();
    view! {
        <p class="game-kind">{game_name(page, ticket.data.game)}</p>
        <div class="game-stage">{game}</div>
        <Show when=move || revealed.get()>
            <Outcome page ticket=ticket.clone() current played_before />
        </Show>
        <section class="game-odds" data-testid="game-odds">
            <h2>{words.games_odds}</h2>
            <ul>{odds.clone()}</ul>
        </section>
        {back}
    }
    .into_any()
}

#[component]
fn Outcome(
    page: Page,
    ticket: Ticket,
    current: Memo<Option<Ticket>>,
    played_before: bool,
) -> impl IntoView {
    let words = page.words;
    let prize = ticket
        .data
        .awarded_prize()
        .map(|p| p.label.get(page.chinese).to_owned())
        .unwrap_or_default();
    let win = ticket.data.is_win();
    let headline = if win {
        fill(words.game_won, "prize", &prize)
    } else {
        fill(words.game_lost, "prize", &prize)
    };
    let ran_out = (ticket.data.drawn != ticket.data.awarded)
        .then(|| fill(words.game_ran_out, "prize", &prize));
    let confirmed = move || {
        current.with(|t| {
            t.as_ref()
                .is_some_and(|t| t.data.state == TicketState::Played)
        })
    };
    let status = move || {
        if !win {
            None
        } else if confirmed() {
            Some((words.game_confirmed, "game-confirmed"))
        } else {
            Some((words.game_pending, "game-pending"))
        }
    };
    let celebrate = win && !played_before && !reduced_motion();
    view! {
        <section class="game-outcome" class:win=win data-testid="game-outcome" role="status" aria-live="polite">
            {celebrate.then(|| view! {
                <div class="confetti" aria-hidden="true">
                    {(0..14).map(|i| view! { <i style=format!("--i:{i}")></i> }).collect_view()}
                </div>
            })}
            {played_before.then(|| view! { <p class="muted">{words.game_played_already}</p> })}
            <h2 data-testid="game-headline">{headline}</h2>
            {ran_out.map(|text| view! { <p class="muted">{text}</p> })}
            {move || status().map(|(text, testid)| view! { <p class="notice" data-testid=testid>{text}</p> })}
        </section>
    }
}
