//! Encrypt/decrypt of 1 KiB and 1 MiB messages with suites 0x0478 and 0x0578 (raw AES-256 keyring).
//! Run: `cargo bench -p sealkit-bench --bench message` (results and machine in BENCHMARKS.md).

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sealkit::{
    block_on, keyring_cmm, AlgorithmSuite, Client, DecryptOptions, EncryptOptions, Keyring,
    RawAesKeyring,
};

fn bench(c: &mut Criterion) {
    let keyring: Arc<dyn Keyring> =
        Arc::new(RawAesKeyring::new("bench", "aes-256", &[9u8; 32]).expect("keyring"));
    let cmm = keyring_cmm(keyring);
    let client = Client::default();
    let mut group = c.benchmark_group("message");
    for suite in [
        AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
        AlgorithmSuite::AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
    ] {
        for size in [1024usize, 1 << 20] {
            let data = vec![0x5a; size];
            let mut options = EncryptOptions {
                suite: Some(suite),
                ..Default::default()
            };
            options
                .encryption_context
                .insert("purpose".into(), "bench".into());
            let label = format!(
                "{:04x}/{}",
                suite.id(),
                if size == 1024 { "1KiB" } else { "1MiB" }
            );
            group.throughput(Throughput::Bytes(size as u64));
            group.bench_with_input(BenchmarkId::new("encrypt", &label), &data, |b, data| {
                b.iter(|| {
                    block_on(client.encrypt(cmm.clone(), data, options.clone())).expect("encrypt")
                })
            });
            let msg =
                block_on(client.encrypt(cmm.clone(), &data, options.clone())).expect("encrypt");
            group.bench_with_input(
                BenchmarkId::new("decrypt", &label),
                &msg.ciphertext,
                |b, ct| {
                    b.iter(|| {
                        block_on(client.decrypt(cmm.clone(), ct, DecryptOptions::default()))
                            .expect("decrypt")
                    })
                },
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
