//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` attributes as they
//! are routed ([`utoipa_axum`] registers route and documentation in one call), then given the
//! conventions every command shares so no handler has to repeat them: bearer security, the
//! `Idempotency-Key` and `If-Match` headers, the `ETag` of the answer, and the problem documents
//! of every error status.

use super::problem::{FieldError, Problem, ProblemKind};
use super::routes::{
    attachments, audit, children, funding, health, inbound, pep_workflow, peps, sharing,
};
use super::state::AppState;
use utoipa::OpenApi;
use utoipa::openapi::path::{Operation, Parameter, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, Header, Ref, Required, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes open without a token.
pub const PUBLIC_PATHS: [&str; 5] = [
    "/healthz",
    "/readyz",
    "/metrics",
    "/api/v1/openapi.json",
    "/api/v1/inbound/schemas/{feed}",
];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "PEP Ledger API",
        version = "1",
        description = "Commands on looked-after children's records and Personal Education Plans. \
            Every command takes an Idempotency-Key header (a retry with the same key and the same \
            request answers as the first attempt did) and an If-Match header with the stream \
            version last read (a stale one answers 409 with the current version). Errors are \
            application/problem+json documents (RFC 9457) whose type URI is stable. See \
            docs/http-api.md."
    ),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "children", description = "The child record: identity, care episodes, school, people, education facts"),
        (name = "peps", description = "Personal Education Plans: sections, meetings, views, targets, actions, workflow"),
        (name = "funding", description = "Pupil Premium Plus budgets, requests, allocations and impact"),
        (name = "audit", description = "Evidence for auditors"),
        (name = "inbound", description = "Social care feeds over HTTP, refused messages, data quality"),
        (name = "notices", description = "IRO notices: webhooks, deliveries and the in-app inbox"),
        (name = "operations", description = "Health, readiness, metrics and this document"),
    )
)]
struct ApiDoc;

/// Every route of the API, registered with its documentation.
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
        .routes(routes!(health::openapi_json))
        .routes(routes!(children::register_child))
        .routes(routes!(children::update_child_details))
        .routes(routes!(children::record_episode))
        .routes(routes!(children::change_education_setting))
        .routes(routes!(children::assign_person))
        .routes(routes!(children::record_sen_status))
        .routes(routes!(children::record_attendance))
        .routes(routes!(children::record_exclusion))
        .routes(routes!(children::record_attainment))
        .routes(routes!(children::initiate_pep))
        .routes(routes!(sharing::share_record))
        .routes(routes!(sharing::end_sharing))
        .routes(routes!(peps::draft_section))
        .routes(routes!(peps::complete_section))
        .routes(routes!(peps::schedule_meeting))
        .routes(routes!(peps::hold_meeting))
        .routes(routes!(peps::record_child_views))
        .routes(routes!(peps::set_target))
        .routes(routes!(peps::review_target))
        .routes(routes!(peps::agree_action))
        .routes(routes!(peps::complete_action))
        .routes(routes!(pep_workflow::submit_pep))
        .routes(routes!(pep_workflow::return_pep))
        .routes(routes!(pep_workflow::quality_assure_pep))
        .routes(routes!(pep_workflow::sign_off_pep))
        .routes(routes!(pep_workflow::withdraw_pep))
        .routes(routes!(attachments::upload_attachment))
        .routes(routes!(funding::set_budget))
        .routes(routes!(funding::request_funding))
        .routes(routes!(funding::allocate_funding))
        .routes(routes!(funding::record_funding_payment))
        .routes(routes!(funding::reject_funding))
        .routes(routes!(funding::record_funding_impact))
        .routes(routes!(audit::access_log))
        .routes(routes!(inbound::post_child))
        .routes(routes!(inbound::post_placement))
        .routes(routes!(inbound::schema))
        .routes(routes!(inbound::rejections))
        .routes(routes!(inbound::rejection))
        .routes(routes!(inbound::resubmit))
        .routes(routes!(inbound::data_quality))
        .merge(super::reads::routes())
        .merge(notice_routes())
}

/// The routes of IRO notice delivery (`crate::notify`).
fn notice_routes() -> OpenApiRouter<AppState> {
    use super::routes::{inbox, notices, webhooks};
    OpenApiRouter::new()
        .routes(routes!(webhooks::register_webhook, webhooks::list_webhooks))
        .routes(routes!(webhooks::deactivate_webhook))
        .routes(routes!(notices::notice_deliveries))
        .routes(routes!(notices::retry_delivery))
        .routes(routes!(inbox::inbox))
        .routes(routes!(inbox::mark_read))
}

fn problem_response(kind_list: &[ProblemKind]) -> Response {
    let description = kind_list
        .iter()
        .map(|kind| format!("`{}`: {}", kind.type_uri(), kind.title()))
        .collect::<Vec<_>>()
        .join("; ");
    let mut response = Response::new(description);
    response.content.insert(
        super::problem::PROBLEM_JSON.to_owned(),
        Content::new(Some(Ref::from_schema_name("Problem"))).into(),
    );
    response
}

