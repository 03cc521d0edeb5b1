//! DynamoDB item encryption, byte-compatible with the AWS Database Encryption SDK's
//! structured encryption format (`aws_dbe_head` / `aws_dbe_foot`; DB-ESDK spec in
//! aws/aws-database-encryption-sdk-dynamodb, `specification/structured-encryption/` and
//! `specification/dynamodb-encryption-client/`).
//!
//! Each attribute gets a [`CryptoAction`]; encrypted attributes become `B` values, and every signed
//! attribute is covered by per-recipient HMAC tags and (suite 0x6701) an ECDSA P-384 signature.
//! Start with [`ItemEncryptor`].

pub mod actions;
pub mod attribute_map;
pub mod config;
pub mod context;
pub mod encryptor;
pub mod footer;
mod footer_signature;
pub mod header;
pub mod json;
pub mod keys;
pub mod limits;
pub mod number;
pub mod path;
pub mod serialize;
pub mod value;
pub mod wire;
mod wrapping;

pub use actions::CryptoAction;
pub use attribute_map::{AttributeMap, AttributeNames};
pub use config::ItemEncryptorConfig;
pub use encryptor::ItemEncryptor;
pub use limits::ItemLimits;
pub use value::{AttributeValue, Item};
