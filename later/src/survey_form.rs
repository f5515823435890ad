//! The survey form: every question shown on one page, big targets (stars, 0-10, choices as
//! buttons), a follow-up only after a low rating, progress, and inline messages from the same
//! check the issuer applies (`wallet_core::survey::Answers::check`).

use crate::events;
use crate::words::Words;
use leptos::prelude::*;
use serde_json::{Map, Value};
use wallet_core::survey::{
    is_blank, shown_questions, AnswerProblem, Answers, ProblemKind, Question, QuestionKind,
    SurveyInvitationData,
};
use wallet_core::text::TextError;

type Draft = Map<String, Value>;

#[component]
pub fn SurveyForm(
    invitation: SurveyInvitationData,
    draft: Value,
    words: &'static Words,
    chinese: bool,
    target: web_sys::HtmlElement,
) -> impl IntoView {
    let definition = StoredValue::new(invitation.definition.clone());
    let answers = RwSignal::new(draft.as_object().cloned().unwrap_or_default());
    let problems = RwSignal::new(Vec::<AnswerProblem>::new());
    let shown_ids = Memo::new(move |_| {
        answers.with(|a| {
            definition.with_value(|d| {
                shown_questions(d, a)
                    .iter()
                    .map(|q| q.id.clone())
                    .collect::<Vec<_>>()
            })
        })
    });
    // Only the answers of questions shown: a follow-up hidden again keeps no answer.
    let current = move || -> Value {
        let shown = shown_ids.get_untracked();
        let kept: Draft = answers
            .get_untracked()
            .into_iter()
            .filter(|(id, _)| shown.contains(id))
            .collect();
        Value::Object(kept)
    };
    // The element the events go to, held in the arena so the handlers below stay `Copy`.
    let target = StoredValue::new_local(target);
    let set = move |id: String, value: Value| {
        answers.update(|a| {
            a.insert(id.clone(), value);
        });
        problems.update(|p| p.retain(|problem| problem.question != id));
        target.with_value(|t| events::send(t, events::DRAFT, &current()));
    };
    let submit = move |_| {
        let answered = current();
        match definition.with_value(|d| Answers::check(d, &answered)) {
            Ok(checked) => {
                problems.set(Vec::new());
                target.with_value(|t| events::send(t, events::SUBMIT, &checked.to_json()));
            }
            Err(found) => problems.set(found),
        }
    };
    let progress = move || {
        let shown = shown_ids.get();
        let done = answers.with(|a| {
            shown
                .iter()
                .filter(|id| a.get(*id).is_some_and(|v| !is_blank(v)))
                .count()
        });
        words
            .survey_progress
            .replace("{{ n }}", &done.to_string())
            .replace("{{ total }}", &shown.len().to_string())
    };
    let questions = invitation.definition.questions.clone();

    view! {
        <form class="survey-form" on:submit=move |e| e.prevent_default()>
            <p class="survey-progress muted" data-testid="survey-progress" aria-live="polite">{progress}</p>
            {questions
                .into_iter()
                .map(|question| {
                    let id = question.id.clone();
                    let shown = {
                        let id = id.clone();
                        move || shown_ids.with(|s| s.contains(&id))
                    };
                    let problem = {
                        let id = id.clone();
                        move || problems.with(|p| p.iter().find(|x| x.question == id).map(|x| problem_text(words, &x.kind)))
                    };
                    view! {
                        <Show when=shown.clone()>
                            <QuestionField
                                question=question.clone()
                                answers
                                set
                                words
                                chinese
                                problem=Signal::derive(problem.clone())
                            />
                        </Show>
                    }
                })
                .collect_view()}
            {move || (!problems.with(Vec::is_empty)).then(|| view! {
                <p class="notice error" role="alert" data-testid="survey-fix">{words.survey_fix_above}</p>
            })}
            <button type="button" class="button primary wide" data-testid="survey-submit" on:click=submit>
                {words.survey_submit}
            </button>
        </form>
    }
}

