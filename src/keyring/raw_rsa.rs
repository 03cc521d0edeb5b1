//! The raw RSA keyring (spec: framework/raw-rsa-keyring.md). The EC is not bound by the
//! wrapping itself; header authentication covers it.

use rsa::{RsaPrivateKey, RsaPublicKey};

use crate::crypto::rsa::{self as rsa_ops, RsaPadding};
use crate::error::{Error, Result};
use crate::future::BoxFuture;
use crate::keyring::attempts::Attempts;
use crate::keyring::Keyring;
use crate::materials::{DataKey, DecryptionMaterials, EncryptedDataKey, EncryptionMaterials};

/// Wraps data keys with an RSA public key; unwraps with the private key.
pub struct RawRsaKeyring {
    namespace: String,
    name: String,
    padding: RsaPadding,
    /// Encryption through the built-in code, or through a host
    /// ([`RawRsaKeyring::with_host_encryption`]).
    public_key: Option<Box<dyn rsa_ops::RsaEncryptKey>>,
    /// Decryption through the build's RSA backend (`crypto::rsa::private_ops`), or through a
    /// host that holds the key ([`RawRsaKeyring::with_host_decryption`]).
    private_key: Option<Box<dyn rsa_ops::RsaDecryptKey>>,
}

impl core::fmt::Debug for RawRsaKeyring {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RawRsaKeyring")
            .field("namespace", &self.namespace)
            .field("name", &self.name)
            .field("padding", &self.padding)
            .field("has_public_key", &self.public_key.is_some())
            .field("has_private_key", &self.private_key.is_some())
            .finish()
    }
}

impl RawRsaKeyring {
    /// A keyring from PEM keys; at least one is needed. Encrypt needs the public key
    /// (it is not derived from the private one, as the spec requires); decrypt needs the private key.
    pub fn from_pem(
        namespace: impl Into<String>,
        name: impl Into<String>,
        padding: RsaPadding,
        public_pem: Option<&str>,
        private_pem: Option<&str>,
    ) -> Result<Self> {
        let public_key = public_pem.map(rsa_ops::public_key_from_pem).transpose()?;
        let private_key = private_pem.map(rsa_ops::private_key_from_pem).transpose()?;
        Self::new(namespace, name, padding, public_key, private_key)
    }

    /// A keyring from parsed keys.
    pub fn new(
        namespace: impl Into<String>,
        name: impl Into<String>,
        padding: RsaPadding,
        public_key: Option<RsaPublicKey>,
        private_key: Option<RsaPrivateKey>,
    ) -> Result<Self> {
        let namespace = namespace.into();
        super::check_raw_namespace(&namespace)?;
        if public_key.is_none() && private_key.is_none() {
            return Err(Error::invalid(
                "RSA keyring needs a publicKey, a privateKey, or both",
            ));
        }
        let private_key = private_key
            .map(|k| rsa_ops::private_ops(rsa_ops::RsaBackend::for_build(), k))
            .transpose()?
            .map(|ops| Box::new(ops) as Box<dyn rsa_ops::RsaDecryptKey>);
        Ok(RawRsaKeyring {
            namespace,
            name: name.into(),
            padding,
            public_key: public_key.map(|k| Box::new(k) as Box<dyn rsa_ops::RsaEncryptKey>),
            private_key,
        })
    }

    /// Decrypts through the key `host` returns from now on, in place of the build's backend:
    /// a host RSA implementation that holds the same private key (the npm package hands it to
    /// node:crypto in Node and to WebCrypto in browsers, whose RSA is constant time; see
    /// SECURITY.md, "RSA and RUSTSEC-2023-0071"). `host` is given the key parsed by
    /// [`RawRsaKeyring::from_pem`], if any, to fall back on when the host cannot use its key;
    /// dropping it zeroizes it.
    pub fn with_host_decryption(
        mut self,
        host: impl FnOnce(Option<Box<dyn rsa_ops::RsaDecryptKey>>) -> Box<dyn rsa_ops::RsaDecryptKey>,
    ) -> Self {
        self.private_key = Some(host(self.private_key.take()));
        self
    }

