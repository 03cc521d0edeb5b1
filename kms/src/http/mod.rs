//! AWS KMS over HTTP: JSON 1.1 protocol (`POST /`, `X-Amz-Target: TrentService.<Op>`), signed
//! with SigV4 or sent with a bearer token, through a pluggable [`HttpTransport`].
//!
//! ```no_run
//! # #[cfg(feature = "native-http")] {
//! use std::sync::Arc;
//! use sealkit_kms::http::{Auth, Credentials, HttpKmsClient, HttpKmsConfig, native::UreqTransport};
//! use sealkit_kms::clock::SystemClock;
//! let cfg = HttpKmsConfig::new("http://127.0.0.1:5055", "us-east-1",
//!     Auth::SigV4(Credentials::new("AKID", "secret")));
//! let client = HttpKmsClient::new(cfg, Arc::new(UreqTransport::default()), Arc::new(SystemClock));
//! # }
//! ```

pub mod json;
pub mod keyring_bodies;
#[cfg(all(feature = "native-http", not(target_arch = "wasm32")))]
pub mod native;
pub mod plain_json;
pub mod sigv4;
pub mod transport;

pub use sigv4::{sign_request, Credentials, SigningOutput};
pub use transport::{HttpRequest, HttpResponse, HttpTransport, NoSleep, Sleeper, TransportError};

use crate::clock::{amz_date, Clock};
use crate::error::{names, KmsError};
use crate::provider::{KmsAdmin, KmsFuture, KmsProvider};
use crate::types::*;
use core::fmt;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::Serialize;
use std::sync::Arc;
use zeroize::Zeroizing;

/// How requests are authenticated.
#[derive(Clone)]
pub enum Auth {
    /// AWS SigV4 with these credentials (service `kms`).
    SigV4(Credentials),
    /// `Authorization: Bearer <token>`, no SigV4 (company gateways in front of KMS).
    Bearer(Zeroizing<String>),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::SigV4(c) => f.debug_tuple("SigV4").field(c).finish(),
            Auth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}

/// Most pages `list_keys` follows.
const MAX_LIST_PAGES: usize = 1000;

/// Client configuration.
#[derive(Debug, Clone)]
pub struct HttpKmsConfig {
    /// Endpoint URL, e.g. `https://kms.us-east-1.amazonaws.com/` or `http://127.0.0.1:5055`.
    pub endpoint: String,
    /// Region (goes into the SigV4 credential scope).
    pub region: String,
    /// Authentication.
    pub auth: Auth,
    /// Attempts per call, including the first (default 3; minimum 1).
    pub max_attempts: u32,
    /// First backoff delay in milliseconds (doubles per retry; default 100).
    pub base_backoff_ms: u64,
    /// Backoff cap in milliseconds (default 5000).
    pub max_backoff_ms: u64,
}

impl HttpKmsConfig {
    /// A configuration with default retry settings.
    pub fn new(endpoint: impl Into<String>, region: impl Into<String>, auth: Auth) -> Self {
        HttpKmsConfig {
            endpoint: endpoint.into(),
            region: region.into(),
            auth,
            max_attempts: 3,
            base_backoff_ms: 100,
            max_backoff_ms: 5000,
        }
    }

    /// The public AWS endpoint of a region (`aws` partition; `cn-` regions use `.amazonaws.com.cn`).
    pub fn default_endpoint(region: &str) -> String {
        if region.starts_with("cn-") {
            format!("https://kms.{region}.amazonaws.com.cn/")
        } else {
            format!("https://kms.{region}.amazonaws.com/")
        }
    }

