#!/usr/bin/env bash
# Interop of the sealkit CLI with the official Python ESDK (aws-encryption-sdk[MPL]==4.0.7):
# sets up the venv (idempotent), then runs the ignored interop tests against it.
# Oracle: tests/tools/esdk_oracle.py; keys: tests/vectors/esdk/keys.json.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"
scripts/setup-python.sh
export SEALKIT_PYTHON="$REPO/.deps/venv/bin/python"
"$SEALKIT_PYTHON" -c "import aws_encryption_sdk, aws_cryptographic_material_providers" \
  || { echo "python interop: the venv lacks the ESDK/MPL ($SEALKIT_PYTHON)" >&2; exit 1; }
cargo test -p sealkit-cli --test python_interop -- --ignored --nocapture --test-threads 2 "$@"
