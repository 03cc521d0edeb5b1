//! The state as [`Record`]s: what an operation changed, encoded for a [`Storage`], and rows read
//! back from one applied to the in-memory state.
//!
//! Key material is sealed at rest: each version's secret is AES-256-GCM under the root key, with
//! the AAD `sealkit-kms material v1 | <material reference> | <version number>`. The reference is
//! the ARN of the key that created the material (older states: `ACCOUNT/KEYID`), so a sealed
//! secret moved to another key's row, or to another version of the same key, does not open.

use super::grants::GrantEntry;
use super::key::{aes_open, aes_seal};
use super::storage::{Record, RecordKind};
use super::store::{KeyEntry, MaterialSet, MaterialVersion, RotationState, State};
use crate::error::{names, KmsError};
use crate::secret::SecretBytes;
use crate::types::KeySpec;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// A material set as stored: the secrets sealed.
#[derive(Serialize, Deserialize)]
struct StoredMaterial {
    spec: KeySpec,
    versions: Vec<StoredVersion>,
    rotation: RotationState,
}

#[derive(Serialize, Deserialize)]
struct StoredVersion {
    id: String,
    created: u64,
    #[serde(with = "crate::b64::bytes")]
    sealed: Vec<u8>,
}

fn aad(material_ref: &str, version: usize) -> Vec<u8> {
    format!("sealkit-kms material v1|{material_ref}|{version}").into_bytes()
}

fn internal(msg: &str) -> KmsError {
    KmsError::new(names::INTERNAL, msg)
}

fn seal_material(name: &str, set: &MaterialSet, root_key: &[u8; 32]) -> Result<Vec<u8>, KmsError> {
    let versions = set
        .versions
        .iter()
        .enumerate()
        .map(|(n, v)| {
            Ok(StoredVersion {
                id: v.id.clone(),
                created: v.created,
                sealed: aes_seal(root_key, &aad(name, n), v.secret.expose())?,
            })
        })
        .collect::<Result<Vec<_>, KmsError>>()?;
    serde_json::to_vec(&StoredMaterial {
        spec: set.spec.clone(),
        versions,
        rotation: set.rotation.clone(),
    })
    .map_err(|_| internal("material encoding failed"))
}

fn open_material(name: &str, json: &[u8], root_key: &[u8; 32]) -> Result<MaterialSet, KmsError> {
    let stored: StoredMaterial =
        serde_json::from_slice(json).map_err(|_| internal("stored material is unreadable"))?;
    let versions = stored
        .versions
        .into_iter()
        .enumerate()
        .map(|(n, v)| {
            let secret = Zeroizing::new(
                aes_open(root_key, &aad(name, n), &v.sealed)
                    .map_err(|_| internal("stored material does not open under the root key"))?,
            );
            Ok(MaterialVersion {
                id: v.id,
                created: v.created,
                secret: SecretBytes::new(secret.to_vec()),
            })
        })
        .collect::<Result<Vec<_>, KmsError>>()?;
    Ok(MaterialSet {
        spec: stored.spec,
        versions,
        rotation: stored.rotation,
    })
}

fn json<T: Serialize>(v: &T) -> Result<Vec<u8>, KmsError> {
    serde_json::to_vec(v).map_err(|_| internal("row encoding failed"))
}

/// The rows an operation changed (journaled in the state's tables since the last settle).
pub(crate) fn changed(state: &State, root_key: &[u8; 32]) -> Result<Vec<Record>, KmsError> {
    let mut out = Vec::new();
    for name in state.keys.touched() {
        let value = state.keys.get(name).map(json).transpose()?;
        out.push(record(RecordKind::Key, name, value));
    }
    for name in state.materials.touched() {
        let value = match state.materials.get(name) {
            Some(set) => Some(seal_material(name, set, root_key)?),
            None => None,
        };
        out.push(record(RecordKind::Material, name, value));
    }
    for name in state.aliases.touched() {
        let value = state.aliases.get(name).map(json).transpose()?;
        out.push(record(RecordKind::Alias, name, value));
    }
    for name in state.grants.touched() {
        let value = state.grants.get(name).map(json).transpose()?;
        out.push(record(RecordKind::Grant, name, value));
    }
    Ok(out)
}

/// Every row of a whole state (moving a state into an empty store).
pub(crate) fn all(state: &State, root_key: &[u8; 32]) -> Result<Vec<Record>, KmsError> {
    let mut out = Vec::new();
    for (name, k) in state.keys.iter() {
        out.push(record(RecordKind::Key, name, Some(json(k)?)));
    }
    for (name, set) in state.materials.iter() {
        let sealed = seal_material(name, set, root_key)?;
        out.push(record(RecordKind::Material, name, Some(sealed)));
    }
    for (name, target) in state.aliases.iter() {
        out.push(record(RecordKind::Alias, name, Some(json(target)?)));
    }
    for (name, grant) in state.grants.iter() {
        out.push(record(RecordKind::Grant, name, Some(json(grant)?)));
    }
    Ok(out)
}

