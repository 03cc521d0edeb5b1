//! One HTTP request to one HTTP response, independent of the HTTP library: CORS, the operation
//! name, authentication, and the KMS error JSON shape (`{"__type": ..., "message": ...}`, AWS KMS
//! API reference, "Common Errors").

use sealkit_kms::clock::{Clock, SystemClock};
use sealkit_kms::KmsError;
use zeroize::Zeroizing;

use crate::auth;
use crate::config::Config;
use crate::service::Service;

/// An answer to send. The body is wiped when dropped: responses of GenerateDataKey, Decrypt,
/// GenerateRandom and GenerateDataKeyPair carry plaintext key material (see
/// [`crate::secret_body`]).
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Zeroizing<Vec<u8>>,
}

/// The KMS error body.
pub fn error_body(e: &KmsError) -> Vec<u8> {
    serde_json::json!({ "__type": e.name, "message": e.message })
        .to_string()
        .into_bytes()
}

fn json(status: u16, body: Vec<u8>) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type", "application/x-amz-json-1.1".to_string())],
        body: Zeroizing::new(body),
    }
}

/// An error reply with the KMS shape.
pub fn error(status: u16, e: &KmsError) -> Reply {
    json(status, error_body(e))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The request handler state shared by all connections.
pub struct Handler {
    pub config: Config,
    pub service: Service,
}

impl Handler {
    /// Answers a CORS preflight or a refusal for a foreign origin; `None` lets the request on.
    pub fn cors_gate(&self, method: &str, headers: &[(String, String)]) -> Option<Reply> {
        let origin = header(headers, "origin");
        if let Some(o) = origin {
            if !self.config.cors.allows(o) {
                return Some(error(
                    403,
                    &KmsError::new(
                        "AccessDeniedException",
                        "this origin is not allowed to call the key server (see --cors-origin)",
                    ),
                ));
            }
        }
        if method == "OPTIONS" {
            return Some(Reply {
                status: 204,
                headers: self.config.cors.headers(origin, true),
                body: Zeroizing::new(Vec::new()),
            });
        }
        None
    }

    /// Runs a KMS request whose body has been read.
    pub fn handle(&self, headers: &[(String, String)], body: &[u8]) -> Reply {
        let target = header(headers, "x-amz-target").and_then(|v| v.strip_prefix("TrentService."));
        let result = match target {
            None => Err(KmsError::new(
                "UnknownOperationException",
                "missing X-Amz-Target: TrentService.<Op>",
            )),
            Some(op) => match auth::authenticate(
                headers,
                body,
                &self.config.callers,
                self.config.open_principal.as_deref(),
                &self.config.region,
                SystemClock.now_secs(),
            ) {
                Ok(id) => self.service.call(&id, op, body),
                Err(e) => {
                    self.service.audit_refused(op, &self.config.region, &e);
                    Err(e)
                }
            },
        };
        let mut reply = match result {
            Ok(b) => json(200, b),
            Err(e) => error(400, &e),
        };
        reply
            .headers
            .extend(self.config.cors.headers(header(headers, "origin"), false));
        reply
    }
}
