//! `pep-bench dashboard`: how fast the Virtual School dashboard answers, as a person's browser
//! sees it, on a cohort of a given size.
//!
//! It seeds a synthetic cohort with the real `pep seed-demo` (every child played through the
//! command handler, as `pep serve --demo` does) into a fresh embedded database, or a fresh
//! PostgreSQL database, starts the real `pep serve --demo` on a free loopback port, waits until
//! the read models hold the whole cohort, signs in as the demonstration Virtual School officer,
//! and requests pages one after another (after five untimed ones per page), timing each from
//! the request to the last byte:
//!
//! - `GET /dashboard`: the page being measured;
//! - `GET /api/v1/compliance/summary`: the same figures as JSON, without the page's lists of
//!   children, its PP+ chart, its access-log rows or its rendering;
//! - `GET /children`: the first 25 children, most urgent first (the compliance page), a page of
//!   bounded size over the same cohort;
//! - `GET /sign-in`: the baseline: the same service, layers and template engine with no query.
//!
//! Traffic goes to 127.0.0.1 only; every wait is bounded.

use anyhow::{Context, bail, ensure};
use std::collections::BTreeMap;
use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tests::fresh_database::FreshDatabase;

/// Requests per page before the timed ones.
const WARM_UP: usize = 5;

/// The dashboard benchmark's options.
#[derive(Debug, clap::Args)]
pub struct DashboardOptions {
    /// Children in the synthetic cohort.
    #[arg(long, default_value_t = 24)]
    pub children: usize,
    /// Requests per page measured.
    #[arg(long, default_value_t = 200)]
    pub requests: usize,
    /// The `pep` binary (build it with `cargo build --release -p pep`).
    #[arg(long, default_value = "target/release/pep")]
    pub pep: PathBuf,
    /// Use a fresh PostgreSQL database created through this admin URL instead of the embedded
    /// SQLite one.
    #[arg(long)]
    pub postgres: Option<String>,
    /// Keep the embedded database in this directory rather than a temporary one, and reuse
    /// it: when it already holds `pep.db` (a cohort seeded by an earlier run with the same
    /// `--children`), seeding is skipped. Seeding 100,000 children takes about half an hour.
    #[arg(long, conflicts_with = "postgres")]
    pub data_dir: Option<PathBuf>,
    /// How long seeding and the read models' catch-up may take before the run is abandoned.
    #[arg(long, default_value_t = 3600)]
    pub setup_seconds: u64,
}

