//! Helpers for the integration tests: locating the vendored vectors (`tests/vectors/`), the test
//! tools (`tests/tools/`) and building keyrings.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine;
use sealkit::{Keyring, MultiKeyring, RawAesKeyring, RawRsaKeyring, RsaPadding};
use serde_json::Value;

/// The vendored test vectors (`tests/vectors/`, provenance in its README).
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("vectors")
}

/// The test tools (`tests/tools/`: the Python ESDK oracles, the moto launcher).
pub fn tools_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("tools")
}

pub fn read_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON in {}: {e}", path.display()))
}

/// Resolves a manifest `file://` URI relative to the manifest's folder.
pub fn resolve(dir: &std::path::Path, uri: &str) -> PathBuf {
    dir.join(uri.strip_prefix("file://").unwrap_or(uri))
}

/// Builds one keyring from an ESDK manifest key description.
pub fn keyring_from_description(keys: &Value, desc: &Value) -> Arc<dyn Keyring> {
    let key_ref = desc["key"].as_str().expect("key");
    let key = &keys["keys"][key_ref];
    let name = key["key-id"].as_str().expect("key-id");
    let namespace = desc["provider-id"].as_str().expect("provider-id");
    let material = key["material"].as_str().expect("material");
    match desc["encryption-algorithm"].as_str() {
        Some("aes") => {
            let raw = base64::engine::general_purpose::STANDARD
                .decode(material)
                .expect("base64");
            Arc::new(RawAesKeyring::new(namespace, name, &raw).expect("aes keyring"))
        }
        Some("rsa") => {
            let padding = match (
                desc["padding-algorithm"].as_str(),
                desc["padding-hash"].as_str(),
            ) {
                (Some("pkcs1"), _) => RsaPadding::Pkcs1,
                (Some("oaep-mgf1"), Some("sha1")) => RsaPadding::OaepSha1,
                (Some("oaep-mgf1"), Some("sha256")) => RsaPadding::OaepSha256,
                (Some("oaep-mgf1"), Some("sha384")) => RsaPadding::OaepSha384,
                (Some("oaep-mgf1"), Some("sha512")) => RsaPadding::OaepSha512,
                other => panic!("unknown padding {other:?}"),
            };
            let (public, private) = match key["type"].as_str() {
                Some("private") => (None, Some(material)),
                Some("public") => (Some(material), None),
                other => panic!("unknown RSA key type {other:?}"),
            };
            Arc::new(
                RawRsaKeyring::from_pem(namespace, name, padding, public, private)
                    .expect("rsa keyring"),
            )
        }
        other => panic!("unsupported key type {other:?}"),
    }
}

/// All the manifest's master keys as one keyring (multi-keyring when several).
pub fn keyring_from_master_keys(keys: &Value, master_keys: &[Value]) -> Arc<dyn Keyring> {
    let mut rings: Vec<Arc<dyn Keyring>> = master_keys
        .iter()
        .map(|d| keyring_from_description(keys, d))
        .collect();
    if rings.len() == 1 {
        return rings.remove(0);
    }
    Arc::new(MultiKeyring::new(None, rings).expect("multi"))
}
