//! Linear barcodes as SVG: the e-invoice carrier's Code 39 in cashier mode, and the symbologies a
//! shop's plain card may use. The bars come from the `barcoders` crate (its encoders, not a
//! symbology written here); this file only draws them, black on white with the quiet zones a
//! till's scanner needs.

use barcoders::sym::code128::Code128;
use barcoders::sym::code39::Code39;
use barcoders::sym::ean13::EAN13;

/// A one-dimensional symbology.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Linear {
    /// Plain Code 39 without a check character (the e-invoice carrier's).
    Code39,
    /// Code 128, character set B (printable ASCII).
    Code128,
    /// EAN-13: 12 digits and the check digit (computed when 12 are given, checked when 13 are).
    Ean13,
}

/// Quiet zone on each side, in modules: Code 39 asks for at least 10, EAN-13 for 11 and 7.
const QUIET_MODULES: usize = 12;
/// The bars' height in modules: about a quarter of a carrier code's width, as printed ones are.
const HEIGHT_MODULES: usize = 40;

impl Linear {
    /// The modules (1 = bar, 0 = space) of `text`, or `None` when this symbology cannot hold it.
    pub fn modules(self, text: &str) -> Option<Vec<u8>> {
        match self {
            Self::Code39 => Code39::new(text).ok().map(|c| c.encode()),
            Self::Code128 => {
                let printable = !text.is_empty() && text.chars().all(|c| (' '..='~').contains(&c));
                printable
                    .then(|| Code128::new(format!("\u{0181}{text}")).ok())
                    .flatten()
                    .map(|c| c.encode())
            }
            Self::Ean13 => {
                let digits = text.chars().all(|c| c.is_ascii_digit());
                let well_formed = digits && (text.len() == 12 || text.len() == 13);
                let code = well_formed.then(|| EAN13::new(text).ok()).flatten()?;
                Some(code.encode())
            }
        }
    }

    /// `text` as an SVG image, black bars on white (also in dark mode: the colours are in the
    /// image), or `None` when this symbology cannot hold it. It scales to any width: a reader
    /// needs the bars' proportions, not their size.
    pub fn svg(self, text: &str) -> Option<String> {
        let modules = self.modules(text)?;
        let width = modules.len() + 2 * QUIET_MODULES;
        let mut bars = String::new();
        let mut at = 0;
        while at < modules.len() {
            let run = modules[at..]
                .iter()
                .take_while(|&&m| m == modules[at])
                .count();
            if modules[at] == 1 {
                let x = at + QUIET_MODULES;
                bars.push_str(&format!("M{x} 0h{run}v{HEIGHT_MODULES}h-{run}z"));
            }
            at += run;
        }
        Some(format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {HEIGHT_MODULES}\" \
             preserveAspectRatio=\"none\" shape-rendering=\"crispEdges\">\
             <rect width=\"{width}\" height=\"{HEIGHT_MODULES}\" fill=\"#fff\"/>\
             <path fill=\"#000\" d=\"{bars}\"/></svg>"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_carrier_is_code_39_between_star_guards() {
        let modules = Linear::Code39.modules("/ABC+1.-").unwrap();
        // Start and stop guards and 8 characters, 12 modules each, with a narrow gap between.
        assert_eq!(modules.len(), 10 * 12 + 9);
        let guard = [1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1];
        assert_eq!(&modules[..12], &guard);
        assert_eq!(&modules[modules.len() - 12..], &guard);
    }

    #[test]
    fn the_svg_keeps_quiet_zones_and_draws_every_bar() {
        let svg = Linear::Code39.svg("/ABC1234").unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("viewBox=\"0 0 153 40\""));
        // The first bar starts after the quiet zone.
        assert!(svg.contains("d=\"M12 0h1v40h-1z"));
        let bars = Linear::Code39
            .modules("/ABC1234")
            .unwrap()
            .windows(2)
            .filter(|w| w == &[0, 1])
            .count()
            + 1;
        assert_eq!(svg.matches('M').count(), bars);
    }

    #[test]
    fn what_a_symbology_cannot_hold_is_none() {
        assert!(Linear::Code39.svg("a*b").is_none());
        assert!(Linear::Code128.svg("").is_none());
        assert!(Linear::Code128.svg("卡號").is_none());
        assert!(Linear::Ean13.svg("12345").is_none());
        assert!(
            Linear::Ean13.svg("4006381333932").is_none(),
            "wrong check digit"
        );
        assert!(Linear::Ean13.svg("4006381333931").is_some());
        assert!(Linear::Ean13.svg("400638133393").is_some());
        assert!(Linear::Code128.svg("MEMBER-0042").is_some());
    }
}
