//! Runs a KMS operation named as on the wire (`GenerateDataKey`, `CreateKey`, …) with its
//! JSON request body (KMS JSON 1.1 field names, base64 blobs) against the local KMS. Used by
//! the key server (`X-Amz-Target: TrentService.<Op>`) and by the JS bindings.

use super::LocalKmsClient;
use crate::{KmsAdmin, KmsError, KmsProvider};

/// Operations that change state (the server persists after each successful one).
pub fn is_mutating(op: &str) -> bool {
    !matches!(
        op,
        "GenerateDataKey"
            | "GenerateDataKeyWithoutPlaintext"
            | "Encrypt"
            | "Decrypt"
            | "ReEncrypt"
            | "GetPublicKey"
            | "DescribeKey"
            | "Sign"
            | "Verify"
            | "GenerateMac"
            | "VerifyMac"
            | "ListAliases"
            | "ListKeys"
            | "GetKeyRotationStatus"
            | "ListKeyRotations"
            | "GetKeyPolicy"
            | "GenerateDataKeyPair"
            | "GenerateDataKeyPairWithoutPlaintext"
            | "GenerateRandom"
            | "ListResourceTags"
            | "ListGrants"
            | "ListKeyPolicies"
    )
}

/// Local KMS futures are ready at once: poll once, no executor needed (works on wasm too).
fn now_or_never<T>(mut fut: crate::KmsFuture<'_, T>) -> Result<T, KmsError> {
    use core::task::{Context, Poll, Waker};
    match fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(r) => r,
        Poll::Pending => Err(KmsError::new(
            "KMSInternalException",
            "local KMS call did not complete",
        )),
    }
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, KmsError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| KmsError::new("SerializationException", format!("malformed request: {e}")))
}

fn encode<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, KmsError> {
    let out = serde_json::to_vec(value)
        .map_err(|e| KmsError::new("KMSInternalException", e.to_string()))?;
    // Operations without a result answer with an empty JSON object, as KMS does.
    Ok(if out == b"null" { b"{}".to_vec() } else { out })
}

macro_rules! ops {
    ($client:expr, $op:expr, $body:expr,
     { $($name:literal => $method:ident),* $(,)? },
     direct { $($dname:literal => $dmethod:ident),* $(,)? }) => {
        match $op {
            $($name => encode(&now_or_never($client.$method(parse($body)?))?),)*
            $($dname => encode(&$client.$dmethod(parse($body)?)?),)*
            // The name is not echoed: it is caller input of any length.
            _ => Err(KmsError::new("UnknownOperationException", "unknown operation")),
        }
    };
}

/// Runs one operation for `client` and returns the JSON response body.
pub fn dispatch_json(client: &LocalKmsClient, op: &str, body: &[u8]) -> Result<Vec<u8>, KmsError> {
    ops!(client, op, body, {
        "GenerateDataKey" => generate_data_key,
        "GenerateDataKeyWithoutPlaintext" => generate_data_key_without_plaintext,
        "Encrypt" => encrypt,
        "Decrypt" => decrypt,
        "ReEncrypt" => re_encrypt,
        "GetPublicKey" => get_public_key,
        "DescribeKey" => describe_key,
        "Sign" => sign,
        "Verify" => verify,
        "GenerateMac" => generate_mac,
        "VerifyMac" => verify_mac,
        "CreateKey" => create_key,
        "CreateAlias" => create_alias,
        "UpdateAlias" => update_alias,
        "DeleteAlias" => delete_alias,
        "ListAliases" => list_aliases,
        "ReplicateKey" => replicate_key,
        "EnableKey" => enable_key,
        "DisableKey" => disable_key,
        "ScheduleKeyDeletion" => schedule_key_deletion,
        "CancelKeyDeletion" => cancel_key_deletion,
        "EnableKeyRotation" => enable_key_rotation,
        "DisableKeyRotation" => disable_key_rotation,
        "GetKeyRotationStatus" => get_key_rotation_status,
        "RotateKeyOnDemand" => rotate_key_on_demand,
        "PutKeyPolicy" => put_key_policy,
        "GetKeyPolicy" => get_key_policy,
    }, direct {
        "ListKeys" => list_keys_page,
        "ListKeyRotations" => list_key_rotations_page,
        "GenerateDataKeyPair" => generate_data_key_pair,
        "GenerateDataKeyPairWithoutPlaintext" => generate_data_key_pair_without_plaintext,
        "GenerateRandom" => generate_random,
        "TagResource" => tag_resource,
        "UntagResource" => untag_resource,
        "ListResourceTags" => list_resource_tags,
        "CreateGrant" => create_grant,
        "ListGrants" => list_grants,
        "RevokeGrant" => revoke_grant,
        "RetireGrant" => retire_grant,
        "UpdateKeyDescription" => update_key_description,
        "ListKeyPolicies" => list_key_policies,
    })
}
