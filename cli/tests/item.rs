//! `sealkit item encrypt|decrypt`: round trips over every attribute type, the stored format,
//! wrong keys, tampering (line and attribute named), config errors, atomic output, and one
//! official DB-ESDK vector (Rust aws-db-esdk 1.3.0, raw AES) decrypted by the CLI.

mod common;

use std::path::{Path, PathBuf};

use base64::Engine;
use common::*;
use serde_json::{json, Value};

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
    /// `--aes-key ns:name:FILE` with 32 bytes of `fill`.
    fn aes(&self, fill: u8) -> Vec<String> {
        let k = self.file(&format!("aes-{fill}.key"), &[fill; 32]);
        vec![
            "--aes-key".into(),
            format!("item-ns:item-key:{}", k.display()),
        ]
    }
}

fn config() -> Value {
    json!({
        "tableName": "cli-items",
        "partitionKey": "pk",
        "sortKey": "sk",
        "attributeActions": {
            "pk": "SIGN_ONLY",
            "sk": "SIGN_ONLY",
            "ssn": "ENCRYPT_AND_SIGN",
            "n": "ENCRYPT_AND_SIGN",
            "b": "ENCRYPT_AND_SIGN",
            "flag": "ENCRYPT_AND_SIGN",
            "nul": "ENCRYPT_AND_SIGN",
            "l": "ENCRYPT_AND_SIGN",
            "m": "ENCRYPT_AND_SIGN",
            "ss": "ENCRYPT_AND_SIGN",
            "ns": "ENCRYPT_AND_SIGN",
            "bs": "ENCRYPT_AND_SIGN",
            "plain": "SIGN_ONLY"
        },
        "allowedUnsignedAttributePrefix": ":",
        "algorithmSuiteId": "0x6701"
    })
}

const ENCRYPTED: [&str; 10] = ["ssn", "n", "b", "flag", "nul", "l", "m", "ss", "ns", "bs"];

fn items() -> Vec<Value> {
    vec![
        json!({
            "pk": {"S": "user#1"}, "sk": {"N": "1"},
            "ssn": {"S": "123-45-6789"}, "n": {"N": "-2.5"}, "b": {"B": "AAECAw=="},
            "flag": {"BOOL": true}, "nul": {"NULL": true},
            "l": {"L": [{"S": "x"}, {"N": "7"}, {"L": [{"BOOL": false}]}, {"M": {"k": {"NULL": true}}}]},
            "m": {"M": {"inner": {"M": {"deep": {"S": "\u{1F600} unicode"}}}, "list": {"L": []}}},
            "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": ["AQ==", "Ag=="]},
            "plain": {"S": "signed, not encrypted"}, ":note": {"S": "unsigned"}
        }),
        json!({"pk": {"S": "user#2"}, "sk": {"N": "2"}, "ssn": {"S": ""}, "plain": {"S": "p2"}}),
        json!({"pk": {"S": "user#3"}, "sk": {"N": "3"}, "m": {"M": {}}, "plain": {"S": "p3"}}),
    ]
}

fn jsonl(items: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    for i in items {
        out.extend(serde_json::to_vec(i).unwrap());
        out.push(b'\n');
    }
    out
}

fn read_jsonl(p: &Path) -> Vec<Value> {
    parse_jsonl(&std::fs::read(p).unwrap())
}

fn parse_jsonl(b: &[u8]) -> Vec<Value> {
    String::from_utf8(b.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("output line is JSON"))
        .collect()
}

fn item_cmd(
    op: &str,
    cfg: &Path,
    input: &Path,
    output: &Path,
    keys: &[Vec<String>],
) -> Vec<String> {
    let mut v: Vec<String> = vec![
        "item".into(),
        op.into(),
        "--config".into(),
        path_str(cfg),
        "--input".into(),
        path_str(input),
        "--output".into(),
        path_str(output),
    ];
    for k in keys {
        v.extend(k.iter().cloned());
    }
    v
}

