//! Who is calling, and from which region: SigV4 verification (recomputing the signature with
//! the shared signer over the signed headers and raw body) or a bearer token.
//!
//! What a valid SigV4 request must carry, after the AWS SigV4 documentation ("Create a signed AWS
//! API request", "Elements of an AWS API request signature"):
//! - `SignedHeaders` includes `host` and `x-amz-date`, and here also `x-amz-target`, the header
//!   that names the operation (otherwise a signature made for one operation would run another);
//! - `X-Amz-Date` is within 5 minutes of the server clock (AWS refuses older or newer requests
//!   with "Signature expired"/"Signature not yet current", which also bounds replays);
//! - an `X-Amz-Security-Token` is refused unless it is the one configured for that access key.

use sealkit_kms::http::sigv4::{sign_request, Credentials};
use sealkit_kms::http::transport::HttpRequest;
use sealkit_kms::KmsError;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// How far `X-Amz-Date` may be from the server clock, in seconds (AWS: 5 minutes).
pub const MAX_SKEW_SECS: u64 = 5 * 60;

/// Headers every SigV4 request must sign.
const REQUIRED_SIGNED: [&str; 3] = ["host", "x-amz-date", "x-amz-target"];

/// A known caller: SigV4 access key + secret, or a bearer token, mapped to a principal ARN.
#[derive(Clone)]
pub enum Caller {
    /// SigV4 credentials; `session_token`, when set, must be sent and signed.
    SigV4 {
        access_key_id: String,
        secret: Zeroizing<String>,
        session_token: Option<Zeroizing<String>>,
        principal: String,
    },
    /// `Authorization: Bearer <token>`.
    Bearer {
        token: Zeroizing<String>,
        principal: String,
    },
}

/// The authenticated principal and the region the call is for.
pub struct Identity {
    pub principal: String,
    pub region: String,
}

/// Parsed `Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/kms/aws4_request, SignedHeaders=a;b, Signature=hex`.
struct SigV4Header<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn incomplete(msg: &str) -> KmsError {
    KmsError::new("IncompleteSignatureException", msg)
}

fn invalid_signature(msg: &str) -> KmsError {
    KmsError::new("InvalidSignatureException", msg)
}

fn unrecognized(msg: &str) -> KmsError {
    KmsError::new("UnrecognizedClientException", msg)
}

fn parse_sigv4(value: &str) -> Result<SigV4Header<'_>, KmsError> {
    let rest = value
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or_else(|| incomplete("Authorization header is not AWS4-HMAC-SHA256"))?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part
            .trim()
            .split_once('=')
            .ok_or_else(|| incomplete("Authorization header is malformed"))?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => signature = Some(v),
            _ => {}
        }
    }
    let (Some(credential), Some(signed), Some(signature)) = (credential, signed, signature) else {
        return Err(incomplete(
            "Authorization header requires Credential, SignedHeaders and Signature",
        ));
    };
    let scope: Vec<&str> = credential.split('/').collect();
    let [akid, date, region, "kms", "aws4_request"] = scope.as_slice() else {
        return Err(incomplete(
            "Credential must be AKID/YYYYMMDD/REGION/kms/aws4_request",
        ));
    };
    Ok(SigV4Header {
        access_key_id: akid,
        date,
        region,
        signed_headers: signed.split(';').collect(),
        signature,
    })
}

/// `YYYYMMDDTHHMMSSZ` as epoch seconds (proleptic Gregorian, UTC).
pub fn parse_amz_date(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: core::ops::Range<usize>| -> Option<u64> {
        let part = s.get(r)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, se) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    // days from civil (Howard Hinnant's algorithm), years >= 1970 only
    let y = if mo <= 2 { y.checked_sub(1)? } else { y };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    Some(days * 86_400 + h * 3600 + mi * 60 + se)
}