fn record(kind: RecordKind, name: &str, value: Option<Vec<u8>>) -> Record {
    Record {
        kind,
        name: name.to_string(),
        value,
        seq: 0,
    }
}

/// Applies committed rows (read back from the store) to the state, outside any journal.
pub(crate) fn apply(
    state: &mut State,
    records: Vec<Record>,
    root_key: &[u8; 32],
) -> Result<(), KmsError> {
    use super::due::{key_due, material_due, Dated};
    for r in records {
        let name = r.name;
        match r.kind {
            RecordKind::Key => {
                let v: Option<KeyEntry> = match r.value {
                    Some(b) => Some(
                        serde_json::from_slice(&b)
                            .map_err(|_| internal("stored key is unreadable"))?,
                    ),
                    None => None,
                };
                let due = v.as_ref().and_then(key_due);
                state.due.set(Dated::Key, &name, due);
                state.keys.load(name, v);
            }
            RecordKind::Material => {
                let v = match r.value {
                    Some(b) => Some(open_material(&name, &b, root_key)?),
                    None => None,
                };
                let due = v.as_ref().and_then(material_due);
                state.due.set(Dated::Material, &name, due);
                state.materials.load(name, v);
            }
            RecordKind::Alias => {
                let v: Option<String> = match r.value {
                    Some(b) => Some(
                        serde_json::from_slice(&b)
                            .map_err(|_| internal("stored alias is unreadable"))?,
                    ),
                    None => None,
                };
                state.aliases.load(name, v);
            }
            RecordKind::Grant => {
                let v: Option<GrantEntry> = match r.value {
                    Some(b) => Some(
                        serde_json::from_slice(&b)
                            .map_err(|_| internal("stored grant is unreadable"))?,
                    ),
                    None => None,
                };
                state.grants.load(name, v);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::{dispatch::dispatch_json, LocalKms};
    use base64::Engine;

    fn call(c: &crate::local::LocalKmsClient, op: &str, body: &str) -> serde_json::Value {
        let out = dispatch_json(c, op, body.as_bytes()).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    /// Every secret of every key kind (symmetric, HMAC, RSA and EC private keys, a rotated
    /// version, a multi-Region replica) is absent from the stored rows, as bytes and as base64.
    #[test]
    fn no_row_holds_key_material_in_the_clear() {
        let (kms, _clock) = LocalKms::with_manual_clock(1_700_000_000);
        let c = kms
            .client("us-east-1", "arn:aws:iam::111122223333:root")
            .unwrap();
        let sym = call(&c, "CreateKey", r#"{"MultiRegion":true}"#);
        let sym = sym["KeyMetadata"]["Arn"].as_str().unwrap().to_string();
        call(&c, "RotateKeyOnDemand", &format!(r#"{{"KeyId":"{sym}"}}"#));
        call(
            &c,
            "ReplicateKey",
            &format!(r#"{{"KeyId":"{sym}","ReplicaRegion":"eu-west-1"}}"#),
        );
        for (spec, usage) in [
            ("HMAC_256", "GENERATE_VERIFY_MAC"),
            ("RSA_2048", "ENCRYPT_DECRYPT"),
            ("ECC_NIST_P256", "SIGN_VERIFY"),
        ] {
            call(
                &c,
                "CreateKey",
                &format!(r#"{{"KeySpec":"{spec}","KeyUsage":"{usage}"}}"#),
            );
        }
        let root = [3u8; 32];
        let state = kms.lock();
        let secrets: Vec<Vec<u8>> = state
            .materials
            .values()
            .flat_map(|set| set.versions.iter().map(|v| v.secret.expose().to_vec()))
            .collect();
        // symmetric (2 versions; the replica shares them), HMAC, RSA, EC
        assert_eq!(secrets.len(), 5);
        let rows = all(&state, &root).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD;
        let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        for r in &rows {
            let value = r.value.as_deref().unwrap_or_default();
            for s in &secrets {
                assert!(s.len() >= 16);
                for window in s.windows(16).step_by(8) {
                    assert!(!contains(value, window), "{:?} holds key bytes", r.kind);
                }
                let encoded = b64.encode(&s[..15]);
                assert!(
                    !contains(value, encoded.as_bytes()),
                    "{:?} holds base64 key bytes",
                    r.kind
                );
            }
        }
        // And the rows open again into the same secrets.
        let mut back = State::default();
        apply(&mut back, rows, &root).unwrap();
        let reopened: Vec<Vec<u8>> = back
            .materials
            .values()
            .flat_map(|set| set.versions.iter().map(|v| v.secret.expose().to_vec()))
            .collect();
        assert_eq!(reopened, secrets);
    }
}
