//! The claims a bearer token carries (contracts.md §4), and the [`Principal`] they are parsed
//! into, so the rest of the gateway only ever sees a role it knows and scope values that are
//! valid (an LA code of three digits, a six-digit school URN, child ids that are UUIDs).

use domain::ids::ChildId;
use domain::values::{LaCode, SchoolUrn};
use domain::{Actor, Role};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use thiserror::Error;

/// A token's claims as they travel. Unknown claims (`iss`, `aud`, `jti`...) are ignored here;
/// the verifier checks the ones it is configured to check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The person or system; recorded as the actor of every event they cause.
    pub sub: String,
    /// One of the role names of [`Role`], except `system`.
    pub role: String,
    /// The 3-digit number of the local authority the token is for.
    pub la: String,
    /// A designated teacher's school (required for that role).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school_urn: Option<String>,
    /// The children a carer or a young person may act on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub child_ids: Vec<String>,
    /// A social worker's caseload: the children they work with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caseload: Vec<String>,
    /// An Independent Reviewing Officer's id, as assigned on child records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iro_id: Option<String>,
    /// Expiry, in seconds since the Unix epoch.
    pub exp: u64,
    /// Issue time, in seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
}

/// Why well-signed claims still do not describe a caller the service can serve.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ClaimsError {
    /// `sub` is empty, so no event could name its actor.
    #[error("the token's sub claim is empty")]
    EmptySubject,
    /// `role` is not one of the role names.
    #[error("the token's role {0:?} is not a role this service knows")]
    UnknownRole(String),
    /// `role` is `system`, which only the service itself acts as.
    #[error("the system role cannot be held by a token")]
    SystemRole,
    /// `la` is not a 3-digit LA number.
    #[error("the token's la claim is invalid: {0}")]
    InvalidLa(String),
    /// A designated teacher's token without a school.
    #[error("a designated_teacher token needs a school_urn claim")]
    MissingSchoolUrn,
    /// `school_urn` is not a 6-digit URN.
    #[error("the token's school_urn claim is invalid: {0}")]
    InvalidSchoolUrn(String),
    /// An entry of `child_ids` or `caseload` is not a child id.
    #[error("the token's {claim} claim holds {value:?}, which is not a child id")]
    InvalidChildId {
        /// `child_ids` or `caseload`.
        claim: &'static str,
        /// The entry.
        value: String,
    },
}

/// An authenticated caller, with the scope their role needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The token's subject: the actor id on every event this caller causes.
    pub subject: String,
    /// The role they act in.
    pub role: Role,
    /// Their local authority; they never see another's children.
    pub la: LaCode,
    /// A designated teacher's school.
    pub school_urn: Option<SchoolUrn>,
    /// The children a carer or young person may act on.
    pub child_ids: BTreeSet<ChildId>,
    /// A social worker's caseload.
    pub caseload: BTreeSet<ChildId>,
    /// An IRO's id as assigned on child records (the subject is used when absent).
    pub iro_id: Option<String>,
}

impl Principal {
    /// Parses verified claims.
    pub fn from_claims(claims: &Claims) -> Result<Self, ClaimsError> {
        if claims.sub.trim().is_empty() {
            return Err(ClaimsError::EmptySubject);
        }
        let role = Role::parse(&claims.role)
            .ok_or_else(|| ClaimsError::UnknownRole(claims.role.clone()))?;
        if role == Role::System {
            return Err(ClaimsError::SystemRole);
        }
        let la =
            LaCode::parse(&claims.la).map_err(|error| ClaimsError::InvalidLa(error.to_string()))?;
        let school_urn = claims
            .school_urn
            .as_deref()
            .map(SchoolUrn::parse)
            .transpose()
            .map_err(|error| ClaimsError::InvalidSchoolUrn(error.to_string()))?;
        if role == Role::DesignatedTeacher && school_urn.is_none() {
            return Err(ClaimsError::MissingSchoolUrn);
        }
        Ok(Self {
            subject: claims.sub.clone(),
            role,
            la,
            school_urn,
            child_ids: parse_child_ids("child_ids", &claims.child_ids)?,
            caseload: parse_child_ids("caseload", &claims.caseload)?,
            iro_id: claims.iro_id.clone().filter(|id| !id.trim().is_empty()),
        })
    }

