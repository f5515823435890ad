//! The prize wheel: one equal segment per prize, in the table's order, clockwise from the pointer
//! at the top. A spin turns it by `wallet_core::games::wheel::stop_angle` of the drawn slot, so it
//! stops exactly on what the issuer drew; the animation is only the show. With reduced motion
//! the wheel is simply set to where it stops.

use super::{reduced_motion, Page, Ticket};
use leptos::prelude::*;
use wallet_core::games::wheel::stop_angle;

/// Segment colours, light enough for dark labels (contrast above 7:1 with `--ink`).
const FILLS: [&str; 6] = [
    "#fde2c8", "#d8ecf8", "#fff1b8", "#e3f3dc", "#f6dbe6", "#e7e1f7",
];
/// Labels longer than this are shortened: a segment has room for about this many characters.
const LABEL_CHARS: usize = 10;
const SPIN_MS: u32 = 4600;

#[component]
pub fn PrizeWheel(
    page: Page,
    ticket: Ticket,
    revealed: RwSignal<bool>,
    on_reveal: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let words = page.words;
    let count = ticket.data.table.slots.len();
    let drawn = ticket
        .data
        .drawn
        .as_deref()
        .and_then(|d| ticket.data.table.index_of(d))
        .unwrap_or(0);
    let stop = stop_angle(drawn, count, ticket.data.nonce.unwrap_or(0));
    let motion = !reduced_motion();
    // Already played: the wheel rests where it stopped.
    let angle = RwSignal::new(if revealed.get_untracked() { stop } else { 0.0 });
    let spinning = RwSignal::new(false);
    let spin = move |_| {
        if spinning.get_untracked() || revealed.get_untracked() {
            return;
        }
        if motion {
            spinning.set(true);
            angle.set(stop);
        } else {
            angle.set(stop);
            on_reveal();
        }
    };
    let stopped = move |_: web_sys::TransitionEvent| {
        if spinning.get_untracked() {
            spinning.set(false);
            on_reveal();
        }
    };
    let segment = 360.0 / count as f64;
    let segments = ticket
        .data
        .prizes
        .iter()
        .enumerate()
        .map(|(index, prize)| {
            let (from, to) = (index as f64 * segment, (index + 1) as f64 * segment);
            let label = short(prize.label.get(page.chinese));
            let middle = from + segment / 2.0;
            // Read from the rim inwards on the left half, so no label is upside down.
            let (turn, along) = if middle > 180.0 { (middle + 90.0, -58) } else { (middle - 90.0, 58) };
            view! {
                <g data-segment=index.to_string()>
                    <path d=sector(from, to) fill=FILLS[index % FILLS.len()] stroke="#1c1b1a" stroke-width="0.6"></path>
                    <text transform=format!("rotate({turn:.3}) translate({along} 0)")
                        text-anchor="middle" dominant-baseline="central" font-size="9" fill="#1c1b1a">
                        {label}
                    </text>
                </g>
            }
        })
        .collect_view();
    let style = move || {
        let transition = if spinning.get() {
            format!("transform {SPIN_MS}ms cubic-bezier(0.15, 0.7, 0.12, 1)")
        } else {
            "none".to_owned()
        };
        format!(
            "transform: rotate({:.3}deg); transition: {transition}",
            angle.get()
        )
    };
    view! {
        <div class="wheel-frame">
            <div class="wheel-pointer" aria-hidden="true"></div>
            <div
                class="wheel"
                data-testid="wheel"
                data-segments=count.to_string()
                role="img"
                aria-label=words.game_wheel
                style=style
                on:transitionend=stopped
            >
                <svg viewBox="-100 -100 200 200" aria-hidden="true">
                    {segments}
                    <circle r="12" fill="#1f2a44"></circle>
                </svg>
            </div>
        </div>
        <Show when=move || !revealed.get()>
            <button type="button" class="button primary wide" data-testid="wheel-spin"
                disabled=move || spinning.get() on:click=spin>
                {words.wheel_spin}
            </button>
        </Show>
    }
}

/// The SVG path of the sector from `from` to `to` degrees clockwise from the top, radius 96.
fn sector(from: f64, to: f64) -> String {
    let point = |degrees: f64| {
        let radians = degrees.to_radians();
        (96.0 * radians.sin(), -96.0 * radians.cos())
    };
    // A whole circle (a table of one slot) as an arc a hair short of it: SVG draws no arc whose
    // ends meet.
    let to = to.min(from + 359.99);
    let ((x0, y0), (x1, y1)) = (point(from), point(to));
    let large = u8::from(to - from > 180.0);
    format!("M0 0 L{x0:.3} {y0:.3} A96 96 0 {large} 1 {x1:.3} {y1:.3} Z")
}

fn short(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_owned()
    } else {
        label.chars().take(LABEL_CHARS - 1).chain(['…']).collect()
    }
}