/// Authenticates a request against `callers`, at server time `now` (epoch seconds). With
/// `open_principal` set (the explicit insecure mode), every request is that principal, in the
/// region of its SigV4 credential scope (like moto) or `default_region`.
pub fn authenticate(
    headers: &[(String, String)],
    body: &[u8],
    callers: &[Caller],
    open_principal: Option<&str>,
    default_region: &str,
    now: u64,
) -> Result<Identity, KmsError> {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let authorization = header("authorization").unwrap_or("");
    if let Some(principal) = open_principal {
        let region = parse_sigv4(authorization)
            .map(|p| p.region.to_string())
            .unwrap_or_else(|_| default_region.to_string());
        return Ok(Identity {
            principal: principal.to_string(),
            region,
        });
    }
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
    if authorization.is_empty() {
        return Err(KmsError::new(
            "MissingAuthenticationTokenException",
            "request is not signed",
        ));
    }
    let p = parse_sigv4(authorization)?;
    for required in REQUIRED_SIGNED {
        if !p.signed_headers.contains(&required) {
            return Err(incomplete(&format!(
                "SignedHeaders must include {}",
                REQUIRED_SIGNED.join(", ")
            )));
        }
    }
    if let Some(missing) = p.signed_headers.iter().find(|h| header(h).is_none()) {
        return Err(incomplete(&format!(
            "signed header {missing} is not in the request"
        )));
    }
    let (secret, session_token, principal) = callers
        .iter()
        .find_map(|c| match c {
            Caller::SigV4 {
                access_key_id,
                secret,
                session_token,
                principal,
            } if access_key_id == p.access_key_id => Some((secret, session_token, principal)),
            _ => None,
        })
        .ok_or_else(|| unrecognized("The security token included in the request is invalid."))?;
    let sent_token = header("x-amz-security-token");
    let token_ok = match (sent_token, session_token) {
        (None, None) => true,
        (Some(sent), Some(known)) => bool::from(sent.as_bytes().ct_eq(known.as_bytes())),
        _ => false,
    };
    if !token_ok {
        return Err(unrecognized(
            "The security token included in the request is invalid.",
        ));
    }
    let amz_date = header("x-amz-date").unwrap_or("");
    let signed_at = parse_amz_date(amz_date)
        .ok_or_else(|| incomplete("X-Amz-Date must be YYYYMMDDTHHMMSSZ"))?;
    if amz_date.get(..8) != Some(p.date) {
        return Err(invalid_signature(
            "the credential scope date is not the date of X-Amz-Date",
        ));
    }
    if signed_at.abs_diff(now) > MAX_SKEW_SECS {
        return Err(invalid_signature(&format!(
            "Signature expired or not yet current: {amz_date} is more than 5 minutes from the server time {}",
            sealkit_kms::clock::amz_date(now)
        )));
    }
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
    let mut creds = Credentials::new(p.access_key_id, secret.as_str());
    if let Some(token) = sent_token {
        creds = creds.with_session_token(token);
    }
    let expected = sign_request(&mut replay, &creds, p.region, "kms", amz_date)?;
    if !bool::from(expected.signature.as_bytes().ct_eq(p.signature.as_bytes())) {
        return Err(invalid_signature(
            "The request signature we calculated does not match the signature you provided.",
        ));
    }
    Ok(Identity {
        principal: principal.clone(),
        region: p.region.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_amz_date;

    #[test]
    fn parses_amz_dates() {
        assert_eq!(parse_amz_date("19700101T000000Z"), Some(0));
        assert_eq!(parse_amz_date("20260102T030405Z"), Some(1_767_323_045));
        assert_eq!(parse_amz_date("20000229T000000Z"), Some(951_782_400));
        for bad in [
            "",
            "20260102T030405",
            "2026010203040Z5",
            "20261302T030405Z",
            "2026+102T030405Z",
        ] {
            assert_eq!(parse_amz_date(bad), None, "{bad}");
        }
    }
}
