//! The message content key (also the raw AES keyring's wrapping key): AES-GCM over batches of
//! frames, built in or through the asynchronous host of the `host-crypto` build.

#[cfg(feature = "host-crypto")]
use crate::crypto::aead::AuthFailed;
#[cfg(not(feature = "host-crypto"))]
use crate::crypto::aead::{host_aead, AesGcmKey, AuthFailed};
#[cfg(feature = "host-crypto")]
use crate::crypto::host::{GcmAnswer, HostGcmKey};
use crate::error::{Error, Result};
#[cfg(feature = "host-crypto")]
use crate::future::BoxFuture;
use crate::suite::{IV_LEN, TAG_LEN};

/// One AES-GCM operation of a batch over a caller's buffer: `buf[start..start + len]` is
/// encrypted in place and its tag written at `buf[start + len..start + len + 16]`.
#[derive(Debug)]
pub struct SealJob {
    /// The IV.
    pub iv: [u8; IV_LEN],
    /// The additional authenticated data.
    pub aad: Vec<u8>,
    /// Offset of the plaintext in the buffer.
    pub start: usize,
    /// Plaintext length (the tag follows it).
    pub len: usize,
}

/// One AES-GCM decryption of a batch: `src[sealed..sealed + len + 16]` holds `ciphertext ‖
/// tag` (as a message lays them out), and the plaintext goes to `dest[start..start + len]`.
#[derive(Debug)]
pub struct OpenJob {
    /// The IV.
    pub iv: [u8; IV_LEN],
    /// The additional authenticated data.
    pub aad: Vec<u8>,
    /// Offset of `ciphertext ‖ tag` in the source.
    pub sealed: usize,
    /// Offset of the plaintext in the destination.
    pub start: usize,
    /// Ciphertext (and plaintext) length.
    pub len: usize,
}

/// Host calls in flight at once: at most this many jobs…
#[cfg(feature = "host-crypto")]
const MAX_JOBS_IN_FLIGHT: usize = 64;
/// …and about this many bytes (the host holds a copy of each input until it answers).
#[cfg(feature = "host-crypto")]
const MAX_BYTES_IN_FLIGHT: usize = 1 << 20;

/// One batch of AES-GCM jobs as [`pipeline`] drives it (one implementation per direction; the
/// pipeline itself is not generic, so the module carries one copy of it).
#[cfg(feature = "host-crypto")]
trait HostBatch {
    /// Number of jobs.
    fn jobs(&self) -> usize;
    /// Input length of job `i` (counted against the bytes in flight).
    fn input_len(&self, i: usize) -> usize;
    /// Starts job `i` on the host.
    fn issue(&self, key: &dyn HostGcmKey, i: usize) -> Result<BoxFuture<'static, GcmAnswer>>;
    /// Takes job `i`'s answer; `Ok(false)` stops the batch.
    fn finish(&mut self, i: usize, answer: GcmAnswer) -> Result<bool>;
}

/// Issues a host call per job and hands each answer, in job order, to the batch. A sliding
/// window keeps the host busy without holding every input at once. When the batch stops early
/// (or fails), the calls still in flight are awaited and their answers wiped where the host
/// left them, so that plaintext they produced is not left behind.
#[cfg(feature = "host-crypto")]
async fn pipeline(key: &dyn HostGcmKey, batch: &mut dyn HostBatch) -> Result<()> {
    let mut calls = Vec::with_capacity(batch.jobs().min(MAX_JOBS_IN_FLIGHT));
    let result = run_pipeline(key, batch, &mut calls).await;
    for call in calls.iter_mut().filter_map(Option::take) {
        if let Some(Ok(bytes)) = call.await {
            bytes.wipe();
        }
    }
    result
}

