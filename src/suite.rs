//! The ESDK algorithm suite table (spec: framework/algorithm-suites.md).

use crate::error::{Error, Result};

/// How the data key becomes the content-encryption key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyDerivation {
    /// The data key is used as is (suites 0x0014/0x0046/0x0078).
    Identity,
    /// HKDF-SHA256 with info = suite id ‖ message id (v1).
    HkdfSha256,
    /// HKDF-SHA384 with info = suite id ‖ message id (v1).
    HkdfSha384,
    /// HKDF-SHA512 with salt = message id, info = suite id ‖ "DERIVEKEY", plus a commit key (v2).
    HkdfSha512Committing,
}

/// Footer signature algorithm of a signing suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// ECDSA over P-256 with SHA-256.
    EcdsaP256Sha256,
    /// ECDSA over P-384 with SHA-384.
    EcdsaP384Sha384,
}

/// One ESDK algorithm suite. All use AES-GCM with a 12-byte IV and a 16-byte tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlgorithmSuite {
    id: u16,
    key_len: usize,
    kdf: KeyDerivation,
    signature: Option<SignatureAlgorithm>,
}

macro_rules! suites {
    ($($name:ident = $id:literal, $len:literal, $kdf:ident, $sig:expr;)*) => {
        impl AlgorithmSuite {
            $(
                #[doc = concat!("Suite ", stringify!($id), ".")]
                pub const $name: AlgorithmSuite =
                    AlgorithmSuite { id: $id, key_len: $len, kdf: KeyDerivation::$kdf, signature: $sig };
            )*
            /// Every ESDK suite, in id order.
            pub const ALL: &'static [AlgorithmSuite] = &[$(AlgorithmSuite::$name),*];
        }
    };
}

suites! {
    AES_128_GCM_IV12_TAG16_NO_KDF = 0x0014, 16, Identity, None;
    AES_192_GCM_IV12_TAG16_NO_KDF = 0x0046, 24, Identity, None;
    AES_256_GCM_IV12_TAG16_NO_KDF = 0x0078, 32, Identity, None;
    AES_128_GCM_IV12_TAG16_HKDF_SHA256 = 0x0114, 16, HkdfSha256, None;
    AES_192_GCM_IV12_TAG16_HKDF_SHA256 = 0x0146, 24, HkdfSha256, None;
    AES_256_GCM_IV12_TAG16_HKDF_SHA256 = 0x0178, 32, HkdfSha256, None;
    AES_128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256 = 0x0214, 16, HkdfSha256, Some(SignatureAlgorithm::EcdsaP256Sha256);
    AES_192_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384 = 0x0346, 24, HkdfSha384, Some(SignatureAlgorithm::EcdsaP384Sha384);
    AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384 = 0x0378, 32, HkdfSha384, Some(SignatureAlgorithm::EcdsaP384Sha384);
    AES_256_GCM_HKDF_SHA512_COMMIT_KEY = 0x0478, 32, HkdfSha512Committing, None;
    AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384 = 0x0578, 32, HkdfSha512Committing, Some(SignatureAlgorithm::EcdsaP384Sha384);
}

impl AlgorithmSuite {
    /// Looks a suite up by its two-byte id.
    pub fn from_id(id: u16) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|s| s.id == id)
            .ok_or_else(|| {
                Error::malformed(
                    "header.algorithm_suite_id",
                    format!("unknown algorithm suite 0x{id:04x}"),
                )
            })
    }

    /// The suite id as written on the wire.
    pub fn id(&self) -> u16 {
        self.id
    }
    /// Data key and content-encryption key length in bytes.
    pub fn key_len(&self) -> usize {
        self.key_len
    }
    /// Key derivation.
    pub fn kdf(&self) -> KeyDerivation {
        self.kdf
    }
    /// Footer signature algorithm, if the suite signs.
    pub fn signature(&self) -> Option<SignatureAlgorithm> {
        self.signature
    }
    /// Whether the suite commits to its data key (v2 message format).
    pub fn is_committing(&self) -> bool {
        self.kdf == KeyDerivation::HkdfSha512Committing
    }
    /// Message format version bound to this suite (1 or 2).
    pub fn message_format_version(&self) -> u8 {
        if self.is_committing() {
            2
        } else {
            1
        }
    }
    /// Message id length for this suite's format (16 for v1, 32 for v2).
    pub fn message_id_len(&self) -> usize {
        if self.is_committing() {
            32
        } else {
            16
        }
    }
}

/// DB-ESDK (item encryption) suites. They are not ESDK message suites, so they are kept out of
/// [`AlgorithmSuite::ALL`] and [`AlgorithmSuite::from_id`]; item encryption looks them up with
/// [`AlgorithmSuite::from_item_suite_id`]. Both use 32-byte data keys, HKDF-SHA512 and key
/// commitment (spec: framework/algorithm-suites.md, "DBE" suites).
impl AlgorithmSuite {
    /// Suite 0x6700: AES-256-GCM, HKDF-SHA512, commitment, HMAC-SHA384 recipient tags, no ECDSA.
    pub const DBE_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_SYMSIG_HMAC_SHA384: AlgorithmSuite =
        AlgorithmSuite {
            id: 0x6700,
            key_len: 32,
            kdf: KeyDerivation::HkdfSha512Committing,
            signature: None,
        };
    /// Suite 0x6701 (the item default): as 0x6700 plus an ECDSA P-384 signature.
    pub const DBE_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384_SYMSIG_HMAC_SHA384: AlgorithmSuite =
        AlgorithmSuite {
            id: 0x6701,
            key_len: 32,
            kdf: KeyDerivation::HkdfSha512Committing,
            signature: Some(SignatureAlgorithm::EcdsaP384Sha384),
        };
    /// Both item suites, in id order.
    pub const ITEM_SUITES: &'static [AlgorithmSuite] = &[
        AlgorithmSuite::DBE_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_SYMSIG_HMAC_SHA384,
        AlgorithmSuite::DBE_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384_SYMSIG_HMAC_SHA384,
    ];

    /// Looks up a DB-ESDK item suite (0x6700 or 0x6701).
    pub fn from_item_suite_id(id: u16) -> Result<Self> {
        Self::ITEM_SUITES
            .iter()
            .copied()
            .find(|s| s.id == id)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown item algorithm suite 0x{id:04x} (expected 0x6700 or 0x6701)"
                ))
            })
    }

    /// Whether this is a DB-ESDK item suite rather than an ESDK message suite.
    pub fn is_item_suite(&self) -> bool {
        Self::ITEM_SUITES.contains(self)
    }
}

/// AES-GCM IV length of every ESDK suite.
pub const IV_LEN: usize = 12;
/// AES-GCM tag length of every ESDK suite.
pub const TAG_LEN: usize = 16;
