//! The pages whose work is all in the module loaded later (`wallet_later::mount_page`): the survey
//! (`/m/:id/survey/:invitation`), the games (`/m/:id/games`, `/m/:id/games/:ticket`), the
//! invitation (`/m/:id/invite`) and the scanner (`/scan`). One component for all of them, with no
//! code of any one page: the module reads what it shows and queues what the customer does by
//! asking `answer` below, so the app's one IndexedDB connection, outbox and sync engine stay the
//! only ones, and none of these pages weighs on the first screen.

use super::join::page_of;
use super::later_page::{mount_or_say, LaterPageFrame};
use super::storage_words::{logged, not_saved};
use crate::i18n::{is_chinese, t_string, use_i18n, Locale};
use crate::platform::{later, liff};
use crate::state::WalletState;
use crate::storage::{meta_values, outbox, sync_store, StorageError};
use crate::sync::SyncEngine;
use leptos::html::Div;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde_json::{json, Value};
use std::rc::Rc;
use wallet_core::sync::EntityKind;
use wallet_core::Intent;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Which page: the module's name for it, the route's title and where "back" goes.
#[derive(Clone, Copy, PartialEq)]
pub enum Hosted {
    Survey,
    Games,
    Invite,
    Scan,
}

impl Hosted {
    fn name(self) -> &'static str {
        match self {
            Self::Survey => "survey",
            Self::Games => "games",
            Self::Invite => "invite",
            Self::Scan => "scan",
        }
    }
}

/// What `answer` works with: the page's signals and the app's services.
#[derive(Clone)]
struct Host {
    engine: SyncEngine,
    state: WalletState,
    i18n: I18nContext<Locale>,
    chinese: bool,
    problem: RwSignal<Option<&'static str>>,
    title: RwSignal<String>,
    navigate: Rc<dyn Fn(&str)>,
}

impl Host {
    /// A read that failed: the page says the wallet could not be read (never an empty page in
    /// its place), the cause goes to the console.
    fn not_read(&self, error: StorageError) {
        logged(error);
        self.problem
            .try_set(Some(t_string!(self.i18n, storage_error)));
    }

    fn read<T: serde::Serialize>(&self, read: Result<T, StorageError>) -> Result<Value, ()> {
        let read = read.map_err(|error| self.not_read(error))?;
        serde_json::to_value(read).map_err(drop)
    }

    /// One request of the module (`later/src/app_bridge.rs` names each); `Err` when it was not
    /// done, after the customer was told why where that is theirs to know.
    async fn answer(self, request: Value) -> Result<Value, ()> {
        let membership_id = request["membership_id"].as_str().unwrap_or_default();
        let text = |key: &str| request[key].as_str().unwrap_or_default();
        match request["op"].as_str().unwrap_or_default() {
            "entities" => {
                let kinds: Vec<EntityKind> =
                    serde_json::from_value(request["kinds"].clone()).map_err(drop)?;
                self.read(sync_store::entities_of_kinds(membership_id, &kinds).await)
            }
            "pending" => self.read(outbox::pending(membership_id).await),
            "membership" => {
                self.state.ensure_read().await;
                let found = self.state.find(membership_id);
                Ok(found.map_or(
                    Value::Null,
                    |m| json!({ "issuer": m.issuer, "shop": m.merchant.name.get(self.chinese) }),
                ))
            }
            "held" => {
                self.state.ensure_read().await;
                let held: Vec<String> = self
                    .state
                    .memberships
                    .with_untracked(|all| all.iter().map(|m| m.id.as_str().to_owned()).collect());
                Ok(json!(held))
            }
            "draft" => self.read(meta_values::read_draft(text("invitation_id")).await),
            "keep_draft" => {
                let (invitation_id, answers) = (text("invitation_id"), &request["answers"]);
                let kept = if answers.is_null() {
                    meta_values::clear_draft(invitation_id).await
                } else {
                    meta_values::save_draft(invitation_id, answers).await
                };
                // A draft not kept is no loss the customer acts on: the form still has it.
                kept.map(|()| Value::Null).map_err(|error| {
                    logged(error);
                })
            }
            "queue" => {
                let intent = Intent::parse(text("name"), &request["args"]).map_err(drop)?;
                match self.engine.queue(membership_id, intent).await {
                    Ok(_) => Ok(Value::Null),
                    Err(error) => {
                        let why = not_saved(self.i18n, logged(error));
                        self.problem.try_set(Some(why));
                        Err(())
                    }
                }
            }
            "title" => {
                self.title.try_set(text("title").to_owned());
                Ok(Value::Null)
            }
            "open" if text("path").starts_with('/') => {
                (self.navigate)(&page_of(text("path")));
                Ok(Value::Null)
            }
            "line" => Ok(Value::Bool(liff::ready().await)),
            "line_scan" => Ok(match liff::scan_code().await {
                Some(Ok(read)) => Value::String(read),
                _ => Value::Null,
            }),
            "line_share" => {
                let shared = liff::share_target_picker(text("text")).await;
                Ok(Value::Bool(shared.unwrap_or_else(|error| {
                    web_sys::console::warn_2(&"[liff] share failed".into(), &error);
                    false
                })))
            }
            _ => Err(()),
        }
    }
}

