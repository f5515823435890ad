//! The scanner page's body (`mount_scanner`): the camera through our html5-qrcode bindings, a
//! photo decoded by the same library when the camera cannot be used, and a field to type the
//! code. Whatever is read goes through `wallet_core::scan::parse_scan`: a wallet link opens the
//! app's page for it (`mw:scan-open` with the path, e.g. `/join?issuer=…&code=…`, which the app
//! navigates to); anything else is refused here, saying what it was, with nothing stored and
//! nothing sent. The camera goes off when something is read, and when the app says the page
//! closed (`mw:page-close`).

pub(crate) mod html5_qrcode;
mod refusal;

use crate::events;
use crate::words::{self, Words};
use html5_qrcode::{CameraProblem, Scanner};
use leptos::prelude::*;
use serde::Deserialize;
use std::cell::RefCell;
use std::rc::Rc;
use wallet_core::scan::{parse_scan, ScanContext, ScanRefusal, ScanTarget};
use wallet_core::MembershipId;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// To the app: open this path (`{"path": "/join?…"}`).
pub const OPEN: &str = "mw:scan-open";
/// The elements html5-qrcode draws into: the camera view, and a hidden one for photos.
const CAMERA_ID: &str = "mw-scan-camera";
const PHOTO_ID: &str = "mw-scan-photo-decoder";

#[derive(Deserialize)]
struct ScannerProps {
    /// The wallet page's origin, for links without `issuer`.
    own_origin: String,
    /// The memberships in the wallet: their member codes are the customer's own.
    held: Vec<String>,
    chinese: bool,
    /// Text already read (by LINE's own scanner): checked like a scan, the camera stays off.
    #[serde(default)]
    scanned: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
enum Stage {
    Starting,
    Looking,
    Camera(CameraProblem),
    Refused(ScanRefusal),
    PhotoUnreadable,
    Opening,
}

/// What the page needs to act on a read.
#[derive(Clone)]
struct Reader {
    stage: RwSignal<Stage>,
    own_origin: Rc<String>,
    held: Rc<Vec<MembershipId>>,
    target: web_sys::HtmlElement,
    /// The running camera, if any.
    scanner: Rc<RefCell<Option<Scanner>>>,
    /// The camera was asked to start (not refused): "Scan again" restarts it.
    camera_works: RwSignal<bool>,
    /// The page went (`mw:page-close`): a camera that finishes starting after that is stopped at
    /// once, so its light never stays on behind another page.
    closed: Rc<std::cell::Cell<bool>>,
}

impl Reader {
    /// Checks what was read or typed and acts on it.
    fn read(&self, text: &str, typed: bool) {
        let context = ScanContext {
            own_origin: &self.own_origin,
            held: &self.held,
            typed,
        };
        match parse_scan(text, &context) {
            Ok(target) => {
                self.stage.set(Stage::Opening);
                let path = path_of(&target);
                events::send(&self.target, OPEN, &serde_json::json!({ "path": path }));
            }
            Err(refusal) => self.stage.set(Stage::Refused(refusal)),
        }
    }

    fn start_camera(&self) {
        if self.closed.get() {
            return;
        }
        let reader = self.clone();
        self.stage.set(Stage::Starting);
        leptos::task::spawn_local(async move {
            if let Err(error) = html5_qrcode::load().await {
                web_sys::console::warn_2(&"[scanner] the library did not load".into(), &error);
                if reader.stage.get_untracked() == Stage::Starting {
                    reader.stage.set(Stage::Camera(CameraProblem::Failed));
                }
                return;
            }
            let on_text = {
                let reader = reader.clone();
                move |text: String| {
                    // Called for every frame the code is in view: the first read counts.
                    if reader.stage.get_untracked() != Stage::Looking {
                        return;
                    }
                    reader.stop_camera();
                    reader.read(&text, false);
                }
            };
            let started = Scanner::start(CAMERA_ID, on_text).await;
            // A code typed or a photo picked while the camera was starting has been read: what
            // it said stays on screen, and the camera waits for "Scan again".
            let superseded = reader.stage.get_untracked() != Stage::Starting;
            match started {
                // The page went while the camera was starting (or its element is no longer on
                // screen, whatever the app said): off at once.
                Ok(scanner) if reader.closed.get() || !reader.target.is_connected() => {
                    scanner.stop().await
                }
                Ok(scanner) if superseded => {
                    reader.camera_works.set(true);
                    scanner.stop().await
                }
                Ok(scanner) => {
                    reader.camera_works.set(true);
                    *reader.scanner.borrow_mut() = Some(scanner);
                    reader.stage.set(Stage::Looking);
                }
                Err(_) if superseded => {}
                Err(problem) => reader.stage.set(Stage::Camera(problem)),
            }
        });
    }

