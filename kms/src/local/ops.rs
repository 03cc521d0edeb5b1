//! Cryptographic operations of the local KMS (the `KmsProvider` surface).

use super::ciphertext;
use super::key;
use super::limits;
use super::store::{require_enabled, require_usage, Call, KeyEntry, State};
use crate::error::{names, KmsError};
use crate::types::*;
use zeroize::Zeroizing;

/// Direct Encrypt limit.
const MAX_PLAINTEXT: usize = 4096;
/// Message limit of Sign and GenerateMac.
const MAX_MESSAGE: usize = 4096;
/// CiphertextBlob limit of the KMS model.
const MAX_CIPHERTEXT: usize = 6144;

fn is_rsa(spec: &KeySpec) -> bool {
    matches!(spec, KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096)
}

/// Encrypts `pt` under a key (symmetric: our blob; RSA: raw OAEP): the ciphertext, the algorithm
/// and the material version id.
pub(crate) fn seal(
    st: &State,
    e: &KeyEntry,
    pt: &[u8],
    ec: &EncryptionContext,
    alg: Option<&EncryptionAlgorithm>,
) -> Result<(Vec<u8>, EncryptionAlgorithm, Option<String>), KmsError> {
    require_usage(e, KeyUsage::EncryptDecrypt)?;
    let set = st.materials_of(e)?;
    let (n, version) = set.current()?;
    if is_rsa(&e.spec) {
        let alg = alg
            .ok_or_else(|| KmsError::validation("EncryptionAlgorithm is required for RSA keys"))?;
        let ct = key::rsa_encrypt(&version.secret, alg, pt)?;
        return Ok((ct, alg.clone(), None));
    }
    if let Some(a) = alg.filter(|a| **a != EncryptionAlgorithm::SymmetricDefault) {
        return Err(KmsError::new(
            names::INVALID_KEY_USAGE,
            format!("{a} is not valid for a symmetric key"),
        ));
    }
    let header = ciphertext::header(&e.key_id, n)?;
    let sealed = key::aes_seal(version.secret.expose(), &ciphertext::aad(&header, ec), pt)?;
    let mut blob = header;
    blob.extend_from_slice(&sealed);
    Ok((
        blob,
        EncryptionAlgorithm::SymmetricDefault,
        Some(version.id.clone()),
    ))
}

/// The plaintext, key and algorithm of a decrypted blob.
struct Opened {
    plaintext: Zeroizing<Vec<u8>>,
    key: KeyEntry,
    alg: EncryptionAlgorithm,
    material_id: Option<String>,
}

