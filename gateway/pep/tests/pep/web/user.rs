//! A person at a browser, without the browser: a cookie jar over plain HTTP, forms posted as a
//! browser posts them, and the hidden CSRF token read from the page the form is on.

use crate::client::{Answer, send_raw};
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// One person's cookies against one service.
pub struct WebUser {
    pub address: SocketAddr,
    pub cookies: BTreeMap<String, String>,
}

impl WebUser {
    pub fn new(address: SocketAddr) -> Self {
        Self {
            address,
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, answer: &Answer) {
        for set in answer.headers_named("set-cookie") {
            let pair = set.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || set.to_ascii_lowercase().contains("max-age=0") {
                    self.cookies.remove(name.trim());
                } else {
                    self.cookies
                        .insert(name.trim().to_owned(), value.trim().to_owned());
                }
            }
        }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let cookies = self.cookie_header();
        let answer = send_raw(self.address, "GET", path, &[("cookie", &cookies)], b"").await;
        self.keep_cookies(&answer);
        answer
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body = fields
            .iter()
            .map(|(name, value)| format!("{name}={}", encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        let cookies = self.cookie_header();
        let answer = send_raw(
            self.address,
            "POST",
            path,
            &[
                ("cookie", &cookies),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            body.as_bytes(),
        )
        .await;
        self.keep_cookies(&answer);
        answer
    }

    /// Signs in as the demonstration person `key` and returns where the service sent them.
    pub async fn sign_in_as(&mut self, key: &str) -> String {
        let page = self.get("/sign-in").await;
        assert_eq!(page.status, 200, "{}", page.text());
        let token = csrf_token(&page.text());
        let answer = self
            .post_form(
                "/sign-in/demo",
                &[("person", key), ("csrf_token", &token), ("return_to", "/")],
            )
            .await;
        assert_eq!(answer.status, 303, "{}", answer.text());
        assert!(self.cookies.contains_key("pep_session"));
        answer.header("location").unwrap().to_owned()
    }
}

/// The first CSRF token on a page.
pub fn csrf_token(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// The first link on a page whose address starts with `prefix`.
pub fn first_link(html: &str, prefix: &str) -> Option<String> {
    let marker = format!("href=\"{prefix}");
    let start = html.find(&marker)? + "href=\"".len();
    Some(html[start..].split('"').next()?.to_owned())
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}