    fn stop_camera(&self) {
        let scanner = self.scanner.borrow_mut().take();
        if let Some(scanner) = scanner {
            leptos::task::spawn_local(async move { scanner.stop().await });
        }
    }
}

/// The app's page for a wallet link: join (with the friend's code), or claim.
fn path_of(target: &ScanTarget) -> String {
    match target {
        ScanTarget::Join(join) => join.to_link(""),
        ScanTarget::Referral { join, referral } => join.to_referral_link("", referral),
        ScanTarget::Claim { join, claim } => join.to_claim_link("", claim),
    }
}

/// Shows the scanner in `root` and starts the camera (unless `scanned` came with the props).
pub fn mount(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    let props: ScannerProps =
        serde_json::from_str(props).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let words = words::for_language(props.chinese);
    let reader = Reader {
        stage: RwSignal::new(Stage::Starting),
        own_origin: Rc::new(props.own_origin),
        held: Rc::new(
            props
                .held
                .iter()
                .filter_map(|id| MembershipId::parse(id))
                .collect(),
        ),
        target: root.clone(),
        scanner: Rc::new(RefCell::new(None)),
        camera_works: RwSignal::new(false),
        closed: Rc::new(std::cell::Cell::new(false)),
    };
    events::on(&root, events::PAGE_CLOSE, {
        let reader = reader.clone();
        move |_| {
            reader.closed.set(true);
            reader.stop_camera();
            let reader = reader.clone();
            leptos::task::spawn_local(async move {
                let starting = || reader.stage.get_untracked() == Stage::Starting;
                html5_qrcode::stop_starting_streams(&reader.target, starting).await;
            });
        }
    });
    let scanned = props.scanned;
    crate::style::then(crate::style::SCAN, move || {
        // Left while the module loaded: the page's close came before anyone listened.
        reader
            .closed
            .set(reader.closed.get() || !reader.target.is_connected());
        let shown = StoredValue::new_local(reader.clone());
        let handle = mount_to(root, move || view! { <ScannerView reader=shown words /> });
        handle.forget();
        match scanned {
            Some(text) => reader.read(&text, false),
            None => reader.start_camera(),
        }
    });
    Ok(())
}

#[component]
fn ScannerView(reader: StoredValue<Reader, LocalStorage>, words: &'static Words) -> impl IntoView {
    let (stage, camera_works) = reader.with_value(|r| (r.stage, r.camera_works));
    let status = move || match stage.get() {
        Stage::Starting => Some(words.scan_starting),
        Stage::Looking => Some(words.scan_looking),
        Stage::Opening => Some(words.scan_opening),
        _ => None,
    };
    let problem = move || match stage.get() {
        Stage::Camera(CameraProblem::Denied) => Some(words.scan_camera_denied.to_owned()),
        Stage::Camera(CameraProblem::Missing) => Some(words.scan_camera_missing.to_owned()),
        Stage::Camera(CameraProblem::Failed) => Some(words.scan_camera_failed.to_owned()),
        _ => None,
    };
    let refusal = move || match stage.get() {
        Stage::Refused(refusal) => Some(refusal::text(&refusal, words)),
        Stage::PhotoUnreadable => Some(words.scan_photo_unreadable.to_owned()),
        _ => None,
    };
    let again = move |_| reader.with_value(Reader::start_camera);
    let photo = {
        move |event: leptos::ev::Event| {
            let Some(input) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            // The same photo may be picked again after a fix.
            input.set_value("");
            let reader = reader.get_value();
            reader.stop_camera();
            leptos::task::spawn_local(async move {
                if html5_qrcode::load().await.is_err() {
                    reader.stage.set(Stage::Camera(CameraProblem::Failed));
                    return;
                }
                match html5_qrcode::scan_photo(PHOTO_ID, &file).await {
                    Ok(text) => reader.read(&text, false),
                    Err(_) => reader.stage.set(Stage::PhotoUnreadable),
                }
            });
        }
    };
    let typed = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        reader.with_value(|reader| {
            reader.stop_camera();
            reader.read(&typed.get_untracked(), true);
        });
    };
    let show_again = move || {
        camera_works.get() && matches!(stage.get(), Stage::Refused(_) | Stage::PhotoUnreadable)
    };
    let looking = move || matches!(stage.get(), Stage::Starting | Stage::Looking);

    view! {
        <section class="scanner">
            <p class="scan-intro">{words.scan_intro}</p>
            <div class="scan-camera" class:off=move || !looking() id=CAMERA_ID data-testid="scan-camera"></div>
            <div class="scan-photo-decoder" id=PHOTO_ID aria-hidden="true"></div>
            {move || status().map(|text| view! {
                <p class="scan-status" role="status" data-testid="scan-status">{text}</p>
            })}
            {move || problem().map(|text| view! {
                <p class="notice" role="alert" data-testid="scan-camera-problem">{text}</p>
            })}
            {move || refusal().map(|text| view! {
                <div class="notice error" role="alert" data-testid="scan-refusal">
                    <strong>{words.scan_refused_title}</strong>
                    <p>{text}</p>
                    <p>{words.scan_refused_nothing_stored}</p>
                </div>
            })}
            <Show when=show_again>
                <button class="button primary wide" type="button" on:click=again data-testid="scan-again">
                    {words.scan_again}
                </button>
            </Show>
            <label class="button secondary wide scan-photo">
                {words.scan_photo}
                <input type="file" accept="image/*" on:change=photo data-testid="scan-photo" />
            </label>
            <form class="scan-typed" on:submit=submit>
                <label for="scan-typed">{words.scan_typed_label}</label>
                <div class="scan-typed-row">
                    <input
                        id="scan-typed"
                        type="text"
                        autocomplete="off"
                        autocapitalize="characters"
                        spellcheck="false"
                        data-testid="scan-typed"
                        bind:value=typed
                    />
                    <button class="button primary" type="submit">{words.scan_typed_submit}</button>
                </div>
            </form>
        </section>
    }
}
