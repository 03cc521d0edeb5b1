//! Request and response bodies held in buffers the server owns and wipes.
//!
//! KMS bodies carry key material: GenerateDataKey, GenerateDataKeyPair, Decrypt and
//! GenerateRandom responses hold plaintext (base64), Encrypt requests hold the plaintext to
//! encrypt. hyper's `Bytes` are shared and immutable and cannot be wiped in place, so:
//!
//! - the request body is copied frame by frame into a [`Zeroizing`] `Vec` sized from the
//!   declared `Content-Length` (capped), and each hyper frame is dropped as soon as it is
//!   copied (no intermediate concatenation as `collect().to_bytes()` would make);
//! - the response body is a [`SecretBody`]: hyper writes straight from our `Zeroizing` buffer
//!   (the connection uses hyper's vectored "queue" write strategy, `http1::Builder::writev`,
//!   so the body is queued, not copied into hyper's header buffer) and drops it, wiping it,
//!   once the bytes are in the socket.
//!
//! Not covered, and cannot be from here: hyper's connection read buffer (the raw request
//! bytes stay there until the next request on the connection overwrites them or the
//! connection closes and frees it unwiped); the kernel's socket buffers; copies made inside the
//! local KMS's JSON decoding and encoding (`sealkit_kms::local::dispatch`, which hands back a
//! plain `Vec` that is wrapped here at once).

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Body, Buf, Frame, Incoming, SizeHint};
use zeroize::Zeroizing;

/// Why a request body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadError {
    /// More than the cap arrived (or was declared).
    TooLarge,
    /// The body did not arrive within the timeout.
    Timeout,
    /// The connection failed while reading.
    Broken,
}

/// Reads `body` into a wiped-on-drop buffer: at most `cap` bytes, within `timeout`.
/// `declared` is the request's `Content-Length`, used only to size the buffer (never beyond
/// `cap`), so a lying header cannot make the server allocate.
pub async fn read(
    mut body: Incoming,
    declared: Option<u64>,
    cap: usize,
    timeout: Duration,
) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    let initial = declared.map_or(0, |n| usize::try_from(n).unwrap_or(cap).min(cap));
    let mut out = Zeroizing::new(Vec::with_capacity(initial));
    let filling = async {
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        {
            let frame = frame.map_err(|_| ReadError::Broken)?;
            if let Ok(data) = frame.into_data() {
                if data.len() > cap - out.len() {
                    return Err(ReadError::TooLarge);
                }
                // Within the reserved capacity this never reallocates; a chunked body (no
                // declared length) may grow the Vec, and a grown Vec leaves its old allocation
                // unwiped, so grow it here ourselves, wiping the old one.
                if out.capacity() - out.len() < data.len() {
                    let mut bigger = Zeroizing::new(Vec::with_capacity(
                        (out.len() + data.len()).max(out.capacity() * 2).min(cap),
                    ));
                    bigger.extend_from_slice(&out);
                    out = bigger;
                }
                out.extend_from_slice(&data);
            }
        }
        Ok(())
    };
    match tokio::time::timeout(timeout, filling).await {
        Err(_) => Err(ReadError::Timeout),
        Ok(Err(e)) => Err(e),
        Ok(Ok(())) => Ok(out),
    }
}

/// A response body sent from one owned buffer that is wiped when hyper drops it.
pub struct SecretBody {
    data: Option<SecretChunk>,
}

impl SecretBody {
    /// A body of exactly these bytes.
    pub fn new(bytes: Zeroizing<Vec<u8>>) -> Self {
        SecretBody {
            data: (!bytes.is_empty()).then_some(SecretChunk { bytes, sent: 0 }),
        }
    }
}

impl Body for SecretBody {
    type Data = SecretChunk;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<SecretChunk>, Infallible>>> {
        Poll::Ready(self.data.take().map(|d| Ok(Frame::data(d))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    // Exact, so hyper sends `Content-Length` rather than chunked encoding.
    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.data.as_ref().map_or(0, |d| d.bytes.len() as u64))
    }
}

/// The one frame of a [`SecretBody`]: a cursor over the wiped-on-drop buffer.
pub struct SecretChunk {
    bytes: Zeroizing<Vec<u8>>,
    sent: usize,
}

impl Buf for SecretChunk {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.sent
    }

    fn chunk(&self) -> &[u8] {
        self.bytes.get(self.sent..).unwrap_or_default()
    }

    fn advance(&mut self, cnt: usize) {
        self.sent = self.sent.saturating_add(cnt).min(self.bytes.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_is_a_cursor_over_its_bytes() {
        let mut c = SecretChunk {
            bytes: Zeroizing::new(b"abcdef".to_vec()),
            sent: 0,
        };
        assert_eq!(c.remaining(), 6);
        c.advance(4);
        assert_eq!((c.remaining(), c.chunk()), (2, &b"ef"[..]));
        c.advance(10);
        assert_eq!((c.remaining(), c.chunk()), (0, &b""[..]));
    }

    #[test]
    fn a_body_is_one_frame_with_an_exact_length() {
        let mut b = SecretBody::new(Zeroizing::new(b"xyz".to_vec()));
        assert_eq!(b.size_hint().exact(), Some(3));
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let Poll::Ready(Some(Ok(frame))) = Pin::new(&mut b).poll_frame(&mut cx) else {
            panic!("one frame")
        };
        assert_eq!(
            frame.into_data().ok().map(|d| d.chunk().to_vec()),
            Some(b"xyz".to_vec())
        );
        assert!(b.is_end_stream());
        assert!(matches!(
            Pin::new(&mut b).poll_frame(&mut cx),
            Poll::Ready(None)
        ));
        assert_eq!(
            SecretBody::new(Zeroizing::new(Vec::new()))
                .size_hint()
                .exact(),
            Some(0)
        );
    }
}
