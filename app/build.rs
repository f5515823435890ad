//! Generates the typed `i18n` module from locales/*.json: a key missing in either language is a
//! build error, not a blank on a customer's screen.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    // Interpolated strings are also needed as plain text (attributes, component props).
    let config = Config::new("zh-TW")?
        .add_locale("en")?
        .parse_options(ParseOptions::default().interpolate_display(true));
    let translations = TranslationsInfos::parse(config)?;
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out_dir.join("i18n"))?;
    Ok(())
}
