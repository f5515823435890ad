//! What a hosted page (`hosted`) asks of the app: the app's one IndexedDB connection, outbox and
//! sync engine stay the only ones, and the module reaches them through the one function the app
//! hands `mount_page` (`app/src/pages/hosted_page.rs` answers). A request is JSON text
//! `{"op": …, …}`; the answer is a promise of JSON text. When the app could not do what was asked
//! (the phone's storage failed), it has already told the customer on the page and the promise
//! rejects: the module then stops, and shows nothing in place of what it could not read.

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use wallet_core::sync::EntityKind;
use wallet_core::wallet::records::{EntityRecord, OutboxRecord};
use wallet_core::wallet::PendingOverlay;
use wallet_core::Intent;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The app could not do it; the customer has been told (see the module docs).
#[derive(Debug)]
pub struct NotDone;

/// The app, for one page.
#[derive(Clone)]
pub struct App {
    call: js_sys::Function,
}

impl App {
    pub fn new(call: js_sys::Function) -> Self {
        Self { call }
    }

    async fn ask<T: DeserializeOwned>(&self, request: Value) -> Result<T, NotDone> {
        let request = JsValue::from_str(&request.to_string());
        let promise = self
            .call
            .call1(&JsValue::NULL, &request)
            .ok()
            .and_then(|answer| answer.dyn_into::<js_sys::Promise>().ok())
            .ok_or(NotDone)?;
        let answer = JsFuture::from(promise).await.map_err(|_| NotDone)?;
        let text = answer.as_string().ok_or(NotDone)?;
        serde_json::from_str(&text).map_err(|error| {
            web_sys::console::error_1(&format!("[later] the app's answer: {error}").into());
            NotDone
        })
    }

    /// The stored entities of these kinds of the membership, deleted ones included.
    pub async fn entities(
        &self,
        membership_id: &str,
        kinds: &[EntityKind],
    ) -> Result<Vec<EntityRecord>, NotDone> {
        self.ask(json!({ "op": "entities", "membership_id": membership_id, "kinds": kinds }))
            .await
    }

    /// What the membership's queued actions change until the issuer has them.
    pub async fn pending(&self, membership_id: &str) -> Result<PendingOverlay, NotDone> {
        let queued: Vec<OutboxRecord> = self
            .ask(json!({ "op": "pending", "membership_id": membership_id }))
            .await?;
        Ok(PendingOverlay::from_queue(
            queued.iter().map(OutboxRecord::action),
        ))
    }

    /// Queues the customer's action (the outbox sends it when the wallet is online).
    pub async fn queue(&self, membership_id: &str, intent: &Intent) -> Result<(), NotDone> {
        let request = json!({
            "op": "queue",
            "membership_id": membership_id,
            "name": intent.name(),
            "args": intent.args(),
        });
        self.ask::<Value>(request).await.map(drop)
    }

    /// The membership's issuer and shop name (in the page's language); `None` when the wallet
    /// does not hold it.
    pub async fn membership(&self, membership_id: &str) -> Result<Option<Membership>, NotDone> {
        self.ask(json!({ "op": "membership", "membership_id": membership_id }))
            .await
    }

    /// The ids of every membership in the wallet (once the wallet has been read).
    pub async fn held(&self) -> Result<Vec<String>, NotDone> {
        self.ask(json!({ "op": "held" })).await
    }

    /// The answers kept for a survey invitation, `{}` for none.
    pub async fn draft(&self, invitation_id: &str) -> Result<Value, NotDone> {
        self.ask(json!({ "op": "draft", "invitation_id": invitation_id }))
            .await
    }

    /// Keeps (or, with `Null`, forgets) the answers typed so far. A draft not kept is no loss the
    /// customer acts on (the form still has it): the app logs it.
    pub async fn keep_draft(&self, invitation_id: &str, answers: &Value) -> Result<(), NotDone> {
        let request =
            json!({ "op": "keep_draft", "invitation_id": invitation_id, "answers": answers });
        self.ask::<Value>(request).await.map(drop)
    }

    /// The page header's title.
    pub fn set_title(&self, title: &str) {
        let app = self.clone();
        let request = json!({ "op": "title", "title": title });
        wasm_bindgen_futures::spawn_local(async move {
            let _ = app.ask::<Value>(request).await;
        });
    }

    /// Opens a page of the wallet (a path of its own, e.g. `/join?…`).
    pub fn open(&self, path: &str) {
        let app = self.clone();
        let request = json!({ "op": "open", "path": path });
        wasm_bindgen_futures::spawn_local(async move {
            let _ = app.ask::<Value>(request).await;
        });
    }

    /// Whether LINE's SDK started (the page runs in LINE with a LIFF app configured).
    pub async fn in_line(&self) -> bool {
        self.ask(json!({ "op": "line" })).await.unwrap_or(false)
    }

    /// What LINE's own scanner read, where LINE offers one; `None` when it does not, or the
    /// customer closed it.
    pub async fn line_scan(&self) -> Option<String> {
        let read: Option<String> = self.ask(json!({ "op": "line_scan" })).await.ok()?;
        read.filter(|text| !text.is_empty())
    }

    /// Shares `text` through LINE's share target picker; whether it was sent.
    pub async fn line_share(&self, text: &str) -> bool {
        self.ask(json!({ "op": "line_share", "text": text }))
            .await
            .unwrap_or(false)
    }
}

/// What a page is told of a membership.
#[derive(serde::Deserialize)]
pub struct Membership {
    pub issuer: String,
    pub shop: String,
}
