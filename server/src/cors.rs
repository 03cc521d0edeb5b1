//! CORS for browser callers (Fetch standard, "CORS protocol"): only the origins given with
//! `--cors-origin` get `Access-Control-Allow-Origin` (their own origin, never `*`); a preflight
//! or a request from any other origin is refused, so a web page the user happens to visit cannot
//! drive the key server.

/// Headers a browser client of the KMS JSON protocol sends (the SigV4 signer adds the `x-amz-*`).
pub const ALLOWED_HEADERS: &str = "authorization, content-type, x-amz-target, x-amz-date, x-amz-security-token, x-amz-content-sha256, x-amz-user-agent";

/// The configured origins.
#[derive(Debug, Default, Clone)]
pub struct Cors {
    origins: Vec<String>,
}

impl Cors {
    /// CORS for exactly these origins (`scheme://host[:port]`).
    pub fn new(origins: Vec<String>) -> Self {
        Cors { origins }
    }

    /// Whether `origin` (the request's `Origin` header) is configured. Origins compare as the
    /// ASCII serialization browsers send, case-insensitively.
    pub fn allows(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o.eq_ignore_ascii_case(origin))
    }

    /// Response headers for a request from `origin` (allowed, else none).
    pub fn headers(&self, origin: Option<&str>, preflight: bool) -> Vec<(&'static str, String)> {
        let Some(origin) = origin.filter(|o| self.allows(o)) else {
            return Vec::new();
        };
        let mut h = vec![
            ("Access-Control-Allow-Origin", origin.to_string()),
            ("Vary", "Origin".to_string()),
        ];
        if preflight {
            h.push(("Access-Control-Allow-Methods", "POST".to_string()));
            h.push(("Access-Control-Allow-Headers", ALLOWED_HEADERS.to_string()));
            h.push(("Access-Control-Max-Age", "600".to_string()));
        }
        h
    }
}

/// A valid origin value for `--cors-origin`: `http(s)://host[:port]` with no path.
pub fn valid_origin(o: &str) -> bool {
    let rest = o
        .strip_prefix("http://")
        .or_else(|| o.strip_prefix("https://"));
    rest.is_some_and(|r| !r.is_empty() && !r.contains('/') && !r.contains('*'))
}
