//! A scripted webhook receiver: an axum server on 127.0.0.1:0 that answers each POST with the
//! next status of its script (the last one repeats) and keeps every request it got.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// One request as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The status the receiver answered.
    pub answered: u16,
}

impl Received {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }
}

#[derive(Debug, Default)]
struct Script {
    statuses: Vec<u16>,
    received: Vec<Received>,
}

/// A running receiver.
#[derive(Debug, Clone)]
pub struct Receiver {
    pub address: SocketAddr,
    script: Arc<Mutex<Script>>,
}

impl Receiver {
    /// Answers with `statuses` in turn, then the last one for ever.
    pub async fn start(statuses: &[u16]) -> Self {
        let script = Arc::new(Mutex::new(Script {
            statuses: statuses.to_vec(),
            received: Vec::new(),
        }));
        let app = Router::new()
            .route("/hook", post(answer))
            .with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { address, script }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.address)
    }

    /// From now on, answer with `status`.
    pub fn answer_from_now_on(&self, status: u16) {
        self.script.lock().unwrap().statuses = vec![status];
    }

    pub fn received(&self) -> Vec<Received> {
        self.script.lock().unwrap().received.clone()
    }
}

async fn answer(
    State(script): State<Arc<Mutex<Script>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut script = script.lock().unwrap();
    let status = if script.statuses.len() > 1 {
        script.statuses.remove(0)
    } else {
        script.statuses.first().copied().unwrap_or(200)
    };
    script.received.push(Received {
        headers,
        body: body.to_vec(),
        answered: status,
    });
    StatusCode::from_u16(status).unwrap()
}
