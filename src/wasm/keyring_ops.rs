//! A KMS provider narrowed to the operations the KMS keyrings call, for the small KMS module
//! (`wasm-kms`).
//!
//! The keyrings hold their provider as `Arc<dyn KmsProvider>`, and a trait object's vtable
//! instantiates every method of the concrete type: for the HTTP and JS providers, a serde
//! request encoder and response decoder per KMS operation, most of the module. The strict,
//! MRK-aware, discovery and MRK discovery keyrings only call `GenerateDataKey`, `Encrypt` and
//! `Decrypt` (ESDK spec framework/aws-kms/aws-kms-keyring.md, OnEncrypt and OnDecrypt), so the
//! small module hands them this wrapper: those three go through the serde-free bodies of
//! `sealkit_kms::http::keyring_bodies`, and the other methods answer
//! `UnsupportedOperationException` without reaching the provider. Any operation still runs
//! through `sendJson`, which passes JSON through.

use zeroize::Zeroizing;

use crate::kms::http::json::decode_with;
use crate::kms::http::keyring_bodies as bodies;
use crate::kms::http::plain_json::JsonError;
use crate::kms::http::HttpKmsClient;
use crate::kms::names::UNSUPPORTED;
use crate::kms::provider::KmsFuture;
use crate::kms::types::*;
use crate::kms::{KmsError, KmsProvider};
use crate::wasm::kms::JsKmsProvider;

/// A provider that carries a JSON request body and reads the response with `decode`.
pub(crate) trait BodyCall {
    fn post<'a, R: 'a>(
        &'a self,
        op: &'static str,
        body: Zeroizing<Vec<u8>>,
        decode: fn(&[u8]) -> Result<R, JsonError>,
    ) -> KmsFuture<'a, R>;
}

impl BodyCall for HttpKmsClient {
    fn post<'a, R: 'a>(
        &'a self,
        op: &'static str,
        body: Zeroizing<Vec<u8>>,
        decode: fn(&[u8]) -> Result<R, JsonError>,
    ) -> KmsFuture<'a, R> {
        Box::pin(async move {
            self.call_body(op, &body, |resp| decode_with(resp, decode))
                .await
        })
    }
}

impl BodyCall for JsKmsProvider {
    fn post<'a, R: 'a>(
        &'a self,
        op: &'static str,
        body: Zeroizing<Vec<u8>>,
        decode: fn(&[u8]) -> Result<R, JsonError>,
    ) -> KmsFuture<'a, R> {
        Box::pin(async move {
            // the writer's bytes are UTF-8 (strings and base64)
            let text = core::str::from_utf8(&body).map_err(|_| {
                KmsError::new("ValidationException", format!("{op}: request is not UTF-8"))
            })?;
            let out = Zeroizing::new(self.call_json(op, Zeroizing::new(text.to_string())).await?);
            decode(out.as_bytes()).map_err(|e| {
                KmsError::new(
                    "SerializationException",
                    format!("{op}: the provider's response does not have the KMS shape: {e}"),
                )
            })
        })
    }
}

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

impl<P: BodyCall> KmsProvider for KeyringOps<P> {
    fn generate_data_key(
        &self,
        req: GenerateDataKeyRequest,
    ) -> KmsFuture<'_, GenerateDataKeyResponse> {
        self.0.post(
            "GenerateDataKey",
            bodies::generate_data_key_request(&req),
            bodies::generate_data_key_response,
        )
    }
    fn generate_data_key_without_plaintext(
        &self,
        _: GenerateDataKeyRequest,
    ) -> KmsFuture<'_, GenerateDataKeyWithoutPlaintextResponse> {
        outside("GenerateDataKeyWithoutPlaintext")
    }
    fn encrypt(&self, req: EncryptRequest) -> KmsFuture<'_, EncryptResponse> {
        self.0.post(
            "Encrypt",
            bodies::encrypt_request(&req),
            bodies::encrypt_response,
        )
    }
    fn decrypt(&self, req: DecryptRequest) -> KmsFuture<'_, DecryptResponse> {
        self.0.post(
            "Decrypt",
            bodies::decrypt_request(&req),
            bodies::decrypt_response,
        )
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
