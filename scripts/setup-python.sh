#!/usr/bin/env bash
# Python test dependencies in a git-ignored venv: the official ESDK (interop oracle) and moto (KMS emulator).
# Skips the install when the pinned versions are already present.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$REPO/.deps/venv"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
want_esdk="4.0.7"; want_moto="5.2.5"
have() { "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(0 if m.version('$1') == '$2' else 1)" 2>/dev/null; }
if have aws-encryption-sdk "$want_esdk" && have moto "$want_moto" && have boto3 "$("$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('boto3'))" 2>/dev/null || echo none)"; then
  echo "python deps present in $VENV"
else
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "aws-encryption-sdk[MPL]==$want_esdk" "moto[server]==$want_moto" boto3
fi
