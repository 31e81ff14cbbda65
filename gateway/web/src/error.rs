//! What a page answers when it cannot show what was asked: sign in first, the session has
//! expired, 403 (saying which roles may, never a stack), 404, 503 (try again shortly) and 500
//! (with the request id to quote). Every such page is a GOV.UK page like the others.

use crate::nav::Layout;
use askama::Template;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use pep_auth::{Operation, Principal};
use pep_http::{ApiError, ProblemKind};
use uuid::Uuid;

/// Why a page is not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageError {
    /// No session: sign in, then come back to `return_to`.
    SignInNeeded {
        /// The page asked for.
        return_to: String,
    },
    /// The session expired.
    SessionExpired,
    /// A form came without its session's CSRF token.
    CsrfRejected,
    /// The person's role may not see this.
    Forbidden {
        /// What they tried, in words.
        what: String,
        /// The roles that may, in words.
        roles: Vec<String>,
    },
    /// Nothing here, or nothing this person may see (the two answer the same).
    NotFound,
    /// The request is malformed (a filter that is not one of the choices).
    BadRequest {
        /// What is wrong, in words a person can act on.
        message: String,
    },
    /// A step the rules refused (a PEP not ready to submit): nothing was changed.
    NotDone {
        /// Why, in words a person can act on.
        message: String,
    },
    /// The database is unreachable for now.
    Unavailable {
        /// The request, to quote.
        request_id: Uuid,
    },
    /// Something failed inside; `reason` is logged, never shown.
    Internal {
        /// What to log.
        reason: String,
        /// The request, to quote.
        request_id: Uuid,
    },
}

impl PageError {
    /// A failure inside the service.
    pub fn internal(reason: impl Into<String>, request_id: Uuid) -> Self {
        Self::Internal {
            reason: reason.into(),
            request_id,
        }
    }

    /// A failure of the gateway's tables.
    pub fn from_records(error: pep_records::RecordError, request_id: Uuid) -> Self {
        match error {
            pep_records::RecordError::Unavailable(reason) => {
                tracing::warn!(%reason, "the database is unavailable");
                Self::Unavailable { request_id }
            }
            pep_records::RecordError::Failed(reason) => Self::internal(reason, request_id),
        }
    }

    /// The API's answer, as a page: the same refusal, in words for a person.
    pub fn from_api(error: ApiError, request_id: Uuid) -> Self {
        match error.kind {
            ProblemKind::NotFound | ProblemKind::NoSuchRoute => Self::NotFound,
            ProblemKind::Forbidden | ProblemKind::ForbiddenByRule => Self::Forbidden {
                what: error.detail,
                roles: Vec::new(),
            },
            ProblemKind::Unavailable => Self::Unavailable { request_id },
            ProblemKind::Validation | ProblemKind::MalformedHeader => Self::BadRequest {
                message: error.detail,
            },
            _ => Self::internal(error.to_string(), request_id),
        }
    }
}

/// Refuses a role the authorisation table never lets take `operation`, naming the roles that
/// may, before anything is loaded.
pub fn require(principal: &Principal, operation: Operation, what: &str) -> Result<(), PageError> {
    if pep_auth::policy::reach(principal, operation).is_ok() {
        return Ok(());
    }
    Err(PageError::Forbidden {
        what: what.to_owned(),
        roles: roles_allowed(operation),
    })
}

