//! Intermediate key wrapping (ESDK spec: framework/algorithm-suites.md, "Intermediate Key Wrapping";
//! MPL `IntermediateKeyWrapping.dfy`).
//!
//! Item suites never hand the data key (PDK) to a keyring. Per EDK, a fresh intermediate key `ik`
//! is wrapped by the keyring, and the PDK is encrypted under a key derived from `ik`:
//!
//! ```text
//! EDK.ciphertext = AES-GCM(kek(ik), iv = 0¹², aad = EC, PDK) [48 bytes] ‖ keyring_wrap(ik)
//! ```
//!
//! A second key derived from `ik` signs the EDK's recipient tag, so one recipient cannot forge
//! another recipient's tag. That is why every leaf of a multi-keyring wraps its own `ik`.

use std::sync::Arc;

use crate::context::{self, EncryptionContext};
use crate::crypto::provider::{self, CryptoProvider, GcmJob};
use crate::crypto::random;
use crate::error::{Error, Result};
use crate::item::keys::{ct_eq, intermediate_keys, Key32, KEY_LEN};
use crate::keyring::Keyring;
use crate::materials::{DataKey, DecryptionMaterials, EncryptedDataKey, EncryptionMaterials};
use crate::suite::AlgorithmSuite;

/// Length of the encrypted PDK that prefixes every EDK ciphertext (32 + 16-byte tag).
pub const ENCRYPTED_PDK_LEN: usize = KEY_LEN + 16;
const ZERO_IV: [u8; 12] = [0u8; 12];

/// The wrapped data keys, and the symmetric signing key of each (same order).
pub struct WrappedKeys {
    /// EDKs for the header.
    pub edks: Vec<EncryptedDataKey>,
    /// Recipient-tag keys, one per EDK.
    pub mac_keys: Vec<Key32>,
}

fn leaves(keyring: &Arc<dyn Keyring>, depth: usize, out: &mut Vec<Arc<dyn Keyring>>) -> Result<()> {
    if depth > 16 {
        return Err(Error::invalid(
            "multi-keyrings are nested more than 16 levels deep",
        ));
    }
    match keyring.leaf_keyrings() {
        Some(children) => children.iter().try_for_each(|c| leaves(c, depth + 1, out)),
        None => {
            out.push(keyring.clone());
            Ok(())
        }
    }
}

/// Wraps `pdk` for every leaf keyring of `keyring`.
pub async fn wrap(
    crypto: &dyn CryptoProvider,
    keyring: &Arc<dyn Keyring>,
    suite: AlgorithmSuite,
    ec: &EncryptionContext,
    required: &crate::context::ContextKeys,
    pdk: &[u8],
) -> Result<WrappedKeys> {
    let aad = context::serialize(ec)?;
    let mut leaf_list = Vec::new();
    leaves(keyring, 0, &mut leaf_list)?;
    let mut out = WrappedKeys {
        edks: Vec::new(),
        mac_keys: Vec::new(),
    };
    for leaf in leaf_list {
        let ik = DataKey::new(random::bytes(KEY_LEN)?);
        let (kek, mac_key) = intermediate_keys(crypto, ik.as_bytes()).await?;
        let job = GcmJob {
            key: &kek,
            iv: &ZERO_IV,
            aad: &aad,
            input: pdk,
        };
        let encrypted_pdk = provider::seal_one(crypto, job).await?;
        let materials = EncryptionMaterials {
            suite,
            encryption_context: ec.clone(),
            required_context_keys: required.clone(),
            data_key: Some(ik.clone()),
            encrypted_data_keys: Vec::new(),
            signing_key: None,
        };
        let m = leaf.on_encrypt(materials).await?;
        match &m.data_key {
            Some(k) if ct_eq(k.as_bytes(), ik.as_bytes()) => {}
            _ => {
                return Err(Error::Keyring(
                    "a keyring replaced the intermediate key it was asked to wrap".into(),
                ))
            }
        }
        if m.encrypted_data_keys.is_empty() {
            return Err(Error::Keyring(
                "a keyring produced no encrypted data key".into(),
            ));
        }
        for edk in m.encrypted_data_keys {
            let mut ciphertext = Vec::with_capacity(ENCRYPTED_PDK_LEN + edk.ciphertext.len());
            ciphertext.extend_from_slice(&encrypted_pdk);
            ciphertext.extend_from_slice(&edk.ciphertext);
            out.edks.push(EncryptedDataKey { ciphertext, ..edk });
            out.mac_keys.push(mac_key.clone());
        }
    }
    Ok(out)
}

/// Unwraps the PDK and the recipient-tag key from the header's EDKs.
///
/// The keyring sees each EDK with the encrypted-PDK prefix removed, i.e. exactly what it wrapped.
pub async fn unwrap(
    crypto: &dyn CryptoProvider,
    keyring: &Arc<dyn Keyring>,
    suite: AlgorithmSuite,
    ec: &EncryptionContext,
    required: &crate::context::ContextKeys,
    edks: &[EncryptedDataKey],
) -> Result<(Key32, Key32)> {
    let stripped: Vec<EncryptedDataKey> = edks
        .iter()
        .filter(|e| e.ciphertext.len() > ENCRYPTED_PDK_LEN)
        .map(|e| EncryptedDataKey {
            provider_id: e.provider_id.clone(),
            provider_info: e.provider_info.clone(),
            ciphertext: e
                .ciphertext
                .get(ENCRYPTED_PDK_LEN..)
                .unwrap_or_default()
                .to_vec(),
        })
        .collect();
    if stripped.is_empty() {
        return Err(Error::NoDecryptingKeyring(vec![
            "no EDK is long enough to hold an intermediate-wrapped data key".into(),
        ]));
    }
    let materials = DecryptionMaterials {
        suite,
        encryption_context: ec.clone(),
        required_context_keys: required.clone(),
        data_key: None,
        verifying_key: None,
    };
    let m = keyring.on_decrypt(materials, &stripped).await?;
    let ik = m
        .data_key
        .ok_or_else(|| Error::NoDecryptingKeyring(vec!["keyring returned without a key".into()]))?;
    if ik.as_bytes().len() != KEY_LEN {
        return Err(Error::Keyring(format!(
            "unwrapped intermediate key is {} bytes, not 32",
            ik.as_bytes().len()
        )));
    }
    let (kek, mac_key) = intermediate_keys(crypto, ik.as_bytes()).await?;
    let aad = context::serialize(ec)?;
    // The keyring does not say which EDK it opened; only that EDK's prefix authenticates under kek.
    let jobs: Vec<GcmJob<'_>> = edks
        .iter()
        .filter_map(|edk| edk.ciphertext.get(..ENCRYPTED_PDK_LEN))
        .map(|prefix| GcmJob {
            key: &kek,
            iv: &ZERO_IV,
            aad: &aad,
            input: prefix,
        })
        .collect();
    for pdk in provider::open_each(crypto, &jobs)
        .await?
        .into_iter()
        .flatten()
    {
        if pdk.len() == KEY_LEN {
            let mut key = Key32::default();
            key.copy_from_slice(&pdk);
            return Ok((key, mac_key));
        }
    }
    Err(Error::NoDecryptingKeyring(vec![
        "the keyring unwrapped an intermediate key, but it decrypts no EDK's data key".into(),
    ]))
}
