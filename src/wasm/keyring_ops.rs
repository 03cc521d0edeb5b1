//! A KMS provider narrowed to the operations the KMS keyrings call, for the small KMS module
//! (`wasm-kms`).
//!
//! The keyrings hold their provider as `Arc<dyn KmsProvider>`, and a trait object's vtable
//! instantiates every method of the concrete type: for the HTTP and JS providers, a typed JSON
//! request encoder and response decoder per KMS operation, most of the module. The strict,
//! MRK-aware, discovery and MRK discovery keyrings only call `GenerateDataKey`, `Encrypt` and
//! `Decrypt` (ESDK spec framework/aws-kms/aws-kms-keyring.md, OnEncrypt and OnDecrypt), so the
//! small module hands them this wrapper, whose other methods answer
//! `UnsupportedOperationException` without reaching the inner provider. Any other operation still
//! runs through `sendJson`, which takes and returns JSON without a typed decoder.

use crate::kms::names::UNSUPPORTED;
use crate::kms::provider::KmsFuture;
use crate::kms::types::*;
use crate::kms::{KmsError, KmsProvider};

/// `P` with only `GenerateDataKey`, `Encrypt` and `Decrypt` reachable through `dyn KmsProvider`.
pub(crate) struct KeyringOps<P>(pub(crate) std::sync::Arc<P>);

fn outside<T: 'static>(op: &'static str) -> KmsFuture<'static, T> {
    Box::pin(async move {
        Err(KmsError::new(
            UNSUPPORTED,
            format!("{op} is not used by the KMS keyrings of 'sealkit/kms'; use send('{op}', …)"),
        ))
    })
}

impl<P: KmsProvider> KmsProvider for KeyringOps<P> {
    fn generate_data_key(
        &self,
        req: GenerateDataKeyRequest,
    ) -> KmsFuture<'_, GenerateDataKeyResponse> {
        self.0.generate_data_key(req)
    }
    fn generate_data_key_without_plaintext(
        &self,
        _: GenerateDataKeyRequest,
    ) -> KmsFuture<'_, GenerateDataKeyWithoutPlaintextResponse> {
        outside("GenerateDataKeyWithoutPlaintext")
    }
    fn encrypt(&self, req: EncryptRequest) -> KmsFuture<'_, EncryptResponse> {
        self.0.encrypt(req)
    }
    fn decrypt(&self, req: DecryptRequest) -> KmsFuture<'_, DecryptResponse> {
        self.0.decrypt(req)
    }
    fn re_encrypt(&self, _: ReEncryptRequest) -> KmsFuture<'_, ReEncryptResponse> {
        outside("ReEncrypt")
    }
    fn get_public_key(&self, _: KeyIdRequest) -> KmsFuture<'_, GetPublicKeyResponse> {
        outside("GetPublicKey")
    }
    fn describe_key(&self, _: KeyIdRequest) -> KmsFuture<'_, DescribeKeyResponse> {
        outside("DescribeKey")
    }
    fn sign(&self, _: SignRequest) -> KmsFuture<'_, SignResponse> {
        outside("Sign")
    }
    fn verify(&self, _: VerifyRequest) -> KmsFuture<'_, VerifyResponse> {
        outside("Verify")
    }
    fn generate_mac(&self, _: GenerateMacRequest) -> KmsFuture<'_, GenerateMacResponse> {
        outside("GenerateMac")
    }
    fn verify_mac(&self, _: VerifyMacRequest) -> KmsFuture<'_, VerifyMacResponse> {
        outside("VerifyMac")
    }
}
