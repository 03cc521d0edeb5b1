//! `sealkit`: encrypt, decrypt and inspect AWS Encryption SDK messages from the command line.
#![forbid(unsafe_code)]

mod args;
mod commands;
mod error;
mod input;
mod keys;
mod output;
mod progress;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::args::{Cli, Command, ItemOp};
use crate::error::{CliError, EXIT_USAGE};
use crate::keys::Purpose;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sealkit: error: {e}");
            ExitCode::from(e.exit)
        }
    }
}

fn run() -> Result<(), CliError> {
    let matches = match Cli::command().try_get_matches() {
        Ok(m) => m,
        // --help / --version go to stdout with status 0.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return Ok(());
        }
        Err(e) => return Err(clap_error(&e)),
    };
    let cli = Cli::from_arg_matches(&matches).map_err(|e| clap_error(&e))?;
    // The key options are re-read from the subcommand's matches: their order matters.
    let sub = matches
        .subcommand()
        .map(|(_, m)| m)
        .ok_or_else(|| CliError::usage("missing subcommand".into()))?;
    match cli.command {
        Command::Encrypt(a) => commands::encrypt::run(a, sub),
        Command::Decrypt(a) => commands::decrypt::run(a, sub),
        Command::Inspect(a) => commands::inspect::run(a),
        Command::Item(item) => {
            let op = sub
                .subcommand()
                .map(|(_, m)| m)
                .ok_or_else(|| CliError::usage("missing item subcommand".into()))?;
            match item.op {
                ItemOp::Encrypt(a) => commands::item::run(a, op, Purpose::Encrypt),
                ItemOp::Decrypt(a) => commands::item::run(a, op, Purpose::Decrypt),
            }
        }
    }
}

/// Clap's multi-line usage error, reduced to one line (the usage block is dropped).
fn clap_error(e: &clap::Error) -> CliError {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let text = e.render().to_string();
        if text.contains("sealkit item") {
            return CliError::usage(
                "'sealkit item' needs a subcommand: encrypt or decrypt (see 'sealkit item --help')"
                    .into(),
            );
        }
        return CliError::usage(
            "a subcommand is required: encrypt, decrypt, inspect or item (see 'sealkit --help')"
                .into(),
        );
    }
    let text = e.render().to_string();
    let parts: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
        .collect();
    let joined = parts.join(" ");
    let msg = joined.strip_prefix("error: ").unwrap_or(&joined);
    CliError {
        exit: EXIT_USAGE,
        ..CliError::usage(format!("{msg} (see 'sealkit --help')"))
    }
}
