#!/usr/bin/env bash
# The sealkit CLI contract tests (no Python needed; the interop tests are #[ignore]d here).
# Shared vectors/keys: $SEALKIT_SHARED, default <repo>/../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test -p sealkit-cli "$@"
