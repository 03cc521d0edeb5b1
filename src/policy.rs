//! Commitment policies (spec: framework/commitment-policy.md).

use std::str::FromStr;

use crate::error::{Error, Result};
use crate::suite::AlgorithmSuite;

/// Which suites may be written and read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CommitmentPolicy {
    /// Encrypt only with non-committing suites; decrypt anything.
    ForbidEncryptAllowDecrypt,
    /// Encrypt only with committing suites; decrypt anything.
    RequireEncryptAllowDecrypt,
    /// Encrypt and decrypt only committing suites (the default).
    #[default]
    RequireEncryptRequireDecrypt,
}

impl CommitmentPolicy {
    /// The ESDK name, e.g. `REQUIRE_ENCRYPT_REQUIRE_DECRYPT`.
    pub fn name(&self) -> &'static str {
        match self {
            CommitmentPolicy::ForbidEncryptAllowDecrypt => "FORBID_ENCRYPT_ALLOW_DECRYPT",
            CommitmentPolicy::RequireEncryptAllowDecrypt => "REQUIRE_ENCRYPT_ALLOW_DECRYPT",
            CommitmentPolicy::RequireEncryptRequireDecrypt => "REQUIRE_ENCRYPT_REQUIRE_DECRYPT",
        }
    }

    /// The suite used when the caller names none: 0x0578 when commitment is required,
    /// 0x0378 under FORBID (what the official SDKs pick; the ESDK spec, framework/commitment-policy.md
    /// "ESDK.FORBID_ENCRYPT_ALLOW_DECRYPT", names 0x0078).
    pub fn default_suite(&self) -> AlgorithmSuite {
        match self {
            CommitmentPolicy::ForbidEncryptAllowDecrypt => {
                AlgorithmSuite::AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384
            }
            _ => AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
        }
    }

    /// Fails unless the policy allows encrypting with `suite`.
    pub fn check_encrypt(&self, suite: AlgorithmSuite) -> Result<()> {
        let ok = match self {
            CommitmentPolicy::ForbidEncryptAllowDecrypt => !suite.is_committing(),
            _ => suite.is_committing(),
        };
        if ok {
            Ok(())
        } else {
            Err(Error::CommitmentPolicy(format!(
                "suite 0x{:04x} may not be used to encrypt under {}",
                suite.id(),
                self.name()
            )))
        }
    }

    /// Fails unless the policy allows decrypting a message of `suite`.
    pub fn check_decrypt(&self, suite: AlgorithmSuite) -> Result<()> {
        if *self == CommitmentPolicy::RequireEncryptRequireDecrypt && !suite.is_committing() {
            return Err(Error::CommitmentPolicy(format!(
                "message uses non-committing suite 0x{:04x}, which {} refuses",
                suite.id(),
                self.name()
            )));
        }
        Ok(())
    }
}

impl FromStr for CommitmentPolicy {
    type Err = Error;
    /// Accepts the ESDK names and the CLI short forms (`require-require`, `require-allow`, `forbid-allow`).
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "FORBID_ENCRYPT_ALLOW_DECRYPT" | "forbid-allow" => CommitmentPolicy::ForbidEncryptAllowDecrypt,
            "REQUIRE_ENCRYPT_ALLOW_DECRYPT" | "require-allow" => CommitmentPolicy::RequireEncryptAllowDecrypt,
            "REQUIRE_ENCRYPT_REQUIRE_DECRYPT" | "require-require" => CommitmentPolicy::RequireEncryptRequireDecrypt,
            _ => {
                return Err(Error::invalid(format!(
                    "unknown commitment policy '{s}' (expected require-require, require-allow or forbid-allow)"
                )))
            }
        })
    }
}
