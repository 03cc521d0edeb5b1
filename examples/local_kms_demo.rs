//! The main demo: the embedded local KMS protects a message and a record.
//!
//! Creates a KMS key with an alias, encrypts a message (ESDK format) and a user record
//! (DB-ESDK item format, per attribute) through KMS keyrings, rotates the key, decrypts both,
//! shows that tampering and a wrong context fail, and prints the KMS audit log.
//! Run: `cargo run --release --example local_kms_demo`

use std::sync::Arc;

use sealkit::kms::local::{AuditFilter, LocalKms};
use sealkit::kms::{AliasRequest, CreateKeyRequest, KeyIdRequest, KmsAdmin, KmsProvider};
use sealkit::{
    block_on, keyring_cmm, AttributeValue, AwsKmsKeyring, Client, CryptoAction, DecryptOptions,
    EncryptOptions, Item, ItemEncryptor, ItemEncryptorConfig, Keyring,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. A local KMS with one symmetric key and an alias, used by alice in us-east-1.
    let (kms, clock) = LocalKms::with_manual_clock(1_767_225_600); // 2026-01-01
    let alice = kms.client("us-east-1", "arn:aws:iam::111122223333:user/alice")?;
    let key = block_on(alice.create_key(CreateKeyRequest {
        description: Some("demo key".into()),
        ..Default::default()
    }))?
    .key_metadata;
    block_on(alice.create_alias(AliasRequest {
        alias_name: "alias/demo".into(),
        target_key_id: key.key_id.clone(),
    }))?;
    println!("KMS key {} (alias/demo)", key.arn);
    let provider: Arc<dyn KmsProvider> = Arc::new(alice.clone());
    let keyring: Arc<dyn Keyring> = Arc::new(AwsKmsKeyring::new(provider, &key.arn)?);

    // 2. A message, with an encryption context bound as AAD.
    let client = Client::default(); // REQUIRE_ENCRYPT_REQUIRE_DECRYPT, suite 0x0578
    let mut options = EncryptOptions::default();
    options
        .encryption_context
        .insert("tenant".into(), "acme".into());
    let message = block_on(client.encrypt(
        keyring_cmm(keyring.clone()),
        b"Quarterly numbers: +12%",
        options,
    ))?;
    println!(
        "\nmessage: {} bytes, suite 0x{:04x}, {} encrypted data key(s), context {:?}",
        message.ciphertext.len(),
        message.header.suite.id(),
        message.header.encrypted_data_keys.len(),
        message.header.encryption_context.keys().collect::<Vec<_>>()
    );

    // 3. A record: the SSN is encrypted and signed, the id and email signed only, the note untouched.
    let mut config = ItemEncryptorConfig::new("users", "id", keyring.clone());
    for (name, action) in [
        ("id", CryptoAction::SignOnly),
        ("email", CryptoAction::SignOnly),
        ("ssn", CryptoAction::EncryptAndSign),
        ("note", CryptoAction::DoNothing),
    ] {
        config.attribute_actions.insert(name.into(), action);
    }
    config.allowed_unsigned_attributes.insert("note".into());
    let records = ItemEncryptor::new(config)?;
    let record: Item = [
        ("id", AttributeValue::S("user-42".into())),
        ("email", AttributeValue::S("ada@example.com".into())),
        ("ssn", AttributeValue::S("078-05-1120".into())),
        ("note", AttributeValue::S("prefers email".into())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let sealed = block_on(records.encrypt_item(&record))?;
    println!("\nrecord attributes after encryption:");
    for (name, value) in &sealed {
        let shown = match value {
            AttributeValue::B(b) => format!("<{} encrypted/binary bytes>", b.len()),
            AttributeValue::S(s) => format!("{s:?}"),
            other => format!("{other:?}"),
        };
        println!("  {name:14} {shown}");
    }

    // 4. Rotate the KMS key; everything made before still decrypts.
    block_on(alice.rotate_key_on_demand(KeyIdRequest {
        key_id: key.arn.clone(),
        ..Default::default()
    }))?;
    clock.advance(3600);
    let opened = block_on(client.decrypt(
        keyring_cmm(keyring.clone()),
        &message.ciphertext,
        DecryptOptions::default(),
    ))?;
    println!(
        "\nafter rotation, message decrypts: {:?}",
        String::from_utf8_lossy(&opened.plaintext)
    );
    let restored = block_on(records.decrypt_item(&sealed))?;
    assert_eq!(restored, record);
    println!(
        "after rotation, record decrypts: ssn = {:?}",
        restored.get("ssn")
    );

    // 5. Wrong context and tampering fail with named errors.
    let mut wrong = DecryptOptions::default();
    wrong
        .encryption_context
        .insert("tenant".into(), "evil".into());
    let err = block_on(client.decrypt(keyring_cmm(keyring.clone()), &message.ciphertext, wrong))
        .unwrap_err();
    println!("\nwrong context  -> {}: {err}", err.code());
    let mut tampered = sealed.clone();
    tampered.insert(
        "email".into(),
        AttributeValue::S("mallory@example.com".into()),
    );
    let err = block_on(records.decrypt_item(&tampered)).unwrap_err();
    println!("tampered email -> {}: {err}", err.code());

    // 6. What the KMS recorded.
    println!("\naudit log:");
    for r in kms.audit_log(&AuditFilter::default()) {
        println!(
            "  t={} {:28} {:18} {}",
            r.time,
            r.operation,
            r.error_code
                .as_deref()
                .unwrap_or(if r.success { "ok" } else { "failed" }),
            r.encryption_context
                .map(|c| format!("{c:?}"))
                .unwrap_or_default()
        );
    }
    Ok(())
}