    /// Encrypts through the key `host` returns from now on, in place of the built-in code: a
    /// host RSA implementation of the same public key (the npm package hands it to WebCrypto in
    /// browsers). `host` is given the key parsed by [`RawRsaKeyring::from_pem`], if any, to fall
    /// back on when the host cannot use its key.
    pub fn with_host_encryption(
        mut self,
        host: impl FnOnce(Option<Box<dyn rsa_ops::RsaEncryptKey>>) -> Box<dyn rsa_ops::RsaEncryptKey>,
    ) -> Self {
        self.public_key = Some(host(self.public_key.take()));
        self
    }

    fn describe(&self) -> String {
        format!(
            "raw RSA keyring {}/{} ({})",
            self.namespace,
            self.name,
            self.padding.name()
        )
    }
}

impl Keyring for RawRsaKeyring {
    fn on_encrypt(&self, mut m: EncryptionMaterials) -> BoxFuture<'_, Result<EncryptionMaterials>> {
        Box::pin(async move {
            let public = self.public_key.as_ref().ok_or_else(|| {
                Error::Keyring(format!(
                    "{} has no public key, so it cannot encrypt",
                    self.describe()
                ))
            })?;
            let data_key = m.data_key_or_generate()?;
            let ciphertext = public.encrypt(self.padding, data_key.as_bytes()).await?;
            m.encrypted_data_keys.push(EncryptedDataKey {
                provider_id: self.namespace.clone(),
                provider_info: self.name.as_bytes().to_vec(),
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
            let Some(private) = self.private_key.as_ref() else {
                return Err(Error::NoDecryptingKeyring(vec![format!(
                    "{}: no private key",
                    self.describe()
                )]));
            };
            let mut attempts = Attempts::new(self.describe());
            for (i, edk) in edks.iter().enumerate() {
                if edk.provider_id != self.namespace || edk.provider_info != self.name.as_bytes() {
                    continue;
                }
                // Any failure (padding included) is one opaque attempt; no detail that could act as an oracle.
                match rsa_ops::decrypt(private.as_ref(), self.padding, &edk.ciphertext).await {
                    Ok(k) if k.len() == m.suite.key_len() => {
                        m.data_key = Some(DataKey::new(k.to_vec()));
                        return Ok(m);
                    }
                    _ => attempts.failed(i, "RSA unwrap failed"),
                }
            }
            Err(attempts.none_unwrapped("no EDK with this provider id and key name"))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::crypto::rsa::{RsaDecryptKey, RsaDecryptPadding, RsaDecryptResult, RsaHash};
    use crate::future::block_on;
    use crate::suite::AlgorithmSuite;

    /// A host key that decrypts with the real key and records the paddings it was asked for.
    struct RecordingHost {
        inner: Box<dyn rsa_ops::RsaPrivateOps>,
        seen: Arc<Mutex<Vec<RsaDecryptPadding>>>,
    }

    impl RsaDecryptKey for RecordingHost {
        fn decrypt<'a>(
            &'a self,
            padding: RsaDecryptPadding,
            ciphertext: &'a [u8],
        ) -> BoxFuture<'a, RsaDecryptResult> {
            if let Ok(mut seen) = self.seen.lock() {
                seen.push(padding);
            }
            self.inner.decrypt(padding, ciphertext)
        }
    }

    fn materials(suite: AlgorithmSuite) -> (EncryptionMaterials, DecryptionMaterials) {
        let enc = EncryptionMaterials {
            suite,
            encryption_context: Default::default(),
            required_context_keys: Default::default(),
            data_key: None,
            encrypted_data_keys: Vec::new(),
            signing_key: None,
        };
        let dec = DecryptionMaterials {
            suite,
            encryption_context: Default::default(),
            required_context_keys: Default::default(),
            data_key: None,
            verifying_key: None,
        };
        (enc, dec)
    }

    #[test]
    fn host_decryption_replaces_the_backend_and_is_given_the_padding() {
        let private = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).expect("key generation");
        let public = private.to_public_key();
        let suite = AlgorithmSuite::from_id(0x0478).expect("suite");
        let (enc, dec) = materials(suite);
        let keyring = RawRsaKeyring::new("ns", "k", RsaPadding::OaepSha384, Some(public), None)
            .expect("keyring");
        let enc = block_on(keyring.on_encrypt(enc)).expect("encrypt");

        // Without a private key the keyring cannot decrypt; with the host's, it does, through it.
        assert!(block_on(keyring.on_decrypt(dec.clone(), &enc.encrypted_data_keys)).is_err());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let host = RecordingHost {
            inner: rsa_ops::private_ops(rsa_ops::RsaBackend::RustCryptoBlinded, private)
                .expect("ops"),
            seen: seen.clone(),
        };
        let keyring = keyring.with_host_decryption(|own| {
            assert!(
                own.is_none(),
                "no private key was given, so there is none to fall back on"
            );
            Box::new(host)
        });
        let out = block_on(keyring.on_decrypt(dec, &enc.encrypted_data_keys)).expect("decrypt");
        assert_eq!(
            seen.lock().map(|s| s.clone()).unwrap_or_default(),
            vec![RsaDecryptPadding::Oaep(RsaHash::Sha384)]
        );
        let (Some(got), Some(want)) = (out.data_key.as_ref(), enc.data_key.as_ref()) else {
            panic!("both materials carry the data key");
        };
        assert_eq!(got.as_bytes(), want.as_bytes());
    }

    /// A host public key that encrypts with the real key and records the paddings.
    struct RecordingEncrypt {
        inner: Box<dyn rsa_ops::RsaEncryptKey>,
        seen: Arc<Mutex<Vec<RsaPadding>>>,
    }

    impl rsa_ops::RsaEncryptKey for RecordingEncrypt {
        fn encrypt<'a>(
            &'a self,
            padding: RsaPadding,
            data: &'a [u8],
        ) -> BoxFuture<'a, Result<Vec<u8>>> {
            if let Ok(mut seen) = self.seen.lock() {
                seen.push(padding);
            }
            self.inner.encrypt(padding, data)
        }
    }

    #[test]
    fn host_encryption_replaces_the_built_in_code_and_is_given_the_key() {
        let private = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).expect("key generation");
        let public = private.to_public_key();
        let suite = AlgorithmSuite::from_id(0x0478).expect("suite");
        let (enc, dec) = materials(suite);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let keyring = RawRsaKeyring::new(
            "ns",
            "k",
            RsaPadding::OaepSha512,
            Some(public),
            Some(private),
        )
        .expect("keyring")
        .with_host_encryption(|own| {
            Box::new(RecordingEncrypt {
                inner: own.expect("the parsed public key"),
                seen: seen.clone(),
            })
        });
        let enc = block_on(keyring.on_encrypt(enc)).expect("encrypt");
        assert_eq!(
            seen.lock().map(|s| s.clone()).unwrap_or_default(),
            vec![RsaPadding::OaepSha512]
        );
        let out = block_on(keyring.on_decrypt(dec, &enc.encrypted_data_keys)).expect("decrypt");
        let (Some(got), Some(want)) = (out.data_key.as_ref(), enc.data_key.as_ref()) else {
            panic!("both materials carry the data key");
        };
        assert_eq!(got.as_bytes(), want.as_bytes());
    }

    #[test]
    fn the_host_is_handed_the_built_in_key_to_fall_back_on() {
        let private = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).expect("key generation");
        let public = private.to_public_key();
        let suite = AlgorithmSuite::from_id(0x0478).expect("suite");
        let (enc, dec) = materials(suite);
        let mut handed = false;
        let keyring = RawRsaKeyring::new(
            "ns",
            "k",
            RsaPadding::OaepSha256,
            Some(public),
            Some(private),
        )
        .expect("keyring")
        .with_host_decryption(|own| {
            handed = own.is_some();
            own.expect("the parsed private key")
        });
        assert!(handed);
        let enc = block_on(keyring.on_encrypt(enc)).expect("encrypt");
        let out = block_on(keyring.on_decrypt(dec, &enc.encrypted_data_keys)).expect("decrypt");
        assert!(out.data_key.is_some());
    }
}