#[cfg(feature = "host-crypto")]
async fn run_pipeline(
    key: &dyn HostGcmKey,
    batch: &mut dyn HostBatch,
    calls: &mut Vec<Option<BoxFuture<'static, GcmAnswer>>>,
) -> Result<()> {
    let (mut issued, mut bytes) = (0, 0);
    for i in 0..batch.jobs() {
        while issued < batch.jobs() {
            let in_flight = issued - i;
            if in_flight > 0 && (in_flight >= MAX_JOBS_IN_FLIGHT || bytes >= MAX_BYTES_IN_FLIGHT) {
                break;
            }
            calls.push(Some(batch.issue(key, issued)?));
            bytes += batch.input_len(issued);
            issued += 1;
        }
        let call = calls
            .get_mut(i)
            .and_then(Option::take)
            .ok_or_else(host_failed)?;
        let answer = call.await;
        bytes -= batch.input_len(i);
        if !batch.finish(i, answer)? {
            break;
        }
    }
    Ok(())
}

/// Sealing in place: `buf[start..start + len]` → ciphertext, then the tag.
#[cfg(feature = "host-crypto")]
struct SealBatch<'a> {
    buf: &'a mut [u8],
    jobs: &'a [SealJob],
}

#[cfg(feature = "host-crypto")]
impl HostBatch for SealBatch<'_> {
    fn jobs(&self) -> usize {
        self.jobs.len()
    }
    fn input_len(&self, i: usize) -> usize {
        self.jobs.get(i).map_or(0, |j| j.len)
    }
    fn issue(&self, key: &dyn HostGcmKey, i: usize) -> Result<BoxFuture<'static, GcmAnswer>> {
        let j = self.jobs.get(i).ok_or_else(out_of_range)?;
        Ok(key.seal(&j.iv, &j.aad, slice(self.buf, j.start, j.len)?))
    }
    fn finish(&mut self, i: usize, answer: GcmAnswer) -> Result<bool> {
        let j = self.jobs.get(i).ok_or_else(out_of_range)?;
        let sealed = match answer {
            Some(Ok(sealed)) => sealed,
            _ => return Err(host_failed()),
        };
        let dest = slice_mut(self.buf, j.start, j.len + TAG_LEN)?;
        if sealed.len() != dest.len() {
            return Err(host_failed());
        }
        sealed.move_to(dest);
        Ok(true)
    }
}

/// Opening `src`'s `ciphertext ‖ tag` ranges into `dest`; `failed`: the job whose tag did not
/// verify.
#[cfg(feature = "host-crypto")]
struct OpenBatch<'a> {
    src: &'a [u8],
    dest: &'a mut [u8],
    jobs: &'a [OpenJob],
    failed: Option<usize>,
}

