//! Content-key derivation for each suite (spec: framework/transitive-requirements.md).

#[cfg(not(feature = "host-crypto"))]
use hkdf::Hkdf;
#[cfg(not(feature = "host-crypto"))]
use sha2::{Sha256, Sha384, Sha512};
#[cfg(not(feature = "host-crypto"))]
use zeroize::Zeroizing;

use crate::crypto::content_key::ContentKey;
use crate::error::{Error, Result};
use crate::suite::{AlgorithmSuite, KeyDerivation};

/// Length of the v2 commit key.
pub const COMMIT_KEY_LEN: usize = 32;

/// The derived content-encryption key, and for committing suites the commit key.
pub struct DerivedKeys {
    /// Key for header auth and body encryption.
    pub content_key: ContentKey,
    /// Commitment written as the v2 header's suite data.
    pub commit_key: Option<[u8; COMMIT_KEY_LEN]>,
}

/// A data key must be as long as the suite's key.
pub(crate) fn check_data_key(suite: AlgorithmSuite, data_key: &[u8]) -> Result<()> {
    if data_key.len() != suite.key_len() {
        return Err(Error::Keyring(format!(
            "data key is {} bytes; suite 0x{:04x} needs {}",
            data_key.len(),
            suite.id(),
            suite.key_len()
        )));
    }
    Ok(())
}

/// Derives the content key (and commit key) from the data key and message id. (Async for the
/// `host-crypto` build, where the host derives; the built-in derivation never waits.)
pub async fn derive(
    suite: AlgorithmSuite,
    data_key: &[u8],
    message_id: &[u8],
) -> Result<DerivedKeys> {
    check_data_key(suite, data_key)?;
    #[cfg(feature = "host-crypto")]
    return derive_on_host(suite, data_key, message_id).await;
    #[cfg(not(feature = "host-crypto"))]
    derive_builtin(suite, data_key, message_id)
}

/// The same derivations by the host's HKDF (an empty salt is the RFC 5869 all-zero salt). The
/// host derives the content key straight into its AES-GCM, so it never reaches wasm or JS
/// memory. (No AES-192 suites in this build.)
/// What a host must run to derive one message's keys: HKDF over the data key with these
/// parameters (spec: framework/algorithm-suites.md, "Key Derivation"), into an AES key of `len`
/// bytes, and for committing suites a second HKDF (same hash and salt, info `COMMITKEY`) into
/// the 32-byte commit key. `None` from [`host_plan`] = the identity KDF (the data key is the
/// content key).
#[cfg(feature = "host-crypto")]
pub(crate) struct HkdfPlan<'a> {
    pub hash: crate::crypto::host::HkdfHash,
    /// Empty for the all-zero salt.
    pub salt: &'a [u8],
    pub info: Vec<u8>,
    pub len: usize,
    pub committing: bool,
}

/// Info of the commit-key HKDF.
#[cfg(feature = "host-crypto")]
pub(crate) const COMMIT_INFO: &[u8] = b"COMMITKEY";

/// The host derivation of `suite`'s keys for `message_id` (no AES-192: Chromium's WebCrypto
/// refuses 192-bit keys, and the small module carries no AES).
#[cfg(feature = "host-crypto")]
pub(crate) fn host_plan(suite: AlgorithmSuite, message_id: &[u8]) -> Result<Option<HkdfPlan<'_>>> {
    use crate::crypto::host::HkdfHash;
    let len = suite.key_len();
    if len == 24 {
        return Err(crate::crypto::content_key::no_aes192());
    }
    let (hash, salt): (HkdfHash, &[u8]) = match suite.kdf() {
        KeyDerivation::Identity => return Ok(None),
        KeyDerivation::HkdfSha256 => (HkdfHash::Sha256, &[]),
        KeyDerivation::HkdfSha384 => (HkdfHash::Sha384, &[]),
        KeyDerivation::HkdfSha512Committing => (HkdfHash::Sha512, message_id),
    };
    let mut info = Vec::with_capacity(2 + 32);
    info.extend_from_slice(&suite.id().to_be_bytes());
    if suite.is_committing() {
        info.extend_from_slice(b"DERIVEKEY");
    } else {
        info.extend_from_slice(message_id);
    }
    Ok(Some(HkdfPlan {
        hash,
        salt,
        info,
        len,
        committing: suite.is_committing(),
    }))
}