fn string_header(description: &str) -> Header {
    let mut header = Header::new(ObjectBuilder::new().schema_type(Type::String));
    header.description = Some(description.to_owned());
    header
}

fn header_parameter(name: &str, description: &str) -> Parameter {
    let mut parameter = Parameter::new(name);
    parameter.parameter_in = ParameterIn::Header;
    parameter.required = Required::False;
    parameter.description = Some(description.to_owned());
    parameter.schema = Some(ObjectBuilder::new().schema_type(Type::String).into());
    parameter
}

/// The error statuses every authenticated operation can answer, and the problem kinds of each.
fn error_statuses(is_command: bool) -> Vec<(&'static str, Vec<ProblemKind>)> {
    use ProblemKind::*;
    let mut statuses = vec![
        ("401", vec![Unauthenticated]),
        ("403", vec![Forbidden, ForbiddenByRule]),
        ("429", vec![RateLimited]),
        ("500", vec![Internal]),
        ("503", vec![Unavailable]),
    ];
    if is_command {
        statuses.extend([
            ("400", vec![MalformedJson, MalformedHeader]),
            ("404", vec![NotFound]),
            ("409", vec![VersionConflict, StateConflict]),
            ("413", vec![PayloadTooLarge]),
            ("415", vec![UnsupportedMediaType]),
            (
                "422",
                vec![
                    Validation,
                    UnknownField,
                    RuleViolation,
                    IdempotencyKeyReused,
                ],
            ),
        ]);
    } else {
        statuses.push(("422", vec![Validation]));
    }
    statuses
}

fn apply_conventions(path: &str, method: &str, operation: &mut Operation) {
    if PUBLIC_PATHS.contains(&path) {
        return;
    }
    operation.security = Some(vec![SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
    let is_command = method == "post" || method == "put";
    for (status, kinds) in error_statuses(is_command) {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| problem_response(&kinds).into());
    }
    if !is_command {
        return;
    }
    let parameters = operation.parameters.get_or_insert_with(Vec::new);
    parameters.push(
        header_parameter(
            "Idempotency-Key",
            "Makes the command safe to retry: a request repeated with the same key and the same \
             method, path and body answers as the first did, without doing anything again. \
             A key reused for a different request answers 422.",
        )
        .into(),
    );
    if !path.ends_with("/attachments") {
        parameters.push(
            header_parameter(
                "If-Match",
                "The version (ETag) of the stream last read, such as \"3\"; when the stream has \
                 moved on the command is refused with 409 and the current version.",
            )
            .into(),
        );
    }
    for (status, response) in operation.responses.responses.iter_mut() {
        if status.starts_with('2')
            && let utoipa::openapi::RefOr::T(response) = response
            && !path.ends_with("/attachments")
        {
            response.headers.insert(
                "ETag".to_owned(),
                string_header("The stream's version after the command, for If-Match.").into(),
            );
        }
    }
}

/// Adds the shared conventions to a generated document.
pub fn with_conventions(mut openapi: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let components = openapi.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "A JWT with claims sub, role, la, exp and the role's scope (school_urn, \
                     child_ids, caseload, iro_id); RS256/ES256 in production, HS256 in development.",
                ))
                .build(),
        ),
    );
    for (path, item) in openapi.paths.paths.iter_mut() {
        for (method, operation) in [
            ("get", item.get.as_mut()),
            ("put", item.put.as_mut()),
            ("post", item.post.as_mut()),
            ("delete", item.delete.as_mut()),
            ("patch", item.patch.as_mut()),
        ] {
            if let Some(operation) = operation {
                apply_conventions(path, method, operation);
            }
        }
    }
    openapi
}

/// The document as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    with_conventions(api_routes().split_for_parts().1)
}

/// Every `(method, path)` the document describes, upper-case methods, for tests and tools.
pub fn documented_operations(openapi: &utoipa::openapi::OpenApi) -> Vec<(String, String)> {
    let mut operations = Vec::new();
    for (path, item) in &openapi.paths.paths {
        for (method, present) in [
            ("GET", item.get.is_some()),
            ("PUT", item.put.is_some()),
            ("POST", item.post.is_some()),
            ("DELETE", item.delete.is_some()),
            ("PATCH", item.patch.is_some()),
        ] {
            if present {
                operations.push((method.to_owned(), path.clone()));
            }
        }
    }
    operations
}

/// Where people browse the document: Swagger UI, whose assets are compiled into the binary
/// (`utoipa-swagger-ui`'s `vendored` feature), so the page works on networks that reach no
/// other host. Open without a token, like the document it shows; trying an operation from it
/// needs a bearer token pasted into its "Authorize" box.
pub const DOCS_UI_PATH: &str = "/api/docs";

/// The routes of the browsable document, reading the one at `/api/v1/openapi.json`.
pub fn docs_ui<S>() -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let config = utoipa_swagger_ui::Config::new(["/api/v1/openapi.json"])
        .try_it_out_enabled(false)
        .persist_authorization(false);
    utoipa_swagger_ui::SwaggerUi::new(DOCS_UI_PATH)
        .config(config)
        .into()
}
