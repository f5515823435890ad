//! `/m/:id/survey/:invitation`: a survey the shop invited the member to. The form itself is in
//! the module loaded later (`platform::later`, crate wallet-later), so none of it weighs on the
//! first screen; this page reads the invitation and the draft, hands them over, keeps the draft
//! as the customer types, and queues `survey.answer` when they send it (offline too: the outbox
//! sends it when the wallet is online).

use super::later_page::{mount_or_say, LaterPageFrame};
use super::storage_words::{logged, not_saved};
use crate::i18n::{is_chinese, t_string, use_i18n};
use crate::platform::{clock, later};
use crate::storage::{meta_values, outbox, sync_store, StorageError};
use crate::sync::SyncEngine;
use leptos::html::Div;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use wallet_core::survey::{InvitationState, SurveyInvitationSummary};
use wallet_core::sync::EntityKind;
use wallet_core::wallet::{PendingOverlay, QueuedAction};
use wallet_core::Intent;
use wasm_bindgen::JsCast;

/// Where the invitation stands for this page.
#[derive(Clone, Debug, PartialEq)]
enum Stage {
    /// The entity's `data` as it came (the form parses its questions) and the draft.
    Open(serde_json::Value, serde_json::Value),
    /// Answered here; the outbox holds it until the issuer has it.
    Queued,
    Answered,
    Closed,
    NotFound,
}

async fn load(membership_id: String, invitation_id: String) -> Result<Stage, StorageError> {
    let records = sync_store::entities_of_kinds(&membership_id, &[EntityKind::Survey]).await?;
    let Some((data, invitation)) = records
        .into_iter()
        .find(|r| r.id == invitation_id)
        .and_then(|r| {
            let data = r.data?;
            let summary = serde_json::from_value::<SurveyInvitationSummary>(data.clone()).ok()?;
            summary.validate().then_some((data, summary))
        })
    else {
        return Ok(Stage::NotFound);
    };
    if invitation.state == InvitationState::Answered {
        return Ok(Stage::Answered);
    }
    let queued = outbox::pending(&membership_id).await?;
    let pending = PendingOverlay::from_queue(queued.iter().map(|m| QueuedAction {
        name: &m.name,
        args: &m.args,
    }));
    if pending.answered_surveys.contains(&invitation_id) {
        return Ok(Stage::Queued);
    }
    if !invitation.can_answer(clock::now_unix_secs() as i64) {
        return Ok(Stage::Closed);
    }
    let draft = meta_values::read_draft(&invitation_id).await?;
    Ok(Stage::Open(data, draft))
}

/// What the later module shows for a stage (`wallet_later::mount_survey`'s `stage`).
fn stage_props(stage: Stage, chinese: bool) -> serde_json::Value {
    let online = window().navigator().on_line();
    let (name, invitation, draft) = match stage {
        Stage::Open(invitation, draft) => ("open", invitation, draft),
        Stage::Queued if online => ("sent", Default::default(), Default::default()),
        Stage::Queued => ("queued", Default::default(), Default::default()),
        Stage::Answered => ("answered", Default::default(), Default::default()),
        Stage::Closed => ("closed", Default::default(), Default::default()),
        Stage::NotFound => ("not_found", Default::default(), Default::default()),
    };
    serde_json::json!({ "stage": name, "invitation": invitation, "draft": draft, "chinese": chinese })
}

#[component]
pub fn SurveyPage() -> impl IntoView {
    let i18n = use_i18n();
    let engine = expect_context::<SyncEngine>();
    let params = use_params_map();
    let membership_id = params.read_untracked().get("id").unwrap_or_default();
    let invitation_id = params
        .read_untracked()
        .get("invitation")
        .unwrap_or_default();
    let problem = RwSignal::new(None::<&'static str>);
    let title = RwSignal::new(String::new());
    let root = NodeRef::<Div>::new();
    let chinese = is_chinese(i18n.get_locale_untracked());

    // Reads the invitation's stage and (re)draws the page with the later module.
    let show =
        move |element: web_sys::HtmlElement, membership_id: String, invitation_id: String| {
            leptos::task::spawn_local(async move {
                let props = match load(membership_id, invitation_id).await {
                    Ok(stage) => {
                        if let Stage::Open(invitation, _) = &stage {
                            let language = if chinese { "zh-TW" } else { "en" };
                            let name = invitation["title"][language].as_str().unwrap_or_default();
                            title.set(name.to_owned());
                        }
                        stage_props(stage, chinese)
                    }
                    Err(error) => {
                        // A read: say the wallet could not be read, not that something was not saved.
                        logged(error);
                        problem.set(Some(t_string!(i18n, storage_error)));
                        return;
                    }
                };
                // A new stage replaces the old one's markup (the old form's reactive state stays
                // with the page: a survey page is opened and left, not kept).
                let props = props.to_string();
                let mounting = later::mount_survey(&element, &props);
                mount_or_say(&element, mounting, problem, i18n).await;
            });
        };
    {
        let (membership_id, invitation_id) = (membership_id.clone(), invitation_id.clone());
        root.on_load(move |element| {
            let element: web_sys::HtmlElement = element.unchecked_into();
            later::listen(&element, "mw:survey-draft", {
                let invitation_id = invitation_id.clone();
                move |answers| {
                    let invitation_id = invitation_id.clone();
                    leptos::task::spawn_local(async move {
                        // A draft not kept is no loss the customer acts on: the form still has it.
                        if let Err(error) = meta_values::save_draft(&invitation_id, &answers).await
                        {
                            logged(error);
                        }
                    });
                }
            });
            later::listen(&element, "mw:survey-submit", {
                let (element, membership_id, invitation_id) = (
                    element.clone(),
                    membership_id.clone(),
                    invitation_id.clone(),
                );
                move |answers| {
                    let (element, membership_id, invitation_id) = (
                        element.clone(),
                        membership_id.clone(),
                        invitation_id.clone(),
                    );
                    leptos::task::spawn_local(async move {
                        let intent = Intent::AnswerSurvey {
                            invitation_id: invitation_id.clone(),
                            answers,
                        };
                        match engine.queue(&membership_id, intent).await {
                            Ok(_) => {
                                let _ = meta_values::clear_draft(&invitation_id).await;
                                show(element, membership_id, invitation_id);
                            }
                            Err(error) => problem.set(Some(not_saved(i18n, logged(error)))),
                        }
                    });
                }
            });
            show(element, membership_id.clone(), invitation_id.clone());
        });
    }

    view! {
        <LaterPageFrame
            title=Signal::derive(move || title.get())
            back_href=format!("/m/{membership_id}")
            name="survey-page"
            root
            problem
        />
    }
}
