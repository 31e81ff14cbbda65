//! The pages. Each loads through the API's authorisation and queries, builds a view of plain
//! strings and numbers, and renders its template.

pub mod audit;
pub mod child;
pub mod children;
pub mod dashboard;
pub mod data_quality;
pub mod funding;
pub mod inbox;
pub mod pep;
pub mod quality;

use crate::WebState;
use crate::session::SignedIn;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

/// `GET /`: the person's home page when signed in, the sign-in page otherwise.
pub async fn home(
    State(_state): State<WebState>,
    signed_in: Result<SignedIn, crate::error::PageError>,
) -> Response {
    match signed_in {
        Ok(signed_in) => Redirect::to(crate::nav::home_for(&signed_in.principal)).into_response(),
        Err(_) => Redirect::to("/sign-in").into_response(),
    }
}
