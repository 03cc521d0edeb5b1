//! KMS providers and KMS keyrings for JS.
//!
//! A [`WasmKmsProvider`] is one of: a client of the embedded local KMS (`local_kms.rs`, full
//! module only), an AWS KMS JSON 1.1 client over `fetch` (SigV4 or bearer token), or a JS
//! object. JS objects
//! reach Rust through an adapter built by `js/kms.mjs`: `{ call(operation, requestJson) }`
//! returning a promise of the response JSON (KMS JSON names, base64 blobs) or rejecting with
//! `{ name, message }`. Every provider also answers `sendJson(operation, requestJson)` for any
//! KMS operation. In the full module and in the small KMS module (`wasm-kms`), which leaves out
//! the local KMS. The KMS RSA keyring without a provider (offline encrypt only) is in
//! `keyring.rs`, for every module.

use std::sync::Arc;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use zeroize::Zeroizing;

use crate::error::Error;
use crate::keyring::kms::{
    aws_kms_multi_keyring, AwsKmsDiscoveryKeyring, AwsKmsMrkAwareKeyring,
    AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring, DiscoveryFilter,
};
use crate::keyring::Keyring;
use crate::kms::clock::{Clock, FnClock};
use crate::kms::http::json::decode_with;
use crate::kms::http::plain_json::{check_value, JsonError};
use crate::kms::http::{Auth, Credentials, HttpKmsClient, HttpKmsConfig};
#[cfg(not(feature = "wasm-lite"))]
use crate::kms::local::{dispatch::dispatch_json, LocalKmsClient};
#[cfg(not(feature = "wasm-kms"))]
use crate::kms::provider::KmsFuture;
#[cfg(not(feature = "wasm-kms"))]
use crate::kms::types::*;
use crate::kms::{EncryptionAlgorithm, KmsError, KmsProvider};
use crate::wasm::convert::{invalid, js, js_error};
use crate::wasm::fetch::{js_message, FetchTransport, TimeoutSleeper};
use crate::wasm::keyring::WasmKeyring;
#[cfg(feature = "wasm-kms")]
use crate::wasm::keyring_ops::KeyringOps;

/// A KMS error as the JS error the API turns into a `SealkitError` (`code` `ERR_KMS`, the KMS
/// error name and HTTP status on its `cause`, see `js_error`).
pub(crate) fn kms_js_error(e: KmsError) -> JsValue {
    js_error(&Error::Kms {
        name: e.name,
        message: e.message,
        status: e.status,
    })
}

pub(crate) fn js_clock() -> Arc<dyn Clock> {
    Arc::new(FnClock(|| (js_sys::Date::now() / 1000.0) as u64))
}

// ------------------------------------------------------------------ JS object providers

/// A [`KmsProvider`] calling a JS adapter `{ call(op, json) → Promise<json> }` (in the small KMS
/// module, through `keyring_ops.rs`).
pub(crate) struct JsKmsProvider {
    adapter: JsValue,
}

/// The KMS error a rejected JS call stands for: `{ name | __type | code, message }`.
fn kms_error_from_js(e: &JsValue) -> KmsError {
    let name = ["name", "__type", "code"]
        .iter()
        .filter_map(|k| Reflect::get(e, &JsValue::from_str(k)).ok()?.as_string())
        .find(|n| !n.is_empty() && n != "Error")
        .unwrap_or_else(|| "KMSInternalException".to_string());
    let mut err = KmsError::new(&name, js_message(e));
    // An HTTP status the JS side knows (an AWS SDK v3 error's `$metadata.httpStatusCode`).
    err.status = Reflect::get(e, &JsValue::from_str("status"))
        .ok()
        .and_then(|s| s.as_f64())
        .filter(|s| (100.0..=599.0).contains(s))
        .map(|s| s as u16);
    err
}

impl JsKmsProvider {
    pub(crate) async fn call_json(
        &self,
        op: &str,
        body: Zeroizing<String>,
    ) -> Result<String, KmsError> {
        let f = Reflect::get(&self.adapter, &"call".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| {
                KmsError::new("KMSInternalException", "provider adapter has no call()")
            })?;
        let r = f
            .call2(
                &self.adapter,
                &JsValue::from_str(op),
                &JsValue::from_str(&body),
            )
            .map_err(|e| kms_error_from_js(&e))?;
        let r = match r.dyn_into::<Promise>() {
            Ok(p) => JsFuture::from(p).await.map_err(|e| kms_error_from_js(&e))?,
            Err(v) => v,
        };
        r.as_string().ok_or_else(|| {
            KmsError::new(
                "KMSInternalException",
                format!("{op}: provider returned no JSON"),
            )
        })
    }
}

