//! Reading a request: who is calling ([`Caller`]: bearer token, rate limit, request ids,
//! `Idempotency-Key`, `If-Match`), and its body, within the size limit and with every fault
//! reported precisely: malformed JSON with its line and column, an unknown field or a wrong value
//! with its path (`episode.end_date`), an oversized body as 413, the wrong media type as 415.

use super::middleware::RequestIds;
use super::problem::{ApiError, FieldError, ProblemKind};
use super::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use commands::handlers::CommandContext;
use futures::StreamExt;
use pep_auth::{AuthError, Principal};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

pub use super::json::parse_json;

/// The idempotency key header.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// The longest idempotency key accepted.
pub const MAX_IDEMPOTENCY_KEY_LENGTH: usize = 255;

/// An authenticated caller and the request's command headers.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who is calling.
    pub principal: Principal,
    /// This request's ids.
    pub ids: RequestIds,
    /// The `Idempotency-Key`, if sent.
    pub idempotency_key: Option<String>,
    /// The stream version from `If-Match`, if sent (`*` counts as not sent).
    pub if_match: Option<u64>,
    /// The method, for the idempotency fingerprint.
    pub method: Method,
    /// Path and query, for the idempotency fingerprint.
    pub target: String,
    /// The `Content-Type`, if sent.
    pub content_type: Option<String>,
    /// The `Content-Length`, if sent, to refuse an oversized body before reading it.
    pub content_length: Option<u64>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ids = parts
            .extensions
            .get::<RequestIds>()
            .cloned()
            .unwrap_or_else(|| RequestIds::from_headers(&parts.headers, || state.ids().new_id()));
        let authorization_header = parts
            .headers
            .get(header::AUTHORIZATION)
            .map(|value| value.to_str().map_err(|_| AuthError::NotBearer))
            .transpose()
            .map_err(unauthenticated)?;
        let authorization = state
            .verifier()
            .verify_header_refreshing(authorization_header)
            .await
            .map_err(unauthenticated)?;
        if let Err(retry_after) = state.rate_limiter().check(&authorization.subject) {
            return Err(ApiError::new(
                ProblemKind::RateLimited,
                format!(
                    "too many requests from {}; retry after {retry_after} seconds",
                    authorization.subject
                ),
            )
            .with_retry_after(retry_after));
        }
        Ok(Caller {
            principal: authorization,
            ids,
            idempotency_key: idempotency_key(&parts.headers)?,
            if_match: if_match(&parts.headers)?,
            method: parts.method.clone(),
            target: parts
                .uri
                .path_and_query()
                .map(|target| target.as_str().to_owned())
                .unwrap_or_else(|| parts.uri.path().to_owned()),
            content_type: parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned),
            content_length: content_length(&parts.headers),
        })
    }
}

fn unauthenticated(error: AuthError) -> ApiError {
    ApiError::new(ProblemKind::Unauthenticated, error.to_string())
}

fn header_problem(name: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(
        ProblemKind::MalformedHeader,
        format!("the {name} header is malformed"),
    )
    .with_errors(vec![FieldError {
        path: format!("header.{name}"),
        message: message.into(),
    }])
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY_HEADER) else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| header_problem("Idempotency-Key", "must be visible ASCII characters"))?
        .trim();
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LENGTH {
        return Err(header_problem(
            "Idempotency-Key",
            format!("must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters"),
        ));
    }
    if !key.bytes().all(|byte| byte.is_ascii_graphic()) {
        return Err(header_problem(
            "Idempotency-Key",
            "must be visible ASCII characters",
        ));
    }
    Ok(Some(key.to_owned()))
}

/// `If-Match: "3"` (or `3`) is version 3; `*` asks for nothing.
fn if_match(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| header_problem("If-Match", "must be a version such as \"3\""))?
        .trim();
    if text == "*" {
        return Ok(None);
    }
    if text.starts_with("W/") {
        return Err(header_problem(
            "If-Match",
            "weak validators cannot be used with If-Match; send the ETag as received, such as \"3\"",
        ));
    }
    let unquoted = text
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(text);
    unquoted.parse::<u64>().map(Some).map_err(|_| {
        header_problem(
            "If-Match",
            format!(
                "{text:?} is not a stream version; send the ETag of your last read, such as \"3\""
            ),
        )
    })
}

