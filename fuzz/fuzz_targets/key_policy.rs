//! Key-policy parsing and evaluation in the local KMS: a policy document from the input is
//! given to CreateKey, then three principals (the creator, another user of its account, a user
//! of another account) try Encrypt with an encryption context and DescribeKey. Any document is a
//! key or `MalformedPolicyDocumentException`, any decision Allow or `AccessDeniedException`,
//! never a panic, and the same request gets the same decision twice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealkit::kms::local::LocalKms;
use sealkit::kms::{
    block_on, CreateKeyRequest, EncryptRequest, KeyIdRequest, KmsAdmin, KmsProvider,
};

const PRINCIPALS: [&str; 3] = [
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:user/bob",
    "arn:aws:iam::444455556666:role/carol",
];

// Input: byte 0 picks the encryption-context value the callers send; the rest is the document.
fuzz_target!(|data: &[u8]| {
    let Some((&ctx, doc)) = data.split_first() else {
        return;
    };
    let Ok(doc) = std::str::from_utf8(doc) else {
        return;
    };
    let (kms, _clock) = LocalKms::with_manual_clock(1_767_323_045);
    let Ok(creator) = kms.client("us-east-1", PRINCIPALS[0]) else {
        return;
    };
    let Ok(created) = block_on(creator.create_key(CreateKeyRequest {
        policy: Some(doc.to_string()),
        ..Default::default()
    })) else {
        return;
    };
    let arn = created.key_metadata.arn;
    let context: sealkit::kms::EncryptionContext =
        [("purpose".to_string(), format!("v{}", ctx % 4))]
            .into_iter()
            .collect();
    for principal in PRINCIPALS {
        let Ok(client) = kms.client("us-east-1", principal) else {
            continue;
        };
        let encrypt = || {
            block_on(client.encrypt(EncryptRequest {
                key_id: arn.clone(),
                plaintext: b"fuzz".to_vec().into(),
                encryption_context: context.clone(),
                ..Default::default()
            }))
            .map_err(|e| e.name)
            .map(|_| ())
        };
        let first = encrypt();
        assert_eq!(first, encrypt(), "same request, same decision");
        if let Err(name) = first {
            assert!(
                name == "AccessDeniedException" || name == "NotFoundException",
                "unexpected {name}"
            );
        }
        let _ = block_on(client.describe_key(KeyIdRequest::new(arn.clone())));
    }
});
