//! Two key server processes over one PostgreSQL database: Debian's `postgresql` binaries
//! (installed by scripts/setup.sh), a cluster made by the test with `initdb` in a temp dir,
//! served on a unix socket only, stopped by PID. A key made through one process works through
//! the other, concurrent RotateKeyOnDemand calls through both leave one consistent list of
//! versions, and a process killed with SIGKILL loses nothing it acknowledged.
//!
//! The test fails (it never skips) when PostgreSQL cannot be started.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{client, sigv4, start, TempDir};
use sealkit::block_on;
use sealkit::kms::{
    CreateKeyRequest, DecryptRequest, GenerateDataKeyRequest, KeyIdRequest, KmsAdmin, KmsProvider,
};

/// The newest `/usr/lib/postgresql/N/bin`.
fn pg_bin() -> PathBuf {
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed: run scripts/setup.sh (apt-get install -y postgresql)")
        .filter_map(|e| {
            let e = e.ok()?;
            let n: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((n, bin))
        })
        .collect();
    dirs.sort();
    dirs.pop()
        .expect("no /usr/lib/postgresql/*/bin/initdb: run scripts/setup.sh")
        .1
}

fn output(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A PostgreSQL server of its own; stopped by PID on drop.
struct Postgres {
    child: Child,
    socket_dir: PathBuf,
    data: PathBuf,
    /// The owner of the cluster when the test runs as root.
    uid: Option<(u32, u32)>,
}

fn pg_cmd(uid: Option<(u32, u32)>, name: &str) -> Command {
    let mut c = Command::new(pg_bin().join(name));
    if let Some((uid, gid)) = uid {
        use std::os::unix::process::CommandExt;
        c.uid(uid).gid(gid);
    }
    c
}

impl Postgres {
    fn start(dir: &Path) -> Self {
        let data = dir.join("pgdata");
        let socket_dir = dir.join("sock");
        std::fs::create_dir_all(&socket_dir).unwrap();
        // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
        let as_root = output(Command::new("id").arg("-u")) == "0";
        let uid = as_root.then(|| {
            let uid: u32 = output(Command::new("id").args(["-u", "postgres"]))
                .parse()
                .unwrap();
            let gid: u32 = output(Command::new("id").args(["-g", "postgres"]))
                .parse()
                .unwrap();
            output(Command::new("chown").args([
                "-R",
                &format!("{uid}:{gid}"),
                &dir.to_string_lossy(),
            ]));
            (uid, gid)
        });
        output(
            pg_cmd(uid, "initdb")
                .args(["-D", &data.to_string_lossy()])
                .args(["-U", "postgres", "-A", "trust", "--no-sync"]),
        );
        let child = Self::spawn(uid, &data, &socket_dir);
        let pg = Postgres {
            child,
            socket_dir,
            data,
            uid,
        };
        pg.wait_ready();
        pg
    }

    fn spawn(uid: Option<(u32, u32)>, data: &Path, socket_dir: &Path) -> Child {
        pg_cmd(uid, "postgres")
            .args(["-D", &data.to_string_lossy()])
            .args(["-k", &socket_dir.to_string_lossy()])
            .args(["-c", "listen_addresses=", "-c", "fsync=on"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start postgres")
    }

    /// Fast shutdown of this server by its PID (`pg_ctl kill INT PID`), waiting until it is
    /// gone: every client connection is dropped.
    fn stop(&mut self) {
        output(pg_cmd(self.uid, "pg_ctl").args(["kill", "INT", &self.child.id().to_string()]));
        let _ = self.child.wait();
    }

    /// The same cluster started again after [`stop`](Self::stop).
    fn start_again(&mut self) {
        self.child = Self::spawn(self.uid, &self.data, &self.socket_dir);
        self.wait_ready();
    }

    fn wait_ready(&self) {
        let bin = pg_bin();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.socket_dir.join(".s.PGSQL.5432").exists() {
            assert!(Instant::now() < deadline, "postgres did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        // The socket appears before the server accepts connections; wait for it.
        while Command::new(bin.join("pg_isready"))
            .args(["-h", &self.socket_dir.to_string_lossy(), "-q"])
            .status()
            .map(|s| !s.success())
            .unwrap_or(true)
        {
            assert!(Instant::now() < deadline, "postgres is not ready");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn params(&self) -> String {
        format!(
            "host={} user=postgres dbname=postgres",
            self.socket_dir.display()
        )
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // SIGINT is PostgreSQL's fast shutdown.
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

#[test]
fn two_processes_share_one_postgres_database() {
    let dir = TempDir::new("postgres");
    let pg = Postgres::start(&dir.0);
    let root = dir.path("root.key");
    std::fs::write(&root, [3u8; 32]).unwrap();
    let params = pg.params();
    let root_s = root.to_string_lossy().into_owned();
    let args = [
        "serve",
        "--insecure-no-auth",
        "--database",
        &params,
        "--root-key-file",
        &root_s,
    ];
    let a = start(&args);
    let b = start(&args);
    let ca = client(&a.url, sigv4("AKID", "open-mode"));
    let cb = client(&b.url, sigv4("AKID", "open-mode"));

    // Made through A, used through B.
    let key = block_on(ca.create_key(CreateKeyRequest::default()))
        .unwrap()
        .key_metadata
        .arn;
    let dk = block_on(cb.generate_data_key(GenerateDataKeyRequest {
        key_id: key.clone(),
        number_of_bytes: Some(32),
        ..Default::default()
    }))
    .unwrap();
    let opened = block_on(ca.decrypt(DecryptRequest {
        ciphertext_blob: dk.ciphertext_blob.clone(),
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(opened.plaintext.as_slice(), dk.plaintext.as_slice());

    // Concurrent on-demand rotations through both, each followed by a data key under the
    // version it made: every version is kept once, and every data key decrypts through both.
    let made = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<_> = [a.url.clone(), b.url.clone()]
        .into_iter()
        .flat_map(|u| [u.clone(), u])
        .map(|url| {
            let (key, made) = (key.clone(), made.clone());
            std::thread::spawn(move || {
                let c = client(&url, sigv4("AKID", "open-mode"));
                for _ in 0..5 {
                    block_on(c.rotate_key_on_demand(KeyIdRequest::new(&key))).unwrap();
                    let dk = block_on(c.generate_data_key(GenerateDataKeyRequest {
                        key_id: key.clone(),
                        number_of_bytes: Some(32),
                        ..Default::default()
                    }))
                    .unwrap();
                    made.lock().unwrap().push(dk);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    for c in [&ca, &cb] {
        let r = block_on(c.list_key_rotations(KeyIdRequest::new(&key)))
            .unwrap()
            .rotations;
        assert_eq!(r.len(), 20, "4 clients x 5 rotations, none lost or doubled");
        for dk in made.lock().unwrap().iter() {
            let out = block_on(c.decrypt(DecryptRequest {
                ciphertext_blob: dk.ciphertext_blob.clone(),
                ..Default::default()
            }))
            .unwrap();
            assert_eq!(out.plaintext.as_slice(), dk.plaintext.as_slice());
        }
    }

    // Kill A while it takes CreateKeys: B has every key A acknowledged.
    let acked = Arc::new(Mutex::new(Vec::new()));
    let writer = {
        let (url, acked) = (a.url.clone(), acked.clone());
        std::thread::spawn(move || {
            let mut config = sealkit::kms::http::HttpKmsConfig::new(
                url,
                "us-east-1",
                sigv4("AKID", "open-mode"),
            );
            config.max_attempts = 1;
            let c = sealkit::kms::http::HttpKmsClient::new(
                config,
                Arc::new(sealkit::kms::http::native::UreqTransport::new(
                    Duration::from_secs(10),
                )),
                Arc::new(sealkit::kms::clock::SystemClock),
            );
            while let Ok(r) = block_on(c.create_key(CreateKeyRequest::default())) {
                acked.lock().unwrap().push(r.key_metadata.arn);
            }
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    a.kill9();
    writer.join().unwrap();
    let acked = acked.lock().unwrap();
    assert!(!acked.is_empty(), "A acknowledged keys before the kill");
    let listed = block_on(cb.list_keys()).unwrap().keys;
    for k in acked.iter() {
        assert!(listed.iter().any(|e| &e.key_arn == k), "{k} lost");
    }
    drop(b);
    drop(pg);
}

/// A client that tries each call once (the test sees every failure).
fn once_client(url: &str) -> sealkit::kms::http::HttpKmsClient {
    let mut config = sealkit::kms::http::HttpKmsConfig::new(
        url.to_string(),
        "us-east-1",
        sigv4("AKID", "open-mode"),
    );
    config.max_attempts = 1;
    sealkit::kms::http::HttpKmsClient::new(
        config,
        Arc::new(sealkit::kms::http::native::UreqTransport::new(
            Duration::from_secs(30),
        )),
        Arc::new(sealkit::kms::clock::SystemClock),
    )
}

#[test]
fn a_server_recovers_when_postgres_restarts() {
    let dir = TempDir::new("postgres-restart");
    let mut pg = Postgres::start(&dir.0);
    let root = dir.path("root.key");
    std::fs::write(&root, [5u8; 32]).unwrap();
    let params = pg.params();
    let root_s = root.to_string_lossy().into_owned();
    let server = start(&[
        "serve",
        "--insecure-no-auth",
        "--database",
        &params,
        "--root-key-file",
        &root_s,
    ]);
    let c = once_client(&server.url);
    let gdk = |key: &str| {
        block_on(c.generate_data_key(GenerateDataKeyRequest {
            key_id: key.to_string(),
            number_of_bytes: Some(32),
            ..Default::default()
        }))
    };
    let key = block_on(c.create_key(CreateKeyRequest::default()))
        .unwrap()
        .key_metadata
        .arn;
    let before = gdk(&key).unwrap();

    // While PostgreSQL is down every call fails as KMSInternalException: no answer without
    // its commit (a read needs its audit record, a write its rows).
    pg.stop();
    for _ in 0..3 {
        let e = gdk(&key).unwrap_err();
        assert_eq!(e.name, "KMSInternalException", "{}", e.message);
        let e = block_on(c.create_key(CreateKeyRequest::default())).unwrap_err();
        assert_eq!(e.name, "KMSInternalException", "{}", e.message);
    }

    // Back up: the same server process serves again, reads and writes.
    pg.start_again();
    let after = gdk(&key).expect("a read after PostgreSQL is back");
    let opened = block_on(c.decrypt(DecryptRequest {
        ciphertext_blob: before.ciphertext_blob.clone(),
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(opened.plaintext.as_slice(), before.plaintext.as_slice());
    let opened = block_on(c.decrypt(DecryptRequest {
        ciphertext_blob: after.ciphertext_blob.clone(),
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(opened.plaintext.as_slice(), after.plaintext.as_slice());
    let second = block_on(c.create_key(CreateKeyRequest::default()))
        .expect("a write after PostgreSQL is back")
        .key_metadata
        .arn;
    let keys = block_on(c.list_keys()).unwrap().keys;
    assert!(keys.iter().any(|k| k.key_arn == key) && keys.iter().any(|k| k.key_arn == second));
    assert_eq!(
        keys.len(),
        2,
        "no key of the failed CreateKey calls was kept"
    );
    drop(server);
    drop(pg);
}
