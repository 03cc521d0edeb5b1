//! The item encryptor: encrypt, sign, verify and decrypt one DynamoDB item
//! (DB-ESDK spec: dynamodb-encryption-client/encrypt-item.md, decrypt-item.md,
//! structured-encryption/encrypt-structure.md, decrypt-structure.md).

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::context::{EncryptionContext, PUBLIC_KEY_FIELD};
use crate::crypto::provider::{self, CryptoProvider, GcmJob, Opened};
use crate::crypto::random;
use crate::crypto::signature::{SigningKey, VerifyingKey};
use crate::error::{Error, Result};
use crate::item::actions::CryptoAction;
use crate::item::config::{ItemEncryptorConfig, FOOTER_ATTRIBUTE, HEADER_ATTRIBUTE};
use crate::item::context::{self, KeySchema};
use crate::item::footer::{canonical_hash, CanonicalField, ItemFooter};
use crate::item::footer_signature;
use crate::item::header::{ItemHeader, MESSAGE_ID_LEN};
use crate::item::keys::{self, ct_eq, KEY_LEN};
use crate::item::path::{canonical_path, sort_canonical};
use crate::item::serialize::{self, Terminal};
use crate::item::value::{AttributeValue, Item};
use crate::item::wrapping;
use crate::suite::{AlgorithmSuite, SignatureAlgorithm};

/// Minimum stored size of an encrypted attribute: TypeID(2) + GCM tag(16).
const MIN_ENCRYPTED_LEN: usize = 2 + 16;

/// Encrypts and decrypts DynamoDB items, byte-compatible with the AWS Database Encryption SDK.
///
/// ```
/// use std::sync::Arc;
/// use sealkit::item::{AttributeValue, CryptoAction, Item, ItemEncryptor, ItemEncryptorConfig};
/// use sealkit::RawAesKeyring;
/// # sealkit::block_on(async {
/// let keyring = Arc::new(RawAesKeyring::new("ns", "key", &[7u8; 32])?);
/// let mut config = ItemEncryptorConfig::new("users", "id", keyring);
/// config.attribute_actions.insert("id".into(), CryptoAction::SignOnly);
/// config.attribute_actions.insert("ssn".into(), CryptoAction::EncryptAndSign);
/// let encryptor = ItemEncryptor::new(config)?;
/// let mut item = Item::new();
/// item.insert("id".into(), AttributeValue::S("u-1".into()));
/// item.insert("ssn".into(), AttributeValue::S("123-45-6789".into()));
/// let encrypted = encryptor.encrypt_item(&item).await?;
/// assert!(matches!(encrypted["ssn"], AttributeValue::B(_)));
/// assert_eq!(encryptor.decrypt_item(&encrypted).await?, item);
/// # Ok::<(), sealkit::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct ItemEncryptor {
    config: ItemEncryptorConfig,
    suite: AlgorithmSuite,
    crypto: Arc<dyn CryptoProvider>,
}

/// One signed attribute during encryption or decryption.
struct Signed<'a> {
    name: &'a str,
    action: CryptoAction,
    path: Vec<u8>,
    /// Plaintext serialization (S/C attributes on decrypt; every attribute on encrypt).
    terminal: Option<Terminal>,
    /// Stored bytes of an encrypted attribute (`TypeID ‖ ciphertext ‖ tag`).
    stored: Option<Vec<u8>>,
}

impl ItemEncryptor {
    /// Validates the configuration and builds an encryptor on this build's crypto provider
    /// ([`provider::default_provider`]).
    pub fn new(config: ItemEncryptorConfig) -> Result<ItemEncryptor> {
        Self::with_provider(config, provider::default_provider())
    }

