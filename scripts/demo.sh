#!/usr/bin/env bash
# The README demo, runnable on a fresh clone (and run by scripts/test.sh, so a broken demo fails CI):
#  0. what it needs, installed only when missing: the npm package in pkg/ (scripts/build-wasm.sh,
#     after scripts/setup.sh when the wasm toolchain or Chromium is absent), and sql.js +
#     playwright-core in examples/demo/node_modules (git-ignored);
#  1. the Rust library: the embedded local KMS protects a message and a record (examples/local_kms_demo.rs);
#  2. the sealkit CLI: generate a key, encrypt and decrypt a file, inspect its header;
#  3.-7. the npm package in Node (examples/demo/run.mjs): a raw AES message; a record's fields
#     encrypted one by one and stored in SQLite; an AwsKmsKeyring against sealkit-key-server
#     (HTTP, SigV4); offline KMS RSA encryption with a downloaded public key; the browser example
#     in headless Chromium, with a screenshot whose path is printed at the end.
# Env: CARGO_TARGET_DIR, CHROMIUM (default /usr/bin/chromium), SEALKIT_DEMO_OUT (where the
#      screenshot goes; default <target>/demo).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"
export PATH="$HOME/.cargo/bin:$PATH"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
OUT="${SEALKIT_DEMO_OUT:-$TARGET/demo}"

echo "######## 0. setup (skipped when present)"
wasm_tools_present() {
  command -v wasm-bindgen >/dev/null 2>&1 &&
    rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown
}
if { [ ! -f pkg/index.node.mjs ] && ! wasm_tools_present; } || [ ! -x "$CHROMIUM" ]; then
  bash scripts/setup.sh
fi
if [ -f pkg/index.node.mjs ]; then
  echo "npm package: pkg/ present"
else
  echo "npm package: pkg/ missing, building it (scripts/build-wasm.sh)"
  bash scripts/build-wasm.sh
fi
if [ -f examples/demo/node_modules/sql.js/package.json ] && [ -f examples/demo/node_modules/playwright-core/package.json ]; then
  echo "demo npm dependencies: present"
else
  echo "demo npm dependencies: installing sql.js and playwright-core into examples/demo/node_modules"
  (cd examples/demo && npm install --no-audit --no-fund --silent)
fi
echo "building the CLI and the key server (debug profile, as the tests use)"
cargo build --quiet -p sealkit-cli -p sealkit-key-server

echo
echo "######## 1. local KMS: a message and a record"
cargo run --quiet --example local_kms_demo

echo
echo "######## 2. the sealkit CLI"
SEALKIT="$TARGET/debug/sealkit"
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

mkdir -p "$OUT"
node examples/demo/run.mjs --key-server "$TARGET/debug/sealkit-key-server" --chromium "$CHROMIUM" \
  --screenshot "$OUT/browser-example.png"
echo
echo "demo done; the browser screenshot is at $OUT/browser-example.png"