/// The roles the authorisation table lets take `operation`, in words.
pub fn roles_allowed(operation: Operation) -> Vec<String> {
    pep_auth::policy::rule(operation)
        .map(|rule| {
            rule.grants
                .iter()
                .map(|grant| crate::format::role_name(grant.role).to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// What an error page says, kept on its response so [`crate::framing`] can show it again
/// inside the signed-in person's own frame (their navigation and the sign-out button).
#[derive(Debug, Clone)]
pub struct ErrorView {
    status: StatusCode,
    heading: String,
    paragraphs: Vec<String>,
    roles: Vec<String>,
    request_id: Option<String>,
    sign_in_link: bool,
}

impl ErrorView {
    /// The page in `layout`.
    pub fn render(&self, layout: Layout) -> Response {
        let page = ErrorPage {
            layout,
            heading: self.heading.clone(),
            paragraphs: self.paragraphs.clone(),
            roles: self.roles.clone(),
            request_id: self.request_id.clone(),
            sign_in_link: self.sign_in_link,
        };
        let mut response = render_with_status(self.status, &page);
        response.extensions_mut().insert(self.clone());
        response
    }

    /// The page's heading, which is also its title.
    pub fn heading(&self) -> &str {
        &self.heading
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: String,
    paragraphs: Vec<String>,
    roles: Vec<String>,
    request_id: Option<String>,
    sign_in_link: bool,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, heading, paragraphs, roles, request_id, sign_in_link) = match self {
            PageError::SignInNeeded { return_to } => {
                let target = format!(
                    "/sign-in?return_to={}",
                    crate::format::url_encode(&safe_return_to(&return_to))
                );
                return Redirect::to(&target).into_response();
            }
            PageError::SessionExpired => return Redirect::to("/session-expired").into_response(),
            PageError::CsrfRejected => (
                StatusCode::FORBIDDEN,
                "This form has expired".to_owned(),
                vec![
                    "The form was not sent with this session's security code, so nothing was changed.".to_owned(),
                    "Go back, reload the page and try again.".to_owned(),
                ],
                Vec::new(),
                None,
                false,
            ),
            PageError::Forbidden { what, roles } => (
                StatusCode::FORBIDDEN,
                "You cannot see this page".to_owned(),
                vec![format!("Your role does not allow you to {what}.")],
                roles,
                None,
                false,
            ),
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found".to_owned(),
                vec![
                    "If you typed the web address, check it is correct.".to_owned(),
                    "If you followed a link to a child's record, the record may not exist or may not be one you can see.".to_owned(),
                ],
                Vec::new(),
                None,
                false,
            ),
            PageError::BadRequest { message } => (
                StatusCode::BAD_REQUEST,
                "There is a problem with the address".to_owned(),
                vec![message],
                Vec::new(),
                None,
                false,
            ),
            PageError::NotDone { message } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "This could not be done".to_owned(),
                vec![
                    message,
                    "Nothing was changed. Go back to the page you came from to see what is still needed."
                        .to_owned(),
                ],
                Vec::new(),
                None,
                false,
            ),
            PageError::Unavailable { request_id } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Sorry, the service is unavailable".to_owned(),
                vec![
                    "The service cannot reach its database at the moment. Nothing you sent was changed.".to_owned(),
                    "Try again in a few minutes.".to_owned(),
                ],
                Vec::new(),
                Some(request_id.to_string()),
                false,
            ),
            PageError::Internal { reason, request_id } => {
                tracing::error!(%reason, %request_id, "a page failed inside the service");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, there is a problem with the service".to_owned(),
                    vec![
                        "The page could not be shown. If you were saving something, it may not have been saved.".to_owned(),
                        "If this keeps happening, contact the service desk and quote the reference below.".to_owned(),
                    ],
                    Vec::new(),
                    Some(request_id.to_string()),
                    false,
                )
            }
        };
        let view = ErrorView {
            status,
            heading,
            paragraphs,
            roles,
            request_id,
            sign_in_link,
        };
        view.render(Layout::anonymous(&view.heading))
    }
}

/// Renders a template as an HTML answer with `status`.
pub fn render_with_status(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "a page template failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "Sorry, there is a problem with the service.",
            )
                .into_response()
        }
    }
}

/// Renders a template as a 200 HTML answer.
pub fn render(template: &impl Template) -> Response {
    render_with_status(StatusCode::OK, template)
}

/// A return address that stays on this service: a path, never another host.
pub fn safe_return_to(candidate: &str) -> String {
    let is_local_path = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.starts_with("/\\")
        && !candidate.contains(['\r', '\n']);
    if is_local_path && !candidate.starts_with("/sign-") {
        candidate.to_owned()
    } else {
        "/".to_owned()
    }
}

/// The answer for a path no page has.
pub async fn not_found_page() -> Response {
    PageError::NotFound.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_return_address_never_leaves_the_service() {
        assert_eq!(safe_return_to("/children/abc?x=1"), "/children/abc?x=1");
        assert_eq!(safe_return_to("//evil.example/path"), "/");
        assert_eq!(safe_return_to("https://evil.example"), "/");
        assert_eq!(safe_return_to("/\\evil.example"), "/");
        assert_eq!(safe_return_to("/sign-out"), "/");
    }
}
