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

use crate::client::{Answer, send_raw};
use crate::service::Service;
use crate::web::demo_service_on;
use crate::web::user::WebUser;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use pep_web::oidc::OidcSettings;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// This service's client id at the test provider.
const CLIENT_ID: &str = "pep-ledger";
/// The key id the provider publishes its (one) key under.
const KEY_ID: &str = "key-1";
/// The client secret, when a test makes the service a confidential client.
const CLIENT_SECRET: &str = "client-secret-of-the-test-provider";

/// How the provider spoils the next ID token, if at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spoil {
    Nothing,
    /// A nonce other than the one `/authorize` was given.
    Nonce,
    /// An audience other than this service's client id.
    Audience,
    /// Signed by a key the JWKS does not hold, under the published key's id.
    Key,
    /// Signed by a key the JWKS does not hold, under a key id it does not hold either.
    UnknownKey,
}

/// What `/authorize` was asked, as the provider received it.
#[derive(Debug, Clone)]
struct Authorization {
    query: HashMap<String, String>,
}

impl Authorization {
    fn get(&self, name: &str) -> &str {
        self.query.get(name).map_or("", String::as_str)
    }
}

/// A code exchange as `/token` saw it.
#[derive(Debug, Clone)]
struct Exchange {
    pkce_matched: bool,
    client_id: String,
    /// The client authenticated with the client secret (HTTP Basic).
    authenticated: bool,
}

/// The provider's state: what it was asked, what it answers next.
struct Provided {
    issuer: String,
    /// Authorizations by the code issued for them (taken by `/token`: a code works once).
    codes: Mutex<HashMap<String, Authorization>>,
    /// Every authorization, in order.
    authorizations: Mutex<Vec<Authorization>>,
    exchanges: Mutex<Vec<Exchange>>,
    issued: AtomicUsize,
    key_fetches: AtomicUsize,
    /// The next ID token's `pep_*` and profile claims.
    claims: Mutex<Value>,
    spoil: Mutex<Spoil>,
    /// Answer the next `/authorize` with `error=access_denied`.
    deny: Mutex<bool>,
}

/// A small OpenID provider on loopback.
struct Provider {
    issuer: String,
    address: SocketAddr,
    provided: Arc<Provided>,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

fn signing_key() -> EncodingKey {
    EncodingKey::from_rsa_pem(tests::keys::RSA_PEM).unwrap()
}

fn forger_key() -> EncodingKey {
    EncodingKey::from_rsa_pem(tests::keys::OTHER_RSA_PEM).unwrap()
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn discovery(State(provided): State<Arc<Provided>>) -> Response {
    let issuer = &provided.issuer;
    json_response(
        StatusCode::OK,
        json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "jwks_uri": format!("{issuer}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile"],
        }),
    )
}

async fn jwks(State(provided): State<Arc<Provided>>) -> Response {
    provided.key_fetches.fetch_add(1, Ordering::SeqCst);
    let mut jwk = Jwk::from_encoding_key(&signing_key(), Algorithm::RS256).unwrap();
    jwk.common.key_id = Some(KEY_ID.to_owned());
    json_response(StatusCode::OK, json!({ "keys": [jwk] }))
}

