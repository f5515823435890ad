//! Adding a plain card (`/p/new`): a name, a colour, how the barcode is drawn and the number,
//! checked as they are typed once the customer has tried to save, with a preview of the code,
//! and the card's barcode read with the camera or from a photo (`code_reader`);
//! and importing Catima's export (its ZIP, or the `catima.csv` in it) in one step.

use super::code_reader::CardCodeReader;
use super::show::code_svg;
use crate::events;
use crate::words::{fill, Words};
use leptos::prelude::*;
use serde_json::json;
use wallet_core::catima::{self, CatimaError};
use wallet_core::model::BrandColor;
use wallet_core::plain_card::{check_name, normal_number, PlainCard, PlainCardProblem, Symbology};
use wallet_core::zip_entry::{self, ZipError};
use wasm_bindgen_futures::JsFuture;

/// The colours offered, with their names' keys.
pub const PALETTE: [&str; 8] = [
    "#1f2a44", "#c8873a", "#2f5d50", "#7a1f2b", "#2563eb", "#b42318", "#6b4fa0", "#3f3f46",
];
/// A Catima export larger than this is not one (its CSV is a few KB; pictures are skipped).
const MAX_CSV_BYTES: usize = 4 * 1024 * 1024;

fn color_names(words: &'static Words) -> [&'static str; 8] {
    [
        words.plain_color_navy,
        words.plain_color_amber,
        words.plain_color_green,
        words.plain_color_wine,
        words.plain_color_blue,
        words.plain_color_red,
        words.plain_color_purple,
        words.plain_color_graphite,
    ]
}

fn symbology_names(words: &'static Words) -> [(Symbology, &'static str); 5] {
    [
        (Symbology::Qr, words.plain_type_qr),
        (Symbology::Code128, "Code 128"),
        (Symbology::Ean13, "EAN-13"),
        (Symbology::Code39, "Code 39"),
        (Symbology::Text, words.plain_type_text),
    ]
}

