#!/usr/bin/env bash
# The CI fuzz smoke: every fuzz target (fuzz/) for a few seconds each, on its seeded corpus.
# Installs rustup's nightly toolchain when missing (libFuzzer's coverage flags need it), checks
# the fuzz crate's formatting (it is its own workspace, outside `cargo fmt --all`), then runs
# `fuzz/run.sh`, which builds the targets and fails on any crash. Long runs are for humans:
# `bash fuzz/run.sh 600` (see fuzz/README.md).
# Usage: bash scripts/fuzz-smoke.sh [SECONDS_PER_TARGET]   (default 10)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
SECS="${1:-10}"
if ! rustup run nightly rustc -V >/dev/null 2>&1; then
  rustup toolchain install nightly --profile minimal
fi
rustup run nightly rustc -V
command -v python3 >/dev/null || { echo "fuzz smoke: python3 is needed to seed the corpora" >&2; exit 1; }
cd "$REPO/fuzz"
cargo fmt -- --check
# A fresh corpus each run: the smoke starts from the vectors, not from a corpus grown earlier
# (and leaves fuzz/corpus alone).
FUZZ_CORPUS="$(mktemp -d)"
export FUZZ_CORPUS
trap 'rm -rf "$FUZZ_CORPUS"' EXIT
bash run.sh "$SECS"
