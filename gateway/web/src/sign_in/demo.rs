//! Demonstration sign-in: pick a person of any role from the demo cohort, without an identity
//! provider. It exists only when `pep serve --demo` (or a development flag) passes people in
//! [`crate::WebConfig::demo_people`]; otherwise the page does not offer it and the route answers
//! 404. Every page then carries a banner saying the person and children are made up.

use super::SignInQuery;
use crate::WebState;
use crate::error::{PageError, safe_return_to};
use crate::session::{self, SessionClaims};
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::Role;
use pep_auth::Claims;
use pep_http::middleware::RequestIds;
use projections::compliance::{CohortFilter, Page};
use serde::Deserialize;

/// Which children a demonstration person reaches, found in the cohort when they sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoReach {
    /// Nothing to find: the role's reach needs no list (the Virtual School, a designated
    /// teacher by school, an IRO by assignment).
    AsTheRoleSays,
    /// A social worker's caseload: the children whose social worker they are.
    Caseload,
    /// A carer's or young person's one child: the first child of the LA in the cohort at
    /// `school_urn` on the caseload of `social_worker_id` (so the demonstration's teacher,
    /// social worker, carer and young person can work on the same PEP), or the first child of
    /// the LA when none is both.
    OneChild {
        /// The school to prefer.
        school_urn: Option<String>,
        /// The social worker to prefer.
        social_worker_id: Option<String>,
    },
}

/// A person the demonstration sign-in offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPerson {
    /// A key for the form.
    pub key: String,
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// A line about them ("Designated teacher at Oakfield Primary").
    pub description: String,
    /// Their subject: the actor id on whatever they do.
    pub subject: String,
    /// Their LA.
    pub la: String,
    /// A designated teacher's school.
    pub school_urn: Option<String>,
    /// An IRO's id.
    pub iro_id: Option<String>,
    /// Which children to find for them.
    pub reach: DemoReach,
}

/// The demonstration sign-in form.
#[derive(Debug, Clone, Deserialize)]
pub struct DemoForm {
    /// The chosen person's key.
    #[serde(default)]
    pub person: String,
    /// The sign-in page's CSRF token.
    #[serde(default)]
    pub csrf_token: String,
    /// Where to go afterwards.
    #[serde(default)]
    pub return_to: String,
}

/// `POST /sign-in/demo`: signs in as the chosen person.
pub async fn sign_in(
    State(state): State<WebState>,
    ids: Option<axum::Extension<RequestIds>>,
    jar: CookieJar,
    Form(form): Form<DemoForm>,
) -> Result<Response, PageError> {
    let request_id = ids.map_or_else(uuid::Uuid::nil, |ids| ids.request_id);
    if state.config().demo_people.is_empty() {
        return Err(PageError::NotFound);
    }
    super::check_sign_in_csrf(&jar, &form.csrf_token)?;
    let Some(person) = state
        .config()
        .demo_people
        .iter()
        .find(|person| person.key == form.person)
        .cloned()
    else {
        let query = SignInQuery {
            return_to: Some(form.return_to.clone()),
            error: Some("Select who to sign in as".to_owned()),
        };
        return Ok(super::render_page(&state, jar, query));
    };
    let claims = claims_for(&state, &person, request_id).await?;
    let principal = pep_auth::Principal::from_claims(&claims)
        .map_err(|error| PageError::internal(error.to_string(), request_id))?;
    let cookie = session::start(
        &state,
        SessionClaims {
            claims,
            name: Some(person.name.clone()),
        },
        "demo",
        request_id,
    )
    .await?;
    tracing::info!(subject = %person.subject, role = %person.role, "signed in as a demonstration person");
    let target = match safe_return_to(&form.return_to).as_str() {
        "/" => crate::nav::home_for(&principal).to_owned(),
        other => other.to_owned(),
    };
    Ok((jar.add(cookie), Redirect::to(&target)).into_response())
}

/// The claims a demonstration person signs in with, their children found in the cohort.
async fn claims_for(
    state: &WebState,
    person: &DemoPerson,
    request_id: uuid::Uuid,
) -> Result<Claims, PageError> {
    let now = state.api().clock().now();
    let today = pep_http::command::london_date(now);
    let mut claims = Claims {
        sub: person.subject.clone(),
        role: person.role.as_str().to_owned(),
        la: person.la.clone(),
        school_urn: person.school_urn.clone(),
        child_ids: Vec::new(),
        caseload: Vec::new(),
        iro_id: person.iro_id.clone(),
        exp: u64::try_from(now.timestamp()).unwrap_or_default()
            + state.config().absolute_timeout.as_secs(),
        iat: u64::try_from(now.timestamp()).ok(),
    };
    let filter = |social_worker_id: Option<String>| CohortFilter {
        la: Some(person.la.clone()),
        social_worker_id,
        ..CohortFilter::default()
    };
    let side = state.read();
    match &person.reach {
        DemoReach::AsTheRoleSays => {}
        DemoReach::Caseload => {
            let page = side
                .compliance()
                .cohort(
                    side.database(),
                    &filter(Some(person.subject.clone())),
                    today,
                    Page::first(Page::MAX_LIMIT),
                )
                .await
                .map_err(|error| PageError::internal(error.to_string(), request_id))?;
            claims.caseload = page
                .children
                .iter()
                .map(|child| child.child_id.to_string())
                .collect();
        }
        DemoReach::OneChild {
            school_urn,
            social_worker_id,
        } => {
            let preferred = CohortFilter {
                school_urn: school_urn.clone(),
                ..filter(social_worker_id.clone())
            };
            let mut page = side
                .compliance()
                .cohort(side.database(), &preferred, today, Page::first(1))
                .await
                .map_err(|error| PageError::internal(error.to_string(), request_id))?;
            if page.children.is_empty() {
                page = side
                    .compliance()
                    .cohort(side.database(), &filter(None), today, Page::first(1))
                    .await
                    .map_err(|error| PageError::internal(error.to_string(), request_id))?;
            }
            claims.child_ids = page
                .children
                .iter()
                .map(|child| child.child_id.to_string())
                .collect();
        }
    }
    Ok(claims)
}
