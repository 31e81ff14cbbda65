//! A small but real OpenID provider for the sign-in tests, run on 127.0.0.1:0 (axum): a
//! discovery document, a JWKS holding the suite's RSA test key (`tests/keys/rsa.pem`), an
//! `/authorize` that sends the browser back with a code and records the PKCE challenge, state
//! and nonce it was given, and a `/token` that refuses a code whose PKCE verifier does not hash
//! (S256) to that challenge and otherwise answers with an RS256-signed ID token carrying the
//! nonce and the `pep_*` claims. How the next ID token is spoiled (another nonce, another
//! audience, another key, a role PEP Ledger does not have) is set by each test. Kept apart
//! from the tests so they read as what a person does and sees.

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
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
pub(super) const CLIENT_ID: &str = "pep-ledger";
/// The key id the provider publishes its (one) key under.
const KEY_ID: &str = "key-1";
/// The client secret, when a test makes the service a confidential client.
pub(super) const CLIENT_SECRET: &str = "client-secret-of-the-test-provider";

/// How the provider spoils the next ID token, if at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Spoil {
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
pub(super) struct Authorization {
    query: HashMap<String, String>,
}

impl Authorization {
    pub(super) fn get(&self, name: &str) -> &str {
        self.query.get(name).map_or("", String::as_str)
    }
}

/// A code exchange as `/token` saw it.
#[derive(Debug, Clone)]
pub(super) struct Exchange {
    pub(super) pkce_matched: bool,
    pub(super) client_id: String,
    /// The client authenticated with the client secret (HTTP Basic).
    pub(super) authenticated: bool,
}

/// The provider's state: what it was asked, what it answers next.
pub(super) struct Provided {
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
    pub(super) deny: Mutex<bool>,
}

/// A small OpenID provider on loopback.
pub(super) struct Provider {
    pub(super) issuer: String,
    pub(super) address: SocketAddr,
    pub(super) provided: Arc<Provided>,
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

pub(super) fn virtual_school_officer() -> Value {
    json!({
        "pep_role": "virtual_school",
        "pep_la": "831",
        "name": "Olivia Officer",
    })
}

impl Provider {
    pub(super) async fn start() -> Self {
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

    pub(super) fn last_authorization(&self) -> Authorization {
        self.provided
            .authorizations
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("the provider was asked to authorize")
    }

    pub(super) fn exchanges(&self) -> Vec<Exchange> {
        self.provided.exchanges.lock().unwrap().clone()
    }

    pub(super) fn key_fetches(&self) -> usize {
        self.provided.key_fetches.load(Ordering::SeqCst)
    }

    pub(super) fn spoil_next(&self, spoil: Spoil) {
        *self.provided.spoil.lock().unwrap() = spoil;
    }

    pub(super) fn next_claims(&self, claims: Value) {
        *self.provided.claims.lock().unwrap() = claims;
    }

    pub(super) async fn stop(self) {
        self.stop.cancel();
        self.task.await.unwrap();
    }
}
