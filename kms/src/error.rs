//! The one error type of the crate: a KMS error name plus a message.

use core::fmt;

/// KMS error names used by this crate (the `__type` values of AWS KMS).
pub mod names {
    /// Unknown key or alias.
    pub const NOT_FOUND: &str = "NotFoundException";
    /// The key is disabled.
    pub const DISABLED: &str = "DisabledException";
    /// The key state forbids the operation (e.g. pending deletion).
    pub const INVALID_STATE: &str = "KMSInvalidStateException";
    /// Corrupt ciphertext or wrong encryption context.
    pub const INVALID_CIPHERTEXT: &str = "InvalidCiphertextException";
    /// The explicit KeyId does not match the ciphertext.
    pub const INCORRECT_KEY: &str = "IncorrectKeyException";
    /// Key policy (or IAM) denies the call.
    pub const ACCESS_DENIED: &str = "AccessDeniedException";
    /// A parameter is invalid.
    pub const VALIDATION: &str = "ValidationException";
    /// Rate exceeded; retryable.
    pub const THROTTLING: &str = "ThrottlingException";
    /// Wrong key type or algorithm for the operation.
    pub const INVALID_KEY_USAGE: &str = "InvalidKeyUsageException";
    /// A MAC did not verify.
    pub const INVALID_MAC: &str = "KMSInvalidMacException";
    /// A signature did not verify.
    pub const INVALID_SIGNATURE: &str = "KMSInvalidSignatureException";
    /// The operation is not supported for this key.
    pub const UNSUPPORTED: &str = "UnsupportedOperationException";
    /// An alias or replica already exists.
    pub const ALREADY_EXISTS: &str = "AlreadyExistsException";
    /// A key policy document is not valid.
    pub const MALFORMED_POLICY: &str = "MalformedPolicyDocumentException";
    /// An ARN is not valid.
    pub const INVALID_ARN: &str = "InvalidArnException";
    /// A quota is reached (tags or grants per key).
    pub const LIMIT_EXCEEDED: &str = "LimitExceededException";
    /// A grant token does not name a grant.
    pub const INVALID_GRANT_TOKEN: &str = "InvalidGrantTokenException";
    /// A grant id does not name a grant of the key.
    pub const INVALID_GRANT_ID: &str = "InvalidGrantIdException";
    /// A tag is not valid (for example a reserved `aws:` key).
    pub const TAG: &str = "TagException";
    /// A `Marker` is not one this service returned.
    pub const INVALID_MARKER: &str = "InvalidMarkerException";
    /// Internal KMS failure; retryable.
    pub const INTERNAL: &str = "KMSInternalException";
    /// The transport failed (network, timeout, unparsable response).
    pub const TRANSPORT: &str = "TransportError";
}

/// An error from a KMS provider.
///
/// `name` is the KMS error name (`NotFoundException`, ...). Errors that are not KMS errors (network
/// failures, non-JSON responses) use [`names::TRANSPORT`] or the emulator's own code, and keep the
/// HTTP status in `status`. Messages never contain key material.
#[derive(Clone, PartialEq, Eq)]
pub struct KmsError {
    /// KMS error name, e.g. `NotFoundException`.
    pub name: String,
    /// Human-readable message (may be empty).
    pub message: String,
    /// HTTP status when the error came over HTTP.
    pub status: Option<u16>,
}

impl KmsError {
    /// A KMS error with a name and message.
    pub fn new(name: &str, message: impl Into<String>) -> Self {
        KmsError {
            name: name.to_string(),
            message: message.into(),
            status: None,
        }
    }

    /// A transport-level error.
    pub fn transport(message: impl Into<String>, status: Option<u16>) -> Self {
        KmsError {
            name: names::TRANSPORT.to_string(),
            message: message.into(),
            status,
        }
    }

    /// True if `name` equals the given KMS error name.
    pub fn is(&self, name: &str) -> bool {
        self.name == name
    }

    /// Whether retrying may help: throttling, internal errors, 5xx and transport failures.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.name.as_str(),
            names::THROTTLING
                | names::INTERNAL
                | names::TRANSPORT
                | "KeyUnavailableException"
                | "DependencyTimeoutException"
                | "ServiceUnavailableException"
        ) || self.status.is_some_and(|s| s >= 500)
    }

    pub(crate) fn not_found(what: &str) -> Self {
        Self::new(names::NOT_FOUND, format!("{what} does not exist"))
    }
    pub(crate) fn validation(msg: impl Into<String>) -> Self {
        Self::new(names::VALIDATION, msg)
    }
    pub(crate) fn invalid_ciphertext() -> Self {
        Self::new(names::INVALID_CIPHERTEXT, "")
    }
}

impl fmt::Debug for KmsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KmsError({}: {}", self.name, self.message)?;
        if let Some(s) = self.status {
            write!(f, ", status {s}")?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for KmsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            f.write_str(&self.name)
        } else {
            write!(f, "{}: {}", self.name, self.message)
        }
    }
}

impl std::error::Error for KmsError {}
