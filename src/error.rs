//! The one error type of sealkit: a variant per kind of failure, each with a stable code.

use std::fmt;

/// Every failure sealkit reports. Messages never contain key material.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A caller-supplied argument is invalid (names the argument and the rule).
    InvalidArgument(String),
    /// A field of a message could not be parsed or has a forbidden value.
    Malformed {
        /// The wire field (e.g. "header.frame_length").
        field: &'static str,
        /// What was wrong with it.
        reason: String,
    },
    /// The input ended before a field was complete.
    Truncated {
        /// The field that was being read.
        field: &'static str,
    },
    /// Bytes remain after a complete message.
    TrailingBytes(usize),
    /// The input looks like base64 text of a message rather than the binary message.
    Base64Input,
    /// The algorithm suite is not allowed by the commitment policy (or the suite/format pairing).
    CommitmentPolicy(String),
    /// The key commitment in the header does not match the derived commitment key.
    CommitmentMismatch,
    /// The header authentication tag did not verify.
    HeaderAuthFailed,
    /// A body frame (or the single block) failed authentication.
    BodyAuthFailed {
        /// Sequence number of the frame that failed.
        sequence: u32,
    },
    /// The footer signature did not verify (or was missing/malformed).
    SignatureInvalid(String),
    /// No keyring could unwrap any encrypted data key; lists each attempt and why it failed.
    NoDecryptingKeyring(Vec<String>),
    /// A keyring could not produce or wrap a data key on encrypt.
    Keyring(String),
    /// The encryption context supplied or required does not match the message.
    ContextMismatch(String),
    /// The caller supplied a reserved `aws-crypto-` encryption-context key.
    ReservedContextKey(String),
    /// More encrypted data keys than the configured maximum.
    TooManyEncryptedDataKeys {
        /// The configured maximum.
        max: u16,
    },
    /// The message header is longer than the configured maximum (see
    /// [`Client::with_max_header_len`](crate::Client::with_max_header_len)).
    HeaderTooLarge {
        /// The configured maximum, in bytes.
        max: usize,
    },
    /// The message is signed but the caller asked for the unsigned-only decrypt mode.
    SignedMessageRefused,
    /// This build leaves the feature out (the small browser module has no AES-192: the full
    /// module does it).
    Unsupported(String),
    /// A size limit of the format was exceeded (frame count, content length, …).
    LimitExceeded(String),
    /// A key service (KMS) call failed; `name` is the KMS error name.
    Kms {
        /// KMS error name such as `NotFoundException`.
        name: String,
        /// Message returned by the service.
        message: String,
        /// HTTP status of the service's answer, when it came over HTTP.
        status: Option<u16>,
    },
    /// An I/O error from a reader or writer (native streaming; absent from wasm builds, which
    /// have no `message::io`, so that they do not carry `std::io`'s error texts).
    #[cfg(not(target_arch = "wasm32"))]
    Io(std::io::Error),
    /// DynamoDB item encryption failed because of one attribute (or the `aws_dbe_head` /
    /// `aws_dbe_foot` attributes): names the attribute and the rule.
    Item {
        /// The attribute name (never its value).
        attribute: String,
        /// What was wrong.
        reason: String,
    },
    /// An item exceeds a limit of [`ItemLimits`](crate::item::ItemLimits) (attribute count,
    /// nesting depth or the length of one value).
    ItemLimit {
        /// Which limit: `"attributes"`, `"nesting depth"` or `"value length"`.
        limit: &'static str,
        /// The configured maximum.
        max: usize,
        /// What the item has (for a value's length: at least this; counting stops there).
        actual: usize,
        /// The attribute (never its value); `None` for the attribute count.
        attribute: Option<String>,
    },
}

