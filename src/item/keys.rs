//! Key derivations of the item format (DB-ESDK spec: structured-encryption/header.md#commit-key,
//! structured-encryption/encrypt-path-structure.md "Calculate Cipherkey and Nonce"; ESDK spec
//! framework/algorithm-suites.md "Intermediate Key Wrapping"; Dafny `Crypt.dfy`,
//! MPL `IntermediateKeyWrapping.dfy`). Every derived key is zeroized on drop. The primitives come
//! from the encryptor's [`CryptoProvider`].

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::crypto::provider::{CryptoProvider, MacHash};
use crate::error::{Error, Result};

/// Length of every item key (data key, intermediate key, derived keys).
pub const KEY_LEN: usize = 32;
/// Length of the header commitment.
pub const COMMITMENT_LEN: usize = 32;
/// Length of a recipient tag (HMAC-SHA384).
pub const TAG_LEN: usize = 48;
/// Keystream bytes per encrypted field: three AES blocks, of which the key and nonce take 44.
const FIELD_STREAM_LEN: usize = 48;

/// A 32-byte secret.
pub type Key32 = Zeroizing<[u8; KEY_LEN]>;

/// `HKDF-SHA512(PDK, no salt, "AWS_DBE_COMMIT_KEY" ‖ msgId)` (header.md#commit-key).
pub async fn commit_key(
    crypto: &dyn CryptoProvider,
    data_key: &[u8],
    message_id: &[u8],
) -> Result<Key32> {
    crypto
        .hkdf_sha512(data_key, &[&b"AWS_DBE_COMMIT_KEY"[..], message_id].concat())
        .await
}

/// `HMAC-SHA512(commitKey, header)[..32]`. ⚠ The spec text says SHA-384; the code and vectors use SHA-512.
pub async fn commitment(
    crypto: &dyn CryptoProvider,
    commit_key: &[u8],
    header_without_commitment: &[u8],
) -> Result<[u8; COMMITMENT_LEN]> {
    let full = crypto
        .hmac(MacHash::Sha512, commit_key, header_without_commitment)
        .await?;
    let mut out = [0u8; COMMITMENT_LEN];
    out.copy_from_slice(
        full.get(..COMMITMENT_LEN)
            .ok_or_else(|| Error::Keyring("HMAC-SHA512 tag too short".into()))?,
    );
    Ok(out)
}

/// Constant-time equality (commitments and recipient tags).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// `HKDF-SHA512(PDK, no salt, "AWS_DBE_DERIVE_KEY" ‖ msgId)`: the root of the per-field keys.
pub async fn field_root_key(
    crypto: &dyn CryptoProvider,
    data_key: &[u8],
    message_id: &[u8],
) -> Result<Key32> {
    crypto
        .hkdf_sha512(data_key, &[&b"AWS_DBE_DERIVE_KEY"[..], message_id].concat())
        .await
}

/// The AES-256-GCM keys and nonces of the first `count` encrypted fields. Field `i` takes 44
/// bytes of AES-256-CTR keystream under the root key from counter block
/// `"AwsDbeField" ‖ 0x2C ‖ u32be(3·i)` (encrypt-path-structure.md; Dafny `Crypt.dfy::FieldKey`).
/// Field `i + 1` starts three blocks after field `i`, so one keystream from field 0's block
/// serves them all: one call per item.
pub async fn field_keys(
    crypto: &dyn CryptoProvider,
    root: &[u8; KEY_LEN],
    count: usize,
) -> Result<Vec<(Key32, [u8; 12])>> {
    let Some(last) = count.checked_sub(1) else {
        return Ok(Vec::new());
    };
    // The counter's low 32 bits hold 3·i; past 2^32 the DB-ESDK's counter would wrap.
    if last
        .checked_mul(3)
        .and_then(|n| u32::try_from(n).ok())
        .is_none()
    {
        return Err(too_many());
    }
    let len = count.checked_mul(FIELD_STREAM_LEN).ok_or_else(too_many)?;
    let mut block = [0u8; 16];
    block[..11].copy_from_slice(b"AwsDbeField");
    block[11] = 0x2C;
    let stream = crypto.aes256_ctr_keystream(root, block, len).await?;
    if stream.len() != len {
        return Err(Error::Keyring(
            "AES-CTR keystream has the wrong length".into(),
        ));
    }
    Ok(stream
        .chunks_exact(FIELD_STREAM_LEN)
        .map(|field| {
            let mut key = Zeroizing::new([0u8; KEY_LEN]);
            key.copy_from_slice(&field[..KEY_LEN]);
            let mut nonce = [0u8; 12];
            nonce.copy_from_slice(&field[KEY_LEN..KEY_LEN + 12]);
            (key, nonce)
        })
        .collect())
}

fn too_many() -> Error {
    Error::LimitExceeded("an item may have fewer than 2^32/3 encrypted attributes".into())
}

/// The intermediate key's PDK-encryption key and symmetric signing key
/// (MPL intermediate key wrapping: "AWS_MPL_INTERMEDIATE_KEYWRAP_ENC" / "…_MAC").
pub async fn intermediate_keys(
    crypto: &dyn CryptoProvider,
    intermediate: &[u8],
) -> Result<(Key32, Key32)> {
    Ok((
        crypto
            .hkdf_sha512(intermediate, b"AWS_MPL_INTERMEDIATE_KEYWRAP_ENC")
            .await?,
        crypto
            .hkdf_sha512(intermediate, b"AWS_MPL_INTERMEDIATE_KEYWRAP_MAC")
            .await?,
    ))
}

/// A recipient tag: `HMAC-SHA384(macKey, canonicalHash)` (footer.md#recipient-tags).
pub async fn recipient_tag(
    crypto: &dyn CryptoProvider,
    mac_key: &[u8],
    canonical_hash: &[u8],
) -> Result<[u8; TAG_LEN]> {
    let tag = crypto
        .hmac(MacHash::Sha384, mac_key, canonical_hash)
        .await?;
    <[u8; TAG_LEN]>::try_from(&tag[..])
        .map_err(|_| Error::Keyring("HMAC-SHA384 tag has the wrong length".into()))
}