#[component]
pub fn HostedPage(page: Hosted) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let params = use_params_map();
    let param = move |name: &str| params.read_untracked().get(name).unwrap_or_default();
    let (membership_id, ticket_id) = (param("id"), param("ticket"));
    let chinese = is_chinese(i18n.get_locale_untracked());
    let problem = RwSignal::new(None::<&'static str>);
    let title = RwSignal::new(
        match page {
            Hosted::Survey => "",
            Hosted::Games => t_string!(i18n, games_title),
            Hosted::Invite => t_string!(i18n, invite_title),
            Hosted::Scan => t_string!(i18n, scan_title),
        }
        .to_owned(),
    );
    let back_href = match page {
        Hosted::Scan => "/".to_owned(),
        Hosted::Games if !ticket_id.is_empty() => format!("/m/{membership_id}/games"),
        _ => format!("/m/{membership_id}"),
    };
    let host = Host {
        engine: expect_context(),
        state: expect_context(),
        i18n,
        chinese,
        problem,
        title,
        navigate: Rc::new(move |path| navigate(path, Default::default())),
    };
    let engine = host.engine;
    let props = json!({
        "page": page.name(),
        "membership_id": membership_id,
        "ticket_id": ticket_id,
        "invitation_id": param("invitation"),
        "chinese": chinese,
    })
    .to_string();
    let root = NodeRef::<Div>::new();
    root.on_load(move |element| {
        let element: web_sys::HtmlElement = element.unchecked_into();
        let app = Closure::<dyn Fn(String) -> js_sys::Promise>::new(move |request: String| {
            let host = host.clone();
            wasm_bindgen_futures::future_to_promise(async move {
                let request = serde_json::from_str(&request).unwrap_or(Value::Null);
                let answer = host.answer(request).await.map_err(|()| JsValue::NULL)?;
                Ok(JsValue::from_str(&answer.to_string()))
            })
        })
        // The module asks through it for as long as its page; leaked (a few bytes per page
        // opened), as the module's own listeners are.
        .into_js_value();
        leptos::task::spawn_local(async move {
            let mounting = later::mount_page(&element, &props, &app);
            mount_or_say(&element, mounting, problem, i18n).await;
        });
    });
    // Stored data changed (a sync, another tab, an action queued here): the module reads again.
    Effect::new(move |seen: Option<u64>| {
        let revision = engine.revision.get();
        if seen.is_some_and(|seen| seen != revision) {
            if let Some(element) = root.get_untracked() {
                later::send(&element, "mw:stored-changed", &json!({}));
            }
        }
        revision
    });

    view! {
        <LaterPageFrame
            title=Signal::derive(move || title.get())
            back_href
            name=match page {
                Hosted::Survey => "survey-page",
                Hosted::Games => "games-page",
                Hosted::Invite => "invite-page",
                Hosted::Scan => "scan-page",
            }
            root
            problem
        />
    }
}
