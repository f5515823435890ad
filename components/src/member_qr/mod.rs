//! The member QR: the payload drawn as an inline SVG, computed on the device.

use leptos::prelude::*;

/// SVG markup of a QR code for `payload` (wallet-core draws it, so the counter's QR before the
/// app has loaded is the same SVG).
pub use wallet_core::card_face::qr_svg;

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
