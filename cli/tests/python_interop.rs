//! Interop with the official Python ESDK (aws-encryption-sdk[MPL] 4.0.7) through the
//! oracle `tests/tools/esdk_oracle.py`: for every suite, sealkit encrypts → Python decrypts and
//! Python encrypts → sealkit decrypts, with raw AES and raw RSA keys, a 2-pair encryption
//! context and a multi-frame plaintext.
//!
//! Ignored by default (needs Python). Run with `scripts/test-interop-python.sh`, or
//! `SEALKIT_PYTHON=.deps/venv/bin/python cargo test -p sealkit-cli --test python_interop -- --ignored --nocapture`.

mod common;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use common::*;

/// Python starts are slow (~1 s each); run this many cases at once.
const WORKERS: usize = 4;
const EC: [(&str, &str); 2] = [("purpose", "interop-test"), ("tenant", "42")];

#[derive(Clone, Copy, Debug)]
enum Key {
    Aes(u32),
    Rsa(&'static str),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Dir {
    SealkitToPython,
    PythonToSealkit,
}

#[derive(Clone, Debug)]
struct Case {
    suite: u16,
    key: Key,
    frame: u32,
    dir: Dir,
    /// Python decrypts with its legacy master-key-provider API instead of the MPL keyring.
    legacy: bool,
}

impl Case {
    fn name(&self) -> String {
        let key = match self.key {
            Key::Aes(b) => format!("aes-{b}"),
            Key::Rsa(p) => format!("rsa-4096/{p}"),
        };
        let dir = match self.dir {
            Dir::SealkitToPython => "sealkit->python",
            Dir::PythonToSealkit => "python->sealkit",
        };
        let api = if self.legacy { " (legacy API)" } else { "" };
        format!("{dir} 0x{:04x} {key} frame={}{api}", self.suite, self.frame)
    }
}

struct Env {
    python: PathBuf,
    oracle: PathBuf,
    keys_json: PathBuf,
    keys: KeyFiles,
    work: PathBuf,
    plaintext: PathBuf,
    pt: Vec<u8>,
}

impl Env {
    fn new(dir: &Path) -> Env {
        let python = match std::env::var_os("SEALKIT_PYTHON") {
            Some(p) => PathBuf::from(p),
            None => {
                let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.deps/venv/bin/python");
                assert!(venv.exists(), "set SEALKIT_PYTHON to a python with aws-encryption-sdk[MPL]==4.0.7 (scripts/test-interop-python.sh does)");
                venv
            }
        };
        let oracle = tools_dir().join("esdk_oracle.py");
        assert!(oracle.exists(), "{} missing", oracle.display());
        let kd = dir.join("keys");
        let work = dir.join("work");
        std::fs::create_dir_all(&kd).unwrap();
        std::fs::create_dir_all(&work).unwrap();
        // ~10 KB: 20 frames of 512 bytes, 3 of 4096, and a partial final frame.
        let pt = data(10 * 1024 + 7, 2024);
        let plaintext = work.join("plaintext");
        std::fs::write(&plaintext, &pt).unwrap();
        Env {
            python,
            oracle,
            keys_json: keys_json_path(),
            keys: KeyFiles::write(&kd),
            work,
            plaintext,
            pt,
        }
    }

