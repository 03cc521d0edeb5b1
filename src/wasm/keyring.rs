//! Keyring handles. A handle owns a slot holding the Rust keyring; `dispose` empties the slot,
//! dropping the keyring (its AES / RSA key material zeroizes on drop). A multi-keyring refers
//! to its members' slots, so disposing a member also takes it out of every multi-keyring.
//! A caching materials manager's handle (`caching.rs`) is a keyring handle that also holds the
//! manager: messages go through the manager, items through its keyring.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use sealkit_kms::EncryptionAlgorithm;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::client::keyring_cmm;
use crate::cmm::CryptoMaterialsManager;
#[cfg(not(feature = "wasm-lite"))]
use crate::cmm::DefaultCmm;
#[cfg(not(feature = "wasm-lite"))]
use crate::crypto::rsa::RsaPadding;
use crate::error::{Error, Result};
use crate::future::BoxFuture;
#[cfg(not(feature = "wasm-lite"))]
use crate::keyring::RawRsaKeyring;
use crate::keyring::{Keyring, KmsRsaOfflineKeyring, MultiKeyring, RawAesKeyring};
use crate::materials::{DecryptionMaterials, EncryptedDataKey, EncryptionMaterials};
use crate::wasm::convert::js;
#[cfg(not(feature = "wasm-lite"))]
use crate::wasm::host_rsa::{HostRsaKey, HostRsaPublicKey};

type KeyringCell = Rc<RefCell<Option<Arc<dyn Keyring>>>>;

/// A keyring reached through a (possibly disposed) slot.
#[derive(Clone)]
struct DisposableKeyring(KeyringCell);

impl DisposableKeyring {
    fn get(&self) -> Result<Arc<dyn Keyring>> {
        self.0
            .borrow()
            .clone()
            .ok_or_else(|| Error::InvalidArgument("keyring has been disposed".into()))
    }
}

impl Keyring for DisposableKeyring {
    fn on_encrypt(
        &self,
        materials: EncryptionMaterials,
    ) -> BoxFuture<'_, Result<EncryptionMaterials>> {
        let k = self.get();
        Box::pin(async move { k?.on_encrypt(materials).await })
    }

    fn on_decrypt<'a>(
        &'a self,
        materials: DecryptionMaterials,
        edks: &'a [EncryptedDataKey],
    ) -> BoxFuture<'a, Result<DecryptionMaterials>> {
        let k = self.get();
        Box::pin(async move { k?.on_decrypt(materials, edks).await })
    }
}

/// A keyring owned by JS.
#[wasm_bindgen]
pub struct WasmKeyring {
    slot: DisposableKeyring,
    /// Set for a caching materials manager: the CMM messages use (over `slot`'s keyring).
    cmm: Option<Arc<dyn CryptoMaterialsManager>>,
}

impl WasmKeyring {
    pub(crate) fn wrap(k: Arc<dyn Keyring>) -> WasmKeyring {
        WasmKeyring {
            slot: DisposableKeyring(Rc::new(RefCell::new(Some(k)))),
            cmm: None,
        }
    }

    /// A handle for a CMM made by `make` over this handle's materials (its keyring, or its CMM
    /// for a handle that holds one); it shares this handle's keyring slot, so disposing the
    /// keyring disposes the new handle too. (No caching manager in the `wasm-lite` build.)
    #[cfg(not(feature = "wasm-lite"))]
    pub(crate) fn derive_cmm(
        &self,
        make: impl FnOnce(Arc<dyn CryptoMaterialsManager>) -> Result<Arc<dyn CryptoMaterialsManager>>,
    ) -> Result<WasmKeyring, JsValue> {
        let inner = match &self.cmm {
            Some(c) => c.clone(),
            None => Arc::new(DefaultCmm::new(Arc::new(self.slot.clone()))),
        };
        Ok(WasmKeyring {
            slot: self.slot.clone(),
            cmm: Some(js(make(inner))?),
        })
    }

    /// The keyring to use for one operation (fails once disposed).
    pub(crate) fn keyring(&self) -> Result<Arc<dyn Keyring>, JsValue> {
        js(self.slot.get())
    }

    /// The CMM of one message operation: the handle's manager, or a default CMM over its
    /// keyring (fails once the keyring is disposed).
    pub(crate) fn materials(&self) -> Result<Arc<dyn CryptoMaterialsManager>, JsValue> {
        match &self.cmm {
            Some(c) => {
                js(self.slot.get())?;
                Ok(c.clone())
            }
            None => Ok(keyring_cmm(self.keyring()?)),
        }
    }

    fn member(&self) -> Result<DisposableKeyring, JsValue> {
        match self.cmm {
            Some(_) => Err(crate::wasm::convert::invalid(
                "a CachingMaterialsManager is not a keyring: it cannot be a MultiKeyring member (wrap the MultiKeyring instead)",
            )),
            None => Ok(self.slot.clone()),
        }
    }
}