/// Decrypts under an explicit or blob-named key; `action` is the policy action checked.
fn open(
    st: &State,
    c: &mut Call<'_>,
    blob: &[u8],
    ec: &EncryptionContext,
    key_id: Option<&str>,
    alg: Option<&EncryptionAlgorithm>,
    action: &str,
) -> Result<Opened, KmsError> {
    if blob.is_empty() || blob.len() > MAX_CIPHERTEXT {
        return Err(KmsError::validation("CiphertextBlob must be 1..6144 bytes"));
    }
    let explicit = match key_id {
        Some(id) => Some(st.resolve(c, id)?),
        None => None,
    };
    let is_asym = explicit
        .as_ref()
        .map(|a| st.entry(a))
        .transpose()?
        .is_some_and(|e| is_rsa(&e.spec));
    if is_asym || alg.is_some_and(|a| *a != EncryptionAlgorithm::SymmetricDefault) {
        let arn = explicit
            .ok_or_else(|| KmsError::validation("KeyId is required for asymmetric decryption"))?;
        c.key_arn = Some(arn.clone());
        let e = st.entry(&arn)?.clone();
        st.authorize_entry(c, &e, action, Some(ec))?;
        require_enabled(&e)?;
        require_usage(&e, KeyUsage::EncryptDecrypt)?;
        if !is_rsa(&e.spec) {
            return Err(KmsError::new(
                names::INVALID_KEY_USAGE,
                "asymmetric algorithm for a symmetric key",
            ));
        }
        let alg = alg
            .ok_or_else(|| KmsError::validation("EncryptionAlgorithm is required for RSA keys"))?;
        let (_, v) = st.materials_of(&e)?.current()?;
        let pt = key::rsa_decrypt(&v.secret, alg, blob)?;
        return Ok(Opened {
            plaintext: Zeroizing::new(pt),
            key: e,
            alg: alg.clone(),
            material_id: None,
        });
    }
    let parsed = ciphertext::parse(blob)?;
    // Find the key the blob names, in the caller's region (any account: the policy decides).
    let arn = match explicit {
        Some(arn) => {
            c.key_arn = Some(arn.clone());
            if st.entry(&arn)?.key_id != parsed.key_id {
                return Err(KmsError::new(
                    names::INCORRECT_KEY,
                    "the ciphertext was not encrypted under this KeyId",
                ));
            }
            arn
        }
        None => st
            .keys
            .values()
            .find(|k| k.region == c.region && k.key_id == parsed.key_id)
            .map(|k| k.arn.clone())
            .ok_or_else(|| {
                KmsError::new(
                    names::ACCESS_DENIED,
                    "the ciphertext refers to a key that is not accessible",
                )
            })?,
    };
    c.key_arn = Some(arn.clone());
    let e = st.entry(&arn)?.clone();
    st.authorize_entry(c, &e, action, Some(ec))?;
    require_enabled(&e)?;
    require_usage(&e, KeyUsage::EncryptDecrypt)?;
    let set = st.materials_of(&e)?;
    let v = usize::try_from(parsed.version)
        .ok()
        .and_then(|i| set.versions.get(i))
        .ok_or_else(KmsError::invalid_ciphertext)?;
    let pt = key::aes_open(
        v.secret.expose(),
        &ciphertext::aad(parsed.header, ec),
        parsed.sealed,
    )?;
    Ok(Opened {
        plaintext: Zeroizing::new(pt),
        key: e,
        alg: EncryptionAlgorithm::SymmetricDefault,
        material_id: Some(v.id.clone()),
    })
}

fn data_key_len(req: &GenerateDataKeyRequest) -> Result<usize, KmsError> {
    match (req.number_of_bytes, &req.key_spec) {
        (Some(n), None) if (1..=1024).contains(&n) => Ok(n as usize),
        (Some(_), None) => Err(KmsError::validation(
            "NumberOfBytes must be between 1 and 1024",
        )),
        (None, Some(DataKeySpec::Aes256)) => Ok(32),
        (None, Some(DataKeySpec::Aes128)) => Ok(16),
        (None, Some(other)) => Err(KmsError::validation(format!("unknown KeySpec {other}"))),
        _ => Err(KmsError::validation(
            "specify exactly one of NumberOfBytes and KeySpec",
        )),
    }
}

/// A data key with its encrypted form.
type GeneratedKey = (KeyEntry, Zeroizing<Vec<u8>>, Vec<u8>, Option<String>);

fn generate(
    st: &State,
    c: &mut Call<'_>,
    req: &GenerateDataKeyRequest,
    action: &str,
) -> Result<GeneratedKey, KmsError> {
    let n = data_key_len(req)?;
    let e = st.usable(c, &req.key_id, action, Some(&req.encryption_context))?;
    if e.spec != KeySpec::SymmetricDefault {
        return Err(KmsError::new(
            names::INVALID_KEY_USAGE,
            "data keys need a symmetric key",
        ));
    }
    let dk = Zeroizing::new(crate::secret::random_bytes(n)?);
    let (blob, _, mid) = seal(st, &e, &dk, &req.encryption_context, None)?;
    Ok((e, dk, blob, mid))
}

pub(crate) fn generate_data_key(
    st: &mut State,
    c: &mut Call<'_>,
    req: GenerateDataKeyRequest,
) -> Result<GenerateDataKeyResponse, KmsError> {
    limits::grant_tokens(&req.grant_tokens)?;
    let (e, plaintext, ciphertext_blob, key_material_id) =
        generate(st, c, &req, "GenerateDataKey")?;
    Ok(GenerateDataKeyResponse {
        key_id: e.arn,
        plaintext,
        ciphertext_blob,
        key_material_id,
    })
}