    /// Runs the oracle with stdin from `input`; returns stdout, or the error text.
    fn python(&self, args: &[String], input: &Path) -> Result<Vec<u8>, String> {
        let out = Command::new(&self.python)
            .arg(&self.oracle)
            .args(args)
            .arg("--keys")
            .arg(&self.keys_json)
            .stdin(Stdio::from(File::open(input).map_err(|e| e.to_string())?))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.python.display()))?;
        if out.status.success() {
            Ok(out.stdout)
        } else {
            Err(format!(
                "python {args:?}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    fn sealkit(&self, args: &[String]) -> Result<Vec<u8>, String> {
        let out = sealkit(args, b"");
        if out.status.success() {
            Ok(out.stdout)
        } else {
            Err(format!(
                "sealkit {args:?}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    fn py_key_args(key: Key) -> Vec<String> {
        match key {
            Key::Aes(bits) => vec!["--key".into(), format!("aes-{bits}")],
            // The private key's key-id names both halves, as in the ESDK vectors.
            Key::Rsa(p) => vec![
                "--key".into(),
                RSA_NAME.into(),
                "--rsa-padding".into(),
                p.into(),
            ],
        }
    }

    fn run(&self, i: usize, c: &Case) -> Result<(), String> {
        let ct = self.work.join(format!("{i}.ct"));
        let out = self.work.join(format!("{i}.out"));
        let ec_py: Vec<String> = EC
            .iter()
            .flat_map(|(k, v)| ["--ec".to_string(), format!("{k}={v}")])
            .collect();
        let ec_sk: Vec<String> = EC
            .iter()
            .flat_map(|(k, v)| ["--context".to_string(), format!("{k}={v}")])
            .collect();
        let got = match c.dir {
            Dir::SealkitToPython => {
                let mut args = vec![
                    "encrypt".to_string(),
                    "--input".into(),
                    path_str(&self.plaintext),
                    "--output".into(),
                    path_str(&ct),
                    "--suite".into(),
                    format!("0x{:04x}", c.suite),
                    "--frame-length".into(),
                    c.frame.to_string(),
                    "--commitment-policy".into(),
                    (if is_committing(c.suite) {
                        "require-require"
                    } else {
                        "forbid-allow"
                    })
                    .into(),
                ];
                args.extend(ec_sk);
                args.extend(match c.key {
                    Key::Aes(bits) => self.keys.aes(bits),
                    Key::Rsa(p) => self.keys.rsa_public(p),
                });
                self.sealkit(&args)?;
                let mut py = vec!["decrypt".to_string()];
                py.extend(Self::py_key_args(c.key));
                py.extend(ec_py);
                if c.legacy {
                    py.extend(["--api".to_string(), "legacy".into()]);
                }
                self.python(&py, &ct)?
            }
            Dir::PythonToSealkit => {
                let mut py = vec![
                    "encrypt".to_string(),
                    "--suite".into(),
                    format!("{:04X}", c.suite),
                    "--frame-length".into(),
                    c.frame.to_string(),
                ];
                py.extend(Self::py_key_args(c.key));
                py.extend(ec_py);
                std::fs::write(&ct, self.python(&py, &self.plaintext)?)
                    .map_err(|e| e.to_string())?;
                let mut args = vec![
                    "decrypt".to_string(),
                    "--input".into(),
                    path_str(&ct),
                    "--output".into(),
                    path_str(&out),
                    "--commitment-policy".into(),
                    "require-allow".into(),
                ];
                args.extend(ec_sk);
                args.extend(match c.key {
                    Key::Aes(bits) => self.keys.aes(bits),
                    Key::Rsa(p) => self.keys.rsa_private(p),
                });
                self.sealkit(&args)?;
                // The header Python wrote is what was asked for.
                let h: serde_json::Value = serde_json::from_slice(&self.sealkit(&[
                    "inspect".to_string(),
                    "--input".into(),
                    path_str(&ct),
                ])?)
                .map_err(|e| e.to_string())?;
                let want_ct = if c.frame == 0 { "non-framed" } else { "framed" };
                if h["suite_id"] != c.suite
                    || h["frame_length"] != c.frame
                    || h["content_type"] != want_ct
                {
                    return Err(format!("unexpected header from python: {h}"));
                }
                std::fs::read(&out).map_err(|e| e.to_string())?
            }
        };
        if got != self.pt {
            return Err(format!(
                "plaintext differs ({} bytes vs {})",
                got.len(),
                self.pt.len()
            ));
        }
        Ok(())
    }
}

/// Every suite both ways with AES-256; RSA on every suite, one direction each, so that every
/// padding is covered both ways; AES-128/192 on a few suites; non-framed; Python's legacy API.
/// (~45 Python starts: each costs ~1 s of CPU, which bounds the run time.)
fn cases() -> Vec<Case> {
    use Dir::{PythonToSealkit as P2S, SealkitToPython as S2P};
    let case = |suite, key, frame, dir| Case {
        suite,
        key,
        frame,
        dir,
        legacy: false,
    };
    let mut v = Vec::new();
    for (i, suite) in SUITES.into_iter().enumerate() {
        let (frame, other) = if i % 2 == 0 { (512, 4096) } else { (4096, 512) };
        v.push(case(suite, Key::Aes(256), frame, S2P));
        v.push(case(suite, Key::Aes(256), frame, P2S));
        // Suites 0..5 go sealkit->python, 5..10 python->sealkit, with the same padding order.
        let dir = if (i / PADDINGS.len()) % 2 == 0 {
            S2P
        } else {
            P2S
        };
        v.push(case(
            suite,
            Key::Rsa(PADDINGS[i % PADDINGS.len()]),
            other,
            dir,
        ));
    }
    for (suite, bits, dir) in [
        (0x0014, 128, S2P),
        (0x0114, 128, P2S),
        (0x0478, 128, S2P),
        (0x0046, 192, P2S),
        (0x0346, 192, S2P),
        (0x0578, 192, P2S),
    ] {
        v.push(case(suite, Key::Aes(bits), 512, dir));
    }
    // Legacy non-framed bodies, and Python's older master-key-provider API.
    for suite in [0x0578, 0x0178] {
        v.push(case(suite, Key::Aes(256), 0, S2P));
        v.push(case(suite, Key::Aes(256), 0, P2S));
    }
    v.push(Case {
        legacy: true,
        ..case(0x0578, Key::Aes(256), 4096, S2P)
    });
    v.push(Case {
        legacy: true,
        ..case(0x0378, Key::Rsa("oaep-sha1"), 512, S2P)
    });
    v
}

#[test]
#[ignore = "needs the Python ESDK: scripts/test-interop-python.sh"]
fn python_interop_every_suite() {
    let tmp = tempfile::tempdir().unwrap();
    let env = Env::new(tmp.path());
    let cases = cases();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(c) = cases.get(i) else { break };
                let r = env.run(i, c);
                results.lock().unwrap().push((c.name(), r));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let failed: Vec<_> = results.iter().filter(|(_, r)| r.is_err()).collect();
    for (name, r) in &results {
        match r {
            Ok(()) => println!("ok    {name}"),
            Err(e) => println!("FAIL  {name}: {e}"),
        }
    }
    println!(
        "({} cases in {:.1}s)",
        results.len(),
        start.elapsed().as_secs_f64()
    );
    println!(
        "python interop: {} passed, {} failed",
        results.len() - failed.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "{} interop case(s) failed", failed.len());
}

/// A Python message whose `tenant` pair is required (authenticated, not stored): sealkit must
/// get it back through --context, and must fail without it or with another value.
#[test]
#[ignore = "needs the Python ESDK: scripts/test-interop-python.sh"]
fn python_required_context_pair() {
    let tmp = tempfile::tempdir().unwrap();
    let env = Env::new(tmp.path());
    let args: Vec<String> = [
        "encrypt",
        "--key",
        "aes-256",
        "--ec",
        "purpose=interop-test",
        "--ec",
        "tenant=42",
        "--required-ec-key",
        "tenant",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let ct = env.work.join("required.ct");
    std::fs::write(&ct, env.python(&args, &env.plaintext).unwrap()).unwrap();
    let h: serde_json::Value =
        serde_json::from_slice(&ok(&["inspect", "--input", &path_str(&ct)], b"")).unwrap();
    assert!(
        h["encryption_context"].get("tenant").is_none(),
        "tenant must not be stored: {h}"
    );
    let out = env.work.join("required.out");
    let dec = |ctx: &[&str]| {
        let mut a = vec![
            "decrypt".to_string(),
            "--input".into(),
            path_str(&ct),
            "--output".into(),
            path_str(&out),
        ];
        a.extend(env.keys.aes(256));
        for c in ctx {
            a.extend(["--context".to_string(), c.to_string()]);
        }
        a
    };
    ok(&dec(&["tenant=42", "purpose=interop-test"]), b"");
    assert_eq!(std::fs::read(&out).unwrap(), env.pt);
    std::fs::remove_file(&out).unwrap();
    let err = fails(&dec(&["purpose=interop-test"]), b"");
    assert!(!out.exists(), "{err}");
    let err = fails(&dec(&["tenant=43"]), b"");
    assert!(!out.exists() && err.contains("'tenant'"), "{err}");
    // And Python refuses a sealkit message when its reproduced context disagrees.
    let skct = env.work.join("sk.ct");
    let mut a = vec![
        "encrypt".to_string(),
        "--input".into(),
        path_str(&env.plaintext),
        "--output".into(),
        path_str(&skct),
    ];
    a.extend(env.keys.aes(256));
    a.extend(["--context".to_string(), "tenant=42".into()]);
    ok(&a, b"");
    let py: Vec<String> = ["decrypt", "--key", "aes-256", "--ec", "tenant=41"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(env.python(&py, &skct).is_err());
    println!("python interop: required-context checks passed");
}
