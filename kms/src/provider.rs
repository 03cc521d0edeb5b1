//! The provider interface: KMS operations as async trait methods returning boxed futures.

use crate::error::KmsError;
use crate::future::{BoxFuture, MaybeSend, MaybeSync};
use crate::types::*;

/// Result future of a provider call.
pub type KmsFuture<'a, T> = BoxFuture<'a, Result<T, KmsError>>;

/// The cryptographic operations keyrings need, shaped like AWS KMS.
///
/// Implemented by [`crate::local::LocalKmsClient`] (embedded KMS) and
/// [`crate::http::HttpKmsClient`] (AWS KMS JSON protocol); JS hosts can supply their own.
pub trait KmsProvider: MaybeSend + MaybeSync {
    /// `GenerateDataKey`: a fresh data key, in plaintext and encrypted.
    fn generate_data_key(
        &self,
        req: GenerateDataKeyRequest,
    ) -> KmsFuture<'_, GenerateDataKeyResponse>;
    /// `GenerateDataKeyWithoutPlaintext`: only the encrypted data key.
    fn generate_data_key_without_plaintext(
        &self,
        req: GenerateDataKeyRequest,
    ) -> KmsFuture<'_, GenerateDataKeyWithoutPlaintextResponse>;
    /// `Encrypt` (≤ 4096 bytes).
    fn encrypt(&self, req: EncryptRequest) -> KmsFuture<'_, EncryptResponse>;
    /// `Decrypt`.
    fn decrypt(&self, req: DecryptRequest) -> KmsFuture<'_, DecryptResponse>;
    /// `ReEncrypt`.
    fn re_encrypt(&self, req: ReEncryptRequest) -> KmsFuture<'_, ReEncryptResponse>;
    /// `GetPublicKey` (DER SubjectPublicKeyInfo).
    fn get_public_key(&self, req: KeyIdRequest) -> KmsFuture<'_, GetPublicKeyResponse>;
    /// `DescribeKey`.
    fn describe_key(&self, req: KeyIdRequest) -> KmsFuture<'_, DescribeKeyResponse>;
    /// `Sign`.
    fn sign(&self, req: SignRequest) -> KmsFuture<'_, SignResponse>;
    /// `Verify`; an invalid signature is `KMSInvalidSignatureException`.
    fn verify(&self, req: VerifyRequest) -> KmsFuture<'_, VerifyResponse>;
    /// `GenerateMac`.
    fn generate_mac(&self, req: GenerateMacRequest) -> KmsFuture<'_, GenerateMacResponse>;
    /// `VerifyMac`; a wrong MAC is `KMSInvalidMacException`.
    fn verify_mac(&self, req: VerifyMacRequest) -> KmsFuture<'_, VerifyMacResponse>;
}

/// Key-management operations (creating keys, aliases, replicas, rotation, policies, state).
pub trait KmsAdmin: MaybeSend + MaybeSync {
    /// `CreateKey`.
    fn create_key(&self, req: CreateKeyRequest) -> KmsFuture<'_, CreateKeyResponse>;
    /// `CreateAlias`.
    fn create_alias(&self, req: AliasRequest) -> KmsFuture<'_, ()>;
    /// `UpdateAlias`.
    fn update_alias(&self, req: AliasRequest) -> KmsFuture<'_, ()>;
    /// `DeleteAlias`.
    fn delete_alias(&self, req: DeleteAliasRequest) -> KmsFuture<'_, ()>;
    /// `ListAliases`.
    fn list_aliases(&self, req: ListAliasesRequest) -> KmsFuture<'_, ListAliasesResponse>;
    /// `ListKeys`.
    fn list_keys(&self) -> KmsFuture<'_, ListKeysResponse>;
    /// `ReplicateKey`.
    fn replicate_key(&self, req: ReplicateKeyRequest) -> KmsFuture<'_, ReplicateKeyResponse>;
    /// `EnableKey`.
    fn enable_key(&self, req: KeyIdRequest) -> KmsFuture<'_, ()>;
    /// `DisableKey`.
    fn disable_key(&self, req: KeyIdRequest) -> KmsFuture<'_, ()>;
    /// `ScheduleKeyDeletion`.
    fn schedule_key_deletion(
        &self,
        req: ScheduleKeyDeletionRequest,
    ) -> KmsFuture<'_, ScheduleKeyDeletionResponse>;
    /// `CancelKeyDeletion` (the key becomes Disabled).
    fn cancel_key_deletion(&self, req: KeyIdRequest) -> KmsFuture<'_, KeyIdResponse>;
    /// `EnableKeyRotation`.
    fn enable_key_rotation(&self, req: EnableKeyRotationRequest) -> KmsFuture<'_, ()>;
    /// `DisableKeyRotation`.
    fn disable_key_rotation(&self, req: KeyIdRequest) -> KmsFuture<'_, ()>;
    /// `GetKeyRotationStatus`.
    fn get_key_rotation_status(
        &self,
        req: KeyIdRequest,
    ) -> KmsFuture<'_, GetKeyRotationStatusResponse>;
    /// `RotateKeyOnDemand`.
    fn rotate_key_on_demand(&self, req: KeyIdRequest) -> KmsFuture<'_, KeyIdResponse>;
    /// `ListKeyRotations`.
    fn list_key_rotations(&self, req: KeyIdRequest) -> KmsFuture<'_, ListKeyRotationsResponse>;
    /// `PutKeyPolicy`.
    fn put_key_policy(&self, req: PutKeyPolicyRequest) -> KmsFuture<'_, ()>;
    /// `GetKeyPolicy`.
    fn get_key_policy(&self, req: KeyIdRequest) -> KmsFuture<'_, GetKeyPolicyResponse>;
}
