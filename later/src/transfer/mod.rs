//! Settings' "move to a new phone" (`mount_transfer`): export the whole wallet as a file locked
//! with a passphrase, and import such a file (docs/wallet-export.md). The module reads no
//! storage, so the app does both ends: `mw:export-request` asks it for the wallet's stores
//! (answered by `mw:export-data {"ok", "stores"}`), and `mw:import-plan {plan}` hands it the
//! records to write in one transaction (answered by `mw:import-done {"ok"}`). Everything is
//! checked before that: a foreign, damaged, newer or wrongly unlocked file writes nothing. And
//! clearing the wallet off this phone (asked twice): `mw:clear-all`, done by the app.

mod crypto;

use crate::events;
use crate::words::{self, fill, Words};
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;
use wallet_core::plain_card::PlainCard;
use wallet_core::wallet::export::{Envelope, ImportError, WalletExport, MIN_PASSPHRASE_CHARS};
use wallet_core::wallet::records::{EntityRecord, OutboxRecord, StoredMembership, SyncStateRecord};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

const EXPORT_REQUEST: &str = "mw:export-request";
const EXPORT_DATA: &str = "mw:export-data";
const IMPORT_PLAN: &str = "mw:import-plan";
const IMPORT_DONE: &str = "mw:import-done";
/// To the app: remove everything of the wallet from this phone (it reloads).
const CLEAR_ALL: &str = "mw:clear-all";

#[derive(Deserialize)]
struct TransferData {
    chinese: bool,
    /// Running in LINE: its browser cannot save a file.
    #[serde(default)]
    line: bool,
    /// The memberships this wallet holds: an import leaves them as they are.
    #[serde(default)]
    held: Vec<String>,
    #[serde(default)]
    has_carrier: bool,
    /// The plain cards this wallet holds.
    #[serde(default)]
    held_plain: Vec<String>,
}

/// The app's answer to `mw:export-request`.
#[derive(Deserialize)]
struct Stores {
    client_id: String,
    memberships: Vec<StoredMembership>,
    sync_states: Vec<SyncStateRecord>,
    entities: Vec<EntityRecord>,
    outbox: Vec<OutboxRecord>,
    #[serde(default)]
    carrier: Option<String>,
    #[serde(default)]
    plain_cards: Vec<PlainCard>,
}

