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
}

impl Postgres {
    fn start(dir: &Path) -> Self {
        let bin = pg_bin();
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
        let cmd = |name: &str| {
            let mut c = Command::new(bin.join(name));
            if let Some((uid, gid)) = uid {
                use std::os::unix::process::CommandExt;
                c.uid(uid).gid(gid);
            }
            c
        };
        output(cmd("initdb").args(["-D", &data.to_string_lossy()]).args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
        ]));
        let child = cmd("postgres")
            .args(["-D", &data.to_string_lossy()])
            .args(["-k", &socket_dir.to_string_lossy()])
            .args(["-c", "listen_addresses=", "-c", "fsync=on"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start postgres");
        let pg = Postgres { child, socket_dir };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !pg.socket_dir.join(".s.PGSQL.5432").exists() {
            assert!(Instant::now() < deadline, "postgres did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        // The socket appears before the server accepts connections; wait for it.
        while Command::new(bin.join("pg_isready"))
            .args(["-h", &pg.socket_dir.to_string_lossy(), "-q"])
            .status()
            .map(|s| !s.success())
            .unwrap_or(true)
        {
            assert!(Instant::now() < deadline, "postgres is not ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        pg
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
