#!/usr/bin/env bash
# Builds the npm package into pkg/ (git-ignored):
#   cargo (wasm32, profile wasm-full for the full module, wasm-release for the small ones)
#   → wasm-bindgen 0.2.130 (web + nodejs glue, one .wasm)
#   → wasm-opt -Oz (npm binaryen@132.0.0, installed into .deps/npm if missing) → js/ sources.
# Needs: rustup target wasm32-unknown-unknown, wasm-bindgen-cli 0.2.130, node/npm.
# Env: CARGO_TARGET_DIR (default target/), SEALKIT_NO_WASM_OPT=1,
#      SEALKIT_WASM_PROFILE (one profile for every module instead).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
FINAL="$ROOT/pkg"
# Built in a staging dir and swapped in at the end, so pkg/ is never half-built while others use it.
OUT="$ROOT/pkg-staging.$$"
DEPS="$ROOT/.deps/npm"
BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

die() { echo "build-wasm: $*" >&2; exit 1; }
command -v cargo >/dev/null || die "cargo not found"
rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown ||
  die "rust target wasm32-unknown-unknown missing: rustup target add wasm32-unknown-unknown"
command -v wasm-bindgen >/dev/null || die "wasm-bindgen not found: cargo install wasm-bindgen-cli --version $BINDGEN_VERSION"
have=$(wasm-bindgen --version | awk '{print $2}')
[ "$have" = "$BINDGEN_VERSION" ] || die "wasm-bindgen $have on PATH, Cargo.lock needs $BINDGEN_VERSION: cargo install wasm-bindgen-cli --version $BINDGEN_VERSION"
command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are needed"
PROFILE="${SEALKIT_WASM_PROFILE:-wasm-release}"
# The full module (Node, and sealkit/full in browsers) has its hash and AES crates built for
# speed (Cargo.toml, profile wasm-full); the small browser modules stay smallest.
FULL_PROFILE="${SEALKIT_WASM_PROFILE:-wasm-full}"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP" "$OUT"' EXIT

WASM_OPT=""
if [ "${SEALKIT_NO_WASM_OPT:-}" != 1 ]; then
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
fi

rm -rf "$OUT" && mkdir -p "$OUT"
# build_variant NAME PROFILE [cargo args…]: NAME=sealkit (full) or sealkit_lite (no RSA).
build_variant() {
  local name=$1 profile=$2
  shift 2
  local wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$profile/sealkit.wasm"
  echo "build-wasm: cargo build $name (wasm32, profile $profile, target dir $CARGO_TARGET_DIR)"
  # Concurrent runs share the target dir, where both variants land on the same sealkit.wasm:
  # build and copy under one lock.
  mkdir -p "$TMP/$name" "$CARGO_TARGET_DIR"
  (
    flock 9
    cargo build -p sealkit --lib --target wasm32-unknown-unknown --profile "$profile" "$@"
    cp "$wasm" "$TMP/$name/sealkit.wasm"
  ) 9>"$CARGO_TARGET_DIR/.sealkit-build-wasm.lock"
  wasm-bindgen --target web --out-dir "$TMP/$name/web" --out-name "$name" "$TMP/$name/sealkit.wasm"
  if [ -n "$WASM_OPT" ]; then
    "$WASM_OPT" -Oz --converge "$TMP/$name/web/${name}_bg.wasm" -o "$OUT/${name}_bg.wasm"
  else
    cp "$TMP/$name/web/${name}_bg.wasm" "$OUT/${name}_bg.wasm"
  fi
  cp "$TMP/$name/web/$name.js" "$OUT/${name}_web.js"
}

build_variant sealkit "$FULL_PROFILE"
# nodejs glue (CommonJS) for the full module; it reads `${__dirname}/sealkit_bg.wasm`, the same
# bytes as the web target's.
wasm-bindgen --target nodejs --out-dir "$TMP/node" --out-name sealkit "$TMP/sealkit/sealkit.wasm"
cmp -s "$TMP/sealkit/web/sealkit_bg.wasm" "$TMP/node/sealkit_bg.wasm" || die "web and nodejs wasm outputs differ"
cp "$TMP/node/sealkit.js" "$OUT/sealkit_node.cjs"
# The small module: the default browser entry and sealkit/lite.
build_variant sealkit_lite "$PROFILE" --no-default-features --features wasm-lite
# The small module with item encryption: sealkit/items.
build_variant sealkit_items "$PROFILE" --no-default-features --features wasm-items
# The small module with the KMS keyrings over fetch and provider objects: sealkit/kms.
build_variant sealkit_kms "$PROFILE" --no-default-features --features wasm-kms

cp js/index.node.mjs js/index.workerd.mjs js/index.browser.mjs js/index.full.browser.mjs js/full.browser.mjs js/full-on-demand.mjs js/index.lite.browser.mjs js/index.items.browser.mjs js/index.kms.browser.mjs js/kms.browser.mjs js/webcrypto-host.mjs js/driver.mjs js/lite-stubs.mjs js/kms-rsa-offline.mjs js/webcrypto-rsa.mjs js/index.cjs js/index.d.ts js/package.json "$OUT/"
[ -f js/README.md ] && cp js/README.md "$OUT/"
# Declarations for require('sealkit'): the same as index.d.ts (ESM, the package is "type":
# "module") without the default export, which CommonJS's module.exports does not have; `export {}`
# keeps the declarations not marked `export` private, as the default export did.
grep -qx 'export default sealkit' js/index.d.ts || die "js/index.d.ts: 'export default sealkit' not found"
sed 's/^export default sealkit$/export {}/' js/index.d.ts > "$OUT/index.d.cts"
# Each of these ESM modules has exactly one export and imports only its siblings, by name
# (`import { f } from './x.mjs'`); its .cjs twin is the same code with require and a CommonJS
# export.
for mod in api:createApi kms:createKmsApi items:createItemApi item-wire:createItemWire hierarchical-static:createStaticHierarchicalKeyring marshall:createMarshall node-host:installNodeHost; do
  file=${mod%%:*} fn=${mod##*:}
  cp "js/$file.mjs" "$OUT/"
  grep -c '^export ' "js/$file.mjs" | grep -qx 1 || die "js/$file.mjs must have exactly one export"
  if grep '^import ' "js/$file.mjs" | grep -vqE "^import \{ [A-Za-z]+ \} from '\./[a-z-]+\.mjs'$"; then
    die "js/$file.mjs: only \`import { f } from './x.mjs'\` lines can be turned into require"
  fi
  {
    echo "'use strict'"
    sed -E -e "s/^export function $fn/function $fn/" \
      -e "s#^import \{ ([A-Za-z]+) \} from '\./([a-z-]+)\.mjs'\$#const { \1 } = require('./\2.cjs')#" "js/$file.mjs"
    echo "module.exports = { $fn }"
  } > "$OUT/$file.cjs"
done

for w in "$OUT"/*_bg.wasm; do
  echo "build-wasm: $(basename "$w") $(wc -c < "$w") B (gzip -9: $(gzip -9c "$w" | wc -c) B)"
done
OLD="$ROOT/pkg-old.$$"
[ -e "$FINAL" ] && mv "$FINAL" "$OLD"
mv "$OUT" "$FINAL"
rm -rf "$OLD"
echo "build-wasm: pkg/ ready"