async fn authorize(
    State(provided): State<Arc<Provided>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let authorization = Authorization { query };
    provided
        .authorizations
        .lock()
        .unwrap()
        .push(authorization.clone());
    if authorization.get("client_id") != CLIENT_ID || authorization.get("response_type") != "code" {
        return (StatusCode::BAD_REQUEST, "unknown client or response type").into_response();
    }
    let redirect_uri = authorization.get("redirect_uri").to_owned();
    let state = authorization.get("state").to_owned();
    // State and code are URL-safe as sent (base64url and a counter), so need no escaping.
    let location = if std::mem::take(&mut *provided.deny.lock().unwrap()) {
        format!("{redirect_uri}?error=access_denied&state={state}")
    } else {
        let code = format!(
            "code-{}",
            provided.issued.fetch_add(1, Ordering::SeqCst) + 1
        );
        provided
            .codes
            .lock()
            .unwrap()
            .insert(code.clone(), authorization);
        format!("{redirect_uri}?code={code}&state={state}")
    };
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

async fn token(
    State(provided): State<Arc<Provided>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let field = |name: &str| form.get(name).map_or("", String::as_str);
    let invalid_grant = |why: &str| {
        json_response(
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": why}),
        )
    };
    // A public client names itself in the body; a confidential one in Basic authentication,
    // whose secret must be the right one.
    let (client_id, authenticated) = match headers.get(header::AUTHORIZATION) {
        Some(basic) => {
            let encoded = basic.to_str().unwrap().trim_start_matches("Basic ");
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap();
            let text = String::from_utf8(decoded).unwrap();
            let (id, secret) = text.split_once(':').unwrap();
            if secret != CLIENT_SECRET {
                return json_response(StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"}));
            }
            (id.to_owned(), true)
        }
        None => (field("client_id").to_owned(), false),
    };
    if field("grant_type") != "authorization_code" {
        return invalid_grant("only the authorization code grant");
    }
    let Some(authorization) = provided.codes.lock().unwrap().remove(field("code")) else {
        return invalid_grant("unknown or used code");
    };
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(field("code_verifier").as_bytes()));
    let pkce_matched = authorization.get("code_challenge_method") == "S256"
        && challenge == authorization.get("code_challenge");
    provided.exchanges.lock().unwrap().push(Exchange {
        pkce_matched,
        client_id: client_id.clone(),
        authenticated,
    });
    if !pkce_matched {
        return invalid_grant("the code verifier does not match the code challenge");
    }
    if client_id != CLIENT_ID || field("redirect_uri") != authorization.get("redirect_uri") {
        return invalid_grant("another client or redirect URI");
    }
    let spoil = *provided.spoil.lock().unwrap();
    let access_token = format!("access-{}", field("code"));
    let at_hash = URL_SAFE_NO_PAD.encode(&Sha256::digest(access_token.as_bytes())[..16]);
    let now = jsonwebtoken::get_current_timestamp();
    let mut claims = json!({
        "iss": provided.issuer,
        "sub": "officer-7",
        "aud": if spoil == Spoil::Audience { "another-service" } else { CLIENT_ID },
        "exp": now + 300,
        "iat": now,
        "nonce": if spoil == Spoil::Nonce {
            "a-nonce-from-another-sign-in".to_owned()
        } else {
            authorization.get("nonce").to_owned()
        },
        "at_hash": at_hash,
    });
    for (name, value) in provided.claims.lock().unwrap().as_object().unwrap() {
        claims[name] = value.clone();
    }
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(
        if spoil == Spoil::UnknownKey {
            "key-2"
        } else {
            KEY_ID
        }
        .to_owned(),
    );
    let key = if matches!(spoil, Spoil::Key | Spoil::UnknownKey) {
        forger_key()
    } else {
        signing_key()
    };
    let id_token = jsonwebtoken::encode(&header, &claims, &key).unwrap();
    json_response(
        StatusCode::OK,
        json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }),
    )
}

fn virtual_school_officer() -> Value {
    json!({
        "pep_role": "virtual_school",
        "pep_la": "831",
        "name": "Olivia Officer",
    })
}

