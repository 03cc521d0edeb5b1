#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what is missing, then runs every suite.
# Every step runs even if an earlier one failed; the exit status is non-zero if any failed.
set -uo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"
export PATH="$HOME/.cargo/bin:$PATH"

passed=0; failed=0; failures=()
run() {
  local name="$1"; shift
  printf '\n==== %s: %s\n' "$name" "$*"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); printf '==== %s: ok (%ss)\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1)); failures+=("$name"); printf '==== %s: FAILED (%ss)\n' "$name" $((SECONDS - start))
  fi
}

run "setup" bash scripts/setup.sh || true
run "format" cargo fmt --all -- --check
run "clippy (native)" cargo clippy --workspace --all-targets -- -D warnings
run "clippy (wasm32)" cargo clippy --target wasm32-unknown-unknown -p sealkit -p sealkit-kms -- -D warnings
run "clippy (wasm32, lite)" cargo clippy --target wasm32-unknown-unknown -p sealkit --lib --no-default-features --features wasm-lite -- -D warnings
run "clippy (wasm32, items)" cargo clippy --target wasm32-unknown-unknown -p sealkit --lib --no-default-features --features wasm-items -- -D warnings
run "clippy (wasm32, kms)" cargo clippy --target wasm32-unknown-unknown -p sealkit --lib --no-default-features --features wasm-kms -- -D warnings
run "dependency allow-list" bash scripts/check-deps.sh
run "advisories (vendored snapshot)" bash scripts/check-advisories.sh
run "rust tests (library, vectors, CLI, KMS)" cargo test -- --nocapture --test-threads 2
for script in scripts/test-interop-python.sh scripts/test-kms.sh scripts/test-js.sh; do
  if [ -f "$script" ]; then run "$(basename "$script" .sh)" bash "$script"; fi
done
# 10 s per fuzz target after the nightly build (fuzz/README.md has the long runs).
run "fuzz smoke" bash scripts/fuzz-smoke.sh 10
run "docs (rustdoc, TypeDoc)" bash scripts/docs.sh
# The README's first command, on the pkg/ and debug binaries built above: a broken demo fails CI.
run "demo" bash scripts/demo.sh

echo
[ "$failed" -eq 0 ] || printf 'failed steps: %s\n' "${failures[*]}"
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
