//! The host's [`CryptoProvider`] (feature `host-crypto`, the small browser modules): WebCrypto's
//! HKDF, HMAC, SHA-384, AES-CTR and AES-GCM through the [`HostCrypto`] seam, so the module
//! carries none of that code for items.
//!
//! A batch of AES-GCM values starts every key import at once, then every seal or open as its
//! key arrives, and only then waits: the host runs them side by side. Each host call copies its
//! inputs before it returns (see [`HostCrypto`]), so the borrowed jobs may go away.

use std::rc::Rc;

use zeroize::Zeroizing;

use crate::crypto::aead::AuthFailed;
use crate::crypto::host::{host_crypto, GcmAnswer, HkdfHash, HostCrypto};
use crate::crypto::provider::{CryptoProvider, GcmJob, MacHash, Opened, Secret32};
use crate::error::{Error, Result};
use crate::future::BoxFuture;

/// WebCrypto, through the host installed by the npm package (`setHostCrypto`).
#[derive(Clone, Copy, Debug, Default)]
pub struct HostProvider;

fn failed(what: &str) -> Error {
    Error::Keyring(format!("WebCrypto {what} failed"))
}

/// Starts every key import, then every operation as its key is ready; the answers in job order.
/// `None` = a host call failed.
async fn gcm_batch(
    host: Rc<dyn HostCrypto>,
    jobs: &[GcmJob<'_>],
    seal: bool,
) -> Vec<Option<GcmAnswer>> {
    let imports: Vec<_> = jobs.iter().map(|j| host.aes_gcm_key(j.key)).collect();
    let mut calls = Vec::with_capacity(jobs.len());
    for (job, import) in jobs.iter().zip(imports) {
        calls.push(import.await.map(|key| {
            if seal {
                key.seal(job.iv, job.aad, job.input)
            } else {
                key.open(job.iv, job.aad, job.input)
            }
        }));
    }
    let mut answers = Vec::with_capacity(calls.len());
    for call in calls {
        answers.push(match call {
            Some(call) => Some(call.await),
            None => None,
        });
    }
    answers
}

/// Wipes every output a failed batch still holds in host memory.
fn wipe(answers: &[Option<GcmAnswer>]) {
    for bytes in answers.iter().flatten().flatten().flatten() {
        bytes.wipe();
    }
}

impl CryptoProvider for HostProvider {
    fn name(&self) -> &'static str {
        "WebCrypto"
    }

    fn hkdf_sha512<'a>(&'a self, ikm: &'a [u8], info: &'a [u8]) -> BoxFuture<'a, Result<Secret32>> {
        Box::pin(async move {
            let out = host_crypto()?
                .hkdf(HkdfHash::Sha512, ikm, &[], info, 32)
                .await
                .ok_or_else(|| failed("HKDF"))?;
            let mut key = Secret32::default();
            if out.len() != key.len() {
                return Err(failed("HKDF"));
            }
            key.copy_from_slice(&out);
            Ok(key)
        })
    }

    fn hmac<'a>(
        &'a self,
        hash: MacHash,
        key: &'a [u8],
        data: &'a [u8],
    ) -> BoxFuture<'a, Result<Zeroizing<Vec<u8>>>> {
        Box::pin(async move {
            let want = hash.tag_len();
            let tag = host_crypto()?
                .hmac(hash, key, data)
                .await
                .ok_or_else(|| failed("HMAC"))?;
            if tag.len() != want {
                return Err(failed("HMAC"));
            }
            Ok(tag)
        })
    }

    fn sha384<'a>(&'a self, data: &'a [u8]) -> BoxFuture<'a, Result<[u8; 48]>> {
        Box::pin(async move {
            host_crypto()?
                .sha384(data)
                .await
                .ok_or_else(|| failed("SHA-384"))
        })
    }

    fn aes256_ctr_keystream<'a>(
        &'a self,
        key: &'a [u8; 32],
        counter: [u8; 16],
        len: usize,
    ) -> BoxFuture<'a, Result<Zeroizing<Vec<u8>>>> {
        Box::pin(async move {
            host_crypto()?
                .aes_ctr_keystream(key, &counter, len)
                .await
                .ok_or_else(|| failed("AES-CTR"))
        })
    }

    fn seal_many<'a>(&'a self, jobs: &'a [GcmJob<'a>]) -> BoxFuture<'a, Result<Vec<Vec<u8>>>> {
        Box::pin(async move {
            let answers = gcm_batch(host_crypto()?, jobs, true).await;
            let mut out = Vec::with_capacity(answers.len());
            for answer in &answers {
                let Some(Some(Ok(bytes))) = answer else {
                    wipe(&answers);
                    return Err(failed("AES-GCM encryption"));
                };
                let mut sealed = vec![0u8; bytes.len()];
                bytes.move_to(&mut sealed);
                out.push(sealed);
            }
            Ok(out)
        })
    }

    fn open_many<'a>(&'a self, jobs: &'a [GcmJob<'a>]) -> BoxFuture<'a, Result<Vec<Opened>>> {
        Box::pin(async move {
            let answers = gcm_batch(host_crypto()?, jobs, false).await;
            let mut out = Vec::with_capacity(answers.len());
            for answer in &answers {
                match answer {
                    Some(Some(Ok(bytes))) => {
                        let mut plain = Zeroizing::new(vec![0u8; bytes.len()]);
                        bytes.move_to(&mut plain);
                        out.push(Ok(plain));
                    }
                    Some(Some(Err(AuthFailed))) => out.push(Err(AuthFailed)),
                    _ => {
                        // The plaintexts already copied are zeroized as `out` drops.
                        wipe(&answers);
                        return Err(failed("AES-GCM decryption"));
                    }
                }
            }
            Ok(out)
        })
    }
}