#[cfg(feature = "host-crypto")]
async fn derive_on_host(
    suite: AlgorithmSuite,
    data_key: &[u8],
    message_id: &[u8],
) -> Result<DerivedKeys> {
    use crate::crypto::host::host_crypto;
    let failed = || Error::Keyring("the host HKDF failed".into());
    let Some(plan) = host_plan(suite, message_id)? else {
        return Ok(DerivedKeys {
            content_key: ContentKey::new(data_key)?,
            commit_key: None,
        });
    };
    let host = host_crypto()?;
    let commit = plan
        .committing
        .then(|| host.hkdf(plan.hash, data_key, plan.salt, COMMIT_INFO, COMMIT_KEY_LEN));
    let content_key = host
        .hkdf_aes_key(plan.hash, data_key, plan.salt, &plan.info, plan.len)
        .await;
    let content_key = ContentKey::from_host(content_key.ok_or_else(failed)?);
    let commit_key = match commit {
        None => None,
        Some(commit) => {
            let commit = commit.await.ok_or_else(failed)?;
            let mut ck = [0u8; COMMIT_KEY_LEN];
            if commit.len() != COMMIT_KEY_LEN {
                return Err(failed());
            }
            ck.copy_from_slice(&commit);
            Some(ck)
        }
    };
    Ok(DerivedKeys {
        content_key,
        commit_key,
    })
}

#[cfg(not(feature = "host-crypto"))]
fn derive_builtin(
    suite: AlgorithmSuite,
    data_key: &[u8],
    message_id: &[u8],
) -> Result<DerivedKeys> {
    let mut content_key = Zeroizing::new(vec![0u8; suite.key_len()]);
    let mut info = Vec::with_capacity(2 + 32);
    info.extend_from_slice(&suite.id().to_be_bytes());
    let expand_err = |_| Error::Keyring("HKDF output length invalid".into());
    let commit_key = match suite.kdf() {
        KeyDerivation::Identity => {
            content_key.copy_from_slice(data_key);
            None
        }
        // v1: no salt (hash-length zeros), info = suite id ‖ message id (ESDK spec
        // framework/transitive-requirements.md, "HKDF Encryption Key"; ESDK-.NET 4.0.0 omitted the
        // message id, see the net-4.0.0-invalid vectors).
        KeyDerivation::HkdfSha256 => {
            info.extend_from_slice(message_id);
            Hkdf::<Sha256>::new(None, data_key)
                .expand(&info, &mut content_key)
                .map_err(expand_err)?;
            None
        }
        KeyDerivation::HkdfSha384 => {
            info.extend_from_slice(message_id);
            Hkdf::<Sha384>::new(None, data_key)
                .expand(&info, &mut content_key)
                .map_err(expand_err)?;
            None
        }
        // v2: salt = message id; "DERIVEKEY" for the content key, "COMMITKEY" alone for the commitment.
        KeyDerivation::HkdfSha512Committing => {
            let hk = Hkdf::<Sha512>::new(Some(message_id), data_key);
            info.extend_from_slice(b"DERIVEKEY");
            hk.expand(&info, &mut content_key).map_err(expand_err)?;
            let mut ck = [0u8; COMMIT_KEY_LEN];
            hk.expand(b"COMMITKEY", &mut ck).map_err(expand_err)?;
            Some(ck)
        }
    };
    Ok(DerivedKeys {
        content_key: ContentKey::new(&content_key)?,
        commit_key,
    })
}
