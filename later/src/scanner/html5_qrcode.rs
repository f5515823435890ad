//! Our bindings to `html5-qrcode` 2.3.8 (npm, vendored byte for byte as
//! app/vendor/html5-qrcode-2.3.8.min.js, copied to dist/ and precached): the camera scanner and
//! the still-image decoder, with the browser's own `BarcodeDetector` used through it where there
//! is one. The library is a classic script that defines the global `__Html5QrcodeLibrary__`, so it
//! is added as a `<script>` (the Content-Security-Policy allows the app's own files) the first
//! time the scanner opens, never before.

use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

const SCRIPT: &str = "/html5-qrcode-2.3.8.min.js";

#[wasm_bindgen]
extern "C" {
    /// `Html5Qrcode`: one scanner drawn into the element with the id given.
    #[wasm_bindgen(js_namespace = __Html5QrcodeLibrary__)]
    pub type Html5Qrcode;

    #[wasm_bindgen(constructor, js_namespace = __Html5QrcodeLibrary__)]
    fn new(element_id: &str, config: &JsValue) -> Html5Qrcode;

    /// Starts the camera; settles once it shows (rejects with the browser's refusal).
    #[wasm_bindgen(method, catch)]
    fn start(
        this: &Html5Qrcode,
        camera: &JsValue,
        config: &JsValue,
        on_success: &js_sys::Function,
        on_failure: &js_sys::Function,
    ) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn stop(this: &Html5Qrcode) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(method, getter, js_name = isScanning)]
    fn is_scanning(this: &Html5Qrcode) -> bool;

    /// Decodes a still image; the promise gives the text.
    #[wasm_bindgen(method, catch, js_name = scanFile)]
    fn scan_file(
        this: &Html5Qrcode,
        file: &web_sys::File,
        show_image: bool,
    ) -> Result<js_sys::Promise, JsValue>;

    /// Decodes a still image; the promise gives `{decodedText, result: {format: {formatName}}}`.
    #[wasm_bindgen(method, catch, js_name = scanFileV2)]
    fn scan_file_v2(
        this: &Html5Qrcode,
        file: &web_sys::File,
        show_image: bool,
    ) -> Result<js_sys::Promise, JsValue>;
}

/// `Html5QrcodeSupportedFormats`: QR_CODE, CODE_39, CODE_128, EAN_13.
const QR_CODE: u32 = 0;
const CARD_FORMATS: [u32; 4] = [QR_CODE, 3, 5, 9];

/// How often, and how many times, `stop_starting_streams` looks (10 s: longer than any camera
/// takes to start).
const CAMERA_START_CHECK_MS: i32 = 250;
const CAMERA_START_CHECKS: u32 = 40;

thread_local! {
    /// The script's loading, shared by every opening of the scanner on this page.
    static LOADED: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

/// Adds the library's script once, and waits for it.
pub async fn load() -> Result<(), JsValue> {
    let promise = LOADED.with(|loaded| loaded.borrow_mut().get_or_insert_with(add_script).clone());
    let result = JsFuture::from(promise).await.map(|_| ());
    if result.is_err() {
        // Offline without the service worker's copy: the next opening tries again.
        LOADED.with(|loaded| loaded.borrow_mut().take());
    }
    result
}

fn add_script() -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, reject| {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            let _ = reject.call1(&JsValue::NULL, &"no document".into());
            return;
        };
        let (Ok(script), Some(head)) = (document.create_element("script"), document.head()) else {
            let _ = reject.call1(&JsValue::NULL, &"no head".into());
            return;
        };
        let _ = script.add_event_listener_with_callback("load", &resolve);
        let _ = script.add_event_listener_with_callback("error", &reject);
        let _ = script.set_attribute("src", SCRIPT);
        let _ = head.append_child(&script);
    })
}

