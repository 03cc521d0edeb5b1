//! Crypto actions (DB-ESDK spec: structured-encryption/structures.md#crypto-action).

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// What item encryption does with one attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CryptoAction {
    /// Encrypt the value and include it in the signature.
    EncryptAndSign,
    /// Leave the value in plaintext, include it in the signature.
    SignOnly,
    /// Sign the plaintext value and also bind it into the encryption context (forces header version 2).
    SignAndIncludeInEncryptionContext,
    /// Leave the value alone; the attribute must be allowed unsigned.
    DoNothing,
}

impl CryptoAction {
    /// The configuration name, e.g. `ENCRYPT_AND_SIGN`.
    pub fn name(&self) -> &'static str {
        match self {
            CryptoAction::EncryptAndSign => "ENCRYPT_AND_SIGN",
            CryptoAction::SignOnly => "SIGN_ONLY",
            CryptoAction::SignAndIncludeInEncryptionContext => {
                "SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT"
            }
            CryptoAction::DoNothing => "DO_NOTHING",
        }
    }

    /// Whether the attribute is covered by the signature.
    pub fn is_signed(&self) -> bool {
        *self != CryptoAction::DoNothing
    }

    /// The header legend byte (`e`, `s`, `c`); `None` for unsigned attributes.
    pub fn legend_byte(&self) -> Option<u8> {
        match self {
            CryptoAction::EncryptAndSign => Some(b'e'),
            CryptoAction::SignOnly => Some(b's'),
            CryptoAction::SignAndIncludeInEncryptionContext => Some(b'c'),
            CryptoAction::DoNothing => None,
        }
    }

    /// The action a header legend byte stands for.
    pub fn from_legend_byte(b: u8) -> Option<Self> {
        match b {
            b'e' => Some(CryptoAction::EncryptAndSign),
            b's' => Some(CryptoAction::SignOnly),
            b'c' => Some(CryptoAction::SignAndIncludeInEncryptionContext),
            _ => None,
        }
    }
}

impl fmt::Display for CryptoAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for CryptoAction {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "ENCRYPT_AND_SIGN" => CryptoAction::EncryptAndSign,
            "SIGN_ONLY" => CryptoAction::SignOnly,
            "SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT" => {
                CryptoAction::SignAndIncludeInEncryptionContext
            }
            "DO_NOTHING" => CryptoAction::DoNothing,
            _ => {
                return Err(Error::invalid(format!(
                    "unknown crypto action '{s}' (expected ENCRYPT_AND_SIGN, SIGN_ONLY, \
                     SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT or DO_NOTHING)"
                )))
            }
        })
    }
}
