//! One keep-alive HTTP/1.1 connection to a key server (hyper's client connection API over a
//! tokio TCP stream) that sends SigV4-signed KMS JSON 1.1 requests, signed with sealkit's own
//! signer as any sealkit client signs them (AWS SigV4: `host`, `x-amz-date` and `x-amz-target`
//! are all signed, and the date is the current time, so the server's 5-minute window holds).

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use sealkit_kms::clock::{amz_date, Clock, SystemClock};
use sealkit_kms::http::sigv4::{sign_request, Credentials};
use sealkit_kms::http::transport::HttpRequest;
use tokio::net::TcpStream;

/// Where to send requests and as whom.
#[derive(Clone)]
pub struct Target {
    /// `host:port`.
    pub addr: String,
    pub region: String,
    pub creds: Credentials,
}

/// A failed call, as counted in the report.
#[derive(Debug)]
pub enum CallError {
    /// Connecting, sending or reading failed.
    Transport(String),
    /// The server answered with a non-200 status; `kind` is the KMS `__type`.
    Status { status: u16, kind: String },
    /// A 200 answer that is not what the operation must return.
    Content(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Transport(m) => write!(f, "transport: {m}"),
            CallError::Status { status, kind } => write!(f, "status {status}: {kind}"),
            CallError::Content(m) => write!(f, "bad response: {m}"),
        }
    }
}

impl CallError {
    /// A short class name for counting errors by kind.
    pub fn class(&self) -> String {
        match self {
            CallError::Transport(_) => "transport".into(),
            CallError::Status { status, kind } => format!("{status} {kind}"),
            CallError::Content(_) => "bad response".into(),
        }
    }
}

/// An open connection (reopened after a transport error).
pub struct Conn {
    target: Target,
    send: Option<SendRequest<Full<Bytes>>>,
}

impl Conn {
    /// A connection to `target`, opened on first use.
    pub fn new(target: Target) -> Self {
        Conn { target, send: None }
    }

    /// Opens the connection now (so a timed run measures requests, not TCP handshakes).
    pub async fn connect(&mut self) -> Result<(), CallError> {
        self.open().await.map(drop)
    }

    async fn open(&mut self) -> Result<&mut SendRequest<Full<Bytes>>, CallError> {
        if self.send.as_ref().is_none_or(|s| s.is_closed()) {
            let stream = TcpStream::connect(&self.target.addr)
                .await
                .map_err(|e| CallError::Transport(format!("connect: {e}")))?;
            let _ = stream.set_nodelay(true);
            let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|e| CallError::Transport(format!("handshake: {e}")))?;
            tokio::spawn(async move {
                let _ = conn.await;
            });
            self.send = Some(send);
        }
        self.send
            .as_mut()
            .ok_or_else(|| CallError::Transport("no connection".into()))
    }

    /// Calls `TrentService.<op>` with the JSON `body`; returns the parsed 200 response.
    pub async fn call(
        &mut self,
        op: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, CallError> {
        let mut req = HttpRequest {
            method: "POST".into(),
            url: format!("http://{}/", self.target.addr),
            headers: vec![
                ("Host".into(), self.target.addr.clone()),
                (
                    "Content-Type".into(),
                    "application/x-amz-json-1.1".to_string(),
                ),
                ("X-Amz-Target".into(), format!("TrentService.{op}")),
            ],
            body: body.to_string().into_bytes(),
        };
        sign_request(
            &mut req,
            &self.target.creds,
            &self.target.region,
            "kms",
            &amz_date(SystemClock.now_secs()),
        )
        .map_err(|e| CallError::Transport(format!("sign: {}", e.message)))?;
        let mut builder = hyper::Request::post("/");
        for (k, v) in &req.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let request = builder
            .body(Full::new(Bytes::from(std::mem::take(&mut req.body))))
            .map_err(|e| CallError::Transport(format!("request: {e}")))?;
        let send = self.open().await?;
        let result = async {
            send.ready()
                .await
                .map_err(|e| CallError::Transport(format!("connection: {e}")))?;
            let resp = send
                .send_request(request)
                .await
                .map_err(|e| CallError::Transport(format!("send: {e}")))?;
            let status = resp.status().as_u16();
            let bytes = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| CallError::Transport(format!("read: {e}")))?
                .to_bytes();
            Ok((status, bytes))
        }
        .await;
        let (status, bytes) = match result {
            Ok(r) => r,
            Err(e) => {
                self.send = None;
                return Err(e);
            }
        };
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|_| CallError::Content(format!("status {status}: body is not JSON")))?;
        if status != 200 {
            let kind = value
                .get("__type")
                .and_then(|t| t.as_str())
                .unwrap_or("-")
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(64)
                .collect();
            return Err(CallError::Status { status, kind });
        }
        Ok(value)
    }
}