/// Why the camera did not start, as the customer can act on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CameraProblem {
    /// The customer (or a setting) refused the camera.
    Denied,
    /// This device has no camera.
    Missing,
    /// A camera exists but would not start (in use by another app, a broken driver, no secure
    /// context, the library failed to load).
    Failed,
}

impl CameraProblem {
    /// The browser's refusal, by its `DOMException` name (the library passes it through, as an
    /// error or inside its message).
    fn of(error: &JsValue) -> Self {
        let name = js_sys::Reflect::get(error, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        let text = format!("{name} {}", error.as_string().unwrap_or_default());
        if text.contains("NotAllowedError") || text.contains("Permission") {
            Self::Denied
        } else if text.contains("NotFoundError") || text.contains("OverconstrainedError") {
            Self::Missing
        } else {
            Self::Failed
        }
    }
}

/// The camera scanner in the element `element_id`: QR codes only (a shop's code), or a shop
/// card's barcodes (`start_card`).
pub struct Scanner {
    inner: Html5Qrcode,
    /// The decode callbacks, alive while the scanner is.
    _on_text: Closure<dyn FnMut(String, JsValue)>,
    _on_no_code: Closure<dyn FnMut(JsValue)>,
}

/// The library's settings, reading the `formats` given (`Html5QrcodeSupportedFormats`).
fn config(formats: &[u32]) -> JsValue {
    let config = js_sys::Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&config, &key.into(), &value);
    };
    set("verbose", false.into());
    let formats: js_sys::Array = formats.iter().map(|&f| JsValue::from(f)).collect();
    set("formatsToSupport", formats.into());
    set("useBarCodeDetectorIfSupported", true.into());
    config.into()
}

/// The library's name of the format a result was read in (`QR_CODE`, `CODE_128`, ...).
fn format_name(result: &JsValue) -> String {
    let get = |value: &JsValue, key: &str| js_sys::Reflect::get(value, &key.into());
    get(result, "result")
        .and_then(|result| get(&result, "format"))
        .and_then(|format| get(&format, "formatName"))
        .ok()
        .and_then(|name| name.as_string())
        .unwrap_or_default()
}

impl Scanner {
    /// The camera scanner reading QR codes: `on_text` gets each decoded text (several times while
    /// the code is in view; the caller stops at the first). Call after `load`.
    pub async fn start(
        element_id: &str,
        mut on_text: impl FnMut(String) + 'static,
    ) -> Result<Scanner, CameraProblem> {
        Self::start_reading(element_id, &[QR_CODE], move |text, _| on_text(text)).await
    }

    /// The camera scanner reading a shop card's barcode (QR, Code 39, Code 128 or EAN-13):
    /// `on_read` gets each text with its format's name, as `scan_card_photo` gives them.
    pub async fn start_card(
        element_id: &str,
        on_read: impl FnMut(String, String) + 'static,
    ) -> Result<Scanner, CameraProblem> {
        Self::start_reading(element_id, &CARD_FORMATS, on_read).await
    }

    async fn start_reading(
        element_id: &str,
        formats: &[u32],
        mut on_read: impl FnMut(String, String) + 'static,
    ) -> Result<Scanner, CameraProblem> {
        let has_camera_api = web_sys::window()
            .map(|w| w.navigator())
            .and_then(|n| js_sys::Reflect::get(&n, &"mediaDevices".into()).ok())
            .is_some_and(|devices| !devices.is_undefined());
        if !has_camera_api {
            return Err(CameraProblem::Failed);
        }
        let inner = Html5Qrcode::new(element_id, &config(formats));
        let on_success = Closure::<dyn FnMut(String, JsValue)>::new(move |text, result| {
            on_read(text, format_name(&result))
        });
        // Called for every frame with no code in it: nothing to say.
        let on_failure = Closure::<dyn FnMut(JsValue)>::new(|_| {});
        let camera = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&camera, &"facingMode".into(), &"environment".into());
        let scan = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&scan, &"fps".into(), &10.into());
        let started = inner.start(
            &camera,
            &scan,
            on_success.as_ref().unchecked_ref(),
            on_failure.as_ref().unchecked_ref(),
        );
        match started {
            Ok(promise) => JsFuture::from(promise)
                .await
                .map_err(|error| CameraProblem::of(&error))?,
            Err(error) => return Err(CameraProblem::of(&error)),
        };
        Ok(Scanner {
            inner,
            _on_text: on_success,
            _on_no_code: on_failure,
        })
    }

    /// Turns the camera off (its light too).
    pub async fn stop(&self) {
        if !self.inner.is_scanning() {
            return;
        }
        if let Ok(promise) = self.inner.stop() {
            let _ = JsFuture::from(promise).await;
        }
    }
}

