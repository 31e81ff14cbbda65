//! A real browser for the UI tests: Debian's `chromium`, headless, driven over WebDriver by
//! Debian's `chromedriver` on a free loopback port, through `fantoccini`. Helpers find things
//! the way a person does (by a label's words, a link's or a button's text), run axe-core (the
//! vendored `tests/fixtures/axe-core/axe.min.js`, injected into the page under test and never
//! part of the product) and keep screenshots. Every wait is bounded.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Debian installs the browser and its driver.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

const INSTALL_HINT: &str = "install Debian's chromium and chromium-driver: \
    apt-get install chromium chromium-driver (deploy/local/test.sh installs them)";

/// The axe-core rules run on every page: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
pub const AXE_TAGS: [&str; 6] = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
];

/// A headless Chromium session.
#[derive(Debug)]
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    driver: Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// One axe-core finding.
#[derive(Debug, Clone)]
pub struct Violation {
    /// The rule (`color-contrast`, `label`...).
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    /// What the rule asks for.
    pub help: String,
    /// The elements that break it.
    pub targets: Vec<String>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port for chromedriver")
}

impl Browser {
    /// Starts chromedriver and a headless Chromium, 1280 px wide.
    pub async fn start() -> Browser {
        for path in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(path).exists(),
                "{path} is missing: {INSTALL_HINT}"
            );
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("cannot start {CHROMEDRIVER} ({error}): {INSTALL_HINT}")
            });
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,900",
                    "--no-first-run",
                    "--disable-extensions",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-default-apps",
                    "--disable-sync",
                    "--metrics-recording-only",
                    "--no-default-browser-check",
                ]
            }),
        );
        // The WebDriver client links rustls; more than one crypto back end is in the build, so
        // one is chosen here (a second call finds it chosen already, which is fine).
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            let attempt = ClientBuilder::rustls()
                .expect("a TLS configuration for the WebDriver client")
                .capabilities(capabilities.clone())
                .connect(&url)
                .await;
            match attempt {
                Ok(client) => break client,
                Err(error) if started.elapsed() < Duration::from_secs(30) => {
                    let _ = error;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(error) => panic!(
                    "chromedriver on {url} did not start Chromium within 30 s: {error}; {INSTALL_HINT}"
                ),
            }
        };
        Browser { client, driver }
    }

    /// Opens `url`.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|error| panic!("opening {url}: {error}"));
    }

    /// The page's address now.
    pub async fn current_path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        let mut path = url.path().to_owned();
        if let Some(query) = url.query() {
            path.push('?');
            path.push_str(query);
        }
        path
    }

    /// The page's visible text.
    pub async fn text(&self) -> String {
        self.client
            .execute("return document.body.innerText;", vec![])
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The main heading's text.
    pub async fn heading(&self) -> String {
        self.client
            .find(Locator::Css("h1"))
            .await
            .expect("a page has an h1")
            .text()
            .await
            .unwrap()
    }

    /// Follows the link whose text is `text`, waiting for the page it opens.
    pub async fn click_link(&self, text: &str) {
        let xpath = format!("//a[normalize-space(.)={}]", xpath_literal(text));
        self.click_and_wait(Locator::XPath(&xpath), &format!("link {text:?}"))
            .await;
    }

    /// Whether a link with this text is on the page.
    pub async fn has_link(&self, text: &str) -> bool {
        let xpath = format!("//a[normalize-space(.)={}]", xpath_literal(text));
        !self
            .client
            .find_all(Locator::XPath(&xpath))
            .await
            .unwrap()
            .is_empty()
    }

    /// Follows the first link whose address starts with `prefix`, waiting for the page.
    pub async fn click_link_to(&self, prefix: &str) {
        let css = format!("a[href^=\"{prefix}\"]");
        self.click_and_wait(Locator::Css(&css), &format!("link to {prefix}"))
            .await;
    }

    /// Presses the button whose text is `text`, waiting for the page its form answers with.
    pub async fn click_button(&self, text: &str) {
        let xpath = format!("//button[normalize-space(.)={}]", xpath_literal(text));
        self.click_and_wait(Locator::XPath(&xpath), &format!("button {text:?}"))
            .await;
    }

    /// Presses the first button whose words begin with `prefix`: for buttons that end with
    /// visually hidden words saying which item they act on ("Mark as read: notice of ...").
    pub async fn click_button_starting(&self, prefix: &str) {
        let xpath = format!(
            "//button[starts-with(normalize-space(.), {})]",
            xpath_literal(prefix)
        );
        self.click_and_wait(
            Locator::XPath(&xpath),
            &format!("button starting {prefix:?}"),
        )
        .await;
    }

    /// Clicks what `locator` finds and waits until the browser has left the page and loaded
    /// the next one. A click that submits a form returns before the answer arrives, so
    /// reading the page straight after could read the old one. Bounded: 20 s.
    async fn click_and_wait(&self, locator: Locator<'_>, what: &str) {
        let here = self.current_path().await;
        let old_page = self.client.find(Locator::Css("html")).await.unwrap();
        self.client
            .find(locator)
            .await
            .unwrap_or_else(|error| panic!("no {what} on {here}: {error}"))
            .click()
            .await
            .unwrap_or_else(|error| panic!("clicking {what} on {here}: {error}"));
        for _ in 0..200 {
            // Asking anything of the old page's root fails once the page has gone.
            if old_page.tag_name().await.is_err() {
                let state = self
                    .client
                    .execute("return document.readyState;", vec![])
                    .await
                    .unwrap_or_default();
                if state == json!("complete") {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("clicking {what} on {here} did not open a page within 20 s");
    }

    /// The form control a label's words name.
    async fn labelled(&self, label: &str) -> fantoccini::elements::Element {
        let xpath = format!("//label[normalize-space(.)={}]", xpath_literal(label));
        let label_element = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|error| panic!("no label {label:?}: {error}"));
        let id = label_element
            .attr("for")
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("the label {label:?} names no control"));
        self.client.find(Locator::Id(&id)).await.unwrap()
    }

    /// Types `value` into the field labelled `label`.
    pub async fn fill(&self, label: &str, value: &str) {
        let field = self.labelled(label).await;
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    /// Chooses the radio button or checkbox labelled `label`.
    pub async fn choose(&self, label: &str) {
        self.labelled(label).await.click().await.unwrap();
    }

    /// Sets the window's width, keeping a tall window.
    pub async fn set_width(&self, width: u32) {
        self.client.set_window_size(width, 900).await.unwrap();
    }

    /// Runs axe-core on the page and returns every finding.
    pub async fn accessibility_violations(&self) -> Vec<Violation> {
        let source = std::fs::read_to_string(axe_path())
            .unwrap_or_else(|error| panic!("reading {}: {error}", axe_path().display()));
        self.client.execute(&source, vec![]).await.unwrap();
        let script = "const done = arguments[arguments.length - 1];\
            axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})\
              .then(result => done(JSON.stringify(result.violations)))\
              .catch(error => done(JSON.stringify({error: String(error)})));";
        let answer = self
            .client
            .execute_async(script, vec![json!(AXE_TAGS)])
            .await
            .unwrap();
        let parsed: Value = serde_json::from_str(answer.as_str().unwrap_or("[]")).unwrap();
        if let Some(error) = parsed.get("error") {
            panic!("axe-core failed on the page: {error}");
        }
        parsed
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|violation| Violation {
                id: violation["id"].as_str().unwrap_or_default().to_owned(),
                impact: violation["impact"].as_str().unwrap_or_default().to_owned(),
                help: violation["help"].as_str().unwrap_or_default().to_owned(),
                targets: violation["nodes"]
                    .as_array()
                    .map(|nodes| {
                        nodes
                            .iter()
                            .map(|node| node["target"].to_string())
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// Fails the test on any serious or critical accessibility violation, listing them all.
    pub async fn assert_accessible(&self, page: &str) {
        let serious: Vec<Violation> = self
            .accessibility_violations()
            .await
            .into_iter()
            .filter(|violation| matches!(violation.impact.as_str(), "serious" | "critical"))
            .collect();
        assert!(
            serious.is_empty(),
            "{page} has serious accessibility violations:\n{}",
            serious
                .iter()
                .map(|violation| format!(
                    "- {} ({}): {} at {}",
                    violation.id,
                    violation.impact,
                    violation.help,
                    violation.targets.join(", ")
                ))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    /// Saves a screenshot of the whole page as `directory/name.png`.
    pub async fn screenshot(&self, directory: &Path, name: &str) -> PathBuf {
        std::fs::create_dir_all(directory).unwrap();
        let (width, _) = self.client.get_window_size().await.unwrap_or((1280, 900));
        let height = self
            .client
            .execute("return document.documentElement.scrollHeight;", vec![])
            .await
            .ok()
            .and_then(|value| value.as_u64())
            .unwrap_or(900)
            .clamp(400, 6000);
        self.client
            .set_window_size(width as u32, height as u32)
            .await
            .unwrap();
        let png = self.client.screenshot().await.unwrap();
        self.client
            .set_window_size(width as u32, 900)
            .await
            .unwrap();
        let path = directory.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Ends the session and the driver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// The vendored axe-core.
pub fn axe_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/axe-core/axe.min.js")
}

/// Where the screenshots the README shows are kept.
pub fn screenshots_directory() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/ui")
}

/// `text` as an XPath string literal, whatever quotes it holds.
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}
