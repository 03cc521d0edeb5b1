//! Decoding KMS responses tolerantly: never by Content-Type, `__type` sanitized, XML and HTML
//! error pages from emulators mapped to a named error that keeps the status.

use crate::error::{names, KmsError};
use crate::http::plain_json::{object_members, Member};
use crate::http::transport::HttpResponse;
use serde::de::DeserializeOwned;

/// smithy-rs style: drop a `:…` suffix, then a `namespace#` prefix.
pub fn sanitize_error_code(code: &str) -> String {
    let code = code.split(':').next().unwrap_or("");
    let code = code.rsplit('#').next().unwrap_or(code);
    code.trim().to_string()
}

fn xml_tag(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = body.find(&open)? + open.len();
    let len = body.get(start..)?.find(&close)?;
    body.get(start..start + len).map(|s| s.trim().to_string())
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut s: String = text.chars().take(200).collect();
    if text.chars().count() > 200 {
        s.push('…');
    }
    s
}

/// The error carried by a non-2xx response.
pub fn decode_error(resp: &HttpResponse) -> KmsError {
    let status = Some(resp.status);
    let body_text = String::from_utf8_lossy(&resp.body);
    // read without serde (plain_json.rs), so that the browser's small KMS module carries none
    let members = object_members(&resp.body).unwrap_or_default();
    let json_field = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| {
            // the last of repeated members, as serde_json's map keeps it
            match members.iter().rev().find(|(name, _)| name.as_str() == *k) {
                Some((_, Member::Str(v))) => Some(v.to_string()),
                _ => None,
            }
        })
    };
    let name = resp
        .header("x-amzn-errortype")
        .map(sanitize_error_code)
        .filter(|s| !s.is_empty())
        .or_else(|| json_field(&["__type", "code", "Code"]).map(|c| sanitize_error_code(&c)))
        .or_else(|| xml_tag(&body_text, "Code"));
    let message = json_field(&["message", "Message", "errorMessage"])
        .or_else(|| xml_tag(&body_text, "Message"));
    match name.filter(|n| !n.is_empty()) {
        Some(name) => KmsError {
            name,
            message: message.unwrap_or_default(),
            status,
        },
        None => KmsError {
            name: names::TRANSPORT.to_string(),
            message: format!(
                "HTTP {} with an unrecognized body: {}",
                resp.status,
                excerpt(&resp.body)
            ),
            status,
        },
    }
}

/// A typed result from a response: JSON for 2xx (whatever the Content-Type), an error otherwise.
pub fn decode_response<T: DeserializeOwned>(resp: &HttpResponse) -> Result<T, KmsError> {
    decode_with(resp, |body| {
        serde_json::from_slice(body).map_err(|e| e.to_string())
    })
}

/// The result of `decode(body)` for 2xx (whatever the Content-Type), the error otherwise; a body
/// of only whitespace is decoded as `{}` (emulators answer some calls so); a body `decode`
/// refuses is a retryable transport error naming why.
pub fn decode_with<T, E: core::fmt::Display>(
    resp: &HttpResponse,
    decode: impl FnOnce(&[u8]) -> Result<T, E>,
) -> Result<T, KmsError> {
    if !(200..300).contains(&resp.status) {
        return Err(decode_error(resp));
    }
    let body: &[u8] = if resp.body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &resp.body
    };
    decode(body).map_err(|e| {
        KmsError::transport(
            format!(
                "HTTP {} response is not the expected JSON ({e}): {}",
                resp.status,
                excerpt(&resp.body)
            ),
            Some(resp.status),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn error_shapes() {
        let e = decode_error(&resp(
            400,
            &[],
            r#"{"__type":"com.amazonaws.kms#NotFoundException","message":"gone"}"#,
        ));
        assert_eq!(
            (e.name.as_str(), e.message.as_str(), e.status),
            ("NotFoundException", "gone", Some(400))
        );
        let e = decode_error(&resp(
            400,
            &[],
            r#"{"__type":"InvalidCiphertextException"}"#,
        ));
        assert_eq!(
            (e.name.as_str(), e.message.as_str()),
            ("InvalidCiphertextException", "")
        );
        let e = decode_error(&resp(
            400,
            &[("X-Amzn-ErrorType", "ThrottlingException:http://internal")],
            "{}",
        ));
        assert!(e.is("ThrottlingException") && e.is_retryable());
        let e = decode_error(&resp(
            400,
            &[],
            r#"{"__type":"aws.kms#DisabledException","Message":"off"}"#,
        ));
        assert_eq!(
            (e.name.as_str(), e.message.as_str()),
            ("DisabledException", "off")
        );
        let xml = "<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>bad sig</Message></Error></Errors></ErrorResponse>";
        let e = decode_error(&resp(403, &[("Content-Type", "text/html")], xml));
        assert_eq!(
            (e.name.as_str(), e.message.as_str(), e.status),
            ("SignatureDoesNotMatch", "bad sig", Some(403))
        );
        let e = decode_error(&resp(500, &[], "<html>boom</html>"));
        assert!(e.is(names::TRANSPORT) && e.is_retryable() && e.message.contains("boom"));
    }

    #[test]
    fn success_ignores_content_type() {
        let r = resp(
            200,
            &[("Content-Type", "text/html; charset=utf-8")],
            r#"{"KeyId":"k","CiphertextBlob":"AQID"}"#,
        );
        let out: crate::types::EncryptResponse = decode_response(&r).unwrap();
        assert_eq!(out.ciphertext_blob, vec![1, 2, 3]);
        // a body of only whitespace reaches every decoder as `{}`
        let r = resp(200, &[], " \n");
        let seen = decode_with(&r, |b| Ok::<_, String>(b.to_vec())).unwrap();
        assert_eq!(seen, b"{}");
        let r = resp(200, &[], "<ListAllMyBucketsResult/>");
        assert!(decode_response::<crate::types::EncryptResponse>(&r).is_err());
    }
}
