//! Key providers for sealkit.
//!
//! * [`KmsProvider`] / [`KmsAdmin`]: the provider interface, shaped like AWS KMS, with async
//!   methods returning [`BoxFuture`]s (`Send` natively, not on wasm).
//! * [`arn`]: KMS ARN parsing and multi-Region key matching for the keyrings.
//! * [`local`]: an embedded KMS (keys, aliases, policies, rotation, MRK replicas, audit,
//!   encrypted persistence) that also runs in wasm.
//! * [`http`]: an AWS KMS JSON 1.1 client with its own SigV4 signer and a pluggable transport.

pub mod arn;
mod b64;
pub mod clock;
pub mod error;
pub mod future;
pub mod http;
pub mod local;
pub mod provider;
pub mod rsa_private;
mod secret;
pub mod types;
mod wire_enum;

pub use error::{names, KmsError};
#[cfg(not(target_arch = "wasm32"))]
pub use future::block_on;
pub use future::{BoxFuture, MaybeSend, MaybeSync};
pub use provider::{KmsAdmin, KmsFuture, KmsProvider};
pub use secret::SecretBytes;
pub use types::*;
