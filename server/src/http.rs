//! The HTTP front end on tokio + hyper (HTTP/1.1), sized so that slow or greedy clients cannot
//! stop the server serving others:
//! - each connection is its own task, and KMS operations run on the blocking pool, so one
//!   client never waits for another's network I/O;
//! - headers must arrive within [`Limits::header_timeout`] and the body within
//!   [`Limits::body_timeout`];
//! - a body over [`MAX_BODY`] is refused from its `Content-Length` before any of it is read,
//!   and a chunked body is cut off as soon as it passes the cap;
//! - at most [`Limits::max_connections`] connections are open; further ones wait in the
//!   listen backlog;
//! - SIGTERM (or SIGINT) stops accepting and lets in-flight requests finish;
//! - only `POST` runs operations (`GET /health` aside); other methods get a KMS-shaped 405;
//! - request and response bodies live in buffers wiped after use ([`crate::secret_body`]).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_LENGTH};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use sealkit_kms::KmsError;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::handler::{self, Handler, Reply};
use crate::log;
use crate::secret_body::{self, ReadError, SecretBody};
use zeroize::Zeroizing;

/// Largest request body accepted. The largest KMS request fields are a key policy (32,768
/// characters, AWS KMS API reference, PutKeyPolicy) and base64 blobs of at most 6,144 bytes
/// (Decrypt `CiphertextBlob`); 128 KiB holds a maximal policy even with its JSON escaping.
pub const MAX_BODY: usize = 128 * 1024;

/// Timeouts and the connection cap.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub max_connections: usize,
    /// How many KMS operations run at once; later ones wait in arrival order (a FIFO
    /// semaphore), so no connection is overtaken while it waits for a thread.
    pub max_in_flight: usize,
    /// How long shutdown waits for in-flight requests.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_connections: 512,
            max_in_flight: 128,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

fn kms_error(status: u16, name: &str, message: &str) -> Reply {
    handler::error(status, &KmsError::new(name, message))
}

fn to_response(reply: Reply) -> Response<SecretBody> {
    let Reply {
        status,
        headers,
        body,
    } = reply;
    let mut resp = Response::new(SecretBody::new(body));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    for (k, v) in headers {
        if let Ok(v) = HeaderValue::from_str(&v) {
            resp.headers_mut().append(k, v);
        }
    }
    resp
}

/// Reads the body within the limits, or says why not.
async fn read_body(
    body: Incoming,
    declared: Option<u64>,
    timeout: Duration,
) -> Result<Zeroizing<Vec<u8>>, Reply> {
    secret_body::read(body, declared, MAX_BODY, timeout)
        .await
        .map_err(|e| match e {
            ReadError::Timeout => kms_error(
                408,
                "RequestTimeoutException",
                "the request body did not arrive in time",
            ),
            ReadError::TooLarge => too_large(),
            ReadError::Broken => kms_error(
                400,
                "SerializationException",
                "cannot read the request body",
            ),
        })
}

fn too_large() -> Reply {
    kms_error(
        413,
        "ValidationException",
        &format!("request body is larger than {MAX_BODY} bytes"),
    )
}

/// One request: health, CORS, method and size checks, then the KMS operation.
async fn serve(
    h: Arc<Handler>,
    limits: Limits,
    queue: Arc<Semaphore>,
    peer: SocketAddr,
    req: Request<Incoming>,
) -> Result<Response<SecretBody>, Infallible> {
    let started = Instant::now();
    let method = req.method().clone();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let op = headers
        .iter()
        .find(|(k, _)| k == "x-amz-target")
        .and_then(|(_, v)| v.strip_prefix("TrentService."))
        .unwrap_or("-")
        .to_string();
    let reply = if req.uri().path() == "/health" && method == Method::GET {
        let hh = h.clone();
        match tokio::task::spawn_blocking(move || hh.service.health()).await {
            Ok(Ok(())) => health(200, "ok"),
            _ => health(503, "unavailable"),
        }
    } else if let Some(r) = h.cors_gate(method.as_str(), &headers) {
        r
    } else if method != Method::POST {
        let mut r = kms_error(
            405,
            "UnknownOperationException",
            "KMS operations are POST requests",
        );
        r.headers.push(("Allow", "POST".to_string()));
        r
    } else if declared_length(&req).is_some_and(|n| n > MAX_BODY as u64) {
        // refused from the header alone: not one byte of the body is read
        too_large()
    } else {
        let declared = declared_length(&req);
        match read_body(req.into_body(), declared, limits.body_timeout).await {
            Err(r) => r,
            Ok(body) => {
                let hh = h.clone();
                let headers = headers.clone();
                // tokio's semaphore is fair: permits go out in the order they were asked for
                // (tokio::sync::Semaphore, "fairness"). The queue is never closed.
                match queue.acquire_owned().await {
                    Ok(turn) => tokio::task::spawn_blocking(move || {
                        let reply = hh.handle(&headers, &body);
                        drop(turn);
                        reply
                    })
                    .await
                    .unwrap_or_else(|_| {
                        kms_error(500, "KMSInternalException", "the operation failed")
                    }),
                    Err(_) => kms_error(500, "KMSInternalException", "the server is stopping"),
                }
            }
        }
    };
    log::request(peer, method.as_str(), &op, &reply, started.elapsed());
    Ok(to_response(reply))
}

fn health(status: u16, what: &str) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type", "application/json".to_string())],
        body: Zeroizing::new(format!("{{\"status\":\"{what}\"}}").into_bytes()),
    }
}

fn declared_length(req: &Request<Incoming>) -> Option<u64> {
    req.headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Resolves on SIGTERM or SIGINT.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Binds, prints the URL as the first line on stdout, and serves until SIGTERM.
pub async fn run(h: Arc<Handler>, addr: SocketAddr, limits: Limits) -> Result<(), String> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "sealkit-key-server listening on http://{bound}");
        let _ = out.flush();
    }
    log::event(
        "start",
        &format!(
            "addr={bound} max_body={MAX_BODY} max_connections={}",
            limits.max_connections
        ),
    );
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let queue = Arc::new(Semaphore::new(limits.max_in_flight));
    let graceful = GracefulShutdown::new();
    let stop = shutdown_signal();
    tokio::pin!(stop);
    loop {
        // Wait for a free slot first: over the cap, new connections queue in the backlog.
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            _ = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            a = listener.accept() => match a {
                Ok(a) => a,
                Err(e) => {
                    log::event("accept_error", &format!("error={:?}", e.kind()));
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let hh = h.clone();
        let q = queue.clone();
        let conn = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .keep_alive(true)
            // Queue body buffers instead of copying them into hyper's own (unwiped) write
            // buffer: the response body is written from the `SecretBody` and wiped with it.
            .writev(true)
            .serve_connection(
                TokioIo::new(stream),
                service_fn(move |req| serve(hh.clone(), limits, q.clone(), peer, req)),
            );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    log::event("stopping", "reason=signal");
    tokio::select! {
        _ = graceful.shutdown() => log::event("stopped", "in_flight=finished"),
        _ = tokio::time::sleep(limits.shutdown_grace) => log::event("stopped", "in_flight=abandoned"),
    }
    Ok(())
}