// The full module's JS providers answer every operation through serde; the small KMS module's
// keyrings use the serde-free bodies of `keyring_ops.rs` instead.
#[cfg(not(feature = "wasm-kms"))]
macro_rules! js_ops {
    ($($method:ident($req:ty) -> $resp:ty = $op:literal;)*) => {
        impl KmsProvider for JsKmsProvider {
            $(fn $method(&self, req: $req) -> KmsFuture<'_, $resp> {
                Box::pin(async move {
                    let body = serde_json::to_string(&req).map_err(|e| {
                        KmsError::new("ValidationException", format!("{}: request not serializable: {e}", $op))
                    })?;
                    let out = Zeroizing::new(self.call_json($op, Zeroizing::new(body)).await?);
                    serde_json::from_str::<$resp>(&out).map_err(|e| {
                        KmsError::new(
                            "SerializationException",
                            format!("{}: the provider's response does not have the KMS shape: {e}", $op),
                        )
                    })
                })
            })*
        }
    };
}

#[cfg(not(feature = "wasm-kms"))]
js_ops! {
    generate_data_key(GenerateDataKeyRequest) -> GenerateDataKeyResponse = "GenerateDataKey";
    generate_data_key_without_plaintext(GenerateDataKeyRequest) -> GenerateDataKeyWithoutPlaintextResponse = "GenerateDataKeyWithoutPlaintext";
    encrypt(EncryptRequest) -> EncryptResponse = "Encrypt";
    decrypt(DecryptRequest) -> DecryptResponse = "Decrypt";
    re_encrypt(ReEncryptRequest) -> ReEncryptResponse = "ReEncrypt";
    get_public_key(KeyIdRequest) -> GetPublicKeyResponse = "GetPublicKey";
    describe_key(KeyIdRequest) -> DescribeKeyResponse = "DescribeKey";
    sign(SignRequest) -> SignResponse = "Sign";
    verify(VerifyRequest) -> VerifyResponse = "Verify";
    generate_mac(GenerateMacRequest) -> GenerateMacResponse = "GenerateMac";
    verify_mac(VerifyMacRequest) -> VerifyMacResponse = "VerifyMac";
}

// ------------------------------------------------------------------ providers

#[derive(Clone)]
enum Kind {
    #[cfg(not(feature = "wasm-lite"))]
    Local(Arc<LocalKmsClient>),
    Http(Arc<HttpKmsClient>),
    Js(Arc<JsKmsProvider>),
}

/// A KMS provider owned by JS.
#[wasm_bindgen]
pub struct WasmKmsProvider {
    kind: Kind,
}

impl WasmKmsProvider {
    /// A provider over the embedded local KMS (`local_kms.rs`).
    #[cfg(not(feature = "wasm-lite"))]
    pub(crate) fn local(client: LocalKmsClient) -> WasmKmsProvider {
        WasmKmsProvider {
            kind: Kind::Local(Arc::new(client)),
        }
    }

    /// The provider the keyrings hold. In the small KMS module, narrowed to the operations they
    /// call (`keyring_ops.rs`), which keeps the other operations' typed codecs out of it.
    pub(crate) fn provider(&self) -> Arc<dyn KmsProvider> {
        match &self.kind {
            #[cfg(not(feature = "wasm-lite"))]
            Kind::Local(c) => c.clone(),
            #[cfg(not(feature = "wasm-kms"))]
            Kind::Http(c) => c.clone(),
            #[cfg(not(feature = "wasm-kms"))]
            Kind::Js(c) => c.clone(),
            #[cfg(feature = "wasm-kms")]
            Kind::Http(c) => Arc::new(KeyringOps(c.clone())),
            #[cfg(feature = "wasm-kms")]
            Kind::Js(c) => Arc::new(KeyringOps(c.clone())),
        }
    }
}

#[wasm_bindgen]
impl WasmKmsProvider {
    /// An AWS KMS JSON 1.1 client over `fetch`: SigV4 when `access_key_id` is given, else
    /// `Authorization: Bearer <bearer_token>`.
    #[allow(clippy::too_many_arguments)]
    pub fn http(
        endpoint: String,
        region: String,
        access_key_id: Option<String>,
        secret_access_key: Option<String>,
        session_token: Option<String>,
        bearer_token: Option<String>,
        max_attempts: u32,
    ) -> Result<WasmKmsProvider, JsValue> {
        let auth = match (access_key_id, secret_access_key, bearer_token) {
            (Some(akid), Some(secret), None) => {
                let mut c = Credentials::new(akid, secret);
                if let Some(t) = session_token {
                    c = c.with_session_token(t);
                }
                Auth::SigV4(c)
            }
            (None, None, Some(token)) => Auth::Bearer(Zeroizing::new(token)),
            _ => {
                return Err(invalid(
                    "HttpKmsProvider needs credentials { accessKeyId, secretAccessKey } or a bearerToken (not both)",
                ))
            }
        };
        let mut config = HttpKmsConfig::new(endpoint, region, auth);
        if max_attempts > 0 {
            config.max_attempts = max_attempts;
        }
        let client = HttpKmsClient::new(config, Arc::new(FetchTransport), js_clock())
            .with_sleeper(Arc::new(TimeoutSleeper));
        Ok(WasmKmsProvider {
            kind: Kind::Http(Arc::new(client)),
        })
    }

