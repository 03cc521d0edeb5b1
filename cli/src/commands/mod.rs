//! The subcommands.

pub mod decrypt;
pub mod encrypt;
pub mod inspect;
pub mod item;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sealkit::{
    keyring_cmm, AlgorithmSuite, CachingMaterialsManager, CommitmentPolicy, CryptoMaterialsManager,
    EncryptionContext, Keyring, LocalCryptoMaterialsCache,
};

use crate::args::{BatchIo, KeyKind, KeyOption};
use crate::error::CliError;
use crate::input::Input;
use crate::output::Output;

/// Builds the context from `--context` pairs; a key given twice with different values is an error.
fn context_from(pairs: &[(String, String)]) -> Result<EncryptionContext, CliError> {
    let mut ec = EncryptionContext::new();
    for (k, v) in pairs {
        if let Some(old) = ec.insert(k.clone(), v.clone()) {
            if old != *v {
                return Err(CliError::usage(format!(
                    "--context {k}: given twice with different values"
                )));
            }
        }
    }
    // Checked here too (the library checks on encrypt) so decrypt also refuses SDK-owned keys.
    sealkit::context::check_no_reserved_keys(&ec).map_err(|e| CliError::lib("--context", e))?;
    Ok(ec)
}

fn policy(name: &str) -> Result<CommitmentPolicy, CliError> {
    name.parse()
        .map_err(|e| CliError::lib("--commitment-policy", e))
}

/// Turns a streaming failure into a CLI error, naming the side an I/O error came from.
fn stream_error(e: sealkit::Error, input: &Input, output: &Output) -> CliError {
    match e {
        sealkit::Error::Io(io) if input.read_failed => {
            CliError::io(&format!("reading {}", input.name), io)
        }
        sealkit::Error::Io(io) => CliError::io(&format!("writing {}", output.name()), io),
        e => CliError::from(e),
    }
}

/// The KMS RSA keyring refuses signing suites, and the default suites (0x0578, 0x0378) sign:
/// say so before any key is loaded, with the fix.
fn check_kms_rsa_suite(keys: &[KeyOption], suite: Option<AlgorithmSuite>) -> Result<(), CliError> {
    let Some(k) = keys.iter().find(|k| k.kind == KeyKind::KmsRsa) else {
        return Ok(());
    };
    match suite {
        Some(s) if s.signature().is_none() => Ok(()),
        Some(s) => Err(CliError::invalid(format!(
            "{}: the KMS RSA keyring cannot be used with signing suite 0x{:04x}; use --suite 0x0478 \
             (committing, not signed)",
            k.label,
            s.id()
        ))),
        None => Err(CliError::invalid(format!(
            "{}: the KMS RSA keyring cannot be used with the default suite, which is signed; add \
             --suite 0x0478 (committing, not signed)",
            k.label
        ))),
    }
}

/// Entries a batch's cache keeps: a batch uses one context and suite, so few are ever live.
const BATCH_CACHE_CAPACITY: usize = 64;

/// The CMM a batch uses: the keyring's default CMM, or a caching CMM over it shared by every
/// file of the batch when `--cache-max-age` is given.
fn batch_cmm(
    keyring: Arc<dyn Keyring>,
    io: &BatchIo,
) -> Result<Arc<dyn CryptoMaterialsManager>, CliError> {
    let Some(seconds) = io.cache_max_age else {
        return Ok(keyring_cmm(keyring));
    };
    let cache = Arc::new(LocalCryptoMaterialsCache::new(BATCH_CACHE_CAPACITY));
    let mut cmm =
        CachingMaterialsManager::with_keyring(keyring, cache, Duration::from_secs(seconds))
            .map_err(|e| CliError::lib("--cache-max-age", e))?;
    if let Some(n) = io.cache_max_messages {
        cmm = cmm
            .with_max_messages_encrypted(n)
            .map_err(|e| CliError::lib("--cache-max-messages", e))?;
    }
    Ok(Arc::new(cmm))
}

/// In a batch of several files, names the input a failure belongs to.
fn in_batch(mut e: CliError, input: &Path, batch: bool) -> CliError {
    if batch {
        e.message = format!("{}: {}", input.display(), e.message);
    }
    e
}