#[cfg(feature = "host-crypto")]
impl HostBatch for OpenBatch<'_> {
    fn jobs(&self) -> usize {
        self.jobs.len()
    }
    fn input_len(&self, i: usize) -> usize {
        self.jobs.get(i).map_or(0, |j| j.len)
    }
    fn issue(&self, key: &dyn HostGcmKey, i: usize) -> Result<BoxFuture<'static, GcmAnswer>> {
        let j = self.jobs.get(i).ok_or_else(out_of_range)?;
        // The host gets the message bytes themselves: a view, copied by the host.
        Ok(key.open(&j.iv, &j.aad, slice(self.src, j.sealed, j.len + TAG_LEN)?))
    }
    fn finish(&mut self, i: usize, answer: GcmAnswer) -> Result<bool> {
        let j = self.jobs.get(i).ok_or_else(out_of_range)?;
        let dest = slice_mut(self.dest, j.start, j.len)?;
        match answer.ok_or_else(host_failed)? {
            Ok(plain) if plain.len() == dest.len() => plain.move_to(dest),
            Ok(plain) => {
                plain.wipe();
                return Err(host_failed());
            }
            Err(AuthFailed) => {
                // `dest` was never written for this job: nothing to zero.
                self.failed = Some(i);
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// The small module's answer to AES-192.
#[cfg(feature = "host-crypto")]
pub(crate) fn no_aes192() -> Error {
    Error::Unsupported(
        "AES-192 (a 24-byte key) is not in the small module: use the sealkit or sealkit/full entry"
            .into(),
    )
}

#[cfg(feature = "host-crypto")]
fn host_failed() -> Error {
    Error::Keyring("the host AES-GCM failed".into())
}

/// An AES-GCM key for messages and the raw AES keyring, with async batch operations.
///
/// The default build encrypts with the built-in key schedule, or with a synchronous host
/// (`aead::HostAead`, node:crypto); the `host-crypto` build sends every operation to the
/// asynchronous host (`crypto::host`, WebCrypto), the key imported once, and has no AES-192
/// (Chromium's WebCrypto refuses 192-bit keys; the full module does them). Key bytes are
/// zeroized on drop.
pub struct ContentKey {
    raw: zeroize::Zeroizing<Vec<u8>>,
    #[cfg(not(feature = "host-crypto"))]
    soft: AesGcmKey,
    #[cfg(feature = "host-crypto")]
    host: core::cell::RefCell<Option<std::rc::Rc<dyn crate::crypto::host::HostGcmKey>>>,
}

impl core::fmt::Debug for ContentKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ContentKey(<redacted>)")
    }
}

impl ContentKey {
    /// Builds a key from 16, 24 or 32 key bytes.
    #[cfg(not(feature = "host-crypto"))]
    pub fn new(key: &[u8]) -> Result<Self> {
        Ok(ContentKey {
            soft: AesGcmKey::new(key)?,
            raw: zeroize::Zeroizing::new(key.to_vec()),
        })
    }

    /// Builds a key from 16 or 32 key bytes (24 = AES-192: [`Error::Unsupported`] here).
    #[cfg(feature = "host-crypto")]
    pub fn new(key: &[u8]) -> Result<Self> {
        match key.len() {
            16 | 32 => Ok(ContentKey {
                raw: zeroize::Zeroizing::new(key.to_vec()),
                host: Default::default(),
            }),
            24 => Err(no_aes192()),
            n => Err(Error::invalid(format!(
                "AES key must be 16, 24 or 32 bytes, got {n}"
            ))),
        }
    }

    /// A key that lives in the host only (derived there).
    #[cfg(feature = "host-crypto")]
    pub(crate) fn from_host(key: std::rc::Rc<dyn crate::crypto::host::HostGcmKey>) -> Self {
        ContentKey {
            raw: Default::default(),
            host: core::cell::RefCell::new(Some(key)),
        }
    }

    /// `ciphertext ‖ tag` of `plaintext`.
    pub async fn seal(&self, iv: &[u8; IV_LEN], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(plaintext.len() + TAG_LEN);
        buf.extend_from_slice(plaintext);
        buf.resize(plaintext.len() + TAG_LEN, 0);
        let job = SealJob {
            iv: *iv,
            aad: aad.to_vec(),
            start: 0,
            len: plaintext.len(),
        };
        if let Err(e) = self.seal_jobs(&mut buf, core::slice::from_ref(&job)).await {
            zeroize::Zeroize::zeroize(&mut buf);
            return Err(e);
        }
        Ok(buf)
    }

    /// The plaintext of `ciphertext ‖ tag`: `Ok(Err(AuthFailed))` when the tag does not verify,
    /// `Err` when the operation could not run (e.g. no WebCrypto in the small module).
    pub async fn open(
        &self,
        iv: &[u8; IV_LEN],
        aad: &[u8],
        sealed: &[u8],
    ) -> Result<core::result::Result<zeroize::Zeroizing<Vec<u8>>, AuthFailed>> {
        let Some(len) = sealed.len().checked_sub(TAG_LEN) else {
            return Ok(Err(AuthFailed));
        };
        let job = OpenJob {
            iv: *iv,
            aad: aad.to_vec(),
            sealed: 0,
            start: 0,
            len,
        };
        let mut buf = zeroize::Zeroizing::new(vec![0u8; len]);
        Ok(self
            .open_jobs(sealed, &mut buf, core::slice::from_ref(&job))
            .await?
            .map(|()| buf)
            .map_err(|_| AuthFailed))
    }

    /// Encrypts each job's range of `buf` in place and writes its tag after it.
    pub async fn seal_jobs(&self, buf: &mut [u8], jobs: &[SealJob]) -> Result<()> {
        #[cfg(feature = "host-crypto")]
        {
            let key = self.host_key().await?;
            pipeline(&*key, &mut SealBatch { buf, jobs }).await
        }
        #[cfg(not(feature = "host-crypto"))]
        {
            jobs.iter().try_for_each(|j| self.seal_job(buf, j))
        }
    }

    /// Seals one job at once (the built-in and synchronous-host AES-GCM answer immediately:
    /// the message layer seals each frame while it is still in cache).
    #[cfg(not(feature = "host-crypto"))]
    pub fn seal_job(&self, buf: &mut [u8], job: &SealJob) -> Result<()> {
        let (data, rest) = slice_mut(buf, job.start, job.len + TAG_LEN)?.split_at_mut(job.len);
        let tag = self.seal_in_place(&job.iv, &job.aad, data)?;
        rest.copy_from_slice(&tag);
        Ok(())
    }

    /// Decrypts each job's `ciphertext ‖ tag` in `src` into its range of `dest`. `Ok(Err(i))`:
    /// job `i` failed authentication (no plaintext of it reaches `dest`; later ranges may be
    /// left as they were).
    pub async fn open_jobs(
        &self,
        src: &[u8],
        dest: &mut [u8],
        jobs: &[OpenJob],
    ) -> Result<core::result::Result<(), usize>> {
        #[cfg(feature = "host-crypto")]
        {
            let key = self.host_key().await?;
            let mut batch = OpenBatch {
                src,
                dest,
                jobs,
                failed: None,
            };
            pipeline(&*key, &mut batch).await?;
            Ok(batch.failed.map_or(Ok(()), Err))
        }
        #[cfg(not(feature = "host-crypto"))]
        {
            for (i, j) in jobs.iter().enumerate() {
                let (ciphertext, tag) = slice(src, j.sealed, j.len + TAG_LEN)?.split_at(j.len);
                let tag: &[u8; TAG_LEN] = tag.try_into().map_err(|_| out_of_range())?;
                let data = slice_mut(dest, j.start, j.len)?;
                data.copy_from_slice(ciphertext);
                if self.open_in_place(&j.iv, &j.aad, data, tag).is_err() {
                    return Ok(Err(i));
                }
            }
            Ok(Ok(()))
        }
    }

    #[cfg(feature = "host-crypto")]
    async fn host_key(&self) -> Result<std::rc::Rc<dyn crate::crypto::host::HostGcmKey>> {
        if let Some(key) = self.host.borrow().clone() {
            return Ok(key);
        }
        let key = crate::crypto::host::host_crypto()?
            .aes_gcm_key(&self.raw)
            .await
            .ok_or_else(host_failed)?;
        *self.host.borrow_mut() = Some(key.clone());
        Ok(key)
    }

    #[cfg(not(feature = "host-crypto"))]
    fn seal_in_place(
        &self,
        iv: &[u8; IV_LEN],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Result<[u8; TAG_LEN]> {
        if let Some(host) = host_aead().filter(|h| buf.len() >= h.min_len()) {
            if let Some(tag) = host.seal(&self.raw, iv, aad, buf) {
                return Ok(tag);
            }
        }
        self.soft.seal_in_place(iv, aad, buf)
    }

    #[cfg(not(feature = "host-crypto"))]
    fn open_in_place(
        &self,
        iv: &[u8; IV_LEN],
        aad: &[u8],
        buf: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<(), AuthFailed> {
        if let Some(host) = host_aead().filter(|h| buf.len() >= h.min_len()) {
            match host.open(&self.raw, iv, aad, buf, tag) {
                Some(true) => return Ok(()),
                Some(false) => {
                    buf.iter_mut().for_each(|b| *b = 0);
                    return Err(AuthFailed);
                }
                None => {}
            }
        }
        self.soft.open_in_place(iv, aad, buf, tag)
    }
}

/// `buf[start..start + len]`. Job ranges come from lengths the message layer wrote itself, so
/// a range outside the buffer is a bug: reported as an error rather than a panic.
fn slice(buf: &[u8], start: usize, len: usize) -> Result<&[u8]> {
    start
        .checked_add(len)
        .and_then(|end| buf.get(start..end))
        .ok_or_else(out_of_range)
}

fn slice_mut(buf: &mut [u8], start: usize, len: usize) -> Result<&mut [u8]> {
    start
        .checked_add(len)
        .and_then(|end| buf.get_mut(start..end))
        .ok_or_else(out_of_range)
}

fn out_of_range() -> Error {
    Error::Keyring("AES-GCM job outside its buffer".into())
}