#[derive(Clone, PartialEq)]
enum Exported {
    None,
    Locking,
    /// The file's name, and its text for a copy.
    Saved(String, String),
    Copied,
    CopyFailed,
    Problem(&'static str),
}

#[derive(Clone, PartialEq)]
enum Imported {
    None,
    Opening,
    Done { added: usize, skipped: usize },
    Problem(&'static str),
}

fn import_words(words: &Words, error: ImportError) -> &'static str {
    match error {
        ImportError::Foreign => words.transfer_foreign,
        ImportError::Newer => words.transfer_newer,
        ImportError::Damaged => words.transfer_damaged,
        ImportError::TooLarge => words.transfer_too_large,
        ImportError::WrongPassphrase => words.transfer_wrong_passphrase,
    }
}

pub fn mount(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    let props: TransferData =
        serde_json::from_str(props).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let words = words::for_language(props.chinese);
    let exported = RwSignal::new(Exported::None);
    let imported = RwSignal::new(Imported::None);
    // The passphrase waits here while the app reads the stores.
    let export_passphrase = StoredValue::new(String::new());
    let line = props.line;
    events::on(&root, EXPORT_DATA, move |detail| {
        let stores = (detail["ok"] == true)
            .then(|| serde_json::from_value::<Stores>(detail["stores"].clone()).ok())
            .flatten();
        let Some(stores) = stores else {
            exported.set(Exported::Problem(words.transfer_export_failed));
            return;
        };
        let passphrase = export_passphrase.get_value();
        export_passphrase.set_value(String::new());
        leptos::task::spawn_local(async move {
            let export = WalletExport::assemble(
                js_sys::Date::now(),
                stores.client_id,
                stores.memberships,
                stores.sync_states,
                stores.entities,
                stores.outbox,
                stores.carrier,
                stores.plain_cards,
            );
            let text = match crypto::encrypt(&passphrase, export.to_json().as_bytes()).await {
                Ok(envelope) => envelope.to_json(),
                Err(_) => return exported.set(Exported::Problem(words.transfer_export_failed)),
            };
            let file = file_name();
            // LINE's browser drops downloads: the copy is the way there (the words say so).
            if !line && download(&file, &text).is_err() {
                return exported.set(Exported::Problem(words.transfer_export_failed));
            }
            exported.set(Exported::Saved(file, text));
        });
    });
    // The cards this wallet holds, and those an import sent to the app to write (with how many
    // it skipped): once written, they are held too, so the same file again adds nothing.
    // Membership ids and plain card ids never collide (12 base32 characters; a UUID or
    // `catima-…`): one list serves both.
    let held = StoredValue::new(
        props
            .held
            .iter()
            .chain(&props.held_plain)
            .cloned()
            .collect::<Vec<_>>(),
    );
    let pending = StoredValue::new((Vec::<String>::new(), 0_usize));
    events::on(&root, IMPORT_DONE, move |detail| {
        let (ids, skipped) = pending.get_value();
        if detail["ok"] == true {
            let added = ids.len();
            held.update_value(|held| held.extend(ids));
            imported.set(Imported::Done { added, skipped });
        } else {
            imported.set(Imported::Problem(words.transfer_import_failed));
        }
    });
    let target = StoredValue::new_local(root.clone());
    crate::style::then(crate::style::CHECKOUT, move || {
        let handle = mount_to(root, move || {
            view! {
                <Transfer props words exported imported export_passphrase held pending target />
            }
        });
        handle.forget();
    });
    Ok(())
}

#[component]
fn Transfer(
    props: TransferData,
    words: &'static Words,
    exported: RwSignal<Exported>,
    imported: RwSignal<Imported>,
    export_passphrase: StoredValue<String>,
    held: StoredValue<Vec<String>>,
    pending: StoredValue<(Vec<String>, usize)>,
    target: StoredValue<web_sys::HtmlElement, LocalStorage>,
) -> impl IntoView {
    let first = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let export = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let passphrase = first.get_untracked();
        if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
            return exported.set(Exported::Problem(words.transfer_short));
        }
        if passphrase != again.get_untracked() {
            return exported.set(Exported::Problem(words.transfer_mismatch));
        }
        export_passphrase.set_value(passphrase);
        exported.set(Exported::Locking);
        target.with_value(|t| events::send(t, EXPORT_REQUEST, &json!({})));
    };
    let copy = move |_| {
        let Exported::Saved(_, text) = exported.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let copied = crate::invite::copy(&text).await;
            exported.set(if copied {
                Exported::Copied
            } else {
                Exported::CopyFailed
            });
        });
    };
    let export_status = move || match exported.get() {
        Exported::None => None,
        Exported::Locking => Some(words.transfer_locking.to_owned()),
        Exported::Saved(file, _) if !props.line => Some(fill(words.transfer_saved, "file", &file)),
        Exported::Saved(..) => None,
        Exported::Copied => Some(words.transfer_copied.to_owned()),
        Exported::CopyFailed => Some(words.transfer_copy_failed.to_owned()),
        Exported::Problem(text) => Some(text.to_owned()),
    };
    let can_copy = move || {
        matches!(
            exported.get(),
            Exported::Saved(..) | Exported::Copied | Exported::CopyFailed
        )
    };

    let chosen = RwSignal::new_local(None::<web_sys::File>);
    let pasted = RwSignal::new(String::new());
    let import_passphrase = RwSignal::new(String::new());
    let has_carrier = props.has_carrier;
    let choose = move |event: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&event);
        chosen.set(input.files().and_then(|files| files.get(0)));
        imported.set(Imported::None);
    };
    let import = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let file = chosen.get_untracked();
        let pasted = pasted.get_untracked();
        if file.is_none() && pasted.trim().is_empty() {
            return imported.set(Imported::Problem(words.transfer_nothing_chosen));
        }
        let passphrase = import_passphrase.get_untracked();
        imported.set(Imported::Opening);
        leptos::task::spawn_local(async move {
            let text = match file {
                Some(file) => match JsFuture::from(file.text()).await {
                    Ok(text) => text.as_string().unwrap_or_default(),
                    Err(_) => return imported.set(Imported::Problem(words.transfer_damaged)),
                },
                None => pasted.trim().to_owned(),
            };
            let opened = async {
                let envelope = Envelope::parse(text.as_bytes())?;
                let plaintext = crypto::decrypt(&passphrase, &envelope).await?;
                WalletExport::parse(&plaintext)
            };
            let export = match opened.await {
                Ok(export) => export,
                Err(error) => return imported.set(Imported::Problem(import_words(words, error))),
            };
            let plan = held.with_value(|held| {
                let held: Vec<&str> = held.iter().map(String::as_str).collect();
                export.plan(&held, &held, has_carrier)
            });
            if plan.memberships.is_empty() && plan.plain_cards.is_empty() {
                return imported.set(Imported::Done {
                    added: 0,
                    skipped: plan.skipped,
                });
            }
            let ids = plan
                .memberships
                .iter()
                .map(|m| m.id.as_str().to_owned())
                .collect();
            pending.set_value((ids, plan.skipped));
            target.with_value(|t| events::send(t, IMPORT_PLAN, &json!({ "plan": plan })));
        });
    };
    let import_status = move || match imported.get() {
        Imported::None => None,
        Imported::Opening => Some(words.transfer_opening.to_owned()),
        Imported::Done { added: 0, .. } => Some(words.transfer_all_held.to_owned()),
        Imported::Done { added, skipped: 0 } => {
            Some(fill(words.transfer_added, "n", &added.to_string()))
        }
        Imported::Done { added, skipped } => Some(fill(
            &fill(words.transfer_added_skipped, "n", &added.to_string()),
            "skipped",
            &skipped.to_string(),
        )),
        Imported::Problem(text) => Some(text.to_owned()),
    };
    let chosen_name = move || {
        chosen
            .with(|f| f.as_ref().map(web_sys::File::name))
            .map(|name| fill(words.transfer_file_chosen, "file", &name))
    };

    let clearing = RwSignal::new(false);
    let clear = move |_| {
        if clearing.get_untracked() {
            target.with_value(|t| events::send(t, CLEAR_ALL, &json!({})));
        } else {
            clearing.set(true);
        }
    };

    view! {
        <div class="transfer">
            <p>{words.transfer_intro}</p>
            <form class="transfer-part" novalidate on:submit=export data-testid="export-form">
                <h3>{words.transfer_export_title}</h3>
                {props.line.then(|| view! { <p class="notice" data-testid="export-line-note">{words.transfer_line_note}</p> })}
                <label for="export-passphrase">{words.transfer_passphrase}</label>
                <input id="export-passphrase" type="password" autocomplete="new-password" data-testid="export-passphrase"
                    prop:value=move || first.get() on:input=move |e| first.set(event_target_value(&e)) />
                <label for="export-passphrase-again">{words.transfer_passphrase_again}</label>
                <input id="export-passphrase-again" type="password" autocomplete="new-password" data-testid="export-passphrase-again"
                    prop:value=move || again.get() on:input=move |e| again.set(event_target_value(&e)) />
                <button class="button primary wide" type="submit" data-testid="export-button">{words.transfer_export}</button>
                <p class="transfer-status" role="status" data-testid="export-status">{export_status}</p>
                {move || (props.line && can_copy()).then(|| view! {
                    <button class="button secondary wide" type="button" data-testid="export-copy" on:click=copy>
                        {words.transfer_copy}
                    </button>
                })}
            </form>
            <form class="transfer-part" novalidate on:submit=import data-testid="import-form">
                <h3>{words.transfer_import_title}</h3>
                <label class="button secondary wide transfer-file">
                    {words.transfer_file}
                    <input type="file" accept=".mwallet,application/json,text/plain" data-testid="import-file" on:change=choose />
                </label>
                <p class="muted" data-testid="import-file-name">{chosen_name}</p>
                <label for="import-paste">{words.transfer_paste}</label>
                <textarea id="import-paste" rows="3" spellcheck="false" data-testid="import-paste"
                    prop:value=move || pasted.get() on:input=move |e| pasted.set(event_target_value(&e))></textarea>
                <label for="import-passphrase">{words.transfer_passphrase_file}</label>
                <input id="import-passphrase" type="password" autocomplete="current-password" data-testid="import-passphrase"
                    prop:value=move || import_passphrase.get() on:input=move |e| import_passphrase.set(event_target_value(&e)) />
                <button class="button primary wide" type="submit" data-testid="import-button">{words.transfer_import}</button>
                <p class="transfer-status" role="status" data-testid="import-status">{import_status}</p>
            </form>
            <section class="transfer-part">
                <h3>{words.transfer_clear_title}</h3>
                <p class="muted">{words.transfer_clear_intro}</p>
                <button class="button secondary wide danger" type="button" data-testid="clear-all" on:click=clear>
                    {move || if clearing.get() { words.transfer_clear_confirm } else { words.transfer_clear }}
                </button>
            </section>
        </div>
    }
}

/// `member-wallet-2026-12-02.mwallet`.
fn file_name() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "member-wallet-{:04}-{:02}-{:02}.mwallet",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}

/// Hands `text` to the browser as a file download.
fn download(name: &str, text: &str) -> Result<(), JsValue> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(
        &js_sys::Array::of1(&text.into()),
        &options,
    )?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The browser has taken the file once the click is handled: free it a moment later.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    web_sys::window()
        .ok_or("no window")?
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000)?;
    Ok(())
}
