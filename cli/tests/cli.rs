//! The CLI contract: round trips over every key type, suite, framing and stream, the inspect
//! JSON, and failures that must exit non-zero with one stderr line and leave no output file.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// A temp dir with key files in `keys/` and an empty `work/` for inputs and outputs.
struct Fx {
    _tmp: tempfile::TempDir,
    keys: KeyFiles,
    work: PathBuf,
}

impl Fx {
    fn new() -> Fx {
        let tmp = tempfile::tempdir().unwrap();
        let kd = tmp.path().join("keys");
        let work = tmp.path().join("work");
        std::fs::create_dir_all(&kd).unwrap();
        std::fs::create_dir_all(&work).unwrap();
        Fx {
            keys: KeyFiles::write(&kd),
            work,
            _tmp: tmp,
        }
    }

    fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let p = self.work.join(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    fn path(&self, name: &str) -> PathBuf {
        self.work.join(name)
    }
}

fn io(input: &Path, output: &Path) -> Vec<String> {
    vec![
        "--input".into(),
        path_str(input),
        "--output".into(),
        path_str(output),
    ]
}

fn cmd(op: &str, parts: &[Vec<String>]) -> Vec<String> {
    let mut v = vec![op.to_string()];
    for p in parts {
        v.extend(p.iter().cloned());
    }
    v
}

fn strs(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

const EC: [&str; 4] = ["--context", "purpose=test", "--context", "tenant=42"];

fn inspect(path: &Path) -> serde_json::Value {
    let out = ok(&cmd("inspect", &[strs(&["--input", &path_str(path)])]), b"");
    serde_json::from_slice(&out).expect("inspect prints JSON")
}

/// Encrypts `pt` to a file, checks the header, decrypts to a file and compares.
fn roundtrip(
    fx: &Fx,
    pt: &[u8],
    enc_keys: &[Vec<String>],
    dec_keys: &[Vec<String>],
    extra: &[&str],
) -> PathBuf {
    let pt_path = fx.file("pt", pt);
    let ct_path = fx.path("ct");
    let out_path = fx.path("out");
    let mut enc = vec![io(&pt_path, &ct_path), strs(&EC), strs(extra)];
    enc.extend(enc_keys.iter().cloned());
    ok(&cmd("encrypt", &enc), b"");
    let mut dec = vec![io(&ct_path, &out_path), strs(&EC)];
    dec.extend(dec_keys.iter().cloned());
    ok(&cmd("decrypt", &dec), b"");
    assert_eq!(std::fs::read(&out_path).unwrap(), pt);
    ct_path
}

#[test]
fn aes_key_sizes_round_trip() {
    let fx = Fx::new();
    for bits in [128, 192, 256] {
        let ct = roundtrip(
            &fx,
            &data(10_000, bits),
            &[fx.keys.aes(bits)],
            &[fx.keys.aes(bits)],
            &[],
        );
        let h = inspect(&ct);
        assert_eq!(h["encrypted_data_keys"][0]["provider_id"], NS);
        let info = hex::decode(
            h["encrypted_data_keys"][0]["provider_info"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert!(info.starts_with(format!("aes-{bits}").as_bytes()));
    }
}

#[test]
fn rsa_each_padding_round_trips() {
    let fx = Fx::new();
    for (i, p) in PADDINGS.iter().enumerate() {
        let ct = roundtrip(
            &fx,
            &data(5000, i as u32),
            &[fx.keys.rsa_public(p)],
            &[fx.keys.rsa_private(p)],
            &[],
        );
        let h = inspect(&ct);
        assert_eq!(
            h["encrypted_data_keys"][0]["provider_info"],
            hex::encode(RSA_NAME)
        );
    }
    // A different padding cannot unwrap.
    let ct = fx.path("ct");
    let err = fails(
        &cmd(
            "decrypt",
            &[io(&ct, &fx.path("x")), fx.keys.rsa_private("pkcs1")],
        ),
        b"",
    );
    assert!(err.contains("ERR_NO_DECRYPTING_KEYRING"), "{err}");
    assert!(!fx.path("x").exists());
}

#[test]
fn multi_key_generator_and_child() {
    let fx = Fx::new();
    let pt = data(9000, 7);
    let ct = roundtrip(
        &fx,
        &pt,
        &[fx.keys.aes(256), fx.keys.rsa_public("oaep-sha256")],
        &[fx.keys.rsa_private("oaep-sha256")],
        &[],
    );
    let h = inspect(&ct);
    let edks = h["encrypted_data_keys"].as_array().unwrap();
    assert_eq!(edks.len(), 2);
    // The first key given is the generator: its EDK comes first.
    assert!(hex::decode(edks[0]["provider_info"].as_str().unwrap())
        .unwrap()
        .starts_with(b"aes-256"));
    assert_eq!(edks[1]["provider_info"], hex::encode(RSA_NAME));
    // Either key alone decrypts; both together too; an unrelated key does not.
    for keys in [
        vec![fx.keys.aes(256)],
        vec![fx.keys.aes(128), fx.keys.rsa_private("oaep-sha256")],
    ] {
        let mut dec = vec![io(&ct, &fx.path("out2")), strs(&EC)];
        dec.extend(keys);
        ok(&cmd("decrypt", &dec), b"");
        assert_eq!(std::fs::read(fx.path("out2")).unwrap(), pt);
    }
    fails(
        &cmd("decrypt", &[io(&ct, &fx.path("out3")), fx.keys.aes(128)]),
        b"",
    );
    assert!(!fx.path("out3").exists());
}

#[test]
fn every_suite_under_its_policy() {
    let fx = Fx::new();
    let pt = data(3000, 3);
    for suite in SUITES {
        let s = format!("0x{suite:04x}");
        let (enc_policy, dec_policy) = if is_committing(suite) {
            ("require-require", "require-require")
        } else {
            ("forbid-allow", "require-allow")
        };
        let pt_path = fx.file("pt", &pt);
        let ct = fx.path(&format!("ct-{suite:04x}"));
        let out = fx.path(&format!("out-{suite:04x}"));
        let hex_form = if suite % 2 == 0 {
            s.clone()
        } else {
            format!("{suite:04x}")
        };
        ok(
            &cmd(
                "encrypt",
                &[
                    io(&pt_path, &ct),
                    fx.keys.aes(256),
                    strs(&["--suite", &hex_form, "--commitment-policy", enc_policy]),
                ],
            ),
            b"",
        );
        let h = inspect(&ct);
        assert_eq!(h["suite"], s.as_str());
        assert_eq!(h["suite_id"], suite);
        assert_eq!(h["version"], if is_committing(suite) { 2 } else { 1 });
        assert_eq!(
            h["message_id"].as_str().unwrap().len(),
            if is_committing(suite) { 64 } else { 32 }
        );
        let signed = matches!(suite, 0x0214 | 0x0346 | 0x0378 | 0x0578);
        assert_eq!(
            h["encryption_context"]
                .get("aws-crypto-public-key")
                .is_some(),
            signed
        );
        ok(
            &cmd(
                "decrypt",
                &[
                    io(&ct, &out),
                    fx.keys.aes(256),
                    strs(&["--commitment-policy", dec_policy]),
                ],
            ),
            b"",
        );
        assert_eq!(std::fs::read(&out).unwrap(), pt);
        if !is_committing(suite) {
            // The default policy refuses both directions for non-committing suites.
            let e = fails(
                &cmd("decrypt", &[io(&ct, &fx.path("no")), fx.keys.aes(256)]),
                b"",
            );
            assert!(e.contains("ERR_COMMITMENT_POLICY"), "{e}");
            let e = fails(
                &cmd(
                    "encrypt",
                    &[
                        io(&pt_path, &fx.path("no")),
                        fx.keys.aes(256),
                        strs(&["--suite", &s]),
                    ],
                ),
                b"",
            );
            assert!(e.contains("ERR_COMMITMENT_POLICY"), "{e}");
            assert!(!fx.path("no").exists());
        }
    }
}

#[test]
fn frame_lengths_and_sizes() {
    let fx = Fx::new();
    for (frame, len) in [
        (0u32, 10_000usize),
        (0, 0),
        (1, 37),
        (128, 1024),
        (512, 10_000),
        (4096, 0),
        (4096, 8192),
        (100_000, 5),
    ] {
        let pt = data(len, frame ^ len as u32);
        let ct = roundtrip(
            &fx,
            &pt,
            &[fx.keys.aes(256)],
            &[fx.keys.aes(256)],
            &["--frame-length", &frame.to_string()],
        );
        let h = inspect(&ct);
        assert_eq!(h["frame_length"], frame);
        assert_eq!(
            h["content_type"],
            if frame == 0 { "non-framed" } else { "framed" }
        );
    }
    // Default frame length.
    let ct = roundtrip(&fx, b"abc", &[fx.keys.aes(256)], &[fx.keys.aes(256)], &[]);
    assert_eq!(inspect(&ct)["frame_length"], 4096);
}

#[test]
fn stdin_and_stdout() {
    let fx = Fx::new();
    let pt = data(70_000, 11);
    let ct = ok(
        &cmd(
            "encrypt",
            &[
                strs(&["--input", "-", "--output", "-"]),
                fx.keys.aes(192),
                strs(&EC),
            ],
        ),
        &pt,
    );
    assert_eq!(ct[0], 2);
    let out = ok(
        &cmd(
            "decrypt",
            &[
                strs(&["--input", "-", "--output", "-"]),
                fx.keys.aes(192),
                strs(&EC),
            ],
        ),
        &ct,
    );
    assert_eq!(out, pt);
    let h: serde_json::Value =
        serde_json::from_slice(&ok(&strs(&["inspect", "--input", "-"]), &ct)).unwrap();
    assert_eq!(h["encryption_context"]["tenant"], "42");
    // Mixed: file in, stdout out and stdin in, file out.
    let ct_path = fx.file("ct", &ct);
    assert_eq!(
        ok(
            &cmd("decrypt", &[io(&ct_path, Path::new("-")), fx.keys.aes(192)]),
            b""
        ),
        pt
    );
    ok(
        &cmd(
            "decrypt",
            &[io(Path::new("-"), &fx.path("o")), fx.keys.aes(192)],
        ),
        &ct,
    );
    assert_eq!(std::fs::read(fx.path("o")).unwrap(), pt);
}

#[test]
fn inspect_json_fields() {
    let fx = Fx::new();
    let ct = roundtrip(
        &fx,
        b"hello",
        &[fx.keys.aes(256)],
        &[fx.keys.aes(256)],
        &["--frame-length", "512"],
    );
    let h = inspect(&ct);
    let obj = h.as_object().unwrap();
    for field in [
        "version",
        "suite",
        "suite_id",
        "message_id",
        "encryption_context",
        "encrypted_data_keys",
        "content_type",
        "frame_length",
    ] {
        assert!(obj.contains_key(field), "missing {field}: {h}");
    }
    assert_eq!(h["version"], 2);
    assert_eq!(h["suite"], "0x0578");
    assert_eq!(h["content_type"], "framed");
    assert_eq!(h["frame_length"], 512);
    assert_eq!(h["encryption_context"]["purpose"], "test");
    assert!(hex::decode(h["message_id"].as_str().unwrap()).is_ok());
    let edk = &h["encrypted_data_keys"][0];
    assert_eq!(edk["provider_id"], NS);
    // Raw AES provider info: name ‖ tag bits (128) ‖ IV length (12) ‖ 12-byte IV.
    let info = hex::decode(edk["provider_info"].as_str().unwrap()).unwrap();
    assert_eq!(info.len(), 7 + 4 + 4 + 12);
    assert_eq!(&info[7..15], &[0, 0, 0, 128, 0, 0, 0, 12]);
}

#[test]
fn esdk_test_vector_decrypts() {
    let dir = vectors_dir().join("esdk/python-4.0.7");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let fx = Fx::new();
    for name in [
        "pos-0578-framed512-aes256-ec2",
        "pos-0014-framed512-rsa-oaep-sha1-ec2",
    ] {
        let t = &manifest["tests"][name];
        let mk = &t["master-keys"][0];
        let keys = match mk["key"].as_str().unwrap() {
            "aes-256" => fx.keys.aes(256),
            "rsa-4096-private" => fx
                .keys
                .rsa_private(&format!("oaep-{}", mk["padding-hash"].as_str().unwrap())),
            k => panic!("unexpected key {k}"),
        };
        assert_eq!(mk["provider-id"], NS);
        let file =
            |uri: &serde_json::Value| dir.join(uri.as_str().unwrap().trim_start_matches("file://"));
        let ct = file(&t["ciphertext"]);
        let expected = std::fs::read(file(&t["result"]["output"]["plaintext"])).unwrap();
        let out = fx.path(name);
        let mut args = vec![
            io(&ct, &out),
            keys,
            strs(&["--commitment-policy", "require-allow"]),
        ];
        for (k, v) in t["x-meta"]["stored-encryption-context"]
            .as_object()
            .unwrap()
        {
            if !k.starts_with("aws-crypto-") {
                args.push(strs(&[
                    "--context",
                    &format!("{k}={}", v.as_str().unwrap()),
                ]));
            }
        }
        ok(&cmd("decrypt", &args), b"");
        assert_eq!(std::fs::read(&out).unwrap(), expected, "{name}");
    }
}

/// Encrypts a signed, multi-frame message under the test context for the failure tests.
fn message(fx: &Fx) -> (Vec<u8>, PathBuf) {
    let pt = data(20_000, 5);
    let ct = roundtrip(
        fx,
        &pt,
        &[fx.keys.aes(256)],
        &[fx.keys.aes(256)],
        &["--frame-length", "1024"],
    );
    let bytes = std::fs::read(&ct).unwrap();
    std::fs::remove_file(fx.path("out")).unwrap();
    (bytes, ct)
}

/// Runs a failing decrypt to `work/out` and to stdout; neither may release anything.
fn decrypt_fails(fx: &Fx, ct: &Path, extra: &[Vec<String>]) -> String {
    let before = listing(&fx.work);
    let mut args = vec![io(ct, &fx.path("out"))];
    args.extend(extra.iter().cloned());
    let err = fails(&cmd("decrypt", &args), b"");
    assert_eq!(
        listing(&fx.work),
        before,
        "no output or temp file may be left behind"
    );
    let mut args = vec![io(ct, Path::new("-"))];
    args.extend(extra.iter().cloned());
    let out = sealkit(&cmd("decrypt", &args), b"");
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "nothing may reach stdout on failure");
    err
}

#[test]
fn wrong_key_fails() {
    let fx = Fx::new();
    let (_, ct) = message(&fx);
    let bad = fx.keys.dir.join("other.key");
    std::fs::write(&bad, [9u8; 32]).unwrap();
    let wrong = vec![
        "--aes-key".to_string(),
        format!("{NS}:aes-256:{}", bad.display()),
    ];
    let err = decrypt_fails(&fx, &ct, &[wrong, strs(&EC)]);
    assert!(err.contains("ERR_NO_DECRYPTING_KEYRING"), "{err}");
    let err = decrypt_fails(&fx, &ct, &[fx.keys.rsa_private("oaep-sha256"), strs(&EC)]);
    assert!(err.contains("ERR_NO_DECRYPTING_KEYRING"), "{err}");
}

#[test]
fn tampered_byte_fails() {
    let fx = Fx::new();
    let (mut bytes, _) = message(&fx);
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    let ct = fx.file("tampered", &bytes);
    let err = decrypt_fails(&fx, &ct, &[fx.keys.aes(256), strs(&EC)]);
    assert!(
        err.contains("ERR_BODY_AUTH") || err.contains("ERR_BAD_CIPHERTEXT"),
        "{err}"
    );
    // The last byte sits in the footer signature: only the signature check can catch it.
    let (mut bytes, _) = message(&fx);
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    let ct = fx.file("tampered-sig", &bytes);
    let err = decrypt_fails(&fx, &ct, &[fx.keys.aes(256)]);
    assert!(err.contains("ERR_SIGNATURE_INVALID"), "{err}");
}

#[test]
fn context_pairs_are_enforced() {
    let fx = Fx::new();
    let (_, ct) = message(&fx);
    let err = decrypt_fails(
        &fx,
        &ct,
        &[fx.keys.aes(256), strs(&["--context", "purpose=other"])],
    );
    assert!(
        err.contains("ERR_CONTEXT_MISMATCH") && err.contains("purpose"),
        "{err}"
    );
    let err = decrypt_fails(
        &fx,
        &ct,
        &[fx.keys.aes(256), strs(&["--context", "absent=x"])],
    );
    assert!(
        err.contains("'absent'") && err.contains("not stored in the message"),
        "{err}"
    );
    // Same with RSA, where the failure surfaces at header authentication instead of unwrapping.
    let pt = fx.file("pt-rsa", b"rsa message");
    let ct_rsa = fx.path("ct-rsa");
    ok(
        &cmd(
            "encrypt",
            &[io(&pt, &ct_rsa), fx.keys.rsa_public("oaep-sha1"), strs(&EC)],
        ),
        b"",
    );
    let err = decrypt_fails(
        &fx,
        &ct_rsa,
        &[
            fx.keys.rsa_private("oaep-sha1"),
            strs(&["--context", "absent=x"]),
        ],
    );
    assert!(
        err.contains("ERR_HEADER_AUTH") && err.contains("'absent'"),
        "{err}"
    );
    // A subset of the stored pairs is fine.
    ok(
        &cmd(
            "decrypt",
            &[
                io(&ct, &fx.path("subset")),
                fx.keys.aes(256),
                strs(&["--context", "tenant=42"]),
            ],
        ),
        b"",
    );
}

#[test]
fn truncated_message_fails() {
    let fx = Fx::new();
    let (bytes, _) = message(&fx);
    for cut in [1, 10, 200, bytes.len() / 2, bytes.len() - 1] {
        let ct = fx.file("truncated", &bytes[..cut]);
        let err = decrypt_fails(&fx, &ct, &[fx.keys.aes(256)]);
        assert!(err.contains("ERR_TRUNCATED"), "cut {cut}: {err}");
    }
    let ct = fx.file("trailing", &[&bytes[..], b"x"].concat());
    let err = decrypt_fails(&fx, &ct, &[fx.keys.aes(256)]);
    assert!(err.contains("ERR_TRAILING_BYTES"), "{err}");
}

#[test]
fn argument_errors() {
    let fx = Fx::new();
    let pt = fx.file("pt", b"data");
    let out = fx.path("out");
    let enc = |extra: Vec<Vec<String>>| {
        let mut a = vec![io(&pt, &out)];
        a.extend(extra);
        let err = fails(&cmd("encrypt", &a), b"");
        assert!(!out.exists());
        err
    };
    // Bad key file lengths (incl. a trailing newline) name the option.
    for len in [0usize, 15, 31, 33] {
        let k = fx.file("bad.key", &vec![1u8; len]);
        let err = enc(vec![vec![
            "--aes-key".into(),
            format!("n:k:{}", k.display()),
        ]]);
        assert!(
            err.contains("ERR_INVALID_ARGUMENT")
                && err.contains("--aes-key")
                && err.contains(&len.to_string()),
            "{err}"
        );
    }
    std::fs::remove_file(fx.path("bad.key")).unwrap();
    let err = enc(vec![vec![
        "--aes-key".into(),
        "n:k:/nonexistent/key".into(),
    ]]);
    assert!(
        err.contains("ERR_INVALID_ARGUMENT") && err.contains("/nonexistent/key"),
        "{err}"
    );
    let err = enc(vec![fx.keys.aes(256), strs(&["--suite", "0x9999"])]);
    assert!(err.contains("ERR_USAGE") && err.contains("0x9999"), "{err}");
    let err = enc(vec![fx.keys.aes(256), strs(&["--suite", "zz"])]);
    assert!(err.contains("ERR_USAGE"), "{err}");
    let err = enc(vec![
        fx.keys.aes(256),
        strs(&["--context", "aws-crypto-x=1"]),
    ]);
    assert!(err.contains("ERR_RESERVED_CONTEXT_KEY"), "{err}");
    let err = enc(vec![fx.keys.aes(256), strs(&["--context", "novalue"])]);
    assert!(err.contains("ERR_USAGE"), "{err}");
    let pem = fx.file(
        "bad.pem",
        b"-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----\n",
    );
    let err = enc(vec![strs(&[
        "--rsa-public-key",
        &format!("n:k:{}", pem.display()),
        "--rsa-padding",
        "pkcs1",
    ])]);
    assert!(
        err.contains("ERR_INVALID_ARGUMENT") && err.contains("--rsa-public-key"),
        "{err}"
    );
    // --rsa-padding binding.
    let err = enc(vec![strs(&[
        "--rsa-public-key",
        &format!("n:k:{}", pem.display()),
    ])]);
    assert!(
        err.contains("needs a padding") && err.contains("n:k:"),
        "{err}"
    );
    let err = enc(vec![
        strs(&["--rsa-padding", "pkcs1"]),
        fx.keys.rsa_public("pkcs1"),
    ]);
    assert!(err.contains("no RSA key option before it"), "{err}");
    let err = enc(vec![fx.keys.aes(256), strs(&["--rsa-padding", "pkcs1"])]);
    assert!(err.contains("not an RSA key option"), "{err}");
    let err = enc(vec![fx.keys.rsa_public("oaep-md5")]);
    assert!(err.contains("ERR_USAGE"), "{err}");
    let err = enc(vec![fx.keys.rsa_private("pkcs1")]);
    assert!(err.contains("--rsa-public-key"), "{err}");
    let err = enc(vec![]);
    assert!(err.contains("no wrapping key"), "{err}");
    let err = enc(vec![
        fx.keys.aes(256),
        strs(&["--commitment-policy", "none"]),
    ]);
    assert!(err.contains("ERR_USAGE"), "{err}");
    let err = enc(vec![fx.keys.aes(256), strs(&["--frame-length", "-1"])]);
    assert!(err.contains("ERR_USAGE"), "{err}");
    assert!(fails(&strs(&["frobnicate"]), b"").contains("ERR_USAGE"));
    assert!(fails(&Vec::<String>::new(), b"").contains("ERR_USAGE"));
    // Usage errors exit 2, operation failures 1.
    assert_eq!(sealkit(&strs(&["encrypt"]), b"").status.code(), Some(2));
    let missing = sealkit(
        &cmd("encrypt", &[io(&fx.path("nope"), &out), fx.keys.aes(256)]),
        b"",
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(!out.exists());
    let only = listing(&fx.work);
    assert_eq!(only, vec!["bad.pem".to_string(), "pt".to_string()]);
}

#[test]
fn header_limits_refuse_before_any_key_is_used() {
    let fx = Fx::new();
    // Eleven AES keys: one over the default EDK limit of 10.
    let keys: Vec<Vec<String>> = (0..11)
        .map(|i| {
            let file = fx.keys.dir.join(format!("k{i}.key"));
            std::fs::write(&file, [i as u8; 32]).unwrap();
            vec![
                "--aes-key".to_string(),
                format!("{NS}:k{i}:{}", file.display()),
            ]
        })
        .collect();
    let pt = fx.file("pt", b"eleven keys");
    let ct = fx.path("ct");
    let mut enc = vec![io(&pt, &ct)];
    enc.extend(keys.iter().cloned());
    // encrypt: no limit unless one is given.
    let mut limited = enc.clone();
    limited.push(strs(&["--max-encrypted-data-keys", "10"]));
    let err = fails(&cmd("encrypt", &limited), b"");
    assert!(err.contains("ERR_TOO_MANY_EDKS"), "{err}");
    assert!(!ct.exists());
    ok(&cmd("encrypt", &enc), b"");

    let one_key = keys[10].clone();
    let err = decrypt_fails(&fx, &ct, std::slice::from_ref(&one_key));
    assert!(err.contains("ERR_TOO_MANY_EDKS"), "default limit: {err}");
    let err = decrypt_fails(
        &fx,
        &ct,
        &[one_key.clone(), strs(&["--max-encrypted-data-keys", "3"])],
    );
    assert!(
        err.contains("ERR_TOO_MANY_EDKS") && err.contains("3"),
        "{err}"
    );
    let err = decrypt_fails(
        &fx,
        &ct,
        &[
            one_key.clone(),
            strs(&[
                "--max-encrypted-data-keys",
                "11",
                "--max-header-size",
                "200",
            ]),
        ],
    );
    assert!(err.contains("ERR_HEADER_TOO_LARGE"), "{err}");
    let err = fails(
        &cmd(
            "inspect",
            &[strs(&[
                "--input",
                &path_str(&ct),
                "--max-header-size",
                "200",
            ])],
        ),
        b"",
    );
    assert!(err.contains("ERR_HEADER_TOO_LARGE"), "{err}");
    let out = fx.path("out");
    let mut dec = vec![io(&ct, &out), one_key];
    dec.push(strs(&["--max-encrypted-data-keys", "11"]));
    ok(&cmd("decrypt", &dec), b"");
    assert_eq!(std::fs::read(&out).unwrap(), b"eleven keys");
    for bad in ["0", "65536", "x"] {
        let err = fails(
            &cmd(
                "decrypt",
                &[
                    io(&ct, &fx.path("o")),
                    strs(&["--max-encrypted-data-keys", bad]),
                ],
            ),
            b"",
        );
        assert!(err.contains("ERR_USAGE"), "{bad}: {err}");
    }
}

/// A decrypt killed mid-message (SIGKILL, as the OOM killer sends) leaves no file behind: the
/// staged output is an unnamed O_TMPFILE file until the whole message has verified.
#[cfg(target_os = "linux")]
#[test]
fn killed_decrypt_leaves_no_file() {
    use std::process::{Command, Stdio};
    let fx = Fx::new();
    let pt = fx.file("pt", &data(32 << 20, 11));
    let ct = fx.path("ct");
    // The default suite 0x0578 is signed: nothing is verified before the end.
    ok(&cmd("encrypt", &[io(&pt, &ct), fx.keys.aes(256)]), b"");
    std::fs::remove_file(&pt).unwrap();
    let before = listing(&fx.work);
    let out = fx.path("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sealkit"))
        .args(cmd("decrypt", &[io(&ct, &out), fx.keys.aes(256)]))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until it has written plaintext to its staged output, then kill it.
    let io_path = format!("/proc/{}/io", child.id());
    let written = || {
        let text = std::fs::read_to_string(&io_path).unwrap_or_default();
        text.lines()
            .find_map(|l| l.strip_prefix("wchar: "))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    let start = std::time::Instant::now();
    while written() < 1 << 20 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "decrypt ended too soon"
        );
        assert!(start.elapsed().as_secs() < 120, "decrypt wrote nothing");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(child.try_wait().unwrap().is_none(), "killed mid-message");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(listing(&fx.work), before, "nothing may be left behind");
    assert!(!out.exists());
    // The same command, left alone, publishes the output.
    ok(&cmd("decrypt", &[io(&ct, &out), fx.keys.aes(256)]), b"");
    assert_eq!(std::fs::metadata(&out).unwrap().len(), 32 << 20);
}

#[test]
fn output_must_not_be_the_input() {
    let fx = Fx::new();
    let pt = fx.file("pt", b"precious");
    let err = fails(&cmd("encrypt", &[io(&pt, &pt), fx.keys.aes(256)]), b"");
    assert!(err.contains("input file"), "{err}");
    let same = fx.work.join(".").join("pt");
    fails(&cmd("encrypt", &[io(&pt, &same), fx.keys.aes(256)]), b"");
    assert_eq!(std::fs::read(&pt).unwrap(), b"precious");
    let err = fails(&cmd("encrypt", &[io(&pt, &fx.work), fx.keys.aes(256)]), b"");
    assert!(err.contains("is a directory"), "{err}");
    assert_eq!(listing(&fx.work), vec!["pt".to_string()]);
}

#[test]
fn failed_decrypt_keeps_an_existing_output_file() {
    let fx = Fx::new();
    let (mut bytes, _) = message(&fx);
    let n = bytes.len();
    bytes[n / 2] ^= 0x80;
    let ct = fx.file("bad", &bytes);
    let out = fx.file("out", b"old contents");
    fails(&cmd("decrypt", &[io(&ct, &out), fx.keys.aes(256)]), b"");
    assert_eq!(std::fs::read(&out).unwrap(), b"old contents");
    assert_eq!(
        listing(&fx.work),
        vec![
            "bad".to_string(),
            "ct".to_string(),
            "out".to_string(),
            "pt".to_string()
        ]
    );
}

#[test]
fn inspect_garbage_is_a_named_error() {
    let inputs: Vec<Vec<u8>> = vec![
        vec![],
        b"hello world, this is not a message".to_vec(),
        b"AYADeJ5base64looking".to_vec(),
        vec![2, 0x05, 0x78],
        vec![1, 0x80, 0x99, 0x99, 0, 0],
        [&[2u8, 0x05, 0x78][..], &[0u8; 32], &[0xff, 0xff]].concat(),
        data(4096, 1),
    ];
    for (i, input) in inputs.iter().enumerate() {
        let err = fails(&strs(&["inspect", "--input", "-"]), input);
        assert!(!err.contains("ERR_INTERNAL"), "input {i}: {err}");
        let out = sealkit(&strs(&["inspect", "--input", "-"]), input);
        assert_eq!(out.status.code(), Some(1), "input {i}");
        assert!(out.stdout.is_empty());
    }
    assert!(fails(&strs(&["inspect", "--input", "/nonexistent"]), b"").contains("ERR_IO"));
}

#[test]
fn large_input_without_terminal_prints_no_progress() {
    let fx = Fx::new();
    let pt = data(9 * 1024 * 1024, 99);
    let pt_path = fx.file("big", &pt);
    let ct = fx.path("big.ct");
    let out = sealkit(&cmd("encrypt", &[io(&pt_path, &ct), fx.keys.aes(256)]), b"");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = sealkit(
        &cmd("decrypt", &[io(&ct, &fx.path("big.out")), fx.keys.aes(256)]),
        b"",
    );
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read(fx.path("big.out")).unwrap() == pt);
}

#[test]
fn help_documents_the_interface() {
    let top = String::from_utf8(ok(&strs(&["--help"]), b"")).unwrap();
    for s in [
        "encrypt",
        "decrypt",
        "inspect",
        "NS:NAME:KEYFILE",
        "require-allow",
        "forbid-allow",
        "EXIT STATUS",
    ] {
        assert!(top.contains(s), "top-level help lacks {s}");
    }
    let enc = String::from_utf8(ok(&strs(&["encrypt", "--help"]), b"")).unwrap();
    for s in [
        "--input",
        "--output",
        "--aes-key",
        "--rsa-public-key",
        "--rsa-private-key",
        "--rsa-padding",
        "oaep-sha512",
        "--context",
        "--suite",
        "--frame-length",
        "--commitment-policy",
        "first two colons",
        "temporary file",
        "SIGNED MESSAGES",
        "generator",
    ] {
        assert!(enc.contains(s), "encrypt --help lacks {s}");
    }
    let dec = String::from_utf8(ok(&strs(&["decrypt", "--help"]), b"")).unwrap();
    assert!(dec.contains("--context") && dec.contains("verified"));
    let ins = String::from_utf8(ok(&strs(&["inspect", "--help"]), b"")).unwrap();
    assert!(ins.contains("JSON") && ins.contains("provider_info"));
    assert!(ok(&strs(&["--version"]), b"").starts_with(b"sealkit "));
}

/// Encrypts `n` files in one batch run and returns the outputs and how many distinct data keys
/// (raw AES wraps carry a fresh IV in provider_info, so one per keyring call) they use.
fn encrypt_batch(fx: &Fx, n: usize, extra: &[&str]) -> (Vec<PathBuf>, usize) {
    let mut args = vec![fx.keys.aes(256), strs(&EC), strs(extra)];
    let mut outputs = Vec::new();
    for i in 0..n {
        let pt = fx.file(&format!("pt{i}"), format!("file {i}").as_bytes());
        let ct = fx.path(&format!("ct{i}"));
        args.push(io(&pt, &ct));
        outputs.push(ct);
    }
    ok(&cmd("encrypt", &args), b"");
    let keys: std::collections::BTreeSet<String> = outputs
        .iter()
        .map(|ct| inspect(ct)["encrypted_data_keys"][0]["provider_info"].to_string())
        .collect();
    (outputs, keys.len())
}

#[test]
fn batches_reuse_data_keys_only_with_the_cache_flags() {
    let fx = Fx::new();
    let (_, keys) = encrypt_batch(&fx, 5, &[]);
    assert_eq!(keys, 5);
    let (cts, keys) = encrypt_batch(
        &fx,
        5,
        &["--cache-max-age", "60", "--cache-max-messages", "2"],
    );
    assert_eq!(keys, 3);
    // The batch decrypts, with and without a cache.
    for extra in [&[][..], &["--cache-max-age", "60"][..]] {
        let mut args = vec![fx.keys.aes(256), strs(&EC), strs(extra)];
        for (i, ct) in cts.iter().enumerate() {
            args.push(io(ct, &fx.path(&format!("out{i}"))));
        }
        ok(&cmd("decrypt", &args), b"");
        for i in 0..cts.len() {
            assert_eq!(
                std::fs::read(fx.path(&format!("out{i}"))).unwrap(),
                format!("file {i}").as_bytes()
            );
        }
    }
}

#[test]
fn batch_argument_errors() {
    let fx = Fx::new();
    let pt = fx.file("pt", b"x");
    let two_in = cmd(
        "encrypt",
        &[
            fx.keys.aes(256),
            io(&pt, &fx.path("a")),
            strs(&["--input", &path_str(&pt)]),
        ],
    );
    assert!(fails(&two_in, b"").contains("2 --input but 1 --output"));
    let same_out = cmd(
        "encrypt",
        &[
            fx.keys.aes(256),
            io(&pt, &fx.path("a")),
            io(&pt, &fx.path("a")),
        ],
    );
    assert!(fails(&same_out, b"").contains("given twice"));
    let no_age = cmd(
        "encrypt",
        &[
            fx.keys.aes(256),
            io(&pt, &fx.path("a")),
            strs(&["--cache-max-messages", "5"]),
        ],
    );
    assert!(fails(&no_age, b"").contains("--cache-max-age"));
    let zero = cmd(
        "encrypt",
        &[
            fx.keys.aes(256),
            io(&pt, &fx.path("a")),
            strs(&["--cache-max-age", "0"]),
        ],
    );
    fails(&zero, b"");
    assert!(!fx.path("a").exists());
    // A failing file names itself and stops the batch; earlier outputs stay.
    let missing = fx.path("missing");
    let stop = cmd(
        "encrypt",
        &[
            fx.keys.aes(256),
            io(&pt, &fx.path("b")),
            io(&missing, &fx.path("c")),
        ],
    );
    assert!(fails(&stop, b"").contains(&path_str(&missing)));
    assert!(fx.path("b").exists() && !fx.path("c").exists());
}
