//! From a verified ID token to the session's claims: the subject, the PEP Ledger claims under
//! the names the settings give, and a name to greet the person by, checked by
//! [`Principal::from_claims`] as a bearer token's claims are. What that check refuses is said
//! here in words for the person signing in, naming the claims as the identity provider sends
//! them. Kept apart from the protocol, which only hands over the verified claims.

use super::error::OidcError;
use super::settings::OidcSettings;
use super::tokens::ProviderIdTokenClaims;
use crate::session::SessionClaims;
use domain::Role;
use pep_auth::{Claims, ClaimsError, Principal};
use serde_json::Value;
use std::collections::HashMap;

/// The session's claims from a verified ID token: the subject, the PEP Ledger claims under
/// the names the settings give, the token's expiry and issue time (as a bearer token from the
/// same provider would carry them; the session itself lasts as its own timeouts say), and a
/// name to greet the person by. Checked as a bearer token's claims are, so a person the API would refuse is
/// refused here, in words.
pub(super) fn map_claims(
    settings: &OidcSettings,
    token: &ProviderIdTokenClaims,
) -> Result<SessionClaims, OidcError> {
    let name = token
        .name()
        .and_then(|name| name.get(None))
        .map(|name| name.as_str().trim().to_owned())
        .filter(|name| !name.is_empty())
        .or_else(|| {
            let given = token.given_name().and_then(|name| name.get(None));
            let family = token.family_name().and_then(|name| name.get(None));
            let joined = [given.map(|n| n.as_str()), family.map(|n| n.as_str())]
                .into_iter()
                .flatten()
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            (!joined.is_empty()).then_some(joined)
        });
    let claims = pep_claims(
        settings,
        token.subject().as_str(),
        &token.additional_claims().claims,
        unix_seconds(token.expiration()),
        Some(unix_seconds(token.issue_time())),
    )?;
    Ok(SessionClaims { claims, name })
}

fn unix_seconds(time: chrono::DateTime<chrono::Utc>) -> u64 {
    u64::try_from(time.timestamp()).unwrap_or_default()
}

/// The claims a bearer token of the same person would carry, read from the provider's claims
/// and checked with [`Principal::from_claims`].
fn pep_claims(
    settings: &OidcSettings,
    subject: &str,
    provided: &HashMap<String, Value>,
    exp: u64,
    iat: Option<u64>,
) -> Result<Claims, OidcError> {
    let refuse = OidcError::Claims;
    let role = text_claim(provided, &settings.role_claim)?.ok_or_else(|| {
        refuse(format!(
            "your account does not say what your role in PEP Ledger is (the identity provider \
             sent no {:?} claim)",
            settings.role_claim
        ))
    })?;
    let la = text_claim(provided, &settings.la_claim)?.ok_or_else(|| {
        refuse(format!(
            "your account does not say which local authority you work for (the identity \
             provider sent no {:?} claim)",
            settings.la_claim
        ))
    })?;
    let claims = Claims {
        sub: subject.to_owned(),
        role,
        la,
        school_urn: text_claim(provided, &settings.school_urn_claim)?,
        child_ids: list_claim(provided, &settings.child_ids_claim)?,
        caseload: list_claim(provided, &settings.caseload_claim)?,
        iro_id: text_claim(provided, &settings.iro_id_claim)?,
        exp,
        iat,
    };
    Principal::from_claims(&claims).map_err(|error| refuse(explain(settings, &error)))?;
    Ok(claims)
}

/// A claim holding one value: text, or a number written as text (an LA code or a URN sent as
/// a JSON number). Absent, null or empty is `None`.
fn text_claim(provided: &HashMap<String, Value>, name: &str) -> Result<Option<String>, OidcError> {
    match provided.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => {
            let text = text.trim();
            Ok((!text.is_empty()).then(|| text.to_owned()))
        }
        Some(Value::Number(number)) => Ok(Some(number.to_string())),
        Some(_) => Err(OidcError::Claims(format!(
            "your account's {name:?} claim is not a single value, so PEP Ledger cannot read it"
        ))),
    }
}

/// A claim holding a list of ids: a JSON array of text, or one text of ids separated by commas
/// or spaces (how some providers send a multi-valued attribute). Absent or null is empty.
fn list_claim(provided: &HashMap<String, Value>, name: &str) -> Result<Vec<String>, OidcError> {
    let not_a_list = || {
        OidcError::Claims(format!(
            "your account's {name:?} claim is not a list of ids, so PEP Ledger cannot read it"
        ))
    };
    let split = |text: &str| {
        text.split([',', ' '])
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    match provided.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(text)) => Ok(split(text)),
        Some(Value::Array(values)) => values
            .iter()
            .map(|value| match value {
                Value::String(text) => Ok(text.trim().to_owned()),
                _ => Err(not_a_list()),
            })
            .filter(|id| id.as_ref().map_or(true, |id| !id.is_empty()))
            .collect(),
        Some(_) => Err(not_a_list()),
    }
}

