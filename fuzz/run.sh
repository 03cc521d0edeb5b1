#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each: bash fuzz/run.sh 600 [target...]
# Builds with the nightly toolchain and libFuzzer's coverage flags (what `cargo fuzz build` passes,
# without a sanitizer), so cargo-fuzz itself is not needed. Seeds the corpora on first use.
# Crashing inputs land in fuzz/artifacts/<target>/; the exit status is non-zero if any target failed.
# FUZZ_CORPUS names another corpus directory (default fuzz/corpus; the CI smoke uses a fresh one).
set -uo pipefail
FUZZ="$(cd "$(dirname "$0")" && pwd)"
cd "$FUZZ"
SECS="${1:-60}"; shift || true
TARGETS=("$@"); [ ${#TARGETS[@]} -gt 0 ] || TARGETS=(header_stream decrypt item_json item_wire item_decrypt kms_response kms_bodies key_policy sigv4_verify)
HOST="$(rustc -vV | sed -n 's/^host: //p')"
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
cargo +nightly build --release --target "$HOST" --target-dir target/fuzzbuild || exit 1
CORPUS="${FUZZ_CORPUS:-$FUZZ/corpus}"
export FUZZ_CORPUS="$CORPUS"
for t in "${TARGETS[@]}"; do [ -d "$CORPUS/$t" ] || { bash seed.sh; break; }; done
status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "$CORPUS/$t" "artifacts/$t"
  echo "== $t for ${SECS}s"
  log="artifacts/$t/last-run.log"
  "target/fuzzbuild/$HOST/release/$t" -max_total_time="$SECS" -print_final_stats=1 \
    -artifact_prefix="artifacts/$t/" "$CORPUS/$t" > "$log" 2>&1
  rc=$?
  grep -E "^Done|stat::number_of_executed_units|panicked|SUMMARY|Test unit written" "$log" || true
  [ "$rc" -eq 0 ] || { echo "== $t FAILED (exit $rc; see $log and artifacts/$t/)"; status=1; }
done
exit $status