#[component]
fn QuestionField(
    question: Question,
    answers: RwSignal<Draft>,
    set: impl Fn(String, Value) + Copy + Send + Sync + 'static,
    words: &'static Words,
    chinese: bool,
    problem: Signal<Option<String>>,
) -> impl IntoView {
    let id = question.id.clone();
    let value = {
        let id = id.clone();
        move || answers.with(|a| a.get(&id).cloned().unwrap_or(Value::Null))
    };
    let prompt = question.prompt.get(chinese).to_owned();
    let note = if question.required {
        words.survey_required
    } else {
        words.survey_optional
    };
    let input = match question.kind.clone() {
        QuestionKind::Rating => scale(id.clone(), 1, 5, value, set, Some(words), None).into_any(),
        QuestionKind::Nps => {
            let ends = (words.survey_nps_low, words.survey_nps_high);
            scale(id.clone(), 0, 10, value, set, None, Some(ends)).into_any()
        }
        QuestionKind::SingleChoice { choices } | QuestionKind::MultipleChoice { choices } => {
            let multiple = matches!(question.kind, QuestionKind::MultipleChoice { .. });
            let buttons = choices
                .into_iter()
                .map(|choice| {
                    let choice_id = choice.id.clone();
                    let picked = {
                        let value = value.clone();
                        let choice_id = choice_id.clone();
                        move || match value() {
                            Value::String(s) => s == choice_id,
                            Value::Array(items) => {
                                items.iter().any(|i| i.as_str() == Some(&choice_id))
                            }
                            _ => false,
                        }
                    };
                    let toggle = {
                        let id = id.clone();
                        let value = value.clone();
                        move |_| {
                            let next = if multiple {
                                let mut items: Vec<Value> =
                                    value().as_array().cloned().unwrap_or_default();
                                match items.iter().position(|i| i.as_str() == Some(&choice_id)) {
                                    Some(at) => {
                                        items.remove(at);
                                    }
                                    None => items.push(Value::from(choice_id.as_str())),
                                }
                                Value::Array(items)
                            } else {
                                Value::from(choice_id.as_str())
                            };
                            set(id.clone(), next);
                        }
                    };
                    view! {
                        <button type="button" class="choice" class:picked=picked.clone()
                            aria-pressed=move || picked().to_string() on:click=toggle>
                            {choice.label.get(chinese).to_owned()}
                        </button>
                    }
                })
                .collect_view();
            view! { <div class="choices">{buttons}</div> }.into_any()
        }
        QuestionKind::ShortText { max_chars } => {
            let text = {
                let value = value.clone();
                move || value().as_str().unwrap_or_default().to_owned()
            };
            let left = {
                let text = text.clone();
                move || {
                    let used = text().chars().count();
                    words
                        .survey_chars_left
                        .replace("{{ left }}", &max_chars.saturating_sub(used).to_string())
                }
            };
            let id = id.clone();
            view! {
                <textarea
                    rows="3"
                    maxlength=max_chars.to_string()
                    aria-label=prompt.clone()
                    prop:value=text
                    on:input=move |e| set(id.clone(), Value::from(event_target_value(&e)))
                ></textarea>
                <p class="muted small">{left}</p>
            }
            .into_any()
        }
    };
    view! {
        <fieldset class="survey-question" data-testid=format!("question-{}", question.id)>
            <legend>
                <span class="prompt">{prompt.clone()}</span>
                <span class="muted small">{note}</span>
            </legend>
            {input}
            {move || problem.get().map(|text| view! { <p class="field-error" role="alert">{text}</p> })}
        </fieldset>
    }
}

/// A row of number buttons from `low` to `high`: stars (with their spoken names) or 0-10 (with
/// the ends explained).
fn scale(
    id: String,
    low: u8,
    high: u8,
    value: impl Fn() -> Value + Clone + Send + Sync + 'static,
    set: impl Fn(String, Value) + Copy + Send + Sync + 'static,
    stars: Option<&'static Words>,
    ends: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    let buttons = (low..=high)
        .map(|n| {
            let chosen = {
                let value = value.clone();
                move || value().as_u64().unwrap_or(u64::MAX)
            };
            let id = id.clone();
            let (label, spoken) = match stars {
                Some(words) => (
                    "★".to_owned(),
                    words.survey_stars.replace("{{ n }}", &n.to_string()),
                ),
                None => (n.to_string(), n.to_string()),
            };
            let on = {
                let chosen = chosen.clone();
                move || {
                    let chosen = chosen();
                    if stars.is_some() {
                        u64::from(n) <= chosen && chosen != u64::MAX
                    } else {
                        u64::from(n) == chosen
                    }
                }
            };
            let pressed = move || (chosen() == u64::from(n)).to_string();
            view! {
                <button type="button" class="scale-step" class:on=on aria-label=spoken
                    aria-pressed=pressed on:click=move |_| set(id.clone(), Value::from(n))>
                    {label}
                </button>
            }
        })
        .collect_view();
    let class = if stars.is_some() {
        "scale stars"
    } else {
        "scale nps"
    };
    view! {
        <div class=class>{buttons}</div>
        {ends.map(|(low, high)| view! {
            <p class="scale-ends muted small"><span>{low}</span><span>{high}</span></p>
        })}
    }
}

fn problem_text(words: &'static Words, kind: &ProblemKind) -> String {
    match kind {
        ProblemKind::Missing => words.survey_problem_missing.to_owned(),
        ProblemKind::OutOfScale { .. } => words.survey_problem_scale.to_owned(),
        ProblemKind::UnknownChoice | ProblemKind::NotAsked => {
            words.survey_problem_choice.to_owned()
        }
        ProblemKind::Text(TextError::TooLong { max_chars }) => words
            .survey_problem_text_long
            .replace("{{ n }}", &max_chars.to_string()),
        ProblemKind::Text(_) | ProblemKind::NotText | ProblemKind::NotAnObject => {
            words.survey_problem_text_hidden.to_owned()
        }
    }
}
