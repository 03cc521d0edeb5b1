//! Starting the key server binary on 127.0.0.1 (stopped by PID: SIGKILL on drop) and clients.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use sealkit::kms::clock::SystemClock;
use sealkit::kms::http::native::UreqTransport;
use sealkit::kms::http::sigv4::Credentials;
use sealkit::kms::http::{Auth, HttpKmsClient, HttpKmsConfig};

/// A running server; SIGKILLed by PID when dropped (or by `kill9`).
pub struct Server {
    pub child: Child,
    pub url: String,
}

impl Server {
    /// kill -9 and reap.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// `host:port` of the listener.
    pub fn addr(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_sealkit-key-server")
}

/// Starts the server with `args` and extra environment; waits for the URL line.
pub fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Server {
    spawn(args, env, Stdio::inherit())
}

/// As [`start`], its per-request log lines (stderr) dropped: for tests that send thousands.
pub fn start_quiet(args: &[&str]) -> Server {
    spawn(args, &[], Stdio::null())
}

fn spawn(args: &[&str], env: &[(&str, &str)], stderr: Stdio) -> Server {
    let mut child = Command::new(bin())
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("start key server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read banner");
    let url = line.trim().rsplit(' ').next().expect("url").to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    Server { child, url }
}

/// Starts the server with `args`.
pub fn start(args: &[&str]) -> Server {
    start_with_env(args, &[])
}

/// An HTTP KMS client for `url` in us-east-1.
pub fn client(url: &str, auth: Auth) -> HttpKmsClient {
    let transport = Arc::new(UreqTransport::new(Duration::from_secs(10)));
    HttpKmsClient::new(
        HttpKmsConfig::new(url, "us-east-1", auth),
        transport,
        Arc::new(SystemClock),
    )
}

/// SigV4 auth with these long-term credentials.
pub fn sigv4(akid: &str, secret: &str) -> Auth {
    Auth::SigV4(Credentials::new(akid, secret))
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("sealkit-key-server-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `--state DIR/kms.state --root-key-file DIR/root.key` with a fresh root key file.
pub fn state_args(dir: &Path) -> Vec<String> {
    let root = dir.join("root.key");
    if !root.exists() {
        std::fs::write(&root, [7u8; 32]).expect("root key");
    }
    vec![
        "--state".into(),
        dir.join("kms.state").to_string_lossy().into_owned(),
        "--root-key-file".into(),
        root.to_string_lossy().into_owned(),
    ]
}