fn problem_words(words: &'static Words, problem: PlainCardProblem) -> &'static str {
    match problem {
        PlainCardProblem::NameMissing => words.plain_problem_name,
        PlainCardProblem::NameTooLong => words.plain_problem_name_long,
        PlainCardProblem::NumberMissing => words.plain_problem_number,
        PlainCardProblem::NumberTooLong => words.plain_problem_number_long,
        PlainCardProblem::NumberNotFor(Symbology::Ean13) => words.plain_problem_ean13,
        PlainCardProblem::NumberNotFor(Symbology::Code39) => words.plain_problem_code39,
        PlainCardProblem::NumberNotFor(Symbology::Code128) => words.plain_problem_code128,
        PlainCardProblem::NumberNotFor(_) => words.plain_problem_qr,
    }
}

/// The number as kept, once the symbology can draw it.
pub fn check_number(symbology: Symbology, number: &str) -> Result<String, PlainCardProblem> {
    let number = normal_number(symbology, number)?;
    if symbology == Symbology::Text || code_svg(symbology, &number).is_some() {
        Ok(number)
    } else {
        Err(PlainCardProblem::NumberNotFor(symbology))
    }
}

fn new_id() -> String {
    let bytes: Vec<u8> = (0..16)
        .map(|_| (js_sys::Math::random() * 256.0) as u8)
        .collect();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Catima's cards as plain cards; one whose number its symbology cannot draw is shown as text.
fn from_catima(cards: Vec<catima::CatimaCard>, now: f64) -> Vec<PlainCard> {
    cards
        .into_iter()
        .map(|card| {
            let drawable = check_number(card.symbology, &card.number).is_ok();
            PlainCard {
                id: format!("catima-{}", card.id.chars().take(40).collect::<String>()),
                name: card.name,
                color: card
                    .color
                    .or_else(|| BrandColor::parse(PALETTE[0]))
                    .expect("a palette colour parses"),
                symbology: if drawable {
                    card.symbology
                } else {
                    Symbology::Text
                },
                number: card.number,
                added_at: now,
            }
        })
        .collect()
}

#[derive(Clone, PartialEq)]
pub enum CatimaOutcome {
    None,
    Reading,
    Imported { added: usize, skipped: usize },
    Problem(String),
}

#[component]
pub fn PlainCardForm(
    words: &'static Words,
    catima_outcome: RwSignal<CatimaOutcome>,
    target: StoredValue<web_sys::HtmlElement, LocalStorage>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let color = RwSignal::new(0_usize);
    let symbology = RwSignal::new(Symbology::Qr);
    let number = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let checked = Memo::new(move |_| {
        let name = check_name(&name.get());
        let number = check_number(symbology.get(), &number.get());
        (name, number)
    });
    let problem = move || {
        let (name, number) = checked.get();
        tried
            .get()
            .then(|| name.err().or(number.err()).map(|p| problem_words(words, p)))
            .flatten()
    };
    let preview = move || {
        let (_, number) = checked.get();
        number.ok().and_then(|n| code_svg(symbology.get(), &n))
    };
    let save = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        tried.set(true);
        let (Ok(name), Ok(number)) = checked.get_untracked() else {
            return;
        };
        let card = PlainCard {
            id: new_id(),
            name,
            color: BrandColor::parse(PALETTE[color.get_untracked()])
                .expect("a palette colour parses"),
            symbology: symbology.get_untracked(),
            number,
            added_at: js_sys::Date::now(),
        };
        target.with_value(|t| events::send(t, super::SAVE, &json!({ "card": card })));
    };
    let import = move |event: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&event);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        catima_outcome.set(CatimaOutcome::Reading);
        leptos::task::spawn_local(async move {
            let bytes = match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
                Err(_) => {
                    return catima_outcome
                        .set(CatimaOutcome::Problem(words.catima_damaged.to_owned()))
                }
            };
            match read_catima(&bytes, words) {
                Ok(cards) if cards.is_empty() => {
                    catima_outcome.set(CatimaOutcome::Problem(words.catima_empty.to_owned()))
                }
                Ok(cards) => target.with_value(|t| {
                    events::send(
                        t,
                        super::IMPORT,
                        &json!({ "cards": from_catima(cards, js_sys::Date::now()) }),
                    )
                }),
                Err(text) => catima_outcome.set(CatimaOutcome::Problem(text)),
            }
        });
    };
    let catima_status = move || match catima_outcome.get() {
        CatimaOutcome::None => None,
        CatimaOutcome::Reading => Some(words.catima_reading.to_owned()),
        CatimaOutcome::Imported { added, skipped: 0 } => {
            Some(fill(words.catima_imported, "n", &added.to_string()))
        }
        CatimaOutcome::Imported { added, skipped } => Some(fill(
            &fill(words.catima_imported_skipped, "n", &added.to_string()),
            "skipped",
            &skipped.to_string(),
        )),
        CatimaOutcome::Problem(text) => Some(text),
    };
    let names = color_names(words);
    view! {
        <form class="plain-form" novalidate on:submit=save data-testid="plain-form">
            <label for="plain-name">{words.plain_name}</label>
            <input id="plain-name" type="text" autocomplete="off" data-testid="plain-name" maxlength="60"
                prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) />
            <fieldset class="plain-colors">
                <legend>{words.plain_color}</legend>
                {PALETTE.iter().enumerate().map(|(i, hex)| view! {
                    <label class="plain-swatch" style=format!("--swatch: {hex}")>
                        <input type="radio" name="plain-color" prop:checked=move || color.get() == i
                            on:change=move |_| color.set(i) />
                        <span class="visually-hidden">{names[i]}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <fieldset class="plain-types">
                <legend>{words.plain_type}</legend>
                {symbology_names(words).into_iter().map(|(s, text)| view! {
                    <label class="plain-type">
                        <input type="radio" name="plain-type" data-testid=format!("plain-type-{}", s.as_str())
                            prop:checked=move || symbology.get() == s on:change=move |_| symbology.set(s) />
                        <span>{text}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <CardCodeReader words names=symbology_names(words) symbology number target />
            <label for="plain-number">{words.plain_number}</label>
            <input id="plain-number" type="text" autocomplete="off" spellcheck="false" data-testid="plain-number-input"
                inputmode=move || if symbology.get() == Symbology::Ean13 { "numeric" } else { "text" }
                aria-describedby="plain-problem"
                prop:value=move || number.get() on:input=move |e| number.set(event_target_value(&e)) />
            <p class="carrier-problem" id="plain-problem" role="alert" data-testid="plain-problem">{problem}</p>
            {move || preview().map(|svg| view! {
                <div class="plain-preview" aria-hidden="true" inner_html=svg></div>
            })}
            <button class="button primary wide" type="submit" data-testid="plain-save">{words.plain_save}</button>
        </form>
        <section class="plain-import transfer-part">
            <h3>{words.catima_title}</h3>
            <p class="muted">{words.catima_intro}</p>
            <label class="button secondary wide transfer-file">
                {words.catima_choose}
                <input type="file" accept=".zip,.csv,application/zip,text/csv" data-testid="catima-file" on:change=import />
            </label>
            <p class="transfer-status" role="status" data-testid="catima-status">{catima_status}</p>
        </section>
    }
}

/// The cards of a Catima export: its ZIP (then `catima.csv` in it), or the CSV itself.
fn read_catima(bytes: &[u8], words: &'static Words) -> Result<Vec<catima::CatimaCard>, String> {
    let csv = if bytes.starts_with(b"PK") {
        zip_entry::read_entry(bytes, "catima.csv", MAX_CSV_BYTES).map_err(|error| {
            match error {
                ZipError::Encrypted => words.catima_password,
                ZipError::Missing => words.catima_not_catima,
                ZipError::TooLarge => words.catima_not_catima,
                ZipError::NotZip | ZipError::Damaged | ZipError::Unsupported => {
                    words.catima_damaged
                }
            }
            .to_owned()
        })?
    } else {
        bytes.to_vec()
    };
    let text = String::from_utf8(csv).map_err(|_| words.catima_not_catima.to_owned())?;
    catima::parse(&text).map_err(|error| match error {
        CatimaError::NotCatima => words.catima_not_catima.to_owned(),
        CatimaError::Version(v) => fill(words.catima_version, "v", &v),
        CatimaError::Damaged => words.catima_damaged.to_owned(),
    })
}