/// Decodes a photo with the same library (in the hidden element `element_id`). `Err` when the
/// image holds no QR code the library can read (its reason is on the console: `photo_unread`).
pub async fn scan_photo(element_id: &str, file: &web_sys::File) -> Result<String, JsValue> {
    let decoder = Html5Qrcode::new(element_id, &config(&[QR_CODE]));
    let text = JsFuture::from(decoder.scan_file(file, false).map_err(photo_unread)?)
        .await
        .map_err(photo_unread)?;
    text.as_string().ok_or_else(|| JsValue::from_str("no text"))
}

/// The library's reason for not reading a photo, kept on the console (and so in a test's trace)
/// while the customer is told only that the photo could not be read.
fn photo_unread(error: JsValue) -> JsValue {
    web_sys::console::warn_2(&"[html5-qrcode] no code read from the photo".into(), &error);
    error
}

/// Decodes the barcode in a photo of a shop's card (QR, Code 39, Code 128 or EAN-13): its text
/// and the library's name of its format (`QR_CODE`, `CODE_39`, `CODE_128`, `EAN_13`). `Err` as
/// for `scan_photo`.
pub async fn scan_card_photo(
    element_id: &str,
    file: &web_sys::File,
) -> Result<(String, String), JsValue> {
    let decoder = Html5Qrcode::new(element_id, &config(&CARD_FORMATS));
    let found = JsFuture::from(decoder.scan_file_v2(file, false).map_err(photo_unread)?)
        .await
        .map_err(photo_unread)?;
    let text = js_sys::Reflect::get(&found, &"decodedText".into())?
        .as_string()
        .ok_or_else(|| JsValue::from_str("no text"))?;
    Ok((text, format_name(&found)))
}

/// Stops every camera stream shown under `root`, without html5-qrcode: when its element leaves
/// the page while the camera starts, the library's start never finishes (a video off the page
/// never plays), so the library cannot be asked to stop it. Whether a live track was stopped.
pub fn stop_streams_under(root: &web_sys::Element) -> bool {
    let mut stopped = false;
    let Ok(videos) = root.query_selector_all("video") else {
        return stopped;
    };
    for i in 0..videos.length() {
        let video = videos
            .item(i)
            .and_then(|node| node.dyn_into::<web_sys::HtmlMediaElement>().ok());
        let Some(stream) = video.and_then(|video| video.src_object()) else {
            continue;
        };
        for track in stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                stopped |= track.ready_state() == web_sys::MediaStreamTrackState::Live;
                track.stop();
            }
        }
    }
    stopped
}

/// After a page went: stops the stream of a camera that was still starting under `root`, which
/// arrives a moment later (html5-qrcode, its element off the page, never finishes starting, so it
/// cannot be asked to), looking as long as a slow camera may take and `starting()` says so.
pub async fn stop_starting_streams(root: &web_sys::Element, starting: impl Fn() -> bool) {
    for _ in 0..CAMERA_START_CHECKS {
        // Done once the starting camera's stream is stopped, or when none is starting.
        if stop_streams_under(root) || !starting() {
            break;
        }
        sleep(CAMERA_START_CHECK_MS).await;
    }
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}