/// What `Principal::from_claims` refused, in words for the person signing in, naming the claims
/// as the identity provider sends them (so their administrator knows what to change).
fn explain(settings: &OidcSettings, error: &ClaimsError) -> String {
    match error {
        ClaimsError::EmptySubject => {
            "the identity provider did not say who you are (the ID token's subject is empty)"
                .to_owned()
        }
        ClaimsError::UnknownRole(role) => format!(
            "your account's role {role:?} is not a PEP Ledger role; the {:?} claim must be one \
             of {}",
            settings.role_claim,
            person_roles().join(", ")
        ),
        ClaimsError::SystemRole => format!(
            "your account's role is \"system\", which only PEP Ledger itself acts as; the {:?} \
             claim must be one of {}",
            settings.role_claim,
            person_roles().join(", ")
        ),
        ClaimsError::InvalidLa(reason) => format!(
            "your account's local authority (the {:?} claim) is not a 3-digit LA number: {reason}",
            settings.la_claim
        ),
        ClaimsError::MissingSchoolUrn => format!(
            "your account is a designated teacher's but does not say which school (the \
             identity provider sent no {:?} claim)",
            settings.school_urn_claim
        ),
        ClaimsError::InvalidSchoolUrn(reason) => format!(
            "your account's school (the {:?} claim) is not a 6-digit school URN: {reason}",
            settings.school_urn_claim
        ),
        ClaimsError::InvalidChildId { claim, value } => {
            let name = if *claim == "caseload" {
                &settings.caseload_claim
            } else {
                &settings.child_ids_claim
            };
            format!("your account's {name:?} claim holds {value:?}, which is not a child's id")
        }
    }
}

/// The role names an account may hold: every role but `system`.
fn person_roles() -> Vec<&'static str> {
    Role::ALL
        .iter()
        .filter(|role| **role != Role::System)
        .map(Role::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings() -> OidcSettings {
        OidcSettings::new(
            "https://idp.example",
            "pep-ledger",
            "https://pep.example/sign-in/callback",
        )
    }

    fn provided(value: Value) -> HashMap<String, Value> {
        serde_json::from_value(value).unwrap()
    }

    fn claims_of(value: Value) -> Result<Claims, OidcError> {
        pep_claims(
            &settings(),
            "person-1",
            &provided(value),
            4_000_000_000,
            None,
        )
    }

    #[test]
    fn the_pep_claims_map_to_a_bearer_tokens_claims() {
        let child = "0190f3c4-0000-7000-8000-000000000001";
        let claims = claims_of(json!({
            "pep_role": "social_worker",
            "pep_la": 831,
            "pep_caseload": [child],
            "pep_child_ids": format!("{child}, {child}"),
            "email": "sw@example.gov.uk",
        }))
        .unwrap();
        assert_eq!(claims.sub, "person-1");
        assert_eq!(claims.role, "social_worker");
        assert_eq!(claims.la, "831");
        assert_eq!(claims.caseload, vec![child.to_owned()]);
        assert_eq!(claims.child_ids, vec![child.to_owned(), child.to_owned()]);
        assert_eq!(claims.school_urn, None);
        assert_eq!(claims.exp, 4_000_000_000);
        assert!(Principal::from_claims(&claims).is_ok());
    }

    #[test]
    fn claim_names_come_from_the_settings() {
        let mut settings = settings();
        settings.role_claim = "extension_role".to_owned();
        settings.la_claim = "extension_la".to_owned();
        settings.school_urn_claim = "urn".to_owned();
        let claims = pep_claims(
            &settings,
            "teacher-1",
            &provided(json!({
                "extension_role": "designated_teacher",
                "extension_la": "831",
                "urn": "123456",
                "pep_role": "auditor",
            })),
            4_000_000_000,
            Some(1),
        )
        .unwrap();
        assert_eq!(claims.role, "designated_teacher");
        assert_eq!(claims.school_urn.as_deref(), Some("123456"));
        assert_eq!(claims.iat, Some(1));
    }

    #[test]
    fn a_role_that_is_not_a_pep_ledger_role_is_refused_in_words() {
        let Err(OidcError::Claims(message)) =
            claims_of(json!({"pep_role": "headteacher", "pep_la": "831"}))
        else {
            panic!("a headteacher was accepted");
        };
        assert!(
            message.contains("\"headteacher\" is not a PEP Ledger role"),
            "{message}"
        );
        assert!(message.contains("virtual_school"), "{message}");
        assert!(!message.contains("system,"), "{message}");
        let Err(OidcError::Claims(message)) =
            claims_of(json!({"pep_role": "system", "pep_la": "831"}))
        else {
            panic!("the system role was accepted");
        };
        assert!(message.contains("only PEP Ledger itself"), "{message}");
    }

    #[test]
    fn missing_and_malformed_claims_are_refused_naming_the_claim() {
        let Err(OidcError::Claims(message)) = claims_of(json!({"pep_la": "831"})) else {
            panic!("no role was accepted");
        };
        assert!(message.contains("\"pep_role\""), "{message}");
        let Err(OidcError::Claims(message)) =
            claims_of(json!({"pep_role": "auditor", "pep_la": "83"}))
        else {
            panic!("a 2-digit LA was accepted");
        };
        assert!(message.contains("3-digit"), "{message}");
        let Err(OidcError::Claims(message)) =
            claims_of(json!({"pep_role": "designated_teacher", "pep_la": "831"}))
        else {
            panic!("a teacher without a school was accepted");
        };
        assert!(message.contains("\"pep_school_urn\""), "{message}");
        let Err(OidcError::Claims(message)) = claims_of(
            json!({"pep_role": "carer", "pep_la": "831", "pep_child_ids": ["not-a-child"]}),
        ) else {
            panic!("a made-up child id was accepted");
        };
        assert!(message.contains("\"not-a-child\""), "{message}");
        let Err(OidcError::Claims(message)) =
            claims_of(json!({"pep_role": {"name": "auditor"}, "pep_la": "831"}))
        else {
            panic!("an object role was accepted");
        };
        assert!(message.contains("not a single value"), "{message}");
        let Err(OidcError::Claims(message)) = claims_of(
            json!({"pep_role": "social_worker", "pep_la": "831", "pep_caseload": [1, 2]}),
        ) else {
            panic!("numbers as child ids were accepted");
        };
        assert!(message.contains("not a list of ids"), "{message}");
    }
}
