//! Key derivations of the item format (DB-ESDK spec: structured-encryption/header.md#commit-key,
//! structured-encryption/encrypt-path-structure.md "Calculate Cipherkey and Nonce"; ESDK spec
//! framework/algorithm-suites.md "Intermediate Key Wrapping"; Dafny `Crypt.dfy`,
//! MPL `IntermediateKeyWrapping.dfy`). Every derived key is zeroized on drop.

use aes::cipher::{BlockEncrypt, KeyInit};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::{Sha384, Sha512};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

/// Length of every item key (data key, intermediate key, derived keys).
pub const KEY_LEN: usize = 32;
/// Length of the header commitment.
pub const COMMITMENT_LEN: usize = 32;
/// Length of a recipient tag (HMAC-SHA384).
pub const TAG_LEN: usize = 48;

/// A 32-byte secret.
pub type Key32 = Zeroizing<[u8; KEY_LEN]>;

fn hkdf_sha512(ikm: &[u8], info: &[&[u8]]) -> Result<Key32> {
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    Hkdf::<Sha512>::new(None, ikm)
        .expand_multi_info(info, out.as_mut())
        .map_err(|_| Error::Keyring("HKDF output length invalid".into()))?;
    Ok(out)
}

/// `HKDF-SHA512(PDK, no salt, "AWS_DBE_COMMIT_KEY" ‖ msgId)` (header.md#commit-key).
pub fn commit_key(data_key: &[u8], message_id: &[u8]) -> Result<Key32> {
    hkdf_sha512(data_key, &[b"AWS_DBE_COMMIT_KEY", message_id])
}

/// `HMAC-SHA512(commitKey, header)[..32]`. ⚠ The spec text says SHA-384; the code and vectors use SHA-512.
pub fn commitment(
    commit_key: &[u8],
    header_without_commitment: &[u8],
) -> Result<[u8; COMMITMENT_LEN]> {
    let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(commit_key)
        .map_err(|_| Error::Keyring("bad HMAC key".into()))?;
    mac.update(header_without_commitment);
    let full = mac.finalize().into_bytes();
    let mut out = [0u8; COMMITMENT_LEN];
    out.copy_from_slice(&full[..COMMITMENT_LEN]);
    Ok(out)
}

/// Constant-time equality (commitments and recipient tags).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// `HKDF-SHA512(PDK, no salt, "AWS_DBE_DERIVE_KEY" ‖ msgId)`: the root of the per-field keys.
pub fn field_root_key(data_key: &[u8], message_id: &[u8]) -> Result<Key32> {
    hkdf_sha512(data_key, &[b"AWS_DBE_DERIVE_KEY", message_id])
}

/// The AES-256-GCM key and nonce of the `index`-th encrypted field: 44 bytes of AES-256-CTR
/// keystream under the root key, counter block `"AwsDbeField" ‖ 0x2C ‖ u32be(3·index)`
/// (encrypt-path-structure.md; Dafny `Crypt.dfy::FieldKey`).
pub fn field_key(root: &[u8; KEY_LEN], index: usize) -> Result<(Key32, [u8; 12])> {
    let offset =
        u32::try_from(index.checked_mul(3).ok_or_else(too_many)?).map_err(|_| too_many())?;
    let mut block = [0u8; 16];
    block[..11].copy_from_slice(b"AwsDbeField");
    block[11] = 0x2C;
    block[12..].copy_from_slice(&offset.to_be_bytes());
    let counter = u128::from_be_bytes(block);
    let cipher = aes::Aes256::new_from_slice(root)
        .map_err(|_| Error::Keyring("bad AES key length".into()))?;
    let mut stream = Zeroizing::new([0u8; 48]);
    for (i, chunk) in stream.chunks_mut(16).enumerate() {
        let mut b = aes::Block::from(counter.wrapping_add(i as u128).to_be_bytes());
        cipher.encrypt_block(&mut b);
        chunk.copy_from_slice(&b);
        b.zeroize();
    }
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    key.copy_from_slice(&stream[..KEY_LEN]);
    let mut nonce = [0u8; 12];
    nonce.copy_from_slice(&stream[KEY_LEN..KEY_LEN + 12]);
    Ok((key, nonce))
}

fn too_many() -> Error {
    Error::LimitExceeded("an item may have fewer than 2^32/3 encrypted attributes".into())
}

/// The intermediate key's PDK-encryption key and symmetric signing key
/// (MPL intermediate key wrapping: "AWS_MPL_INTERMEDIATE_KEYWRAP_ENC" / "…_MAC").
pub fn intermediate_keys(intermediate: &[u8]) -> Result<(Key32, Key32)> {
    Ok((
        hkdf_sha512(intermediate, &[b"AWS_MPL_INTERMEDIATE_KEYWRAP_ENC"])?,
        hkdf_sha512(intermediate, &[b"AWS_MPL_INTERMEDIATE_KEYWRAP_MAC"])?,
    ))
}

/// A recipient tag: `HMAC-SHA384(macKey, canonicalHash)` (footer.md#recipient-tags).
pub fn recipient_tag(mac_key: &[u8], canonical_hash: &[u8]) -> Result<[u8; TAG_LEN]> {
    let mut mac = <Hmac<Sha384> as Mac>::new_from_slice(mac_key)
        .map_err(|_| Error::Keyring("bad HMAC key".into()))?;
    mac.update(canonical_hash);
    Ok(mac.finalize().into_bytes().into())
}