    /// As [`new`](Self::new), with the HKDF, HMAC, SHA-384 and AES of `crypto`. ECDSA and the
    /// keyrings' own crypto do not go through it yet.
    pub fn with_provider(
        config: ItemEncryptorConfig,
        crypto: Arc<dyn CryptoProvider>,
    ) -> Result<ItemEncryptor> {
        config.validate()?;
        let suite = config.suite()?;
        Ok(ItemEncryptor {
            config,
            suite,
            crypto,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ItemEncryptorConfig {
        &self.config
    }

    /// Opens every encrypted attribute of `signed` (canonical order, field key i for the i-th)
    /// in one batch; each with its own result.
    async fn open_fields<'s, 'n>(
        &self,
        root: &[u8; KEY_LEN],
        signed: &'s [Signed<'n>],
    ) -> Result<Vec<(&'s Signed<'n>, Opened)>> {
        let encrypted: Vec<&Signed<'_>> = signed
            .iter()
            .filter(|s| s.action == CryptoAction::EncryptAndSign)
            .collect();
        let field_keys = keys::field_keys(self.crypto.as_ref(), root, encrypted.len()).await?;
        let mut jobs = Vec::with_capacity(encrypted.len());
        for (s, (key, nonce)) in encrypted.iter().zip(&field_keys) {
            // TypeID(2) ‖ ciphertext ‖ tag; the decrypt path checked the length already.
            let sealed = s
                .stored
                .as_deref()
                .and_then(|stored| stored.get(2..))
                .ok_or_else(|| Error::item(s.name, "encrypted value is too short"))?;
            jobs.push(GcmJob {
                key,
                iv: nonce,
                aad: &s.path,
                input: sealed,
            });
        }
        let opened = provider::open_each(self.crypto.as_ref(), &jobs).await?;
        Ok(encrypted.into_iter().zip(opened).collect())
    }

    fn key_schema(&self) -> KeySchema<'_> {
        KeySchema {
            table_name: &self.config.table_name,
            partition_key: &self.config.partition_key,
            sort_key: self.config.sort_key.as_deref(),
        }
    }

    fn check_keys_present(&self, item: &Item) -> Result<()> {
        let cfg = &self.config;
        if !item.contains_key(&cfg.partition_key) {
            return Err(Error::item(
                &cfg.partition_key,
                "the partition key is missing from the item",
            ));
        }
        if let Some(sk) = &cfg.sort_key {
            if !item.contains_key(sk) {
                return Err(Error::item(sk, "the sort key is missing from the item"));
            }
        }
        Ok(())
    }

    /// Encrypts and signs `item` (encrypt-item.md). Returns the item to store: unsigned and
    /// sign-only attributes unchanged, encrypted attributes as `B`, plus `aws_dbe_head` and `aws_dbe_foot`.
    pub async fn encrypt_item(&self, item: &Item) -> Result<Item> {
        let cfg = &self.config;
        let suite = self.suite;
        cfg.limits.check(item)?;
        let mut signed = Vec::new();
        for (name, value) in item {
            let action = cfg.action_for(name)?;
            if !action.is_signed() {
                continue;
            }
            let terminal =
                serialize::serialize(value).map_err(|e| Error::item(name, e.to_string()))?;
            signed.push(Signed {
                name,
                action,
                path: canonical_path(&cfg.table_name, name),
                terminal: Some(terminal),
                stored: None,
            });
        }
        self.check_keys_present(item)?;
        for (name, action) in &cfg.attribute_actions {
            if *action == CryptoAction::SignAndIncludeInEncryptionContext
                && !item.contains_key(name)
            {
                return Err(Error::item(
                    name,
                    "configured as SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT but missing from the item",
                ));
            }
        }
        sort_canonical(&mut signed, |s| s.name);

        let context_names: Vec<&str> = signed
            .iter()
            .filter(|s| s.action == CryptoAction::SignAndIncludeInEncryptionContext)
            .map(|s| s.name)
            .collect();
        let version = if context_names.is_empty() { 1 } else { 2 };
        let base = if version == 2 {
            context::v2(&self.key_schema(), item, &context_names)?
        } else {
            context::base_v1(&self.key_schema(), item)?
        };
        let required: crate::context::ContextKeys = base.keys().cloned().collect();
        let mut ec = base;
        let signing_key = match suite.signature() {
            Some(alg) => Some(SigningKey::generate(alg).await?),
            None => None,
        };
        if let Some(k) = &signing_key {
            ec.insert(PUBLIC_KEY_FIELD.into(), k.public_key_base64());
        }
        let stored_context: EncryptionContext = ec
            .iter()
            .filter(|(k, _)| !required.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();

        let mut pdk = Zeroizing::new([0u8; KEY_LEN]);
        random::fill(pdk.as_mut())?;
        let mut message_id = [0u8; MESSAGE_ID_LEN];
        random::fill(&mut message_id)?;
        let crypto = self.crypto.as_ref();
        let wrapped =
            wrapping::wrap(crypto, &cfg.keyring, suite, &ec, &required, pdk.as_ref()).await?;

        let mut header = ItemHeader {
            version,
            suite,
            message_id,
            legend: signed.iter().map(|s| s.action).collect(),
            stored_context,
            encrypted_data_keys: wrapped.edks,
            commitment: [0u8; keys::COMMITMENT_LEN],
        };
        let commit_key = keys::commit_key(crypto, pdk.as_ref(), &message_id).await?;
        header.commitment = keys::commitment(
            crypto,
            commit_key.as_ref(),
            &header.serialize_without_commitment()?,
        )
        .await?;
        let header_bytes = header.serialize()?;

        // encrypt-path-structure.md: the i-th encrypted attribute (canonical order) uses field key i.
        let root = keys::field_root_key(crypto, pdk.as_ref(), &message_id).await?;
        let mut to_seal: Vec<&mut Signed<'_>> = signed
            .iter_mut()
            .filter(|s| s.action == CryptoAction::EncryptAndSign)
            .collect();
        let field_keys = keys::field_keys(crypto, &root, to_seal.len()).await?;
        let mut jobs = Vec::with_capacity(to_seal.len());
        let mut type_ids = Vec::with_capacity(to_seal.len());
        for (s, (key, nonce)) in to_seal.iter().zip(&field_keys) {
            let t = s
                .terminal
                .as_ref()
                .ok_or_else(|| Error::item(s.name, "internal: no serialized value"))?;
            type_ids.push(t.type_id);
            jobs.push(GcmJob {
                key,
                iv: nonce,
                aad: &s.path,
                input: &t.value,
            });
        }
        let sealed = provider::seal_each(crypto, &jobs).await?;
        drop(jobs);
        for ((s, sealed), type_id) in to_seal.iter_mut().zip(sealed).zip(type_ids) {
            let mut stored = Vec::with_capacity(2 + sealed.len());
            stored.extend_from_slice(&type_id);
            stored.extend_from_slice(&sealed);
            s.stored = Some(stored);
        }

        let hash = canonical_hash(crypto, &header_bytes, &ec, &canonical_fields(&signed)?).await?;
        let mut tags = Vec::with_capacity(wrapped.mac_keys.len());
        for k in &wrapped.mac_keys {
            tags.push(keys::recipient_tag(crypto, k.as_ref(), &hash).await?);
        }
        let signature = match &signing_key {
            Some(key) => Some(footer_signature::sign(key, &hash).await?),
            None => None,
        };
        let footer = ItemFooter { tags, signature };

        let mut out = item.clone();
        for s in signed {
            if let Some(stored) = s.stored {
                out.insert(s.name.to_owned(), AttributeValue::B(stored));
            }
        }
        out.insert(HEADER_ATTRIBUTE.into(), AttributeValue::B(header_bytes));
        out.insert(
            FOOTER_ATTRIBUTE.into(),
            AttributeValue::B(footer.serialize()),
        );
        Ok(out)
    }

    /// Verifies and decrypts an item written by [`encrypt_item`](Self::encrypt_item) or any DB-ESDK
    /// (decrypt-item.md). The commitment, recipient tag and signature are all checked before any
    /// attribute is decrypted or returned. Attribute actions come from the header, not the config;
    /// the config supplies the key names and the unsigned attributes.
    pub async fn decrypt_item(&self, item: &Item) -> Result<Item> {
        let cfg = &self.config;
        // Before any parsing or key unwrapping: the stored item is untrusted until verified.
        cfg.limits.check_stored(item)?;
        let head = binary_attribute(item, HEADER_ATTRIBUTE)?;
        let foot = binary_attribute(item, FOOTER_ATTRIBUTE)?;
        let (header, covered_len) = ItemHeader::parse(head)?;
        let suite = header.suite;
        self.check_keys_present(item)?;

        // decrypt-item.md#signature-scope: everything not allowed unsigned, matched position by
        // position with the header legend.
        let mut scope: Vec<(&String, &AttributeValue)> =
            item.iter().filter(|(n, _)| !cfg.is_unsigned(n)).collect();
        sort_canonical(&mut scope, |(n, _)| n.as_str());
        if scope.len() != header.legend.len() {
            return Err(self.diagnose_scope(item, &scope, header.legend.len()));
        }
        let mut signed = Vec::with_capacity(scope.len());
        for ((name, value), action) in scope.iter().zip(header.legend.iter()) {
            let path = canonical_path(&cfg.table_name, name);
            let s = if *action == CryptoAction::EncryptAndSign {
                match value {
                    AttributeValue::B(b) if b.len() >= MIN_ENCRYPTED_LEN => Signed {
                        name,
                        action: *action,
                        path,
                        terminal: None,
                        stored: Some(b.clone()),
                    },
                    _ => {
                        // Usually a renamed attribute shifting the canonical order; say so when the
                        // configuration shows it.
                        let names: Vec<&str> = scope.iter().map(|(n, _)| n.as_str()).collect();
                        return Err(self.renamed(item, &names).unwrap_or_else(|| {
                            Error::item(
                                name.as_str(),
                                format!(
                                    "the header says ENCRYPT_AND_SIGN but the value is a {} attribute, not encrypted binary",
                                    value.type_name()
                                ),
                            )
                        }));
                    }
                }
            } else {
                let t = serialize::serialize(value)
                    .map_err(|e| Error::item(name.as_str(), e.to_string()))?;
                Signed {
                    name,
                    action: *action,
                    path,
                    terminal: Some(t),
                    stored: None,
                }
            };
            signed.push(s);
        }

        // The encryption context: what the header stored plus what the item reproduces.
        let context_names: Vec<&str> = signed
            .iter()
            .filter(|s| s.action == CryptoAction::SignAndIncludeInEncryptionContext)
            .map(|s| s.name)
            .collect();
        // The header version (covered by the commitment) picks the context layout.
        let base = if header.version == 2 {
            context::v2(&self.key_schema(), item, &context_names)?
        } else {
            context::base_v1(&self.key_schema(), item)?
        };
        let required: crate::context::ContextKeys = base.keys().cloned().collect();
        let mut ec = header.stored_context.clone();
        for (k, v) in base {
            match ec.get(&k) {
                Some(stored) if *stored != v => {
                    return Err(Error::ContextMismatch(format!(
                        "key '{k}' is stored in the header with a different value"
                    )));
                }
                _ => {
                    ec.insert(k, v);
                }
            }
        }
        let verifying_key = match (suite.signature(), ec.get(PUBLIC_KEY_FIELD)) {
            (Some(alg), Some(pk)) => Some(VerifyingKey::from_base64(alg, pk)?),
            (Some(_), None) => {
                return Err(Error::item(
                    HEADER_ATTRIBUTE,
                    "signed suite 0x6701 but no aws-crypto-public-key in the context",
                ))
            }
            (None, Some(_)) => {
                return Err(Error::item(
                    HEADER_ATTRIBUTE,
                    "unsigned suite 0x6700 but the context has aws-crypto-public-key",
                ))
            }
            (None, None) => None,
        };

        let crypto = self.crypto.as_ref();
        let (pdk, mac_key) = wrapping::unwrap(
            crypto,
            &cfg.keyring,
            suite,
            &ec,
            &required,
            &header.encrypted_data_keys,
        )
        .await
        .map_err(|e| self.context_hint(e, header.version, &context_names))?;

        // header.md#commitment-verification, constant time.
        let commit_key = keys::commit_key(crypto, pdk.as_ref(), &header.message_id).await?;
        let covered = head
            .get(..covered_len)
            .ok_or_else(|| Error::malformed("aws_dbe_head", "header is truncated"))?;
        if !ct_eq(
            &keys::commitment(crypto, commit_key.as_ref(), covered).await?,
            &header.commitment,
        ) {
            return Err(Error::item(
                HEADER_ATTRIBUTE,
                "key commitment mismatch: the header was modified after encryption",
            ));
        }

        // footer.md#footer-verification: a recipient tag, then the signature, before any decryption.
        let footer = ItemFooter::parse(
            foot,
            header.encrypted_data_keys.len(),
            suite.signature().is_some(),
        )?;
        let hash = canonical_hash(crypto, head, &ec, &canonical_fields(&signed)?).await?;
        let expected_tag = keys::recipient_tag(crypto, mac_key.as_ref(), &hash).await?;
        let tag_ok = footer
            .tags
            .iter()
            .fold(false, |found, t| found | ct_eq(t, &expected_tag));
        let verifier = match verifying_key {
            Some(vk) => Some(vk.start(SignatureAlgorithm::EcdsaP384Sha384).await?),
            None => None,
        };
        let sig_ok = match (&footer.signature, verifier) {
            (Some(sig), Some(mut v)) => {
                v.update(&hash);
                v.verify(sig).await.is_ok()
            }
            (None, None) => true,
            _ => false,
        };
        let root = keys::field_root_key(crypto, pdk.as_ref(), &header.message_id).await?;
        if !(tag_ok && sig_ok) {
            // Which encrypted value fails to open names the attribute that was changed.
            let opened = self.open_fields(&root, &signed).await?;
            return Err(self.diagnose_tamper(item, &signed, &opened, tag_ok, sig_ok, suite));
        }

        // Only now decrypt the encrypted attributes (decrypt-structure.md#decrypt-encrypted-terminals).
        let opened = self.open_fields(&root, &signed).await?;
        let mut out = item.clone();
        out.remove(HEADER_ATTRIBUTE);
        out.remove(FOOTER_ATTRIBUTE);
        for (s, plaintext) in opened {
            out.insert(s.name.to_owned(), plain_value(s, plaintext)?);
        }
        // An encrypted value's nesting shows only now (it is authenticated, but may have been
        // written under looser limits).
        cfg.limits.check(&out)?;
        Ok(out)
    }

    /// Explains a signature-scope / legend length mismatch, naming the attribute when it can.
    fn diagnose_scope(
        &self,
        item: &Item,
        scope: &[(&String, &AttributeValue)],
        legend_len: usize,
    ) -> Error {
        let cfg = &self.config;
        if scope.len() > legend_len {
            if let Some((name, _)) = scope
                .iter()
                .find(|(n, _)| !cfg.attribute_actions.contains_key(n.as_str()))
            {
                return Error::item(
                    name.as_str(),
                    format!(
                        "signature mismatch: the attribute is signed but the header signs only {legend_len} attribute(s) \
                         (added after encryption?)"
                    ),
                );
            }
        } else {
            if let Some(name) = self.missing_signed(item).first() {
                return Error::item(
                    name.as_str(),
                    format!(
                        "signature mismatch: configured as signed but missing from the item, while the header signs \
                         {legend_len} attribute(s) (removed after encryption?)"
                    ),
                );
            }
            if let Some(name) = item.keys().find(|n| {
                cfg.is_unsigned(n) && !n.starts_with(crate::item::config::RESERVED_PREFIX)
            }) {
                return Error::item(
                    name.as_str(),
                    format!(
                        "signature mismatch: the attribute is allowed unsigned by the configuration, but the header \
                         signs {legend_len} attribute(s) and only {} are in the signature scope (was it signed when \
                         encrypted?)",
                        scope.len()
                    ),
                );
            }
        }
        let names: Vec<&str> = scope.iter().map(|(n, _)| n.as_str()).collect();
        Error::item(
            HEADER_ATTRIBUTE,
            format!(
                "signature mismatch: the header signs {legend_len} attribute(s) but the item has {} in the signature \
                 scope ({})",
                scope.len(),
                names.join(", ")
            ),
        )
    }

    /// Configured signed attributes that the item lacks.
    fn missing_signed(&self, item: &Item) -> Vec<String> {
        let cfg = &self.config;
        cfg.attribute_actions
            .iter()
            .filter(|(n, a)| a.is_signed() && !cfg.is_unsigned(n) && !item.contains_key(n.as_str()))
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// A signed attribute unknown to the configuration while a configured signed one is missing:
    /// the signature of a renamed attribute.
    fn renamed(&self, item: &Item, signed_names: &[&str]) -> Option<Error> {
        let cfg = &self.config;
        if cfg.default_action.is_some() {
            return None;
        }
        let new = signed_names
            .iter()
            .find(|n| !cfg.attribute_actions.contains_key(n))?;
        let missing = self.missing_signed(item);
        let old = missing.first()?;
        Some(Error::item(
            *new,
            format!("signature mismatch: the attribute is not in the configuration and '{old}' is missing (renamed after encryption?)"),
        ))
    }

    /// Explains a recipient-tag or signature failure (after the commitment held), naming the attribute
    /// when the format allows: encrypted attributes authenticate individually; plaintext ones do not.
    fn diagnose_tamper(
        &self,
        item: &Item,
        signed: &[Signed<'_>],
        opened: &[(&Signed<'_>, Opened)],
        tag_ok: bool,
        sig_ok: bool,
        suite: AlgorithmSuite,
    ) -> Error {
        if let Some((s, _)) = opened.iter().find(|(_, o)| o.is_err()) {
            return Error::item(
                s.name,
                "signature mismatch: the encrypted value does not authenticate (modified, moved or renamed after encryption)",
            );
        }
        let names: Vec<&str> = signed.iter().map(|s| s.name).collect();
        if let Some(e) = self.renamed(item, &names) {
            return e;
        }
        if suite.signature().is_some() && tag_ok != sig_ok {
            let what = if tag_ok {
                "the ECDSA signature does not verify"
            } else {
                "no recipient tag matches"
            };
            return Error::item(
                FOOTER_ATTRIBUTE,
                format!("signature mismatch: {what}, the footer was modified"),
            );
        }
        let plain: Vec<&str> = signed
            .iter()
            .filter(|s| s.action != CryptoAction::EncryptAndSign)
            .map(|s| s.name)
            .collect();
        match plain.as_slice() {
            [one] => Error::item(*one, "signature mismatch: the value was modified after encryption (or the footer was replaced)"),
            _ => Error::SignatureInvalid(format!(
                "signature mismatch: one of the signed plaintext attributes '{}' was modified after encryption \
                 (the format cannot tell which), or the footer was replaced",
                plain.join("', '")
            )),
        }
    }

    /// Adds to a failed unwrap the attributes bound into the encryption context: modifying one
    /// changes the keyring AAD, so it looks like a wrong key.
    fn context_hint(&self, e: Error, version: u8, context_names: &[&str]) -> Error {
        let mut bound: Vec<String> = if version == 2 {
            context_names.iter().map(|s| s.to_string()).collect()
        } else {
            std::iter::once(self.config.partition_key.clone())
                .chain(self.config.sort_key.clone())
                .collect()
        };
        bound.dedup();
        match e {
            Error::NoDecryptingKeyring(mut attempts) => {
                attempts.push(format!(
                    "if the key is right, an attribute bound into the encryption context was modified: '{}'",
                    bound.join("', '")
                ));
                Error::NoDecryptingKeyring(attempts)
            }
            other => other,
        }
    }
}

fn binary_attribute<'i>(item: &'i Item, name: &str) -> Result<&'i [u8]> {
    match item.get(name) {
        Some(AttributeValue::B(b)) => Ok(b),
        Some(other) => Err(Error::item(
            name,
            format!("must be a binary (B) attribute, not {}", other.type_name()),
        )),
        None => Err(Error::item(
            name,
            "missing: the item is not encrypted (no aws_dbe_head / aws_dbe_foot)",
        )),
    }
}

fn canonical_fields<'s>(signed: &'s [Signed<'_>]) -> Result<Vec<CanonicalField<'s>>> {
    signed
        .iter()
        .map(|s| match (&s.stored, &s.terminal, s.action) {
            (Some(stored), _, CryptoAction::EncryptAndSign) => Ok(CanonicalField::Encrypted {
                path: &s.path,
                stored,
            }),
            (_, Some(t), _) => Ok(CanonicalField::Plaintext {
                path: &s.path,
                type_id: t.type_id,
                value: &t.value,
            }),
            _ => Err(Error::item(
                s.name,
                "internal: attribute has no value to sign",
            )),
        })
        .collect()
}

/// An opened encrypted attribute (`TypeID ‖ AES-GCM(fieldKey_i, nonce_i, aad = canonical path)`)
/// as its value: the stored TypeID and the plaintext serialization.
fn plain_value(s: &Signed<'_>, opened: Opened) -> Result<AttributeValue> {
    let plaintext =
        opened.map_err(|_| Error::item(s.name, "encrypted value does not authenticate"))?;
    let type_id = s
        .stored
        .as_deref()
        .and_then(|stored| stored.get(..2))
        .ok_or_else(|| Error::item(s.name, "encrypted value is too short"))?;
    serialize::deserialize([type_id[0], type_id[1]], &plaintext)
        .map_err(|e| Error::item(s.name, format!("decrypted value is malformed: {e}")))
}
