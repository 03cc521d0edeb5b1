//! Who is calling, and from which region: SigV4 verification (recomputing the signature with
//! the shared signer over the signed headers and raw body) or a bearer token.

use sealkit_kms::http::sigv4::{sign_request, Credentials};
use sealkit_kms::http::transport::HttpRequest;
use sealkit_kms::KmsError;
use subtle::ConstantTimeEq;

/// A known caller: SigV4 access key + secret, or a bearer token, mapped to a principal ARN.
#[derive(Clone)]
pub enum Caller {
    /// SigV4 credentials.
    SigV4 {
        access_key_id: String,
        secret: String,
        principal: String,
    },
    /// `Authorization: Bearer <token>`.
    Bearer { token: String, principal: String },
}

/// The authenticated principal and the region the call is for.
pub struct Identity {
    pub principal: String,
    pub region: String,
}

/// Parsed `Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/kms/aws4_request, SignedHeaders=a;b, Signature=hex`.
struct SigV4Header<'a> {
    access_key_id: &'a str,
    region: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_sigv4(value: &str) -> Option<SigV4Header<'_>> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => signature = Some(v),
            _ => {}
        }
    }
    let scope: Vec<&str> = credential?.split('/').collect();
    let [akid, _date, region, "kms", "aws4_request"] = scope.as_slice() else {
        return None;
    };
    Some(SigV4Header {
        access_key_id: akid,
        region,
        signed_headers: signed?.split(';').collect(),
        signature: signature?,
    })
}

fn unrecognized(msg: &str) -> KmsError {
    KmsError::new("UnrecognizedClientException", msg)
}

/// Authenticates a request. With no callers configured, anyone is `open_principal` and the
/// region comes from the SigV4 scope (like moto) or `default_region`.
pub fn authenticate(
    headers: &[(String, String)],
    body: &[u8],
    callers: &[Caller],
    open_principal: &str,
    default_region: &str,
) -> Result<Identity, KmsError> {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let authorization = header("authorization").unwrap_or("");
    if let Some(token) = authorization.strip_prefix("Bearer ") {
        return callers
            .iter()
            .find_map(|c| match c {
                Caller::Bearer {
                    token: t,
                    principal,
                } if bool::from(t.as_bytes().ct_eq(token.as_bytes())) => Some(Identity {
                    principal: principal.clone(),
                    region: default_region.to_string(),
                }),
                _ => None,
            })
            .ok_or_else(|| unrecognized("unknown bearer token"));
    }
    let parsed = parse_sigv4(authorization);
    if callers.is_empty() {
        let region = parsed
            .map(|p| p.region.to_string())
            .unwrap_or_else(|| default_region.to_string());
        return Ok(Identity {
            principal: open_principal.to_string(),
            region,
        });
    }
    let p = parsed.ok_or_else(|| {
        KmsError::new(
            "MissingAuthenticationTokenException",
            "request is not signed",
        )
    })?;
    let (secret, principal) = callers
        .iter()
        .find_map(|c| match c {
            Caller::SigV4 {
                access_key_id,
                secret,
                principal,
            } if access_key_id == p.access_key_id => Some((secret, principal)),
            _ => None,
        })
        .ok_or_else(|| unrecognized("the security token included in the request is invalid"))?;
    let amz_date = header("x-amz-date")
        .ok_or_else(|| KmsError::new("InvalidSignatureException", "missing X-Amz-Date"))?;
    let host = header("host").unwrap_or("");
    let mut replay = HttpRequest {
        method: "POST".into(),
        url: format!("http://{host}/"),
        headers: p
            .signed_headers
            .iter()
            .filter(|h| !matches!(**h, "x-amz-date" | "x-amz-security-token"))
            .map(|h| (h.to_string(), header(h).unwrap_or("").to_string()))
            .collect(),
        body: body.to_vec(),
    };
    let mut creds = Credentials::new(p.access_key_id, secret.clone());
    if let Some(token) = header("x-amz-security-token") {
        creds = creds.with_session_token(token);
    }
    let expected = sign_request(&mut replay, &creds, p.region, "kms", amz_date)?;
    if !bool::from(expected.signature.as_bytes().ct_eq(p.signature.as_bytes())) {
        return Err(KmsError::new(
            "InvalidSignatureException",
            "the request signature does not match the body, headers and secret",
        ));
    }
    Ok(Identity {
        principal: principal.clone(),
        region: p.region.to_string(),
    })
}
