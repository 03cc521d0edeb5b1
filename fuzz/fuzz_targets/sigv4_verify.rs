//! SigV4 verification in the key server (`sealkit_key_server::auth::authenticate`).
//!
//! Byte 0 picks the mode. Even: the rest is a hostile request (`Name: value` lines, an empty
//! line, the body), verified against a known caller; any request is an identity or a named
//! error, never a panic. Odd: the rest gives the fields of a request (region, host, X-Amz-Target,
//! body, `\n`-separated, reduced to what a client can send), which the client's signer signs and
//! the server must accept, for that region; the same request with its body or its target changed
//! afterwards must be refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealkit::kms::http::{sign_request, Credentials, HttpRequest};
use sealkit_key_server::auth::{authenticate, Caller};
use zeroize::Zeroizing;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const PRINCIPAL: &str = "arn:aws:iam::111122223333:user/alice";
/// 2026-01-02T03:04:05Z, the date of the shared SigV4 vectors.
const NOW: u64 = 1_767_323_045;

fn callers() -> Vec<Caller> {
    vec![Caller::SigV4 {
        access_key_id: AKID.into(),
        secret: Zeroizing::new(SECRET.into()),
        session_token: None,
        principal: PRINCIPAL.into(),
    }]
}

fn hostile(data: &[u8]) {
    let split = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &[][..]),
    };
    let headers: Vec<(String, String)> = String::from_utf8_lossy(head)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    if let Ok(id) = authenticate(&headers, body, &callers(), None, "us-east-1", NOW) {
        assert_eq!(id.principal, PRINCIPAL);
    }
}

/// Keeps the bytes `keep` accepts, at most `max` of them.
fn clean(raw: &[u8], keep: impl Fn(u8) -> bool, max: usize) -> String {
    raw.iter()
        .copied()
        .filter(|&b| keep(b))
        .take(max)
        .map(char::from)
        .collect()
}

fn round_trip(data: &[u8]) {
    let mut fields = data.splitn(4, |&b| b == b'\n');
    let mut next = || fields.next().unwrap_or(&[]);
    let region = clean(
        next(),
        |b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-',
        24,
    );
    let host = clean(
        next(),
        |b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-',
        40,
    );
    let target = clean(next(), |b| b.is_ascii_graphic(), 60);
    let body = next().to_vec();
    if region.is_empty() || host.is_empty() || target.is_empty() {
        return;
    }
    let mut req = HttpRequest {
        method: "POST".into(),
        url: format!("http://{host}/"),
        headers: vec![
            ("Content-Type".into(), "application/x-amz-json-1.1".into()),
            ("X-Amz-Target".into(), target.clone()),
        ],
        body,
    };
    let creds = Credentials::new(AKID, SECRET);
    sign_request(&mut req, &creds, &region, "kms", "20260102T030405Z").expect("client signs");
    let mut headers = req.headers.clone();
    headers.push(("Host".into(), host));
    let id = authenticate(&headers, &req.body, &callers(), None, "us-east-1", NOW)
        .unwrap_or_else(|e| panic!("a request the client signed is refused: {e}"));
    assert_eq!(
        (id.principal.as_str(), id.region.as_str()),
        (PRINCIPAL, region.as_str())
    );

    let mut body = req.body.clone();
    body.push(b' ');
    assert!(authenticate(&headers, &body, &callers(), None, "us-east-1", NOW).is_err());
    for (k, v) in &mut headers {
        if k.eq_ignore_ascii_case("x-amz-target") {
            v.push('x');
        }
    }
    assert!(authenticate(&headers, &req.body, &callers(), None, "us-east-1", NOW).is_err());
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((mode, rest)) if mode % 2 == 1 => round_trip(rest),
        Some((_, rest)) => hostile(rest),
        None => {}
    }
});
