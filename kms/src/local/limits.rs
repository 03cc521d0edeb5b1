//! AWS KMS input limits (AWS KMS API reference, the "Length Constraints" and "Array Members" of
//! each request parameter). A value outside them is refused with `ValidationException` before
//! anything else runs, and the message names the parameter and its limit, never the value: an
//! error must not carry megabytes of input back, nor a secret a client sent by mistake.

use crate::error::KmsError;
use crate::types::EncryptionContext;

/// `KeyId`, `TargetKeyId`, `DestinationKeyId`, `SourceKeyId`: 1..=2048 characters.
pub(crate) const MAX_KEY_ID_CHARS: usize = 2048;
/// `Description`: 0..=8192 characters.
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 8192;
/// `GrantTokens`: at most 10, each 1..=8192 characters.
pub(crate) const MAX_GRANT_TOKENS: usize = 10;
const MAX_GRANT_TOKEN_CHARS: usize = 8192;
/// `Marker`: 1..=1024 characters of U+0020..=U+00FF.
const MAX_MARKER_CHARS: usize = 1024;
/// Encryption context: the API reference gives no per-pair limit, so the local KMS bounds the
/// whole map (keys and values, UTF-8 bytes) at 8 KiB, which also bounds audit records.
pub(crate) const MAX_CONTEXT_BYTES: usize = 8192;
/// `GranteePrincipal`, `RetiringPrincipal`: 1..=256 characters.
pub(crate) const MAX_PRINCIPAL_CHARS: usize = 256;
/// `GrantId`: 1..=128 characters.
pub(crate) const MAX_GRANT_ID_CHARS: usize = 128;
/// `Name` of a grant: 1..=256 characters.
pub(crate) const MAX_GRANT_NAME_CHARS: usize = 256;

/// `ValidationException` naming the parameter and the rule, not the value.
pub(crate) fn invalid(param: &str, rule: &str) -> KmsError {
    KmsError::validation(format!("{param} {rule}"))
}

/// `value` has `min..=max` characters (counted without reading past `max + 1`).
pub(crate) fn chars(param: &str, value: &str, min: usize, max: usize) -> Result<(), KmsError> {
    let n = value.chars().take(max + 1).count();
    if n < min || n > max {
        Err(invalid(
            param,
            &format!("must have between {min} and {max} characters"),
        ))
    } else {
        Ok(())
    }
}

/// A key identifier parameter.
pub(crate) fn key_id(param: &str, value: &str) -> Result<(), KmsError> {
    chars(param, value, 1, MAX_KEY_ID_CHARS)
}

/// `GrantTokens`.
pub(crate) fn grant_tokens(tokens: &[String]) -> Result<(), KmsError> {
    if tokens.len() > MAX_GRANT_TOKENS {
        return Err(invalid(
            "GrantTokens",
            &format!("must have at most {MAX_GRANT_TOKENS} members"),
        ));
    }
    tokens
        .iter()
        .try_for_each(|t| chars("GrantTokens member", t, 1, MAX_GRANT_TOKEN_CHARS))
}

/// An encryption context (`EncryptionContext`, a grant constraint, …).
pub(crate) fn context(param: &str, ctx: &EncryptionContext) -> Result<(), KmsError> {
    let mut total = 0usize;
    for (k, v) in ctx {
        total = total.saturating_add(k.len()).saturating_add(v.len());
    }
    if total > MAX_CONTEXT_BYTES {
        return Err(invalid(
            param,
            &format!("must be at most {MAX_CONTEXT_BYTES} bytes of keys and values"),
        ));
    }
    Ok(())
}

/// `Limit` of a list operation: `1..=max`, `default` when absent.
pub(crate) fn limit(value: Option<u32>, max: u32, default: u32) -> Result<usize, KmsError> {
    match value {
        None => Ok(default as usize),
        Some(n) if (1..=max).contains(&n) => Ok(n as usize),
        Some(_) => Err(invalid("Limit", &format!("must be between 1 and {max}"))),
    }
}

/// `Marker` of a list operation.
pub(crate) fn marker(value: Option<&str>) -> Result<(), KmsError> {
    let Some(m) = value else { return Ok(()) };
    chars("Marker", m, 1, MAX_MARKER_CHARS)?;
    if m.chars().all(|c| ('\u{20}'..='\u{ff}').contains(&c)) {
        Ok(())
    } else {
        Err(invalid("Marker", "must be characters U+0020 to U+00FF"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_never_hold_the_value() {
        let long = "x".repeat(5_000_000);
        let e = key_id("KeyId", &long).unwrap_err();
        assert_eq!(e.name, "ValidationException");
        assert!(e.message.len() < 100, "{}", e.message);
        assert!(key_id("KeyId", "").is_err());
        assert!(key_id("KeyId", &"k".repeat(2048)).is_ok());
        assert!(key_id("KeyId", &"k".repeat(2049)).is_err());
    }

    #[test]
    fn limits_and_markers() {
        assert_eq!(limit(None, 1000, 100).unwrap(), 100);
        assert_eq!(limit(Some(1000), 1000, 100).unwrap(), 1000);
        assert!(limit(Some(0), 1000, 100).is_err());
        assert!(limit(Some(1001), 1000, 100).is_err());
        assert!(marker(Some("")).is_err());
        assert!(marker(Some("\u{1}")).is_err());
        assert!(marker(Some(&"m".repeat(1025))).is_err());
        assert!(marker(Some("arn:aws:kms:us-east-1:1:key/a")).is_ok());
    }

    #[test]
    fn grant_tokens_and_context() {
        let ten = vec!["t".to_string(); 10];
        assert!(grant_tokens(&ten).is_ok());
        let eleven = vec!["t".to_string(); 11];
        assert!(grant_tokens(&eleven).is_err());
        assert!(grant_tokens(&[String::new()]).is_err());
        let mut ctx = EncryptionContext::new();
        ctx.insert("k".into(), "v".repeat(MAX_CONTEXT_BYTES - 1));
        assert!(context("EncryptionContext", &ctx).is_ok());
        ctx.insert("k2".into(), String::new());
        assert!(context("EncryptionContext", &ctx).is_err());
    }
}
