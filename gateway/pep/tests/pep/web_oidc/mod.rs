//! OpenID Connect sign-in through `pep serve --demo`, against a small but real OpenID provider
//! run in the test on 127.0.0.1:0 (axum): a discovery document, a JWKS holding the suite's RSA
//! test key (`tests/keys/rsa.pem`), an `/authorize` that sends the browser back with a code and
//! records the PKCE challenge, state and nonce it was given, and a `/token` that refuses a code
//! whose PKCE verifier does not hash (S256) to that challenge and otherwise answers with an
//! RS256-signed ID token carrying the nonce and the `pep_*` claims. How the next ID token is
//! spoiled (another nonce, another audience, another key, a role PEP Ledger does not have) is
//! set by each test.
//!
//! The browser is [`WebUser`]'s cookie jar, following each redirect by hand: every request goes
//! to the service or the provider, both on loopback. What is checked: the sign-in page offers
//! the provider (and still the demonstration people); the provider is reached with S256, a
//! state and a nonce; the callback signs a Virtual School officer in onto the dashboard (as a
//! public client, and as a confidential one with a client secret); the same callback again, a
//! wrong state, or a callback in another browser is refused; ID tokens that do not verify are
//! refused with an error page and no session, a key id the JWKS does not hold causing one
//! fetch of the keys again; a role that is not a PEP Ledger role is refused with a page saying
//! so; the provider's own error is shown as a page and uses the sign-in up; and an issuer that
//! cannot be discovered stops the `pep` binary's `serve`, naming it, without printing the
//! client secret.
//!
//! The test provider is in `provider`, the browser's steps (start, follow a sign-in through
//! the provider, check a refusal) in `browser`.

mod browser;
mod provider;