impl Error {
    /// Stable code used by the JS layer and the CLI.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidArgument(_) => "ERR_INVALID_ARGUMENT",
            Error::Malformed { .. } => "ERR_BAD_CIPHERTEXT",
            Error::Truncated { .. } => "ERR_TRUNCATED",
            Error::TrailingBytes(_) => "ERR_TRAILING_BYTES",
            Error::Base64Input => "ERR_BASE64_INPUT",
            Error::CommitmentPolicy(_) => "ERR_COMMITMENT_POLICY",
            Error::CommitmentMismatch => "ERR_COMMITMENT_MISMATCH",
            Error::HeaderAuthFailed => "ERR_HEADER_AUTH",
            Error::BodyAuthFailed { .. } => "ERR_BODY_AUTH",
            Error::SignatureInvalid(_) => "ERR_SIGNATURE_INVALID",
            Error::NoDecryptingKeyring(_) => "ERR_NO_DECRYPTING_KEYRING",
            Error::Keyring(_) => "ERR_KEYRING",
            Error::ContextMismatch(_) => "ERR_CONTEXT_MISMATCH",
            Error::ReservedContextKey(_) => "ERR_RESERVED_CONTEXT_KEY",
            Error::TooManyEncryptedDataKeys { .. } => "ERR_TOO_MANY_EDKS",
            Error::HeaderTooLarge { .. } => "ERR_HEADER_TOO_LARGE",
            Error::SignedMessageRefused => "ERR_SIGNED_MESSAGE_REFUSED",
            Error::Unsupported(_) => "ERR_UNSUPPORTED",
            Error::LimitExceeded(_) => "ERR_LIMIT_EXCEEDED",
            Error::Kms { .. } => "ERR_KMS",
            #[cfg(not(target_arch = "wasm32"))]
            Error::Io(_) => "ERR_IO",
            Error::Item { .. } => "ERR_ITEM",
            Error::ItemLimit { .. } => "ERR_ITEM_LIMIT",
        }
    }

    /// A copy of this error, for each request that shares a failed call (single-flight waiters
    /// of the caching CMM). An I/O error keeps its kind and text.
    pub(crate) fn duplicate(&self) -> Error {
        match self {
            Error::InvalidArgument(m) => Error::InvalidArgument(m.clone()),
            Error::Malformed { field, reason } => Error::Malformed {
                field,
                reason: reason.clone(),
            },
            Error::Truncated { field } => Error::Truncated { field },
            Error::TrailingBytes(n) => Error::TrailingBytes(*n),
            Error::Base64Input => Error::Base64Input,
            Error::CommitmentPolicy(m) => Error::CommitmentPolicy(m.clone()),
            Error::CommitmentMismatch => Error::CommitmentMismatch,
            Error::HeaderAuthFailed => Error::HeaderAuthFailed,
            Error::BodyAuthFailed { sequence } => Error::BodyAuthFailed {
                sequence: *sequence,
            },
            Error::SignatureInvalid(m) => Error::SignatureInvalid(m.clone()),
            Error::NoDecryptingKeyring(a) => Error::NoDecryptingKeyring(a.clone()),
            Error::Keyring(m) => Error::Keyring(m.clone()),
            Error::ContextMismatch(m) => Error::ContextMismatch(m.clone()),
            Error::ReservedContextKey(k) => Error::ReservedContextKey(k.clone()),
            Error::TooManyEncryptedDataKeys { max } => {
                Error::TooManyEncryptedDataKeys { max: *max }
            }
            Error::HeaderTooLarge { max } => Error::HeaderTooLarge { max: *max },
            Error::SignedMessageRefused => Error::SignedMessageRefused,
            Error::Unsupported(m) => Error::Unsupported(m.clone()),
            Error::LimitExceeded(m) => Error::LimitExceeded(m.clone()),
            Error::Kms {
                name,
                message,
                status,
            } => Error::Kms {
                name: name.clone(),
                message: message.clone(),
                status: *status,
            },
            #[cfg(not(target_arch = "wasm32"))]
            Error::Io(e) => Error::Io(std::io::Error::new(e.kind(), e.to_string())),
            Error::Item { attribute, reason } => Error::Item {
                attribute: attribute.clone(),
                reason: reason.clone(),
            },
            Error::ItemLimit {
                limit,
                max,
                actual,
                attribute,
            } => Error::ItemLimit {
                limit,
                max: *max,
                actual: *actual,
                attribute: attribute.clone(),
            },
        }
    }

    pub(crate) fn malformed(field: &'static str, reason: impl Into<String>) -> Self {
        Error::Malformed {
            field,
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        Error::InvalidArgument(msg.into())
    }

    #[cfg_attr(not(feature = "builtin-ecdsa"), allow(dead_code))]
    pub(crate) fn item(attribute: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Item {
            attribute: attribute.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
            Error::Malformed { field, reason } => write!(f, "malformed {field}: {reason}"),
            Error::Truncated { field } => write!(f, "message truncated while reading {field}"),
            Error::TrailingBytes(n) => {
                write!(f, "{n} unexpected byte(s) after the end of the message")
            }
            Error::Base64Input => write!(
                f,
                "input looks like base64 text of a message; decode it to binary first"
            ),
            Error::CommitmentPolicy(m) => write!(f, "commitment policy violation: {m}"),
            Error::CommitmentMismatch => {
                write!(
                    f,
                    "key commitment mismatch: the data key does not match this message"
                )
            }
            Error::HeaderAuthFailed => write!(
                f,
                "header authentication failed (tampered header or wrong key)"
            ),
            Error::BodyAuthFailed { sequence } => {
                write!(
                    f,
                    "authentication of body frame {sequence} failed (tampered or truncated body)"
                )
            }
            Error::SignatureInvalid(m) => write!(f, "message signature invalid: {m}"),
            Error::NoDecryptingKeyring(attempts) => {
                if attempts.is_empty() {
                    write!(f, "no keyring could decrypt any data key: no encrypted data key was attempted")
                } else {
                    write!(
                        f,
                        "no keyring could decrypt any data key: {}",
                        attempts.join("; ")
                    )
                }
            }
            Error::Keyring(m) => write!(f, "keyring failed: {m}"),
            Error::ContextMismatch(m) => write!(f, "encryption context mismatch: {m}"),
            Error::ReservedContextKey(k) => {
                write!(
                    f,
                    "encryption context key '{k}' is reserved (prefix 'aws-crypto-')"
                )
            }
            Error::TooManyEncryptedDataKeys { max } => {
                write!(
                    f,
                    "message has more encrypted data keys than the configured maximum of {max}"
                )
            }
            Error::HeaderTooLarge { max } => write!(
                f,
                "message header is longer than the configured maximum of {max} bytes"
            ),
            Error::SignedMessageRefused => write!(
                f,
                "message is signed but the unsigned-only decrypt mode was requested"
            ),
            Error::Unsupported(m) => write!(f, "unsupported: {m}"),
            Error::LimitExceeded(m) => write!(f, "limit exceeded: {m}"),
            Error::Kms { name, message, .. } => write!(f, "KMS error {name}: {message}"),
            #[cfg(not(target_arch = "wasm32"))]
            Error::Io(e) => write!(f, "I/O error: {e}"),
            Error::Item { attribute, reason } => write!(f, "attribute '{attribute}': {reason}"),
            Error::ItemLimit {
                limit,
                max,
                actual,
                attribute,
            } => {
                if let Some(a) = attribute {
                    write!(f, "attribute '{a}': ")?;
                }
                write!(
                    f,
                    "item {limit} {actual} exceeds the configured maximum of {max}"
                )
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

/// Result alias used throughout sealkit.
pub type Result<T, E = Error> = core::result::Result<T, E>;
