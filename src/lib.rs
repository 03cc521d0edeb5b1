//! # sealkit
//!
//! Client-side encryption: the AWS Encryption SDK message format (byte-compatible with the
//! official SDKs), keyrings and materials managers, with one Rust core for native code,
//! WebAssembly and the `sealkit` CLI.
//!
//! ```
//! use std::sync::Arc;
//! use sealkit::{Client, CommitmentPolicy, DecryptOptions, EncryptOptions, RawAesKeyring, keyring_cmm};
//! # sealkit::block_on(async {
//! let keyring = Arc::new(RawAesKeyring::new("my-namespace", "my-key", &[7u8; 32])?);
//! let cmm = keyring_cmm(keyring);
//! let client = Client::new(CommitmentPolicy::RequireEncryptRequireDecrypt);
//! let mut options = EncryptOptions::default();
//! options.encryption_context.insert("purpose".into(), "demo".into());
//! let msg = client.encrypt(cmm.clone(), b"hello", options).await?;
//! let out = client.decrypt(cmm, &msg.ciphertext, DecryptOptions::default()).await?;
//! assert_eq!(out.plaintext, b"hello");
//! # Ok::<(), sealkit::Error>(())
//! # }).unwrap();
//! ```
#![forbid(unsafe_code)]
// wasm is single-threaded and its keyrings hold JS values, so `Arc`s there are not `Send`.
#![cfg_attr(target_arch = "wasm32", allow(clippy::arc_with_non_send_sync))]
#![warn(missing_docs)]

pub mod client;
pub mod cmm;
pub mod codec;
pub mod context;
pub mod crypto;
pub mod error;
pub mod future;
/// DB-ESDK item encryption.
pub mod item;
pub mod keyring;
pub mod materials;
pub mod message;
mod plaintext_buf;
pub mod policy;
mod sort;
pub mod suite;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use client::{keyring_cmm, Client, DecryptedMessage, EncryptedMessage};
pub use cmm::{
    CachingMaterialsManager, CryptoMaterialsManager, DefaultCmm, LocalCryptoMaterialsCache,
    RequiredEncryptionContextCmm,
};
pub use context::EncryptionContext;
pub use crypto::rsa::RsaPadding;
pub use error::{Error, Result};
#[cfg(not(target_arch = "wasm32"))]
pub use future::block_on;
pub use item::{AttributeValue, CryptoAction, Item, ItemEncryptor, ItemEncryptorConfig};
pub use keyring::{
    aws_kms_multi_keyring, AwsKmsDiscoveryKeyring, AwsKmsKeyring, AwsKmsMrkAwareKeyring,
    AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring, DiscoveryFilter, HierarchicalKeyring, Keyring,
    KmsRsaOfflineKeyring, MultiKeyring, RawAesKeyring, RawRsaKeyring,
};
pub use materials::EncryptedDataKey;
pub use message::decrypt::{DecryptOptions, DecryptedMessageInfo, Decryptor, SignedMessages};
pub use message::decrypt_machine::{DecryptMachine, DecryptStep, OpenWork};
pub use message::encrypt::{EncryptOptions, Encryptor, Framing, DEFAULT_FRAME_LENGTH};
pub use message::encrypt_machine::{EncryptMachine, EncryptStep, SealWork};
pub use message::header::{ContentType, MessageHeader};
pub use message::header_parser::DEFAULT_MAX_HEADER_LEN;
pub use policy::CommitmentPolicy;
/// The key-provider crate (provider trait, local KMS, HTTP client).
pub use sealkit_kms as kms;
pub use suite::AlgorithmSuite;

/// The small browser module's allocator: talc instead of std's dlmalloc, about 6 KB smaller
/// (BENCHMARKS.md, bundle size). The full module keeps dlmalloc.
#[cfg(all(target_arch = "wasm32", feature = "wasm-lite"))]
#[global_allocator]
static SMALL_MODULE_ALLOCATOR: talc::wasm::WasmDynamicTalc =
    talc::wasm::new_wasm_dynamic_allocator();

/// The README's Rust examples, compiled and run as doctests (`cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