pub(crate) fn generate_data_key_without_plaintext(
    st: &mut State,
    c: &mut Call<'_>,
    req: GenerateDataKeyRequest,
) -> Result<GenerateDataKeyWithoutPlaintextResponse, KmsError> {
    limits::grant_tokens(&req.grant_tokens)?;
    let (e, _, ciphertext_blob, key_material_id) =
        generate(st, c, &req, "GenerateDataKeyWithoutPlaintext")?;
    Ok(GenerateDataKeyWithoutPlaintextResponse {
        key_id: e.arn,
        ciphertext_blob,
        key_material_id,
    })
}

pub(crate) fn encrypt(
    st: &mut State,
    c: &mut Call<'_>,
    req: EncryptRequest,
) -> Result<EncryptResponse, KmsError> {
    limits::grant_tokens(&req.grant_tokens)?;
    if req.plaintext.is_empty() || req.plaintext.len() > MAX_PLAINTEXT {
        return Err(KmsError::validation(
            "Plaintext must be between 1 and 4096 bytes",
        ));
    }
    let e = st.usable(c, &req.key_id, "Encrypt", Some(&req.encryption_context))?;
    let (blob, alg, _) = seal(
        st,
        &e,
        &req.plaintext,
        &req.encryption_context,
        req.encryption_algorithm.as_ref(),
    )?;
    Ok(EncryptResponse {
        key_id: e.arn,
        ciphertext_blob: blob,
        encryption_algorithm: Some(alg),
    })
}

pub(crate) fn decrypt(
    st: &mut State,
    c: &mut Call<'_>,
    req: DecryptRequest,
) -> Result<DecryptResponse, KmsError> {
    limits::grant_tokens(&req.grant_tokens)?;
    let o = open(
        st,
        c,
        &req.ciphertext_blob,
        &req.encryption_context,
        req.key_id.as_deref(),
        req.encryption_algorithm.as_ref(),
        "Decrypt",
    )?;
    Ok(DecryptResponse {
        key_id: o.key.arn,
        plaintext: o.plaintext,
        encryption_algorithm: Some(o.alg),
        key_material_id: o.material_id,
    })
}

pub(crate) fn re_encrypt(
    st: &mut State,
    c: &mut Call<'_>,
    req: ReEncryptRequest,
) -> Result<ReEncryptResponse, KmsError> {
    limits::grant_tokens(&req.grant_tokens)?;
    limits::context("SourceEncryptionContext", &req.source_encryption_context)?;
    let o = open(
        st,
        c,
        &req.ciphertext_blob,
        &req.source_encryption_context,
        req.source_key_id.as_deref(),
        req.source_encryption_algorithm.as_ref(),
        "ReEncryptFrom",
    )?;
    let dest = st.usable(
        c,
        &req.destination_key_id,
        "ReEncryptTo",
        Some(&req.destination_encryption_context),
    )?;
    let (blob, alg, _) = seal(
        st,
        &dest,
        &o.plaintext,
        &req.destination_encryption_context,
        req.destination_encryption_algorithm.as_ref(),
    )?;
    Ok(ReEncryptResponse {
        ciphertext_blob: blob,
        source_key_id: o.key.arn,
        key_id: dest.arn,
        source_encryption_algorithm: Some(o.alg),
        destination_encryption_algorithm: Some(alg),
    })
}

pub(crate) fn get_public_key(
    st: &mut State,
    c: &mut Call<'_>,
    req: KeyIdRequest,
) -> Result<GetPublicKeyResponse, KmsError> {
    limits::grant_tokens(&req.grant_tokens)?;
    let e = st.usable(c, &req.key_id, "GetPublicKey", None)?;
    let (_, v) = st.materials_of(&e)?.current()?;
    let public_key = key::public_key_der(&e.spec, &v.secret)?;
    let md = st.metadata(&e);
    Ok(GetPublicKeyResponse {
        key_id: e.arn,
        public_key,
        key_spec: Some(e.spec.clone()),
        customer_master_key_spec: Some(e.spec),
        key_usage: Some(e.usage),
        encryption_algorithms: md.encryption_algorithms,
        signing_algorithms: md.signing_algorithms,
    })
}

