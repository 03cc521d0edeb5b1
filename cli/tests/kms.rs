//! The KMS key options against `sealkit-key-server` (the workspace's local KMS over the AWS KMS
//! protocol, started on 127.0.0.1 and killed by PID): `--kms-key` round trips, multi-keyrings
//! mixing KMS and raw AES keys, MRK replicas, discovery, offline KMS RSA encryption with no server
//! running, credentials / region / wrong-key failures, and `item` with a KMS key.
//!
//! The server binary is `$SEALKIT_KEY_SERVER`, or built once with `cargo build -p
//! sealkit-key-server` into this test's target directory.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use base64::Engine;
use common::{data, listing, path_str};
use sealkit::block_on;
use sealkit::kms::clock::SystemClock;
use sealkit::kms::http::native::UreqTransport;
use sealkit::kms::http::{Auth, Credentials, HttpKmsClient, HttpKmsConfig};
use sealkit::kms::{
    CreateKeyRequest, KeyIdRequest, KeySpec, KeyUsage, KmsAdmin, KmsProvider, ReplicateKeyRequest,
};

const AKID: &str = "AKIDSEALKITCLI";
const SECRET: &str = "cli-test-secret";
const PRINCIPAL: &str = "arn:aws:iam::111122223333:user/cli";

/// The key server binary (built once per test process).
fn server_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(p) = std::env::var_os("SEALKIT_KEY_SERVER") {
            return PathBuf::from(p);
        }
        // <target>/<profile>/deps/kms-<hash>
        let exe = std::env::current_exe().expect("test exe");
        let profile_dir = exe.parent().and_then(Path::parent).expect("profile dir");
        let target_dir = profile_dir.parent().expect("target dir");
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["build", "-q", "-p", "sealkit-key-server", "--manifest-path"])
            .arg(&manifest)
            .arg("--target-dir")
            .arg(target_dir);
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("run cargo build -p sealkit-key-server");
        assert!(status.success(), "cargo build -p sealkit-key-server failed");
        let bin = profile_dir.join(format!(
            "sealkit-key-server{}",
            std::env::consts::EXE_SUFFIX
        ));
        assert!(bin.exists(), "{} missing", bin.display());
        bin
    })
}

/// A running key server, killed by PID on drop.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(extra: &[&str]) -> Server {
    let creds = format!("{AKID}:{SECRET}:{PRINCIPAL}");
    let mut child = Command::new(server_bin())
        // credentials through the environment: never on a command line
        .env("SEALKIT_KEY_SERVER_CREDENTIALS", &creds)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start sealkit-key-server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read banner");
    let url = line.trim().rsplit(' ').next().unwrap_or("").to_string();
    let server = Server { child, url };
    assert!(server.url.starts_with("http://127.0.0.1:"), "{line}");
    server
}

fn admin(url: &str, region: &str) -> HttpKmsClient {
    HttpKmsClient::new(
        HttpKmsConfig::new(url, region, Auth::SigV4(Credentials::new(AKID, SECRET))),
        Arc::new(UreqTransport::new(Duration::from_secs(10))),
        Arc::new(SystemClock),
    )
}

fn create_key(url: &str, req: CreateKeyRequest) -> String {
    block_on(admin(url, "us-east-1").create_key(req))
        .expect("create key")
        .key_metadata
        .arn
}

fn symmetric_key(url: &str) -> String {
    create_key(url, CreateKeyRequest::default())
}

