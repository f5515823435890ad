//! `/m/:id/games` (the member's tickets and the fair-play check) and `/m/:id/games/:ticket` (one
//! ticket played). Everything on screen is the module loaded later (`platform::later`, crate
//! wallet-later), so no game weighs on the first screen; this page reads the tickets, the seeds
//! and the outbox, hands them over as JSON, sends fresh ones whenever stored data changes (the
//! issuer confirmed a prize, a seed was revealed), and queues `ticket.play` and
//! `draw.rotate_seed` when the module asks (offline too: the outbox sends them when online).

use super::later_page::{mount_or_say, LaterPageFrame};
use super::storage_words::{logged, not_saved};
use crate::i18n::{is_chinese, t_string, use_i18n};
use crate::platform::later;
use crate::storage::{outbox, sync_store, StorageError};
use crate::sync::SyncEngine;
use leptos::html::Div;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde_json::{json, Value};
use wallet_core::sync::EntityKind;
use wallet_core::wallet::{PendingOverlay, QueuedAction};
use wallet_core::Intent;
use wasm_bindgen::JsCast;

/// What the later module's `mount_games` takes: `view` is `play` with a ticket, else `list`.
async fn props(membership_id: &str, ticket_id: &str, chinese: bool) -> Result<Value, StorageError> {
    let records =
        sync_store::entities_of_kinds(membership_id, &[EntityKind::Ticket, EntityKind::DrawSeed])
            .await?;
    let queued = outbox::pending(membership_id).await?;
    let pending = PendingOverlay::from_queue(queued.iter().map(|m| QueuedAction {
        name: &m.name,
        args: &m.args,
    }));
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
        "view": if ticket_id.is_empty() { "list" } else { "play" },
        "membership_id": membership_id,
        "ticket_id": ticket_id,
        "tickets": tickets,
        "seeds": seeds,
        "rotating": pending.rotating_seed,
        "chinese": chinese,
    }))
}

/// The ticket's campaign title, for the page header.
fn ticket_title(props: &Value, ticket_id: &str, chinese: bool) -> Option<String> {
    let language = if chinese { "zh-TW" } else { "en" };
    props["tickets"]
        .as_array()?
        .iter()
        .find(|t| t["id"] == ticket_id)?["data"]["title"][language]
        .as_str()
        .map(str::to_owned)
}

/// Where the module stands on this page: mounted once, then updated in place.
#[derive(Clone, Copy, PartialEq)]
enum Phase {
    NotMounted,
    Mounting,
    Mounted,
}

#[component]
pub fn GamesPage() -> impl IntoView {
    let i18n = use_i18n();
    let engine = expect_context::<SyncEngine>();
    let params = use_params_map();
    let membership_id = params.read_untracked().get("id").unwrap_or_default();
    let ticket_id = params.read_untracked().get("ticket").unwrap_or_default();
    let problem = RwSignal::new(None::<&'static str>);
    let title = RwSignal::new(t_string!(i18n, games_title).to_owned());
    let root = NodeRef::<Div>::new();
    let chinese = is_chinese(i18n.get_locale_untracked());
    let back_href = if ticket_id.is_empty() {
        format!("/m/{membership_id}")
    } else {
        format!("/m/{membership_id}/games")
    };
    let phase = StoredValue::new(Phase::NotMounted);
    // Stored data changed while the module was loading: hand over a fresh read once it is up.
    let missed = StoredValue::new(false);

    // The first read mounts the module; each later one (stored data changed) updates it in
    // place, so a wheel mid-spin or a half-scratched card is not drawn again.
    let refresh = {
        let (membership_id, ticket_id) = (membership_id.clone(), ticket_id.clone());
        move |element: web_sys::HtmlElement| {
            let (membership_id, ticket_id) = (membership_id.clone(), ticket_id.clone());
            leptos::task::spawn_local(async move {
                let props = match props(&membership_id, &ticket_id, chinese).await {
                    Ok(props) => props,
                    Err(error) => {
                        // A read: say the wallet could not be read, not that something was not saved.
                        logged(error);
                        problem.set(Some(t_string!(i18n, storage_error)));
                        return;
                    }
                };
                if let Some(name) = ticket_title(&props, &ticket_id, chinese) {
                    title.set(name);
                }
                match phase.get_value() {
                    Phase::Mounted => {
                        later::send(&element, "mw:games-update", &props);
                        return;
                    }
                    Phase::Mounting => {
                        missed.set_value(true);
                        return;
                    }
                    Phase::NotMounted => phase.set_value(Phase::Mounting),
                }
                let props = props.to_string();
                let mounting = later::mount_games(&element, &props);
                if !mount_or_say(&element, mounting, problem, i18n).await {
                    phase.set_value(Phase::NotMounted);
                    return;
                }
                phase.set_value(Phase::Mounted);
                if missed.get_value() {
                    missed.set_value(false);
                    if let Ok(fresh) = self::props(&membership_id, &ticket_id, chinese).await {
                        later::send(&element, "mw:games-update", &fresh);
                    }
                }
            });
        }
    };
    {
        let membership_id = membership_id.clone();
        let refresh = refresh.clone();
        root.on_load(move |element| {
            let element: web_sys::HtmlElement = element.unchecked_into();
            let queue = {
                let membership_id = membership_id.clone();
                move |intent: Intent| {
                    let membership_id = membership_id.clone();
                    leptos::task::spawn_local(async move {
                        // The revision bump that queueing makes sends the module fresh props.
                        if let Err(error) = engine.queue(&membership_id, intent).await {
                            problem.set(Some(not_saved(i18n, logged(error))));
                        }
                    });
                }
            };
            let play = queue.clone();
            later::listen(&element, "mw:ticket-play", move |detail| {
                if let Some(ticket_id) = detail["ticket_id"].as_str() {
                    play(Intent::PlayTicket {
                        ticket_id: ticket_id.to_owned(),
                    });
                }
            });
            later::listen(&element, "mw:seed-rotate", move |_| {
                queue(Intent::RotateSeed)
            });
            refresh(element);
        });
    }
    // Stored data changed (a sync, another tab, an action queued here): read again.
    Effect::new(move |seen: Option<u64>| {
        let revision = engine.revision.get();
        if seen.is_some_and(|seen| seen != revision) {
            if let Some(element) = root.get_untracked() {
                refresh(element.unchecked_into());
            }
        }
        revision
    });

    view! {
        <LaterPageFrame
            title=Signal::derive(move || title.get())
            back_href
            name="games-page"
            root
            problem
        />
    }
}
