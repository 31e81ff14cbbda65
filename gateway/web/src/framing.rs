//! Error pages in the signed-in person's own frame. A page's handler answers an error
//! ([`crate::error::PageError`]) without knowing who asked, so the error page it renders has the
//! frame of a page for no one. This layer, after the handler, looks the session up again for an
//! error page only, and when the person is signed in shows the same page with their navigation,
//! their name and the sign-out button: someone refused a page can still go where they may, or
//! sign out. Every other answer passes untouched, so an ordinary page costs nothing more.

use crate::WebState;
use crate::error::ErrorView;
use crate::nav::Layout;
use crate::session::SignedIn;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use pep_http::middleware::RequestIds;

/// The layer's function: see the module's documentation.
pub async fn frame_error_pages(
    State(state): State<WebState>,
    request: Request,
    next: Next,
) -> Response {
    let cookies = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .cloned()
        .collect::<Vec<_>>();
    let ids = request.extensions().get::<RequestIds>().cloned();
    let uri = request.uri().clone();
    let response = next.run(request).await;
    let Some(view) = response.extensions().get::<ErrorView>().cloned() else {
        return response;
    };
    if cookies.is_empty() {
        return response;
    }
    let mut lookup = Request::builder().uri(uri);
    for cookie in cookies {
        lookup = lookup.header(header::COOKIE, cookie);
    }
    let Ok(lookup) = lookup.body(()) else {
        return response;
    };
    let (mut parts, ()) = lookup.into_parts();
    if let Some(ids) = ids {
        parts.extensions.insert(ids);
    }
    match SignedIn::from_request_parts(&mut parts, &state).await {
        Ok(signed_in) => view.render(Layout::signed_in(&signed_in, view.heading(), "")),
        Err(_) => response,
    }
}
