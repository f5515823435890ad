//! The card as the app's card page draws it (app/src/pages/member_card.rs with the components
//! PageHeader, MemberQr and Countdown): the same elements, classes and attributes in the same
//! order, so the page does not change by a pixel when the app replaces it. Texts are set as text
//! (a merchant's name is the issuer's, never markup); the SVG is ours (wallet-core's QR of our
//! own payload), which is what makes setting it as markup safe, as in MemberQr.

use crate::record::Card;
use crate::words::Words;
use wallet_core::card_face::{countdown_transform, grouped_code, qr_svg};
use wallet_core::MemberCode;
use web_sys::{Document, Element};

/// The parts that change while the card is shown.
pub struct Face {
    pub qr: Element,
    pub fill: Element,
    pub seconds: Element,
    pub code: Element,
    /// Where the "screen stays on" line goes (after the typed hint), and that line.
    pub body: Element,
    pub awake: Element,
}

type Built = Result<Element, wasm_bindgen::JsValue>;

fn element(document: &Document, parent: &Element, tag: &str, class: &str) -> Built {
    let element = document.create_element(tag)?;
    if !class.is_empty() {
        element.set_class_name(class);
    }
    parent.append_child(&element)?;
    Ok(element)
}

fn text(document: &Document, parent: &Element, tag: &str, class: &str, text: &str) -> Built {
    let element = element(document, parent, tag, class)?;
    element.set_text_content(Some(text));
    Ok(element)
}

/// Builds the card into `layer`.
pub fn build(
    document: &Document,
    layer: &Element,
    card: &Card,
    words: &Words,
    chinese: bool,
) -> Result<Face, wasm_bindgen::JsValue> {
    let page = element(document, layer, "div", "card-page")?;
    let mut style = String::from("--brand: ");
    style.push_str(&card.brand.to_string());
    style.push_str("; --on-brand: ");
    style.push_str(&card.brand.readable_text().to_string());
    page.set_attribute("style", &style)?;

    let header = element(document, &page, "header", "card-bar")?;
    header.set_attribute("data-testid", "page-header")?;
    let back = element(document, &header, "a", "back")?;
    back.set_attribute("href", "/")?;
    back.set_attribute("aria-label", words.back)?;
    text(document, &back, "span", "", "‹")?.set_attribute("aria-hidden", "true")?;
    text(document, &header, "span", "card-mark", &card.mark)?
        .set_attribute("aria-hidden", "true")?;
    text(document, &header, "h1", "card-name", card.name.get(chinese))?;

    let body = element(document, &page, "main", "card-body")?;
    let panel = element(document, &body, "section", "qr-panel")?;
    text(document, &panel, "p", "qr-hint", words.qr_hint)?;
    let qr = element(document, &panel, "div", "member-qr")?;
    qr.set_attribute("role", "img")?;
    qr.set_attribute("aria-label", words.qr_label)?;
    qr.set_attribute("data-testid", "member-qr")?;
    let countdown = element(document, &panel, "div", "countdown")?;
    countdown.set_attribute("data-testid", "countdown")?;
    let track = element(document, &countdown, "div", "countdown-track")?;
    track.set_attribute("aria-hidden", "true")?;
    let fill = element(document, &track, "div", "countdown-fill")?;
    // The app's bar glides to each new value (a CSS transition); a new element shows its value at
    // once. Without the glide here, the bar is exactly where the app's new one appears at the
    // hand-over, whenever that falls.
    fill.set_attribute("style", "transition: none")?;
    let seconds = element(document, &countdown, "span", "countdown-text")?;
    seconds.set_attribute("aria-live", "off")?;

    let typed = element(document, &body, "dl", "typed-code")?;
    let number = element(document, &typed, "div", "")?;
    text(document, &number, "dt", "", words.member_number)?;
    text(document, &number, "dd", "mono", &card.id.grouped())?
        .set_attribute("data-testid", "member-number")?;
    let one_time = element(document, &typed, "div", "")?;
    text(document, &one_time, "dt", "", words.one_time_code)?;
    let code = element(document, &one_time, "dd", "mono")?;
    code.set_attribute("data-testid", "one-time-code")?;
    text(document, &body, "p", "muted small", words.typed_hint)?;
    let awake = document.create_element("p")?;
    awake.set_class_name("muted small awake");
    awake.set_text_content(Some(words.screen_awake));

    Ok(Face {
        qr,
        fill,
        seconds,
        code,
        body,
        awake,
    })
}

impl Face {
    /// Draws the code of `step` (only when the step changed: the QR is the costly part).
    pub fn show_code(&self, card: &Card, step: u64) {
        let code = card.totp.code_for_step(step);
        let payload = MemberCode::new(card.id.clone(), code.clone()).encode();
        self.qr
            .set_inner_html(&qr_svg(&payload).unwrap_or_default());
        self.code.set_text_content(Some(&grouped_code(&code)));
    }

    pub fn show_countdown(&self, words: &Words, seconds_left: u64, period: u64) {
        let transform = countdown_transform(seconds_left, period);
        if let Some(fill) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&self.fill) {
            let _ = fill.style().set_property("transform", &transform);
        }
        self.seconds
            .set_text_content(Some(&words.countdown(seconds_left)));
    }

    /// The "screen stays on" line, while a wake lock is held.
    pub fn show_awake(&self, held: bool) {
        if held {
            let _ = self.body.append_child(&self.awake);
        } else {
            self.awake.remove();
        }
    }
}
