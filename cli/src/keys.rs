//! Builds the keyring from the key options: one key as is, several as a multi-keyring
//! whose generator is the first key given.

use std::fs;
use std::sync::Arc;

use sealkit::{Keyring, MultiKeyring, RawAesKeyring, RawRsaKeyring, RsaPadding};
use zeroize::Zeroizing;

use crate::args::{KeyKind, KeyOption};
use crate::error::CliError;

/// Which operation the keys are for: RSA public keys only encrypt, private keys only decrypt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Encrypt,
    Decrypt,
}

/// Loads every key file and combines the keyrings.
pub fn build_keyring(
    options: &[KeyOption],
    purpose: Purpose,
) -> Result<Arc<dyn Keyring>, CliError> {
    if options.is_empty() {
        return Err(CliError::usage(
            "no wrapping key given: use --aes-key, --rsa-public-key or --rsa-private-key (see --help)".into(),
        ));
    }
    let mut keyrings = options
        .iter()
        .map(|o| load(o, purpose))
        .collect::<Result<Vec<_>, _>>()?;
    if keyrings.len() == 1 {
        return Ok(keyrings.remove(0));
    }
    let generator = keyrings.remove(0);
    let multi =
        MultiKeyring::new(Some(generator), keyrings).map_err(|e| CliError::lib("keys", e))?;
    Ok(Arc::new(multi))
}

fn load(o: &KeyOption, purpose: Purpose) -> Result<Arc<dyn Keyring>, CliError> {
    // A public key cannot unwrap and a private key is not used to wrap (the library does not
    // derive the public key); say so up front instead of failing later with a vaguer error.
    match (o.kind, purpose) {
        (KeyKind::RsaPrivate, Purpose::Encrypt) => {
            return Err(CliError::invalid(format!(
                "{}: encrypt needs the RSA public key; use --rsa-public-key",
                o.label
            )))
        }
        (KeyKind::RsaPublic, Purpose::Decrypt) => {
            return Err(CliError::invalid(format!(
                "{}: a public key cannot decrypt; use --rsa-private-key",
                o.label
            )))
        }
        _ => {}
    }
    let bytes = Zeroizing::new(
        fs::read(&o.file)
            .map_err(|e| CliError::invalid(format!("{}: cannot read key file: {e}", o.label)))?,
    );
    let bad = |e: sealkit::Error| CliError {
        exit: crate::error::EXIT_USAGE,
        ..CliError::lib(&o.label, e)
    };
    match o.kind {
        KeyKind::Aes => {
            let k = RawAesKeyring::new(o.namespace.as_str(), o.name.as_str(), &bytes).map_err(|e| {
                if matches!(bytes.len(), 16 | 24 | 32) {
                    bad(e)
                } else {
                    CliError::invalid(format!(
                        "{}: the key file must hold exactly 16, 24 or 32 raw key bytes, but it has {} \
                         (not base64 or hex text, and no trailing newline)",
                        o.label,
                        bytes.len()
                    ))
                }
            })?;
            Ok(Arc::new(k))
        }
        KeyKind::RsaPublic | KeyKind::RsaPrivate => {
            let pem = std::str::from_utf8(&bytes).map_err(|_| {
                CliError::invalid(format!("{}: the key file is not PEM text", o.label))
            })?;
            let padding: RsaPadding = o
                .padding
                .as_deref()
                .unwrap_or_default()
                .parse()
                .map_err(bad)?;
            let (public, private) = if o.kind == KeyKind::RsaPublic {
                (Some(pem), None)
            } else {
                (None, Some(pem))
            };
            let k = RawRsaKeyring::from_pem(
                o.namespace.as_str(),
                o.name.as_str(),
                padding,
                public,
                private,
            )
            .map_err(bad)?;
            Ok(Arc::new(k))
        }
    }
}
