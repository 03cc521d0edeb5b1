//! One-shot decrypt and streaming decrypt in chunk sizes taken from the input: never a panic,
//! and both give the same outcome.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use sealkit::{
    block_on, keyring_cmm, Client, CommitmentPolicy, DecryptOptions, Keyring, RawAesKeyring,
};

fuzz_target!(|data: &[u8]| {
    let Some((&seed, message)) = data.split_first() else {
        return;
    };
    let keyring: Arc<dyn Keyring> =
        Arc::new(RawAesKeyring::new("fuzz", "key", &[0x42; 32]).expect("keyring"));
    let client =
        Client::new(CommitmentPolicy::RequireEncryptAllowDecrypt).with_max_encrypted_data_keys(16);
    let one_shot = block_on(client.decrypt(
        keyring_cmm(keyring.clone()),
        message,
        DecryptOptions::default(),
    ))
    .map(|m| m.plaintext);

    let mut dec = client.decryptor(keyring_cmm(keyring), DecryptOptions::default());
    let mut out = Vec::new();
    let mut step = usize::from(seed) + 1;
    let mut streamed = Ok(());
    for chunk in chunks(message, &mut step) {
        streamed = block_on(dec.update(chunk, &mut out));
        if streamed.is_err() {
            break;
        }
    }
    let streamed = streamed.and_then(|()| dec.finish(&mut out)).map(|_| out);
    match (one_shot, streamed) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(_), Err(_)) => {}
        (a, b) => panic!("one-shot ok: {}, streamed ok: {}", a.is_ok(), b.is_ok()),
    }
});

fn chunks<'a>(mut rest: &'a [u8], step: &'a mut usize) -> impl Iterator<Item = &'a [u8]> + 'a {
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (chunk, tail) = rest.split_at((*step).min(rest.len()));
        rest = tail;
        *step = *step * 7 % 251 + 1;
        Some(chunk)
    })
}