    /// From the environment: `AWS_REGION` (or `AWS_DEFAULT_REGION`), `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`, and the endpoint from
    /// `AWS_ENDPOINT_URL_KMS` / `AWS_ENDPOINT_URL` or the region default.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_env() -> Result<Self, KmsError> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let missing =
            |k: &str| KmsError::validation(format!("environment variable {k} is not set"));
        let region = var("AWS_REGION")
            .or_else(|| var("AWS_DEFAULT_REGION"))
            .ok_or_else(|| missing("AWS_REGION"))?;
        let akid = var("AWS_ACCESS_KEY_ID").ok_or_else(|| missing("AWS_ACCESS_KEY_ID"))?;
        let secret =
            var("AWS_SECRET_ACCESS_KEY").ok_or_else(|| missing("AWS_SECRET_ACCESS_KEY"))?;
        let mut creds = Credentials::new(akid, secret);
        creds.session_token = var("AWS_SESSION_TOKEN");
        let endpoint = var("AWS_ENDPOINT_URL_KMS")
            .or_else(|| var("AWS_ENDPOINT_URL"))
            .unwrap_or_else(|| Self::default_endpoint(&region));
        Ok(Self::new(endpoint, region, Auth::SigV4(creds)))
    }
}

/// An AWS KMS client speaking JSON 1.1; implements [`KmsProvider`] and [`KmsAdmin`].
pub struct HttpKmsClient {
    config: HttpKmsConfig,
    transport: Arc<dyn HttpTransport>,
    clock: Arc<dyn Clock>,
    sleeper: Arc<dyn Sleeper>,
}

impl fmt::Debug for HttpKmsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpKmsClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl HttpKmsClient {
    /// A client sending through `transport`, dating signatures with `clock`. Retries wait with
    /// `std::thread::sleep` natively and not at all on wasm; see [`with_sleeper`](Self::with_sleeper).
    pub fn new(
        config: HttpKmsConfig,
        transport: Arc<dyn HttpTransport>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        #[cfg(not(target_arch = "wasm32"))]
        let sleeper: Arc<dyn Sleeper> = Arc::new(transport::ThreadSleep);
        #[cfg(target_arch = "wasm32")]
        let sleeper: Arc<dyn Sleeper> = Arc::new(NoSleep);
        HttpKmsClient {
            config,
            transport,
            clock,
            sleeper,
        }
    }

    /// Replaces the retry sleeper (e.g. a JS timer on wasm, [`NoSleep`] in tests).
    pub fn with_sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &HttpKmsConfig {
        &self.config
    }

    /// The signed (or bearer-authenticated) request for `operation` with this JSON body.
    pub fn build_request(&self, operation: &str, body: Vec<u8>) -> Result<HttpRequest, KmsError> {
        let mut req = HttpRequest {
            method: "POST".to_string(),
            url: self.config.endpoint.clone(),
            headers: vec![
                (
                    "Content-Type".to_string(),
                    "application/x-amz-json-1.1".to_string(),
                ),
                (
                    "X-Amz-Target".to_string(),
                    format!("TrentService.{operation}"),
                ),
            ],
            body,
        };
        match &self.config.auth {
            Auth::SigV4(creds) => {
                sign_request(
                    &mut req,
                    creds,
                    &self.config.region,
                    "kms",
                    &amz_date(self.clock.now_secs()),
                )?;
            }
            Auth::Bearer(token) => {
                req.set_header("Authorization", &format!("Bearer {}", token.as_str()))
            }
        }
        Ok(req)
    }

    /// Sends a prepared request once (no retry) and returns the raw response.
    pub async fn send_raw(&self, req: HttpRequest) -> Result<HttpResponse, KmsError> {
        self.transport
            .send(req)
            .await
            .map_err(|e| KmsError::transport(e.message, None))
    }

