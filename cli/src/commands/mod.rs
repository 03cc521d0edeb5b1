//! The subcommands.

pub mod decrypt;
pub mod encrypt;
pub mod inspect;

use sealkit::{CommitmentPolicy, EncryptionContext};

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