/// A running `pep serve`, stopped when dropped.
struct Service {
    child: Child,
    base: String,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A signed-in browser, as far as cookies go.
struct Visitor {
    client: reqwest::Client,
    base: String,
    cookies: BTreeMap<String, String>,
}

impl Visitor {
    fn new(base: &str) -> anyhow::Result<Self> {
        Ok(Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            base: base.to_owned(),
            cookies: BTreeMap::new(),
        })
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) {
        for set in response.headers().get_all(reqwest::header::SET_COOKIE) {
            let Ok(set) = set.to_str() else { continue };
            if let Some((name, value)) = set.split(';').next().and_then(|pair| pair.split_once('='))
            {
                self.cookies
                    .insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
    }

    /// GETs `path`, returning the status and the whole body.
    async fn get(&mut self, path: &str) -> anyhow::Result<(u16, String)> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .send()
            .await?;
        self.keep_cookies(&response);
        let status = response.status().as_u16();
        Ok((status, response.text().await?))
    }

    async fn sign_in(&mut self, person: &str) -> anyhow::Result<()> {
        let (status, page) = self.get("/sign-in").await?;
        ensure!(status == 200, "the sign-in page answered {status}");
        let marker = "name=\"csrf_token\" value=\"";
        let start = page
            .find(marker)
            .context("the sign-in page has no CSRF token")?
            + marker.len();
        let token = page[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_owned();
        let response = self
            .client
            .post(format!("{}/sign-in/demo", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .form(&[
                ("person", person),
                ("csrf_token", &token),
                ("return_to", "/"),
            ])
            .send()
            .await?;
        self.keep_cookies(&response);
        ensure!(
            response.status().as_u16() == 303 && self.cookies.contains_key("pep_session"),
            "signing in as {person} answered {}",
            response.status()
        );
        Ok(())
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Runs the benchmark and prints its table.
pub async fn run(options: DashboardOptions) -> anyhow::Result<()> {
    ensure!(options.children > 0, "--children must be at least 1");
    ensure!(options.requests > 0, "--requests must be at least 1");
    ensure!(
        options.pep.exists(),
        "{} does not exist; build it with: cargo build --release -p pep",
        options.pep.display()
    );
    let temporary = tempfile::tempdir()?;
    let data_dir = match &options.data_dir {
        Some(kept) => {
            std::fs::create_dir_all(kept)
                .with_context(|| format!("creating {}", kept.display()))?;
            kept.clone()
        }
        None => temporary.path().to_path_buf(),
    };
    let already_seeded = options.data_dir.is_some() && data_dir.join("pep.db").is_file();
    let postgres = match &options.postgres {
        Some(admin_url) => Some(FreshDatabase::create(admin_url, "pep_bench").await?),
        None => None,
    };
    let database_args: Vec<String> = match &postgres {
        Some(database) => vec!["--database-url".to_owned(), database.url.clone()],
        None => vec!["--data-dir".to_owned(), data_dir.display().to_string()],
    };
    let back_end = if postgres.is_some() {
        "PostgreSQL"
    } else {
        "SQLite (embedded)"
    };
    let deadline = Instant::now() + Duration::from_secs(options.setup_seconds);
    // The API's bearer tokens for this run, signed with a secret made for it.
    let mut random = [0u8; 32];
    getrandom::fill(&mut random).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
    let secret: String = random.iter().map(|byte| format!("{byte:02x}")).collect();
    let output = Command::new(&options.pep)
        .args(["token", "issue", "--role", "virtual_school", "--la", "831"])
        .env("PEP_JWT_SECRET", &secret)
        .output()
        .context("running pep token issue")?;
    ensure!(
        output.status.success(),
        "pep token issue failed: {output:?}"
    );
    let token = String::from_utf8(output.stdout)?.trim().to_owned();

    // Seed with the real command handler.
    let seeding = Instant::now();
    if !already_seeded {
        let status = Command::new(&options.pep)
            .arg("seed-demo")
            .args(&database_args)
            .args(["--children", &options.children.to_string()])
            .stdout(Stdio::null())
            .status()
            .context("running pep seed-demo")?;
        ensure!(status.success(), "pep seed-demo failed: {status}");
    }
    let seeded_in = seeding.elapsed();

    // Serve it, and wait until the read models hold every child.
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let log = std::fs::File::create(data_dir.join("serve.log"))?;
    let service = Service {
        child: Command::new(&options.pep)
            .arg("serve")
            .arg("--demo")
            .args(&database_args)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "warn")
            .env("PEP_JWT_SECRET", &secret)
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("starting pep serve")?,
        base: base.clone(),
    };
    let catching_up = Instant::now();
    let mut visitor = Visitor::new(&service.base)?;
    loop {
        if visitor.sign_in("virtual-school").await.is_ok() {
            break;
        }
        if Instant::now() > deadline {
            bail!(
                "pep serve did not start; see its log in {}",
                data_dir.display()
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let wanted = format!("{} children in care", options.children);
    loop {
        let (_, page) = visitor.get("/dashboard").await?;
        if page.contains(&wanted) {
            break;
        }
        if Instant::now() > deadline {
            bail!("the dashboard never showed {wanted:?} within --setup-seconds");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let caught_up_in = catching_up.elapsed();

    let pages = [
        ("GET /dashboard", "/dashboard"),
        (
            "GET /api/v1/compliance/summary",
            "/api/v1/compliance/summary",
        ),
        ("GET /children (25 rows)", "/children"),
        ("GET /sign-in (baseline)", "/sign-in"),
    ];
    let mut rows = Vec::new();
    for (name, path) in pages {
        let mut latencies = Vec::with_capacity(options.requests);
        let mut bytes = 0;
        // Untimed first requests: the service's first read of a page fills the cohort's copy
        // in memory and the connection pools, which a page a person opens has already had.
        for _ in 0..WARM_UP {
            if path.starts_with("/api/") {
                api_get(&visitor, path, &token).await?;
            } else {
                visitor.get(path).await?;
            }
        }
        for _ in 0..options.requests {
            let started = Instant::now();
            let (status, body) = if path.starts_with("/api/") {
                api_get(&visitor, path, &token).await?
            } else {
                visitor.get(path).await?
            };
            latencies.push(started.elapsed());
            ensure!(status == 200, "{name} answered {status}: {body}");
            bytes = body.len();
        }
        latencies.sort();
        rows.push((name, latencies, bytes));
    }

    let mut out = std::io::stdout().lock();
    let seeded = if already_seeded {
        "seeded by an earlier run".to_owned()
    } else {
        format!("seeded in {:.1} s", seeded_in.as_secs_f64())
    };
    writeln!(
        out,
        "dashboard: {} children on {back_end}; {seeded}, read models caught up in {:.1} s; {} requests per page, one at a time",
        options.children,
        caught_up_in.as_secs_f64(),
        options.requests
    )?;
    writeln!(
        out,
        "{:<34} {:>9} {:>9} {:>9} {:>10}",
        "page", "p50 ms", "p99 ms", "max ms", "bytes"
    )?;
    for (name, latencies, bytes) in &rows {
        writeln!(
            out,
            "{:<34} {:>9.1} {:>9.1} {:>9.1} {:>10}",
            name,
            super::percentile(latencies, 50.0),
            super::percentile(latencies, 99.0),
            super::percentile(latencies, 100.0),
            bytes
        )?;
    }
    drop(service);
    if let Some(database) = postgres {
        database.drop_database().await?;
    }
    Ok(())
}

/// GETs an API path with a bearer token.
async fn api_get(visitor: &Visitor, path: &str, token: &str) -> anyhow::Result<(u16, String)> {
    let response = visitor
        .client
        .get(format!("{}{path}", visitor.base))
        .bearer_auth(token)
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.text().await?))
}
