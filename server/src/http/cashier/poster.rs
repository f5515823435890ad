//! `GET /v1/cashier/poster`: the merchant's join poster as SVG (`loyalty::poster`), for its staff
//! to print: the shop's name, the join QR and the join code.

use super::Cashier;
use crate::http::error::ApiError;
use crate::loyalty::poster;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

pub async fn poster(State(state): State<AppState>, cashier: Cashier) -> Result<Response, ApiError> {
    let conn = cashier.checked_read(&state).await?;
    drop(conn);
    let svg = poster::of_merchant(&state.store.pool, &state.public_url, &cashier.merchant_id)
        .await?
        .ok_or_else(|| {
            ApiError::internal(format!("merchant {} has no row", cashier.merchant_id))
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"join-poster.svg\"",
            ),
        ],
        svg,
    )
        .into_response())
}
