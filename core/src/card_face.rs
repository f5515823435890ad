//! What a member card shows, computed in one place for its two renderers: the app's card page
//! (app/src/pages/member_card.rs with the components) and the counter (counter/), which draws the
//! card before the app has loaded. The app takes over from the counter without a visible change
//! only if both produce the same text, the same bar and the same SVG, so neither formats these
//! itself.

/// The one-time code as a person reads it aloud: `492 039`.
pub fn grouped_code(code: &str) -> String {
    let (head, tail) = code.split_at(code.len() / 2);
    let mut out = String::with_capacity(code.len() + 1);
    out.push_str(head);
    out.push(' ');
    out.push_str(tail);
    out
}

/// The countdown bar's CSS transform for `seconds_left` of `period_secs`: `scaleX(0.500)`,
/// rounded to thousandths half up. Integer arithmetic: no float formatting in the counter's wasm.
pub fn countdown_transform(seconds_left: u64, period_secs: u64) -> String {
    let period = period_secs.max(1);
    let thousandths = (seconds_left.min(period) * 2000 + period) / (2 * period);
    let mut out = String::from("scaleX(");
    push_digits(&mut out, thousandths / 1000);
    out.push('.');
    let fraction = thousandths % 1000;
    for divisor in [100, 10, 1] {
        out.push(char::from(b'0' + (fraction / divisor % 10) as u8));
    }
    out.push(')');
    out
}

/// Appends a number in decimal: the countdown's seconds, without pulling `core::fmt` in.
pub fn push_digits(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (value % 10) as u8;
        len += 1;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend(digits[..len].iter().rev().map(|d| char::from(*d)));
}

/// SVG markup of the member QR for `payload`, or `None` if it cannot be encoded (too long).
///
/// Error correction M: the code is shown on a phone screen (glare, scratches) and the payload is
/// short, so the extra redundancy costs no readable size.
#[cfg(feature = "qr")]
pub fn qr_svg(payload: &str) -> Option<String> {
    use qrcode::render::svg;
    use qrcode::{EcLevel, QrCode};
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_the_code_in_halves() {
        assert_eq!(grouped_code("492039"), "492 039");
        assert_eq!(grouped_code("94287082"), "9428 7082");
        assert_eq!(grouped_code("1234567"), "123 4567");
    }

    #[test]
    fn the_bar_is_in_thousandths_rounded_half_up() {
        assert_eq!(countdown_transform(30, 30), "scaleX(1.000)");
        assert_eq!(countdown_transform(15, 30), "scaleX(0.500)");
        assert_eq!(countdown_transform(1, 30), "scaleX(0.033)");
        assert_eq!(countdown_transform(2, 30), "scaleX(0.067)");
        assert_eq!(countdown_transform(1, 16), "scaleX(0.063)");
        assert_eq!(countdown_transform(0, 30), "scaleX(0.000)");
        assert_eq!(
            countdown_transform(99, 30),
            "scaleX(1.000)",
            "never past full"
        );
        assert_eq!(
            countdown_transform(1, 0),
            "scaleX(1.000)",
            "a zero period is one second"
        );
    }

    #[test]
    fn digits() {
        let mut out = String::new();
        push_digits(&mut out, 0);
        out.push(' ');
        push_digits(&mut out, 120);
        out.push(' ');
        push_digits(&mut out, u64::MAX);
        assert_eq!(out, "0 120 18446744073709551615");
    }

    #[cfg(feature = "qr")]
    #[test]
    fn draws_an_inline_svg_or_refuses_what_no_qr_can_hold() {
        let svg = qr_svg("MW1:7K3D9QX2M4PA:492039").unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
        assert_eq!(qr_svg(&"9".repeat(8000)), None);
    }
}