use crate::web::user::WebUser;
use browser::{assert_refused, start, through_the_provider, with_state};
use provider::{CLIENT_ID, CLIENT_SECRET, Spoil, virtual_school_officer};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_council_account_signs_in_once_with_pkce_state_and_nonce() {
    let (provider, service, _directory) = start(None).await;
    let mut user = WebUser::new(service.address);

    // The sign-in page offers the council's account service, and `--demo` still its people.
    let page = user.get("/sign-in").await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("Sign in with your council account"), "{html}");
    assert!(html.contains("href=\"/sign-in/oidc?return_to="), "{html}");
    assert!(html.contains("This is a demonstration"), "{html}");

    // The provider is asked for the code flow with S256 PKCE, a state and a nonce, for the
    // service's own callback.
    let callback = through_the_provider(&mut user, &provider).await;
    let asked = provider.last_authorization();
    assert_eq!(asked.get("response_type"), "code");
    assert_eq!(asked.get("client_id"), CLIENT_ID);
    assert_eq!(asked.get("code_challenge_method"), "S256");
    // A SHA-256 challenge is 43 base64url characters; the verifier itself never leaves.
    assert_eq!(asked.get("code_challenge").len(), 43, "{asked:?}");
    assert!(asked.get("state").len() >= 16, "{asked:?}");
    assert!(asked.get("nonce").len() >= 16, "{asked:?}");
    assert_ne!(asked.get("state"), asked.get("nonce"));
    let scopes: Vec<&str> = asked.get("scope").split(' ').collect();
    assert!(
        scopes.contains(&"openid") && scopes.contains(&"profile"),
        "{scopes:?}"
    );
    assert_eq!(
        asked.get("redirect_uri"),
        format!("http://{}/sign-in/callback", service.address)
    );
    assert!(user.cookies.contains_key("pep_sign_in_state"));

    // The answer signs a Virtual School officer in, onto the dashboard, named as the ID token
    // names them; the code was exchanged once, with the verifier that hashes to the challenge.
    let signed_in = user.get(&callback).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.text());
    assert_eq!(signed_in.header("location"), Some("/dashboard"));
    assert!(user.cookies.contains_key("pep_session"));
    assert!(!user.cookies.contains_key("pep_sign_in_state"));
    let exchanges = provider.exchanges();
    assert_eq!(exchanges.len(), 1, "{exchanges:?}");
    assert!(exchanges[0].pkce_matched);
    assert_eq!(exchanges[0].client_id, CLIENT_ID);
    assert!(!exchanges[0].authenticated, "a public client has no secret");
    let dashboard = user.get("/dashboard").await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.text());
    let html = dashboard.text();
    assert!(
        html.contains("Signed in as <strong>Olivia Officer</strong>, Virtual School officer"),
        "{html}"
    );
    assert!(!html.contains("You are signed in as a demonstration person"));

    // The same answer again, even from a browser holding the state's cookie, is refused: the
    // state was used, and the provider is not asked to exchange the code again.
    let mut replayer = WebUser::new(service.address);
    let state = reqwest::Url::parse(&format!("http://service{callback}"))
        .unwrap()
        .query_pairs()
        .find(|(name, _)| name == "state")
        .unwrap()
        .1
        .into_owned();
    replayer
        .cookies
        .insert("pep_sign_in_state".to_owned(), state.clone());
    let replayed = replayer.get(&callback).await;
    assert_refused(&mut replayer, &replayed, "already used").await;
    assert_eq!(provider.exchanges().len(), 1);

    // A state the service never issued is refused, whatever the browser's cookie says.
    let mut guesser = WebUser::new(service.address);
    let callback = through_the_provider(&mut guesser, &provider).await;
    let guessed = "made-up-state-of-some-length-000";
    guesser
        .cookies
        .insert("pep_sign_in_state".to_owned(), guessed.to_owned());
    let refused = guesser.get(&with_state(&callback, guessed)).await;
    assert_refused(&mut guesser, &refused, "already used").await;

    // A real answer opened in another browser (no state cookie: someone sent the link) is
    // refused, and does not use the sign-in up for the browser that started it.
    let mut starter = WebUser::new(service.address);
    let callback = through_the_provider(&mut starter, &provider).await;
    let mut other_browser = WebUser::new(service.address);
    let refused = other_browser.get(&callback).await;
    assert_refused(&mut other_browser, &refused, "another browser").await;
    let signed_in = starter.get(&callback).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.text());
    assert!(starter.cookies.contains_key("pep_session"));
    // The provider exchanged the codes of the two accepted answers only.
    assert_eq!(provider.exchanges().len(), 2);

    service.stop().await;
    provider.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn id_tokens_that_do_not_verify_or_describe_no_user_are_refused_with_a_page() {
    let (provider, service, _directory) = start(Some(CLIENT_SECRET)).await;
    assert_eq!(provider.key_fetches(), 1, "discovery fetches the keys once");

    // Another nonce, another audience, another signing key: each verified and refused, with a
    // GOV.UK page and no session, after the code was exchanged (with the client secret).
    for spoil in [Spoil::Nonce, Spoil::Audience, Spoil::Key] {
        provider.spoil_next(spoil);
        let mut user = WebUser::new(service.address);
        let callback = through_the_provider(&mut user, &provider).await;
        let exchanges_before = provider.exchanges().len();
        let answer = user.get(&callback).await;
        assert_eq!(
            provider.exchanges().len(),
            exchanges_before + 1,
            "{spoil:?}"
        );
        assert_refused(&mut user, &answer, "did not confirm who you are").await;
    }
    assert!(
        provider
            .exchanges()
            .iter()
            .all(|exchange| exchange.authenticated)
    );
    assert_eq!(provider.key_fetches(), 1);

    // A key id the set does not hold makes the service fetch the keys again (the provider may
    // have rotated them), once: the forger's key is still not there, so it is refused, and a
    // second such token soon after costs the provider no fetch.
    for fetches in [2, 2] {
        provider.spoil_next(Spoil::UnknownKey);
        let mut user = WebUser::new(service.address);
        let callback = through_the_provider(&mut user, &provider).await;
        let answer = user.get(&callback).await;
        assert_refused(&mut user, &answer, "did not confirm who you are").await;
        assert_eq!(provider.key_fetches(), fetches);
    }

    // A role PEP Ledger does not have: the page says so, naming it.
    provider.spoil_next(Spoil::Nothing);
    provider.next_claims(json!({"pep_role": "headteacher", "pep_la": "831"}));
    let mut user = WebUser::new(service.address);
    let callback = through_the_provider(&mut user, &provider).await;
    let answer = user.get(&callback).await;
    assert_refused(&mut user, &answer, "is not a PEP Ledger role").await;
    assert!(answer.text().contains("headteacher"), "{}", answer.text());

    // A designated teacher without a school is refused saying which claim is missing.
    provider.next_claims(json!({"pep_role": "designated_teacher", "pep_la": "831"}));
    let mut user = WebUser::new(service.address);
    let callback = through_the_provider(&mut user, &provider).await;
    let answer = user.get(&callback).await;
    assert_refused(&mut user, &answer, "does not say which school").await;

    // The provider's own refusal is a page too, and uses the sign-in up: a code sent later
    // with the same state is not exchanged.
    provider.next_claims(virtual_school_officer());
    *provider.provided.deny.lock().unwrap() = true;
    let mut user = WebUser::new(service.address);
    let denied = through_the_provider(&mut user, &provider).await;
    assert!(denied.contains("error=access_denied"), "{denied}");
    let state_cookie = user.cookies.get("pep_sign_in_state").unwrap().clone();
    let answer = user.get(&denied).await;
    assert_refused(&mut user, &answer, "You were not signed in").await;
    let state = denied.split("state=").nth(1).unwrap().to_owned();
    user.cookies
        .insert("pep_sign_in_state".to_owned(), state_cookie);
    let exchanges_before = provider.exchanges().len();
    let late = user
        .get(&format!("/sign-in/callback?code=code-1&state={state}"))
        .await;
    assert_refused(&mut user, &late, "already used").await;
    assert_eq!(provider.exchanges().len(), exchanges_before);

    // After all that, an unspoilt sign-in still works.
    let mut user = WebUser::new(service.address);
    let callback = through_the_provider(&mut user, &provider).await;
    let signed_in = user.get(&callback).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.text());
    assert_eq!(signed_in.header("location"), Some("/dashboard"));

    service.stop().await;
    provider.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issuer_that_cannot_be_discovered_stops_pep_serve_naming_it() {
    // Nothing listens on a port just released.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let directory = tempfile::tempdir().unwrap();
    let secret = "client-secret-that-must-never-be-printed";
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_pep"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            directory.path().to_str().unwrap(),
            "--oidc-issuer",
            &issuer,
            "--oidc-client-id",
            CLIENT_ID,
            "--oidc-redirect-url",
            "http://127.0.0.1:8080/sign-in/callback",
        ])
        .env_remove("DATABASE_URL")
        .env_remove("NATS_URL")
        .env_remove("PEP_DATA_DIR")
        .env_remove("RUST_LOG")
        .env("PEP_OIDC_CLIENT_SECRET", secret)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .output();
    let output = tokio::time::timeout(std::time::Duration::from_secs(60), output)
        .await
        .expect("pep serve stops within 60 s")
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("oidc_issuer"), "{stderr}");
    assert!(
        stderr.contains(&format!("{issuer}/.well-known/openid-configuration")),
        "{stderr}"
    );
    // The start-up log says sign-in is confidential, but never the secret itself.
    assert!(stderr.contains("confidential=true"), "{stderr}");
    assert!(!stderr.contains(secret), "{stderr}");
    // Discovery comes before the database is opened.
    assert!(!directory.path().join("pep.db").exists());

    // Without a redirect URL the configuration is refused before anything starts.
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_pep"))
        .args([
            "serve",
            "--data-dir",
            directory.path().to_str().unwrap(),
            "--oidc-issuer",
            &issuer,
            "--oidc-client-id",
            CLIENT_ID,
        ])
        .env_remove("DATABASE_URL")
        .env_remove("NATS_URL")
        .env_remove("PEP_OIDC_REDIRECT_URL")
        .env("RUST_BACKTRACE", "0")
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("--oidc-redirect-url"), "{stderr}");
}
