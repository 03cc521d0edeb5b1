#!/usr/bin/env bash
# The README demo:
#  1. the embedded local KMS protects a message and a record (examples/local_kms_demo.rs);
#  2. the CLI: generate a key, encrypt and decrypt a file, inspect its header;
#  3. the npm package in Node (examples/node/quickstart.mjs, records.mjs), when pkg/ is built
#     (scripts/build-wasm.sh; the test command builds it).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"
export PATH="$HOME/.cargo/bin:$PATH"

echo "######## 1. local KMS: a message and a record"
cargo run --quiet --release --example local_kms_demo

echo
echo "######## 2. the sealkit CLI"
cargo build --quiet --release -p sealkit-cli
SEALKIT="${CARGO_TARGET_DIR:-$REPO/target}/release/sealkit"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT

echo "== generate a 256-bit wrapping key"
head -c 32 /dev/urandom > "$WORK/key.bin"
printf 'Patient 4711: blood type AB-, allergies: penicillin.\n' > "$WORK/record.txt"

echo "== encrypt (suite 0x0578: committing + signed), with an encryption context"
"$SEALKIT" encrypt --input "$WORK/record.txt" --output "$WORK/record.sealed" \
  --aes-key "demo:key-1:$WORK/key.bin" --context tenant=acme --context purpose=demo
echo "ciphertext: $(wc -c < "$WORK/record.sealed") bytes"

echo "== inspect the header (no key needed)"
"$SEALKIT" inspect --input "$WORK/record.sealed"

echo "== decrypt, requiring tenant=acme"
"$SEALKIT" decrypt --input "$WORK/record.sealed" --output "$WORK/record.out" \
  --aes-key "demo:key-1:$WORK/key.bin" --context tenant=acme
cmp "$WORK/record.txt" "$WORK/record.out" && echo "decrypted text matches: $(cat "$WORK/record.out")"

echo "== decrypting with the wrong context fails, and leaves no output file"
if "$SEALKIT" decrypt --input "$WORK/record.sealed" --output "$WORK/bad.out" \
  --aes-key "demo:key-1:$WORK/key.bin" --context tenant=evil; then
  echo "unexpected success"; exit 1
fi
[ ! -e "$WORK/bad.out" ] && echo "(no bad.out written)"

if [ -f pkg/package.json ] || [ -f pkg/index.node.mjs ]; then
  for ex in examples/node/quickstart.mjs examples/node/records.mjs; do
    if [ -f "$ex" ]; then echo; echo "######## 3. $ex (npm package in Node)"; node "$ex"; fi
  done
else
  echo; echo "(skipping the Node examples: run scripts/build-wasm.sh first)"
fi
