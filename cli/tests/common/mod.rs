//! Helpers for the CLI test files: running the binary, the ESDK vector keys, temp dirs.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::Engine;

/// Namespace (provider id) of the ESDK vector keys.
pub const NS: &str = "aws-raw-vectors-persistant";
/// Key name the ESDK vectors use for RSA messages (public and private halves alike).
pub const RSA_NAME: &str = "rsa-4096-private";
pub const PADDINGS: [&str; 5] = [
    "pkcs1",
    "oaep-sha1",
    "oaep-sha256",
    "oaep-sha384",
    "oaep-sha512",
];
pub const SUITES: [u16; 11] = [
    0x0014, 0x0046, 0x0078, 0x0114, 0x0146, 0x0178, 0x0214, 0x0346, 0x0378, 0x0478, 0x0578,
];

pub fn is_committing(suite: u16) -> bool {
    suite == 0x0478 || suite == 0x0578
}

/// The repository's vendored test vectors, `<repo>/tests/vectors` (provenance in its README).
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

/// The repository's test tools, `<repo>/tests/tools` (the Python ESDK oracles).
pub fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/tools")
}

pub fn keys_json_path() -> PathBuf {
    vectors_dir().join("esdk/keys.json")
}

/// The `keys` object of the ESDK vectors' keys.json.
pub fn keys_json() -> serde_json::Value {
    let path = keys_json_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the vendored vectors are in tests/vectors/)",
            path.display()
        )
    });
    let v: serde_json::Value = serde_json::from_str(&text).expect("keys.json is JSON");
    v["keys"].clone()
}

/// Key files written from keys.json into a directory.
pub struct KeyFiles {
    pub dir: PathBuf,
}

impl KeyFiles {
    pub fn write(dir: &Path) -> KeyFiles {
        let keys = keys_json();
        for bits in [128, 192, 256] {
            let id = format!("aes-{bits}");
            let b64 = keys[&id]["material"].as_str().expect("aes material");
            let raw = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .expect("base64");
            std::fs::write(dir.join(format!("{id}.key")), raw).unwrap();
        }
        for (id, file) in [
            ("rsa-4096-public", "rsa-public.pem"),
            ("rsa-4096-private", "rsa-private.pem"),
        ] {
            std::fs::write(dir.join(file), keys[id]["material"].as_str().expect("pem")).unwrap();
        }
        KeyFiles {
            dir: dir.to_owned(),
        }
    }

    /// `--aes-key NS:aes-<bits>:<file>`
    pub fn aes(&self, bits: u32) -> Vec<String> {
        let id = format!("aes-{bits}");
        vec![
            "--aes-key".into(),
            format!("{NS}:{id}:{}", self.dir.join(format!("{id}.key")).display()),
        ]
    }

    pub fn rsa_public(&self, padding: &str) -> Vec<String> {
        vec![
            "--rsa-public-key".into(),
            format!(
                "{NS}:{RSA_NAME}:{}",
                self.dir.join("rsa-public.pem").display()
            ),
            "--rsa-padding".into(),
            padding.into(),
        ]
    }

    pub fn rsa_private(&self, padding: &str) -> Vec<String> {
        vec![
            "--rsa-private-key".into(),
            format!(
                "{NS}:{RSA_NAME}:{}",
                self.dir.join("rsa-private.pem").display()
            ),
            "--rsa-padding".into(),
            padding.into(),
        ]
    }
}

/// Runs `sealkit` with `args`, feeding `stdin`.
pub fn sealkit<S: AsRef<str>>(args: &[S], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sealkit"))
        .args(args.iter().map(|a| a.as_ref()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sealkit");
    let mut pipe = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    // Written from a thread: the child may exit (or fill stdout) before reading all of it.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait sealkit");
    let _ = writer.join();
    out
}

/// Asserts success and returns stdout.
pub fn ok<S: AsRef<str>>(args: &[S], stdin: &[u8]) -> Vec<u8> {
    let out = sealkit(args, stdin);
    let argv: Vec<&str> = args.iter().map(|a| a.as_ref()).collect();
    assert!(
        out.status.success(),
        "sealkit {argv:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Asserts failure with a single `sealkit: error: ERR_...` line on stderr; returns that line.
pub fn fails<S: AsRef<str>>(args: &[S], stdin: &[u8]) -> String {
    let out = sealkit(args, stdin);
    let argv: Vec<&str> = args.iter().map(|a| a.as_ref()).collect();
    assert!(
        !out.status.success(),
        "sealkit {argv:?} unexpectedly succeeded"
    );
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        err.lines().count(),
        1,
        "stderr must be one line for {argv:?}: {err:?}"
    );
    assert!(
        err.starts_with("sealkit: error: ERR_"),
        "stderr format for {argv:?}: {err:?}"
    );
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// Deterministic, incompressible-looking test data.
pub fn data(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(0x9e37_79b9);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

pub fn path_str(p: &Path) -> String {
    p.display().to_string()
}

/// File names in a directory, sorted (to prove nothing was left behind).
pub fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}
