#!/usr/bin/env bash
# The README demo: generate a key, encrypt and decrypt a file with the sealkit CLI, inspect it.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --quiet --release -p sealkit-cli
SEALKIT="$REPO/target/release/sealkit"
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