/// Encrypts `items()` to `enc.jsonl` (blank lines in the input are skipped).
fn encrypt_items(fx: &Fx, keys: &[Vec<String>]) -> (PathBuf, PathBuf) {
    let cfg = fx.file("config.json", config().to_string().as_bytes());
    let mut input = jsonl(&items());
    input.splice(0..0, b"\n".iter().copied());
    input.extend(b"   \n");
    let pt = fx.file("items.jsonl", &input);
    let enc = fx.path("enc.jsonl");
    ok(&item_cmd("encrypt", &cfg, &pt, &enc, keys), b"");
    (cfg, enc)
}

#[test]
fn items_round_trip_with_every_type() {
    let fx = Fx::new();
    let key = fx.aes(7);
    let (cfg, enc) = encrypt_items(&fx, std::slice::from_ref(&key));
    let encrypted = read_jsonl(&enc);
    assert_eq!(encrypted.len(), 3);
    let plain = items();
    for (e, p) in encrypted.iter().zip(&plain) {
        assert!(e["aws_dbe_head"]["B"].is_string(), "{e}");
        assert!(e["aws_dbe_foot"]["B"].is_string(), "{e}");
        for (name, value) in p.as_object().unwrap() {
            if ENCRYPTED.contains(&name.as_str()) {
                let b = e[name]["B"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{name} not B: {e}"));
                assert_ne!(&json!({"B": b}), value);
            } else {
                assert_eq!(&e[name], value, "{name} must be stored as is");
            }
        }
    }
    // Same order, exact values back.
    let dec = fx.path("dec.jsonl");
    ok(
        &item_cmd("decrypt", &cfg, &enc, &dec, std::slice::from_ref(&key)),
        b"",
    );
    assert_eq!(read_jsonl(&dec), plain);

    // stdin / stdout
    let enc_bytes = std::fs::read(&enc).unwrap();
    let dash = PathBuf::from("-");
    let out = ok(
        &item_cmd("decrypt", &cfg, &dash, &dash, std::slice::from_ref(&key)),
        &enc_bytes,
    );
    assert_eq!(parse_jsonl(&out), plain);
    let out = ok(
        &item_cmd("encrypt", &cfg, &dash, &dash, &[key]),
        &jsonl(&plain),
    );
    assert_eq!(parse_jsonl(&out).len(), 3);
}

#[test]
fn multi_key_and_suite_6700() {
    let fx = Fx::new();
    let mut cfg = config();
    cfg["algorithmSuiteId"] = json!(0x6700);
    let cfg = fx.file("c.json", cfg.to_string().as_bytes());
    let pt = fx.file("pt.jsonl", &jsonl(&items()));
    let enc = fx.path("enc.jsonl");
    ok(
        &item_cmd("encrypt", &cfg, &pt, &enc, &[fx.aes(1), fx.aes(2)]),
        b"",
    );
    for k in [fx.aes(1), fx.aes(2)] {
        let dec = fx.path("dec.jsonl");
        ok(&item_cmd("decrypt", &cfg, &enc, &dec, &[k]), b"");
        assert_eq!(read_jsonl(&dec), items());
    }
}

#[test]
fn wrong_key_fails_with_no_output() {
    let fx = Fx::new();
    let (cfg, enc) = encrypt_items(&fx, &[fx.aes(7)]);
    let dec = fx.path("dec.jsonl");
    let err = fails(&item_cmd("decrypt", &cfg, &enc, &dec, &[fx.aes(8)]), b"");
    assert!(err.contains("line 1"), "{err}");
    assert!(!dec.exists());
    // stdout stays empty too
    let out = sealkit(
        &item_cmd("decrypt", &cfg, &enc, Path::new("-"), &[fx.aes(8)]),
        b"",
    );
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
}

#[test]
fn tampered_line_names_line_and_attribute() {
    let fx = Fx::new();
    let key = fx.aes(7);
    let (cfg, enc) = encrypt_items(&fx, std::slice::from_ref(&key));
    let mut lines = read_jsonl(&enc);
    lines[1]["plain"] = json!({"S": "p2 changed"});
    let bad = fx.file("bad.jsonl", &jsonl(&lines));
    let dec = fx.path("dec.jsonl");
    std::fs::write(&dec, b"previous").unwrap();
    let err = fails(
        &item_cmd("decrypt", &cfg, &bad, &dec, std::slice::from_ref(&key)),
        b"",
    );
    assert!(err.contains("line 2") && err.contains("'plain'"), "{err}");
    assert_eq!(
        std::fs::read(&dec).unwrap(),
        b"previous",
        "existing output untouched"
    );

    // an encrypted attribute replaced by a plaintext value
    let mut lines = read_jsonl(&enc);
    lines[2]["m"] = json!({"S": "x"});
    let bad = fx.file("bad.jsonl", &jsonl(&lines));
    let err = fails(
        &item_cmd(
            "decrypt",
            &cfg,
            &bad,
            &fx.path("d2"),
            std::slice::from_ref(&key),
        ),
        b"",
    );
    assert!(err.contains("line 3") && err.contains("'m'"), "{err}");
    assert!(!fx.path("d2").exists());

    // not JSON
    let mut text = std::fs::read(&enc).unwrap();
    text.extend(b"{not json\n");
    let bad = fx.file("bad.jsonl", &text);
    let err = fails(
        &item_cmd("decrypt", &cfg, &bad, &fx.path("d3"), &[key]),
        b"",
    );
    assert!(err.contains("line 4"), "{err}");
    assert!(!fx.path("d3").exists());
    let names = listing(&fx.dir);
    assert!(
        names.iter().all(|n| !n.starts_with(".sealkit-")),
        "{names:?}"
    );
}

#[test]
fn config_errors_name_the_problem() {
    let fx = Fx::new();
    let pt = fx.file("pt.jsonl", &jsonl(&items()));
    let out = fx.path("out.jsonl");
    let run = |cfg: Value| {
        let c = fx.file("c.json", cfg.to_string().as_bytes());
        let err = fails(&item_cmd("encrypt", &c, &pt, &out, &[fx.aes(1)]), b"");
        assert!(!out.exists());
        err
    };
    // An item attribute with no action (and no defaultAction): named, with its line.
    let mut c = config();
    c["attributeActions"].as_object_mut().unwrap().remove("ssn");
    let err = run(c);
    assert!(err.contains("line 1") && err.contains("'ssn'"), "{err}");
    // A key without an action.
    let mut c = config();
    c["attributeActions"].as_object_mut().unwrap().remove("sk");
    let err = run(c);
    assert!(err.contains("--config") && err.contains("sk"), "{err}");
    // Unknown field, unknown action, bad suite, missing table name.
    let mut c = config();
    c["attributeActionsOnEncrypt"] = json!({});
    let err = run(c);
    assert!(err.contains("attributeActionsOnEncrypt"), "{err}");
    let mut c = config();
    c["attributeActions"]["ssn"] = json!("ENCRYPT");
    let err = run(c);
    assert!(
        err.contains("attributeActions.ssn") && err.contains("ENCRYPT"),
        "{err}"
    );
    let mut c = config();
    c["algorithmSuiteId"] = json!("0x0578");
    let err = run(c);
    assert!(err.contains("algorithmSuiteId"), "{err}");
    let mut c = config();
    c.as_object_mut().unwrap().remove("tableName");
    let err = run(c);
    assert!(err.contains("tableName"), "{err}");
    // defaultAction makes an unlisted attribute fine.
    let mut c = config();
    c["attributeActions"].as_object_mut().unwrap().remove("ssn");
    c["defaultAction"] = json!("ENCRYPT_AND_SIGN");
    let c = fx.file("c.json", c.to_string().as_bytes());
    ok(&item_cmd("encrypt", &c, &pt, &out, &[fx.aes(1)]), b"");
    assert!(read_jsonl(&out)[0]["ssn"]["B"].is_string());
}

#[test]
fn item_help_documents_the_config() {
    let help = String::from_utf8(ok(&["item", "encrypt", "--help"], b"")).unwrap();
    for s in [
        "--config",
        "tableName",
        "partitionKey",
        "sortKey",
        "attributeActions",
        "defaultAction",
        "allowedUnsignedAttributes",
        "allowedUnsignedAttributePrefix",
        "algorithmSuiteId",
        "ENCRYPT_AND_SIGN",
        "SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT",
        "--kms-key",
        "--aes-key",
        "line",
    ] {
        assert!(help.contains(s), "item encrypt --help lacks {s}");
    }
    let err = fails(&["item"], b"");
    assert!(err.contains("encrypt or decrypt"), "{err}");
}

/// The official vector: items encrypted by the Rust aws-db-esdk 1.3.0 under a raw AES key.
#[test]
fn official_dbesdk_vector_decrypts() {
    let path = vectors_dir().join("dbesdk/rawaes_rust_aws-db-esdk-1.3.0.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value = serde_json::from_str(&text).unwrap();
    let fx = Fx::new();
    let k = &v["keyring"];
    assert_eq!(k["type"], "raw-aes");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(k["key"].as_str().unwrap())
        .unwrap();
    let key_file = fx.file("vector.key", &raw);
    let key = vec![
        "--aes-key".to_string(),
        format!(
            "{}:{}:{}",
            k["keyNamespace"].as_str().unwrap(),
            k["keyName"].as_str().unwrap(),
            key_file.display()
        ),
    ];
    let mut checked = 0;
    for (id, t) in v["tests"].as_object().unwrap() {
        let c = &t["config"];
        let mut cfg = json!({
            "tableName": c["logicalTableName"],
            "partitionKey": c["partitionKeyName"],
            "attributeActions": c["attributeActionsOnEncrypt"],
            "algorithmSuiteId": t["algorithmSuite"],
        });
        if let Some(sk) = c.get("sortKeyName") {
            cfg["sortKey"] = sk.clone();
        }
        if let Some(p) = c.get("allowedUnsignedAttributePrefix") {
            cfg["allowedUnsignedAttributePrefix"] = p.clone();
        }
        if let Some(a) = c.get("allowedUnsignedAttributes") {
            cfg["allowedUnsignedAttributes"] = a.clone();
        }
        let cfg_path = fx.file("vector-config.json", cfg.to_string().as_bytes());
        let input = fx.file("vector.jsonl", &jsonl(&[t["encrypted"].clone()]));
        let out = fx.path("vector-out.jsonl");
        let _ = std::fs::remove_file(&out);
        let args = item_cmd(
            "decrypt",
            &cfg_path,
            &input,
            &out,
            std::slice::from_ref(&key),
        );
        match t["type"].as_str().unwrap() {
            "positive-decrypt" => {
                ok(&args, b"");
                let got = read_jsonl(&out);
                assert_eq!(got.len(), 1);
                assert_eq!(
                    canonical(&got[0]),
                    canonical(&t["plaintext"]),
                    "vector {id} ({})",
                    t["description"]
                );
            }
            _ => {
                let err = fails(&args, b"");
                assert!(err.contains("line 1"), "vector {id}: {err}");
                assert!(!out.exists());
            }
        }
        checked += 1;
    }
    assert!(checked >= 2, "{checked}");
}

/// DynamoDB's view of a value: numbers normalized (encrypted numbers come back in DynamoDB's
/// normal form, as with the official SDK), sets unordered.
fn canonical(v: &Value) -> Value {
    let num =
        |x: &Value| Value::String(sealkit::item::number::normalize(x.as_str().unwrap()).unwrap());
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("N", Value::String(_)) => num(v),
                        ("SS" | "NS" | "BS", Value::Array(a)) => {
                            let mut a: Vec<Value> = if k == "NS" {
                                a.iter().map(num).collect()
                            } else {
                                a.clone()
                            };
                            a.sort_by_key(|x| x.to_string());
                            Value::Array(a)
                        }
                        _ => canonical(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        other => other.clone(),
    }
}