pub(crate) fn describe_key(
    st: &mut State,
    c: &mut Call<'_>,
    req: KeyIdRequest,
) -> Result<DescribeKeyResponse, KmsError> {
    limits::grant_tokens(&req.grant_tokens)?;
    let e = st.authorized(c, &req.key_id, "DescribeKey", None)?;
    Ok(DescribeKeyResponse {
        key_metadata: st.metadata(&e),
    })
}

/// `Signature` and `Mac`: 1..=6144 bytes (AWS KMS API reference, Verify and VerifyMac).
fn check_blob(param: &str, b: &[u8]) -> Result<(), KmsError> {
    if b.is_empty() || b.len() > MAX_CIPHERTEXT {
        Err(limits::invalid(param, "must be between 1 and 6144 bytes"))
    } else {
        Ok(())
    }
}

fn check_message(m: &[u8]) -> Result<(), KmsError> {
    if m.is_empty() || m.len() > MAX_MESSAGE {
        Err(KmsError::validation(
            "Message must be between 1 and 4096 bytes",
        ))
    } else {
        Ok(())
    }
}

pub(crate) fn sign(
    st: &mut State,
    c: &mut Call<'_>,
    req: SignRequest,
) -> Result<SignResponse, KmsError> {
    limits::grant_tokens(&req.grant_tokens)?;
    check_message(&req.message)?;
    let e = st.usable(c, &req.key_id, "Sign", None)?;
    require_usage(&e, KeyUsage::SignVerify)?;
    let (_, v) = st.materials_of(&e)?.current()?;
    let signature = key::sign(
        &e.spec,
        &v.secret,
        &req.signing_algorithm,
        &req.message,
        &req.message_type,
    )?;
    Ok(SignResponse {
        key_id: e.arn,
        signature,
        signing_algorithm: Some(req.signing_algorithm),
    })
}

pub(crate) fn verify(
    st: &mut State,
    c: &mut Call<'_>,
    req: VerifyRequest,
) -> Result<VerifyResponse, KmsError> {
    limits::grant_tokens(&req.grant_tokens)?;
    check_message(&req.message)?;
    check_blob("Signature", &req.signature)?;
    let e = st.usable(c, &req.key_id, "Verify", None)?;
    require_usage(&e, KeyUsage::SignVerify)?;
    let (_, v) = st.materials_of(&e)?.current()?;
    key::verify(
        &e.spec,
        &v.secret,
        &req.signing_algorithm,
        &req.message,
        &req.message_type,
        &req.signature,
    )?;
    Ok(VerifyResponse {
        key_id: e.arn,
        signature_valid: true,
        signing_algorithm: Some(req.signing_algorithm),
    })
}

pub(crate) fn generate_mac(
    st: &mut State,
    c: &mut Call<'_>,
    req: GenerateMacRequest,
) -> Result<GenerateMacResponse, KmsError> {
    limits::grant_tokens(&req.grant_tokens)?;
    check_message(&req.message)?;
    let e = st.usable(c, &req.key_id, "GenerateMac", None)?;
    require_usage(&e, KeyUsage::GenerateVerifyMac)?;
    let (_, v) = st.materials_of(&e)?.current()?;
    let mac = key::mac(&e.spec, &v.secret, &req.mac_algorithm, &req.message)?;
    Ok(GenerateMacResponse {
        key_id: e.arn,
        mac,
        mac_algorithm: Some(req.mac_algorithm),
    })
}

pub(crate) fn verify_mac(
    st: &mut State,
    c: &mut Call<'_>,
    req: VerifyMacRequest,
) -> Result<VerifyMacResponse, KmsError> {
    limits::grant_tokens(&req.grant_tokens)?;
    check_message(&req.message)?;
    check_blob("Mac", &req.mac)?;
    let e = st.usable(c, &req.key_id, "VerifyMac", None)?;
    require_usage(&e, KeyUsage::GenerateVerifyMac)?;
    let (_, v) = st.materials_of(&e)?.current()?;
    key::verify_mac(
        &e.spec,
        &v.secret,
        &req.mac_algorithm,
        &req.message,
        &req.mac,
    )?;
    Ok(VerifyMacResponse {
        key_id: e.arn,
        mac_valid: true,
        mac_algorithm: Some(req.mac_algorithm),
    })
}
