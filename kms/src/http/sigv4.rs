//! AWS Signature Version 4 for the KMS JSON protocol (header-based, payload hashed).

use crate::error::KmsError;
use crate::http::transport::HttpRequest;
use crate::secret::hex;
use core::fmt;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// AWS credentials. `Debug` hides the secret and the token.
#[derive(Clone)]
pub struct Credentials {
    /// Access key id (`AKIA…`, `ASIA…`).
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: Zeroizing<String>,
    /// Session token of temporary credentials; sent as `X-Amz-Security-Token` and signed.
    pub session_token: Option<String>,
}

impl Credentials {
    /// Long-term credentials.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: Zeroizing::new(secret_access_key.into()),
            session_token: None,
        }
    }

    /// Adds a session token.
    pub fn with_session_token(mut self, token: impl Into<String>) -> Self {
        self.session_token = Some(token.into());
        self
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// The intermediate values of one signature (exposed for test vectors and debugging).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningOutput {
    /// The canonical request.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// Hex signature.
    pub signature: String,
    /// Value of the `Authorization` header.
    pub authorization: String,
}

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hmac(key: &[u8], data: &[u8]) -> Result<Vec<u8>, KmsError> {
    let mut m = Hmac::<Sha256>::new_from_slice(key)
        .map_err(|_| KmsError::transport("HMAC key rejected", None))?;
    m.update(data);
    Ok(m.finalize().into_bytes().to_vec())
}

/// Splits an absolute URL into (scheme, host header value, path, query).
pub(crate) fn split_url(url: &str) -> Result<(String, String, String, String), KmsError> {
    let bad = || KmsError::validation(format!("invalid endpoint URL: {url}"));
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    let scheme = scheme.to_ascii_lowercase();
    let (authority, path_query) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
    if authority.is_empty() {
        return Err(bad());
    }
    // The Host header omits the scheme's default port, as HTTP clients send it.
    let host = match (scheme.as_str(), authority.rsplit_once(':')) {
        ("https", Some((h, "443"))) | ("http", Some((h, "80"))) => h.to_string(),
        _ => authority.to_ascii_lowercase(),
    };
    let path = if path.is_empty() { "/" } else { path };
    Ok((scheme, host, path.to_string(), query.to_string()))
}

fn canonical_query(q: &str) -> String {
    let mut parts: Vec<(&str, &str)> = q
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    parts.sort();
    parts
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn canonical_value(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Signs `req` in place: adds `X-Amz-Date`, `X-Amz-Security-Token` (if any) and
/// `Authorization`. Every header already present, plus `host`, is signed.
pub fn sign_request(
    req: &mut HttpRequest,
    creds: &Credentials,
    region: &str,
    service: &str,
    amz_date: &str,
) -> Result<SigningOutput, KmsError> {
    let date = amz_date
        .get(..8)
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| KmsError::validation(format!("invalid X-Amz-Date {amz_date}")))?;
    req.headers
        .retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
    req.set_header("X-Amz-Date", amz_date);
    match &creds.session_token {
        Some(t) => req.set_header("X-Amz-Security-Token", t),
        None => req
            .headers
            .retain(|(k, _)| !k.eq_ignore_ascii_case("x-amz-security-token")),
    }
    let (_, host, path, query) = split_url(&req.url)?;
    let mut headers: Vec<(String, String)> = req
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), canonical_value(v)))
        .collect();
    if !headers.iter().any(|(k, _)| k == "host") {
        headers.push(("host".to_string(), host));
    }
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers = headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method.to_ascii_uppercase(),
        path,
        canonical_query(&query),
        canonical_headers,
        signed_headers,
        sha256_hex(&req.body)
    );
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let mut k_secret = Zeroizing::new(b"AWS4".to_vec());
    k_secret.extend_from_slice(creds.secret_access_key.as_bytes());
    let k_date = Zeroizing::new(hmac(&k_secret, date.as_bytes())?);
    let k_region = Zeroizing::new(hmac(&k_date, region.as_bytes())?);
    let k_service = Zeroizing::new(hmac(&k_region, service.as_bytes())?);
    let k_signing = Zeroizing::new(hmac(&k_service, b"aws4_request")?);
    let signature = hex(&hmac(&k_signing, string_to_sign.as_bytes())?);
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        creds.access_key_id
    );
    req.set_header("Authorization", &authorization);
    Ok(SigningOutput {
        canonical_request,
        string_to_sign,
        signature,
        authorization,
    })
}
