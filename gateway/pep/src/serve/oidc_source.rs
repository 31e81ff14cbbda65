//! The council's identity provider for the web pages' sign-in (OpenID Connect), as `pep serve`
//! reads it: the `--oidc-*` flags and their `PEP_OIDC_*` variables over the `[oidc]` table of
//! the configuration file. Nothing set leaves OpenID Connect off; an issuer turns it on and then
//! needs a client id and a redirect URL (the service has no public-address setting to derive
//! one from). Checked here with messages that name the setting; the provider itself is reached
//! at start, where one that cannot be discovered stops the service.

use anyhow::bail;
use pep_web::oidc::OidcSettings;
use serde::Deserialize;

/// The path the provider's answer comes back to (`pep_web`'s route).
pub const CALLBACK_PATH: &str = "/sign-in/callback";

/// The `[oidc]` table of the configuration file (all optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcFileConfig {
    pub(super) issuer: Option<String>,
    pub(super) client_id: Option<String>,
    pub(super) client_secret: Option<String>,
    pub(super) redirect_url: Option<String>,
    pub(super) scopes: Option<Vec<String>>,
    pub(super) role_claim: Option<String>,
    pub(super) la_claim: Option<String>,
    pub(super) school_urn_claim: Option<String>,
    pub(super) caseload_claim: Option<String>,
    pub(super) child_ids_claim: Option<String>,
    pub(super) iro_id_claim: Option<String>,
}

/// The OpenID Connect options of `pep serve`, each with its environment variable. An empty
/// value counts as not given, as an empty environment variable usually means "unset".
#[derive(Clone, Default, clap::Args)]
#[command(next_help_heading = "Web sign-in with the council's identity provider (OpenID Connect)")]
pub struct OidcArgs {
    /// The council's OpenID Connect issuer, for signing in to the web pages (`https://`;
    /// `http://` only on a loopback host). Discovery reads
    /// `{issuer}/.well-known/openid-configuration` at start; one that cannot be read stops it.
    #[arg(long = "oidc-issuer", env = "PEP_OIDC_ISSUER")]
    pub issuer: Option<String>,
    /// This service's client id at the identity provider (the ID tokens' audience).
    #[arg(long = "oidc-client-id", env = "PEP_OIDC_CLIENT_ID")]
    pub client_id: Option<String>,
    /// The client secret, when the provider requires one at its token endpoint (without it the
    /// service is a public client, protected by PKCE). Prefer the environment variable: a
    /// flag's value is visible to other users of the machine.
    #[arg(
        long = "oidc-client-secret",
        env = "PEP_OIDC_CLIENT_SECRET",
        hide_env_values = true
    )]
    pub client_secret: Option<String>,
    /// Where the provider sends people back: this service's public address followed by
    /// `/sign-in/callback`, registered at the provider. Required with the issuer.
    #[arg(long = "oidc-redirect-url", env = "PEP_OIDC_REDIRECT_URL")]
    pub redirect_url: Option<String>,
    /// Scopes asked for besides `openid`, comma-separated (default: profile).
    #[arg(long = "oidc-scopes", env = "PEP_OIDC_SCOPES")]
    pub scopes: Option<String>,
    /// The ID token claim holding the person's role name (default: pep_role).
    #[arg(long = "oidc-role-claim", env = "PEP_OIDC_ROLE_CLAIM")]
    pub role_claim: Option<String>,
    /// The ID token claim holding the person's 3-digit LA code (default: pep_la).
    #[arg(long = "oidc-la-claim", env = "PEP_OIDC_LA_CLAIM")]
    pub la_claim: Option<String>,
    /// The ID token claim holding a designated teacher's school URN (default: pep_school_urn).
    #[arg(long = "oidc-school-urn-claim", env = "PEP_OIDC_SCHOOL_URN_CLAIM")]
    pub school_urn_claim: Option<String>,
    /// The ID token claim holding a social worker's caseload of child ids (default:
    /// pep_caseload).
    #[arg(long = "oidc-caseload-claim", env = "PEP_OIDC_CASELOAD_CLAIM")]
    pub caseload_claim: Option<String>,
    /// The ID token claim holding a carer's or young person's child ids (default:
    /// pep_child_ids).
    #[arg(long = "oidc-child-ids-claim", env = "PEP_OIDC_CHILD_IDS_CLAIM")]
    pub child_ids_claim: Option<String>,
    /// The ID token claim holding an IRO's id as assigned on child records (default:
    /// pep_iro_id).
    #[arg(long = "oidc-iro-id-claim", env = "PEP_OIDC_IRO_ID_CLAIM")]
    pub iro_id_claim: Option<String>,
}

