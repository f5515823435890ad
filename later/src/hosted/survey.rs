//! `/m/:id/survey/:invitation`: reads the invitation and the draft, draws the form
//! (`survey_form`), keeps the draft as the customer types, and queues `survey.answer` when they
//! send it (offline too: the outbox sends it when the wallet is online).

use super::{now_unix, PageProps};
use crate::app_bridge::{App, NotDone};
use crate::events;
use crate::{survey_form, words};
use leptos::prelude::*;
use serde_json::Value;
use wallet_core::survey::SurveyInvitationData;
use wallet_core::survey::{InvitationState, SurveyInvitationSummary};
use wallet_core::sync::EntityKind;
use wallet_core::Intent;
use wasm_bindgen::JsValue;

/// Where the invitation stands for this page.
enum Stage {
    /// The entity's `data` as it came (the form parses its questions) and the draft.
    Open(Value, Value),
    /// Answered here; the outbox holds it until the issuer has it.
    Queued,
    Answered,
    Closed,
    NotFound,
}

async fn load(app: &App, membership_id: &str, invitation_id: &str) -> Result<Stage, NotDone> {
    let records = app.entities(membership_id, &[EntityKind::Survey]).await?;
    let Some((data, invitation)) = records
        .into_iter()
        .find(|r| r.id == invitation_id)
        .and_then(|r| {
            let data = r.data?;
            let summary = SurveyInvitationSummary::from_data(&data)?;
            Some((data, summary))
        })
    else {
        return Ok(Stage::NotFound);
    };
    if invitation.state == InvitationState::Answered {
        return Ok(Stage::Answered);
    }
    let pending = app.pending(membership_id).await?;
    if pending
        .answered_surveys
        .iter()
        .any(|id| id == invitation_id)
    {
        return Ok(Stage::Queued);
    }
    if !invitation.can_answer(now_unix()) {
        return Ok(Stage::Closed);
    }
    let draft = app.draft(invitation_id).await?;
    Ok(Stage::Open(data, draft))
}

/// Reads the invitation's stage and (re)draws the page: a new stage replaces the old one's
/// markup (a survey page is opened and left, not kept).
async fn show(
    root: web_sys::HtmlElement,
    app: App,
    membership_id: String,
    invitation_id: String,
    chinese: bool,
) {
    let Ok(stage) = load(&app, &membership_id, &invitation_id).await else {
        return;
    };
    if let Stage::Open(invitation, _) = &stage {
        let language = if chinese { "zh-TW" } else { "en" };
        app.set_title(invitation["title"][language].as_str().unwrap_or_default());
    }
    root.set_inner_html("");
    if let Err(error) = draw(root, stage, chinese) {
        web_sys::console::error_1(&error);
    }
}

pub(super) fn start(root: web_sys::HtmlElement, app: App, props: PageProps) {
    let PageProps {
        membership_id,
        invitation_id,
        chinese,
        ..
    } = props;
    events::on(&root, events::DRAFT, {
        let (app, invitation_id) = (app.clone(), invitation_id.clone());
        move |answers| {
            let (app, invitation_id) = (app.clone(), invitation_id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let _ = app.keep_draft(&invitation_id, &answers).await;
            });
        }
    });
    events::on(&root, events::SUBMIT, {
        let (root, app) = (root.clone(), app.clone());
        let (membership_id, invitation_id) = (membership_id.clone(), invitation_id.clone());
        move |answers| {
            let (root, app) = (root.clone(), app.clone());
            let (membership_id, invitation_id) = (membership_id.clone(), invitation_id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let intent = Intent::AnswerSurvey {
                    invitation_id: invitation_id.clone(),
                    answers,
                };
                // Not queued: the app said why on the page, and the form keeps the answers.
                if app.queue(&membership_id, &intent).await.is_ok() {
                    let _ = app.keep_draft(&invitation_id, &Value::Null).await;
                    show(root, app, membership_id, invitation_id, chinese).await;
                }
            });
        }
    });
    wasm_bindgen_futures::spawn_local(show(root, app, membership_id, invitation_id, chinese));
}

/// Shows the survey page's body in `root`: for an open invitation the form, which dispatches
/// `mw:survey-draft` (the answers so far) on every change and `mw:survey-submit` (the answers,
/// checked by `wallet_core::survey::Answers::check`) when the customer sends them; else the line
/// that says where the survey stands.
fn draw(root: web_sys::HtmlElement, stage: Stage, chinese: bool) -> Result<(), JsValue> {
    let words = words::for_language(chinese);
    let online = web_sys::window().is_none_or(|w| w.navigator().on_line());
    let target = root.clone();
    let note = |text: &'static str, testid: &'static str| {
        mount_to(root, move || {
            view! { <p class="notice" role="status" data-testid=testid>{text}</p> }.into_any()
        })
    };
    let handle = match stage {
        Stage::Open(invitation, draft) => {
            let invitation: SurveyInvitationData = serde_json::from_value(invitation)
                .ok()
                .filter(SurveyInvitationData::validate)
                .ok_or_else(|| JsValue::from_str("not a survey this wallet can show"))?;
            mount_to(target.clone(), move || {
                view! { <survey_form::SurveyForm invitation draft words chinese target /> }
                    .into_any()
            })
        }
        Stage::Queued if online => note(words.survey_sent, "survey-queued"),
        Stage::Queued => note(words.survey_queued, "survey-queued"),
        Stage::Answered => note(words.survey_answered, "survey-answered"),
        Stage::Closed => note(words.survey_closed, "survey-closed"),
        Stage::NotFound => note(words.survey_not_found, "survey-not-found"),
    };
    // The app clears the element when its page goes; the form lives as long as the page.
    handle.forget();
    Ok(())
}
