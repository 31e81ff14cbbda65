//! The identity provider's settings: where it is, who this service is to it, and under which
//! claim names its ID tokens describe a person. Kept apart because every other part reads them,
//! and because their Debug form is written by hand to keep the client secret out of logs.

/// The identity provider and how its ID tokens describe a person.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcSettings {
    /// The issuer URL; discovery reads `{issuer}/.well-known/openid-configuration`.
    pub issuer_url: String,
    /// This service's client id at the provider (the ID token's audience).
    pub client_id: String,
    /// The client secret, for providers that require one at the token endpoint.
    pub client_secret: Option<String>,
    /// Where the provider sends the person back: this service's `/sign-in/callback`.
    pub redirect_url: String,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
    /// The claim holding the person's role (one of the service's role names).
    pub role_claim: String,
    /// The claim holding the person's LA (its 3-digit code).
    pub la_claim: String,
    /// The claim holding a designated teacher's school URN.
    pub school_urn_claim: String,
    /// The claim holding a social worker's caseload (child ids).
    pub caseload_claim: String,
    /// The claim holding a carer's or young person's child ids.
    pub child_ids_claim: String,
    /// The claim holding an IRO's id as assigned on child records.
    pub iro_id_claim: String,
}

impl OidcSettings {
    /// Settings with the default claim names (`pep_role`, `pep_la`, `pep_school_urn`,
    /// `pep_caseload`, `pep_child_ids`, `pep_iro_id`) and the `profile` scope.
    pub fn new(issuer_url: &str, client_id: &str, redirect_url: &str) -> Self {
        Self {
            issuer_url: issuer_url.to_owned(),
            client_id: client_id.to_owned(),
            client_secret: None,
            redirect_url: redirect_url.to_owned(),
            scopes: vec!["profile".to_owned()],
            role_claim: "pep_role".to_owned(),
            la_claim: "pep_la".to_owned(),
            school_urn_claim: "pep_school_urn".to_owned(),
            caseload_claim: "pep_caseload".to_owned(),
            child_ids_claim: "pep_child_ids".to_owned(),
            iro_id_claim: "pep_iro_id".to_owned(),
        }
    }
}

/// Written by hand so the client secret never reaches a log line: it shows only whether one is
/// set, like the rest of the service's configuration.
impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OidcSettings")
            .field("issuer_url", &self.issuer_url)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("redirect_url", &self.redirect_url)
            .field("scopes", &self.scopes)
            .field("role_claim", &self.role_claim)
            .field("la_claim", &self.la_claim)
            .field("school_urn_claim", &self.school_urn_claim)
            .field("caseload_claim", &self.caseload_claim)
            .field("child_ids_claim", &self.child_ids_claim)
            .field("iro_id_claim", &self.iro_id_claim)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_secret_is_never_in_the_debug_form() {
        let mut settings = OidcSettings::new(
            "https://idp.example",
            "pep-ledger",
            "https://pep.example/sign-in/callback",
        );
        settings.client_secret = Some("very-secret-value".to_owned());
        let shown = format!("{settings:?}");
        assert!(!shown.contains("very-secret-value"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}
