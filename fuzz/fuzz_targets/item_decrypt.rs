//! Item decrypt: a DynamoDB-JSON item, decrypted with the configuration and raw AES key of the
//! shared DB-ESDK vectors (`dbesdk/rawaes_*.json`); any input is an item or a named error, never
//! a panic. The first byte picks the configuration (even: version 1, odd: version 2), so the
//! seeds (that manifest's encrypted items) reach the header, footer and attribute decryption.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use sealkit::item::json::item_from_json_str;
use sealkit::{block_on, CryptoAction, ItemEncryptor, ItemEncryptorConfig, Keyring, RawAesKeyring};

/// The vectors' raw AES-256 key: bytes 0..32.
fn key() -> [u8; 32] {
    core::array::from_fn(|i| i as u8)
}

fn encryptor(v2: bool) -> ItemEncryptor {
    use CryptoAction::{
        DoNothing as N, EncryptAndSign as E, SignAndIncludeInEncryptionContext as C, SignOnly as S,
    };
    let keyring: Arc<dyn Keyring> = Arc::new(
        RawAesKeyring::new("my-key-namespace", "my-aes-key-name", &key()).expect("keyring"),
    );
    let mut config = ItemEncryptorConfig::new("my-table", "partition_key", keyring);
    config.sort_key = Some("sort_key".into());
    config.allowed_unsigned_attribute_prefix = Some(":".into());
    let keys = if v2 { C } else { S };
    let actions = [
        ("partition_key", keys),
        ("sort_key", keys),
        ("attribute1", E),
        ("attribute2", if v2 { C } else { S }),
        ("nums", E),
        ("strs", S),
        ("bin", if v2 { C } else { E }),
        ("bs", S),
        ("m", E),
        ("flag", if v2 { C } else { E }),
        (":attribute3", N),
    ];
    for (name, action) in actions {
        config.attribute_actions.insert(name.into(), action);
    }
    ItemEncryptor::new(config).expect("config")
}

fuzz_target!(|data: &[u8]| {
    static ENCRYPTORS: OnceLock<[ItemEncryptor; 2]> = OnceLock::new();
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let Ok(item) = item_from_json_str(text) else {
        return;
    };
    let encryptors = ENCRYPTORS.get_or_init(|| [encryptor(false), encryptor(true)]);
    let enc = &encryptors[usize::from(pick & 1)];
    if let Ok(plain) = block_on(enc.decrypt_item(&item)) {
        // A decrypted item never carries the header or footer. Other reserved attributes
        // (`aws_dbe_b_*` beacons, …) are outside the signature scope and pass through unchanged,
        // as in the DB-ESDK's DecryptItem (decrypt-item.md#signature-scope).
        assert!(!plain.contains_key("aws_dbe_head") && !plain.contains_key("aws_dbe_foot"));
        for (name, value) in &plain {
            if name.starts_with("aws_dbe_") {
                assert!(item.get(name) == Some(value));
            }
        }
        // Nothing appears that the stored item did not have.
        assert!(plain.keys().all(|k| item.contains_key(k)));
    }
});
