#!/usr/bin/env bash
# Builds the npm package into pkg/ (git-ignored):
#   cargo (wasm32, profile wasm-release) → wasm-bindgen 0.2.130 (web + nodejs glue, one .wasm)
#   → wasm-opt -Oz (npm binaryen@132.0.0, installed into .deps/npm if missing) → js/ sources.
# Needs: rustup target wasm32-unknown-unknown, wasm-bindgen-cli 0.2.130, node/npm.
# Env: CARGO_TARGET_DIR (default /work/target-wasm if it exists, else target/), SEALKIT_NO_WASM_OPT=1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
OUT="$ROOT/pkg"
DEPS="$ROOT/.deps/npm"
BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  if [ -d /work/target-wasm ]; then export CARGO_TARGET_DIR=/work/target-wasm; else export CARGO_TARGET_DIR="$ROOT/target"; fi
fi

die() { echo "build-wasm: $*" >&2; exit 1; }
command -v cargo >/dev/null || die "cargo not found"
rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown ||
  die "rust target wasm32-unknown-unknown missing: rustup target add wasm32-unknown-unknown"
command -v wasm-bindgen >/dev/null || die "wasm-bindgen not found: cargo install wasm-bindgen-cli --version $BINDGEN_VERSION"
have=$(wasm-bindgen --version | awk '{print $2}')
[ "$have" = "$BINDGEN_VERSION" ] || die "wasm-bindgen $have on PATH, Cargo.lock needs $BINDGEN_VERSION: cargo install wasm-bindgen-cli --version $BINDGEN_VERSION"
command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are needed"

echo "build-wasm: cargo build (wasm32, profile wasm-release, target dir $CARGO_TARGET_DIR)"
cargo build --lib --target wasm32-unknown-unknown --profile wasm-release
WASM="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/sealkit.wasm"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
wasm-bindgen --target web --out-dir "$TMP/web" --out-name sealkit "$WASM"
wasm-bindgen --target nodejs --out-dir "$TMP/node" --out-name sealkit "$WASM"
cmp -s "$TMP/web/sealkit_bg.wasm" "$TMP/node/sealkit_bg.wasm" || die "web and nodejs wasm outputs differ"

rm -rf "$OUT" && mkdir -p "$OUT"
if [ "${SEALKIT_NO_WASM_OPT:-}" = 1 ]; then
  cp "$TMP/web/sealkit_bg.wasm" "$OUT/sealkit_bg.wasm"
else
  WASM_OPT=""
  for cand in "$ROOT/tests/js/node_modules/.bin/wasm-opt" "$DEPS/node_modules/.bin/wasm-opt"; do
    if [ -x "$cand" ] && "$cand" --version 2>/dev/null | grep -q 'version 132'; then WASM_OPT="$cand"; break; fi
  done
  if [ -z "$WASM_OPT" ]; then
    echo "build-wasm: installing binaryen@132.0.0 into .deps/npm"
    mkdir -p "$DEPS"
    [ -f "$DEPS/package.json" ] || echo '{"private":true}' > "$DEPS/package.json"
    npm install --prefix "$DEPS" --no-audit --no-fund --silent binaryen@132.0.0
    WASM_OPT="$DEPS/node_modules/.bin/wasm-opt"
  fi
  "$WASM_OPT" -Oz "$TMP/web/sealkit_bg.wasm" -o "$OUT/sealkit_bg.wasm"
fi

cp "$TMP/web/sealkit.js" "$OUT/sealkit_web.js"
# nodejs glue: CommonJS; it reads `${__dirname}/sealkit_bg.wasm`.
cp "$TMP/node/sealkit.js" "$OUT/sealkit_node.cjs"
cp js/api.mjs js/index.node.mjs js/index.browser.mjs js/index.cjs js/index.d.ts js/package.json "$OUT/"
[ -f js/README.md ] && cp js/README.md "$OUT/"
# api.cjs: the same code as api.mjs, as CommonJS (api.mjs has exactly one export).
grep -c '^export ' js/api.mjs | grep -qx 1 || die "js/api.mjs must have exactly one export"
{ echo "'use strict'"; sed 's/^export function createApi/function createApi/' js/api.mjs; echo 'module.exports = { createApi }'; } > "$OUT/api.cjs"

raw=$(wc -c < "$OUT/sealkit_bg.wasm"); gz=$(gzip -9c "$OUT/sealkit_bg.wasm" | wc -c)
echo "build-wasm: pkg/ ready — sealkit_bg.wasm $raw B (gzip -9: $gz B)"
