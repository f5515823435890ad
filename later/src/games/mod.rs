//! The games page's body (`mount_games`): the member's tickets, one ticket played as a scratch
//! card or a prize wheel, and the fair-play check of every revealed seed. The outcome is the one
//! the issuer drew and sent with the ticket (protocol.md §14), so a ticket is revealed with no
//! network; the app queues `ticket.play` when it hears `mw:ticket-play`, and sends fresh props
//! (`mw:games-update`) whenever its stored data changed, e.g. once the issuer confirmed the prize.

mod fairness;
mod list;
mod play;
mod scratch;
mod wheel;

use crate::words::{self, Words};
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::Value;
use wallet_core::games::{TicketData, TicketState};
use wasm_bindgen::prelude::*;

/// The app's events: play a ticket (`{"ticket_id": …}`), reveal the seed (`{}`).
pub const PLAY: &str = "mw:ticket-play";
pub const ROTATE: &str = "mw:seed-rotate";
/// The app's fresh props, as JSON text in `detail`.
pub const UPDATE: &str = "mw:games-update";

/// What the app hands the games page.
#[derive(Clone, Deserialize, PartialEq)]
struct GamesProps {
    /// `list` (every ticket and the fair-play check) or `play` (the ticket `ticket_id`).
    view: String,
    membership_id: String,
    #[serde(default)]
    ticket_id: String,
    tickets: Vec<Entry>,
    seeds: Vec<Entry>,
    /// A `draw.rotate_seed` waits in the outbox.
    #[serde(default)]
    rotating: bool,
    chinese: bool,
}

/// One stored entity as the app read it, and whether a `ticket.play` of it waits in the outbox.
#[derive(Clone, Deserialize, PartialEq)]
struct Entry {
    id: String,
    data: Value,
    #[serde(default)]
    pending: bool,
}

/// A ticket the wallet can show (an entity whose data does not validate is left out).
#[derive(Clone, PartialEq)]
pub struct Ticket {
    pub id: String,
    pub data: TicketData,
    /// Played here, not yet confirmed by the issuer.
    pub pending: bool,
}

impl Ticket {
    /// Revealed already: played here or confirmed by the issuer.
    pub fn played(&self) -> bool {
        self.pending || self.data.state == TicketState::Played
    }
}

fn tickets(props: &GamesProps) -> Vec<Ticket> {
    props
        .tickets
        .iter()
        .filter_map(|entry| {
            let data: TicketData = serde_json::from_value(entry.data.clone()).ok()?;
            data.validate().then(|| Ticket {
                id: entry.id.clone(),
                data,
                pending: entry.pending,
            })
        })
        .collect()
}

/// The context every part of the page shares.
#[derive(Clone, Copy)]
pub struct Page {
    pub words: &'static Words,
    pub chinese: bool,
    pub membership_id: StoredValue<String>,
    /// Every valid ticket, as the app's last props had them.
    pub tickets: Memo<Vec<Ticket>>,
    target: StoredValue<web_sys::HtmlElement, LocalStorage>,
}

impl Page {
    pub fn send(&self, name: &str, detail: &Value) {
        self.target
            .with_value(|target| crate::events::send(target, name, detail));
    }

    pub fn games_href(&self) -> String {
        format!("/m/{}/games", self.membership_id.get_value())
    }
}

/// Shows the games page's body in `root` and keeps it up to date with the app's
/// `mw:games-update` events.
pub fn mount(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    let props: GamesProps =
        serde_json::from_str(props).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let words = words::for_language(props.chinese);
    let chinese = props.chinese;
    let view_name = props.view.clone();
    let ticket_id = props.ticket_id.clone();
    let membership_id = props.membership_id.clone();
    let state = RwSignal::new(props);
    crate::events::on(&root, UPDATE, move |detail| {
        if let Ok(fresh) = serde_json::from_value::<GamesProps>(detail) {
            state.set(fresh);
        }
    });
    let target = root.clone();
    crate::style::then(crate::style::GAMES, move || {
        let handle = mount_to(root, move || {
            let page = Page {
                words,
                chinese,
                membership_id: StoredValue::new(membership_id),
                tickets: Memo::new(move |_| state.with(tickets)),
                target: StoredValue::new_local(target),
            };
            let rotating = Signal::derive(move || state.with(|s| s.rotating));
            let seeds = Signal::derive(move || state.with(|s| s.seeds.clone()));
            if view_name == "play" {
                view! { <play::PlayTicket page ticket_id /> }.into_any()
            } else {
                view! {
                    <list::TicketList page />
                    <fairness::FairPlay page seeds=Signal::derive(move || fairness::seeds(&seeds.get())) rotating />
                }
                .into_any()
            }
        });
        // The app clears the element when its page goes.
        handle.forget();
    });
    Ok(())
}

/// Whether the customer asked for less motion: no spin, no fading, no confetti.
pub fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|query| query.matches())
}

/// A prize's chance as the customer reads it, e.g. `12.5%`, `0.01%`, or `<0.01%` for a chance
/// that is there but rounds to nothing (never a "0%" that is not true).
pub fn percent(chance_ppm: u32) -> String {
    if (1..100).contains(&chance_ppm) {
        return "<0.01%".to_owned();
    }
    let text = format!("{:.2}", f64::from(chance_ppm) / 10_000.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}