    /// The actor recorded on events this caller causes: the token's subject and role.
    pub fn actor(&self) -> Actor {
        Actor::new(self.subject.clone(), self.role)
    }

    /// The id an IRO is known by on child records.
    pub fn reviewing_officer_id(&self) -> &str {
        self.iro_id.as_deref().unwrap_or(&self.subject)
    }
}

fn parse_child_ids(
    claim: &'static str,
    values: &[String],
) -> Result<BTreeSet<ChildId>, ClaimsError> {
    values
        .iter()
        .map(|value| {
            value
                .parse::<ChildId>()
                .map_err(|_| ClaimsError::InvalidChildId {
                    claim,
                    value: value.clone(),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(role: &str) -> Claims {
        Claims {
            sub: "person-1".to_owned(),
            role: role.to_owned(),
            la: "831".to_owned(),
            school_urn: None,
            child_ids: Vec::new(),
            caseload: Vec::new(),
            iro_id: None,
            exp: 4_000_000_000,
            iat: None,
        }
    }

    #[test]
    fn a_virtual_school_token_becomes_a_principal_acting_as_its_subject() {
        let principal = Principal::from_claims(&claims("virtual_school")).unwrap();
        assert_eq!(principal.role, Role::VirtualSchool);
        assert_eq!(principal.la.as_str(), "831");
        assert_eq!(
            principal.actor(),
            Actor::new("person-1", Role::VirtualSchool)
        );
    }

    #[test]
    fn unknown_and_system_roles_are_refused() {
        assert_eq!(
            Principal::from_claims(&claims("headteacher")),
            Err(ClaimsError::UnknownRole("headteacher".to_owned()))
        );
        assert_eq!(
            Principal::from_claims(&claims("system")),
            Err(ClaimsError::SystemRole)
        );
    }

    #[test]
    fn a_designated_teacher_needs_a_valid_school() {
        assert_eq!(
            Principal::from_claims(&claims("designated_teacher")),
            Err(ClaimsError::MissingSchoolUrn)
        );
        let mut with_bad_school = claims("designated_teacher");
        with_bad_school.school_urn = Some("12345".to_owned());
        assert!(matches!(
            Principal::from_claims(&with_bad_school),
            Err(ClaimsError::InvalidSchoolUrn(_))
        ));
        let mut with_school = claims("designated_teacher");
        with_school.school_urn = Some("123456".to_owned());
        let principal = Principal::from_claims(&with_school).unwrap();
        assert_eq!(principal.school_urn.unwrap().as_str(), "123456");
    }

    #[test]
    fn child_ids_and_caseloads_must_be_child_ids() {
        let mut carer = claims("carer");
        carer.child_ids = vec!["not-a-uuid".to_owned()];
        assert_eq!(
            Principal::from_claims(&carer),
            Err(ClaimsError::InvalidChildId {
                claim: "child_ids",
                value: "not-a-uuid".to_owned()
            })
        );
        carer.child_ids = vec!["0190f3c4-0000-7000-8000-000000000001".to_owned()];
        assert_eq!(Principal::from_claims(&carer).unwrap().child_ids.len(), 1);
    }

    #[test]
    fn an_invalid_la_and_an_empty_subject_are_refused() {
        let mut bad_la = claims("auditor");
        bad_la.la = "83".to_owned();
        assert!(matches!(
            Principal::from_claims(&bad_la),
            Err(ClaimsError::InvalidLa(_))
        ));
        let mut no_subject = claims("auditor");
        no_subject.sub = " ".to_owned();
        assert_eq!(
            Principal::from_claims(&no_subject),
            Err(ClaimsError::EmptySubject)
        );
    }

    #[test]
    fn an_iro_is_known_by_iro_id_or_else_by_subject() {
        let mut iro = claims("iro");
        assert_eq!(
            Principal::from_claims(&iro).unwrap().reviewing_officer_id(),
            "person-1"
        );
        iro.iro_id = Some("iro-7".to_owned());
        assert_eq!(
            Principal::from_claims(&iro).unwrap().reviewing_officer_id(),
            "iro-7"
        );
    }
}