#[wasm_bindgen]
impl WasmKeyring {
    /// A raw AES keyring. The key bytes are owned here and zeroized after the key schedule is built.
    #[wasm_bindgen(js_name = rawAes)]
    pub fn raw_aes(
        namespace: String,
        name: String,
        wrapping_key: Vec<u8>,
    ) -> Result<WasmKeyring, JsValue> {
        let key = Zeroizing::new(wrapping_key);
        let k = js(RawAesKeyring::new(namespace, name, &key))?;
        Ok(Self::wrap(Arc::new(k)))
    }

    /// A raw RSA keyring from PEM keys (either may be absent, not both). Absent from the
    /// `wasm-lite` build (no RSA code in that module). `host_key` (optional): the same
    /// private key held by node:crypto or WebCrypto (`host_rsa.rs`), which then decrypts
    /// OAEP-wrapped keys; PKCS#1 v1.5 keyrings ignore it (neither host decrypts that padding).
    /// `host_public_key` (optional): the public key held by WebCrypto, which then encrypts
    /// (OAEP; the module's code encrypts PKCS#1 v1.5).
    #[cfg(not(feature = "wasm-lite"))]
    #[wasm_bindgen(js_name = rawRsa)]
    pub fn raw_rsa(
        namespace: String,
        name: String,
        padding: &str,
        public_pem: Option<String>,
        private_pem: Option<String>,
        host_key: JsValue,
        host_public_key: JsValue,
    ) -> Result<WasmKeyring, JsValue> {
        let private_pem = private_pem.map(Zeroizing::new);
        let padding = js(<RsaPadding as std::str::FromStr>::from_str(padding))?;
        let has_private = private_pem.is_some();
        let mut k = js(RawRsaKeyring::from_pem(
            namespace,
            name,
            padding,
            public_pem.as_deref(),
            private_pem.as_deref().map(String::as_str),
        ))?;
        if has_private
            && padding != RsaPadding::Pkcs1
            && !host_key.is_undefined()
            && !host_key.is_null()
        {
            let host = HostRsaKey::from_js(host_key)?;
            k = k.with_host_decryption(|own| Box::new(host.falling_back_on(own)));
        }
        if public_pem.is_some()
            && padding != RsaPadding::Pkcs1
            && !host_public_key.is_undefined()
            && !host_public_key.is_null()
        {
            let host = HostRsaPublicKey::from_js(host_public_key)?;
            k = k.with_host_encryption(|own| Box::new(host.falling_back_on(own)));
        }
        Ok(Self::wrap(Arc::new(k)))
    }

    /// Drops the keyring; its key material is zeroized once no operation uses it.
    pub fn dispose(&self) {
        self.slot.0.borrow_mut().take();
    }

    /// Whether `dispose` was called.
    #[wasm_bindgen(getter)]
    pub fn disposed(&self) -> bool {
        self.slot.0.borrow().is_none()
    }
}

/// The KMS RSA keyring without a provider: encrypts offline with the PEM public key (from KMS
/// GetPublicKey), never calling KMS. In the small module the RSA-OAEP and the SHA-384 of the
/// context are the host's (WebCrypto); decryption needs a provider, in the full module.
#[wasm_bindgen(js_name = kmsRsaKeyring)]
pub fn kms_rsa_keyring(
    key_id: &str,
    encryption_algorithm: &str,
    public_key_pem: Option<String>,
) -> Result<WasmKeyring, JsValue> {
    let Some(pem) = public_key_pem else {
        return Err(crate::wasm::convert::invalid(
            "AwsKmsRsaKeyring needs a publicKey (encrypt), a provider (decrypt), or both",
        ));
    };
    let algorithm = EncryptionAlgorithm::from_wire(encryption_algorithm);
    let k = js(KmsRsaOfflineKeyring::new(key_id, &algorithm, &pem))?;
    Ok(WasmKeyring::wrap(Arc::new(k)))
}

/// Collects the members of a multi-keyring.
#[wasm_bindgen]
#[derive(Default)]
pub struct WasmMultiBuilder {
    generator: Option<DisposableKeyring>,
    children: Vec<DisposableKeyring>,
}

#[wasm_bindgen]
impl WasmMultiBuilder {
    /// An empty builder.
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmMultiBuilder {
        WasmMultiBuilder::default()
    }

    /// Sets the generator.
    pub fn generator(&mut self, k: &WasmKeyring) -> Result<(), JsValue> {
        self.generator = Some(k.member()?);
        Ok(())
    }

    /// Adds a child.
    pub fn child(&mut self, k: &WasmKeyring) -> Result<(), JsValue> {
        self.children.push(k.member()?);
        Ok(())
    }

    /// Builds the multi-keyring.
    pub fn build(&mut self) -> Result<WasmKeyring, JsValue> {
        let generator = self
            .generator
            .take()
            .map(|s| Arc::new(s) as Arc<dyn Keyring>);
        let children = std::mem::take(&mut self.children)
            .into_iter()
            .map(|s| Arc::new(s) as Arc<dyn Keyring>)
            .collect();
        let k = js(MultiKeyring::new(generator, children))?;
        Ok(WasmKeyring::wrap(Arc::new(k)))
    }
}