/// Runs sealkit with no AWS_* variables but `env`.
fn run(args: &[String], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sealkit"));
    cmd.args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.envs(env.iter().copied());
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sealkit");
    let mut pipe = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let w = std::thread::spawn(move || {
        let _ = pipe.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    let _ = w.join();
    out
}

fn ok(args: &[String], env: &[(&str, &str)]) -> Vec<u8> {
    let out = run(args, env, b"");
    assert!(
        out.status.success(),
        "sealkit {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn fails(args: &[String], env: &[(&str, &str)]) -> (String, i32) {
    let out = run(args, env, b"");
    assert!(
        !out.status.success(),
        "sealkit {args:?} unexpectedly succeeded"
    );
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "one stderr line: {err:?}");
    assert!(err.starts_with("sealkit: error: ERR_"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    eprint!("expected failure: {err}"); // shown with --nocapture
    (err, out.status.code().unwrap_or(-1))
}

const CREDS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", AKID),
    ("AWS_SECRET_ACCESS_KEY", SECRET),
];

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

struct Fx {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Fx {
    fn new() -> Fx {
        let tmp = tempfile::tempdir().unwrap();
        Fx {
            dir: tmp.path().to_owned(),
            _tmp: tmp,
        }
    }
    fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let p = self.dir.join(name);
        std::fs::write(&p, content).unwrap();
        p
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
    fn aes(&self) -> Vec<String> {
        let k = self.file("aes.key", &[9u8; 32]);
        vec!["--aes-key".into(), format!("ns:aes:{}", k.display())]
    }
}

fn op(name: &str, input: &Path, output: &Path, rest: &[Vec<String>]) -> Vec<String> {
    let mut v = vec![
        name.to_string(),
        "--input".into(),
        path_str(input),
        "--output".into(),
        path_str(output),
    ];
    for r in rest {
        v.extend(r.iter().cloned());
    }
    v
}

fn kms(arn: &str) -> Vec<String> {
    s(&["--kms-key", arn])
}

fn edk_providers(ct: &Path) -> Vec<String> {
    let out = ok(&s(&["inspect", "--input", &path_str(ct)]), &[]);
    let h: serde_json::Value = serde_json::from_slice(&out).unwrap();
    h["encrypted_data_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["provider_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn kms_key_round_trip_multi_key_and_discovery() {
    let server = start(&[]);
    let key = symmetric_key(&server.url);
    let other = symmetric_key(&server.url);
    let fx = Fx::new();
    let pt = data(20_000, 1);
    let pt_path = fx.file("pt", &pt);
    let ct = fx.path("ct");
    let out = fx.path("out");
    let endpoint = s(&["--kms-endpoint", &server.url]);

    // Region from the key ARN, endpoint from the option.
    ok(
        &op("encrypt", &pt_path, &ct, &[kms(&key), endpoint.clone()]),
        &CREDS,
    );
    assert_eq!(edk_providers(&ct), ["aws-kms"]);
    // Endpoint and region from the environment this time.
    let env = [
        CREDS[0],
        CREDS[1],
        ("AWS_ENDPOINT_URL_KMS", server.url.as_str()),
        ("AWS_REGION", "us-east-1"),
    ];
    ok(&op("decrypt", &ct, &out, &[kms(&key)]), &env);
    assert_eq!(std::fs::read(&out).unwrap(), pt);

    // Discovery decrypt.
    std::fs::remove_file(&out).unwrap();
    ok(
        &op(
            "decrypt",
            &ct,
            &out,
            &[
                kms("discovery"),
                endpoint.clone(),
                s(&["--region", "us-east-1"]),
            ],
        ),
        &CREDS,
    );
    assert_eq!(std::fs::read(&out).unwrap(), pt);

    // Another key cannot decrypt; nothing is left behind.
    let bad = fx.path("bad");
    let (err, code) = fails(
        &op("decrypt", &ct, &bad, &[kms(&other), endpoint.clone()]),
        &CREDS,
    );
    assert!(err.contains("ERR_NO_DECRYPTING_KEYRING"), "{err}");
    assert_eq!(code, 1);
    assert!(!bad.exists());

    // Multi-keyring: KMS generator + raw AES, in command-line order; either key decrypts alone.
    ok(
        &op(
            "encrypt",
            &pt_path,
            &ct,
            &[kms(&key), fx.aes(), kms(&other), endpoint.clone()],
        ),
        &CREDS,
    );
    assert_eq!(edk_providers(&ct), ["aws-kms", "ns", "aws-kms"]);
    std::fs::remove_file(&out).unwrap();
    ok(&op("decrypt", &ct, &out, &[fx.aes()]), &[]); // no credentials needed
    assert_eq!(std::fs::read(&out).unwrap(), pt);
    std::fs::remove_file(&out).unwrap();
    ok(
        &op("decrypt", &ct, &out, &[kms(&other), endpoint.clone()]),
        &CREDS,
    );
    assert_eq!(std::fs::read(&out).unwrap(), pt);
    // AES first: it is the generator.
    ok(
        &op(
            "encrypt",
            &pt_path,
            &ct,
            &[fx.aes(), kms(&key), endpoint.clone()],
        ),
        &CREDS,
    );
    assert_eq!(edk_providers(&ct), ["ns", "aws-kms"]);
    std::fs::remove_file(&out).unwrap();
    ok(
        &op("decrypt", &ct, &out, &[kms(&key), endpoint.clone()]),
        &CREDS,
    );
    assert_eq!(std::fs::read(&out).unwrap(), pt);
}

#[test]
fn kms_failures_are_clear_and_leave_no_output() {
    let server = start(&[]);
    let key = symmetric_key(&server.url);
    let fx = Fx::new();
    let pt_path = fx.file("pt", b"secret data");
    let ct = fx.path("ct");
    let endpoint = s(&["--kms-endpoint", &server.url]);

    // No credentials.
    let (err, code) = fails(
        &op("encrypt", &pt_path, &ct, &[kms(&key), endpoint.clone()]),
        &[],
    );
    assert!(
        err.contains("ERR_NO_CREDENTIALS") && err.contains("AWS_ACCESS_KEY_ID"),
        "{err}"
    );
    assert_eq!(code, 2);
    // Wrong secret: the server refuses the signature.
    let (err, _) = fails(
        &op("encrypt", &pt_path, &ct, &[kms(&key), endpoint.clone()]),
        &[CREDS[0], ("AWS_SECRET_ACCESS_KEY", "wrong")],
    );
    assert!(
        err.contains("ERR_KMS") || err.contains("Signature"),
        "{err}"
    );
    // Wrong region: the key lives in us-east-1.
    let (err, _) = fails(
        &op(
            "encrypt",
            &pt_path,
            &ct,
            &[kms(&key), endpoint.clone(), s(&["--region", "eu-west-1"])],
        ),
        &CREDS,
    );
    assert!(err.contains("ERR_"), "{err}");
    // A key that does not exist.
    let missing =
        key.rsplit_once('/').unwrap().0.to_string() + "/00000000-0000-0000-0000-000000000000";
    let (err, _) = fails(
        &op("encrypt", &pt_path, &ct, &[kms(&missing), endpoint.clone()]),
        &CREDS,
    );
    assert!(err.contains("ERR_KMS"), "{err}");
    // Malformed ARN, discovery on encrypt, bad endpoint.
    let (err, code) = fails(&op("encrypt", &pt_path, &ct, &[kms("not-an-arn")]), &CREDS);
    assert!(err.contains("--kms-key not-an-arn"), "{err}");
    assert_eq!(code, 2);
    let (err, _) = fails(&op("encrypt", &pt_path, &ct, &[kms("discovery")]), &CREDS);
    assert!(err.contains("only decrypt"), "{err}");
    let (err, _) = fails(
        &op(
            "encrypt",
            &pt_path,
            &ct,
            &[kms(&key), s(&["--kms-endpoint", "ftp://x"])],
        ),
        &CREDS,
    );
    assert!(err.contains("ftp://x"), "{err}");
    // Discovery with no region anywhere.
    let (err, _) = fails(
        &op("decrypt", &ct, &fx.path("o"), &[kms("discovery")]),
        &CREDS,
    );
    assert!(err.contains("--region"), "{err}");

    // A decrypt in the wrong region fails too.
    ok(
        &op("encrypt", &pt_path, &ct, &[kms(&key), endpoint.clone()]),
        &CREDS,
    );
    let out = fx.path("out");
    fails(
        &op(
            "decrypt",
            &ct,
            &out,
            &[
                kms("discovery"),
                endpoint.clone(),
                s(&["--region", "eu-west-1"]),
            ],
        ),
        &CREDS,
    );
    assert!(!out.exists());
    assert_eq!(listing(&fx.dir), ["ct", "pt"]);
}

#[test]
fn multi_region_key_replica_decrypts() {
    let server = start(&[]);
    let primary = create_key(
        &server.url,
        CreateKeyRequest {
            multi_region: Some(true),
            ..Default::default()
        },
    );
    let replica = block_on(
        admin(&server.url, "us-east-1").replicate_key(ReplicateKeyRequest {
            key_id: primary.clone(),
            replica_region: "us-west-2".into(),
            ..Default::default()
        }),
    )
    .expect("replicate")
    .replica_key_metadata
    .arn;
    assert!(replica.contains(":us-west-2:"), "{replica}");
    let fx = Fx::new();
    let pt = fx.file("pt", b"multi-region");
    let ct = fx.path("ct");
    let out = fx.path("out");
    let endpoint = s(&["--kms-endpoint", &server.url]);
    ok(
        &op("encrypt", &pt, &ct, &[kms(&primary), endpoint.clone()]),
        &CREDS,
    );
    // The replica ARN (its region taken from the ARN) decrypts what the primary encrypted.
    ok(
        &op("decrypt", &ct, &out, &[kms(&replica), endpoint.clone()]),
        &CREDS,
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"multi-region");
}

fn pem_from_der(der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).unwrap());
        pem.push('\n');
    }
    pem.push_str("-----END PUBLIC KEY-----\n");
    pem
}

#[test]
fn kms_rsa_encrypts_offline_and_decrypts_through_kms() {
    let fx = Fx::new();
    let root_key = fx.file("root.key", &[3u8; 32]);
    let state = fx.path("kms.state");
    let state_args = [
        "--state",
        &path_str(&state),
        "--root-key-file",
        &path_str(&root_key),
    ];
    let server = start(&state_args);
    let arn = create_key(
        &server.url,
        CreateKeyRequest {
            key_spec: Some(KeySpec::Rsa2048),
            key_usage: Some(KeyUsage::EncryptDecrypt),
            ..Default::default()
        },
    );
    let der = block_on(admin(&server.url, "us-east-1").get_public_key(KeyIdRequest::new(&arn)))
        .expect("public key")
        .public_key;
    let dead_url = server.url.clone();
    drop(server); // stopped: encryption below must not need it

    // The PEM path contains colons: the value is split after the ARN's sixth field.
    let pem = fx.file("rsa:pub:key.pem", pem_from_der(&der).as_bytes());
    let rsa = |with_pem: bool| {
        let v = if with_pem {
            format!("{arn}:{}", pem.display())
        } else {
            arn.clone()
        };
        vec!["--kms-rsa-public-key".to_string(), v]
    };
    let pt = data(5000, 4);
    let pt_path = fx.file("pt", &pt);
    let ct = fx.path("ct");
    let offline = [("AWS_ENDPOINT_URL_KMS", dead_url.as_str())];
    // The default (signed) suite is refused with the fix in the message.
    let (err, _) = fails(&op("encrypt", &pt_path, &ct, &[rsa(true)]), &offline);
    assert!(err.contains("--suite 0x0478"), "{err}");
    let (err, _) = fails(
        &op(
            "encrypt",
            &pt_path,
            &ct,
            &[rsa(true), s(&["--suite", "0x0578"])],
        ),
        &offline,
    );
    assert!(
        err.contains("0x0578") && err.contains("--suite 0x0478"),
        "{err}"
    );
    // No server, no credentials: offline.
    ok(
        &op(
            "encrypt",
            &pt_path,
            &ct,
            &[rsa(true), s(&["--suite", "0x0478"])],
        ),
        &offline,
    );
    assert_eq!(edk_providers(&ct), ["aws-kms-rsa"]);
    // SHA-1 variant too, mixed with a raw AES key.
    let ct1 = fx.path("ct1");
    ok(
        &op(
            "encrypt",
            &pt_path,
            &ct1,
            &[
                rsa(true),
                s(&[
                    "--kms-rsa-algorithm",
                    "RSAES_OAEP_SHA_1",
                    "--suite",
                    "0x0478",
                ]),
                fx.aes(),
            ],
        ),
        &offline,
    );
    // Decrypt needs KMS: with the server stopped it fails.
    let out = fx.path("out");
    let (err, _) = fails(
        &op(
            "decrypt",
            &ct,
            &out,
            &[rsa(false), s(&["--kms-endpoint", &dead_url])],
        ),
        &CREDS,
    );
    assert!(err.contains("ERR_"), "{err}");
    assert!(!out.exists());

    // Restarted (same state): decrypt through KMS, with the ARN alone or ARN:PEMFILE.
    let server = start(&state_args);
    let endpoint = s(&["--kms-endpoint", &server.url]);
    ok(
        &op("decrypt", &ct, &out, &[rsa(false), endpoint.clone()]),
        &CREDS,
    );
    assert_eq!(std::fs::read(&out).unwrap(), pt);
    std::fs::remove_file(&out).unwrap();
    ok(
        &op("decrypt", &ct, &out, &[rsa(true), endpoint.clone()]),
        &CREDS,
    );
    assert_eq!(std::fs::read(&out).unwrap(), pt);
    std::fs::remove_file(&out).unwrap();
    ok(
        &op(
            "decrypt",
            &ct1,
            &out,
            &[
                rsa(false),
                s(&["--kms-rsa-algorithm", "RSAES_OAEP_SHA_1"]),
                endpoint.clone(),
            ],
        ),
        &CREDS,
    );
    assert_eq!(std::fs::read(&out).unwrap(), pt);
    // The wrong algorithm cannot decrypt.
    let bad = fx.path("bad");
    fails(
        &op("decrypt", &ct1, &bad, &[rsa(false), endpoint.clone()]),
        &CREDS,
    );
    assert!(!bad.exists());
    // A malformed ARN:PEMFILE value is a usage error.
    let (err, code) = fails(
        &op(
            "encrypt",
            &pt_path,
            &ct,
            &[s(&[
                "--kms-rsa-public-key",
                "arn:aws:kms:x.pem",
                "--suite",
                "0x0478",
            ])],
        ),
        &[],
    );
    assert!(err.contains("ARN:PEMFILE"), "{err}");
    assert_eq!(code, 2);
}

#[test]
fn item_encrypts_with_a_kms_key() {
    let server = start(&[]);
    let key = symmetric_key(&server.url);
    let fx = Fx::new();
    let cfg = fx.file(
        "config.json",
        br#"{"tableName": "t", "partitionKey": "pk", "attributeActions": {"pk": "SIGN_ONLY", "secret": "ENCRYPT_AND_SIGN"}}"#,
    );
    let line = r#"{"pk": {"S": "k1"}, "secret": {"S": "hush"}}"#;
    let input = fx.file("in.jsonl", format!("{line}\n").as_bytes());
    let enc = fx.path("enc.jsonl");
    let dec = fx.path("dec.jsonl");
    let endpoint = s(&["--kms-endpoint", &server.url]);
    let item = |op: &str, i: &Path, o: &Path, rest: &[Vec<String>]| {
        let mut v = s(&["item", op, "--config", &path_str(&cfg)]);
        v.extend(self::op("x", i, o, rest).into_iter().skip(1));
        v
    };
    ok(
        &item("encrypt", &input, &enc, &[kms(&key), endpoint.clone()]),
        &CREDS,
    );
    let text = std::fs::read_to_string(&enc).unwrap();
    assert!(
        text.contains("aws_dbe_head") && !text.contains("hush"),
        "{text}"
    );
    ok(
        &item(
            "decrypt",
            &enc,
            &dec,
            &[
                kms("discovery"),
                endpoint.clone(),
                s(&["--region", "us-east-1"]),
            ],
        ),
        &CREDS,
    );
    let got: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&dec).unwrap().trim()).unwrap();
    let want: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(got, want);
    // KMS RSA with the signed default item suite: refused with the fix.
    let pem = fx.file("p.pem", b"unused");
    let arn_pem = format!("{key}:{}", pem.display());
    let (err, _) = fails(
        &item(
            "encrypt",
            &input,
            &fx.path("x"),
            &[s(&["--kms-rsa-public-key", &arn_pem])],
        ),
        &[],
    );
    assert!(err.contains("0x6700"), "{err}");
}

#[test]
fn help_documents_the_kms_options() {
    let help = String::from_utf8(ok(&s(&["encrypt", "--help"]), &[])).unwrap();
    for want in [
        "--kms-key",
        "--kms-endpoint",
        "--region",
        "--kms-rsa-public-key",
        "--kms-rsa-algorithm",
        "ARN:PEMFILE",
        "discovery",
        "AWS_ACCESS_KEY_ID",
        "AWS_ENDPOINT_URL_KMS",
        "sixth field",
        "--suite 0x0478",
    ] {
        assert!(help.contains(want), "encrypt --help lacks {want}");
    }
}