/// Written by hand so the client secret never reaches a log line.
impl std::fmt::Debug for OidcArgs {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OidcArgs")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("redirect_url", &self.redirect_url)
            .finish_non_exhaustive()
    }
}

fn given(value: Option<&String>) -> Option<String> {
    value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// The settings, or `None` when no issuer is configured.
pub(super) fn resolve_oidc(
    flags: &OidcArgs,
    file: Option<&OidcFileConfig>,
) -> anyhow::Result<Option<OidcSettings>> {
    let empty = OidcFileConfig::default();
    let file = file.unwrap_or(&empty);
    let pick = |flag: &Option<String>, key: &Option<String>| {
        given(flag.as_ref()).or_else(|| given(key.as_ref()))
    };
    let issuer = pick(&flags.issuer, &file.issuer);
    let client_id = pick(&flags.client_id, &file.client_id);
    let client_secret = pick(&flags.client_secret, &file.client_secret);
    let redirect_url = pick(&flags.redirect_url, &file.redirect_url);
    let Some(issuer) = issuer else {
        let stray: Vec<&str> = [
            (client_id.is_some(), "oidc_client_id"),
            (client_secret.is_some(), "oidc_client_secret"),
            (redirect_url.is_some(), "oidc_redirect_url"),
        ]
        .iter()
        .filter(|(set, _)| *set)
        .map(|(_, name)| *name)
        .collect();
        if !stray.is_empty() {
            bail!(
                "{} given without oidc_issuer: set --oidc-issuer / PEP_OIDC_ISSUER to turn on \
                 OpenID Connect sign-in, or remove {}",
                stray.join(" and "),
                if stray.len() == 1 { "it" } else { "them" }
            );
        }
        return Ok(None);
    };
    let Some(client_id) = client_id else {
        bail!(
            "oidc_client_id: OpenID Connect sign-in is on (oidc_issuer {issuer}), so give this \
             service's client id at the identity provider with --oidc-client-id / \
             PEP_OIDC_CLIENT_ID"
        );
    };
    let Some(redirect_url) = redirect_url else {
        bail!(
            "oidc_redirect_url: OpenID Connect sign-in is on (oidc_issuer {issuer}), so give the \
             address the identity provider sends people back to, this service's public address \
             followed by {CALLBACK_PATH} (e.g. https://pep.example.gov.uk{CALLBACK_PATH}), with \
             --oidc-redirect-url / PEP_OIDC_REDIRECT_URL; register the same address at the \
             provider"
        );
    };
    let path = redirect_url
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    if !path.ends_with(CALLBACK_PATH) || !redirect_url.contains("://") {
        bail!(
            "oidc_redirect_url: {redirect_url:?} must be this service's public address followed \
             by {CALLBACK_PATH}, the page that receives the identity provider's answer"
        );
    }
    let mut settings = OidcSettings::new(&issuer, &client_id, &redirect_url);
    settings.client_secret = client_secret;
    if let Some(text) = given(flags.scopes.as_ref()) {
        settings.scopes = text
            .split([',', ' '])
            .filter(|scope| !scope.is_empty())
            .map(str::to_owned)
            .collect();
    } else if let Some(scopes) = &file.scopes {
        settings.scopes = scopes
            .iter()
            .map(|scope| scope.trim().to_owned())
            .filter(|scope| !scope.is_empty())
            .collect();
    }
    let claims = [
        (
            &flags.role_claim,
            &file.role_claim,
            &mut settings.role_claim,
        ),
        (&flags.la_claim, &file.la_claim, &mut settings.la_claim),
        (
            &flags.school_urn_claim,
            &file.school_urn_claim,
            &mut settings.school_urn_claim,
        ),
        (
            &flags.caseload_claim,
            &file.caseload_claim,
            &mut settings.caseload_claim,
        ),
        (
            &flags.child_ids_claim,
            &file.child_ids_claim,
            &mut settings.child_ids_claim,
        ),
        (
            &flags.iro_id_claim,
            &file.iro_id_claim,
            &mut settings.iro_id_claim,
        ),
    ];
    for (flag, key, name) in claims {
        if let Some(chosen) = pick(flag, key) {
            *name = chosen;
        }
    }
    Ok(Some(settings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags() -> OidcArgs {
        OidcArgs {
            issuer: Some("https://idp.example/realms/council".to_owned()),
            client_id: Some("pep-ledger".to_owned()),
            redirect_url: Some("https://pep.example.gov.uk/sign-in/callback".to_owned()),
            ..OidcArgs::default()
        }
    }

    #[test]
    fn nothing_set_leaves_sign_in_off_and_an_issuer_turns_it_on() {
        assert_eq!(resolve_oidc(&OidcArgs::default(), None).unwrap(), None);
        let settings = resolve_oidc(&flags(), None).unwrap().unwrap();
        assert_eq!(settings.issuer_url, "https://idp.example/realms/council");
        assert_eq!(settings.client_id, "pep-ledger");
        assert_eq!(settings.client_secret, None);
        assert_eq!(settings.role_claim, "pep_role");
        assert_eq!(settings.scopes, vec!["profile".to_owned()]);
    }

    #[test]
    fn an_issuer_needs_a_client_id_and_a_callback_redirect() {
        let without_client = OidcArgs {
            client_id: None,
            ..flags()
        };
        let error = resolve_oidc(&without_client, None).unwrap_err().to_string();
        assert!(error.contains("--oidc-client-id"), "{error}");
        let without_redirect = OidcArgs {
            redirect_url: Some(String::new()),
            ..flags()
        };
        let error = resolve_oidc(&without_redirect, None)
            .unwrap_err()
            .to_string();
        assert!(error.contains("--oidc-redirect-url"), "{error}");
        let elsewhere = OidcArgs {
            redirect_url: Some("https://pep.example.gov.uk/callback".to_owned()),
            ..flags()
        };
        let error = resolve_oidc(&elsewhere, None).unwrap_err().to_string();
        assert!(error.contains("/sign-in/callback"), "{error}");
        let stray = OidcArgs {
            issuer: None,
            ..flags()
        };
        let error = resolve_oidc(&stray, None).unwrap_err().to_string();
        assert!(error.contains("without oidc_issuer"), "{error}");
    }

    #[test]
    fn flags_win_over_the_file_and_claim_names_can_be_changed() {
        let file = OidcFileConfig {
            issuer: Some("https://file.example".to_owned()),
            client_secret: Some("from-the-file".to_owned()),
            scopes: Some(vec!["profile".to_owned(), "email".to_owned()]),
            role_claim: Some("extension_role".to_owned()),
            la_claim: Some("extension_la".to_owned()),
            ..OidcFileConfig::default()
        };
        let flags = OidcArgs {
            la_claim: Some("council".to_owned()),
            ..flags()
        };
        let settings = resolve_oidc(&flags, Some(&file)).unwrap().unwrap();
        assert_eq!(settings.issuer_url, "https://idp.example/realms/council");
        assert_eq!(settings.client_secret.as_deref(), Some("from-the-file"));
        assert_eq!(settings.scopes, vec!["profile", "email"]);
        assert_eq!(settings.role_claim, "extension_role");
        assert_eq!(settings.la_claim, "council");
        assert_eq!(settings.iro_id_claim, "pep_iro_id");
    }
}
