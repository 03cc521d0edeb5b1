#!/usr/bin/env bash
# Python test dependencies in a git-ignored venv: the official ESDK (interop oracle), moto (KMS emulator),
# boto3, and cryptography (pinned: the key server's boto3 suite checks its crypto with it).
# Skips the install when the pinned versions are already present.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$REPO/.deps/venv"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
want_esdk="4.0.7"; want_moto="5.2.5"; want_crypto="50.0.2"
have() { "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(0 if m.version('$1') == '$2' else 1)" 2>/dev/null; }
if have aws-encryption-sdk "$want_esdk" && have moto "$want_moto" && have cryptography "$want_crypto" && have boto3 "$("$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('boto3'))" 2>/dev/null || echo none)"; then
  echo "python deps present in $VENV"
else
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "aws-encryption-sdk[MPL]==$want_esdk" "moto[server]==$want_moto" "cryptography==$want_crypto" boto3
fi
