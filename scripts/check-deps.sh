#!/usr/bin/env bash
# Dependency allow-list: fails when the wasm library's tree (sealkit + sealkit-kms built for
# wasm32, full and lite modules) or the native workspace tree gains a crate that is not listed in
# deps/wasm32.txt or deps/native.txt. Adding a crate is a reviewed change to those lists
# (`bash scripts/check-deps.sh --update` rewrites them from the current trees).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"

names() { awk '{print $1}' | grep -v '^$' | sort -u; }

wasm_tree() {
  {
    cargo tree --locked -p sealkit -p sealkit-kms --target wasm32-unknown-unknown \
      -e normal,build --prefix none --format '{p}'
    cargo tree --locked -p sealkit --target wasm32-unknown-unknown --no-default-features \
      --features wasm-lite -e normal,build --prefix none --format '{p}'
  } 2>/dev/null | names
}

native_tree() {
  cargo tree --locked --workspace -e normal,build --prefix none --format '{p}' 2>/dev/null | names
}

if [ "${1:-}" = "--update" ]; then
  wasm_tree > deps/wasm32.txt
  native_tree > deps/native.txt
  echo "rewrote deps/wasm32.txt ($(wc -l < deps/wasm32.txt)) and deps/native.txt ($(wc -l < deps/native.txt))"
  exit 0
fi

status=0
check() {
  local list="$1" actual="$2"
  local extra
  extra="$(comm -23 <(printf '%s\n' "$actual") "$list")"
  if [ -n "$extra" ]; then
    echo "crates not on $list:"; printf '  %s\n' $extra; status=1
  fi
  local gone
  gone="$(comm -13 <(printf '%s\n' "$actual") "$list")"
  if [ -n "$gone" ]; then
    echo "note: on $list but no longer in the tree (remove them):"; printf '  %s\n' $gone
  fi
  echo "$list: $(printf '%s\n' "$actual" | wc -l) crates checked"
}
wasm="$(wasm_tree)"
native="$(native_tree)"
[ -n "$wasm" ] && [ -n "$native" ] || { echo "cargo tree produced nothing"; exit 1; }
check deps/wasm32.txt "$wasm"
check deps/native.txt "$native"
exit $status
