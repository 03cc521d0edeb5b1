#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the shared test vectors (ESDK ciphertexts, DB-ESDK items).
# Each message seed gets a leading byte, which the targets use to pick chunk sizes.
set -euo pipefail
FUZZ="$(cd "$(dirname "$0")" && pwd)"
SHARED="${SEALKIT_SHARED:-$FUZZ/../../shared}"
for t in header_stream decrypt item_json; do mkdir -p "$FUZZ/corpus/$t"; done
n=0
for f in "$SHARED"/vectors/esdk/*/ciphertexts/*; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  for t in header_stream decrypt; do
    { printf "\\x$(printf %02x $((n % 256)))"; cat "$f"; } > "$FUZZ/corpus/$t/vector-$n"
  done
done
m=0
for f in "$SHARED"/vectors/dbesdk/*.json "$SHARED"/vectors/dbesdk/*/*.json; do
  [ -f "$f" ] || continue
  m=$((m + 1)); cp "$f" "$FUZZ/corpus/item_json/vector-$m.json"
done
echo "seeded $n message seeds (header_stream, decrypt) and $m JSON seeds (item_json)"
