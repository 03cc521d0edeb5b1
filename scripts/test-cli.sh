#!/usr/bin/env bash
# The sealkit CLI contract tests (no Python needed; the interop tests are #[ignore]d here).
# Vectors/keys: tests/vectors/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test -p sealkit-cli "$@"
