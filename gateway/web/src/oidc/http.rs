//! How this service talks to the identity provider over HTTP: a client that follows no
//! redirects and gives up after [`HTTP_TIMEOUT`], and [`check_url`], the rule that a URL used
//! for sign-in is `https://`, or `http://` only on a loopback host. Kept apart so the rules
//! the `openidconnect` crate leaves to its user are in one place.

use super::error::{OidcError, chain};
use openidconnect::reqwest;
use std::net::IpAddr;
use std::time::Duration;

/// The longest one request to the identity provider may take, connection included.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client for every request to the provider: no redirects, [`HTTP_TIMEOUT`].
pub(super) fn no_redirect_client() -> Result<reqwest::Client, OidcError> {
    reqwest::ClientBuilder::new()
        // Following redirects opens the client up to SSRF (the crate's security advice).
        .redirect(reqwest::redirect::Policy::none())
        .timeout(HTTP_TIMEOUT)
        .build()
        .map_err(|error| {
            OidcError::Discovery(format!("cannot build an HTTP client: {}", chain(&error)))
        })
}

/// Checks that `text` is an `https://` URL, or `http://` on a loopback host: sign-in codes and
/// keys must not travel in the clear across a network.
pub(super) fn check_url(what: &str, text: &str) -> Result<(), String> {
    let url = openidconnect::url::Url::parse(text)
        .map_err(|error| format!("{what} {text:?} is not a URL: {error}"))?;
    let allowed = match url.scheme() {
        "https" => url.host().is_some(),
        "http" => url.host_str().is_some_and(|host| {
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            match bare.parse::<IpAddr>() {
                Ok(address) => address.is_loopback(),
                Err(_) => bare.eq_ignore_ascii_case("localhost"),
            }
        }),
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(format!(
            "{what} {text:?} must use https://, or http:// only for a loopback host \
             (127.0.0.1, ::1, localhost)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_urls_are_used() {
        assert!(check_url("the issuer URL", "https://idp.example/realms/pep").is_ok());
        assert!(check_url("the issuer URL", "http://127.0.0.1:8443").is_ok());
        assert!(check_url("the issuer URL", "http://localhost:8443").is_ok());
        assert!(check_url("the issuer URL", "http://[::1]:8443").is_ok());
        let error = check_url("the issuer URL", "http://idp.example").unwrap_err();
        assert!(error.contains("https://"), "{error}");
        let error = check_url("the issuer URL", "idp.example").unwrap_err();
        assert!(error.contains("not a URL"), "{error}");
    }
}
