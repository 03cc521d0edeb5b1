//! Blocking native transport over `ureq` (feature `native-http`), with timeouts.

use zeroize::Zeroizing;

use super::transport::{HttpRequest, HttpResponse, HttpTransport, TransportError};
use crate::future::BoxFuture;
use std::io::Read;
use std::time::Duration;

/// Largest response body read (KMS responses are a few KiB).
const MAX_BODY: u64 = 1 << 20;

/// A `ureq` agent with connect/read/write timeouts.
#[derive(Debug, Clone)]
pub struct UreqTransport {
    agent: ureq::Agent,
}

impl UreqTransport {
    /// A transport whose whole request must finish within `timeout`
    /// (connect limited to `timeout` as well).
    pub fn new(timeout: Duration) -> Self {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(timeout)
            .timeout(timeout)
            .build();
        UreqTransport { agent }
    }
}

impl Default for UreqTransport {
    /// 10 s connect and overall timeouts.
    fn default() -> Self {
        Self::new(Duration::from_secs(10))
    }
}

fn read(resp: ureq::Response) -> Result<HttpResponse, TransportError> {
    let status = resp.status();
    let headers = resp
        .headers_names()
        .into_iter()
        .filter_map(|n| resp.header(&n).map(|v| (n.clone(), v.to_string())))
        .collect();
    // The body may hold data keys or plaintexts: it is read through a wiped buffer and grown
    // without leaving copies in freed memory (`read_to_end` would reallocate unwiped).
    let mut body = Zeroizing::new(Vec::new());
    let mut chunk = Zeroizing::new([0u8; 8192]);
    let mut reader = resp.into_reader().take(MAX_BODY);
    loop {
        let n = match reader.read(&mut chunk[..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(TransportError {
                    message: format!("reading response: {e}"),
                    timeout: e.kind() == std::io::ErrorKind::TimedOut,
                })
            }
        };
        if body.capacity() - body.len() < n {
            let mut grown = Vec::with_capacity((body.len() + n).max(2 * body.capacity()));
            grown.extend_from_slice(&body);
            let old = std::mem::replace(&mut *body, grown);
            drop(Zeroizing::new(old));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(HttpResponse {
        status,
        headers,
        body: std::mem::take(&mut *body),
    })
}

impl HttpTransport for UreqTransport {
    fn send(&self, req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let mut r = self.agent.request(&req.method, &req.url);
        for (k, v) in &req.headers {
            r = r.set(k, v);
        }
        let result = match r.send_bytes(&req.body) {
            Ok(resp) | Err(ureq::Error::Status(_, resp)) => read(resp),
            Err(ureq::Error::Transport(t)) => {
                let message = t.to_string();
                let timeout = message.to_ascii_lowercase().contains("timed out");
                Err(TransportError { message, timeout })
            }
        };
        Box::pin(core::future::ready(result))
    }
}
