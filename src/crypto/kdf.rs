//! Content-key derivation for each suite (spec: framework/transitive-requirements.md).

use hkdf::Hkdf;
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::suite::{AlgorithmSuite, KeyDerivation};

/// Length of the v2 commit key.
pub const COMMIT_KEY_LEN: usize = 32;

/// The derived content-encryption key, and for committing suites the commit key.
pub struct DerivedKeys {
    /// Key for header auth and body encryption.
    pub content_key: Zeroizing<Vec<u8>>,
    /// Commitment written as the v2 header's suite data.
    pub commit_key: Option<[u8; COMMIT_KEY_LEN]>,
}

/// Derives the content key (and commit key) from the data key and message id.
pub fn derive(suite: AlgorithmSuite, data_key: &[u8], message_id: &[u8]) -> Result<DerivedKeys> {
    if data_key.len() != suite.key_len() {
        return Err(Error::Keyring(format!(
            "data key is {} bytes; suite 0x{:04x} needs {}",
            data_key.len(),
            suite.id(),
            suite.key_len()
        )));
    }
    let mut content_key = Zeroizing::new(vec![0u8; suite.key_len()]);
    let mut info = Vec::with_capacity(2 + 32);
    info.extend_from_slice(&suite.id().to_be_bytes());
    let expand_err = |_| Error::Keyring("HKDF output length invalid".into());
    let commit_key = match suite.kdf() {
        KeyDerivation::Identity => {
            content_key.copy_from_slice(data_key);
            None
        }
        // v1: no salt (hash-length zeros), info = suite id ‖ message id (pitfall 2 in the notes).
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
        content_key,
        commit_key,
    })
}
