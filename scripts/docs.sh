#!/usr/bin/env bash
# Reference docs, built with warnings as errors: rustdoc for the crates (target/doc) and TypeDoc
# for the npm package from js/index.d.ts (target/doc-js; every exported name must be documented).
# The README's Rust examples run as doctests in `cargo test` (src/lib.rs, ReadmeDoctests).
# Installs typedoc into tests/js/node_modules when missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

echo "docs: rustdoc (cargo doc --workspace --no-deps, -D warnings)"
RUSTDOCFLAGS="-D warnings" cargo doc -q --workspace --no-deps

if [ ! -f tests/js/node_modules/typedoc/package.json ]; then
  (cd tests/js && npm install --no-audit --no-fund --silent)
fi
OUT="${CARGO_TARGET_DIR:-$ROOT/target}/doc-js"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cp js/index.d.ts "$TMP/index.d.ts"
cat > "$TMP/tsconfig.json" <<'JSON'
{ "compilerOptions": { "strict": true, "noEmit": true, "lib": ["es2022", "dom"] }, "files": ["index.d.ts"] }
JSON
echo "docs: TypeDoc (js/index.d.ts, every export documented, warnings as errors)"
tests/js/node_modules/.bin/typedoc --name sealkit --entryPoints "$TMP/index.d.ts" --tsconfig "$TMP/tsconfig.json" \
  --out "$OUT" --disableSources --validation.notDocumented --treatWarningsAsErrors --logLevel Warn
echo "docs: ok (rustdoc in ${CARGO_TARGET_DIR:-target}/doc, TypeDoc in $OUT)"
