//! The member QR: the payload drawn as an inline SVG, computed on the device.

use leptos::prelude::*;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// SVG markup of a QR code for `payload`, or `None` if it cannot be encoded (too long).
///
/// Error correction M: the code is shown on a phone screen (glare, scratches) and the payload is
/// short, so the extra redundancy costs no readable size.
pub fn qr_svg(payload: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).ok()?;
    let svg = code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Inline SVG must not carry an XML declaration.
    Some(match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    })
}

/// The QR for the cashier. `payload` is ours (the encoded member code), never text from an
/// issuer, which is what makes setting the SVG as markup safe.
#[component]
pub fn MemberQr(
    #[prop(into)] payload: Signal<String>,
    /// Accessible name, e.g. "Member code for the cashier to scan".
    #[prop(into)]
    label: Signal<String>,
) -> impl IntoView {
    let svg = Memo::new(move |_| qr_svg(&payload.get()).unwrap_or_default());
    view! {
        <div
            class="member-qr"
            role="img"
            aria-label=move || label.get()
            data-testid="member-qr"
            inner_html=move || svg.get()
        ></div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_an_inline_svg() {
        let svg = qr_svg("MW1:7K3D9QX2M4PA:492039").unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn refuses_what_no_qr_can_hold() {
        assert_eq!(qr_svg(&"9".repeat(8000)), None);
    }
}
