//! `GenerateDataKeyPair`, `GenerateDataKeyPairWithoutPlaintext` and `GenerateRandom` (AWS KMS
//! API reference). A data key pair's private key (PKCS#8 DER) is encrypted under a symmetric
//! encryption key with the request's encryption context, exactly as `Encrypt` would, so
//! `Decrypt` of `PrivateKeyCiphertextBlob` with that context returns it.

use super::key;
use super::limits;
use super::ops::seal;
use super::store::{Call, KeyEntry, State};
use crate::error::{names, KmsError};
use crate::types::*;
use zeroize::Zeroizing;

/// `GenerateRandom` `NumberOfBytes`: 1..=1024.
const MAX_RANDOM_BYTES: u32 = 1024;

/// A generated pair: the key used, the private key (plaintext and sealed), the public key,
/// the spec and the material version id.
struct Pair {
    key: KeyEntry,
    private: Zeroizing<Vec<u8>>,
    sealed: Vec<u8>,
    public: Vec<u8>,
    spec: KeySpec,
    material_id: Option<String>,
}

fn generate(
    st: &State,
    c: &mut Call<'_>,
    req: GenerateDataKeyPairRequest,
    action: &str,
) -> Result<Pair, KmsError> {
    limits::key_id("KeyId", &req.key_id)?;
    limits::grant_tokens(&req.grant_tokens)?;
    let spec = req
        .key_pair_spec
        .ok_or_else(|| limits::invalid("KeyPairSpec", "is required"))?;
    if !matches!(
        spec,
        KeySpec::Rsa2048
            | KeySpec::Rsa3072
            | KeySpec::Rsa4096
            | KeySpec::EccNistP256
            | KeySpec::EccNistP384
            | KeySpec::EccNistP521
            | KeySpec::EccSecgP256k1
    ) {
        return Err(limits::invalid(
            "KeyPairSpec",
            "must be RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521 \
             or ECC_SECG_P256K1",
        ));
    }
    let e = st.usable(c, &req.key_id, action, Some(&req.encryption_context))?;
    if e.spec != KeySpec::SymmetricDefault || e.usage != KeyUsage::EncryptDecrypt {
        return Err(KmsError::new(
            names::INVALID_KEY_USAGE,
            "data key pairs are encrypted under a symmetric encryption key",
        ));
    }
    let (private, public) = key::generate_pair(&spec)?;
    let (sealed, _, material_id) = seal(st, &e, &private, &req.encryption_context, None)?;
    Ok(Pair {
        key: e,
        private,
        sealed,
        public,
        spec,
        material_id,
    })
}

pub(crate) fn generate_data_key_pair(
    st: &mut State,
    c: &mut Call<'_>,
    req: GenerateDataKeyPairRequest,
) -> Result<GenerateDataKeyPairResponse, KmsError> {
    let p = generate(st, c, req, "GenerateDataKeyPair")?;
    Ok(GenerateDataKeyPairResponse {
        key_id: p.key.arn,
        private_key_plaintext: p.private,
        private_key_ciphertext_blob: p.sealed,
        public_key: p.public,
        key_pair_spec: p.spec,
        key_material_id: p.material_id,
    })
}

pub(crate) fn generate_data_key_pair_without_plaintext(
    st: &mut State,
    c: &mut Call<'_>,
    req: GenerateDataKeyPairRequest,
) -> Result<GenerateDataKeyPairWithoutPlaintextResponse, KmsError> {
    let p = generate(st, c, req, "GenerateDataKeyPairWithoutPlaintext")?;
    Ok(GenerateDataKeyPairWithoutPlaintextResponse {
        key_id: p.key.arn,
        private_key_ciphertext_blob: p.sealed,
        public_key: p.public,
        key_pair_spec: p.spec,
        key_material_id: p.material_id,
    })
}

pub(crate) fn generate_random(
    _st: &mut State,
    _c: &mut Call<'_>,
    req: GenerateRandomRequest,
) -> Result<GenerateRandomResponse, KmsError> {
    if req.custom_key_store_id.is_some() {
        return Err(KmsError::new(
            names::UNSUPPORTED,
            "the local KMS has no custom key stores",
        ));
    }
    match req.number_of_bytes {
        Some(n) if (1..=MAX_RANDOM_BYTES).contains(&n) => Ok(GenerateRandomResponse {
            plaintext: Zeroizing::new(crate::secret::random_bytes(n as usize)?),
        }),
        _ => Err(limits::invalid(
            "NumberOfBytes",
            &format!("must be between 1 and {MAX_RANDOM_BYTES}"),
        )),
    }
}
