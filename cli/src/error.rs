//! The CLI's error: a stable code, a one-line message and the exit status.

use std::fmt;

/// Exit status for a failed operation (bad message, authentication, wrong key, I/O).
pub const EXIT_FAILURE: u8 = 1;
/// Exit status for a usage error (bad option, value or key file).
pub const EXIT_USAGE: u8 = 2;

/// A failure reported as `sealkit: error: CODE: message`.
#[derive(Debug)]
pub struct CliError {
    pub code: &'static str,
    pub message: String,
    pub exit: u8,
}

impl CliError {
    /// A bad command line.
    pub fn usage(message: String) -> Self {
        CliError {
            code: "ERR_USAGE",
            message,
            exit: EXIT_USAGE,
        }
    }

    /// A bad argument value found after parsing (key file, same input and output, ...).
    pub fn invalid(message: String) -> Self {
        CliError {
            code: "ERR_INVALID_ARGUMENT",
            message,
            exit: EXIT_USAGE,
        }
    }

    /// An I/O failure on a named path.
    pub fn io(what: &str, e: std::io::Error) -> Self {
        CliError {
            code: "ERR_IO",
            message: format!("{what}: {e}"),
            exit: EXIT_FAILURE,
        }
    }

    /// A library error, prefixed with what the CLI was doing.
    pub fn lib(context: &str, e: sealkit::Error) -> Self {
        let exit = if matches!(e, sealkit::Error::InvalidArgument(_)) {
            EXIT_USAGE
        } else {
            EXIT_FAILURE
        };
        let message = if context.is_empty() {
            e.to_string()
        } else {
            format!("{context}: {e}")
        };
        CliError {
            code: e.code(),
            message,
            exit,
        }
    }
}

impl From<sealkit::Error> for CliError {
    fn from(e: sealkit::Error) -> Self {
        CliError::lib("", e)
    }
}

impl fmt::Display for CliError {
    /// Always one line, whatever the message contains.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let msg: String = self
            .message
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        write!(f, "{}: {}", self.code, msg)
    }
}
