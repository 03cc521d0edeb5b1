//! SHA-384 of a whole input, built in or (the `host-crypto` build, which carries no SHA-2) by
//! the host: what the KMS RSA keyring binds the encryption context with.

use crate::error::Result;
use crate::future::BoxFuture;

/// SHA-384 output length.
pub const SHA384_LEN: usize = 48;

/// SHA-384 of `data`.
pub fn sha384(data: &[u8]) -> BoxFuture<'static, Result<[u8; SHA384_LEN]>> {
    #[cfg(not(feature = "host-crypto"))]
    {
        use sha2::Digest;
        let d: [u8; SHA384_LEN] = sha2::Sha384::digest(data).into();
        Box::pin(core::future::ready(Ok(d)))
    }
    #[cfg(feature = "host-crypto")]
    {
        let call = crate::crypto::host::host_crypto().map(|host| host.sha384(data));
        Box::pin(async move {
            call?.await.ok_or_else(|| {
                crate::error::Error::Unsupported("SHA-384 failed in the host (WebCrypto)".into())
            })
        })
    }
}
