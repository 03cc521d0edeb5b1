//! Structured log lines on stderr, one per request or event, in `key=value` form. They name the
//! operation, status and error type, never a secret, a key, a body or a header value.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use sealkit_kms::clock::{amz_date, Clock, SystemClock};

use crate::handler::Reply;

fn line(s: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "ts={} {s}", amz_date(SystemClock.now_secs()));
}

/// A server event (`start`, `stopping`, ...) with extra `key=value` fields.
pub fn event(name: &str, fields: &str) {
    line(&format!("event={name} {fields}"));
}

/// The error type in a KMS error body, if any (`__type`); only a name from a fixed set.
fn error_type(reply: &Reply) -> Option<String> {
    if reply.status < 400 {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&reply.body).ok()?;
    let t = v.get("__type")?.as_str()?;
    t.bytes()
        .all(|b| b.is_ascii_alphanumeric())
        .then(|| t.to_string())
}

/// One request.
pub fn request(peer: SocketAddr, method: &str, op: &str, reply: &Reply, took: Duration) {
    // The operation name comes from the client: keep it to what an operation name can be.
    let op: String = op
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(64)
        .collect();
    let op = if op.is_empty() { "-".to_string() } else { op };
    let method: String = method
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(16)
        .collect();
    let error = error_type(reply).unwrap_or_else(|| "-".to_string());
    line(&format!(
        "event=request peer={peer} method={method} op={op} status={} error={error} ms={}",
        reply.status,
        took.as_millis()
    ));
}
