//! `/m/:id/games` (the member's tickets and the fair-play check) and `/m/:id/games/:ticket` (one
//! ticket played): reads the tickets, the seeds and the outbox, draws the page (`games::mount`),
//! hands it a fresh read whenever the app's stored data changes (the issuer confirmed a prize, a
//! seed was revealed), and queues `ticket.play` and `draw.rotate_seed` when it asks (offline too:
//! the outbox sends them when online).

use super::{PageProps, STORED_CHANGED};
use crate::app_bridge::{App, NotDone};
use crate::events;
use crate::games::{self, PLAY, ROTATE, UPDATE};
use serde_json::{json, Value};
use std::cell::Cell;
use std::rc::Rc;
use wallet_core::sync::EntityKind;
use wallet_core::Intent;

/// What `games::mount` takes: `view` is `play` with a ticket, else `list`.
async fn props(app: &App, page: &PageProps) -> Result<Value, NotDone> {
    let membership_id = page.membership_id.as_str();
    let records = app
        .entities(membership_id, &[EntityKind::Ticket, EntityKind::DrawSeed])
        .await?;
    let pending = app.pending(membership_id).await?;
    let (mut tickets, mut seeds) = (Vec::new(), Vec::new());
    for record in records.into_iter().filter(|r| !r.deleted) {
        let Some(data) = record.data else { continue };
        let played = pending.played_tickets.contains(&record.id);
        let entry = json!({ "id": record.id, "data": data, "pending": played });
        if record.kind == EntityKind::Ticket {
            tickets.push(entry);
        } else {
            seeds.push(entry);
        }
    }
    Ok(json!({
        "view": if page.ticket_id.is_empty() { "list" } else { "play" },
        "membership_id": membership_id,
        "ticket_id": page.ticket_id,
        "tickets": tickets,
        "seeds": seeds,
        "rotating": pending.rotating_seed,
        "chinese": page.chinese,
    }))
}

/// The ticket's campaign title, for the page header.
fn ticket_title<'a>(props: &'a Value, page: &PageProps) -> Option<&'a str> {
    let language = if page.chinese { "zh-TW" } else { "en" };
    props["tickets"]
        .as_array()?
        .iter()
        .find(|t| t["id"] == page.ticket_id.as_str())?["data"]["title"][language]
        .as_str()
}

/// Where the page stands: drawn once, then updated in place (a wheel mid-spin or a
/// half-scratched card is not drawn again).
#[derive(Clone, Copy, PartialEq)]
enum Phase {
    NotDrawn,
    Reading,
    Drawn,
}

pub(super) fn start(root: web_sys::HtmlElement, app: App, page: PageProps) {
    let page = Rc::new(page);
    let phase = Rc::new(Cell::new(Phase::NotDrawn));
    // Stored data changed while the first read was under way: read again once it is drawn.
    let missed = Rc::new(Cell::new(false));
    let refresh = {
        let (root, app, page) = (root.clone(), app.clone(), page.clone());
        move || {
            let (root, app, page) = (root.clone(), app.clone(), page.clone());
            let (phase, missed) = (phase.clone(), missed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match phase.get() {
                    Phase::Reading => return missed.set(true),
                    Phase::NotDrawn => phase.set(Phase::Reading),
                    Phase::Drawn => {}
                }
                loop {
                    let Ok(fresh) = props(&app, &page).await else {
                        if phase.get() == Phase::Reading {
                            phase.set(Phase::NotDrawn);
                        }
                        return;
                    };
                    if let Some(title) = ticket_title(&fresh, &page) {
                        app.set_title(title);
                    }
                    if phase.get() == Phase::Drawn {
                        return events::send(&root, UPDATE, &fresh);
                    }
                    if let Err(error) = games::mount(root.clone(), &fresh.to_string()) {
                        web_sys::console::error_1(&error);
                        return phase.set(Phase::NotDrawn);
                    }
                    phase.set(Phase::Drawn);
                    if !missed.replace(false) {
                        return;
                    }
                }
            });
        }
    };
    let queue = move |intent: Intent| {
        let (app, page) = (app.clone(), page.clone());
        // The stored change that queueing makes sends the page a fresh read.
        wasm_bindgen_futures::spawn_local(async move {
            let _ = app.queue(&page.membership_id, &intent).await;
        });
    };
    let play = queue.clone();
    events::on(&root, PLAY, move |detail| {
        if let Some(ticket_id) = detail["ticket_id"].as_str() {
            play(Intent::PlayTicket {
                ticket_id: ticket_id.to_owned(),
            });
        }
    });
    events::on(&root, ROTATE, move |_| queue(Intent::RotateSeed));
    let changed = refresh.clone();
    events::on(&root, STORED_CHANGED, move |_| changed());
    refresh();
}
