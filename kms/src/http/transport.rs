//! The HTTP seam: the client builds [`HttpRequest`]s and a [`HttpTransport`] sends them
//! (ureq natively behind `native-http`, JS `fetch` in the wasm layer, mocks in tests).

use crate::future::{BoxFuture, MaybeSend, MaybeSync};
use core::fmt;
use zeroize::Zeroize;

/// An HTTP request. `Debug` shows the body's length only.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `POST` for KMS.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// Headers in order; names as sent.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// KMS request bodies carry plaintexts (Encrypt) and response bodies carry data keys and
/// plaintexts (GenerateDataKey, Decrypt): both are wiped when dropped.
impl Drop for HttpRequest {
    fn drop(&mut self) {
        self.body.zeroize();
    }
}

impl Drop for HttpResponse {
    fn drop(&mut self) {
        self.body.zeroize();
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers.len())
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers.len())
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl HttpRequest {
    /// First header value with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Replaces (or adds) a header.
    pub fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.to_string()));
    }
}

/// An HTTP response (any status). `Debug` shows the body's length only.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// First header value with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A failure to get any HTTP response (connect, TLS, timeout, I/O).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    /// What went wrong.
    pub message: String,
    /// True when a timeout expired.
    pub timeout: bool,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {}

/// Sends HTTP requests. Non-2xx statuses are responses, not errors.
pub trait HttpTransport: MaybeSend + MaybeSync {
    /// Sends one request.
    fn send(&self, req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

/// Waits between retries. The default natively is `std::thread::sleep`; on wasm it returns at
/// once unless the host supplies a timer-based implementation.
pub trait Sleeper: MaybeSend + MaybeSync {
    /// Waits `millis` milliseconds.
    fn sleep(&self, millis: u64) -> BoxFuture<'_, ()>;
}

/// A sleeper that does not wait (wasm default, tests).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoSleep;

impl Sleeper for NoSleep {
    fn sleep(&self, _millis: u64) -> BoxFuture<'_, ()> {
        Box::pin(core::future::ready(()))
    }
}

/// Blocks the thread (native only; the native transport is blocking too).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Default, Clone, Copy)]
pub struct ThreadSleep;

#[cfg(not(target_arch = "wasm32"))]
impl Sleeper for ThreadSleep {
    fn sleep(&self, millis: u64) -> BoxFuture<'_, ()> {
        std::thread::sleep(std::time::Duration::from_millis(millis));
        Box::pin(core::future::ready(()))
    }
}
