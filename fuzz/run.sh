#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each: bash fuzz/run.sh 600 [target...]
# Builds with the nightly toolchain and libFuzzer's coverage flags (what `cargo fuzz build` passes,
# without a sanitizer), so cargo-fuzz itself is not needed. Seeds the corpora on first use.
# Crashing inputs land in fuzz/artifacts/<target>/; the exit status is non-zero if any target failed.
set -uo pipefail
FUZZ="$(cd "$(dirname "$0")" && pwd)"
cd "$FUZZ"
SECS="${1:-60}"; shift || true
TARGETS=("$@"); [ ${#TARGETS[@]} -gt 0 ] || TARGETS=(header_stream decrypt item_json)
HOST="$(rustc -vV | sed -n 's/^host: //p')"
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
cargo +nightly build --release --target "$HOST" --target-dir target/fuzzbuild || exit 1
[ -d corpus/decrypt ] || bash seed.sh
status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  echo "== $t for ${SECS}s"
  if ! "target/fuzzbuild/$HOST/release/$t" -max_total_time="$SECS" -print_final_stats=1 \
      -artifact_prefix="artifacts/$t/" "corpus/$t" 2>&1 | grep -E "^Done|stat::number_of_executed_units|panicked|SUMMARY|Test unit written"; then
    :
  fi
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "== $t FAILED (see artifacts/$t/)"; status=1; }
done
exit $status