    fn backoff_ms(&self, attempt: u32) -> u64 {
        let factor = 1u64
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u64::MAX);
        self.config
            .base_backoff_ms
            .saturating_mul(factor)
            .min(self.config.max_backoff_ms)
    }

    /// Calls `operation` with a JSON request, retrying throttling, 5xx and transport errors.
    pub async fn call<Req: Serialize + ?Sized, Resp: DeserializeOwned>(
        &self,
        operation: &str,
        request: &Req,
    ) -> Result<Resp, KmsError> {
        // The serialized body may hold a plaintext (Encrypt), so it is zeroized after use.
        let body = Zeroizing::new(
            serde_json::to_vec(request)
                .map_err(|e| KmsError::validation(format!("request not serializable: {e}")))?,
        );
        self.call_body(operation, &body, json::decode_response::<Resp>)
            .await
    }

    /// Sends the request `body` (JSON) as `operation`, retrying as [`HttpKmsClient::call`] does,
    /// and decodes the response with `decode` (for example [`json::decode_with`] and a
    /// `keyring_bodies` reader: no serde).
    pub async fn call_body<Resp>(
        &self,
        operation: &str,
        body: &[u8],
        decode: impl Fn(&HttpResponse) -> Result<Resp, KmsError>,
    ) -> Result<Resp, KmsError> {
        let attempts = self.config.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            let req = self.build_request(operation, body.to_vec())?;
            let result = self.send_raw(req).await.and_then(|resp| decode(&resp));
            match result {
                Err(e) if e.is_retryable() && attempt < attempts => {
                    self.sleeper.sleep(self.backoff_ms(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    fn op<'a, Req, Resp>(&'a self, operation: &'static str, req: Req) -> KmsFuture<'a, Resp>
    where
        Req: Serialize + crate::future::MaybeSend + crate::future::MaybeSync + 'a,
        Resp: DeserializeOwned + crate::future::MaybeSend + 'a,
    {
        Box::pin(async move { self.call(operation, &req).await })
    }

    fn unit_op<'a, Req>(&'a self, operation: &'static str, req: Req) -> KmsFuture<'a, ()>
    where
        Req: Serialize + crate::future::MaybeSend + crate::future::MaybeSync + 'a,
    {
        Box::pin(async move {
            self.call::<_, IgnoredAny>(operation, &req)
                .await
                .map(|_| ())
        })
    }
}

impl KmsProvider for HttpKmsClient {
    fn generate_data_key(
        &self,
        req: GenerateDataKeyRequest,
    ) -> KmsFuture<'_, GenerateDataKeyResponse> {
        self.op("GenerateDataKey", req)
    }
    fn generate_data_key_without_plaintext(
        &self,
        req: GenerateDataKeyRequest,
    ) -> KmsFuture<'_, GenerateDataKeyWithoutPlaintextResponse> {
        self.op("GenerateDataKeyWithoutPlaintext", req)
    }
    fn encrypt(&self, req: EncryptRequest) -> KmsFuture<'_, EncryptResponse> {
        self.op("Encrypt", req)
    }
    fn decrypt(&self, req: DecryptRequest) -> KmsFuture<'_, DecryptResponse> {
        self.op("Decrypt", req)
    }
    fn re_encrypt(&self, req: ReEncryptRequest) -> KmsFuture<'_, ReEncryptResponse> {
        self.op("ReEncrypt", req)
    }
    fn get_public_key(&self, req: KeyIdRequest) -> KmsFuture<'_, GetPublicKeyResponse> {
        self.op("GetPublicKey", req)
    }
    fn describe_key(&self, req: KeyIdRequest) -> KmsFuture<'_, DescribeKeyResponse> {
        self.op("DescribeKey", req)
    }
    fn sign(&self, req: SignRequest) -> KmsFuture<'_, SignResponse> {
        self.op("Sign", req)
    }
    fn verify(&self, req: VerifyRequest) -> KmsFuture<'_, VerifyResponse> {
        self.op("Verify", req)
    }
    fn generate_mac(&self, req: GenerateMacRequest) -> KmsFuture<'_, GenerateMacResponse> {
        self.op("GenerateMac", req)
    }
    fn verify_mac(&self, req: VerifyMacRequest) -> KmsFuture<'_, VerifyMacResponse> {
        self.op("VerifyMac", req)
    }
}