    /// A provider calling a JS adapter `{ call(operation, requestJson) → Promise<responseJson> }`.
    #[wasm_bindgen(js_name = fromJs)]
    pub fn from_js(adapter: JsValue) -> WasmKmsProvider {
        WasmKmsProvider {
            kind: Kind::Js(Arc::new(JsKmsProvider { adapter })),
        }
    }

    /// Runs any KMS operation by wire name with its JSON request → Promise of the JSON response.
    #[wasm_bindgen(js_name = sendJson)]
    pub fn send_json(&self, operation: String, request: String) -> Promise {
        let request = Zeroizing::new(request);
        let kind = self.kind.clone();
        crate::wasm::convert::promise(async move {
            let out: Result<String, KmsError> = match kind {
                #[cfg(not(feature = "wasm-lite"))]
                Kind::Local(c) => dispatch_json(&c, &operation, request.as_bytes()).and_then(|b| {
                    String::from_utf8(b)
                        .map_err(|_| KmsError::new("KMSInternalException", "non-UTF-8 response"))
                }),
                // the JSON passes through both ways (JSON.stringify made the request); the
                // response is checked to be JSON, as the caller parses it
                Kind::Http(c) => {
                    c.call_body(&operation, request.as_bytes(), |resp| {
                        decode_with(resp, |body| {
                            check_value(body)?;
                            String::from_utf8(body.to_vec())
                                .map_err(|_| JsonError("response is not UTF-8".into()))
                        })
                    })
                    .await
                }
                // the adapter answers the operations it knows (an object's methods; any operation
                // for HttpKmsProvider over a credential provider or an SDK v3 KMSClient)
                Kind::Js(p) => p.call_json(&operation, request).await,
            };
            out.map(|s| JsValue::from_str(&s)).map_err(kms_js_error)
        })
    }
}

// ------------------------------------------------------------------ keyrings

fn wrap(k: crate::Result<impl Keyring + 'static>) -> Result<WasmKeyring, JsValue> {
    Ok(WasmKeyring::wrap(Arc::new(js(k)?)))
}

fn filter(partition: Option<String>, accounts: Vec<String>) -> Option<DiscoveryFilter> {
    partition.map(|partition| DiscoveryFilter {
        partition,
        accounts,
    })
}

/// The KMS multi-keyring of MRK-aware KMS keyrings (`generator` optional: decrypt-only).
#[wasm_bindgen(js_name = kmsKeyring)]
pub fn kms_keyring(
    provider: &WasmKmsProvider,
    generator: Option<String>,
    key_ids: Vec<String>,
) -> Result<WasmKeyring, JsValue> {
    wrap(aws_kms_multi_keyring(
        provider.provider(),
        generator.as_deref(),
        &key_ids,
        true,
    ))
}

/// One MRK-aware KMS keyring.
#[wasm_bindgen(js_name = kmsMrkAwareKeyring)]
pub fn kms_mrk_aware_keyring(
    provider: &WasmKmsProvider,
    key_id: &str,
) -> Result<WasmKeyring, JsValue> {
    wrap(AwsKmsMrkAwareKeyring::new(provider.provider(), key_id))
}

/// A discovery keyring (decrypt only); `partition` absent = no filter.
#[wasm_bindgen(js_name = kmsDiscoveryKeyring)]
pub fn kms_discovery_keyring(
    provider: &WasmKmsProvider,
    partition: Option<String>,
    accounts: Vec<String>,
) -> Result<WasmKeyring, JsValue> {
    wrap(AwsKmsDiscoveryKeyring::new(
        provider.provider(),
        filter(partition, accounts),
    ))
}

/// An MRK discovery keyring for `region` (decrypt only).
#[wasm_bindgen(js_name = kmsMrkDiscoveryKeyring)]
pub fn kms_mrk_discovery_keyring(
    provider: &WasmKmsProvider,
    region: &str,
    partition: Option<String>,
    accounts: Vec<String>,
) -> Result<WasmKeyring, JsValue> {
    wrap(AwsKmsMrkDiscoveryKeyring::new(
        provider.provider(),
        filter(partition, accounts),
        region,
    ))
}

/// The KMS RSA keyring with a provider (decrypts through it; encrypts offline if a PEM is given).
#[wasm_bindgen(js_name = kmsRsaKeyringWithProvider)]
pub fn kms_rsa_keyring_with_provider(
    key_id: &str,
    encryption_algorithm: &str,
    public_key_pem: Option<String>,
    provider: &WasmKmsProvider,
) -> Result<WasmKeyring, JsValue> {
    wrap(AwsKmsRsaKeyring::new(
        key_id,
        EncryptionAlgorithm::from_wire(encryption_algorithm),
        public_key_pem.as_deref(),
        Some(provider.provider()),
    ))
}
