//! Reading a shop card's barcode into the plain card form: live with the camera (through our
//! html5-qrcode bindings, QR, Code 39, Code 128 and EAN-13), or from a photo of it. What is read
//! fills in the number and the barcode type; the customer checks it against the card. The camera
//! goes off at the first read, at "Turn the camera off", when a photo is picked, and when the
//! page goes (`mw:page-close`).

use crate::events;
use crate::scanner::html5_qrcode::{self, CameraProblem, Scanner};
use crate::words::{fill, Words};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wallet_core::plain_card::Symbology;

/// The element html5-qrcode shows the camera in, and the hidden one it decodes a photo in.
const CAMERA_ID: &str = "mw-plain-camera";
const PHOTO_ID: &str = "mw-plain-photo-decoder";

/// The symbology of html5-qrcode's format name, for those a plain card draws.
fn symbology_of(format: &str) -> Option<Symbology> {
    match format {
        "QR_CODE" => Some(Symbology::Qr),
        "CODE_128" => Some(Symbology::Code128),
        "EAN_13" => Some(Symbology::Ean13),
        "CODE_39" => Some(Symbology::Code39),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum CodeRead {
    None,
    /// The camera is starting or looking for a barcode.
    Looking,
    /// A photo is being decoded.
    Reading,
    Read {
        symbology: Symbology,
        by_camera: bool,
    },
    Unreadable,
    Camera(CameraProblem),
}

/// The running camera, shared by its callbacks and the buttons.
type Running = Rc<RefCell<Option<Scanner>>>;

fn stop(running: &Running) {
    let scanner = running.borrow_mut().take();
    if let Some(scanner) = scanner {
        leptos::task::spawn_local(async move { scanner.stop().await });
    }
}

/// The camera and photo buttons, what they read, and the camera's view. `names` are the
/// barcode types as the form lists them; `target` is the element the page was drawn in.
#[component]
pub fn CardCodeReader(
    words: &'static Words,
    names: [(Symbology, &'static str); 5],
    symbology: RwSignal<Symbology>,
    number: RwSignal<String>,
    target: StoredValue<web_sys::HtmlElement, LocalStorage>,
) -> impl IntoView {
    let read = RwSignal::new(CodeRead::None);
    let running = StoredValue::new_local(Running::default());
    let page_gone = StoredValue::new(false);
    // Which start is the latest: one overtaken by a later tap (off and on again before the camera
    // came up) stops its camera when it comes up.
    let starts = StoredValue::new(0_u32);
    let found = move |text: String, format: &str, by_camera: bool| match symbology_of(format) {
        Some(found) => {
            symbology.set(found);
            number.set(text);
            read.set(CodeRead::Read {
                symbology: found,
                by_camera,
            });
        }
        None => read.set(CodeRead::Unreadable),
    };

    let start_camera = move || {
        if page_gone.get_value() {
            return;
        }
        read.set(CodeRead::Looking);
        starts.update_value(|n| *n += 1);
        let this_start = starts.get_value();
        let running = running.get_value();
        leptos::task::spawn_local(async move {
            if html5_qrcode::load().await.is_err() {
                if read.get_untracked() == CodeRead::Looking {
                    read.set(CodeRead::Camera(CameraProblem::Failed));
                }
                return;
            }
            let on_read = {
                let running = running.clone();
                move |text: String, format: String| {
                    // Called for every frame the code is in view: the first read counts.
                    if read.get_untracked() != CodeRead::Looking {
                        return;
                    }
                    stop(&running);
                    found(text, &format, true);
                }
            };
            let started = Scanner::start_card(CAMERA_ID, on_read).await;
            let wanted = read.get_untracked() == CodeRead::Looking
                && starts.get_value() == this_start
                && !page_gone.get_value();
            match started {
                // Read, turned off, or a photo picked while it started, or started again since;
                // or the page went.
                Ok(scanner) if !wanted => scanner.stop().await,
                Ok(scanner) => *running.borrow_mut() = Some(scanner),
                Err(_) if !wanted => {}
                Err(problem) => read.set(CodeRead::Camera(problem)),
            }
        });
    };
    let stop_camera = move || {
        stop(&running.get_value());
        if read.get_untracked() == CodeRead::Looking {
            read.set(CodeRead::None);
        }
    };
    target.with_value(|root| {
        events::on(root, events::PAGE_CLOSE, move |_| {
            page_gone.set_value(true);
            let starting = read.get_untracked() == CodeRead::Looking
                && running.with_value(|r| r.borrow().is_none());
            stop_camera();
            // Its stream comes a moment later: looked for until it is stopped.
            if starting {
                let root = target.get_value();
                leptos::task::spawn_local(async move {
                    html5_qrcode::stop_starting_streams(&root, || true).await;
                });
            }
        });
    });
    let toggle_camera = move |_| {
        if read.get_untracked() == CodeRead::Looking {
            stop_camera();
        } else {
            start_camera();
        }
    };

    let read_photo = move |event: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&event);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // The same photo may be picked again after a retake.
        input.set_value("");
        stop_camera();
        read.set(CodeRead::Reading);
        leptos::task::spawn_local(async move {
            let decoded = match html5_qrcode::load().await {
                Ok(()) => html5_qrcode::scan_card_photo(PHOTO_ID, &file).await.ok(),
                Err(_) => None,
            };
            match decoded {
                Some((text, format)) => found(text, &format, false),
                None => read.set(CodeRead::Unreadable),
            }
        });
    };

    let status = move || {
        let name_of = |read: Symbology| names.iter().find(|(s, _)| *s == read).map_or("", |n| n.1);
        match read.get() {
            CodeRead::None => None,
            CodeRead::Looking => Some(words.plain_scan_looking.to_owned()),
            CodeRead::Reading => Some(words.plain_scan_reading.to_owned()),
            CodeRead::Read {
                symbology,
                by_camera,
            } => {
                let text = if by_camera {
                    words.plain_scan_camera_read
                } else {
                    words.plain_scan_read
                };
                Some(fill(text, "type", name_of(symbology)))
            }
            CodeRead::Unreadable => Some(words.plain_scan_unreadable.to_owned()),
            CodeRead::Camera(CameraProblem::Denied) => Some(words.plain_camera_denied.to_owned()),
            CodeRead::Camera(CameraProblem::Missing) => Some(words.plain_camera_missing.to_owned()),
            CodeRead::Camera(CameraProblem::Failed) => Some(words.plain_camera_failed.to_owned()),
        }
    };
    let looking = move || read.get() == CodeRead::Looking;

    view! {
        <div class="plain-photo">
            <p class="muted">{words.plain_scan_hint}</p>
            <button class="button secondary wide" type="button" data-testid="plain-scan-camera"
                aria-pressed=move || looking().to_string() on:click=toggle_camera>
                {move || if looking() { words.plain_scan_camera_stop } else { words.plain_scan_camera }}
            </button>
            <div class="plain-camera" class:off=move || !looking() id=CAMERA_ID
                data-testid="plain-camera"></div>
            // `capture`: a phone opens its camera; elsewhere a picture is picked.
            <label class="button secondary wide plain-photo-pick">
                {words.plain_scan_photo}
                <input type="file" accept="image/*" capture="environment"
                    data-testid="plain-scan-photo" on:change=read_photo />
            </label>
            <p class="transfer-status" role="status" data-testid="plain-scan-status">{status}</p>
            <div id=PHOTO_ID hidden aria-hidden="true"></div>
        </div>
    }
}