impl Caller {
    /// The command context: the caller as actor, the request's ids, the idempotency key
    /// (scoped to the caller, so two people's keys never collide) and the `If-Match` version.
    pub fn context(&self, fingerprint: &str) -> CommandContext {
        let mut context = CommandContext::new(self.principal.actor(), self.ids.request_id, "http");
        context.correlation_id = self.ids.correlation_id;
        if let Some(key) = self.scoped_idempotency_key() {
            context = context.with_idempotency(key, fingerprint);
        }
        if let Some(version) = self.if_match {
            context = context.expecting_version(version);
        }
        context
    }

    /// The idempotency key as stored: `http:<subject>:<key>`.
    pub fn scoped_idempotency_key(&self) -> Option<String> {
        self.idempotency_key
            .as_ref()
            .map(|key| format!("http:{}:{key}", self.principal.subject))
    }

    /// SHA-256 of method, path and body: what makes two requests "the same" for idempotency.
    pub fn fingerprint(&self, body: &[u8]) -> String {
        let mut digest = Sha256::new();
        digest.update(self.method.as_str().as_bytes());
        digest.update(b"\n");
        digest.update(self.target.as_bytes());
        digest.update(b"\n");
        digest.update(body);
        hex::encode(digest.finalize())
    }

    /// The media type without parameters, lower case.
    pub fn media_type(&self) -> Option<String> {
        self.content_type.as_deref().map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
    }
}

/// Reads a body of at most `limit` bytes; a larger one is refused as soon as it is known to be.
pub async fn read_limited(
    body: Body,
    headers_length: Option<u64>,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            ProblemKind::PayloadTooLarge,
            format!("the body is larger than the {limit} bytes this operation accepts"),
        )
    };
    if headers_length.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let mut stream = body.into_data_stream();
    let mut collected = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|error| {
            ApiError::new(
                ProblemKind::MalformedJson,
                format!("the body could not be read: {error}"),
            )
        })?;
        if collected.len() + chunk.len() > limit {
            return Err(too_large());
        }
        collected.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(collected))
}

/// A parsed JSON body and its idempotency fingerprint.
#[derive(Debug)]
pub struct JsonBody<T> {
    /// The body.
    pub value: T,
    /// SHA-256 of method, path and body.
    pub fingerprint: String,
}

/// Reads and parses a JSON command body. An empty body reads as `{}`, so commands whose fields
/// are all optional (submit, complete) can be sent without one.
pub async fn read_json<T: DeserializeOwned>(
    state: &AppState,
    caller: &Caller,
    body: Body,
) -> Result<JsonBody<T>, ApiError> {
    let bytes = read_limited(body, caller.content_length, state.limits().json_body_bytes).await?;
    let fingerprint = caller.fingerprint(&bytes);
    if bytes.is_empty() {
        return Ok(JsonBody {
            value: parse_json(b"{}")?,
            fingerprint,
        });
    }
    let media_type = caller.media_type();
    let is_json = media_type.as_deref().is_some_and(|media_type| {
        media_type == "application/json" || media_type.ends_with("+json")
    });
    if !is_json {
        return Err(ApiError::new(
            ProblemKind::UnsupportedMediaType,
            match media_type {
                Some(media_type) => format!("the body is {media_type}; send application/json"),
                None => "the request has no Content-Type; send application/json".to_owned(),
            },
        ));
    }
    Ok(JsonBody {
        value: parse_json(&bytes)?,
        fingerprint,
    })
}

/// The `Content-Length` header, when it is a number.
pub fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_reads_quoted_and_bare_versions() {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_MATCH, "\"3\"".parse().unwrap());
        assert_eq!(if_match(&headers).unwrap(), Some(3));
        headers.insert(header::IF_MATCH, "4".parse().unwrap());
        assert_eq!(if_match(&headers).unwrap(), Some(4));
        headers.insert(header::IF_MATCH, "*".parse().unwrap());
        assert_eq!(if_match(&headers).unwrap(), None);
        headers.insert(header::IF_MATCH, "W/\"3\"".parse().unwrap());
        assert_eq!(
            if_match(&headers).unwrap_err().kind,
            ProblemKind::MalformedHeader
        );
        headers.insert(header::IF_MATCH, "\"three\"".parse().unwrap());
        assert_eq!(
            if_match(&headers).unwrap_err().errors()[0].path,
            "header.If-Match"
        );
    }
}