impl Provider {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let issuer = format!("http://{address}");
        let provided = Arc::new(Provided {
            issuer: issuer.clone(),
            codes: Mutex::new(HashMap::new()),
            authorizations: Mutex::new(Vec::new()),
            exchanges: Mutex::new(Vec::new()),
            issued: AtomicUsize::new(0),
            key_fetches: AtomicUsize::new(0),
            claims: Mutex::new(virtual_school_officer()),
            spoil: Mutex::new(Spoil::Nothing),
            deny: Mutex::new(false),
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(provided.clone());
        let stop = CancellationToken::new();
        let shutdown = stop.clone();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown.cancelled_owned())
                .await
                .unwrap();
        });
        Self {
            issuer,
            address,
            provided,
            stop,
            task,
        }
    }

    fn last_authorization(&self) -> Authorization {
        self.provided
            .authorizations
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("the provider was asked to authorize")
    }

    fn exchanges(&self) -> Vec<Exchange> {
        self.provided.exchanges.lock().unwrap().clone()
    }

    fn key_fetches(&self) -> usize {
        self.provided.key_fetches.load(Ordering::SeqCst)
    }

    fn spoil_next(&self, spoil: Spoil) {
        *self.provided.spoil.lock().unwrap() = spoil;
    }

    fn next_claims(&self, claims: Value) {
        *self.provided.claims.lock().unwrap() = claims;
    }

    async fn stop(self) {
        self.stop.cancel();
        self.task.await.unwrap();
    }
}

/// The provider and `pep serve --demo` signing in with it as a public client (or, with
/// `client_secret`, a confidential one), the redirect URL naming the service's own address.
async fn start(client_secret: Option<&str>) -> (Provider, Service, tempfile::TempDir) {
    let provider = Provider::start().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let redirect_url = format!(
        "http://{}{}",
        listener.local_addr().unwrap(),
        pep::serve::CALLBACK_PATH
    );
    let issuer = provider.issuer.clone();
    let (service, directory) = demo_service_on(listener, |config| {
        let mut settings = OidcSettings::new(&issuer, CLIENT_ID, &redirect_url);
        settings.client_secret = client_secret.map(str::to_owned);
        config.web.oidc = Some(settings);
    })
    .await;
    (provider, service, directory)
}

/// The path and query of `url`, which must be on `address`.
fn path_on(address: SocketAddr, url: &str) -> String {
    let origin = format!("http://{address}");
    assert!(url.starts_with(&origin), "{url} is not on {origin}");
    url[origin.len()..].to_owned()
}

/// Starts a sign-in at the service and follows it through the provider, as a browser would;
/// returns the callback (path and query) the provider sent the browser back to.
async fn through_the_provider(user: &mut WebUser, provider: &Provider) -> String {
    let start = user.get("/sign-in/oidc?return_to=/").await;
    assert_eq!(start.status, 303, "{}", start.text());
    let to_provider = start.header("location").unwrap().to_owned();
    assert!(
        to_provider.starts_with(&format!("{}/authorize?", provider.issuer)),
        "{to_provider}"
    );
    let answer = send_raw(
        provider.address,
        "GET",
        &path_on(provider.address, &to_provider),
        &[],
        b"",
    )
    .await;
    assert_eq!(answer.status, 302, "{}", answer.text());
    path_on(user.address, answer.header("location").unwrap())
}

/// The callback with its `state` replaced.
fn with_state(callback: &str, state: &str) -> String {
    let url = reqwest::Url::parse(&format!("http://service{callback}")).unwrap();
    let pairs: Vec<String> = url
        .query_pairs()
        .map(|(name, value)| {
            if name == "state" {
                format!("state={state}")
            } else {
                format!("{name}={value}")
            }
        })
        .collect();
    format!("{}?{}", url.path(), pairs.join("&"))
}

/// Asserts that `answer` is the sign-in page refusing with `words`, and that `user` has no
/// session (the dashboard sends them to sign in).
async fn assert_refused(user: &mut WebUser, answer: &Answer, words: &str) {
    assert_eq!(answer.status, 422, "{}", answer.text());
    let html = answer.text();
    assert!(html.contains("govuk-error-summary"), "{html}");
    assert!(html.contains(words), "{words:?} missing from:\n{html}");
    assert!(!html.contains("panicked"), "{html}");
    assert!(!user.cookies.contains_key("pep_session"));
    let dashboard = user.get("/dashboard").await;
    assert_eq!(dashboard.status, 303);
    assert!(
        dashboard
            .header("location")
            .unwrap()
            .starts_with("/sign-in"),
        "{:?}",
        dashboard.header("location")
    );
}

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
