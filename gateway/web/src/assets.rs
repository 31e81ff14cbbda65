//! The static files, compiled into the binary (no other host is reachable from the networks
//! councils run services on): GOV.UK Frontend's CSS, JavaScript module, fonts and images
//! (`assets/govuk-frontend/`, pinned and checksummed; see `assets/README.md`), and the service's
//! own stylesheet and script (`assets/app/`).
//!
//! GOV.UK Frontend's compiled CSS names its fonts at `/assets/fonts/...`; they are not vendored
//! (the GDS Transport font is for GOV.UK services only) and the service's stylesheet maps the
//! family to Arial, so those paths are never requested. Should a later version ship fonts or
//! images the service may use, `/assets/fonts/` and `/assets/images/` look in its `assets/`.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "assets/"]
#[exclude = "*.sh"]
#[exclude = "*.md"]
#[exclude = "*/SHA256SUMS"]
#[exclude = "*/VERSION"]
struct Assets;

/// Where a request path's file is kept among the embedded files.
fn candidates(path: &str) -> Vec<String> {
    let mut candidates = vec![path.to_owned()];
    if path.starts_with("fonts/") || path.starts_with("images/") || path == "manifest.json" {
        candidates.push(format!("govuk-frontend/assets/{path}"));
        candidates.push(format!("govuk-frontend/{path}"));
    }
    candidates
}

/// The bytes of an embedded file, for tests and the binary's checks.
pub fn get(path: &str) -> Option<Vec<u8>> {
    candidates(path)
        .into_iter()
        .find_map(|candidate| Assets::get(&candidate))
        .map(|file| file.data.into_owned())
}

/// Serves `/assets/{path}`. Files are cached for a day: the version is in the binary, so a new
/// release brings new files, and a day bounds how long an old one is kept.
pub async fn serve(Path(path): Path<String>) -> Response {
    if path
        .split('/')
        .any(|segment| segment == ".." || segment.is_empty())
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    let found: Option<(String, rust_embed::EmbeddedFile)> = candidates(&path)
        .into_iter()
        .find_map(|candidate| Assets::get(&candidate).map(|file| (candidate, file)));
    let Some((name, file)) = found else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let media_type = mime_type(&name);
    let mut response = file.data.into_owned().into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(media_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    if let Ok(value) =
        HeaderValue::from_str(&format!("\"{}\"", hex::encode(file.metadata.sha256_hash())))
    {
        headers.insert(header::ETAG, value);
    }
    response
}

fn mime_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_files_are_embedded_and_paths_cannot_climb_out() {
        assert!(get("app/app.css").is_some());
        assert!(get("app/app.js").is_some());
        assert!(get("govuk-frontend/govuk-frontend.min.css").is_some());
        assert!(get("govuk-frontend/govuk-frontend.min.js").is_some());
        assert!(
            get("govuk-frontend/SHA256SUMS").is_none(),
            "only what pages load is embedded"
        );
        assert_eq!(
            candidates("fonts/x.woff2")[1],
            "govuk-frontend/assets/fonts/x.woff2"
        );
        assert_eq!(mime_type("a/b.woff2"), "font/woff2");
    }
}
