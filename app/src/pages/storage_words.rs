//! What the customer is told when the phone's storage fails: a read shows that the wallet could
//! not be read (never an empty or zero value in its place), a write says why it was not saved.
//! The cause goes to the console.

use crate::i18n::{t_string, Locale};
use crate::storage::{StorageError, StorageProblem};
use leptos_i18n::I18nContext;

/// Why an action (queued, dismissed) was not saved.
pub fn not_saved(i18n: I18nContext<Locale>, problem: StorageProblem) -> &'static str {
    match problem {
        StorageProblem::Full => t_string!(i18n, save_full),
        StorageProblem::Unavailable => t_string!(i18n, save_unavailable),
        StorageProblem::Failed => t_string!(i18n, save_failed),
    }
}

/// Puts the cause of a storage failure on the console and gives back what the customer is told.
pub fn logged(error: StorageError) -> StorageProblem {
    web_sys::console::error_1(&error.to_string().into());
    error.problem
}

/// In place of what could not be read from the phone.
#[leptos::component]
pub fn NotRead() -> impl leptos::IntoView {
    use leptos::prelude::*;
    let i18n = crate::i18n::use_i18n();
    view! { <p class="notice error" role="alert" data-testid="read-error">{crate::i18n::t!(i18n, storage_error)}</p> }
}
