//! The scratch card: the prize printed on a card under a silver cover drawn on a canvas, scratched
//! off with a finger or the mouse (pointer events). What has been scratched is counted on a coarse
//! grid as the strokes go (no pixel reads), and at about 60 % the rest falls away. A "Reveal"
//! button does the same for keyboard and screen-reader users.

use super::{reduced_motion, Page, Ticket};
use leptos::html::Canvas;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, PointerEvent};

/// Scratched share of the cover at which the card reveals itself.
const REVEAL_AT: f64 = 0.6;
/// The cover's grid, in cells, for counting what was scratched.
const COLUMNS: usize = 24;
const ROWS: usize = 12;
/// The finger's width, in CSS pixels.
const BRUSH: f64 = 34.0;

/// What has been scratched, cell by cell.
struct Coverage {
    cells: [bool; COLUMNS * ROWS],
    width: f64,
    height: f64,
}

impl Coverage {
    fn new(width: f64, height: f64) -> Self {
        Self {
            cells: [false; COLUMNS * ROWS],
            width,
            height,
        }
    }

    /// Marks the cells the brush covers on a stroke from `from` to `to` (CSS pixels).
    fn stroke(&mut self, from: (f64, f64), to: (f64, f64)) {
        let length = ((to.0 - from.0).powi(2) + (to.1 - from.1).powi(2)).sqrt();
        let steps = (length / (BRUSH / 4.0)).ceil().max(1.0) as usize;
        let (cell_w, cell_h) = (self.width / COLUMNS as f64, self.height / ROWS as f64);
        let radius = BRUSH / 2.0;
        for step in 0..=steps {
            let t = step as f64 / steps as f64;
            let (x, y) = (from.0 + (to.0 - from.0) * t, from.1 + (to.1 - from.1) * t);
            for row in 0..ROWS {
                for column in 0..COLUMNS {
                    let cx = (column as f64 + 0.5) * cell_w;
                    let cy = (row as f64 + 0.5) * cell_h;
                    if (cx - x).powi(2) + (cy - y).powi(2) <= radius * radius {
                        self.cells[row * COLUMNS + column] = true;
                    }
                }
            }
        }
    }

    fn share(&self) -> f64 {
        self.cells.iter().filter(|c| **c).count() as f64 / self.cells.len() as f64
    }
}

struct Scratching {
    context: CanvasRenderingContext2d,
    coverage: Coverage,
    last: Option<(f64, f64)>,
}

#[component]
pub fn ScratchCard(
    page: Page,
    ticket: Ticket,
    revealed: RwSignal<bool>,
    on_reveal: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let words = page.words;
    let prize = ticket
        .data
        .awarded_prize()
        .map(|p| p.label.get(page.chinese).to_owned())
        .unwrap_or_default();
    let canvas = NodeRef::<Canvas>::new();
    let scratching: Rc<RefCell<Option<Scratching>>> = Rc::default();
    let motion = !reduced_motion();

    // Paints the cover once the canvas is in the page and has its size.
    {
        let scratching = scratching.clone();
        canvas.on_load(move |canvas: HtmlCanvasElement| {
            if let Some(context) = paint_cover(&canvas, words.scratch_hint) {
                let rect = canvas.get_bounding_client_rect();
                *scratching.borrow_mut() = Some(Scratching {
                    context,
                    coverage: Coverage::new(rect.width(), rect.height()),
                    last: None,
                });
            }
        });
    }
    let point = move |event: &PointerEvent| -> Option<(f64, f64)> {
        let rect = canvas.get_untracked()?.get_bounding_client_rect();
        Some((
            event.client_x() - rect.left(),
            event.client_y() - rect.top(),
        ))
    };
    let scratch_to = {
        let scratching = scratching.clone();
        move |event: PointerEvent, starting: bool| {
            if revealed.get_untracked() {
                return;
            }
            let Some(at) = point(&event) else { return };
            let mut borrowed = scratching.borrow_mut();
            let Some(state) = borrowed.as_mut() else {
                return;
            };
            if !starting && state.last.is_none() {
                return;
            }
            let from = state.last.unwrap_or(at);
            let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
            state.context.begin_path();
            state.context.move_to(from.0 * ratio, from.1 * ratio);
            state.context.line_to(at.0 * ratio + 0.01, at.1 * ratio);
            state.context.stroke();
            state.coverage.stroke(from, at);
            state.last = Some(at);
            let done = state.coverage.share() >= REVEAL_AT;
            drop(borrowed);
            if done {
                on_reveal();
            }
        }
    };
    let down = {
        let scratch_to = scratch_to.clone();
        move |event: PointerEvent| {
            if let Some(canvas) = canvas.get_untracked() {
                let _ = canvas.set_pointer_capture(event.pointer_id());
            }
            event.prevent_default();
            scratch_to(event, true);
        }
    };
    let moved = move |event: PointerEvent| scratch_to(event, false);
    let lift = {
        let scratching = scratching.clone();
        move |_: PointerEvent| {
            if let Some(state) = scratching.borrow_mut().as_mut() {
                state.last = None;
            }
        }
    };
    let lift_too = lift.clone();

    view! {
        <div class="scratch-card" data-testid="scratch-card">
            <p class="scratch-prize" data-testid="scratch-prize" aria-hidden=move || (!revealed.get()).to_string()>
                {prize}
            </p>
            <canvas
                node_ref=canvas
                class="scratch-cover"
                class:gone=move || revealed.get()
                class:fade=motion
                role="img"
                aria-label=words.scratch_area
                data-testid="scratch-canvas"
                on:pointerdown=down
                on:pointermove=moved
                on:pointerup=lift
                on:pointercancel=lift_too
            ></canvas>
        </div>
        <Show when=move || !revealed.get()>
            <button type="button" class="button wide" data-testid="scratch-reveal" on:click=move |_| on_reveal()>
                {words.scratch_reveal}
            </button>
        </Show>
    }
}

/// Sizes the canvas to its box at the screen's pixel ratio and paints the silver cover with the
/// hint; sets the brush that erases it.
fn paint_cover(canvas: &HtmlCanvasElement, hint: &str) -> Option<CanvasRenderingContext2d> {
    let ratio = web_sys::window()?.device_pixel_ratio();
    let rect = canvas.get_bounding_client_rect();
    canvas.set_width((rect.width() * ratio).round() as u32);
    canvas.set_height((rect.height() * ratio).round() as u32);
    let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    let (w, h) = (f64::from(canvas.width()), f64::from(canvas.height()));
    let gradient = context.create_linear_gradient(0.0, 0.0, w, h);
    for (stop, colour) in [
        (0.0, "#8e949c"),
        (0.45, "#d5d9de"),
        (0.55, "#c3c8ce"),
        (1.0, "#878d95"),
    ] {
        let _ = gradient.add_color_stop(stop, colour);
    }
    context.set_fill_style_canvas_gradient(&gradient);
    context.fill_rect(0.0, 0.0, w, h);
    context.set_fill_style_str("#23262b");
    context.set_font(&format!(
        "600 {}px system-ui, sans-serif",
        (18.0 * ratio).round()
    ));
    context.set_text_align("center");
    context.set_text_baseline("middle");
    let _ = context.fill_text(hint, w / 2.0, h / 2.0);
    // From here on, drawing erases.
    let _ = context.set_global_composite_operation("destination-out");
    context.set_line_width(BRUSH * ratio);
    context.set_line_cap("round");
    context.set_line_join("round");
    Some(context)
}