impl KmsAdmin for HttpKmsClient {
    fn create_key(&self, req: CreateKeyRequest) -> KmsFuture<'_, CreateKeyResponse> {
        self.op("CreateKey", req)
    }
    fn create_alias(&self, req: AliasRequest) -> KmsFuture<'_, ()> {
        self.unit_op("CreateAlias", req)
    }
    fn update_alias(&self, req: AliasRequest) -> KmsFuture<'_, ()> {
        self.unit_op("UpdateAlias", req)
    }
    fn delete_alias(&self, req: DeleteAliasRequest) -> KmsFuture<'_, ()> {
        self.unit_op("DeleteAlias", req)
    }
    fn list_aliases(&self, req: ListAliasesRequest) -> KmsFuture<'_, ListAliasesResponse> {
        self.op("ListAliases", req)
    }
    /// Every key: the pages of `ListKeys` (`NextMarker`), joined.
    fn list_keys(&self) -> KmsFuture<'_, ListKeysResponse> {
        Box::pin(async move {
            let mut all = ListKeysResponse::default();
            let mut marker: Option<String> = None;
            // A server's pages must end: each one moves its marker on, and there are at most
            // MAX_LIST_PAGES of them (1,000,000 keys at the limit asked for), so a server that
            // repeats itself cannot keep the client fetching and collecting forever (found by
            // the kms_response fuzz target as an out-of-memory).
            for _ in 0..MAX_LIST_PAGES {
                let page: ListKeysResponse = self
                    .call(
                        "ListKeys",
                        &ListKeysRequest {
                            limit: Some(1000),
                            marker: marker.clone(),
                        },
                    )
                    .await?;
                all.keys.extend(page.keys);
                match page.next_marker {
                    Some(m) if page.truncated => {
                        if marker.as_deref() == Some(m.as_str()) {
                            return Err(KmsError::new(
                                names::INVALID_MARKER,
                                "ListKeys: the server answered a page with the marker it was given",
                            ));
                        }
                        marker = Some(m);
                    }
                    _ => return Ok(all),
                }
            }
            Err(KmsError::new(
                names::LIMIT_EXCEEDED,
                format!("ListKeys: the server's pages did not end after {MAX_LIST_PAGES}"),
            ))
        })
    }
    fn replicate_key(&self, req: ReplicateKeyRequest) -> KmsFuture<'_, ReplicateKeyResponse> {
        self.op("ReplicateKey", req)
    }
    fn enable_key(&self, req: KeyIdRequest) -> KmsFuture<'_, ()> {
        self.unit_op("EnableKey", req)
    }
    fn disable_key(&self, req: KeyIdRequest) -> KmsFuture<'_, ()> {
        self.unit_op("DisableKey", req)
    }
    fn schedule_key_deletion(
        &self,
        req: ScheduleKeyDeletionRequest,
    ) -> KmsFuture<'_, ScheduleKeyDeletionResponse> {
        self.op("ScheduleKeyDeletion", req)
    }
    fn cancel_key_deletion(&self, req: KeyIdRequest) -> KmsFuture<'_, KeyIdResponse> {
        self.op("CancelKeyDeletion", req)
    }
    fn enable_key_rotation(&self, req: EnableKeyRotationRequest) -> KmsFuture<'_, ()> {
        self.unit_op("EnableKeyRotation", req)
    }
    fn disable_key_rotation(&self, req: KeyIdRequest) -> KmsFuture<'_, ()> {
        self.unit_op("DisableKeyRotation", req)
    }
    fn get_key_rotation_status(
        &self,
        req: KeyIdRequest,
    ) -> KmsFuture<'_, GetKeyRotationStatusResponse> {
        self.op("GetKeyRotationStatus", req)
    }
    fn rotate_key_on_demand(&self, req: KeyIdRequest) -> KmsFuture<'_, KeyIdResponse> {
        self.op("RotateKeyOnDemand", req)
    }
    fn list_key_rotations(&self, req: KeyIdRequest) -> KmsFuture<'_, ListKeyRotationsResponse> {
        self.op("ListKeyRotations", req)
    }
    fn put_key_policy(&self, req: PutKeyPolicyRequest) -> KmsFuture<'_, ()> {
        self.unit_op("PutKeyPolicy", req)
    }
    fn get_key_policy(&self, req: KeyIdRequest) -> KmsFuture<'_, GetKeyPolicyResponse> {
        self.op("GetKeyPolicy", req)
    }
}
