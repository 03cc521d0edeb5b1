//! The raw AES keyring (spec: framework/raw-aes-keyring.md).

use crate::codec::{Reader, Writer};
use crate::context;
use crate::crypto::content_key::ContentKey;
use crate::crypto::random;
use crate::error::{Error, Result};
use crate::future::BoxFuture;
use crate::keyring::attempts::Attempts;
use crate::keyring::Keyring;
use crate::materials::{DataKey, DecryptionMaterials, EncryptedDataKey, EncryptionMaterials};
use crate::suite::{IV_LEN, TAG_LEN};

/// Wraps data keys with a local AES-GCM key, binding the encryption context as AAD.
pub struct RawAesKeyring {
    namespace: String,
    name: String,
    key: ContentKey,
}

impl core::fmt::Debug for RawAesKeyring {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RawAesKeyring")
            .field("namespace", &self.namespace)
            .field("name", &self.name)
            .finish()
    }
}

/// Why an EDK's provider info is not usable by this keyring.
enum InfoMismatch {
    /// It names another key: skip silently.
    OtherKey,
    /// It names this key but is malformed: report the attempt.
    Invalid(&'static str),
}

impl RawAesKeyring {
    /// A keyring over a 16, 24 or 32-byte wrapping key.
    pub fn new(
        namespace: impl Into<String>,
        name: impl Into<String>,
        wrapping_key: &[u8],
    ) -> Result<Self> {
        let namespace = namespace.into();
        super::check_raw_namespace(&namespace)?;
        let key = ContentKey::new(wrapping_key).map_err(|_| {
            Error::invalid(format!(
                "wrappingKey must be 16, 24 or 32 bytes, got {}",
                wrapping_key.len()
            ))
        })?;
        Ok(RawAesKeyring {
            namespace,
            name: name.into(),
            key,
        })
    }

    fn provider_info(&self, iv: &[u8; IV_LEN]) -> Vec<u8> {
        let mut info = Vec::with_capacity(self.name.len() + 8 + IV_LEN);
        info.extend_from_slice(self.name.as_bytes());
        info.put_u32((TAG_LEN * 8) as u32); // tag length in bits
        info.put_u32(IV_LEN as u32); // IV length in bytes
        info.extend_from_slice(iv);
        info
    }

    /// Returns the wrapping IV if `info` is ours: key name ‖ tag bits ‖ IV length ‖ IV.
    fn parse_info(&self, info: &[u8]) -> core::result::Result<[u8; IV_LEN], InfoMismatch> {
        let rest = info
            .strip_prefix(self.name.as_bytes())
            .ok_or(InfoMismatch::OtherKey)?;
        let mut r = Reader::new(rest);
        let short = |_| InfoMismatch::Invalid("provider info too short");
        let tag_bits = r.u32("provider_info").map_err(short)?;
        let iv_len = r.u32("provider_info").map_err(short)?;
        if tag_bits != (TAG_LEN * 8) as u32 {
            return Err(InfoMismatch::Invalid("tag length is not 128 bits"));
        }
        if iv_len != IV_LEN as u32 {
            return Err(InfoMismatch::Invalid("IV length is not 12 bytes"));
        }
        let iv = r.array::<IV_LEN>("provider_info").map_err(short)?;
        // Extra bytes mean a longer key name that merely starts with ours.
        if r.remaining() != 0 {
            return Err(InfoMismatch::OtherKey);
        }
        Ok(iv)
    }

    fn describe(&self) -> String {
        format!("raw AES keyring {}/{}", self.namespace, self.name)
    }
}

impl Keyring for RawAesKeyring {
    fn on_encrypt(&self, mut m: EncryptionMaterials) -> BoxFuture<'_, Result<EncryptionMaterials>> {
        Box::pin(async move {
            let data_key = m.data_key_or_generate()?;
            let mut iv = [0u8; IV_LEN];
            random::fill(&mut iv)?;
            let aad = context::serialize(&m.encryption_context)?;
            let ciphertext = self.key.seal(&iv, &aad, data_key.as_bytes()).await?;
            m.encrypted_data_keys.push(EncryptedDataKey {
                provider_id: self.namespace.clone(),
                provider_info: self.provider_info(&iv),
                ciphertext,
            });
            Ok(m)
        })
    }

    fn on_decrypt<'a>(
        &'a self,
        mut m: DecryptionMaterials,
        edks: &'a [EncryptedDataKey],
    ) -> BoxFuture<'a, Result<DecryptionMaterials>> {
        Box::pin(async move {
            if m.data_key.is_some() {
                return Ok(m);
            }
            let aad = context::serialize(&m.encryption_context)?;
            let mut attempts = Attempts::new(self.describe());
            for (i, edk) in edks.iter().enumerate() {
                if edk.provider_id != self.namespace {
                    continue;
                }
                let iv = match self.parse_info(&edk.provider_info) {
                    Ok(iv) => iv,
                    Err(InfoMismatch::OtherKey) => continue,
                    Err(InfoMismatch::Invalid(why)) => {
                        attempts.failed(i, why);
                        continue;
                    }
                };
                // `?`: an operation that cannot run here (no WebCrypto) is not a wrong key.
                match self.key.open(&iv, &aad, &edk.ciphertext).await? {
                    Ok(k) if k.len() == m.suite.key_len() => {
                        m.data_key = Some(DataKey::from_zeroizing(k));
                        return Ok(m);
                    }
                    Ok(_) => attempts.failed(i, "unwrapped key has the wrong length"),
                    Err(_) => attempts
                        .failed(i, "AES-GCM unwrap failed (wrong key or encryption context)"),
                }
            }
            Err(attempts.none_unwrapped("no EDK with this provider id and key name"))
        })
    }
}
